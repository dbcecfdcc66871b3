"""Reading what ConnectWise answered: list shapes checked, 404s re-worded for the caller."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from psa.providers.base import PSANotFound, PSAResponseError


def nothing() -> None:
    """A call slot in a parallel wave that has nothing to fetch."""
    return None


def rows_of(data: Any, what: str) -> list[dict[str, Any]]:
    """`data` as a list of records, or a `PSAResponseError` naming `what` was unreadable."""
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise PSAResponseError(
            f"ConnectWise sent {what} in a shape we could not read.", detail=repr(data)[:300]
        )
    return data


@contextmanager
def not_found_as(message: str) -> Iterator[None]:
    """Re-word ConnectWise's 404 into what the caller was looking for."""
    try:
        yield
    except PSANotFound as exc:
        raise PSANotFound(message, detail=exc.detail or exc.message) from exc


def ticket_not_found(ticket_id: int) -> str:
    return f"Ticket #{ticket_id} was not found in ConnectWise."
