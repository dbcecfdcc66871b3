"""The dashboard's widgets beside My Queue: Unassigned on your boards and Recently updated, yours.

Expected tickets are worked out here from the simulator's raw REST answers (not through our
provider), and the simulator is changed the way ConnectWise would be (schedule entries removed,
a client's note posted) to put the engineer's boards and updates where a test needs them.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from psa.providers.base import TicketFilters
from psa.selectors import reference_data_get
from tickets import selectors

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
UNASSIGNED_URL = "/tickets/widgets/unassigned/"
RECENT_URL = "/tickets/widgets/recent/"
ROW = re.compile(r'class="queue-row" href="/tickets/\?ticket=(\d+)"')


class Tenant:
    """The bayside tenant over the simulator's REST API, as any ConnectWise client sees it."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url
        self.auth = ("baysideit+rfdemo-public", "rfdemo-private")
        self.headers = {"clientId": "tests"}

    def get(self, path: str, **params: Any) -> Any:
        response = requests.get(
            f"{self.base}{path}", params=params, auth=self.auth, headers=self.headers, timeout=10
        )
        response.raise_for_status()
        return response.json()

    def tickets(self) -> list[dict[str, Any]]:
        return self.get(
            "/service/tickets",
            fields="id,board/id,board/name,resources,closedFlag,priority/sort,_info/lastUpdated",
            pageSize=1000,
            orderBy="id asc",
        ) + self.get(
            "/service/tickets",
            fields="id,board/id,board/name,resources,closedFlag,priority/sort,_info/lastUpdated",
            pageSize=1000,
            page=2,
            orderBy="id asc",
        )

    def unassign(self, identifier: str, *, keep_boards: set[int] | None = None) -> None:
        """Remove the member from every ticket except those on `keep_boards`."""
        keep_boards = keep_boards or set()
        boards = {t["id"]: t["board"]["id"] for t in self.tickets()}
        entries = self.get(
            "/schedule/entries", conditions=f'member/identifier="{identifier}"', pageSize=1000
        )
        for entry in entries:
            if boards.get(entry.get("objectId")) in keep_boards:
                continue
            requests.delete(
                f"{self.base}/schedule/entries/{entry['id']}",
                auth=self.auth,
                headers=self.headers,
                timeout=10,
            ).raise_for_status()

    def client_reply(self, ticket_id: int, text: str = "Any news on this?") -> None:
        requests.post(
            f"{self.base}/service/tickets/{ticket_id}/notes",
            json={"text": text, "detailDescriptionFlag": True},
            auth=self.auth,
            headers=self.headers,
            timeout=10,
        ).raise_for_status()


@pytest.fixture
def tenant(cw_sim: Any) -> Tenant:
    return Tenant(cw_sim.base_url)


@pytest.fixture
def replied(tenant: Tenant) -> int:
    """A client just replied on one of jordan's tickets (the demo data's updates are older)."""
    ticket_id = next(t["id"] for t in tenant.tickets() if "jsmith" in _holders(t))
    tenant.client_reply(ticket_id)
    return ticket_id


def _holders(ticket: dict[str, Any]) -> list[str]:
    return [r.strip().casefold() for r in (ticket.get("resources") or "").split(",") if r.strip()]


def _urgent_first(tickets: list[dict[str, Any]]) -> list[int]:
    return [t["id"] for t in sorted(tickets, key=lambda t: (t["priority"]["sort"], -t["id"]))]


def _open_unassigned(tenant: Tenant, boards: set[int] | None) -> list[int]:
    return _urgent_first(
        [
            t
            for t in tenant.tickets()
            if not t["closedFlag"]
            and not _holders(t)
            and (boards is None or t["board"]["id"] in boards)
        ]
    )


def _widget(client: Any, url: str) -> str:
    response = client.get(url, headers=HX)
    assert response.status_code == 200
    return response.content.decode()


# --- Unassigned on your boards ----------------------------------------------------------------------


def test_unassigned_lists_the_most_urgent_open_unassigned_tickets_of_my_board(
    client, demo, tenant
) -> None:
    tenant.unassign("jsmith", keep_boards={1})  # jordan's open tickets are all on Service Desk
    expected = _open_unassigned(tenant, {1})
    assert len(expected) > 5
    client.force_login(demo.jordan)

    html = _widget(client, UNASSIGNED_URL)

    assert [int(i) for i in ROW.findall(html)] == expected[:5]
    assert f"{len(expected)} unassigned on your boards." in html
    assert 'href="/tickets/?assigned=unassigned&amp;board=1"' in html
    # The link shows what the widget counted: the Tickets list filtered the same way agrees.
    listed = selectors.ticket_search(
        account=demo.bayside,
        user=demo.jordan,
        filters=TicketFilters(assigned="unassigned", board_id=1),
    )
    assert listed.total == len(expected)
    # Loaded again (the boards now known): the same answer.
    assert [int(i) for i in ROW.findall(_widget(client, UNASSIGNED_URL))] == expected[:5]


def test_unassigned_on_several_of_my_boards_links_each_board(client, demo, tenant) -> None:
    tenant.unassign("jsmith", keep_boards={1, 2})
    expected = _open_unassigned(tenant, {1, 2})
    client.force_login(demo.jordan)

    html = _widget(client, UNASSIGNED_URL)

    assert [int(i) for i in ROW.findall(html)] == expected[:5]
    assert f"{len(expected)} unassigned on your boards." in html
    assert '<a href="/tickets/?assigned=unassigned&amp;board=1">Service Desk</a>' in html
    assert '<a href="/tickets/?assigned=unassigned&amp;board=2">Network Operations</a>' in html
    assert "board=3" not in html and "board=4" not in html


def test_on_every_board_one_link_lists_them_all(client, demo, tenant) -> None:
    expected = _open_unassigned(tenant, None)  # jordan has open tickets on all five boards
    client.force_login(demo.jordan)

    html = _widget(client, UNASSIGNED_URL)

    assert [int(i) for i in ROW.findall(html)] == expected[:5]
    assert f"{len(expected)} unassigned on your boards." in html
    assert '<a href="/tickets/?assigned=unassigned">View all →</a>' in html


def test_without_open_tickets_of_my_own_every_board_counts(client, demo, tenant) -> None:
    tenant.unassign("jsmith")
    expected = _open_unassigned(tenant, None)
    client.force_login(demo.jordan)

    html = _widget(client, UNASSIGNED_URL)

    assert [int(i) for i in ROW.findall(html)] == expected[:5]
    assert f"{len(expected)} unassigned on all boards." in html
    assert '<a href="/tickets/?assigned=unassigned">View all →</a>' in html


def test_nothing_unassigned_on_my_boards_says_so(client, demo, tenant) -> None:
    tenant.unassign("jsmith", keep_boards={5})  # Escalations: every ticket there is assigned
    assert _open_unassigned(tenant, {5}) == []
    client.force_login(demo.jordan)

    html = _widget(client, UNASSIGNED_URL)

    assert "Nothing unassigned on your boards." in html
    assert not ROW.findall(html)


def test_more_than_one_answer_holds_shows_every_board_and_says_at_least(
    client, demo, tenant, monkeypatch
) -> None:
    # More tickets of jordan's or nobody's than one page holds (ConnectWise's page is 1000):
    # his less urgent tickets, and so some of his boards, may be missing from it.
    monkeypatch.setattr(selectors, "BOARDS_PROBE_SIZE", 20)
    tenant.unassign("jsmith", keep_boards={1, 2})
    everywhere = _open_unassigned(tenant, None)
    assert everywhere != _open_unassigned(tenant, {1, 2})
    client.force_login(demo.jordan)

    html = _widget(client, UNASSIGNED_URL)

    rows = [int(i) for i in ROW.findall(html)]
    assert rows == everywhere[:5]
    found = re.search(r"At least (\d+) unassigned on all boards\.", html)
    assert found and 5 <= int(found.group(1)) < len(everywhere)
    assert '<a href="/tickets/?assigned=unassigned">View all →</a>' in html
    # Loaded again, on every board: the exact count.
    again = _widget(client, UNASSIGNED_URL)
    assert [int(i) for i in ROW.findall(again)] == everywhere[:5]
    assert f"{len(everywhere)} unassigned on all boards." in again


# --- Recently updated, yours ------------------------------------------------------------------------


def test_recent_shows_my_tickets_a_client_just_replied_to_newest_first(
    client, demo, tenant
) -> None:
    mine = [t["id"] for t in tenant.tickets() if "jsmith" in _holders(t)]
    others = [t["id"] for t in tenant.tickets() if t["id"] not in mine]
    tenant.client_reply(mine[0])
    tenant.client_reply(others[0])  # someone else's ticket: not in my widget
    time.sleep(1.1)  # ConnectWise stamps updates to the second
    tenant.client_reply(mine[1])
    client.force_login(demo.jordan)

    html = _widget(client, RECENT_URL)

    rows = [int(i) for i in ROW.findall(html)]
    assert rows[:2] == [mine[1], mine[0]]
    assert others[0] not in rows
    recent = {
        t["id"]
        for t in tenant.tickets()
        if "jsmith" in _holders(t)
        and datetime.fromisoformat(t["_info"]["lastUpdated"].replace("Z", "+00:00"))
        >= datetime.now(UTC) - timedelta(hours=24, minutes=1)
    }
    assert set(rows) <= recent
    when = re.search(
        r'class="t-updated muted small" title="\d{4}-\d\d-\d\d \d\d:\d\d">([^<]+)<', html
    )
    assert when and (when.group(1) == "now" or when.group(1).endswith("ago"))


def test_recent_window_is_the_last_24_hours_closed_tickets_included(demo, tenant) -> None:
    now = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)  # an hour after the demo data was written
    since = now - timedelta(hours=24)

    def updated(t: dict[str, Any]) -> datetime:
        return datetime.fromisoformat(t["_info"]["lastUpdated"].replace("Z", "+00:00"))

    expected = sorted(
        (t for t in tenant.tickets() if "jsmith" in _holders(t) and updated(t) >= since),
        key=lambda t: (updated(t), t["id"]),
        reverse=True,
    )
    assert expected

    result = selectors.recently_updated_mine(
        account=demo.bayside, user=demo.jordan, limit=50, now=now
    )

    assert [t.id for t in result.items] == [t["id"] for t in expected]
    assert result.total == len(expected)


def test_recent_without_updates_says_so(client, demo, tenant) -> None:
    tenant.unassign("jsmith")  # nothing of jordan's left to change
    client.force_login(demo.jordan)
    html = _widget(client, RECENT_URL)
    assert "None of your tickets changed in the last 24 hours." in html


# --- what every widget shares -----------------------------------------------------------------------


class ProviderSpy:
    """The account's real provider, counting the calls made through it."""

    def __init__(self, provider: Any) -> None:
        self.provider = provider
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.provider, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            return attribute(*args, **kwargs)

        return call


@pytest.mark.parametrize("url", ["/tickets/queue/", UNASSIGNED_URL, RECENT_URL])
def test_each_widget_costs_one_connectwise_round_trip(
    client, demo, replied, monkeypatch, sim_stats, url
) -> None:
    from psa import selectors as psa_selectors

    reference_data_get(account=demo.bayside)  # cached, as on a running server
    spies: list[ProviderSpy] = []

    def spied(*, account: Any) -> ProviderSpy:
        spies.append(ProviderSpy(psa_selectors.provider_for_account(account=account)))
        return spies[-1]

    monkeypatch.setattr(selectors, "provider_for_account", spied)
    client.force_login(demo.jordan)

    for _load in ("first", "again"):  # cold and warm (boards known)
        before = sim_stats()["routes"]
        html = _widget(client, url)
        after = sim_stats()["routes"]
        sent = {k: v - before.get(k, 0) for k, v in after.items() if v != before.get(k, 0)}

        assert ROW.findall(html)
        assert [spy.calls for spy in spies] == [["search_tickets"]]  # one provider call...
        assert sent == {"GET /service/tickets": 1, "GET /service/tickets/count": 1}  # ...one wave
        spies.clear()


@pytest.mark.parametrize(
    ("url", "text"),
    [
        ("/tickets/queue/", "Your queue will show here when it is back"),
        (UNASSIGNED_URL, "Unassigned tickets will show here when it is back"),
        (RECENT_URL, "Your recent updates will show here when it is back"),
    ],
)
def test_a_widget_connectwise_cannot_answer_is_quiet_and_offers_a_retry(
    client, demo, replied, sim_config, url, text
) -> None:
    client.force_login(demo.jordan)
    sim_config(fail_rate=1.0)

    response = client.get(url, headers=HX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "HX-Trigger" not in response.headers  # no toast on the dashboard
    assert text in html
    assert re.search(rf'<button [^>]*hx-get="{re.escape(url)}"[^>]*>Retry</button>', html)

    sim_config(fail_rate=0)
    assert ROW.findall(_widget(client, url))  # the retry loads it


@pytest.mark.parametrize("url", [UNASSIGNED_URL, RECENT_URL])
def test_loaded_widgets_follow_ticket_changes_and_rows_open_the_panel(
    client, demo, replied, sim_stats, url
) -> None:
    client.force_login(demo.jordan)

    html = _widget(client, url)

    # Any ticket change or creation on the page makes the widget read itself again.
    assert 'hx-trigger="ticketUpdated from:body, ticketCreated from:body"' in html
    first = ROW.findall(html)[0]
    assert f'hx-get="/tickets/{first}/panel/" hx-target="#panel" hx-swap="innerHTML"' in html
    before = sim_stats()["total"]
    panel = client.get(f"/tickets/{first}/panel/", headers=HX)
    assert panel.status_code == 200 and f"#{first}" in panel.content.decode()
    assert sim_stats()["total"] == before  # the row as the widget listed it: no ConnectWise call


def test_unmapped_engineer_gets_the_mapping_prompt_without_a_connectwise_call(
    client, demo, sim_stats
) -> None:
    client.force_login(demo.riley)
    before = sim_stats()["total"]
    for url, prompt in [
        (UNASSIGNED_URL, "Map your PSA member to see the unassigned tickets on your boards"),
        (RECENT_URL, "Map your PSA member to see your recently updated tickets"),
    ]:
        html = _widget(client, url)
        assert f'<a href="/account/integrations/">{prompt}</a>' in html
        assert "hx-trigger" not in html  # nothing to load or refresh
    assert sim_stats()["total"] == before


def test_no_connection_renders_no_widget(client, demo) -> None:
    demo.bayside.psa_connection.delete()
    client.force_login(demo.jordan)
    for url in (UNASSIGNED_URL, RECENT_URL):
        assert _widget(client, url).strip() == ""
