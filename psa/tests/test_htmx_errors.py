"""The htmx error path: each kind of PSA failure reads as what it is, reads render in place,
writes toast and leave the form alone, and nothing escapes as a 500."""

from __future__ import annotations

import json

import pytest
import requests
from django.http import HttpResponse
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from psa.htmx_errors import PSAErrorMiddleware, psa_errors
from psa.providers import base as psa

HX = {"HTTP_HX_REQUEST": "true"}


def _request(method: str = "get", htmx: bool = True, path: str = "/tickets/1/context/"):
    request = getattr(RequestFactory(), method)(path, **(HX if htmx else {}))
    request.htmx = HtmxDetails(request)
    request.user = type("U", (), {"is_authenticated": False})()
    request._messages = type("M", (), {"add": lambda *a, **k: None})()
    return request


def _raising(exc: psa.PSAError):
    def view(request, **kwargs):
        raise exc

    return view


def _toast(response) -> dict:
    return json.loads(response["HX-Trigger"])["toast"]


def test_a_failed_read_renders_an_inline_retryable_message() -> None:
    view = psa_errors(_raising(psa.PSAUnavailable("ConnectWise did not answer (HTTP 500).")))

    response = view(_request())

    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps only 2xx answers
    assert "ConnectWise could not be reached." in html and "HTTP 500" in html
    assert 'hx-get="/tickets/1/context/"' in html and "Retry" in html


def test_a_rate_limited_read_says_how_long_to_wait() -> None:
    exc = psa.PSARateLimited("ConnectWise is limiting how fast we can call it.", retry_after=42)

    response = psa_errors(_raising(exc))(_request())

    assert response["Retry-After"] == "42"
    html = response.content.decode()
    assert "asked us to slow down" in html and "wait 42 s" in html


def test_refused_credentials_point_at_the_integrations_page() -> None:
    exc = psa.PSAAuthError("ConnectWise refused the API credentials.")

    response = psa_errors(_raising(exc))(_request())

    html = response.content.decode()
    assert "refused our credentials" in html and "/account/integrations/" in html


def test_a_failed_write_toasts_and_tells_htmx_to_swap_nothing() -> None:
    exc = psa.PSAUnavailable("ConnectWise did not answer (HTTP 503).")

    response = psa_errors(_raising(exc), action="Note not added")(_request("post"))

    assert response.status_code == 503 and response["HX-Reswap"] == "none"
    toast = _toast(response)
    assert toast["level"] == "error" and toast["kind"] == "outage"
    assert toast["message"] == "Note not added: ConnectWise did not answer (HTTP 503)."


def test_a_rate_limited_write_carries_the_wait() -> None:
    exc = psa.PSARateLimited("ConnectWise asked us to slow down.", retry_after=12.4)

    response = psa_errors(_raising(exc), action="Status not changed")(_request("post"))

    assert response.status_code == 503 and response["Retry-After"] == "12"
    assert _toast(response)["retry_after"] == 12


def test_validation_errors_name_the_fields() -> None:
    exc = psa.PSAValidationError(
        "ConnectWise rejected the request.", fields={"status_id": ["Closed is not allowed."]}
    )

    response = psa_errors(_raising(exc), action="Status not changed")(_request("post"))

    assert response.status_code == 400
    assert "status: Closed is not allowed." in _toast(response)["message"]


def test_a_fallback_fragment_is_swapped_in_with_the_reason() -> None:
    exc = psa.PSAChangeNotApplied("ConnectWise kept the old status.")

    def put_back(request, exc, ticket_id):
        return HttpResponse(f"<form id='status-control'>#{ticket_id} as it was</form>")

    view = psa_errors(_raising(exc), action="Status not changed", on_error=put_back)
    response = view(_request("post"), ticket_id=7)

    assert response.status_code == 200 and b"#7 as it was" in response.content
    assert _toast(response)["message"].startswith("Status not changed: ConnectWise kept")


def test_a_fallback_that_fails_too_falls_back_to_the_default() -> None:
    def put_back(request, exc, **kwargs):
        raise psa.PSAUnavailable("still down")

    view = psa_errors(_raising(psa.PSAUnavailable("down")), action="X", on_error=put_back)
    response = view(_request("post"), ticket_id=7)

    assert response.status_code == 503 and response["HX-Reswap"] == "none"


@pytest.mark.django_db
def test_a_browser_navigating_to_a_failed_fragment_gets_a_page_not_a_500(
    client, demo, cw_sim
) -> None:
    requests.post(f"{cw_sim.root_url}/_sim/config", json={"fail_rate": 1}, timeout=5)
    client.force_login(demo.jordan)

    response = client.get("/tickets/1000/context/")

    html = response.content.decode()
    assert response.status_code == 503 and "<html" in html
    assert "ConnectWise had a problem on its side." in html and "Reload this page" in html


def test_the_middleware_catches_what_an_unwrapped_view_lets_through() -> None:
    middleware = PSAErrorMiddleware(lambda request: HttpResponse())
    exc = psa.PSAResponseError("ConnectWise sent a response we could not read.")

    page = middleware.process_exception(_request(), exc)
    api = middleware.process_exception(_request(path="/api/integrations/psa/boards"), exc)

    assert page is not None and page.status_code == 200 and b"could not read" in page.content
    assert api is None  # the API's own exception handler answers there
