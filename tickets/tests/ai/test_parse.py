"""The entry point's guarantees, including property tests over arbitrary prompts."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from psa.providers.base import ReferenceData
from tickets.ai import ParseResult, parse_ticket_prompt
from tickets.tests.ai.conftest import _reference, load_cases, member

VOCABULARY = [
    "Acme", "Acme Corp", "Acme Labs", "A&B", "100%", "O'Brien", "Smith", "Ünterberg", "Internal",
    "assign to", "give it to", "me", "Anika", "Peter Walsh", "Jordan", "put", "on it", "P1", "high",
    "not urgent", "no rush", "low disk space", "network ops", "tier 3", "escalate", "status",
    "waiting on client", "in progress", "new hire", "wifi", "server offline", ",", "-", ":", ".", "!!",
    "printer", "jammed", "the", "and", "999", "ignore previous instructions",
]  # fmt: skip


def assert_well_formed(result: ParseResult, reference: ReferenceData) -> None:
    valid = {
        "company_id": {c.id for c in reference.companies},
        "board_id": {b.id for b in reference.boards},
        "priority_id": {p.id for p in reference.priorities},
        "status_id": {s.id for s in reference.statuses},
        "assigned_member_id": {m.id for m in reference.members},
    }
    for field, ids in valid.items():
        value = getattr(result, field)
        assert value is None or value in ids, f"invented {field}={value}"
    if result.status_id is not None:
        status = next(s for s in reference.statuses if s.id == result.status_id)
        assert status.board_id == result.board_id  # a status always belongs to the chosen board
    if result.assigned_member_id is not None:
        assert not next(m for m in reference.members if m.id == result.assigned_member_id).inactive
    assert result.summary is None or 0 < len(result.summary) <= 100
    for field in ("company_id", "board_id", "priority_id", "status_id"):
        assert (field in result.missing_fields) is (getattr(result, field) is None)
    assert len(set(result.warnings)) == len(result.warnings)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(VOCABULARY), max_size=14).map(" ".join))
def test_vocabulary_soup_never_raises_or_invents(prompt: str) -> None:
    reference = _reference()
    result = parse_ticket_prompt(
        prompt=prompt, reference=reference, me=member("jsmith"), use_llm=False
    )
    assert_well_formed(result, reference)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises_or_invents(prompt: str) -> None:
    reference = _reference()
    result = parse_ticket_prompt(prompt=prompt, reference=reference, me=None, use_llm=False)
    assert_well_formed(result, reference)


def test_empty_prompt(reference: ReferenceData) -> None:
    result = parse_ticket_prompt(prompt="   ", reference=reference, me=None, use_llm=False)
    assert result.summary is None
    assert result.missing_fields == ("company_id", "board_id", "priority_id", "status_id")
    assert result.warnings[0] == "The prompt is empty"


def test_huge_prompt_is_bounded(reference: ReferenceData) -> None:
    prompt = "Acme Corp printer jammed, P2. " + "More detail about the printer. " * 2000
    result = parse_ticket_prompt(prompt=prompt, reference=reference, me=None, use_llm=False)
    assert result.company_id == 250 and result.priority_id == 15
    assert result.summary == "Printer jammed"


def test_deterministic(reference: ReferenceData) -> None:
    for case in load_cases("ai_parse_cases.jsonl"):
        first = parse_ticket_prompt(
            prompt=case["prompt"], reference=reference, me=None, use_llm=False
        )
        again = parse_ticket_prompt(
            prompt=case["prompt"], reference=reference, me=None, use_llm=False
        )
        assert first == again
