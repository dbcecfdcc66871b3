"""Each kind of ConnectWise failure reads as what happened, and only those that asking again can
fix offer Retry (issue 13, item 10): a 500 is ConnectWise answering with an error, not
"could not be reached"; refused credentials, a refused value and a missing record get no Retry."""

from __future__ import annotations

import re

import pytest
import requests
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from psa.htmx_errors import psa_errors
from psa.providers import base as psa

KINDS = [
    (
        psa.PSAUnavailable("ConnectWise did not answer: could not connect to https://cw.example."),
        "ConnectWise could not be reached.",
        "Retry",
    ),
    (
        psa.PSATimeout("ConnectWise did not answer within 10 seconds. Try again in a moment."),
        "ConnectWise did not answer in time.",
        "Retry",
    ),
    (
        psa.PSAServerError("ConnectWise answered with an error (HTTP 500). Try again in a moment."),
        "ConnectWise had a problem on its side.",
        "Retry",
    ),
    (
        psa.PSARateLimited("ConnectWise is limiting how fast we can call it.", retry_after=30),
        "ConnectWise asked us to slow down.",
        "Retry (wait 30 s)",
    ),
    (
        psa.PSAAuthError("ConnectWise refused the API credentials."),
        "ConnectWise refused our credentials.",
        None,
    ),
    (
        psa.PSAPermissionError("ConnectWise denied access."),
        "ConnectWise denied access.",
        None,
    ),
    (
        psa.PSANotFound("Ticket #99 was not found in ConnectWise."),
        "Not found in ConnectWise.",
        None,
    ),
    (
        psa.PSAValidationError(
            "ConnectWise rejected the request.", fields={"priority_id": ["Unknown priority."]}
        ),
        "ConnectWise did not accept that.",
        None,
    ),
    (
        psa.PSAResponseError("ConnectWise sent a response we could not read (not JSON)."),
        "ConnectWise sent an answer we could not read.",
        "Retry",
    ),
]


def _read(exc: psa.PSAError) -> str:
    def view(request):
        raise exc

    request = RequestFactory().get("/tickets/1/context/", HTTP_HX_REQUEST="true")
    request.htmx = HtmxDetails(request)
    request.user = AnonymousUser()
    return psa_errors(view)(request).content.decode()


def _retry_buttons(html: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", b).strip() for b in re.findall(r"<button[^>]*>([^<]*)</button>", html)
    ]


@pytest.mark.parametrize(("exc", "headline", "retry"), KINDS, ids=lambda v: type(v).__name__)
def test_each_kind_has_its_own_headline_and_retry_only_when_it_can_help(
    exc, headline, retry
) -> None:
    html = _read(exc)

    assert f"<strong>{headline}</strong>" in html
    assert exc.message.rstrip(".") in html
    assert _retry_buttons(html) == ([retry] if retry else [])
    if headline != "ConnectWise could not be reached.":
        assert "could not be reached" not in html


def test_no_two_kinds_read_alike() -> None:
    headlines = [headline for _, headline, _ in KINDS]
    assert len(set(headlines)) == len(headlines)


def test_refused_credentials_point_at_the_connection_instead_of_a_retry() -> None:
    html = _read(psa.PSAAuthError("ConnectWise refused the API credentials."))

    assert "Check the connection" in html and "/account/integrations/" in html


def test_a_refused_value_names_the_field() -> None:
    html = _read(
        psa.PSAValidationError(
            "ConnectWise rejected the request.", fields={"priority_id": ["Unknown priority."]}
        )
    )

    assert "priority: Unknown priority." in html


@pytest.mark.django_db
def test_a_connectwise_500_reads_as_an_error_on_its_side_on_the_page_and_in_the_api(
    client, demo, cw_sim
) -> None:
    client.force_login(demo.jordan)
    client.get("/tickets/")  # reference data cached: only the search meets the 500s
    requests.post(f"{cw_sim.root_url}/_sim/config", json={"fail_rate": 1}, timeout=5)

    html = client.get(
        "/tickets/?board=3", headers={"HX-Request": "true", "HX-Target": "results"}
    ).content.decode()
    api = client.get("/api/integrations/psa/tickets/search?board_id=3")

    assert "ConnectWise had a problem on its side." in html
    assert "ConnectWise answered with an error (HTTP 500)" in html
    assert "could not be reached" not in html and "did not answer" not in html
    error = api.json()["error"]
    assert api.status_code == 503 and error["code"] == "psa_unavailable"
    assert error["message"].startswith("ConnectWise answered with an error (HTTP 500).")


@pytest.mark.django_db
def test_a_connectwise_that_is_not_there_could_not_be_reached(client, demo) -> None:
    from psa.registry import reset_provider_cache

    client.force_login(demo.jordan)
    client.get("/tickets/")
    connection = demo.bayside.psa_connection
    # A port nothing listens on (the test simulator's own, once stopped, would do as well).
    connection.site = "http://127.0.0.1:9"
    connection.save()
    reset_provider_cache()

    html = client.get(
        "/tickets/?board=3", headers={"HX-Request": "true", "HX-Target": "results"}
    ).content.decode()

    assert "ConnectWise could not be reached." in html and "could not connect" in html
