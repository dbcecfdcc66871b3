"""Create the demo accounts, users, PSA connections, member mappings and a ResolutionAssist
session for jordan (idempotent).

Running it twice changes nothing; `--cw-url` re-points the ConnectWise demo connections at another
simulator. The Autotask MSP (Lakeside) is seeded only when `--at-url` names an Autotask simulator,
so a ConnectWise-only run (and every test that seeds without it) sees the same two accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from assistant.models import ChatMessage, ChatSession
from assistant.services import session_create
from psa.models import PSAConnection, PSAMemberMapping
from psa.providers.base import PSAError
from psa.selectors import reference_data_get
from psa.services import member_mapping_set
from resolutionflow.models import Account, Membership
from tickets.selectors import my_queue

PASSWORD = "resolutionflow"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    email: str
    role: str
    member_identifier: str | None = None
    superuser: bool = False


@dataclass(frozen=True)
class DemoSession:
    """A ResolutionAssist session about the user's most urgent open ticket (the dashboard's
    Active sessions shows it), with a first exchange."""

    username: str
    messages: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class DemoAccount:
    """`private_key` is ConnectWise's private key or Autotask's Secret."""

    name: str
    slug: str
    company_id: str
    public_key: str
    private_key: str
    users: tuple[DemoUser, ...]
    sessions: tuple[DemoSession, ...] = ()
    provider: str = PSAConnection.Provider.CONNECTWISE
    username: str = ""
    integration_code: str = ""


DEMO = (
    DemoAccount(
        name="Bayside IT Solutions",
        slug="bayside",
        company_id="baysideit",
        public_key="rfdemo-public",
        private_key="rfdemo-private",
        users=(
            DemoUser("jordan", "Jordan", "Smith", "jordan@bayside.example", "engineer", "jsmith"),
            DemoUser("morgan", "Morgan", "Lee", "morgan@bayside.example", "admin", "mlee"),
            DemoUser("riley", "Riley", "Quinn", "riley@bayside.example", "engineer"),
            DemoUser("admin", "Alex", "Admin", "admin@bayside.example", "owner", superuser=True),
        ),
        sessions=(
            DemoSession(
                "jordan",
                (
                    ("user", "Picking this ticket up. What should I check first?"),
                    (
                        "assistant",
                        "Start with scope and recent changes: who is affected (one user, a "
                        "site, everyone), when it began, and what changed around then "
                        "(updates, certificates, DNS, licences). Reproduce it once yourself "
                        "and note the exact error text; that decides the next step.",
                    ),
                ),
            ),
        ),
    ),
    DemoAccount(
        name="Northshore Networks",
        slug="northshore",
        company_id="northshore",
        public_key="nsdemo-public",
        private_key="nsdemo-private",
        users=(DemoUser("casey", "Casey", "Diaz", "casey@northshore.example", "owner", "cdiaz"),),
    ),
)

# The Autotask simulator's demo API user (psa/simulator/autotask/store.py).
LAKESIDE = DemoAccount(
    name="Lakeside Managed IT",
    slug="lakeside",
    company_id="",
    public_key="",
    private_key="rfdemo-secret",
    provider=PSAConnection.Provider.AUTOTASK,
    username="rfdemo@lakesideit.example",
    integration_code="RFDEMO",
    users=(
        DemoUser("avery", "Avery", "Brooks", "avery@lakesideit.example", "engineer", "abrooks"),
        DemoUser("blake", "Blake", "Turner", "blake@lakesideit.example", "owner"),
    ),
)


class Command(BaseCommand):
    help = "Create the demo accounts, users, PSA connections and member mappings."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--cw-url",
            default=settings.CWSIM_URL,
            help="ConnectWise site the demo connections use (default: the local simulator).",
        )
        parser.add_argument(
            "--at-url",
            default="",
            help="Autotask zone discovery host for Lakeside Managed IT (the local Autotask "
            "simulator, e.g. http://127.0.0.1:8766); without it Lakeside is not seeded.",
        )
        parser.add_argument(
            "--no-sessions",
            dest="sessions",
            action="store_false",
            help="Do not seed ResolutionAssist sessions (tests that start from none).",
        )

    def handle(
        self, *args: Any, cw_url: str, at_url: str = "", sessions: bool = True, **options: Any
    ) -> None:
        demos = [(demo, cw_url.rstrip("/")) for demo in DEMO]
        if at_url:
            demos.append((LAKESIDE, at_url.rstrip("/")))
        for demo, url in demos:
            account = self._account(demo, url)
            self._mappings(account, demo)
            if sessions:
                self._sessions(account, demo)
        users = ", ".join(u.username for demo, _ in demos for u in demo.users)
        where = f"ConnectWise: {cw_url}" + (f"; Autotask: {at_url}" if at_url else "")
        self.stdout.write(
            self.style.SUCCESS(f"Demo ready. Sign in as {users} (password '{PASSWORD}'). {where}")
        )

    @transaction.atomic
    def _account(self, demo: DemoAccount, url: str) -> Account:
        account, _ = Account.objects.get_or_create(slug=demo.slug, defaults={"name": demo.name})
        User = get_user_model()
        for spec in demo.users:
            user = User.objects.filter(username=spec.username).first()
            if user is None:
                user = User(
                    username=spec.username,
                    first_name=spec.first_name,
                    last_name=spec.last_name,
                    email=spec.email,
                    is_staff=spec.superuser,
                    is_superuser=spec.superuser,
                )
                user.set_password(PASSWORD)
                user.save()
            Membership.objects.get_or_create(
                user=user, defaults={"account": account, "role": spec.role}
            )
        wanted = {
            "provider": demo.provider,
            "site": url,
            "company_id": demo.company_id,
            "public_key": demo.public_key,
            "private_key": demo.private_key,
            "client_id": "" if demo.username else "resolutionflow-demo",
            "username": demo.username,
            "integration_code": demo.integration_code,
            "is_active": True,
        }
        connection = PSAConnection.objects.filter(account=account).first()
        if connection is None:
            PSAConnection.objects.create(account=account, **wanted)
        elif any(getattr(connection, field) != value for field, value in wanted.items()):
            for field, value in wanted.items():
                setattr(connection, field, value)
            connection.private_key_for = connection.key_identity  # the key is given with the site
            connection.save()
            self.stdout.write(f"Re-pointed {account}'s connection at {url}.")
        return account

    def _mappings(self, account: Account, demo: DemoAccount) -> None:
        wanted = {u.username: u.member_identifier for u in demo.users if u.member_identifier}
        existing = {
            m.user.username: m.member_identifier
            for m in PSAMemberMapping.objects.filter(account=account).select_related("user")
        }
        if all(existing.get(name) == ident for name, ident in wanted.items()):
            return
        try:
            members = {m.identifier: m for m in reference_data_get(account=account).members}
        except PSAError as exc:
            self.stderr.write(
                self.style.WARNING(
                    f"{account}: member mappings skipped, its PSA did not answer "
                    f"({exc.message}). Start the simulators (make run starts both) and re-run."
                )
            )
            return
        User = get_user_model()
        for username, identifier in wanted.items():
            if existing.get(username) != identifier:
                member_mapping_set(
                    account=account,
                    user=User.objects.get(username=username),
                    member=members[identifier],
                )

    def _sessions(self, account: Account, demo: DemoAccount) -> None:
        User = get_user_model()
        for spec in demo.sessions:
            user = User.objects.get(username=spec.username)
            if ChatSession.objects.filter(account=account, user=user).exists():
                continue  # the user has sessions (seeded or their own): nothing to add
            try:
                queue = my_queue(account=account, user=user, limit=1)
                ticket_id = queue.items[0].id if queue.items else None
                with transaction.atomic():
                    session = session_create(account=account, user=user, linked_ticket_id=ticket_id)
                    for role, text in spec.messages:
                        ChatMessage.objects.create(
                            session=session,
                            role=role,
                            content=text,
                            engine="demo" if role == ChatMessage.Role.ASSISTANT else "",
                        )
            except PSAError as exc:
                self.stderr.write(
                    self.style.WARNING(
                        f"{account}: {spec.username}'s demo session skipped, ConnectWise did not "
                        f"answer ({exc.message}). Start the simulator and re-run."
                    )
                )
