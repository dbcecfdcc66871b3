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
