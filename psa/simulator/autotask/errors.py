"""Autotask-shaped refusals: ``{"errors": ["..."]}``, HTTP 500 for validation and business rules.

README "Errors": Autotask answers validation and business errors with ``{"errors": [...]}``,
often with HTTP 500 rather than 4xx [C]; deleting a missing record is 500 "No matching records
found" [C]. Authentication failures are 401 with an empty body (``Unauthorized``) [U].
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class AtError(Exception):
    status: int
    messages: list[str]
    headers: dict[str, str] = field(default_factory=dict)

    def body(self) -> dict[str, list[str]] | None:
        return {"errors": list(self.messages)}


def invalid(*messages: str) -> AtError:
    return AtError(500, list(messages))


class Unauthorized(AtError):
    """401 with an empty body: which credential was wrong is not said."""

    def __init__(self) -> None:
        super().__init__(401, [])

    def body(self) -> None:
        return None
