"""Engineers using the Tickets page, for Locust (`scripts/loadtest/run.py` starts and reads it).

Two kinds of engineer, picked with `--tags` (or LOAD_SCENARIO) by the runner:

* `lists`: loads the ticket list back to back, cycling through filters and pages: the issue's
  target scenario (16 at once, ConnectWise 100 ms away: 0 errors, p95 ≤ 3 round trips).
* `mixed`: a working engineer: filters and pages the list, opens a ticket's panel (shell, then
  context and assignees in parallel, as the browser does), now and then adds a note or moves a
  ticket to another status of its board, and thinks a little between actions.

Every user signs in through the real login form as one of the demo engineers (LOAD_USERS,
default `jordan,morgan`, password `resolutionflow`), and sends the CSRF token the page's
`hx-headers` would. Requests are named per view, so the report has one line per view; the
figures restart when the last user has signed in, so they show the steady state only.
LOAD_MAX_REQUESTS bounds the number of requests besides Locust's --run-time.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import threading

from locust import FastHttpUser, between, constant, events, tag, task

USERS = [u for u in os.environ.get("LOAD_USERS", "jordan,morgan").split(",") if u]
PASSWORD = os.environ.get("LOAD_PASSWORD", "resolutionflow")
BOARDS = (1, 2, 3)
FILTERS = (
    "",
    "board=1",
    "board=2",
    "board=3",
    "assigned=me",
    "assigned=unassigned",
    "priority=1",
    "search=printer",
    "board=1&closed=true",
)
HX_RESULTS = {"HX-Request": "true", "HX-Target": "results"}
HX = {"HX-Request": "true"}
ROW_ID = re.compile(r'data-ticket-id="(\d+)"')
STATUS_OPTION = re.compile(r'<option value="(\d+)" (selected)?>')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS") or 0)  # a bound besides --run-time

_next_user = itertools.cycle(USERS)
_next_user_lock = threading.Lock()
_sent = itertools.count(1)
_signed_in = itertools.count(1)


_environment = None


@events.init.add_listener
def _remember_environment(environment: object, **_: object) -> None:
    global _environment
    _environment = environment


@events.request.add_listener
def _stop_after_max_requests(**_: object) -> None:
    if MAX_REQUESTS and next(_sent) == MAX_REQUESTS and _environment is not None:
        _environment.runner.quit()  # type: ignore[attr-defined]


class Engineer(FastHttpUser):
    abstract = True
    csrf = ""

    def on_start(self) -> None:
        with _next_user_lock:
            self.username = next(_next_user)
        page = self.client.get("/accounts/login/", name="login form")
        token = CSRF_INPUT.search(page.text or "")
        with self.client.post(
            "/accounts/login/",
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="sign in",
            catch_response=True,
        ) as response:
            if "Sign out" not in (response.text or ""):
                response.failure(f"sign-in as {self.username} failed ({response.status_code})")
                return
        self.csrf = next((c.value for c in self.client.cookiejar if c.name == "csrftoken"), "")
        # Signing in hashes a password on purpose slowly (PBKDF2): 16 at once is seconds of CPU
        # that says nothing about the Tickets page. Once everyone is in, start the figures over.
        target = getattr(self.environment.runner, "target_user_count", None)
        if target and next(_signed_in) == target:
            self.environment.stats.reset_all()
            if os.environ.get("LOAD_READY_FILE"):  # tells run.py to start sampling CPU
                with open(os.environ["LOAD_READY_FILE"], "w") as ready:
                    ready.write("signed in\n")
        self.filters = itertools.cycle(random.sample(FILTERS, len(FILTERS)))
        self.rows: list[str] = []

    def list_partial(self, params: str, name: str) -> None:
        with self.client.get(
            f"/tickets/?{params}", headers=HX_RESULTS, name=name, catch_response=True
        ) as response:
            body = response.text or ""
            if response.status_code != 200 or 'id="results"' not in body or "psa-error" in body:
                response.failure(f"no results ({response.status_code})")
                return
            rows = ROW_ID.findall(body)
            if rows:
                self.rows = rows


class ListLoader(Engineer):
    """Loads lists back to back: no think time at all."""

    wait_time = constant(0)

    @tag("lists")
    @task(4)
    def filtered_list(self) -> None:
        self.list_partial(next(self.filters), "list partial (filters)")

    @tag("lists")
    @task(1)
    def next_page(self) -> None:
        board = random.choice(BOARDS)
        self.list_partial(f"board={board}&page={random.randint(2, 3)}", "list partial (page 2-3)")


class WorkingEngineer(Engineer):
    """Filters, pages, opens tickets, writes notes, moves statuses, with a little think time."""

    wait_time = between(0.2, 1.0)

    @tag("mixed")
    @task(5)
    def filtered_list(self) -> None:
        self.list_partial(next(self.filters), "list partial (filters)")

    @tag("mixed")
    @task(1)
    def next_page(self) -> None:
        self.list_partial(f"board={random.choice(BOARDS)}&page=2", "list partial (page 2-3)")

    @tag("mixed")
    @task(4)
    def open_panel(self) -> None:
        if not self.rows:
            return self.list_partial("", "list partial (filters)")
        ticket = random.choice(self.rows)
        self.client.get(f"/tickets/{ticket}/panel/", headers=HX, name="panel shell")
        # The browser loads both sections at once when the shell lands.
        self.client.get(f"/tickets/{ticket}/context/", headers=HX, name="panel context")
        self.client.get(f"/tickets/{ticket}/resources/", headers=HX, name="panel resources")
        return None

    @tag("mixed")
    @task(1)
    def add_note(self) -> None:
        if not self.rows:
            return
        ticket = random.choice(self.rows)
        self.client.post(
            f"/tickets/{ticket}/notes/",
            data={"text": "Load test: checked the logs, nothing unusual.", "type": "internal"},
            headers={**HX, "X-CSRFToken": self.csrf},
            name="add note",
        )

    @tag("mixed")
    @task(1)
    def change_status(self) -> None:
        if not self.rows:
            return
        ticket = random.choice(self.rows)
        shell = self.client.get(f"/tickets/{ticket}/panel/", headers=HX, name="panel shell")
        options = STATUS_OPTION.findall(shell.text or "")
        choices = [value for value, selected in options if not selected]
        if not choices:
            return
        self.client.post(
            f"/tickets/{ticket}/status/",
            data={"status_id": random.choice(choices)},
            headers={**HX, "X-CSRFToken": self.csrf},
            name="status change",
        )
