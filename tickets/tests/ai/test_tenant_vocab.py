"""The tenant vocabularies on their own: misspellings, contacts and configurations."""

from __future__ import annotations

from psa.providers.base import (
    PSACompany,
    PSAConfiguration,
    PSAContact,
    ReferenceData,
)
from tickets.ai.vocab.company import edit_distance, fuzzy_company, resolve_company_text
from tickets.ai.vocab.configuration import (
    board_kind_for_configurations,
    choose_configurations,
    device_tokens,
)
from tickets.ai.vocab.contact import choose_contact


def test_edit_distance_counts_a_swap_once_and_stops_past_the_limit() -> None:
    assert edit_distance("harborveiw", "harborview", 2) == 1
    assert edit_distance("sumit", "summit", 1) == 1
    assert edit_distance("cypress", "express", 1) == 2  # limit + 1: too far


def test_two_companies_one_typo_away_are_a_choice_not_a_guess(reference: ReferenceData) -> None:
    ref = ReferenceData(
        boards=reference.boards,
        statuses=reference.statuses,
        priorities=reference.priorities,
        members=reference.members,
        companies=(
            PSACompany(id=1, identifier="Northgate", name="Northgate Dental"),
            PSACompany(id=2, identifier="Northgale", name="Northgale Farms"),
        ),
    )
    typo = fuzzy_company("Northgane printer jammed", ref)
    assert typo is not None and {c.id for c in typo.companies} == {1, 2}
    resolution = resolve_company_text("Northgane", ref)
    assert resolution.company is None
    assert (
        resolution.warning
        == "'Northgane' could be Northgate Dental or Northgale Farms; pick the company"
    )


def test_ordinary_words_are_not_taken_for_misspelled_companies(reference: ReferenceData) -> None:
    for prompt in ("Submit button broken", "Printer offline", "Express delivery app crashing"):
        assert fuzzy_company(prompt, reference) is None, prompt


def test_device_tokens() -> None:
    assert device_tokens("NORTH-NAS01 and srv01, P1, Wi-Fi, M365, SRV01") == [
        "NORTH-NAS01",
        "SRV01",
    ]


COMPANIES = {
    1: PSACompany(id=1, identifier="A", name="Alpha"),
    2: PSACompany(id=2, identifier="B", name="Beta"),
}
KEVIN_A = PSAContact(id=10, name="Kevin Wong", company_id=1, first_name="Kevin", last_name="Wong")
KEVIN_B = PSAContact(id=11, name="Kevin Wong", company_id=2, first_name="Kevin", last_name="Wong")


def test_a_contact_name_at_two_companies_names_both_and_picks_neither() -> None:
    choice = choose_contact(
        ["Kevin Wong"], [KEVIN_A, KEVIN_B], company_id=None, companies=COMPANIES
    )
    assert choice.contact is None and choice.company_id is None
    assert choice.warning == "Kevin Wong is a contact at Alpha or Beta; pick the company"
    within = choose_contact(["Kevin Wong"], [KEVIN_A, KEVIN_B], company_id=2, companies=COMPANIES)
    assert within.contact == KEVIN_B


def test_a_first_name_needs_the_company() -> None:
    assert (
        choose_contact(["Kevin"], [KEVIN_A], company_id=None, companies=COMPANIES).contact is None
    )
    assert (
        choose_contact(["Kevin"], [KEVIN_A], company_id=1, companies=COMPANIES).contact == KEVIN_A
    )


def test_inactive_or_unnamed_configurations_are_never_attached() -> None:
    fw = PSAConfiguration(id=5, name="ALPHA-FW01", type_name="Firewall", company_id=1)
    old = PSAConfiguration(id=6, name="ALPHA-SRV01", type_name="Server", company_id=1, active=False)
    choice = choose_configurations(
        ["alpha-fw01", "ALPHA-SRV01", "GHOST-1"], [fw, old], company_id=None, companies=COMPANIES
    )
    assert choice.configurations == (fw,) and choice.company_id == 1
    assert board_kind_for_configurations([fw], "rules need a change") == "network"
    server = PSAConfiguration(id=7, name="ALPHA-SRV02", type_name="Server", company_id=1)
    assert board_kind_for_configurations([server], "needs a new app") is None
    assert board_kind_for_configurations([server], "is beeping") == "monitoring"
