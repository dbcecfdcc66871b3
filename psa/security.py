"""Guarding the one place where a user-supplied URL becomes a server-side request (SSRF).

Two checks share one rule (`address_refusal`): saving a site (`validate_site_url`, so the admin
hears at once), and every connection a PSA client opens (`resolve_checked`, called by
the transport in `psa.providers.transport` at connect time, so a DNS answer that
changes after the save — DNS rebinding — still cannot reach an internal address).
"""

from __future__ import annotations

import hashlib
import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
AddrInfo = tuple[
    socket.AddressFamily, socket.SocketKind, int, str, tuple[str, int] | tuple[str, int, int, int]
]

# Named so the refusal says what the address is; all of them are also non-global ranges.
_METADATA = {
    ipaddress.ip_address("169.254.169.254"): "a cloud metadata address",  # AWS, GCP, Azure
    ipaddress.ip_address("fd00:ec2::254"): "a cloud metadata address",  # AWS over IPv6
    ipaddress.ip_address("100.100.100.200"): "a cloud metadata address",  # Alibaba Cloud
}
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64_WELL_KNOWN = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052: embeds a public IPv4
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215: a local translator
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")
_TEREDO = ipaddress.ip_network("2001::/32")
_V4_COMPATIBLE = ipaddress.ip_network("::/96")


class EgressRefused(ValueError):
    """A connection to the PSA was refused before any byte was sent.

    A ValueError, not an OSError, so urllib3 neither retries it nor wraps it as a network failure:
    it reaches the client's funnel as itself.
    """


def address_refusal(ip: IPAddress) -> str:
    """Why ResolutionFlow must not connect to `ip` ("" when it is a public unicast address).

    Python 3.11's `is_global` alone accepts NAT64, 6to4 and IPv4-compatible forms of private
    addresses, so every IPv6 form that carries an IPv4 address is judged by that IPv4 address.
    """
    if ip in _METADATA:
        return _METADATA[ip]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return address_refusal(ip.ipv4_mapped)
        if ip in _NAT64_LOCAL:
            return "a local NAT64 address"
        if ip in _NAT64_WELL_KNOWN:
            return address_refusal(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if ip in _SIX_TO_FOUR:
            return address_refusal(ipaddress.IPv4Address((int(ip) >> 80) & 0xFFFFFFFF))
        if ip in _TEREDO:
            return "a Teredo tunnel address"
        if ip in _V4_COMPATIBLE:
            if ip.is_loopback:
                return "a loopback address"
            if ip.is_unspecified:
                return "an unspecified address"
            return address_refusal(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if ip.is_site_local:
            return "a site-local address"
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return "a carrier-grade NAT address"
    if ip.is_private:
        return "a private address"
    if ip.is_reserved or not ip.is_global:
        return "a reserved address"
    return ""


def _insecure_hosts() -> set[str]:
    return {h.strip().lower().strip("[]") for h in settings.PSA_INSECURE_HOSTS}


def is_insecure_host(host: str) -> bool:
    """Whether `host` is listed in PSA_INSECURE_HOSTS (the local simulator): plain HTTP allowed."""
    return host.lower().strip("[]") in _insecure_hosts()


def _parse(address: str) -> IPAddress:
    return ipaddress.ip_address(address.split("%", 1)[0])


def resolve_checked(host: str, port: int) -> list[AddrInfo]:
    """Resolve `host` once and return its addresses, all of them checked.

    Raises EgressRefused when the name does not resolve or when ANY address is refused (a name
    that mixes public and internal answers is how rebinding is staged). Hosts listed in
    PSA_INSECURE_HOSTS may resolve to loopback addresses only — the simulator on this machine.
    """
    host = host.strip("[]")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise EgressRefused(f"The host {host} could not be resolved.") from exc
    if not infos:
        raise EgressRefused(f"The host {host} could not be resolved.")
    insecure = is_insecure_host(host)
    allowed_ports = set(getattr(settings, "PSA_INSECURE_PORTS", []) or [])
    if insecure and allowed_ports and port not in allowed_ports:
        # Refused before connecting: whether that port is open never shows in any answer.
        raise EgressRefused(
            f"{host} is allowed for the local simulator on port "
            f"{', '.join(str(p) for p in sorted(allowed_ports))} only."
        )
    for info in infos:
        ip = _parse(str(info[4][0]))
        if insecure and ip.is_loopback:
            continue
        reason = address_refusal(ip)
        if reason:
            raise EgressRefused(
                f"{host} points at {reason} ({ip}); ResolutionFlow only connects to public "
                "PSA sites."
            )
    return infos  # type: ignore[return-value]


def normalize_site_url(value: str) -> str:
    """`psa.example.com` -> `https://psa.example.com`; keeps an explicit scheme and port."""
    value = value.strip().rstrip("/")
    if "://" not in value:
        value = f"https://{value}"
    return value


def validate_site_url(value: str) -> str:
    """Returns the normalized site URL or raises ValidationError with a message to act on.

    HTTPS only, and the host must resolve to public addresses only — except hosts listed in
    PSA_INSECURE_HOSTS (the local simulator), which may use plain HTTP and loopback. The same
    check runs again on every connection (see the module docstring); this one is for the form.
    """
    url = normalize_site_url(value)
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        raise ValidationError("Enter the PSA site's host name (the field's help shows one).")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ValidationError("Enter only the site host, without a path or credentials.")
    if is_insecure_host(host):
        if parts.scheme not in ("http", "https"):
            raise ValidationError("The site must use http or https.")
    elif parts.scheme != "https":
        raise ValidationError("PSA sites must use HTTPS.")
    try:
        resolve_checked(host, parts.port or (443 if parts.scheme == "https" else 80))
    except EgressRefused as exc:
        raise ValidationError(str(exc)) from exc
    return url


# --- which tenant queued work belongs to ------------------------------------------------------------


def connection_target(connection: Any) -> str:
    """Which PSA tenant a connection writes to (`key_identity`: site, company, user...), as a short
    digest. Queued work records it when accepted and is never sent once it changes: a connection
    re-pointed at another tenant must not receive the first tenant's notes or tickets."""
    if connection is None:
        return ""
    return hashlib.sha256(connection.key_identity.encode()).hexdigest()[:40]


def account_connection_target(account_id: int | None) -> str:
    """`connection_target` of the account's active connection ("" when it has none)."""
    from .models import PSAConnection

    if account_id is None:
        return ""
    return connection_target(
        PSAConnection.objects.filter(account_id=account_id, is_active=True).first()
    )
