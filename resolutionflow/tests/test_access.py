import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from psa.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PUBLIC = {"/accounts/login/", "/healthz"}


def _every_url(patterns=None, prefix: str = "") -> list[str]:
    """A concrete URL for every route we serve (admin aside: Django guards it itself)."""
    urls = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith("admin/"):
            continue
        if isinstance(entry, URLResolver):
            urls += _every_url(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            urls.append("/" + re.sub(r"<(?:int:)?\w+>", "1", route).lstrip("^").rstrip("$"))
    return sorted(set(urls) - PUBLIC)


PAGES = [url for url in _every_url() if not url.startswith("/api/")]
API = [url for url in _every_url() if url.startswith("/api/")]


def test_the_route_lists_cover_the_app() -> None:
    assert "/tickets/" in PAGES and "/tickets/1/panel/" in PAGES
    assert "/api/integrations/psa/tickets/search" in API


@pytest.mark.parametrize("path", API)
def test_every_api_endpoint_refuses_anonymous_requests(client, path) -> None:
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        assert response.status_code == 401, (method, path, response.status_code)


@pytest.mark.parametrize("path", PAGES)
def test_pages_send_anonymous_users_to_sign_in(client, path) -> None:
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        assert response.status_code == 302, (method, path)
        assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("path", PAGES)
def test_htmx_requests_from_expired_sessions_get_a_full_page_redirect(client, path) -> None:
    response = client.get(path, headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith("/accounts/login/")


def test_api_refuses_anonymous_requests_without_redirecting(client) -> None:
    response = client.get("/api/schema/")
    assert response.status_code in (401, 403)


def test_a_user_without_an_account_gets_an_explanation_not_an_error(client) -> None:
    client.force_login(UserFactory(username="drifter"))
    response = client.get("/")
    assert response.status_code == 403
    assert "not part of an account" in response.content.decode()


def test_signed_in_member_sees_the_layout(client) -> None:
    client.force_login(MembershipFactory().user)
    page = client.get("/").content.decode()
    assert "Resolve" in page and 'href="/tickets/"' in page and "Sign out" in page


def test_login_page_signs_in_with_username_and_password(client) -> None:
    user = MembershipFactory().user
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": "resolutionflow"}
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_pages_vary_on_hx_request(client) -> None:
    client.force_login(MembershipFactory().user)
    assert "HX-Request" in client.get("/")["Vary"]
