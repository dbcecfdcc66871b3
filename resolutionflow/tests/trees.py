"""Planted source trees, for tests of the checkers that read the whole project."""

from __future__ import annotations

from pathlib import Path


def plant(root: Path, files: dict[str, str]) -> None:
    """Writes each `relative path: source` under `root`, making the folders it needs."""
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
