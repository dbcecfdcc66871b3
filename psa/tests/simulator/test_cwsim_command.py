"""The ``cwsim`` management command: flags reach the server; bad flags stop it early."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from psa.simulator.server import ThreadingWSGIServer


def test_flags_reach_the_simulator_and_no_keys_are_printed(monkeypatch, capsys):
    captured = {}

    def fake_serve(self, poll_interval=0.5):
        captured["config"] = self.get_app().faults.config()
        captured["address"] = self.server_address
        raise KeyboardInterrupt

    monkeypatch.setattr(ThreadingWSGIServer, "serve_forever", fake_serve)
    call_command(
        "cwsim",
        "--port",
        "0",
        "--latency-ms",
        "100",
        "--jitter-ms",
        "10",
        "--fail-rate",
        "0.05",
        "--rate-limit",
        "120",
        "--hang-rate",
        "0.01",
    )
    assert captured["config"] == {
        "latency_ms": 100.0,
        "jitter_ms": 10.0,
        "fail_rate": 0.05,
        "rate_limit": 120,
        "hang_rate": 0.01,
        "hang_seconds": 30.0,
        "bad_json_rate": 0.0,
        "auth_fail_rate": 0.0,
    }
    out = capsys.readouterr().out
    assert f"http://127.0.0.1:{captured['address'][1]}/v4_6_release/apis/3.0/" in out
    assert "baysideit" in out and "northshore" in out
    for key in ("rfdemo-public", "rfdemo-private", "nsdemo-public", "nsdemo-private"):
        assert key not in out
    assert "Stopping" in out


def test_invalid_flags_exit_with_an_error(capsys):
    with pytest.raises(SystemExit) as info:
        call_command("cwsim", "--port", "0", "--fail-rate", "2")
    assert info.value.code == 2
    assert "fail_rate" in capsys.readouterr().err
