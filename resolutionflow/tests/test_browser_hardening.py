"""Browser hardening: the CSP on every page, templates that need nothing it forbids, vendored docs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from psa.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in header.split(";")
        if part.strip()
    }


def test_public_and_signed_in_pages_carry_a_strict_csp(client) -> None:
    login = client.get("/accounts/login/")
    client.force_login(UserFactory())
    dashboard = client.get("/")
    for response in (login, dashboard):
        policy = _policy(response)
        assert policy["default-src"] == "'self'"
        assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
        assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
        assert policy["base-uri"] == "'self'" and policy["form-action"] == "'self'"
        assert "unsafe" not in response.headers["Content-Security-Policy"]


def test_templates_use_nothing_the_csp_blocks() -> None:
    forbidden = re.compile(
        r"<script(?![^>]*\bsrc=)|<style|\son[a-z]+=|hx-on|js:|\sstyle=|hx-trigger=\"[^\"]*\["
    )
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for match in forbidden.finditer(path.read_text())
    ]
    assert offenders == []


def test_htmx_runs_without_eval_and_without_injected_styles(client) -> None:
    client.force_login(UserFactory())
    page = client.get("/").content.decode()
    assert '"allowEval": false' in page and '"includeIndicatorStyles": false' in page


def test_api_docs_load_swagger_ui_from_our_static_files(client) -> None:
    client.force_login(UserFactory())
    page = client.get("/api/docs/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith("/") for s in sources), sources  # nothing from a CDN
    assert "<style" not in page and not re.search(r"<script(?![^>]*\bsrc=)", page)
    bundle = next(s for s in sources if s.endswith("swagger-ui-bundle.js"))
    assert client.get(bundle).status_code == 200
    init = next(s for s in sources if "script" in s and "api/docs" in s)
    response = client.get(init)
    assert response.status_code == 200 and "SwaggerUIBundle" in response.content.decode()
