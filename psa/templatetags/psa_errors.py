"""`{{ error|psa_shape:psa }}` and friends: a PSA error's headline, kind and message in templates,
from the one table (`psa.error_responses`), whichever view put the error in the context. `psa`
is the account's capabilities (`{% psa_capabilities as psa %}`): the headline names that PSA."""

from __future__ import annotations

from django import template

from psa.error_responses import ErrorShape, answer_for, explain, shape_of
from psa.providers.base import PSACapabilities, PSAError
from psa.selectors import default_capabilities

register = template.Library()


@register.filter
def psa_shape(error: object, psa: object = None) -> ErrorShape | None:
    if not isinstance(error, PSAError):
        return None
    caps = psa if isinstance(psa, PSACapabilities) else default_capabilities()
    return shape_of(error).named(caps.name)


@register.filter
def psa_explain(error: object) -> str:
    return explain(error) if isinstance(error, PSAError) else str(error or "")


@register.filter
def psa_retry_after(error: object) -> int | None:
    """The wait the engineer is told (a rate limit's): Retry stays disabled until then."""
    return answer_for(error).wait if isinstance(error, PSAError) else None
