"""Time-entry notes (from ConnectWise's allNotes) are shown as such in the panel and the API."""

from __future__ import annotations

import re

import pytest

from psa.selectors import provider_for_account

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
BASE = "/api/integrations/psa"


@pytest.fixture
def jordan(client, demo):
    client.force_login(demo.jordan)
    return client


def test_the_feed_labels_time_entries_with_their_span(jordan) -> None:
    html = jordan.get("/tickets/1000/context/", headers=HX).content.decode()
    entries = re.findall(
        r'<li class="note[^"]*note-time-entry" data-kind="time_entry">(.*?)</li>', html, re.S
    )
    assert len(entries) == 1
    assert "Time entry" in entries[0]
    assert re.search(r"\d{2}:\d{2}–\d{2}:\d{2}", entries[0])  # the time worked
    notes = re.findall(r'data-kind="note">(.*?)</li>', html, re.S)
    assert notes and all("Time entry" not in n for n in notes)


def test_the_api_gives_each_note_its_kind(jordan, demo) -> None:
    jordan.force_login(demo.jordan)
    body = jordan.get(f"{BASE}/tickets/1000/context").json()
    kinds = [n["kind"] for n in body["notes"]]
    assert kinds.count("time_entry") == 1 and "note" in kinds
    entry = next(n for n in body["notes"] if n["kind"] == "time_entry")
    assert entry["time_start"] < entry["time_end"] and entry["author_name"]
    assert all(n["time_start"] is None for n in body["notes"] if n["kind"] == "note")


def test_a_tenant_refusing_all_notes_still_shows_its_notes(jordan, demo, monkeypatch) -> None:
    provider = provider_for_account(account=demo.bayside)
    monkeypatch.setattr(provider, "all_notes_refused", True)
    body = jordan.get(f"{BASE}/tickets/1000/context").json()
    assert body["notes"] and {n["kind"] for n in body["notes"]} == {"note"}
