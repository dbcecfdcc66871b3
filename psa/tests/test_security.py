import socket

import pytest
from django.core.exceptions import ValidationError

from psa.security import validate_site_url


def _resolve_to(monkeypatch, address: str) -> None:
    def fake_getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)


def test_public_https_site_is_accepted_and_normalized(monkeypatch, settings) -> None:
    settings.PSA_INSECURE_HOSTS = []
    _resolve_to(monkeypatch, "52.1.2.3")

    assert validate_site_url("na.myconnectwise.net/") == "https://na.myconnectwise.net"


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.0.0.5", "192.168.1.1", "169.254.169.254", "::1", "fd00::1"]
)
def test_hosts_resolving_to_private_addresses_are_refused(monkeypatch, settings, address) -> None:
    settings.PSA_INSECURE_HOSTS = []
    _resolve_to(monkeypatch, address)

    with pytest.raises(ValidationError, match="private, loopback or link-local"):
        validate_site_url("https://evil.example.com")


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


def test_loopback_is_refused_when_not_listed(settings) -> None:
    settings.PSA_INSECURE_HOSTS = []
    with pytest.raises(ValidationError):
        validate_site_url("http://127.0.0.1:8765")
