"""A list longer than a PSA that cannot sort lets us order (Autotask past 2,000 matches): the page
says the order covers the newest N, the pager stops there, and an old link past it lands on the
last page that has tickets."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest

from psa.providers.autotask import ticket_search

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true", "HX-Target": "results"}


@pytest.fixture
def avery(client: Any, lakeside: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    from django.contrib.auth import get_user_model

    # The demo tenant has 640 tickets: a bound of one page (500) makes "all tickets" pass it.
    monkeypatch.setattr(ticket_search, "MAX_SCAN_PAGES", 1)
    client.force_login(get_user_model().objects.get(username="avery"))
    return client


def _ordered(html: str) -> int:
    found = re.search(r"Sorted among the newest ([\d,]+)", html)
    assert found, "the page does not say the order is bounded"
    return int(found.group(1).replace(",", ""))


def test_the_page_says_the_order_covers_the_newest_and_the_pager_stops_there(avery, at_sim):
    html = avery.get("/tickets/?closed=true", headers=HX).content.decode()
    total = len(at_sim.app.tenant.records("Tickets"))
    ordered = _ordered(html)
    assert f"of {total:,} tickets" in html and ordered < total
    assert f"Page 1 of {math.ceil(ordered / 25)}" in html


def test_a_link_past_what_was_sorted_lands_on_the_last_sorted_page(avery):
    first = avery.get("/tickets/?closed=true", headers=HX).content.decode()
    last_page = math.ceil(_ordered(first) / 25)
    response = avery.get("/tickets/?closed=true&page=25", headers=HX)
    html = response.content.decode()
    assert f"Page {last_page} of {last_page}" in html and 'class="ticket-row' in html
    assert f"page={last_page}" in response.headers["HX-Replace-Url"]


def test_a_list_within_the_bound_says_nothing_about_order(client, lakeside):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="avery"))
    html = client.get("/tickets/?closed=true", headers=HX).content.decode()
    assert "Sorted among the newest" not in html and "of 640 tickets" in html
