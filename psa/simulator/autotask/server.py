"""Serve the Autotask simulator from a background thread (tests, the ``at_simulator`` fixture).

``start_background(port=0)`` returns a :class:`RunningSimulator` whose ``base_url`` is
``http://127.0.0.1:PORT/ATServicesRest/V1.0`` and ``root_url`` the zone discovery host.
"""

from __future__ import annotations

from typing import Any

from psa.simulator.autotask.app import API_PREFIX, AutotaskApp
from psa.simulator.server import RunningSimulator, serve_in_background


def start_background(host: str = "127.0.0.1", port: int = 0, **options: Any) -> RunningSimulator:
    return serve_in_background(
        AutotaskApp(**options), host=host, port=port, name="atsim", api_path=API_PREFIX
    )
