"""One deadline per request: every ConnectWise call on its behalf, retries and parallel calls
included, stops when the request's budget is spent (resolutionflow/deadline.py)."""

from __future__ import annotations

import time

import pytest
import requests
import responses

from psa.providers.base import PSAUnavailable
from psa.providers.connectwise.client import ConnectWiseClient
from psa.providers.connectwise.config import ConnectWiseConfig
from psa.providers.parallel import run_parallel
from psa.tests.providers import cw_samples as cw
from psa.tests.providers.cw_samples import API
from resolutionflow import deadline


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def _client(sleeps: list[float], **config) -> ConnectWiseClient:
    return cw.make_provider(sleeps, **config).client


def test_no_deadline_outside_a_request() -> None:
    assert deadline.remaining() is None


def test_a_nested_budget_never_extends_the_outer_one() -> None:
    with deadline.budget(1.0):
        with deadline.budget(30.0):
            assert deadline.remaining() <= 1.0
        with deadline.budget(0.2):
            assert deadline.remaining() <= 0.2
    assert deadline.remaining() is None


def test_each_call_timeout_is_cut_to_what_is_left(rsps) -> None:
    seen = []
    rsps.add_callback(
        responses.GET,
        f"{API}/service/priorities",
        callback=lambda request: seen.append(request.req_kwargs["timeout"]) or (200, {}, "[]"),
    )
    client = _client([], read_timeout=20.0, connect_timeout=5.0)
    with deadline.budget(2.0):
        client.get("/service/priorities")
    connect, read = seen[0]
    assert 1.5 < read <= 2.0 and 1.5 < connect <= 2.0


def test_no_retry_that_would_outlast_the_deadline(rsps) -> None:
    for _ in range(3):
        rsps.get(f"{API}/service/boards", status=503, json={"message": "busy"})
    sleeps: list[float] = []
    client = _client(sleeps, max_retries=2)
    with deadline.budget(0.4), pytest.raises(PSAUnavailable) as info:
        client.get("/service/boards")  # a backoff of 0.5 s does not fit in 0.4 s
    assert len(rsps.calls) == 1 and sleeps == []
    assert "HTTP 503" in info.value.message


def test_a_budget_spent_backing_off_reports_what_went_wrong(rsps) -> None:
    """On a loaded server the backoff overruns and no time is left for the retry: the engineer
    reads the 503 that caused it, not that we stopped waiting."""
    rsps.get(f"{API}/service/boards", status=503, json={"message": "busy"})
    slept: list[float] = []

    def oversleep(seconds: float) -> None:
        # The machine is so busy that the backoff ends just before the budget does.
        slept.append(seconds)
        time.sleep(max(seconds, (deadline.remaining() or 0) - 0.01))

    overslept = ConnectWiseClient(
        ConnectWiseConfig(**{**cw._config_kwargs(cw.CONFIG), "max_retries": 2}),
        sleep=oversleep,
        jitter=lambda: 0.5,
    )
    with deadline.budget(2.0), pytest.raises(PSAUnavailable) as info:
        overslept.get("/service/boards")  # a 0.5 s backoff fits, but takes the whole budget...
    assert slept == [0.5]  # ...so it really backed off, and then had no time left
    assert len(rsps.calls) == 1
    assert "HTTP 503" in info.value.message and "too slowly" not in info.value.message


def test_a_retry_cut_short_by_the_budget_reports_what_went_wrong(rsps) -> None:
    """On a loaded server the retry after a 503 gets only the rest of the budget and times out:
    the engineer still reads the 503, not that ConnectWise answered too slowly."""
    rsps.get(f"{API}/service/boards", status=503, json={"message": "busy"})
    rsps.get(f"{API}/service/boards", body=requests.ReadTimeout("read timed out"))
    client = _client([], max_retries=1)
    with deadline.budget(2.0), pytest.raises(PSAUnavailable) as info:
        client.get("/service/boards")
    assert len(rsps.calls) == 2  # the retry was sent...
    assert "HTTP 503" in info.value.message  # ...and its timeout is not what the page says
    assert "did not answer" not in info.value.message


def test_a_spent_budget_sends_nothing(rsps) -> None:
    client = _client([])
    with deadline.budget(0.01):
        time.sleep(0.02)
        with pytest.raises(PSAUnavailable) as info:
            client.get("/service/boards")
    assert len(rsps.calls) == 0 and "too slowly" in info.value.message


def test_a_429_wait_that_does_not_fit_is_not_waited(rsps) -> None:
    rsps.get(f"{API}/service/boards", status=429, headers={"Retry-After": "3"}, json={})
    sleeps: list[float] = []
    client = _client(sleeps, max_retries=2, retry_after_cap=10.0)
    with deadline.budget(1.0), pytest.raises(Exception) as info:
        client.get("/service/boards")
    assert sleeps == [] and type(info.value).__name__ == "PSARateLimited"


def test_parallel_calls_share_the_callers_deadline() -> None:
    with deadline.budget(5.0):
        left = run_parallel(deadline.remaining, deadline.remaining, deadline.remaining)
    assert all(value is not None and value <= 5.0 for value in left)
    assert run_parallel(deadline.remaining, deadline.remaining) == [None, None]


def test_a_hanging_connectwise_costs_one_budget_not_timeouts_times_retries(cw_sim) -> None:
    """Seen before: a panel section waited over 60 s (20 s read timeout x 3 attempts)."""
    requests.post(
        f"{cw_sim.root_url}/_sim/config", json={"hang_rate": 1, "hang_seconds": 3}, timeout=5
    )
    client = cw.make_provider(
        site_url=cw_sim.root_url,
        company_id="baysideit",
        public_key="rfdemo-public",
        private_key="rfdemo-private",
        read_timeout=0.5,
        max_retries=2,
    ).client
    started = time.monotonic()
    with deadline.budget(0.8), pytest.raises(PSAUnavailable):
        run_parallel(
            lambda: client.get("/service/boards"),
            lambda: client.get("/service/priorities"),
            lambda: client.get("/system/members"),
        )
    assert time.monotonic() - started < 1.3
