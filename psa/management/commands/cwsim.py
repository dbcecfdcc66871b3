"""``python manage.py cwsim``: serve the ConnectWise Manage API simulator until Ctrl-C."""

from __future__ import annotations

import dataclasses
import time
from functools import partial
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from psa.simulator.app import SimulatorApp
from psa.simulator.data.scaled import scaled_tenant
from psa.simulator.server import (
    API_PATH,
    add_fault_arguments,
    fault_options,
    make_simulator_server,
    serve_until_stopped,
)
from psa.simulator.store import TENANTS, TenantRegistry

SCALED_TENANT = "baysideit"  # the demo account's tenant, so `make run`'s logins keep working


class Command(BaseCommand):
    help = "Serve the ConnectWise Manage REST API 3.0 simulator (both demo tenants)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        add_fault_arguments(parser)
        parser.add_argument(
            "--log-requests", action="store_true", help="log every request to stderr"
        )
        scale = parser.add_argument_group(
            "scale", f"serve the {SCALED_TENANT} tenant grown to this size (same shape, same keys)"
        )
        scale.add_argument("--tickets", type=int, default=None, help="number of tickets")
        scale.add_argument(
            "--open-tickets",
            type=int,
            default=None,
            help="how many of them are open (default: as many as the shipped tenant)",
        )
        scale.add_argument("--companies", type=int, default=None, help="number of companies")
        scale.add_argument("--members", type=int, default=None, help="number of members")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            registry = self._registry(options)
            server = make_simulator_server(
                options["host"],
                options["port"],
                app=SimulatorApp(registry=registry, **fault_options(options)),
                quiet=not options["log_requests"],
            )
        except ValueError as error:
            self.stderr.write(self.style.ERROR(f"cwsim: {error}"))
            raise SystemExit(2) from None
        host, port = server.server_address[:2]
        root = f"http://{host}:{port}"
        self.stdout.write(self.style.SUCCESS(f"ConnectWise simulator at {root}{API_PATH}/"))
        # Company ids only: keys never go to a log (issue 18); the README lists the demo keys.
        for config in registry.configs.values():
            self.stdout.write(
                f"  company {config.company_id} ({config.company_name}); "
                "API keys: see the README (any non-empty clientId header)"
            )
        self.stdout.write(f"  control: {root}/_sim/config, {root}/_sim/stats, {root}/_sim/reset")
        self.stdout.write("Ctrl-C to stop.")
        serve_until_stopped(server, say=self.stdout.write)

    def _registry(self, options: dict[str, Any]) -> TenantRegistry:
        sizes = {
            "tickets": options["tickets"],
            "open_tickets": options["open_tickets"],
            "companies": options["companies"],
            "members": options["members"],
        }
        if all(value is None for value in sizes.values()):
            return TenantRegistry()
        for name, value in sizes.items():
            if value is not None and value < (0 if name == "open_tickets" else 1):
                raise ValueError(f"--{name.replace('_', '-')} must be a positive number")
        base = TENANTS[SCALED_TENANT]
        if sizes["tickets"] is None:
            sizes["tickets"] = 1200  # the shipped tenant's size
        scaled = dataclasses.replace(
            base,
            company_name=f"{base.company_name} ({sizes['tickets']} tickets)",
            data_factory=partial(scaled_tenant, **sizes),
        )
        registry = TenantRegistry({**TENANTS, SCALED_TENANT: scaled})
        started = time.monotonic()
        store = registry.store(SCALED_TENANT)  # build now, not on the first request
        self.stdout.write(
            f"Generated {SCALED_TENANT}: {len(store.records('tickets'))} tickets "
            f"({sum(1 for t in store.records('tickets') if not t.get('closedFlag'))} open), "
            f"{len(store.records('ticketNotes'))} notes, "
            f"{len(store.records('scheduleEntries'))} schedule entries, "
            f"{len(store.records('companies'))} companies, "
            f"{len(store.records('members'))} members in {time.monotonic() - started:.1f} s"
        )
        return registry
