"""System checks for a production deploy (`manage.py check --deploy`).

Django's own checks only warn about a weak SECRET_KEY; here it fails the deploy, because it
signs sessions and password-reset links. A malformed FIELD_ENCRYPTION_KEY is refused by the
settings already (at start, not at the first credential read). And several web workers on a
cache that is not shared would each keep their own limits and cooldowns: a warning.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

MIN_SECRET_LENGTH = 50
MIN_SECRET_CHARS = 5


def secret_key_weakness(key: str) -> str:
    """Why `key` is too weak to sign sessions ("" when it is not)."""
    if key.startswith("django-insecure") or key == getattr(settings, "DEV_SECRET_KEY", None):
        return "it is a published development key"
    if len(key) < MIN_SECRET_LENGTH:
        return f"it has {len(key)} characters (at least {MIN_SECRET_LENGTH} are needed)"
    if len(set(key)) < MIN_SECRET_CHARS:
        return f"it uses only {len(set(key))} different characters"
    return ""


@register(Tags.security, deploy=True)
def check_secret_key(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    weakness = secret_key_weakness(settings.SECRET_KEY)
    if not weakness:
        return []
    return [
        Error(
            f"SECRET_KEY is too weak: {weakness}.",
            hint='Generate one: python -c "import secrets; print(secrets.token_urlsafe(64))"',
            id="resolutionflow.E001",
        )
    ]


def web_workers() -> int:
    """How many gunicorn workers this environment starts (the same rule as gunicorn.conf.py)."""
    return int(os.environ.get("WEB_CONCURRENCY") or max(2, os.cpu_count() or 1))


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    backend = settings.CACHES["default"]["BACKEND"]
    workers = web_workers()
    if workers <= 1 or backend in settings.SHARED_CACHE_BACKENDS:
        return []
    return [
        Warning(
            f"{workers} web workers run on a cache that is not shared ({backend}): usage "
            "limits, API throttles, sign-in counters and the PSA's 429 cooldown would be "
            "counted per process.",
            hint="Set REDIS_URL, or leave CACHES at the embedded shared disk cache.",
            id="resolutionflow.W001",
        )
    ]
