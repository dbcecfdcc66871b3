"""Small helpers the vocabularies share."""

from __future__ import annotations

from collections.abc import Iterable


def join_names(names: Iterable[str]) -> str:
    """'A', 'A or B', 'A, B or C' (duplicates dropped, order kept)."""
    items = list(dict.fromkeys(names))
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]
