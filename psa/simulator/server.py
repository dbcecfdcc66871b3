"""Serve the simulator over HTTP: a threaded ``wsgiref`` server with daemon threads.

``start_background(host="127.0.0.1", port=0, **fault_options)`` starts one in a background
thread (port 0 picks a free port) and returns a :class:`RunningSimulator` with ``base_url``
(``http://127.0.0.1:PORT/v4_6_release/apis/3.0``), ``root_url``, ``app`` and ``stop()``.
"""

from __future__ import annotations

import argparse
import signal
import socketserver
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from psa.simulator.app import SimulatorApp

API_PATH = "/v4_6_release/apis/3.0"


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128


class QuietHandler(WSGIRequestHandler):
    """Log nothing per request (the command enables logging when asked)."""

    def log_message(self, format: str, *args: Any) -> None:
        return


class LoggingHandler(WSGIRequestHandler):
    pass


def make_simulator_server(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    app: Any = None,
    quiet: bool = True,
    **fault_options: Any,
) -> ThreadingWSGIServer:
    application = app or SimulatorApp(**fault_options)
    handler = QuietHandler if quiet else LoggingHandler
    server = make_server(
        host, port, application, server_class=ThreadingWSGIServer, handler_class=handler
    )
    return server  # type: ignore[return-value]


@dataclass
class RunningSimulator:
    server: ThreadingWSGIServer
    thread: threading.Thread
    app: Any  # a SimulatorApp, or the Autotask simulator's AutotaskApp
    api_path: str = API_PATH

    @property
    def host(self) -> str:
        return str(self.server.server_address[0])

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}{self.api_path}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> RunningSimulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_background(
    host: str = "127.0.0.1", port: int = 0, **fault_options: Any
) -> RunningSimulator:
    """Start a simulator in a daemon thread; stop it with ``.stop()`` (or use it as a context)."""
    return serve_in_background(SimulatorApp(**fault_options), host=host, port=port, name="cwsim")


def serve_in_background(
    app: Any, *, host: str, port: int, name: str, api_path: str = API_PATH
) -> RunningSimulator:
    """Serve any simulator WSGI app from a daemon thread (both simulators use it)."""
    server = make_simulator_server(host, port, app=app)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
    )
    thread.name = f"{name}-{server.server_address[1]}"
    thread.start()
    return RunningSimulator(server=server, thread=thread, app=app, api_path=api_path)


def serve_until_stopped(server: ThreadingWSGIServer, *, say: Callable[[str], None]) -> None:
    """Serve in the foreground (``cwsim``, ``atsim``) until Ctrl-C, or a TERM from ``make run``
    shutting down, which stops as cleanly; the socket is closed either way."""
    previous = None
    if threading.current_thread() is threading.main_thread():  # signals only work there
        previous = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        say("Stopping the simulator.")
    finally:
        server.server_close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


# The fault flags both simulator commands take (`/_sim/config` changes them while it runs).
FAULT_FLAGS = ("latency_ms", "jitter_ms", "fail_rate", "rate_limit", "hang_rate", "hang_seconds")


def add_fault_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--latency-ms", type=float, default=0.0, help="fixed latency per request")
    parser.add_argument(
        "--jitter-ms", type=float, default=0.0, help="± uniform jitter on the latency"
    )
    parser.add_argument(
        "--fail-rate", type=float, default=0.0, help="share of requests answered 500 (0-1)"
    )
    parser.add_argument(
        "--rate-limit", type=int, default=0, help="requests per minute before 429 (0 = off)"
    )
    parser.add_argument(
        "--hang-rate", type=float, default=0.0, help="share of requests that stall (0-1)"
    )
    parser.add_argument(
        "--hang-seconds", type=float, default=30.0, help="how long a stalled request stalls"
    )


def fault_options(options: dict[str, Any]) -> dict[str, Any]:
    """The parsed fault flags, as the simulator apps take them."""
    return {name: options[name] for name in FAULT_FLAGS}
