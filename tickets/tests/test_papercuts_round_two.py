"""Issue 19 item 14: the papercuts, through the test client and the row helpers."""

from __future__ import annotations

import re
from typing import Any

import pytest

from psa.providers.base import PSAAssignee, PSARateLimited
from tickets.templatetags.tickets import distinct_initials, initials

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


@pytest.fixture
def jordan(client: Any, demo: Any) -> Any:
    client.force_login(demo.jordan)
    return client


def test_people_who_share_initials_are_told_apart() -> None:
    labels = distinct_initials(["Jordan Smith", "Jamie Smithson", "Anika Patel"])
    assert labels == {"Jordan Smith": "JoS", "Jamie Smithson": "JaS", "Anika Patel": "AP"}
    assert initials(PSAAssignee(identifier="jsmith", name="Jordan Smith"), labels) == "JoS"


def test_the_list_tells_jordan_and_jamie_apart(jordan: Any) -> None:
    html = jordan.get("/tickets/?assigned=").content.decode()
    avatars = dict(re.findall(r'<span class="avatar" title="([^"]+)">([^<]+)</span>', html))
    if "Jordan Smith" in avatars:
        assert avatars["Jordan Smith"] == "JoS"
    assert all(v != "JS" for k, v in avatars.items() if k in ("Jordan Smith", "Jamie Smithson"))


def test_a_quick_create_review_flags_only_what_is_really_missing(jordan: Any) -> None:
    response = jordan.post(
        "/tickets/new/parse/",
        {"prompt": "the printer is jammed again", "board_id": "1", "summary": ""},
        headers=HX,
    )
    html = response.content.decode()
    assert "Could not determine board" not in html  # the draft has a board
    priority = re.search(r'<label class="field[^"]*"><span>Priority</span>', html)
    assert priority is not None and "is-missing" not in priority.group(0)


def test_an_inline_error_says_its_headline_once(jordan: Any, demo: Any, monkeypatch: Any) -> None:
    from psa.selectors import provider_for_account

    provider = provider_for_account(account=demo.bayside)

    def slow_down(**kwargs: Any) -> Any:
        raise PSARateLimited("ConnectWise asked us to slow down.", retry_after=44)

    monkeypatch.setattr(provider, "list_resources", slow_down)
    html = jordan.get("/tickets/1000/resources/", headers=HX).content.decode()
    assert html.count("ConnectWise asked us to slow down.") == 1
    # The Retry waits: disabled until the count-down (app.js) reaches zero.
    assert re.search(r"<button[^>]*disabled data-retry-wait=\"44\"[^>]*>Retry \(wait 44 s\)", html)


def test_the_panel_info_line_has_no_stray_separator(jordan: Any) -> None:
    html = jordan.get("/tickets/1000/panel/", headers=HX).content.decode()
    meta = re.search(r'<div class="panel-meta">(.*?)</div>', html, re.S)
    assert meta is not None
    assert "·" not in meta.group(1)  # separators come from CSS, between parts only
    assert 'class="kbd-hint"' in html  # the Esc hint, hidden on phones by app.css
