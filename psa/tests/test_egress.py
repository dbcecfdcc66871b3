"""What the ConnectWise client will and will not connect to, tried against real sockets on loopback."""

from __future__ import annotations

import json
import socket

import pytest

from psa.providers.base import PSAError, PSANotConfigured, PSAResponseError
from psa.providers.connectwise.client import ConnectWiseClient
from psa.providers.connectwise.config import ConnectWiseConfig
from psa.security import validate_site_url
from psa.tests.loopback import Seen, listening

SECRET = b'{"AccessKeyId": "internal-secret-ASIA"}'


def _client(site: str) -> ConnectWiseClient:
    config = ConnectWiseConfig(
        site_url=site,
        company_id="acme",
        public_key="pub",
        private_key="priv-key",
        client_id="client",
        max_retries=0,
    )
    return ConnectWiseClient(config, sleep=lambda _: None)


def _redirecting(seen: Seen) -> tuple[int, dict[str, str], bytes]:
    if seen.path.startswith("/internal"):
        return 200, {"Content-Type": "application/json"}, SECRET
    status = 307 if seen.method == "POST" else 302
    port = seen.headers["Host"].rsplit(":", 1)[1]
    return status, {"Location": f"http://127.0.0.1:{port}/internal/meta-data"}, SECRET


@pytest.fixture
def loopback_allowed(settings):
    settings.PSA_INSECURE_HOSTS = ["127.0.0.1"]


def test_a_302_is_an_error_that_never_quotes_where_it_pointed_and_is_never_followed(
    loopback_allowed,
):
    with listening(_redirecting) as site:
        client = _client(site.root)
        with pytest.raises(PSAResponseError) as info:
            client.get("/service/boards")

    message = info.value.message
    assert "redirect (HTTP 302)" in message
    # Where it pointed is for our logs only: the admin who typed the site does not learn it.
    assert "/internal/meta-data" not in message and "127.0.0.1" not in message
    assert "/internal/meta-data" in info.value.detail
    assert "internal-secret" not in message and "internal-secret" not in (info.value.detail or "")
    assert [s.path.split("?")[0] for s in site.seen] == ["/v4_6_release/apis/3.0/service/boards"]


def test_a_307_on_ticket_create_is_not_replayed(loopback_allowed):
    with listening(_redirecting) as site:
        client = _client(site.root)
        with pytest.raises(PSAResponseError, match=r"redirect \(HTTP 307\)"):
            client.post("/service/tickets", json={"summary": "Printer jammed"})

    assert [(s.method, s.path) for s in site.seen] == [
        ("POST", "/v4_6_release/apis/3.0/service/tickets")
    ]
    assert json.loads(site.seen[0].body) == {"summary": "Printer jammed"}


def test_dns_answer_changing_between_check_and_connect_is_refused_before_any_byte(
    settings, monkeypatch
):
    """Public when the site is saved, 127.0.0.1 when we connect (DNS rebinding)."""
    settings.PSA_INSECURE_HOSTS = []
    real_getaddrinfo = socket.getaddrinfo
    answers = iter(["52.1.2.3"])

    with listening() as internal:

        def rebinding(host, port, *args, **kwargs):
            if host != "cw.rebind.example":
                return real_getaddrinfo(host, port, *args, **kwargs)
            address = next(answers, "127.0.0.1")
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

        monkeypatch.setattr(socket, "getaddrinfo", rebinding)
        site = validate_site_url(f"https://cw.rebind.example:{internal.port}")  # the check passes
        client = _client(site)
        with pytest.raises(PSANotConfigured, match=r"refused to connect.*loopback"):
            client.get("/service/boards")

    assert internal.connections == 0
    assert internal.seen == []


def test_the_connection_goes_to_the_address_that_was_checked(settings, monkeypatch):
    """One lookup per connection: the socket is opened to the checked address itself, so no
    second resolution (which could answer differently) ever happens. The Host header keeps
    the site's name."""
    settings.PSA_INSECURE_HOSTS = ["sim.pinned.example"]
    real_getaddrinfo = socket.getaddrinfo
    lookups: list[str] = []

    def once_then_gone(host, port, *args, **kwargs):
        if host != "sim.pinned.example":
            return real_getaddrinfo(host, port, *args, **kwargs)
        lookups.append(host)
        if len(lookups) > 1:
            raise socket.gaierror("a second lookup happened")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    with listening() as sim:
        monkeypatch.setattr(socket, "getaddrinfo", once_then_gone)
        client = _client(f"http://sim.pinned.example:{sim.port}")
        assert client.get("/service/boards") == []

    assert lookups == ["sim.pinned.example"]
    assert sim.seen[0].headers["Host"] == f"sim.pinned.example:{sim.port}"


def test_a_site_not_listed_as_insecure_cannot_reach_loopback(settings):
    settings.PSA_INSECURE_HOSTS = []
    with listening() as internal:
        client = _client(internal.root)
        with pytest.raises(PSANotConfigured, match="loopback"):
            client.get("/service/boards")

    assert internal.connections == 0


def _self_signed(tmp_path, name: str) -> tuple[str, str]:
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_path), str(key_path)


@pytest.mark.parametrize(
    ("host", "verified"), [("cw.tls.example", True), ("other.tls.example", False)]
)
def test_tls_still_verifies_the_host_name_while_connecting_to_the_checked_address(
    settings, monkeypatch, tmp_path, host, verified
):
    import ssl

    from psa.providers.base import PSAUnavailable

    settings.PSA_INSECURE_HOSTS = ["cw.tls.example", "other.tls.example"]
    cert, key = _self_signed(tmp_path, "cw.tls.example")
    real_getaddrinfo = socket.getaddrinfo

    def to_loopback(name, port, *args, **kwargs):
        if name.endswith(".tls.example"):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real_getaddrinfo(name, port, *args, **kwargs)

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with listening(tls=context) as sim:
        monkeypatch.setattr(socket, "getaddrinfo", to_loopback)
        client = _client(f"https://{host}:{sim.port}")
        client.session.verify = cert
        if verified:
            assert client.get("/service/boards") == []
        else:
            with pytest.raises(PSAUnavailable):
                client.get("/service/boards")
            assert sim.seen == []


def _chatty_json(seen: Seen) -> tuple[int, dict[str, str], bytes]:
    """Some other server's JSON error (not ConnectWise's shape) at the site address."""
    body = json.dumps({"message": "port 6379 open: redis 7.2 internal-secret"}).encode()
    return 401, {"Content-Type": "application/json"}, body


def _connectwise_json(seen: Seen) -> tuple[int, dict[str, str], bytes]:
    body = json.dumps({"code": "Unauthorized", "message": "Invalid company id."}).encode()
    return 401, {"Content-Type": "application/json"}, body


def test_only_connectwise_shaped_error_text_is_quoted(loopback_allowed):
    with listening(_chatty_json) as site, pytest.raises(PSAError) as other:
        _client(site.root).get("/service/boards")
    assert "6379" not in other.value.message and "internal-secret" not in other.value.message

    with listening(_connectwise_json) as site, pytest.raises(PSAError) as cw:
        _client(site.root).get("/service/boards")
    assert "ConnectWise said: Invalid company id." in cw.value.message
