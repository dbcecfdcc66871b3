"""Configurations: devices named in the prompt ("NORTH-NAS01"), found in the tenant by exact name.

A device names its company and is attached to the ticket; its type informs the board when the
prompt names none: a firewall, switch, router or access point is network work; a server or NAS
with an alert ("offline", "beeping", "backup failed") is a monitoring alert. A device of another
company than the one named is not attached (warning); devices of two companies and no company
named -> no company, a warning naming both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from psa.providers.base import PSACompany, PSAConfiguration

from ..normalize import compact, fold
from .common import join_names

# Candidate device names in free text: hyphenated tokens with a digit ("NORTH-NAS01", "ws-12b")
# or capitals followed by digits ("SRV01").
DEVICE_TOKEN_RE = re.compile(
    r"(?<![\w-])(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)+(?![\w-])"
    r"|(?<![\w-])[A-Z]{2,}[0-9]{1,4}[A-Z]?(?![\w-])"
)
_NOT_DEVICES = re.compile(r"^(?:p[1-4]|m365|o365|win(?:dows)?-?\d+|\d+-\d+|covid-19)$", re.I)

NETWORK_TYPES = ("firewall", "switch", "router", "access point", "wireless", "gateway", "wap")
ALERTING_TYPES = ("server", "nas", "storage", "hypervisor", "host", "san")
_ALERT_WORDS = re.compile(
    r"\b(?:offline|down|beep\w*|alarm\w*|alert\w*|unreachable|not responding|unresponsive|"
    r"disk|drive|raid|degraded|backup\w*|crash\w*|rebooted|overheat\w*|fan|power|ups|"
    r"cert\w*|expir\w*)\b"
)


def device_tokens(text: str) -> list[str]:
    """Device-like tokens in `text`, in order, without repeats."""
    found = [m.group() for m in DEVICE_TOKEN_RE.finditer(text)]
    return list(dict.fromkeys(t for t in found if not _NOT_DEVICES.match(t)))


def configurations_named(
    names: Sequence[str], found: Sequence[PSAConfiguration]
) -> list[PSAConfiguration]:
    keys = {compact(n) for n in names}
    chosen = [
        c
        for c in found
        if c.active and (compact(c.name) in keys or compact(c.device_identifier or "") in keys)
    ]
    return list({c.id: c for c in chosen}.values())


@dataclass(frozen=True)
class ConfigurationChoice:
    configurations: tuple[PSAConfiguration, ...] = ()
    company_id: int | None = None  # the devices' one company, when they settle it
    warning: str | None = None
    ambiguous_company_ids: tuple[int, ...] = ()


def choose_configurations(
    names: Sequence[str],
    found: Sequence[PSAConfiguration],
    *,
    company_id: int | None,
    companies: dict[int, PSACompany],
) -> ConfigurationChoice:
    named = configurations_named(names, found)
    if not named:
        return ConfigurationChoice()

    def company_name(cid: int | None) -> str:
        return companies[cid].name if cid in companies else f"company {cid}"

    if company_id is not None:
        here = tuple(c for c in named if c.company_id == company_id)
        away = [c for c in named if c.company_id != company_id]
        warning = None
        if away:
            warning = (
                f"{join_names(c.name for c in away)} belongs to "
                f"{join_names(company_name(c.company_id) for c in away)}, not "
                f"{company_name(company_id)}; not attached"
            )
        return ConfigurationChoice(here, warning=warning)
    company_ids = tuple(dict.fromkeys(c.company_id for c in named if c.company_id))
    if len(company_ids) == 1:
        return ConfigurationChoice(tuple(named), company_ids[0])
    where = join_names(company_name(cid) for cid in company_ids)
    return ConfigurationChoice(
        warning=f"{join_names(c.name for c in named)} belong to {where}; pick the company",
        ambiguous_company_ids=company_ids,
    )


def board_kind_for_configurations(
    configurations: Sequence[PSAConfiguration], prompt: str
) -> str | None:
    """The kind of board the devices' types point at (see the module docstring), or None."""
    types = [fold(c.type_name) for c in configurations]
    if any(any(t in kind for t in NETWORK_TYPES) for kind in types):
        return "network"
    alerting = any(any(re.search(rf"\b{t}\b", kind) for t in ALERTING_TYPES) for kind in types)
    return "monitoring" if alerting and _ALERT_WORDS.search(fold(prompt)) else None
