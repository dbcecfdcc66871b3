"""deploy/: the app sits behind exactly one trusted proxy and cannot be reached around it (else a
client could pick its own address for the sign-in lockout through X-Forwarded-For)."""

from __future__ import annotations

from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_only_the_balancer_is_published() -> None:
    services = _compose()["services"]
    published = {name for name, spec in services.items() if spec.get("ports")}
    assert published == {"balancer"}
    assert "8000" in [str(port) for port in services["web"].get("expose", [])]


def test_the_proxy_count_matches_the_one_balancer() -> None:
    web = _compose()["services"]["web"]
    assert web["environment"]["TRUSTED_PROXY_COUNT"] == "1"
    caddyfile = (DEPLOY / "Caddyfile").read_text()
    assert "dynamic a web 8000" in caddyfile
    # Caddy trusts no proxy in front of it, so it overwrites a client's X-Forwarded-For.
    assert "trusted_proxies" not in caddyfile
