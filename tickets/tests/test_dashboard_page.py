"""The dashboard page: active sessions, then My Queue, then the dashboard section, all rendered
without a ConnectWise call (the widgets load themselves)."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from assistant import services as assistant_services
from assistant.models import ChatMessage, ChatSession
from psa.models import PSAMemberMapping
from tickets import selectors

pytestmark = pytest.mark.django_db

WIDGETS = {
    "my-queue": "/tickets/queue/",
    "unassigned": "/tickets/widgets/unassigned/",
    "recent": "/tickets/widgets/recent/",
}


def _seed_sessions(cw_sim: Any) -> None:
    call_command("seed_demo", cw_url=cw_sim.root_url, stdout=_Null(), stderr=_Null())


def _section(html: str, dom_id: str) -> str:
    start = html.index(f'<section id="{dom_id}"')
    return html[start : html.index("</section>", start)]


def test_the_page_asks_connectwise_nothing(client, demo, cw_sim, sim_stats) -> None:
    _seed_sessions(cw_sim)  # a session linked to a ticket: its chip is what the session cached
    client.force_login(demo.jordan)
    before = sim_stats()["total"]

    html = client.get("/").content.decode()

    assert sim_stats()["total"] == before
    order = [html.index(f'id="{dom_id}"') for dom_id in ("active-sessions", *WIDGETS)]
    assert order == sorted(order)  # sessions first, then My Queue, then the section
    for dom_id, url in WIDGETS.items():
        skeleton = _section(html, dom_id)
        assert f'hx-get="{url}"' in skeleton and 'hx-trigger="load, ' in skeleton
        assert 'aria-busy="true"' in skeleton and 'class="skeleton' in skeleton
    assert "Open tickets" not in html and ">Integrations</a>" not in _section(html, "my-queue")


def test_a_seeded_session_shows_its_ticket_chip_last_message_and_resume(
    client, demo, cw_sim
) -> None:
    _seed_sessions(cw_sim)
    session = ChatSession.objects.get(user=demo.jordan)
    top = selectors.my_queue(account=demo.bayside, user=demo.jordan, limit=1).items[0]
    client.force_login(demo.jordan)

    card = _section(client.get("/").content.decode(), "active-sessions")

    chip = re.search(r'<a class="chip ticket-chip"[^>]*>(.*?)</a>', card)
    assert chip
    assert f'href="/tickets/?ticket={top.id}"' in chip.group(0)
    assert f'hx-get="/tickets/{top.id}/panel/" hx-target="#panel"' in chip.group(0)
    assert unescape(re.sub(r"<[^>]+>", "", chip.group(1))) == f"#{top.id} · {top.summary}"
    last = session.messages.order_by("-created_at").first()
    assert last is not None
    stamp = timezone.localtime(last.created_at).strftime("%Y-%m-%d %H:%M")
    assert re.search(rf'<time datetime="[^"]+" title="{stamp}">(now|[^<]+ ago)</time>', card)
    assert f'href="/assistant/{session.pk}/"' in card and ">Resume</a>" in card


def test_active_sessions_are_mine_newest_activity_first_five_at_most(client, demo) -> None:
    now = timezone.now()
    for n in range(7):
        session = assistant_services.session_create(
            account=demo.bayside, user=demo.jordan, title=f"Session {n}"
        )
        ChatSession.objects.filter(pk=session.pk).update(updated_at=now - timedelta(hours=n))
    oldest = ChatSession.objects.get(title="Session 6")
    ChatMessage.objects.create(session=oldest, role="user", content="back to this one")
    ChatSession.objects.filter(pk=oldest.pk).update(updated_at=now + timedelta(minutes=1))
    assistant_services.session_create(account=demo.bayside, user=demo.morgan, title="Morgan's")
    closed = assistant_services.session_create(
        account=demo.bayside, user=demo.jordan, title="Closed one"
    )
    assistant_services.session_close(session=closed)
    client.force_login(demo.jordan)

    card = _section(client.get("/").content.decode(), "active-sessions")

    titles = re.findall(r'class="active-session-title"[^>]*>([^<]+)<', card)
    assert titles == ["Session 6", "Session 0", "Session 1", "Session 2", "Session 3"]
    assert card.count("No messages yet") == 4  # only Session 6 has a message
    assert '<a href="/assistant/" class="small">All sessions →</a>' in card


def test_without_sessions_the_card_starts_one(client, demo) -> None:
    client.force_login(demo.jordan)
    card = _section(client.get("/").content.decode(), "active-sessions")
    assert re.search(r'<form method="post" action="/assistant/new/">', card)
    assert "Start a session</button>" in card

    response = client.post("/assistant/new/")

    session = ChatSession.objects.get(user=demo.jordan)
    assert response.status_code == 302 and response["Location"] == f"/assistant/{session.pk}/"


def test_unmapped_engineer_sees_the_mapping_prompt_in_every_widget(client, demo, sim_stats) -> None:
    client.force_login(demo.riley)
    before = sim_stats()["total"]

    html = client.get("/").content.decode()

    for dom_id in WIDGETS:
        widget = _section(html, dom_id)
        assert 'href="/account/integrations/">Map your PSA member to see' in widget
        assert "hx-trigger" not in widget
    assert sim_stats()["total"] == before


def test_a_mapping_that_needs_confirming_asks_for_it_instead_of_failing(
    client, demo, sim_stats
) -> None:
    PSAMemberMapping.objects.filter(user=demo.jordan).update(needs_confirming=True)
    client.force_login(demo.jordan)
    before = sim_stats()["total"]

    html = client.get("/").content.decode()

    for dom_id, url in WIDGETS.items():
        assert 'href="/account/integrations/">Map your PSA member' in _section(html, dom_id)
        widget = client.get(url, headers={"HX-Request": "true"}).content.decode()
        assert "Map your PSA member" in widget and "did not answer" not in widget
    assert sim_stats()["total"] == before


def test_without_a_connection_only_the_sessions_show(client, demo) -> None:
    demo.bayside.psa_connection.delete()
    client.force_login(demo.jordan)

    html = client.get("/").content.decode()

    assert 'id="active-sessions"' in html
    assert not any(f'id="{dom_id}"' in html for dom_id in WIDGETS)
    assert "dashboard-section" not in html


def test_seed_demo_gives_jordan_one_session_about_his_most_urgent_ticket(demo, cw_sim) -> None:
    assert not ChatSession.objects.exists()  # the test fixture seeds none (--no-sessions)
    top = selectors.my_queue(account=demo.bayside, user=demo.jordan, limit=1).items[0]

    _seed_sessions(cw_sim)
    _seed_sessions(cw_sim)  # idempotent

    session = ChatSession.objects.get()
    assert session.user == demo.jordan
    assert (session.linked_ticket_id, session.linked_summary) == (top.id, top.summary)
    assert session.linked_company_name == top.company_name
    assert [m.role for m in session.messages.all()] == ["user", "assistant"]


class _Null:
    def write(self, *_: Any) -> None:
        pass

    def flush(self) -> None:
        pass
