import ipaddress
import socket

import pytest
from django.core.exceptions import ValidationError

from psa.security import EgressRefused, address_refusal, resolve_checked, validate_site_url


def _resolve_to(monkeypatch, *addresses: str) -> None:
    def fake_getaddrinfo(host, port, *args, **kwargs):
        return [
            (
                socket.AF_INET6 if ":" in a else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (a, port, 0, 0) if ":" in a else (a, port),
            )
            for a in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)


# (address, why it is refused — "" for public addresses that must stay reachable)
ADDRESSES = [
    ("52.1.2.3", ""),
    ("8.8.8.8", ""),
    ("2606:4700::6810:84e5", ""),
    ("64:ff9b::808:808", ""),  # NAT64 of a public IPv4 (DNS64 networks): allowed
    ("2002:808:808::1", ""),  # 6to4 of a public IPv4
    ("::ffff:8.8.8.8", ""),
    ("127.0.0.1", "loopback"),
    ("127.8.9.10", "loopback"),
    ("::1", "loopback"),
    ("0.0.0.0", "unspecified"),
    ("::", "unspecified"),
    ("10.0.0.5", "private"),
    ("172.16.3.4", "private"),
    ("192.168.1.1", "private"),
    ("fd00::1", "private"),
    ("169.254.1.1", "link-local"),
    ("fe80::1", "link-local"),
    ("100.64.0.1", "carrier-grade NAT"),
    ("100.127.255.254", "carrier-grade NAT"),
    ("224.0.0.1", "multicast"),
    ("224.0.1.1", "multicast"),  # Python calls this one global
    ("ff02::1", "multicast"),
    ("ff0e::1", "multicast"),
    # Refused under whichever name Python's tables give them ("*": any reason).
    ("240.0.0.1", "*"),
    ("255.255.255.255", "*"),
    ("192.0.2.1", "*"),  # documentation range
    ("2001:db8::1", "*"),
    ("198.18.0.1", "*"),  # benchmarking range
    ("fec0::1", "site-local"),
    ("169.254.169.254", "cloud metadata"),
    ("fd00:ec2::254", "cloud metadata"),
    ("100.100.100.200", "cloud metadata"),
    ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
    ("64:ff9b::7f00:1", "loopback"),  # NAT64 of 127.0.0.1
    ("64:ff9b::a9fe:a9fe", "cloud metadata"),  # NAT64 of 169.254.169.254
    ("64:ff9b:1::808:808", "local NAT64"),
    ("2002:a00:1::1", "private"),  # 6to4 of 10.0.0.1
    ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
    ("2002:a9fe:a9fe::", "cloud metadata"),
    ("::ffff:10.0.0.1", "private"),  # IPv4-mapped
    ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:169.254.169.254", "cloud metadata"),
    ("::a00:1", "private"),  # IPv4-compatible 10.0.0.1
    ("::7f00:1", "loopback"),
    ("::a9fe:a9fe", "cloud metadata"),
    ("::6440:1", "carrier-grade NAT"),  # IPv4-compatible 100.64.0.1
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"),
]


@pytest.mark.parametrize(("address", "reason"), ADDRESSES)
def test_address_check(address: str, reason: str) -> None:
    refusal = address_refusal(ipaddress.ip_address(address))
    if reason == "*":
        assert refusal
    elif reason:
        assert reason in refusal
    else:
        assert refusal == ""


def test_public_https_site_is_accepted_and_normalized(monkeypatch, settings) -> None:
    settings.PSA_INSECURE_HOSTS = []
    _resolve_to(monkeypatch, "52.1.2.3")

    assert validate_site_url("na.myconnectwise.net/") == "https://na.myconnectwise.net"


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.0.0.5", "192.168.1.1", "169.254.169.254", "::1", "fd00::1"]
)
def test_hosts_resolving_to_internal_addresses_are_refused(monkeypatch, settings, address) -> None:
    settings.PSA_INSECURE_HOSTS = []
    _resolve_to(monkeypatch, address)

    with pytest.raises(ValidationError, match="only connects to public PSA sites"):
        validate_site_url("https://evil.example.com")


def test_one_internal_answer_among_public_ones_is_enough_to_refuse(monkeypatch, settings) -> None:
    settings.PSA_INSECURE_HOSTS = []
    _resolve_to(monkeypatch, "52.1.2.3", "2606:4700::1", "10.1.2.3")

    with pytest.raises(EgressRefused, match="private address"):
        resolve_checked("mixed.example.com", 443)


def test_plain_http_is_refused_for_real_sites(settings) -> None:
    settings.PSA_INSECURE_HOSTS = []
    with pytest.raises(ValidationError, match="HTTPS"):
        validate_site_url("http://na.myconnectwise.net")


def test_paths_and_credentials_in_the_site_are_refused(settings) -> None:
    settings.PSA_INSECURE_HOSTS = []
    with pytest.raises(ValidationError, match="only the site host"):
        validate_site_url("https://user:pw@na.myconnectwise.net/v4_6_release")


def test_listed_insecure_hosts_allow_the_local_simulator(settings) -> None:
    settings.PSA_INSECURE_HOSTS = ["127.0.0.1"]
    assert validate_site_url("http://127.0.0.1:8765") == "http://127.0.0.1:8765"


def test_listed_insecure_hosts_reach_loopback_only(monkeypatch, settings) -> None:
    settings.PSA_INSECURE_HOSTS = ["sim.local"]
    _resolve_to(monkeypatch, "169.254.169.254")

    with pytest.raises(ValidationError, match="cloud metadata"):
        validate_site_url("http://sim.local:8765")


def test_loopback_is_refused_when_not_listed(settings) -> None:
    settings.PSA_INSECURE_HOSTS = []
    with pytest.raises(ValidationError):
        validate_site_url("http://127.0.0.1:8765")
