"""Schema-driven fuzzing of the JSON API: nothing a client sends, and nothing ConnectWise does,
becomes a 500.

Schemathesis reads the OpenAPI schema drf-spectacular generates and, for every operation, sends
requests to the Django WSGI app in-process (no sockets), signed in as jordan with a token. The
ConnectWise simulator (loopback) is reset for every operation.

* `test_api_never_answers_5xx`: valid and deliberately invalid requests (examples, coverage and
  fuzzing phases) against a healthy ConnectWise, so *any* 5xx -- our own 502/503 for PSA errors
  included -- is a bug. Valid requests must also get a documented status, content type and body;
  invalid ones must be rejected with a 4xx.
* `test_connectwise_failures_are_502_or_503`: valid requests while ConnectWise answers half of its
  calls with a 500 (no retry waits), so every step of a multi-call operation fails sometimes:
  the answer is then a documented 502/503 error body, never a 500.

Random integers almost never name a real record, so most ids are steered into the demo tenant's
real ones (`map_case`): the fuzz then reaches the success paths (create, status change, notes,
resources added and removed) and not only the "unknown id" answers.

Runtime: about a minute on two cores; raise EXAMPLES_PER_OPERATION for a longer soak.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

import psa.simulator
from psa.providers.connectwise.client import ConnectWiseClient
from psa.selectors import reference_data_get
from resolutionflow.api_tokens import api_token_create
from tickets.limits import MAX_ID

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 30  # per generation phase, on top of the coverage phase's own cases
EXAMPLES_WITH_FAULTS = 12
CONNECTWISE_FAIL_RATE = 0.5

HYPOTHESIS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    "derandomize": True,  # the same cases on every run: a CI failure reproduces locally
    "database": None,
}

SPEC = SchemaGenerator().get_schema(request=None, public=True)
APP = get_wsgi_application()

schema = schemathesis.openapi.from_dict(SPEC)
schema.app = APP
schema.config.generation.update(
    max_examples=EXAMPLES_PER_OPERATION,
    with_security_parameters=False,  # we sign in with a token; anonymous access: test_api.py
)

faulty = schemathesis.openapi.from_dict(SPEC)
faulty.app = APP
faulty.config.generation.update(
    modes=[schemathesis.GenerationMode.POSITIVE],
    max_examples=EXAMPLES_WITH_FAULTS,
    with_security_parameters=False,
)
faulty.config.phases.update(phases=["fuzzing"])

# --- steering ids into the demo tenant (jordan's account, Bayside) ---------------------------------

_TENANT = json.loads(
    (Path(psa.simulator.__file__).parent / "data" / "baysideit.json").read_text("utf-8")
)


def _ids(collection: str) -> list[int]:
    return sorted(r["id"] for r in _TENANT[collection] if not r.get("inactiveFlag"))


REAL_IDS: dict[str, list[int]] = {
    "ticket_id": _ids("tickets")[-60:],  # the newest: mostly open, with notes and assignees
    "company_id": _ids("companies"),
    "board_id": _ids("boards"),
    "status_id": _ids("boardStatuses"),
    "priority_id": _ids("priorities"),
    "member_id": _ids("members"),  # the active ones: an inactive member is a 400
    "assigned_member_id": _ids("members"),
    "contact_id": _ids("contacts"),
}
BOARD_OF_TICKET = {t["id"]: t["board"]["id"] for t in _TENANT["tickets"]}
STATUSES_OF_BOARD = {
    board: sorted(s["id"] for s in _TENANT["boardStatuses"] if s["board"]["id"] == board)
    for board in REAL_IDS["board_id"]
}
ASSIGNED_MEMBERS = {
    ticket: sorted(
        {
            e["member"]["id"]
            for e in _TENANT["scheduleEntries"]
            if e.get("objectId") == ticket and not e.get("doneFlag")
        }
    )
    for ticket in REAL_IDS["ticket_id"]
}


def _steer(values: Any, pools: dict[str, list[int]]) -> Any:
    """Three in four in-range ids become a real one, chosen by the generated value itself (so
    Hypothesis still drives -- and shrinks -- the choice); the rest stay random. Out-of-range
    and wrongly typed values (the negative cases) are left alone."""
    if not isinstance(values, dict):
        return values
    steered = dict(values)
    for name, value in values.items():
        pool = pools.get(name)
        if pool and type(value) is int and 1 <= value <= MAX_ID and value % 4:
            steered[name] = pool[value % len(pool)]
    return steered


# jordan's own ResolutionAssist rows, made for each test by `assistant_rows`.
OWN_ROWS: dict[str, list[int]] = {}


def map_case(context: Any, case: schemathesis.Case) -> schemathesis.Case:
    path = _steer(case.path_parameters, {"ticket_id": REAL_IDS["ticket_id"]})
    # The other ids as make sense for that ticket: a status of its board, a member it has.
    pools = {name: ids for name, ids in REAL_IDS.items() if name != "ticket_id"} | OWN_ROWS
    ticket = path.get("ticket_id") if isinstance(path, dict) else None
    if ticket in BOARD_OF_TICKET:
        pools["status_id"] = STATUSES_OF_BOARD[BOARD_OF_TICKET[ticket]]
        if case.method == "DELETE" and ASSIGNED_MEMBERS.get(ticket):
            pools["member_id"] = ASSIGNED_MEMBERS[ticket]
    case.path_parameters = _steer(path, pools)
    case.query = _steer(case.query, pools)
    case.body = _steer(case.body, pools)
    return case


schema.hook(map_case)
faulty.hook(map_case)

# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def jordan_token(demo: Any) -> Iterator[str]:
    """Jordan's API token, with Django's per-request connection cleanup suspended: through the
    bare WSGI handler it would close the connection holding the test's transaction (Django's own
    test client suspends it the same way)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield api_token_create(user=demo.jordan, name="fuzz")[1]
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def assistant_rows(demo: Any) -> Iterator[None]:
    """A session of jordan's with a message, its written reply and a suggested action, so the
    assistant's operations are fuzzed past "not one of yours" too. (Autouse: Hypothesis derives
    its derandomized seed from the test function's source, which this leaves as it was.)"""
    from assistant import services as assistant

    session = assistant.session_create(account=demo.bayside, user=demo.jordan)
    sent, reply = assistant.message_send(
        session=session, content="Outlook is down. Oh, and the printer is offline too."
    )
    assistant.reply_generate(message_id=reply.pk)  # the task's body, as a worker runs it
    OWN_ROWS.update(
        session_id=[session.pk],
        message_id=[sent.pk, reply.pk],
        action_id=list(session.actions.values_list("pk", flat=True)),
    )
    yield
    OWN_ROWS.clear()


@pytest.fixture
def statuses(request: pytest.FixtureRequest) -> Iterator[Counter[int]]:
    """The status codes one operation answered; a fuzz that never got past validation (or past
    authentication) would prove nothing."""
    seen: Counter[int] = Counter()
    yield seen
    if not any(200 <= code < 300 for code in seen):
        pytest.fail(f"{request.node.name}: no request succeeded, statuses {dict(seen)}")


@pytest.fixture
def connectwise_failing(demo: Any, cw_sim: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """ConnectWise answers CONNECTWISE_FAIL_RATE of its calls with a 500, and our client retries
    without waiting. Reference data is cached first, so failures land in the operations."""
    original = ConnectWiseClient.__init__

    def without_waiting(self: ConnectWiseClient, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **{**kwargs, "sleep": lambda seconds: None})

    monkeypatch.setattr(ConnectWiseClient, "__init__", without_waiting)
    reference_data_get(account=demo.bayside)
    config = f"{cw_sim.root_url}/_sim/config"
    requests.post(config, json={"fail_rate": CONNECTWISE_FAIL_RATE}, timeout=5).raise_for_status()
    yield
    requests.post(config, json={"fail_rate": 0}, timeout=5).raise_for_status()


# --- the tests -----------------------------------------------------------------------------------


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, **HYPOTHESIS)
def test_api_never_answers_5xx(
    case: schemathesis.Case, jordan_token: str, statuses: Counter[int]
) -> None:
    checks = [not_a_server_error, response_schema_conformance, negative_data_rejection]
    if not (case.meta and case.meta.generation.mode.is_negative):
        # Only well-formed requests are sure to reach DRF: a malformed path (`/tickets/abc`)
        # matches no route and gets Django's plain 404 page.
        checks += [status_code_conformance, content_type_conformance]
    response = case.call(headers={"Authorization": f"Token {jordan_token}"})
    if case.method.upper() == case.operation.method.upper():  # not a probe with another verb
        statuses[response.status_code] += 1
    case.validate_response(response, checks=checks)


@faulty.parametrize()
@settings(max_examples=EXAMPLES_WITH_FAULTS, **HYPOTHESIS)
def test_connectwise_failures_are_502_or_503(
    case: schemathesis.Case, jordan_token: str, connectwise_failing: None
) -> None:
    response = case.call(headers={"Authorization": f"Token {jordan_token}"})
    if response.status_code >= 500:
        assert response.status_code in (502, 503), response.text[:500]
        error = response.json()["error"]
        assert error["code"].startswith("psa_") and error["message"], error
        if response.status_code == 503:
            assert response.headers.get("retry-after"), response.headers
    case.validate_response(
        response,
        checks=[response_schema_conformance, status_code_conformance, content_type_conformance],
    )
