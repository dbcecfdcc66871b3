"""Static files storage for `make run` and production: hashed names, gzip + brotli siblings."""

from __future__ import annotations

from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedCompressedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's manifest storage, hashing URLs even when DEBUG is on.

    Django's manifest storage hands out unhashed URLs whenever DEBUG is on, which would make the
    demo (`make run` keeps DEBUG on for plain-HTTP cookies) serve `app.css` with a one-minute
    cache instead of `app.<hash>.css` cached for a year. Choosing this storage (STATIC_HASHED)
    means collectstatic has run, so hashed names are always right to use.
    """

    def url(self, name: Any, force: bool = False) -> str:
        return super().url(name, force=True)
