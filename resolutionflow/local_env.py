"""The demo checkout's own secrets, so `make run` serves with DEBUG off and nothing to set.

`make run`/`make dev` write `var/demo.env` once (a random SECRET_KEY and FIELD_ENCRYPTION_KEY,
and RF_DEMO=1: plain HTTP on loopback, the simulator's port allowed). The settings read it
before anything else, so every `manage.py` command, gunicorn worker and script in this checkout
uses the same keys (the encrypted PSA keys in var/db.sqlite3 stay readable) with no
variables to set. A variable already in the environment wins. A deploy has no var/demo.env (the
image leaves var/ out), so none of this applies there. RF_DEMO_ENV_FILE names another file; set
empty it turns the file off (the test suite does, for runs that do not depend on the checkout).
"""

from __future__ import annotations

import os
import secrets
import sys
from base64 import urlsafe_b64encode
from pathlib import Path

DEFAULT = Path(__file__).resolve().parent.parent / "var" / "demo.env"


def demo_env_path() -> Path | None:
    configured = os.environ.get("RF_DEMO_ENV_FILE")
    if configured is None:
        return DEFAULT
    return Path(configured) if configured else None


def read(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def load() -> None:
    """Put the file's values into the environment, under anything already set."""
    path = demo_env_path()
    if path is None or not path.is_file():
        return
    for name, value in read(path).items():
        os.environ.setdefault(name, value)


def ensure() -> Path | None:
    """Write the file with fresh secrets unless it exists (they must never change: the stored
    PSA keys are encrypted with them)."""
    path = demo_env_path()
    if path is None or path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    content = (
        "# Written once by `make run`/`make dev` for this checkout's demo; never used by a deploy.\n"
        f"SECRET_KEY={secrets.token_urlsafe(64)}\n"
        f"FIELD_ENCRYPTION_KEY={urlsafe_b64encode(secrets.token_bytes(32)).decode()}\n"
        "RF_DEMO=1\n"
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(content)
    return path


if __name__ == "__main__":
    written = ensure()
    sys.stdout.write(f"{written}\n" if written else "")
