"""The socket layer under every PSA client: each connection goes to an address just checked.

`requests` resolves a host name inside urllib3 when it connects, long after any check made when
the site was saved — so a site whose DNS answers a public address at save time and 127.0.0.1 (or
169.254.169.254) a minute later would otherwise reach inside our network (DNS rebinding). Here the
connection resolves the name once, refuses it if ANY answer is internal (`psa.security`), and
connects to exactly one of the checked addresses. Only the socket's destination changes: the
`Host` header, SNI and TLS certificate verification still use the host name, because urllib3
wraps this socket with `server_hostname=self.host`.
"""

from __future__ import annotations

import socket
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util.timeout import _DEFAULT_TIMEOUT

from psa.security import EgressRefused, resolve_checked


def _connect_checked(conn: HTTPConnection) -> socket.socket:
    """What urllib3's `_new_conn` does, but to the addresses `resolve_checked` approved."""
    infos = resolve_checked(conn._dns_host, conn.port or 0)  # raises EgressRefused: no socket
    last_error: OSError | None = None
    for family, socktype, proto, _name, sockaddr in infos:
        sock = socket.socket(family, socktype, proto)
        try:
            for option in conn.socket_options or ():
                sock.setsockopt(*option)
            if conn.timeout is not _DEFAULT_TIMEOUT and conn.timeout is not None:
                sock.settimeout(conn.timeout)
            if conn.source_address:
                sock.bind(conn.source_address)
            sock.connect(sockaddr)
            return sock
        except TimeoutError as exc:
            sock.close()
            raise ConnectTimeoutError(
                conn, f"Connection to {conn.host} timed out. (connect timeout={conn.timeout})"
            ) from exc
        except OSError as exc:
            sock.close()
            last_error = exc
    raise NewConnectionError(conn, f"Failed to establish a new connection: {last_error}")


class CheckedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _connect_checked(self)


class CheckedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _connect_checked(self)


class CheckedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = CheckedHTTPConnection


class CheckedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = CheckedHTTPSConnection


class CheckedAddressAdapter(HTTPAdapter):
    """An HTTPAdapter whose pools open only `Checked*Connection`s (see the module docstring)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": CheckedHTTPConnectionPool,
            "https": CheckedHTTPSConnectionPool,
        }

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        # Through a proxy the proxy would resolve the name, past our check: never use one.
        raise EgressRefused("A PSA is reached directly, never through a proxy.")
