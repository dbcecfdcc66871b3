"""Static files storage for `make run` and production: hashed names, gzip + brotli siblings."""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedCompressedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's manifest storage, hashing URLs even when DEBUG is on.

    Django's manifest storage hands out unhashed URLs whenever DEBUG is on, which would make the
    demo (`make run` keeps DEBUG on for plain-HTTP cookies) serve `app.css` with a one-minute
    cache instead of `app.<hash>.css` cached for a year. Choosing this storage (STATIC_HASHED)
    means collectstatic has run, so hashed names are always right to use.
    """

    # Our ES modules (static/js) import each other by relative name ("./panel.js"): rewrite those
    # to hashed names too, or a module cached for a year would load a sibling that changed.
    # Django's own switch (support_js_module_import_aggregation) would rewrite every app's JS, and
    # django-htmx's extensions import "../htmx", which is no file: so only js/*.js, same rules.
    patterns = (
        *ManifestStaticFilesStorage.patterns,
        ("js/*.js", ManifestStaticFilesStorage._js_module_import_aggregation_patterns[1]),
    )

    def url(self, name: Any, force: bool = False) -> str:
        return super().url(name, force=True)
