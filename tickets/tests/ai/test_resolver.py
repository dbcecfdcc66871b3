"""The resolver on its own: Extraction (as either engine would produce it) -> ids or reasons."""

from __future__ import annotations

from dataclasses import replace

import pytest

from psa.providers.base import PSABoard, PSAStatus, ReferenceData
from tickets.ai.resolver import clean_summary, resolve
from tickets.ai.types import REQUIRED_FIELDS, Extraction, ParseResult
from tickets.ai.vocab.board import resolve_board
from tickets.ai.vocab.company import resolve_company
from tickets.tests.ai.conftest import member


def test_every_field_resolved(reference: ReferenceData) -> None:
    extraction = Extraction(
        summary="shared drive not mapping",
        company_text="Lighthouse church",
        board_text="Service Desk",
        priority_text="Priority 2 - Quick Response",
        status_text="Waiting on Client",
        assignee_text="Lucia",
        engine="anthropic",
    )
    result = resolve(extraction, reference, member("jsmith"))
    assert result == ParseResult(
        summary="Shared drive not mapping",
        company_id=270,
        board_id=1,
        priority_id=15,
        status_id=103,
        assigned_member_id=25,
        description=None,
        missing_fields=(),
        warnings=(),
        engine="anthropic",
    )


def test_nothing_resolved(reference: ReferenceData) -> None:
    result = resolve(Extraction(), reference, None)
    assert result.missing_fields == REQUIRED_FIELDS
    assert (result.company_id, result.board_id, result.priority_id, result.status_id) == (None,) * 4
    assert result.assigned_member_id is None and result.summary is None


def test_implied_board_names_and_work_words_resolve_alike(reference: ReferenceData) -> None:
    for implied in ("Network Operations", "network ops", "VPN tunnel", "wifi"):
        assert resolve(Extraction(implied_board_text=implied), reference, None).board_id == 2


def test_an_unknown_board_name_warns(reference: ReferenceData) -> None:
    board, warning = resolve_board("Projects", reference)
    assert board is None and warning and "Projects" in warning


def test_two_boards_of_one_kind_are_ambiguous(reference: ReferenceData) -> None:
    ref = replace(reference, boards=(*reference.boards, PSABoard(id=9, name="Network Projects")))
    board, warning = resolve_board("network ops", ref)
    assert (
        board is None
        and warning
        and "Network Operations" in warning
        and "Network Projects" in warning
    )
    board, _ = resolve_board("Network Projects", ref)  # the exact name still wins
    assert board is not None and board.id == 9


def test_inactive_boards_and_statuses_are_never_chosen(reference: ReferenceData) -> None:
    boards = tuple(replace(b, inactive=b.id == 2) for b in reference.boards)
    statuses = tuple(replace(s, inactive=s.id == 103) for s in reference.statuses)
    ref = replace(reference, boards=boards, statuses=statuses)
    assert resolve(Extraction(board_text="network ops"), ref, None).board_id is None
    result = resolve(
        Extraction(board_text="service desk", status_text="waiting on client"), ref, None
    )
    assert result.board_id == 1 and result.status_id is None


def test_status_synonyms_map_both_ways(reference: ReferenceData) -> None:
    ref = replace(
        reference,
        statuses=(PSAStatus(id=500, name="Waiting on Customer", board_id=1),),
    )
    for text in ("waiting on client", "Waiting on Customer", "waiting for the customer"):
        result = resolve(Extraction(board_text="service desk", status_text=text), ref, None)
        assert result.status_id == 500


@pytest.mark.parametrize("text", ["999", "company 999", "Acme Corp; DROP TABLE", "", "   "])
def test_unknown_company_text_never_yields_an_id(reference: ReferenceData, text: str) -> None:
    company, warning = resolve_company(text, reference)
    if "Acme Corp" in text:
        assert company is not None and company.identifier == "AcmeCorp"
    else:
        assert company is None and warning


def test_clean_summary() -> None:
    assert clean_summary("  outlook   not syncing ,") == "Outlook not syncing"
    long = "word " * 60
    cleaned = clean_summary(long)
    assert cleaned and len(cleaned) <= 100 and not cleaned.endswith(" ")
    assert clean_summary(" - ") is None
    assert clean_summary("iPhone mail broken") == "iPhone mail broken"


def test_result_to_dict_matches_the_spec_shape(reference: ReferenceData) -> None:
    result = resolve(Extraction(summary="x", company_text="Acme Corp"), reference, None)
    data = result.to_dict()
    assert set(data) == {
        "summary",
        "company_id",
        "board_id",
        "priority_id",
        "status_id",
        "assigned_member_id",
        "description",
        "missing_fields",
        "warnings",
        "possible_duplicates",
        "contact_id",
        "contact_name",
        "configuration_ids",
        "configurations",
        "meta",
    }
    assert (data["contact_id"], data["configuration_ids"]) == (None, [])
    assert data["missing_fields"] == ["board_id", "priority_id", "status_id"]
    assert isinstance(data["warnings"], list) and data["possible_duplicates"] == []
