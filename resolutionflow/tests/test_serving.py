"""Serving: hashed, compressed static files through WhiteNoise, and the gunicorn command line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import Client, RequestFactory, override_settings

from resolutionflow.management.commands.rundemo import GUNICORN_CONF, web_command

HASHED = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "resolutionflow.staticfiles.HashedCompressedStaticFilesStorage"},
}


@pytest.fixture(scope="module")
def collected_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """`make run`'s static setup, once: collectstatic into a fresh root with the hashed storage
    (our own static/ only: the admin's files add nothing but minutes of compression)."""
    root = tmp_path_factory.mktemp("static")
    with override_settings(
        STATIC_ROOT=root,
        STORAGES=HASHED,
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
    yield root


@pytest.fixture
def collected(settings: Any, collected_root: Path) -> Path:
    settings.STATIC_ROOT = collected_root
    settings.STORAGES = HASHED
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    settings.DEBUG = True  # the demo keeps DEBUG on; URLs must be hashed all the same
    return collected_root


@pytest.mark.django_db
def test_pages_link_hashed_static_files_served_with_far_future_caching(collected: Path) -> None:
    client = Client()  # a new handler: WhiteNoise indexes the freshly collected root
    page = client.get("/accounts/login/").content.decode()
    match = re.search(r'href="(/static/css/app\.([0-9a-f]{12})\.css)"', page)
    assert match, page[:600]
    url = match.group(1)

    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"]
    max_age = int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1))
    assert max_age >= 365 * 24 * 3600
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    body = b"".join(response.streaming_content)
    assert 0 < len(body) < (collected / "css" / "app.css").stat().st_size

    brotli = client.get(url, HTTP_ACCEPT_ENCODING="br, gzip")
    assert brotli["Content-Encoding"] == "br"


@pytest.mark.django_db
def test_every_es_module_is_served_hashed_as_javascript_cached_for_a_year(collected: Path) -> None:
    """The page loads one entry module; the modules it imports are named by relative imports,
    which collectstatic must rewrite to hashed names too, or a module cached for a year would
    load whatever version of its siblings the server has now."""
    client = Client()
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    page = render_to_string("base.html", request=request)
    entry = re.search(r'<script src="(/static/js/main\.[0-9a-f]{12}\.js)" type="module">', page)
    assert entry, page[:600]
    pending, seen = [entry.group(1)], set()
    while pending:
        url = pending.pop()
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/javascript"), url
        assert "immutable" in response["Cache-Control"], url
        body = b"".join(response.streaming_content).decode()
        imports = re.findall(r"""(?:import|from)\s*["']\./([^"']+)["']""", body)
        for name in imports:
            assert re.fullmatch(r"[a-z-]+\.[0-9a-f]{12}\.js", name), f"{url} imports {name}"
            pending += [f"/static/js/{name}"] if f"/static/js/{name}" not in seen else []
    sources = {p.name for p in (collected / "js").glob("*.js") if p.name.count(".") == 1}
    assert len(seen) == len(sources) == len(list(Path("static/js").glob("*.js")))


@pytest.mark.django_db
def test_unhashed_names_are_not_cached_forever(collected: Path) -> None:
    response = Client().get("/static/css/app.css")
    assert response.status_code == 200
    assert "immutable" not in response.get("Cache-Control", "")


def test_make_run_serves_through_gunicorn_and_make_dev_through_runserver() -> None:
    run = web_command(host="127.0.0.1", port=8000, dev=False)
    assert run[1:3] == ["-m", "gunicorn"]
    assert run[run.index("--config") + 1] == str(GUNICORN_CONF)
    assert run[run.index("--bind") + 1] == "127.0.0.1:8000"
    dev = web_command(host="127.0.0.1", port=8001, dev=True)
    assert dev[-2:] == ["runserver", "127.0.0.1:8001"]  # autoreload stays on


def test_gunicorn_sizing_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import runpy

    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "4")
    monkeypatch.delenv("BIND", raising=False)
    monkeypatch.setenv("PORT", "8123")
    conf = runpy.run_path(str(GUNICORN_CONF))
    assert (conf["workers"], conf["threads"], conf["worker_class"]) == (3, 4, "gthread")
    assert conf["bind"] == "127.0.0.1:8123"
    monkeypatch.delenv("WEB_CONCURRENCY")
    monkeypatch.delenv("GUNICORN_THREADS")
    conf = runpy.run_path(str(GUNICORN_CONF))
    assert conf["workers"] >= 2 and conf["threads"] == 16
