"""What both simulators read from a WSGI request: its headers and its body."""

from __future__ import annotations

from typing import Any


def request_headers(environ: dict[str, Any]) -> dict[str, str]:
    """Header names in lower case with dashes (``clientid``, ``content-type``), as sent."""
    headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k[:5] == "HTTP_"}
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").lower()] = environ[key]
    return headers


def request_body(environ: dict[str, Any]) -> bytes:
    """The body, exactly ``CONTENT_LENGTH`` bytes (none when it is missing or not a number)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    stream = environ.get("wsgi.input")
    return stream.read(length) if length > 0 and stream is not None else b""
