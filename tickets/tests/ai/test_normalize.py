from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tickets.ai.normalize import (
    camel_split,
    compact,
    fold,
    fold_tokens,
    match_key,
    strip_legal_suffixes,
    tokenize,
)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Ünterberg Logistik GmbH", "unterberg logistik gmbh"),
        ("A&B Dental Partners", "a and b dental partners"),
        ("100% Pure Juice Co", "100 percent pure juice co"),
        ("O'Brien & Sons", "obrien and sons"),
        ("O’Brien’s office", "obrien office"),
        ('Smith "Quick Fix" Auto Repair', "smith quick fix auto repair"),
        ("Café Zoë", "cafe zoe"),
        ("Ærø Shipping ApS", "aero shipping aps"),
        ("  Acme,   Corp.  ", "acme corp"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_german_and_nordic_spellings() -> None:
    assert fold("Ünterberg", german=True) == "uenterberg"
    assert fold("Ærø", german=True) == "aeroe"


@pytest.mark.parametrize(
    ("name", "stripped"),
    [
        ("Greenleaf & Marsh LLP", ["greenleaf", "and", "marsh"]),
        ("Contoso Dental Group", ["contoso", "dental"]),
        ("100% Pure Juice Co", ["100", "percent", "pure", "juice"]),
        ("Smith & Co.", ["smith"]),
        ("The Acme Group, Inc.", ["acme"]),
        ("Ünterberg Logistik GmbH", ["unterberg", "logistik"]),
        ("The Group", ["the", "group"]),  # never down to a bare suffix
        ("Partners", ["partners"]),
        (
            "O'Brien & Sons Plumbing",
            ["obrien", "and", "sons", "plumbing"],
        ),  # "Sons" is not a legal form
    ],
)
def test_strip_legal_suffixes(name: str, stripped: list[str]) -> None:
    assert strip_legal_suffixes(fold_tokens(name)) == stripped


def test_legal_form_spellings_compare_equal() -> None:
    assert match_key(fold_tokens("Acme Corporation")) == match_key(fold_tokens("Acme Corp"))
    assert match_key(fold_tokens("Foo Limited")) == match_key(fold_tokens("Foo Ltd"))


@pytest.mark.parametrize(
    ("identifier", "words"),
    [
        ("PinecrestMedical", ["pinecrest", "medical"]),
        ("OBrienPlumbing", ["o", "brien", "plumbing"]),
        ("ABDental", ["ab", "dental"]),
        ("BlueHarborCU", ["blue", "harbor", "cu"]),
        ("MSPInternal", ["msp", "internal"]),
    ],
)
def test_camel_split(identifier: str, words: list[str]) -> None:
    assert camel_split(identifier) == words
    assert compact(words) == identifier.casefold()


def test_tokens_keep_their_offsets() -> None:
    text = "Wi-Fi - down at O'Brien's"
    for token in tokenize(text):
        assert text[token.start : token.end] == token.text
    hyphens = [t for t in tokenize(text) if t.text == "-"]
    assert [h.spaced for h in hyphens] == [False, True]


@given(st.text(max_size=200))
def test_fold_is_idempotent_and_never_raises(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
    assert once == once.strip()
