"""Bounded, jittered retries of reads that ConnectWise answered 500/502/503/504.

ConnectWise answers a SQL timeout with 500 and an overloaded gateway with 502/503/504; asking a
GET again is harmless, asking a POST/PATCH/DELETE again could apply it twice.
"""

from __future__ import annotations

import pytest
import responses

from psa.providers.base import PSAUnavailable
from psa.providers.connectwise.client import ConnectWiseClient
from psa.tests.providers import cw_samples as cw
from psa.tests.providers.cw_samples import API

SERVER_ERRORS = [500, 502, 503, 504]


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def _client(sleeps: list[float], jitters: list[float], **config) -> ConnectWiseClient:
    cfg = cw.make_provider(**config).client.config
    values = iter(jitters)
    return ConnectWiseClient(cfg, sleep=sleeps.append, jitter=lambda: next(values))


@pytest.mark.parametrize("status", SERVER_ERRORS)
def test_a_get_is_asked_again_and_the_second_answer_wins(rsps, status):
    rsps.get(f"{API}/service/priorities", status=status, json={"message": "busy"})
    rsps.get(f"{API}/service/priorities", json=[cw.PRIORITY])
    sleeps: list[float] = []
    client = _client(sleeps, [0.0])
    assert client.get("/service/priorities") == [cw.PRIORITY]
    assert len(rsps.calls) == 2
    assert sleeps == [0.25]  # base 0.5 x jitter factor (0.5 + 0.0)


@pytest.mark.parametrize("status", SERVER_ERRORS)
def test_retries_are_bounded_and_the_delays_jittered(rsps, status):
    for _ in range(5):
        rsps.get(f"{API}/service/boards", status=status, json={"message": "busy"})
    sleeps: list[float] = []
    client = _client(sleeps, [0.1, 0.9], max_retries=2)
    with pytest.raises(PSAUnavailable) as info:
        client.get("/service/boards")
    assert f"HTTP {status}" in info.value.message
    assert len(rsps.calls) == 3  # the first try and max_retries more, never unbounded
    assert sleeps == [pytest.approx(0.5 * 0.6), pytest.approx(1.0 * 1.4)]


@pytest.mark.parametrize("status", SERVER_ERRORS)
@pytest.mark.parametrize(
    ("method", "call"),
    [
        ("POST", lambda c: c.post("/service/tickets/1/notes", {"text": "x"})),
        ("PATCH", lambda c: c.patch("/service/tickets/1", [{"op": "replace"}])),
        ("DELETE", lambda c: c.delete("/schedule/entries/7")),
    ],
)
def test_writes_are_never_repeated(rsps, status, method, call):
    path = {"POST": "/service/tickets/1/notes", "PATCH": "/service/tickets/1"}.get(
        method, "/schedule/entries/7"
    )
    for _ in range(3):
        rsps.add(method, f"{API}{path}", status=status, json={"message": "busy"})
    sleeps: list[float] = []
    with pytest.raises(PSAUnavailable):
        call(_client(sleeps, [0.5, 0.5]))
    assert len(rsps.calls) == 1
    assert sleeps == []
