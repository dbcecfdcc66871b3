"""The error table names no vendor: a headline says "{psa}" and is shown in the words of the
account's PSA (its capabilities), so an Autotask outage does not read as a ConnectWise one."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from psa.error_responses import FALLBACK_SHAPE, TABLE, shape_of
from psa.providers import base as psa
from psa.providers.autotask.provider import AutotaskProvider
from psa.providers.connectwise.provider import ConnectWiseProvider


def test_no_headline_in_the_table_names_a_vendor():
    for shape in [s for _, s in TABLE] + [FALLBACK_SHAPE]:
        assert "{psa}" in shape.headline
        assert "ConnectWise" not in shape.headline and "Autotask" not in shape.headline


@pytest.mark.parametrize(
    ("provider", "headline"),
    [
        (ConnectWiseProvider, "ConnectWise could not be reached."),
        (AutotaskProvider, "Autotask could not be reached."),
    ],
)
def test_a_headline_names_the_psa_it_is_shown_for(provider, headline):
    shape = shape_of(psa.PSAUnavailable("down")).named(provider.capabilities.name)
    assert shape.headline == headline
    assert shape_of(psa.PSANotFound("gone")).named(provider.capabilities.name).headline == (
        f"Not found in {provider.capabilities.name}."
    )


def test_the_inline_error_names_the_psa_of_the_capabilities_it_is_given():
    html = render_to_string(
        "tickets/psa_error.html",
        {
            "error": psa.PSAServerError("Autotask answered with an error (HTTP 500)."),
            "psa_capabilities": AutotaskProvider.capabilities,
            "retry_url": "/tickets/",
        },
    )

    assert "<strong>Autotask had a problem on its side.</strong>" in html
    assert "ConnectWise" not in html
