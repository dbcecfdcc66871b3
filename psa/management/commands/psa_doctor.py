"""`python manage.py psa_doctor [--account NAME] [--write-ticket ID]`.

Runs every call shape ResolutionFlow sends to the account's PSA tenant and prints one row
per check, ending with `N/N checks passed`; exits 0 only when every check passed.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from psa.diagnostics import diagnostics_run, format_report
from psa.models import PSAConnection
from psa.registry import CLIENT_LOGGERS


class Command(BaseCommand):
    help = (
        "Check the account's PSA tenant accepts every call ResolutionFlow makes "
        "(read-only unless --write-ticket is given)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--account",
            help="Account name or slug (needed when more than one account has a connection).",
        )
        parser.add_argument(
            "--write-ticket",
            type=int,
            metavar="ID",
            help="Also add and remove an internal note and an assignee on this ticket.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        connection = _connection(options.get("account"))
        if options["verbosity"] < 2:
            # The report is the output; the client's per-call log lines would interleave with it.
            for name in CLIENT_LOGGERS:
                logging.getLogger(name).setLevel(logging.ERROR)
        self.stdout.write(f"{connection.tenant_description} for account {connection.account.name}")
        report = diagnostics_run(connection=connection, write_ticket_id=options.get("write_ticket"))
        self.stdout.write(format_report(report))
        if not report.ok:
            raise SystemExit(1)


def _connection(account: str | None) -> PSAConnection:
    connections = PSAConnection.objects.filter(is_active=True).select_related("account")
    if account:
        connections = connections.filter(
            Q(account__name__iexact=account) | Q(account__slug=account)
        )
    found = list(connections[:2])
    if len(found) == 1:
        return found[0]
    names = ", ".join(
        PSAConnection.objects.filter(is_active=True).values_list("account__name", flat=True)
    )
    if not found:
        raise CommandError(
            f"No active PSA connection for account {account!r}. Accounts with one: "
            f"{names or 'none'}."
            if account
            else "No account has an active PSA connection."
        )
    raise CommandError(
        f"More than one account has a connection; choose one with --account ({names})."
    )
