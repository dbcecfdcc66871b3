"""`outbox_drain`: deliver queued notes now; `--loop` keeps doing it (what `make run` starts when
there is no Celery worker: on the embedded default, tasks run eagerly and nothing else would)."""

from __future__ import annotations

import contextlib
import logging
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Deliver queued PSA notes (once, or every --interval seconds with --loop)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--loop", action="store_true", help="Keep draining until stopped.")
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds between passes.")

    def handle(self, *args: Any, loop: bool, interval: float, **options: Any) -> None:
        # Ctrl-C under `make run`: a note claimed at that moment is picked up again when its
        # lease runs out (and looked for first), so stopping here loses nothing.
        with contextlib.suppress(KeyboardInterrupt):
            self._drain(loop=loop, interval=interval)

    def _drain(self, *, loop: bool, interval: float) -> None:
        from tickets.outbox import outbox_drain

        while True:
            try:
                counts = outbox_drain()
            except Exception:  # a database hiccup must not stop delivery for good
                if not loop:
                    raise
                logger.exception("Draining the notes outbox failed; trying again shortly")
                counts = {}
            if any(counts.values()) or not loop:
                summary = ", ".join(f"{n} {state}" for state, n in counts.items())
                self.stdout.write(f"Notes outbox: {summary}", ending="\n")
                self.stdout.flush()
            if not loop:
                return
            time.sleep(interval)
            # A long-lived process: drop a connection the database closed meanwhile (not before
            # the first pass, which may run inside a caller's transaction).
            close_old_connections()
