"""The dispatcher vocabulary (shared/eval/README.md), rule by rule, through `parse_ticket_prompt`."""

from __future__ import annotations

from dataclasses import replace

import pytest

from psa.providers.autotask.provider import CAPABILITIES as AUTOTASK
from psa.providers.base import PSAMember, ReferenceData
from tickets.ai import ParseResult, parse_ticket_prompt
from tickets.ai.vocab.priority import classify_priority
from tickets.tests.ai.conftest import member, reference_from_tenant

P1, P2, P3, P4 = 8, 15, 4, 7
SERVICE_DESK, NETWORK, ONBOARDING, MONITORING, ESCALATIONS = 1, 2, 3, 4, 5


def parse(reference: ReferenceData, prompt: str, me: str | None = "jsmith") -> ParseResult:
    return parse_ticket_prompt(prompt=prompt, reference=reference, me=member(me), use_llm=False)


# --- priority ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "level"),
    [
        ("P1", 1),
        ("p 1", 1),
        ("priority 1", 1),
        ("priority one", 1),
        ("emergency", 1),
        ("critical", 1),
        ("urgent", 1),
        ("P2", 2),
        ("priority 2", 2),
        ("prio 2", 2),
        ("high", 2),
        ("high priority", 2),
        ("quick response", 2),
        ("asap", 2),
        ("ASAP", 2),
        ("P3", 3),
        ("priority 3", 3),
        ("normal", 3),
        ("medium", 3),
        ("standard priority", 3),
        ("P4", 4),
        ("priority 4", 4),
        ("low", 4),
        ("schedule maintenance", 4),
        ("whenever", 4),
        ("no rush", 4),
        ("when you get a chance", 4),
        ("Priority 2 - Quick Response", 2),
        ("not urgent", None),
        ("non-urgent", None),
        ("not an emergency", None),
        ("isn't critical", None),
        ("not high priority", None),
        ("nothing urgent", None),
        ("", None),
        ("whatever", None),
    ],
)
def test_priority_words(words: str, level: int | None) -> None:
    assert classify_priority(words) == level


@pytest.mark.parametrize(
    ("prompt", "priority_id"),
    [
        ("Acme Corp printer jammed, P1", P1),
        ("Acme Corp printer jammed, emergency", P1),
        ("Acme Corp printer jammed - critical", P1),
        ("URGENT: Acme Corp printer jammed", P1),
        ("Acme Corp printer jammed, it's urgent", P1),
        ("Acme Corp printer jammed, priority 2", P2),
        ("Acme Corp printer jammed, high", P2),
        ("Acme Corp printer jammed, needs a quick response", P2),
        ("Acme Corp printer jammed asap", P2),
        ("Acme Corp printer jammed, priority: medium", P3),
        ("Acme Corp printer jammed, normal", P3),
        ("Acme Corp printer jammed, standard", P3),
        ("Acme Corp printer jammed, p4", P4),
        ("Acme Corp printer jammed, low prio", P4),
        ("Acme Corp printer jammed, schedule maintenance", P4),
        ("Acme Corp printer jammed, whenever", P4),
        ("Acme Corp printer jammed, no rush", P4),
        ("Acme Corp printer jammed, not urgent, low priority", P4),
        ("Acme Corp printer jammed, urgent but not critical", P1),
        ("Acme Corp printer jammed, not urgent", None),
        ("Acme Corp printer jammed, not an emergency", None),
        ("Acme Corp printer jammed, not critical", None),
        ("Acme Corp printer jammed", None),
    ],
)
def test_priority_in_a_prompt(
    reference: ReferenceData, prompt: str, priority_id: int | None
) -> None:
    result = parse(reference, prompt)
    assert result.priority_id == priority_id
    assert ("priority_id" in result.missing_fields) is (priority_id is None)


@pytest.mark.parametrize(
    "prompt",
    [
        "Vertex Engineering low disk space on the SQL box",
        "Vertex Engineering high CPU on the SQL box",
        "Vertex Engineering critical updates failing to install",
        "Vertex Engineering needs a standard user account for the intern",
        "Vertex Engineering: whenever I log in Outlook crashes",
        "Vertex Engineering printer back to normal but scanner dead",
    ],
)
def test_problem_words_that_look_like_priorities_are_not_priorities(
    reference: ReferenceData, prompt: str
) -> None:
    assert parse(reference, prompt).priority_id is None


def test_priority_from_names_without_numbers() -> None:
    """Another PSA's priorities ("High", "Low", ...) map through the same vocabulary."""
    from psa.providers.base import PSAPriority

    base = reference_from_tenant(
        {"boards": [], "boardStatuses": [], "priorities": [], "members": [], "companies": []}
    )
    ref = replace(
        base,
        priorities=(
            PSAPriority(1, "Critical", 1),
            PSAPriority(2, "High", 2),
            PSAPriority(3, "Medium", 3),
            PSAPriority(4, "Low", 4),
        ),
    )
    for prompt, pid in [("x, urgent", 1), ("x, asap", 2), ("x, standard", 3), ("x, whenever", 4)]:
        assert (
            parse_ticket_prompt(prompt=prompt, reference=ref, me=None, use_llm=False).priority_id
            == pid
        )


# --- boards -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prompt", "board_id"),
    [
        ("Acme Corp phones dropping, put it on network ops", NETWORK),
        ("Acme Corp phones dropping, network board", NETWORK),
        ("Acme Corp phones dropping - Network Operations", NETWORK),
        ("Acme Corp phones dropping, onboarding board", ONBOARDING),
        ("Acme Corp phones dropping, alerts", MONITORING),
        ("Acme Corp phones dropping, put it on monitoring", MONITORING),
        ("Acme Corp phones dropping, escalate", ESCALATIONS),
        ("Acme Corp phones dropping, tier 3", ESCALATIONS),
        ("Acme Corp phones dropping, service desk", SERVICE_DESK),
        ("Acme Corp phones dropping, helpdesk", SERVICE_DESK),
        ("Acme Corp phones dropping, help desk board", SERVICE_DESK),
        # implied by the work
        ("Acme Corp internet is down", NETWORK),
        ("Acme Corp firewall rule for the new camera system", NETWORK),
        ("Acme Corp VPN tunnel to the warehouse is down", NETWORK),
        ("Acme Corp switch in the closet is beeping", NETWORK),
        ("Acme Corp Wi-Fi keeps dropping", NETWORK),
        ("Acme Corp wifi dead in the lobby", NETWORK),
        ("Acme Corp access point in room 4 offline", NETWORK),
        ("Acme Corp new hire starting Monday", ONBOARDING),
        ("Acme Corp onboarding for two new staff", ONBOARDING),
        ("Acme Corp offboard Dana, she left", ONBOARDING),
        ("Acme Corp backup failed last night", MONITORING),
        ("Acme Corp backup job failed on ACME-SRV01", MONITORING),
        ("Acme Corp low disk space on the file server", MONITORING),
        ("Acme Corp server ACME-SRV02 offline", MONITORING),
        ("Acme Corp SSL certificate expiring Friday", MONITORING),
        # a named board beats the implied one
        ("Acme Corp server offline, escalate to tier 3", ESCALATIONS),
        ("Acme Corp wifi down, service desk board", SERVICE_DESK),
    ],
)
def test_board_named_aliased_or_implied(
    reference: ReferenceData, prompt: str, board_id: int
) -> None:
    result = parse(reference, prompt)
    assert result.board_id == board_id
    assert "board_id" not in result.missing_fields


@pytest.mark.parametrize(
    "prompt",
    [
        "Acme Corp printer jammed",
        "Acme Corp VPN keeps disconnecting for the CFO",  # a user's VPN client is service-desk work
        "Acme Corp lost the network drive mapping",
        "Acme Corp front desk PC won't boot",
        "Acme Corp wants to switch to the new Teams client",
        "Acme Corp monitor flickering",
        "Acme Corp: the board meeting laptop needs Office",
    ],
)
def test_no_board_means_null_and_a_warning(reference: ReferenceData, prompt: str) -> None:
    result = parse(reference, prompt)
    assert result.board_id is None
    assert "board_id" in result.missing_fields
    assert "Could not determine board from context" in result.warnings


# --- status -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prompt", "status_id"),
    [
        ("Acme Corp shared drive missing, service desk, status waiting on client", 103),
        ("Acme Corp shared drive missing, service desk, waiting on the customer", 103),
        ("Acme Corp wifi down, status: in progress", 110),  # In Progress on Network Operations
        ("Acme Corp wifi down, mark it as scheduled", 112),
        ("Acme Corp new hire Monday, status new", 116),
        ("Acme Corp backup failed, status assigned", 125),
        ("Acme Corp wifi down", None),
        ("Acme Corp wifi down, scheduled for tonight", None),  # not a stated status
    ],
)
def test_status_only_when_stated_on_the_chosen_board(
    reference: ReferenceData, prompt: str, status_id: int | None
) -> None:
    result = parse(reference, prompt)
    assert result.status_id == status_id
    assert ("status_id" in result.missing_fields) is (status_id is None)


def test_status_not_on_the_chosen_board_is_left_for_the_engineer(reference: ReferenceData) -> None:
    result = parse(reference, "Acme Corp backup failed, status waiting on client")
    assert result.board_id == MONITORING  # Monitoring Alerts has no "Waiting on Client"
    assert result.status_id is None
    assert any("has no status" in w for w in result.warnings)


def test_status_without_a_board_is_left_for_the_engineer(reference: ReferenceData) -> None:
    result = parse(reference, "Acme Corp printer jammed, status in progress")
    assert result.board_id is None and result.status_id is None
    assert any("board is unknown" in w for w in result.warnings)


# --- assignee ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prompt",
    [
        "Acme Corp printer jammed, assign to me",
        "Acme Corp printer jammed, assign it to me",
        "Acme Corp printer jammed, give it to me",
        "Acme Corp printer jammed, I'll take it",
        "Acme Corp printer jammed, I will handle this",
        "Acme Corp printer jammed, take it myself",
        "Acme Corp printer jammed, put me on it",
        "Acme Corp printer jammed, mine",
    ],
)
def test_me_is_the_requesting_engineer(reference: ReferenceData, prompt: str) -> None:
    assert parse(reference, prompt, me="mlee").assigned_member_id == 18
    assert parse(reference, prompt, me="kchen").assigned_member_id == 21


def test_me_without_a_member_mapping_warns(reference: ReferenceData) -> None:
    result = parse(reference, "Acme Corp printer jammed, assign to me", me=None)
    assert result.assigned_member_id is None
    assert any("no PSA member mapping" in w for w in result.warnings)


def test_warnings_use_the_connected_psas_words(reference: ReferenceData) -> None:
    """Given the PSA's capabilities, a warning names it and what it calls its people."""
    for prompt, me, said in [
        ("Acme Corp printer jammed, assign to me", None, "no Autotask resource mapping"),
        ("Acme Corp laptop slow, assign to Bob", "jsmith", "No active Autotask resource matches"),
        ("Acme Corp laptop slow, assign to Peter Walsh", "jsmith", "inactive in Autotask"),
    ]:
        result = parse_ticket_prompt(
            prompt=prompt, reference=reference, me=member(me), use_llm=False, psa=AUTOTASK
        )
        assert any(said in w for w in result.warnings), result.warnings
        assert not any("member" in w or "PSA" in w for w in result.warnings), result.warnings


def test_me_mapped_to_a_member_outside_the_reference_is_not_used(reference: ReferenceData) -> None:
    stranger = PSAMember(id=9999, identifier="ghost", name="Ghost Member")
    result = parse_ticket_prompt(
        prompt="Acme Corp printer jammed, assign to me",
        reference=reference,
        me=stranger,
        use_llm=False,
    )
    assert result.assigned_member_id is None
    assert result.warnings


@pytest.mark.parametrize(
    ("prompt", "member_id"),
    [
        ("Acme Corp printer jammed, assign to Anika", 19),
        ("Acme Corp printer jammed, assign to Patel", 19),
        ("Acme Corp printer jammed, assign to Anika Patel", 19),
        ("Acme Corp printer jammed, assign to anika patel", 19),
        ("Acme Corp printer jammed, assign to apatel", 19),
        ("Acme Corp printer jammed, give it to Finn", 28),
        ("Acme Corp printer jammed, give to Wright", 28),
        ("Acme Corp printer jammed, put Lucia on it", 25),
        ("Acme Corp printer jammed, for Elena to handle", 27),
        ("Acme Corp printer jammed, Kai should take it", 21),
        ("Acme Corp printer jammed, hand it off to Gabrielle", 29),
        ("Acme Corp printer jammed, assign: Daniel", 26),
        ("Acme Corp printer jammed, assign to O'Brien", 31),
        ("Acme Corp printer jammed, assign to Ciaran", 31),
        ("Acme Corp printer jammed, assign to Smith", 17),  # Jordan Smith, not Jamie Smithson
        ("Acme Corp printer jammed, assign to Smithson", 30),
        ("Acme Corp printer jammed, assign to J. Smith", 17),
        ("Acme Corp printer jammed, assign to Sam", 24),
        ("Acme Corp printer jammed, assign to Kai asap", 21),
        ("Acme Corp printer jammed, give it to Anika Thursday", 19),
    ],
)
def test_assignee_by_first_last_or_full_name(
    reference: ReferenceData, prompt: str, member_id: int
) -> None:
    result = parse(reference, prompt)
    assert result.assigned_member_id == member_id
    assert not any("member" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("prompt", "why"),
    [
        ("Acme Corp laptop slow, assign to Peter Walsh", "inactive"),
        ("Acme Corp laptop slow, assign to Walsh", "inactive"),
        ("Acme Corp laptop slow, assign to Peter", "inactive"),
        ("Acme Corp laptop slow, assign to Bob", "No active PSA member matches 'Bob'"),
        ("Acme Corp laptop slow, assign to Jordan Smithson", "'Jordan Smithson'"),
    ],
)
def test_unassignable_names_stay_null_with_a_reason(
    reference: ReferenceData, prompt: str, why: str
) -> None:
    result = parse(reference, prompt)
    assert result.assigned_member_id is None
    assert any(why in w for w in result.warnings), result.warnings


def test_ambiguous_names_stay_null_and_name_the_candidates(reference: ReferenceData) -> None:
    extra = PSAMember(
        id=99, identifier="jlee", name="Jordan Lee", first_name="Jordan", last_name="Lee"
    )
    ref = replace(reference, members=(*reference.members, extra))
    result = parse_ticket_prompt(
        prompt="Acme Corp laptop slow, assign to Jordan", reference=ref, me=None, use_llm=False
    )
    assert result.assigned_member_id is None
    assert any("Jordan Smith" in w and "Jordan Lee" in w for w in result.warnings)
    result = parse_ticket_prompt(
        prompt="Acme Corp laptop slow, assign to Jordan Lee", reference=ref, me=None, use_llm=False
    )
    assert result.assigned_member_id == 99


@pytest.mark.parametrize(
    "prompt",
    [
        "Blue Harbor CU needs a new hire set up for next Monday: Priya Patel",  # Patel: a contact
        "Coastal Insurance: disable Tom Nguyen's account today",  # Nguyen: a contact
        "Smith Quick Fix Auto - scanner to email not working",  # Smith: the company
        "O'Brien & Sons - backup job failed",  # O'Brien: the company
        "Acme Corp: Kaiser Permanente portal not loading",  # Kai inside a word
        "Acme Corp: Jordan's laptop won't boot",
        "Acme Corp: Martin from accounts can't print",
    ],
)
def test_people_outside_an_assignment_are_not_assignees(
    reference: ReferenceData, prompt: str
) -> None:
    result = parse(reference, prompt)
    assert result.assigned_member_id is None
    assert not any("member" in w.casefold() or "inactive" in w for w in result.warnings)


# --- company ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "identifier"),
    [
        ("Acme Corp", "AcmeCorp"),
        ("ACME CORP.", "AcmeCorp"),
        ("Acme Corporation", "AcmeCorp"),
        ("AcmeCorp", "AcmeCorp"),
        ("Acme Labs", "AcmeLabs"),
        ("Contoso", "ContosoDental"),
        ("Contoso Dental", "ContosoDental"),
        ("ContosoDental", "ContosoDental"),
        ("Northwind", "NorthwindLogistics"),
        ("Blue Harbor", "BlueHarborCU"),
        ("Blue Harbor CU", "BlueHarborCU"),
        ("Blue Harbor Credit Union", "BlueHarborCU"),
        ("Pinecrest", "PinecrestMedical"),
        ("Pinecrest Medical", "PinecrestMedical"),
        ("O'Brien & Sons", "OBrienPlumbing"),
        ("OBrien Plumbing", "OBrienPlumbing"),
        ("O'Brien's", "OBrienPlumbing"),
        ("Smith Quick Fix", "SmithQuickFix"),
        ("Quick Fix Auto", "SmithQuickFix"),
        ("Ünterberg Logistik", "UnterbergLogistik"),
        ("Unterberg", "UnterbergLogistik"),
        ("Uenterberg Logistik", "UnterbergLogistik"),
        ("A&B Dental", "ABDental"),
        ("A & B Dental", "ABDental"),
        ("A and B Dental", "ABDental"),
        ("AB Dental", "ABDental"),
        ("100% Pure Juice", "PureJuice"),
        ("100 percent pure juice", "PureJuice"),
        ("Pure Juice", "PureJuice"),
        ("Greenleaf and Marsh", "GreenleafLaw"),
        ("Greenleaf & Marsh LLP", "GreenleafLaw"),
        ("Greenleaf Law", "GreenleafLaw"),
        ("Riverside", "RiversideSchools"),
        ("Riverside Academy", "RiversideSchools"),
        ("Summit Arch", "SummitArch"),
        ("Harborview", "HarborviewHotel"),
        ("Harbor View Hotel", "HarborviewHotel"),
        ("Cypress", "CypressAccounting"),
        ("Metro Vet", "MetroVet"),
        ("Metro Veterinary", "MetroVet"),
        ("Bright Path", "BrightPathRealty"),
        ("Ironworks", "IronworksFab"),
        ("Coastal", "CoastalInsurance"),
        ("Lighthouse church", "LighthouseChurch"),
        ("Vertex", "VertexEngineering"),
        ("Sunrise Senior", "SunriseSenior"),
        ("Bayside IT", "MSPInternal"),
        ("Internal", "MSPInternal"),
    ],
)
def test_company_by_name_identifier_or_short_form(
    reference: ReferenceData, written: str, identifier: str
) -> None:
    result = parse(reference, f"{written}: printer jammed")
    company = next(c for c in reference.companies if c.identifier == identifier)
    assert result.company_id == company.id
    assert result.summary == "Printer jammed"


def test_two_plausible_companies_is_null_and_names_both(reference: ReferenceData) -> None:
    for prompt in ("Acme printer jammed", "Acme Corp and Acme Labs share a jammed printer"):
        result = parse(reference, prompt)
        assert result.company_id is None
        assert "company_id" in result.missing_fields
        assert any("Acme Corp" in w and "Acme Labs" in w for w in result.warnings)


@pytest.mark.parametrize(
    "prompt",
    [
        "Outlook keeps crashing for the whole sales team",
        "Acmeville office printer jammed",  # not Acme: a name is never matched inside a word
        "need a quick fix for the printer",  # not Smith "Quick Fix": not written as the name
        "CPU at 100% on the file server",
    ],
)
def test_no_company_is_null_and_missing(reference: ReferenceData, prompt: str) -> None:
    result = parse(reference, prompt)
    assert result.company_id is None
    assert "company_id" in result.missing_fields


# --- summary and description ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prompt", "summary"),
    [
        (
            "New ticket for Acme Corp, Outlook not syncing, high priority, assign to me",
            "Outlook not syncing",
        ),
        ("please create a ticket: Acme Corp wifi down, P1", "Wifi down"),
        (
            "password reset for the receptionist at Pinecrest, urgent",
            "Password reset for the receptionist",
        ),
        (
            "Ransomware on a BrightPath Realty laptop!! escalate to tier 3, P1",
            "Ransomware on a laptop",
        ),
        ("A&B Dental wants Adobe Acrobat installed", "Adobe Acrobat installed"),
        ("Vertex Engineering - user can't log in, service desk", "User can't log in"),
        ("Kai should take this one - Metro Vet scanner down", "Scanner down"),
    ],
)
def test_summary_is_the_problem_without_routing_words(
    reference: ReferenceData, prompt: str, summary: str
) -> None:
    assert parse(reference, prompt).summary == summary


def test_long_prompts_get_a_short_summary_and_the_full_description(
    reference: ReferenceData,
) -> None:
    prompt = (
        "Acme Corp: the CEO's laptop won't connect to the docking station in the boardroom and both "
        "external monitors stay black even after a reboot and a new cable. It started after "
        "yesterday's Windows update, high priority, assign to Kai."
    )
    result = parse(reference, prompt)
    assert result.summary and len(result.summary) <= 100
    assert result.summary.startswith("The CEO's laptop won't connect")
    assert result.description == prompt
    assert (result.company_id, result.priority_id, result.assigned_member_id) == (250, P2, 21)


def test_short_prompts_have_no_separate_description(reference: ReferenceData) -> None:
    assert parse(reference, "Acme Corp printer jammed, P3").description is None


def test_other_tenants_work_the_same_way(reference: ReferenceData) -> None:
    """Nothing in the parser is specific to Bayside's names."""
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[3] / "psa" / "simulator" / "data" / "northshore.json"
    if not path.exists():
        pytest.skip("northshore tenant not available")
    ref = reference_from_tenant(json.loads(path.read_text(encoding="utf-8")))

    def run(prompt: str) -> ParseResult:
        return parse_ticket_prompt(prompt=prompt, reference=ref, me=None, use_llm=False)

    assert run("Ærø Shipping - firewall rules, high").company_id == 503
    assert run("Aero Shipping: wifi down").board_id == 2  # "Projects & Network"
    assert run("Café Zoë backup failed").board_id == 3  # "Alerts"
    assert run("Cafe Zoe POS frozen, help desk, status waiting on customer").status_id is not None
    assert run("Smith & Smith, LLC - Outlook not syncing").company_id == 506
    assert run("北岸 Trading: VPN tunnel down").company_id == 507
    diaz = run("O'Neill & Partners printer offline, assign to Diaz")
    assert diaz.company_id == 501 and diaz.assigned_member_id is None
    assert any("Casey Diaz" in w and "Carlos Diaz Jr." in w for w in diaz.warnings)
    tier3 = run("Lakeside Market server down, escalate to tier 3")  # no Escalations board here
    assert tier3.board_id == 3 and any("tier 3" in w for w in tier3.warnings)
