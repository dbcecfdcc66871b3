"""How to reach one ConnectWise tenant, and why a given set of settings never could."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class ConnectWiseConfig:
    """How to reach one ConnectWise tenant. `site_url` may omit the scheme (https is assumed)."""

    site_url: str
    company_id: str
    public_key: str
    private_key: str = field(repr=False)
    client_id: str
    codebase: str = "v4_6_release/"
    api_version: str = "2025.8"
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    max_retries: int = 2
    retry_after_cap: float = 10.0

    @property
    def site_root(self) -> str:
        """`scheme://host[:port]` of the site, without a trailing slash."""
        raw = self.site_url.strip()
        if "://" not in raw:
            raw = f"https://{raw}"
        parts = urlsplit(raw)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def codebase_path(self) -> str:
        """The codebase as a path segment with one trailing slash (`v4_6_release/`)."""
        cb = self.codebase.strip("/")
        return f"{cb}/" if cb else ""

    @property
    def api_root(self) -> str:
        return f"{self.site_root}/{self.codebase_path}apis/3.0"


def config_problem(config: ConnectWiseConfig) -> str:
    """Why these settings can never work (checked before any call), or ""."""
    parts = urlsplit(config.site_root)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{config.site_url!r} is not a web address such as https://na.myconnectwise.net."
    for label, value in (
        ("company id", config.company_id),
        ("public key", config.public_key),
        ("private key", config.private_key),
        ("clientId", config.client_id),
    ):
        if not value.isascii() or any(ch in value for ch in "\r\n"):
            return f"the {label} contains characters ConnectWise cannot accept."
    return ""
