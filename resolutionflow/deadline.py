"""Every web request (pages, fragments, the JSON API) answers within one budget whatever
ConnectWise does: `settings.PSA_REQUEST_DEADLINE` seconds for all its ConnectWise calls together,
parallel ones and retries included (see `psa.providers.deadline`)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from psa.providers.deadline import budget


class RequestDeadlineMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with budget(settings.PSA_REQUEST_DEADLINE):
            return self.get_response(request)
