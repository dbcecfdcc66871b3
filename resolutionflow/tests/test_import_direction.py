"""Apps import in one direction: assistant → tickets → psa → resolutionflow.

`resolutionflow` is the foundation (accounts and tenancy, the activity log, the htmx and error
helpers, the request deadline) and imports no app; only its shell modules (settings, urls, the
WSGI/ASGI entry points, the Celery app, the demo runner and `seed_demo`) may, because they put
the apps together. Every import in product code is read from its source (module level and
inside functions alike), so an arrow pointing back fails here whichever way it was written.
Tests are not product code: they may build data through any app.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from resolutionflow.tests.trees import plant

ROOT = Path(__file__).resolve().parents[2]

# Lowest first: an app may import the apps at or below its own place.
LAYERS = ("resolutionflow", "psa", "tickets", "assistant")
SHELL_MODULES = frozenset(
    {
        "resolutionflow.settings",
        "resolutionflow.urls",
        "resolutionflow.wsgi",
        "resolutionflow.asgi",
        "resolutionflow.celery",
        "resolutionflow.management.commands.rundemo",
        "resolutionflow.management.commands.seed_demo",
    }
)


@dataclass(frozen=True)
class BackArrow:
    module: str
    line: int
    imported: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.imported}"


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported_names(tree: ast.AST, module: str, is_package: bool) -> Iterator[tuple[int, str]]:
    """Every module an `import` or `from ... import` names, relative ones made absolute."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):  # walks into functions and classes too
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            # `from .. import x` names module x itself: each imported name is one possible module.
            for alias in node.names:
                yield node.lineno, ".".join(part for part in (name, alias.name) if part)


def _product_files(root: Path, apps: tuple[str, ...]) -> Iterator[Path]:
    for app in apps:
        for path in sorted((root / app).rglob("*.py")):
            if "tests" not in path.relative_to(root).parts:
                yield path


def back_arrows(
    root: Path, layers: tuple[str, ...] = LAYERS, shell: frozenset[str] = SHELL_MODULES
) -> list[BackArrow]:
    rank = {app: height for height, app in enumerate(layers)}
    found = []
    for path in _product_files(root, layers):
        module = _module_name(root, path)
        own = rank[module.split(".")[0]]
        if module in shell:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for line, imported in _imported_names(tree, module, path.name == "__init__.py"):
            target = imported.split(".")[0]
            if target in rank and rank[target] > own:
                found.append(BackArrow(module, line, imported))
    return found


def test_no_app_imports_an_app_above_it() -> None:
    arrows = back_arrows(ROOT)
    assert not arrows, "imports pointing back up the layers:\n" + "\n".join(map(str, arrows))


def test_the_shell_modules_exist() -> None:
    """A renamed shell module would otherwise leave a stale exemption behind."""
    for module in SHELL_MODULES:
        assert (ROOT / (module.replace(".", "/") + ".py")).exists(), module


# --- the checker itself, on a planted tree ------------------------------------------------------


def test_the_checker_finds_planted_back_arrows(tmp_path: Path) -> None:
    plant(
        tmp_path,
        {
            "resolutionflow/__init__.py": "",
            "resolutionflow/settings.py": "import assistant.views\n",  # shell: allowed
            "resolutionflow/helpers.py": "def f():\n    from psa.models import X\n",
            "resolutionflow/tests/test_x.py": "import assistant\n",  # a test: allowed
            "psa/__init__.py": "",
            "psa/views.py": "from resolutionflow import htmx\nimport tickets.selectors\n",
            "psa/sub/__init__.py": "",
            "psa/sub/deep.py": "from ... import tickets\nfrom .. import views\n",
            "tickets/__init__.py": "",
            "tickets/views.py": "from psa import views\nfrom . import x\n",
            "assistant/__init__.py": "",
            "assistant/views.py": "import tickets, psa, resolutionflow\n",
        },
    )
    found = {(a.module, a.imported) for a in back_arrows(tmp_path)}
    assert found == {
        ("resolutionflow.helpers", "psa.models.X"),  # inside a function
        ("psa.views", "tickets.selectors"),
        ("psa.sub.deep", "tickets"),  # relative, resolved past the app's own root
    }


def test_the_checker_passes_a_tree_that_keeps_the_direction(tmp_path: Path) -> None:
    plant(
        tmp_path,
        {
            "resolutionflow/__init__.py": "",
            "resolutionflow/urls.py": "from tickets import dashboard\n",
            "psa/__init__.py": "",
            "psa/views.py": "from resolutionflow.htmx import toast\n",
            "tickets/__init__.py": "",
            "tickets/views.py": "def v():\n    from psa.selectors import member_for_user\n",
            "assistant/__init__.py": "",
            "assistant/views.py": "from tickets import selectors\n",
        },
    )
    assert back_arrows(tmp_path) == []
