"""The ``atsim`` management command: flags reach the server, it scales, it logs no secret."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from psa.simulator.server import ThreadingWSGIServer


@pytest.fixture
def served(monkeypatch):
    captured = {}

    def fake_serve(self, poll_interval=0.5):
        captured["app"] = self.get_app()
        captured["address"] = self.server_address
        raise KeyboardInterrupt

    monkeypatch.setattr(ThreadingWSGIServer, "serve_forever", fake_serve)
    return captured


def test_flags_reach_the_simulator_and_no_secret_is_printed(served, capsys):
    call_command(
        "atsim", "--port", "0", "--latency-ms", "80", "--fail-rate", "0.1",
        "--rate-limit", "100", "--hourly-threshold", "500",
    )  # fmt: skip
    config = served["app"].config()
    assert config["latency_ms"] == 80.0 and config["fail_rate"] == 0.1
    assert config["rate_limit"] == 100 and config["hourly_threshold"] == 500
    out = capsys.readouterr().out
    assert f"http://127.0.0.1:{served['address'][1]}/ATServicesRest/V1.0/" in out
    assert "rfdemo@lakesideit.example" in out
    assert "rfdemo-secret" not in out and "RFDEMO" not in out
    assert "Stopping" in out


def test_the_default_port_is_8766():
    from psa.management.commands.atsim import DEFAULT_PORT

    assert DEFAULT_PORT == 8766


def test_sizes_grow_the_tenant(served, capsys):
    call_command(
        "atsim", "--port", "0", "--tickets", "900", "--companies", "60", "--resources", "20"
    )
    tenant = served["app"].tenant
    assert len(tenant.records("Tickets")) == 900
    assert len(tenant.records("Companies")) == 60
    assert len(tenant.records("Resources")) == 21  # and the API user
    assert "900 tickets" in capsys.readouterr().out
    tenant.reset()  # /_sim/reset restores the generated tenant, not the shipped file
    assert len(tenant.records("Tickets")) == 900


def test_invalid_flags_exit_with_an_error(capsys):
    with pytest.raises(SystemExit) as info:
        call_command("atsim", "--port", "0", "--fail-rate", "2")
    assert info.value.code == 2
    assert "fail_rate" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        call_command("atsim", "--port", "0", "--tickets", "0")
