"""Nothing above `psa/providers/` knows which PSA it talks to (issue 22).

Where the PSAs differ, the provider says so as data (`PSACapabilities`); the UI, the API, the
AI, the outbox and the admin read that. So a vendor's name in a product module, template or
script outside the providers and the simulators is a bug: a message that names the wrong PSA
to half the customers, or a branch on the vendor that belongs in a provider. Only the wiring
below may name them, each for the reason given. Tests, migrations (history) and docs may too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from resolutionflow.tests.trees import plant

ROOT = Path(__file__).resolve().parents[2]

VENDOR = re.compile(r"connectwise|autotask", re.IGNORECASE)

# What is scanned: the apps' Python, the templates and our own JavaScript.
SCANNED = (
    ("tickets", "*.py"),
    ("assistant", "*.py"),
    ("psa", "*.py"),
    ("resolutionflow", "*.py"),
    ("templates", "*.html"),
    ("static/js", "*.js"),
)
# Where vendors are the subject: the providers, the simulators, tests and migrations.
EXEMPT_DIRS = ("psa/providers/", "psa/simulator/")
EXEMPT_PARTS = frozenset({"tests", "migrations"})

# The wiring that has to know the PSAs by name, and why. Keep this short.
WIRING = {
    # The provider choice, and each PSA's own credential fields, labels and help texts.
    "psa/models.py",
    # Builds each PSA's provider from a connection; names the providers' client loggers.
    "psa/registry.py",
    # The connection form: which fields each PSA asks for.
    "psa/forms.py",
    # psa_doctor's checks: the call shapes of one PSA's API each (their output is the PSA's).
    "psa/diagnostics.py",
    "psa/diagnostics_autotask.py",
    # The simulators' runners and the demo that puts one MSP on each.
    "psa/management/commands/cwsim.py",
    "psa/management/commands/atsim.py",
    "resolutionflow/management/commands/seed_demo.py",
    "resolutionflow/management/commands/rundemo.py",
}


@dataclass(frozen=True)
class Mention:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text.strip()[:120]}"


def _scanned_files(root: Path) -> Iterator[str]:
    for folder, pattern in SCANNED:
        for path in sorted((root / folder).rglob(pattern)):
            relative = path.relative_to(root).as_posix()
            if relative.startswith(EXEMPT_DIRS) or EXEMPT_PARTS & set(Path(relative).parts):
                continue
            yield relative


def vendor_mentions(root: Path, allowed: frozenset[str] | set[str]) -> list[Mention]:
    """Every line naming a vendor in a scanned file that is not in `allowed`."""
    found = []
    for relative in _scanned_files(root):
        if relative in allowed:
            continue
        for number, line in enumerate((root / relative).read_text().splitlines(), start=1):
            if VENDOR.search(line):
                found.append(Mention(relative, number, line))
    return found


def test_nothing_above_the_providers_names_a_vendor() -> None:
    mentions = vendor_mentions(ROOT, WIRING)
    assert not mentions, (
        "name the connected PSA from PSACapabilities (or say 'the PSA'), or move the code into "
        "psa/providers/:\n" + "\n".join(map(str, mentions))
    )


def test_every_exemption_is_still_needed() -> None:
    """A file made neutral, renamed or deleted would otherwise keep its exemption."""
    for relative in sorted(WIRING):
        path = ROOT / relative
        assert path.exists(), f"{relative} is gone: drop it from the allowlist"
        assert VENDOR.search(path.read_text()), f"{relative} names no vendor now: drop it"


# --- the checker itself, on a planted tree ------------------------------------------------------


def test_the_checker_finds_planted_mentions(tmp_path: Path) -> None:
    plant(
        tmp_path,
        {
            "tickets/outbox.py": 'MSG = "Refused by ConnectWise"\n',
            "tickets/ai/prompt.py": "# fine\nif provider == 'autotask':\n    pass\n",
            "assistant/views.py": '"""Links a connectWise ticket."""\n',
            "templates/tickets/panel.html": "<p>Add an AUTOTASK resource</p>\n",
            "static/js/buttons.js": "// the status ConnectWise has\n",
            "psa/models.py": "CONNECTWISE = 'connectwise'\n",  # allowed below
            "psa/providers/connectwise/client.py": "class ConnectWiseClient: ...\n",
            "psa/simulator/autotask/app.py": "AUTOTASK = 1\n",
            "tickets/tests/test_x.py": "assert 'ConnectWise' in page\n",
            "tickets/migrations/0002_x.py": "('failed', 'Refused by ConnectWise')\n",
            "static/vendor/htmx.js": "// autotask\n",  # not our JavaScript: not scanned
            "resolutionflow/views.py": "# the PSA, whichever it is\n",
        },
    )
    found = {(m.path, m.line) for m in vendor_mentions(tmp_path, {"psa/models.py"})}
    assert found == {
        ("tickets/outbox.py", 1),
        ("tickets/ai/prompt.py", 2),
        ("assistant/views.py", 1),
        ("templates/tickets/panel.html", 1),
        ("static/js/buttons.js", 1),
    }


def test_the_checker_passes_a_neutral_tree(tmp_path: Path) -> None:
    plant(
        tmp_path,
        {
            "tickets/outbox.py": 'MSG = f"Refused by {caps.name}"\n',
            "templates/tickets/panel.html": "<p>Add a {{ psa.member_label }}</p>\n",
            "psa/providers/autotask/provider.py": 'CAPABILITIES = PSACapabilities(name="Autotask")\n',
        },
    )
    assert vendor_mentions(tmp_path, set()) == []
