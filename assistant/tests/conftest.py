from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

SECOND_PROBLEM = (
    "Ben still can't get Outlook to sync after a restart. Oh, and the printer on the 2nd floor "
    "is offline too."
)


class _AutocommitTransaction:
    """`django.db.transaction` as the services see it outside a test transaction: on_commit
    callbacks run when the atomic block that registered them is done."""

    atomic = staticmethod(transaction.atomic)

    @staticmethod
    def on_commit(func: Any, using: Any = None, robust: bool = False) -> None:
        func()


@pytest.fixture
def replies_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The embedded default: the (eager) reply task runs as soon as the message is saved.

    A test's own transaction never commits, so without this the reply would stay pending until
    `django_capture_on_commit_callbacks` ran it — after the view had already rendered.
    """
    from assistant import services

    monkeypatch.setattr(services, "transaction", _AutocommitTransaction)


@pytest.fixture
def session(demo: Any) -> Any:
    """Jordan's session linked to ticket #1180."""
    from assistant import services

    return services.session_create(account=demo.bayside, user=demo.jordan, linked_ticket_id=1180)


@pytest.fixture
def with_action(session: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """The session after a message with a second problem: one spin-off in its TaskLane."""
    from assistant import services
    from assistant.models import SuggestedAction

    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(session=session, content=SECOND_PROBLEM)
    return SuggestedAction.objects.get(session=session)
