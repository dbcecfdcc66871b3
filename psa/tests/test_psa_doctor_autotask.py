"""`manage.py psa_doctor` proves an Autotask tenant the same way as ConnectWise: every check passes
against the Autotask simulator, and wrong credentials name the call and the fix."""

from __future__ import annotations

import re

import pytest

from psa.models import PSAConnection
from psa.tests.test_psa_doctor import _doctor  # the same command, read the same way

pytestmark = pytest.mark.django_db


def test_every_check_passes_against_the_autotask_simulator(lakeside, at_sim) -> None:
    code, output = _doctor("--account", "lakeside")
    summary = output.strip().splitlines()[-1]
    passed, total = map(int, re.fullmatch(r"(\d+)/(\d+) checks passed", summary).groups())
    assert code == 0 and passed == total >= 10, output
    assert output.startswith("Autotask user rfdemo@lakesideit.example")
    for call in (
        "GET /zoneInformation + /ThresholdInformation",
        "POST /Resources/query",
        "POST /Tickets/query (search)",
        "GET /Tickets/{id}",
        "ticket context (panel)",
    ):
        assert re.search(rf"^{re.escape(call)}\s+200\s.*PASS", output, re.M), (call, output)


def test_a_wrong_secret_fails_and_says_how_to_fix_it(lakeside, at_sim) -> None:
    connection = PSAConnection.objects.get(account=lakeside)
    connection.private_key = "not-the-secret"
    connection.private_key_for = connection.key_identity
    connection.save()
    code, output = _doctor("--account", "lakeside")
    assert code == 1
    first = next(line for line in output.splitlines() if line.startswith("GET /zoneInformation"))
    assert "401" in first and "FAIL" in first and "Secret" in first


def test_write_checks_are_skipped_on_autotask(lakeside, at_sim) -> None:
    notes_before = len(at_sim.app.tenant.records("TicketNotes"))
    code, output = _doctor("--account", "lakeside", "--write-ticket", "7002")
    assert code == 0
    assert re.search(r"^POST /Tickets/\{id\}/Notes\s.*SKIP", output, re.M), output
    assert len(at_sim.app.tenant.records("TicketNotes")) == notes_before  # nothing left behind
