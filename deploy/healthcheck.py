"""Container health: GET /healthz on this container's gunicorn (it also checks the database).

Sent as the load balancer would: the first ALLOWED_HOSTS name as Host and
X-Forwarded-Proto: https, so DEBUG-off settings (HTTPS redirect) answer 200, not 301.
Exit 0 when healthy, 1 otherwise.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

port = os.environ.get("PORT", "8000")
host = (os.environ.get("ALLOWED_HOSTS") or "localhost").split(",")[0].strip().lstrip(".")
request = urllib.request.Request(
    f"http://127.0.0.1:{port}/healthz",
    headers={"Host": host, "X-Forwarded-Proto": "https"},
)
try:
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - fixed http URL
        sys.exit(0 if response.status == 200 else 1)
except (urllib.error.URLError, OSError):
    sys.exit(1)
