"""A tenant's PSA request budget, read without knowing which PSA it is (`PSAProvider.call_budget`).

Some PSAs cap requests per window for the whole tenant (10,000 an hour on one of ours, every
node and integration together). Near the cap the work an engineer did not ask for gives way first: above
HIGH_WATER of the budget, list-page prefetch and dashboard widgets pause, so ticket lists, the
panel and writes keep the rest until the cap itself (where the provider refuses, as the PSA
would).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from resolutionflow.models import Account
from resolutionflow.tenancy import request_membership

from .providers.base import CallBudget, PSAError
from .registry import provider_for_connection
from .selectors import capabilities_for_account, connection_get

logger = logging.getLogger("psa.budget")

# The share of the budget after which low-priority work (prefetch, widgets) stops asking.
HIGH_WATER = 0.8
# How often the widgets' check re-reads the PSA's own count (one request of the budget, per
# tenant across every node): our count misses other integrations' calls on the same tenant.
RESYNC_SECONDS = 300


def high_water() -> float:
    return float(getattr(settings, "PSA_BUDGET_HIGH_WATER", HIGH_WATER))


def call_budget_get(*, account: Account, refresh: bool = False) -> CallBudget | None:
    """The account's budget so far, or None (no connection, or a PSA without one).

    `refresh` asks the PSA for its own count (the provider caches it briefly); if that fails the
    shared count we keep is the answer. Never raises.
    """
    connection = connection_get(account=account)
    if connection is None or not connection.is_active:
        return None
    provider = provider_for_connection(connection)
    if refresh:
        try:
            return provider.call_budget(refresh=True)
        except PSAError as exc:
            logger.info("call budget refresh failed for account %s: %s", account.pk, exc.code)
    try:
        return provider.call_budget()
    except PSAError:
        return None


def low_priority_budget(*, account: Account, resync: bool = False) -> CallBudget | None:
    """The budget low-priority work goes by: None when the PSA has none (nothing to save).

    No PSA call, except with `resync` at most once per RESYNC_SECONDS per tenant: then the PSA's
    own count (other integrations' calls included) replaces ours."""
    budget = call_budget_get(account=account)
    if budget is None or not resync:
        return budget
    if cache.add(f"psa:budget:resync:{account.pk}", 1, timeout=RESYNC_SECONDS):
        return call_budget_get(account=account, refresh=True) or budget
    return budget


def spent_for_low_priority(budget: CallBudget | None) -> bool:
    """Whether prefetch and widgets should stand down to save what is left of `budget`."""
    return budget is not None and budget.fraction >= high_water()


def low_priority_paused(*, account: Account) -> bool:
    return spent_for_low_priority(low_priority_budget(account=account))


def paused_message(*, account: Account) -> str:
    name = capabilities_for_account(account=account).product_name
    return f"Paused to save {name}'s hourly API budget."


# The header static/js/prefetch.js sends: the engineer has not asked for this yet.
PREFETCH_HEADER = "Purpose"
PREFETCH_VALUE = "prefetch"
PAUSE_SECONDS = 60


def is_prefetch(request: HttpRequest) -> bool:
    return request.headers.get(PREFETCH_HEADER, "").lower() == PREFETCH_VALUE


def prefetch_spares_budget(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse a prefetch (429, no PSA call) while the budget is above HIGH_WATER; the panel then
    loads the section itself when the engineer opens the ticket. Other requests pass."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if is_prefetch(request):
            membership = request_membership(request)
            if membership is not None and low_priority_paused(account=membership.account):
                response = HttpResponse(
                    paused_message(account=membership.account),
                    status=429,
                    content_type="text/plain; charset=utf-8",
                )
                response["Retry-After"] = str(PAUSE_SECONDS)
                patch_vary_headers(response, (PREFETCH_HEADER,))
                return response
        response = view(request, *args, **kwargs)
        patch_vary_headers(response, (PREFETCH_HEADER,))  # the answer depends on it
        return response

    return wrapper
