"""One table from a PSA error to its answer (issue 21, item 2): the JSON API and the htmx path
answer each kind of failure with the same status and the same Retry-After, and no view catches
a PSAError itself (each goes through `psa_errors` / `read_or`)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from psa.error_responses import TABLE, api_response
from psa.htmx_errors import psa_errors
from psa.providers import base as psa

ROOT = Path(__file__).resolve().parents[2]

ERRORS = [
    psa.PSANotConfigured("ConnectWise is not connected for this account."),
    psa.PSAAuthError("ConnectWise refused the API credentials."),
    psa.PSAPermissionError("ConnectWise denied access."),
    psa.PSANotFound("Ticket #99 was not found in ConnectWise."),
    psa.PSAValidationError("ConnectWise rejected the request.", fields={"summary": ["Too long."]}),
    psa.PSARateLimited("ConnectWise is limiting how fast we can call it.", retry_after=12.4),
    psa.PSARateLimited("ConnectWise is limiting how fast we can call it."),
    psa.PSAUnavailable("ConnectWise did not answer: could not connect."),
    psa.PSATimeout("ConnectWise did not answer within 10 seconds."),
    psa.PSAServerError("ConnectWise answered with an error (HTTP 500)."),
    psa.PSAResponseError("ConnectWise sent a response we could not read."),
    psa.PSAChangeNotApplied("ConnectWise kept the old status."),
    psa.PSAError("Something above the provider."),
]


def _htmx_write(exc: psa.PSAError):
    def view(request):
        raise exc

    request = RequestFactory().post("/tickets/1/status/", HTTP_HX_REQUEST="true")
    request.htmx = HtmxDetails(request)
    return psa_errors(view, action="Not saved")(request)


@pytest.mark.parametrize("exc", ERRORS, ids=lambda e: f"{type(e).__name__}-{e.message[:12]}")
def test_the_api_and_htmx_answer_alike(exc: psa.PSAError) -> None:
    api = api_response(exc)
    htmx = _htmx_write(exc)

    assert api.status_code == htmx.status_code
    assert api.get("Retry-After") == htmx.get("Retry-After")
    assert api.data["error"]["code"] == exc.code
    assert json.loads(htmx["HX-Trigger"])["toast"]["message"].startswith("Not saved: ")


def test_an_outage_says_when_to_ask_again_on_both_doors() -> None:
    """The drift this table ended: only the API used to send Retry-After for an outage."""
    for exc in (psa.PSAUnavailable("down"), psa.PSATimeout("slow"), psa.PSAServerError("500")):
        assert api_response(exc)["Retry-After"] == _htmx_write(exc)["Retry-After"] == "30"


def test_every_error_class_has_its_row() -> None:
    classes = {
        cls
        for cls in vars(psa).values()
        if isinstance(cls, type) and issubclass(cls, psa.PSAError) and cls is not psa.PSAError
    }
    assert classes <= {cls for cls, _ in TABLE}


def _catches_psa_errors(handler: ast.ExceptHandler) -> bool:
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    for node in names:
        name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
        if name.startswith("PSA") or name == "StatusMovedOn":
            return True
    return False


def test_no_view_catches_a_psa_error_itself() -> None:
    views = [
        *ROOT.glob("*/views.py"),
        *ROOT.glob("*/*_views.py"),
        ROOT / "tickets" / "widgets.py",
        ROOT / "tickets" / "dashboard.py",
    ]
    catching = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in views
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ExceptHandler) and node.type is not None
        if _catches_psa_errors(node)
    ]
    assert len(views) >= 6 and not catching, catching
