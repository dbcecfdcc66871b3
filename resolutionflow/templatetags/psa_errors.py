"""`{{ error|psa_shape }}` and friends: a PSA error's headline, kind and message in templates, from
the same table the htmx error path uses, whichever view put the error in the context."""

from __future__ import annotations

from django import template

from psa.providers.base import PSAError
from resolutionflow.htmx_errors import ErrorShape, explain, retry_after_of, shape_of

register = template.Library()


@register.filter
def psa_shape(error: object) -> ErrorShape | None:
    return shape_of(error) if isinstance(error, PSAError) else None


@register.filter
def psa_explain(error: object) -> str:
    return explain(error) if isinstance(error, PSAError) else str(error or "")


@register.filter
def psa_retry_after(error: object) -> int | None:
    return retry_after_of(error) if isinstance(error, PSAError) else None
