"""Guarding the one place where a user-supplied URL becomes a server-side request (SSRF)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return ip.is_global and not ip.is_multicast


def normalize_site_url(value: str) -> str:
    """`na.myconnectwise.net` -> `https://na.myconnectwise.net`; keeps an explicit scheme and port."""
    value = value.strip().rstrip("/")
    if "://" not in value:
        value = f"https://{value}"
    return value


def validate_site_url(value: str) -> str:
    """Returns the normalized site URL or raises ValidationError with a message to act on.

    HTTPS only, and the host must resolve to public addresses only — except hosts listed in
    PSA_INSECURE_HOSTS (the local simulator), which may use plain HTTP and loopback.
    """
    url = normalize_site_url(value)
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        raise ValidationError("Enter the ConnectWise site, e.g. na.myconnectwise.net.")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ValidationError(
            "Enter only the site host (e.g. na.myconnectwise.net), without a path or credentials."
        )
    if host in {h.lower() for h in settings.PSA_INSECURE_HOSTS}:
        if parts.scheme not in ("http", "https"):
            raise ValidationError("The site must use http or https.")
        return url
    if parts.scheme != "https":
        raise ValidationError("ConnectWise sites must use HTTPS.")
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise ValidationError(f"The host {host} could not be resolved.") from exc
    if not infos or not all(_is_public(str(info[4][0])) for info in infos):
        raise ValidationError(
            f"{host} points at a private, loopback or link-local address; ResolutionFlow only "
            "connects to public ConnectWise sites."
        )
    return url
