from __future__ import annotations

from typing import Any

from psa.providers.base import PSATicket, PSAUnavailable, ReferenceData
from tickets.ai import parse_ticket_prompt
from tickets.ai.duplicates import MAX_DUPLICATES, find_duplicates, similarity
from tickets.tests.ai.conftest import member, open_tickets_for


def ticket(id: int, summary: str, *, closed: bool = False, status: str = "New") -> PSATicket:
    return PSATicket(
        id=id,
        summary=summary,
        company_id=250,
        company_name="Acme Corp",
        board_id=1,
        board_name="Service Desk",
        status_id=100,
        status_name=status,
        priority_id=4,
        priority_name="Priority 3 - Normal Response",
        priority_sort=6,
        closed=closed,
    )


def test_close_summaries_score_high_and_unrelated_ones_zero() -> None:
    assert similarity("Outlook not syncing", "Outlook not syncing for Aisha Schulz") > 0.6
    assert similarity("Printers offline!", "printer offline on 4th floor") > 0.5
    assert similarity("Outlook not syncing", "Wi-Fi dead zone in conference room") == 0
    assert similarity("not working", "is not working") == 0  # stopwords only


def test_finds_ranks_and_limits_open_tickets() -> None:
    tickets = [
        ticket(1, "Outlook not syncing for Aisha"),
        ticket(2, "Outlook not syncing"),
        ticket(3, "Outlook not syncing", closed=True),
        ticket(4, "Printer offline on 2nd floor"),
        *[ticket(10 + i, f"Outlook calendar not syncing {i}") for i in range(8)],
    ]
    found = find_duplicates("Outlook not syncing", tickets)
    assert len(found) == MAX_DUPLICATES
    assert found[0].id == 2 and found[0].summary == "Outlook not syncing"
    assert found[0].status_name == "New"
    assert 3 not in {d.id for d in found}  # closed tickets are not duplicates
    assert 4 not in {d.id for d in found}


def test_nothing_to_compare() -> None:
    assert find_duplicates(None, [ticket(1, "x")]) == ()
    assert find_duplicates("the and of", [ticket(1, "the and of")]) == ()
    assert find_duplicates("Outlook", []) == ()


def test_parse_offers_open_tickets_at_the_resolved_company(reference: ReferenceData) -> None:
    seen: list[int] = []

    def open_tickets(company_id: int) -> list[PSATicket]:
        seen.append(company_id)
        return open_tickets_for(company_id)

    result = parse_ticket_prompt(
        prompt="Vertex Engineering server VERTE-SRV01 offline, P1",
        reference=reference,
        me=member("jsmith"),
        open_tickets=open_tickets,
        use_llm=False,
    )
    assert seen == [271]
    assert result.possible_duplicates
    assert result.possible_duplicates[0].summary == "Server VERTE-SRV01 offline"
    assert len(result.possible_duplicates) <= MAX_DUPLICATES


def test_no_company_no_lookup(reference: ReferenceData) -> None:
    def open_tickets(company_id: int) -> list[PSATicket]:
        raise AssertionError("must not be called without a company")

    result = parse_ticket_prompt(
        prompt="Acme printer jammed",
        reference=reference,
        me=None,
        open_tickets=open_tickets,
        use_llm=False,
    )
    assert result.possible_duplicates == ()


def test_a_psa_outage_skips_duplicates_with_a_warning(reference: ReferenceData) -> None:
    def open_tickets(company_id: int) -> Any:
        raise PSAUnavailable("ConnectWise did not answer")

    result = parse_ticket_prompt(
        prompt="Acme Corp printer jammed",
        reference=reference,
        me=None,
        open_tickets=open_tickets,
        use_llm=False,
    )
    assert result.company_id == 250 and result.possible_duplicates == ()
    assert "Could not check for duplicate tickets: ConnectWise did not answer" in result.warnings


def test_an_unexpected_error_also_only_warns(reference: ReferenceData) -> None:
    def open_tickets(company_id: int) -> Any:
        raise RuntimeError("boom")

    result = parse_ticket_prompt(
        prompt="Acme Corp printer jammed",
        reference=reference,
        me=None,
        open_tickets=open_tickets,
        use_llm=False,
    )
    assert "Could not check for duplicate tickets" in result.warnings
