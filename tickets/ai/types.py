"""Value types of the AI Quick Create parser.

`Extraction` is what an engine (offline or Anthropic) pulls out of a prompt: names and words as the
dispatcher wrote them, never ids. `ParseResult` is what the resolver makes of it against the
account's reference data: ids that exist in that data, or None with a reason.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from psa.providers.base import PSAConfiguration, PSAContact

EngineName = Literal["offline", "anthropic"]

# The required-but-unresolvable fields, in the order the spec lists them.
REQUIRED_FIELDS: tuple[str, ...] = ("company_id", "board_id", "priority_id", "status_id")


@dataclass(frozen=True, slots=True)
class Extraction:
    """Engine-neutral output: text spans and words, resolved to ids only by the resolver."""

    summary: str | None = None
    description: str | None = None
    company_text: str | None = None  # the client company as written ("Acme", "A&B Dental")
    board_text: str | None = None  # a board named or aliased ("network ops", "tier 3")
    implied_board_text: str | None = None  # work that implies a board ("VPN tunnel", "new hire")
    priority_text: str | None = None  # urgency words as written, negation included ("not urgent")
    status_text: str | None = None  # a status only when stated ("waiting on client")
    assignee_text: str | None = None  # a person's name as written, or "me"
    assign_to_me: bool = False  # "assign to me", "I'll take it", "take it myself"
    # Looked up in the tenant (one wave): people the problem is about, devices it names.
    contact_names: tuple[str, ...] = ()  # "Grace Wong", or a first name next to a company
    device_names: tuple[str, ...] = ()  # "NORTH-NAS01"
    # A pasted email's sender (read from its headers, never a model's guess) and the company
    # its signature names: the resolver matches them against the tenant (`tickets.ai.sender`).
    sender_name: str | None = None
    sender_address: str | None = None
    signature_company_text: str | None = None
    engine: EngineName = "offline"


@dataclass(frozen=True, slots=True)
class ParseMeta:
    """How a parse went: for the log and the API response (cost and latency per parse)."""

    engine: EngineName = "offline"
    model: str = ""
    latency_ms: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    model_calls: int = 0  # Messages API round trips (tool use adds one per round)
    tool_calls: int = 0
    psa_waves: int = 0  # rounds of parallel PSA lookups made for this parse


@dataclass(frozen=True, slots=True)
class DuplicateCandidate:
    id: int
    summary: str
    status_name: str


@dataclass(frozen=True, slots=True)
class ParseResult:
    summary: str | None
    company_id: int | None
    board_id: int | None
    priority_id: int | None
    status_id: int | None
    assigned_member_id: int | None
    description: str | None
    missing_fields: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    possible_duplicates: tuple[DuplicateCandidate, ...] = ()
    engine: EngineName = "offline"
    contact: PSAContact | None = None
    configurations: tuple[PSAConfiguration, ...] = ()
    meta: ParseMeta = field(default_factory=ParseMeta, compare=False)  # timings differ per run

    @property
    def contact_id(self) -> int | None:
        return self.contact.id if self.contact else None

    @property
    def contact_name(self) -> str | None:
        return self.contact.name if self.contact else None

    @property
    def configuration_ids(self) -> tuple[int, ...]:
        return tuple(c.id for c in self.configurations)

    def to_dict(self) -> dict[str, Any]:
        """The spec's response shape (lists, not tuples), plus `possible_duplicates`, the
        resolved contact and configurations (ids and what to show), and `meta`."""
        data = {
            name: getattr(self, name)
            for name in (
                "summary",
                "company_id",
                "board_id",
                "priority_id",
                "status_id",
                "assigned_member_id",
                "description",
            )
        }
        data["missing_fields"] = list(self.missing_fields)
        data["warnings"] = list(self.warnings)
        data["possible_duplicates"] = [asdict(d) for d in self.possible_duplicates]
        data["contact_id"] = self.contact_id
        data["contact_name"] = self.contact_name
        data["configuration_ids"] = list(self.configuration_ids)
        data["configurations"] = [
            {"id": c.id, "name": c.name, "type_name": c.type_name} for c in self.configurations
        ]
        data["meta"] = asdict(self.meta)
        return data
