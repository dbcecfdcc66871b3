"""`{% psa_capabilities as psa %}`: the account's PSA capabilities in a template, so a page says
"Board" or "Queue" and the PSA's own name without knowing which PSA it is.

A view that already holds them passes `psa_capabilities` in its context; otherwise they are
read for the request's account once per request (a database read, never a PSA call). With no
account (a signed-out page) they are those of the PSA a new connection starts as.
"""

from __future__ import annotations

from typing import Any

from django import template

from psa.providers.base import PSACapabilities
from psa.selectors import capabilities_for_account, default_capabilities

register = template.Library()

_REQUEST_ATTR = "_psa_capabilities"


@register.simple_tag(takes_context=True)
def psa_capabilities(context: Any) -> PSACapabilities:
    given = context.get("psa_capabilities")
    if isinstance(given, PSACapabilities):
        return given
    account = context.get("account")
    if account is None:
        return default_capabilities()
    request = context.get("request")
    cached = getattr(request, _REQUEST_ATTR, None) if request is not None else None
    if isinstance(cached, tuple) and cached[0] == account.pk:
        return cached[1]
    caps = capabilities_for_account(account=account)
    if request is not None:
        setattr(request, _REQUEST_ATTR, (account.pk, caps))
    return caps
