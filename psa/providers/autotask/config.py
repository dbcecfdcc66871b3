"""How to reach one Autotask tenant, and why a given set of settings never could."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

# Autotask's one public host for zone discovery; every tenant's REST base is found through it.
DEFAULT_DISCOVERY_ROOT = "https://webservices.autotask.net"


@dataclass(frozen=True, slots=True)
class AutotaskConfig:
    """An API-only user plus its tracking identifier (`integration_code`).

    `zone_url` pins the REST base (`https://webservices5.autotask.net/atservicesrest/`) for
    private zones, skipping discovery. `impersonation_resource_id` is the resource a write is
    attributed to when the caller names none (e.g. an engineer without a mapping signs nothing).
    """

    username: str
    secret: str
    integration_code: str
    zone_url: str = ""
    discovery_root: str = DEFAULT_DISCOVERY_ROOT
    impersonation_resource_id: int | None = None
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    max_retries: int = 2
    retry_after_cap: float = 10.0
    # Autotask's thread limit: 3 requests in flight per endpoint per tracking identifier.
    max_concurrent_per_endpoint: int = 3


def api_root_of(zone_url: str) -> str:
    """`https://webservicesN.autotask.net/atservicesrest/` -> `.../atservicesrest/v1.0`."""
    return zone_url.rstrip("/") + "/v1.0"


def config_problem(config: AutotaskConfig) -> str:
    """Why these settings can never work (checked before any call), or ""."""
    for label, url in (("zone URL", config.zone_url), ("discovery URL", config.discovery_root)):
        if not url:
            continue
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return f"the {label} {url!r} is not a web address such as https://webservices.autotask.net."
    for label, value in (
        ("user name", config.username),
        ("secret", config.secret),
        ("API integration code", config.integration_code),
    ):
        if not value:
            return f"the {label} is missing."
        # They travel as HTTP headers: a non-ASCII character or a line break cannot be sent.
        if not value.isascii() or any(ch in value for ch in "\r\n"):
            return f"the {label} contains characters Autotask cannot accept."
    if config.impersonation_resource_id is not None and config.impersonation_resource_id <= 0:
        return "the impersonation resource id must be a positive Autotask resource id."
    if config.max_concurrent_per_endpoint < 1:
        return "at least one concurrent call per endpoint is needed."
    return ""
