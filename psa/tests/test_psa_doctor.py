"""`manage.py psa_doctor` against the simulator: every call shape passes; a fault names the call."""

from __future__ import annotations

import dataclasses
import io
import re

import pytest
import requests
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def _doctor(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("psa_doctor", *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def _rows(output: str) -> dict[str, str]:
    return {
        line.split("  ")[0]: line
        for line in output.splitlines()
        if line.startswith(("GET", "POST", "DELETE"))
    }


def test_every_check_passes_against_the_simulator(demo, cw_sim) -> None:
    code, output = _doctor("--account", "Bayside IT Solutions")
    summary = output.strip().splitlines()[-1]
    passed, total = map(int, re.fullmatch(r"(\d+)/(\d+) checks passed", summary).groups())
    assert code == 0 and passed == total >= 10, output
    rows = _rows(output)
    for call in (
        "GET /system/info",
        "GET /system/members",
        "GET /schedule/types",
        "GET /service/tickets/{id}/allNotes",
        "GET /service/tickets/{id}/configurations",
        "GET /service/tickets + /count (search)",
    ):
        assert re.search(r"\s200\s+\d+ ms\s+PASS", rows[call]), rows.get(call)
    assert not any(" POST " in line for line in output.splitlines())  # read-only by default


def test_a_fault_names_the_failing_call_and_exits_1(demo, cw_sim) -> None:
    requests.post(f"{cw_sim.root_url}/_sim/config", json={"fail_rate": 1}, timeout=5)
    code, output = _doctor("--account", "bayside")
    assert code == 1
    info = _rows(output)["GET /system/info"]
    assert re.search(r"\s500\s+\d+ ms\s+FAIL", info)
    assert "Fix: ConnectWise did not answer" in info
    assert re.search(r"\n0/\d+ checks passed$", output.strip()), output


def test_wrong_keys_say_how_to_fix_them(demo, cw_sim) -> None:
    connection = demo.bayside.psa_connection
    connection.private_key = "wrong"
    connection.save()
    code, output = _doctor("--account", "bayside")
    assert code == 1
    assert "401" in _rows(output)["GET /service/boards"]
    assert "API Members" in _rows(output)["GET /service/boards"]


def test_write_checks_add_and_remove_a_note_and_an_assignee(demo, cw_sim) -> None:
    before = requests.get(f"{cw_sim.root_url}/_sim/stats", timeout=5).json()
    code, output = _doctor("--account", "bayside", "--write-ticket", "1000")
    assert code == 0, output
    rows = _rows(output)
    for call in (
        "POST /service/tickets/{id}/notes",
        "DELETE /service/tickets/{id}/notes/{noteId}",
        "POST /schedule/entries",
        "DELETE /schedule/entries/{id}",
    ):
        assert "PASS" in rows[call], rows.get(call)
    assert before is not None
    from psa.selectors import provider_for_account

    ctx = provider_for_account(account=demo.bayside).get_ticket_context(ticket_id=1000)
    assert all("ResolutionFlow diagnostics" not in n.text for n in ctx.notes)
    resources = provider_for_account(account=demo.bayside).list_resources(ticket_id=1000)
    assert [r.member_identifier for r in resources] == ["lmartin"]


def test_several_connected_accounts_need_a_choice(demo) -> None:
    with pytest.raises(CommandError, match="--account"):
        call_command("psa_doctor", stdout=io.StringIO())


def test_a_tenant_without_all_notes_is_told_what_that_costs(demo, cw_sim, monkeypatch) -> None:
    from psa.simulator import routes as sim_routes
    from psa.simulator.errors import ApiError

    def refuse(request):
        raise ApiError(403, "Forbidden", "You do not have access to this resource.")

    # A tenant whose API role may not read allNotes (the simulator runs in this process).
    routes = [
        dataclasses.replace(r, handler=refuse)
        if r.pattern == "/service/tickets/{id}/allNotes"
        else r
        for r in sim_routes.ROUTES
    ]
    monkeypatch.setattr(sim_routes, "ROUTES", routes)
    code, output = _doctor("--account", "bayside")
    assert code == 1
    row = _rows(output)["GET /service/tickets/{id}/allNotes"]
    assert re.search(r"\s403\s+\d+ ms\s+FAIL", row)
    assert "reads /notes instead" in row and "no time entries" in row
    assert "PASS" in _rows(output)["GET ticket context (panel)"]  # the fallback still works
