from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction


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
