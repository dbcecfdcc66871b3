"""`api_token_create <user> [--name] [--expires-days]`: print a new API token's key (for scripts
and the demo; people use the "API tokens" page). Replaces DRF's `drf_create_token`, whose
tokens were stored in clear and never expired."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from resolutionflow.api_tokens import DEFAULT_EXPIRY_DAYS, api_token_create


class Command(BaseCommand):
    help = "Create a named, expiring API token for a user and print its key (shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="command line")
        parser.add_argument(
            "--expires-days",
            type=int,
            default=DEFAULT_EXPIRY_DAYS,
            help=f"days until it expires (default {DEFAULT_EXPIRY_DAYS}; 0 = never)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(f"No user {options['username']!r}.") from None
        _, key = api_token_create(
            user=user, name=options["name"], expires_days=options["expires_days"] or None
        )
        self.stdout.write(key)
