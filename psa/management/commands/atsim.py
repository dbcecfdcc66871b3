"""``python manage.py atsim``: serve the Autotask REST API simulator (Lakeside Managed IT)."""

from __future__ import annotations

import dataclasses
import time
from functools import partial
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from psa.simulator.autotask.app import API_PREFIX, AutotaskApp
from psa.simulator.autotask.store import LAKESIDE, AtTenant
from psa.simulator.data.generate_lakeside import build
from psa.simulator.server import (
    add_fault_arguments,
    fault_options,
    make_simulator_server,
    serve_until_stopped,
)

DEFAULT_PORT = 8766


class Command(BaseCommand):
    help = "Serve the Autotask REST API v1.0 simulator (the Lakeside Managed IT tenant)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=DEFAULT_PORT)
        add_fault_arguments(parser)
        parser.add_argument(
            "--hourly-threshold",
            type=int,
            default=10_000,
            help="Autotask's requests per rolling hour per database",
        )
        parser.add_argument("--log-requests", action="store_true", help="log every request")
        scale = parser.add_argument_group("scale", "grow or shrink the Lakeside tenant")
        scale.add_argument("--tickets", type=int, default=None, help="number of tickets")
        scale.add_argument("--companies", type=int, default=None, help="number of companies")
        scale.add_argument("--resources", type=int, default=None, help="number of engineers")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            tenant = self._tenant(options)
            app = AutotaskApp(tenant=tenant, **fault_options(options))
            app.update({"hourly_threshold": options["hourly_threshold"]})
            server = make_simulator_server(
                options["host"], options["port"], app=app, quiet=not options["log_requests"]
            )
        except ValueError as error:
            self.stderr.write(self.style.ERROR(f"atsim: {error}"))
            raise SystemExit(2) from None
        port = server.server_address[1]
        root = f"http://{options['host']}:{port}"
        self.stdout.write(self.style.SUCCESS(f"Autotask simulator at {root}{API_PREFIX}/"))
        # The user name only: the secret never goes to a log (issue 18); the README has it.
        users = ", ".join(user.user_name for user in tenant.config.users)
        self.stdout.write(
            f"  {tenant.info['companyName']}: API user {users} (secret: see the README)"
        )
        self.stdout.write(f"  zone discovery: {root}/atservicesrest/v1.0/zoneInformation?user=")
        self.stdout.write(f"  control: {root}/_sim/config, {root}/_sim/stats, {root}/_sim/reset")
        self.stdout.write("Ctrl-C to stop.")
        serve_until_stopped(server, say=self.stdout.write)

    def _tenant(self, options: dict[str, Any]) -> AtTenant:
        sizes = {name: options[name] for name in ("tickets", "companies", "resources")}
        if all(value is None for value in sizes.values()):
            return AtTenant(LAKESIDE)
        for name, value in sizes.items():
            if value is not None and value < (2 if name == "companies" else 1):
                raise ValueError(f"--{name} is too small")
        started = time.monotonic()
        tenant = AtTenant(dataclasses.replace(LAKESIDE, data_factory=partial(build, **sizes)))
        self.stdout.write(
            f"Generated Lakeside: {len(tenant.records('Tickets'))} tickets, "
            f"{len(tenant.records('TicketNotes'))} notes, "
            f"{len(tenant.records('Companies'))} companies, "
            f"{len(tenant.records('Resources'))} resources "
            f"in {time.monotonic() - started:.1f} s"
        )
        return tenant
