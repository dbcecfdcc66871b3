"""The one gunicorn command line (`make run`, the benchmark/load stack, the scale and two-node
scripts): what gunicorn itself resolves from it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from resolutionflow.management.commands.rundemo import web_command
from resolutionflow.serving import gunicorn_argv

ROOT = Path(__file__).resolve().parents[2]


def _resolved(argv: list[str], **env: str) -> dict[str, str]:
    """gunicorn's own view of a command line (`--print-config` loads the config and the app)."""
    done = subprocess.run(
        [*argv, "--print-config"],
        cwd=ROOT,
        env={**os.environ, "RF_QUIET_DEV_WARNINGS": "1", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    settings = {}
    for line in done.stdout.splitlines():
        name, sep, value = line.partition("=")
        if sep:
            settings[name.strip()] = value.strip()
    return settings


@pytest.fixture(scope="module")
def sized_by_environment() -> dict[str, str]:
    return _resolved(
        gunicorn_argv(bind="127.0.0.1:8123"), WEB_CONCURRENCY="3", GUNICORN_THREADS="5"
    )


def test_make_runs_command_is_the_shared_one() -> None:
    assert web_command(host="0.0.0.0", port=8000, dev=False) == gunicorn_argv(bind="0.0.0.0:8000")


def test_the_config_file_sizes_the_server_from_the_environment(sized_by_environment) -> None:
    conf = sized_by_environment
    assert conf["wsgi_app"] == "resolutionflow.wsgi:application"
    assert (conf["workers"], conf["threads"], conf["worker_class"]) == ("3", "5", "gthread")
    assert conf["bind"] == "['127.0.0.1:8123']"
    assert conf["accesslog"] == "None"


def test_a_script_overrides_the_sizing_and_keeps_the_rest_of_the_config() -> None:
    conf = _resolved(
        gunicorn_argv(bind="127.0.0.1:8124", workers=1, threads=4, access_log="-"),
        WEB_CONCURRENCY="3",
        GUNICORN_THREADS="5",
    )
    assert (conf["workers"], conf["threads"], conf["accesslog"]) == ("1", "4", "-")
    # Timeouts and the worker class still come from resolutionflow/gunicorn.conf.py.
    assert (conf["timeout"], conf["graceful_timeout"], conf["worker_class"]) == (
        "60",
        "10",
        "gthread",
    )
