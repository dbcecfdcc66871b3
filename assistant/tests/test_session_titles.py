"""A session keeps its title when its ticket is linked, relinked or unlinked (issue 13, item 13):
only a session still called "New session" is named after the ticket it is linked to."""

from __future__ import annotations

from typing import Any

import pytest

from assistant import services
from assistant.models import ChatSession

pytestmark = pytest.mark.django_db

OUTLOOK = "Outlook not syncing for Ben Alvarez"  # ticket #1180


def _fresh(session: ChatSession) -> ChatSession:
    session.refresh_from_db()
    return session


def test_a_new_session_is_named_after_the_ticket_it_is_linked_to_and_keeps_it(demo: Any) -> None:
    session = services.session_create(account=demo.bayside, user=demo.jordan)
    assert session.display_title == "New session"

    services.session_link_ticket(session=session, ticket_id=1180)
    assert (_fresh(session).title, session.display_title) == (OUTLOOK, OUTLOOK)

    services.session_link_ticket(session=session, ticket_id=None)
    assert _fresh(session).linked_ticket_id is None
    assert session.display_title == OUTLOOK


def test_a_session_started_on_a_ticket_keeps_that_title_when_unlinked(demo: Any) -> None:
    session = services.session_create(account=demo.bayside, user=demo.jordan, linked_ticket_id=1180)
    assert session.display_title == OUTLOOK

    services.session_link_ticket(session=session, ticket_id=None)

    assert _fresh(session).display_title == OUTLOOK


def test_linking_another_ticket_does_not_rename_the_session(demo: Any) -> None:
    session = services.session_create(account=demo.bayside, user=demo.jordan, linked_ticket_id=1180)

    services.session_link_ticket(session=session, ticket_id=1422)

    assert _fresh(session).linked_ticket_id == 1422
    assert session.display_title == OUTLOOK


def test_a_session_with_its_own_title_keeps_it_through_link_and_unlink(demo: Any) -> None:
    session = services.session_create(
        account=demo.bayside, user=demo.jordan, title="Printer on the 2nd floor"
    )

    services.session_link_ticket(session=session, ticket_id=1180)
    assert _fresh(session).display_title == "Printer on the 2nd floor"
    services.session_link_ticket(session=session, ticket_id=None)
    assert _fresh(session).display_title == "Printer on the 2nd floor"


# --- linking while something else changes the session ---------------------------------------------


@pytest.fixture
def meanwhile(monkeypatch: pytest.MonkeyPatch):
    """Run `change` while the link waits on ConnectWise, as another tab or request would."""

    def arrange(change: Any) -> None:
        real = services.ticket_selectors.ticket_get

        def slow_lookup(**kwargs: Any) -> Any:
            ticket = real(**kwargs)
            change()
            return ticket

        monkeypatch.setattr(services.ticket_selectors, "ticket_get", slow_lookup)

    return arrange


def test_a_title_given_while_linking_is_kept(demo: Any, meanwhile: Any) -> None:
    session = services.session_create(account=demo.bayside, user=demo.jordan)
    meanwhile(lambda: ChatSession.objects.filter(pk=session.pk).update(title="Printer on 2nd"))

    services.session_link_ticket(session=session, ticket_id=1180)

    assert (_fresh(session).title, session.linked_ticket_id) == ("Printer on 2nd", 1180)


def test_a_close_while_linking_is_not_undone(demo: Any, meanwhile: Any) -> None:
    session = services.session_create(account=demo.bayside, user=demo.jordan)
    meanwhile(lambda: services.session_close(session=ChatSession.objects.get(pk=session.pk)))

    with pytest.raises(services.SessionClosed):
        services.session_link_ticket(session=session, ticket_id=1180)

    assert _fresh(session).closed_at is not None
    assert session.linked_ticket_id is None


def test_a_closed_session_keeps_its_ticket(demo: Any) -> None:
    session = services.session_create(account=demo.bayside, user=demo.jordan, linked_ticket_id=1180)
    services.session_close(session=session)

    for ticket_id in (None, 1181):
        with pytest.raises(services.SessionClosed):
            services.session_link_ticket(session=session, ticket_id=ticket_id)

    assert _fresh(session).linked_ticket_id == 1180
