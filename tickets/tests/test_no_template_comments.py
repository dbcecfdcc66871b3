"""Issue 19 item 4: a template comment never reaches the screen.

Django's `{# #}` comment is one line only; a multi-line one is printed as text. Every main page
(and the fragments that fill them) is rendered as jordan and searched for the comment markers."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from assistant.models import ChatSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def jordan_client(demo: Any) -> Client:
    client = Client()
    client.force_login(demo.jordan)
    return client


def test_no_page_or_fragment_shows_a_template_comment(jordan_client: Client, demo: Any) -> None:
    session = ChatSession.objects.create(account=demo.bayside, user=demo.jordan, title="Printer")
    htmx = {"HTTP_HX_REQUEST": "true"}
    pages: list[tuple[str, dict[str, str]]] = [
        (reverse("dashboard"), {}),
        (reverse("tickets:list"), {}),
        (reverse("tickets:list") + "?ticket=1", {}),
        (reverse("tickets:panel", args=[1]), htmx),
        (reverse("tickets:context", args=[1]), htmx),
        (reverse("tickets:resources", args=[1]), htmx),
        (reverse("tickets:new"), htmx),
        (reverse("tickets:new") + "?tab=quick", htmx),
        (reverse("assistant:sessions"), {}),
        (reverse("assistant:chat", args=[session.pk]), {}),
        (reverse("api-tokens"), {}),
    ]
    for url, headers in pages:
        response = jordan_client.get(url, **headers)  # type: ignore[arg-type]
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "{#" not in html and "#}" not in html, url


def test_the_sign_in_page_shows_no_template_comment(client: Client, demo: Any) -> None:
    html = client.get(reverse("login")).content.decode()
    assert "{#" not in html and "#}" not in html
