"""A tiny HTTP server on loopback that records what reached it and answers from a script."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ssl import SSLContext


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


# (status, headers, body) for a request; the default answers like an empty ConnectWise list.
Answer = Callable[[Seen], tuple[int, dict[str, str], bytes]]


def _empty_list(_: Seen) -> tuple[int, dict[str, str], bytes]:
    return 200, {"Content-Type": "application/json"}, b"[]"


@dataclass
class Listener:
    port: int
    seen: list[Seen] = field(default_factory=list)
    connections: int = 0

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def listening(answer: Answer = _empty_list, *, tls: SSLContext | None = None) -> Iterator[Listener]:
    listener = Listener(port=0)

    class Handler(BaseHTTPRequestHandler):
        def setup(self) -> None:
            listener.connections += 1
            super().setup()

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            seen = Seen(self.command, self.path, dict(self.headers), self.rfile.read(length))
            listener.seen.append(seen)
            status, headers, body = answer(seen)
            self.send_response(status)
            for name, value in {**headers, "Content-Length": str(len(body))}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PATCH = do_DELETE = _handle

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    listener.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield listener
    finally:
        server.shutdown()
        server.server_close()
