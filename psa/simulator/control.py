"""The ``/_sim/...`` control surface both simulators share (config, stats, reset).

It changes faults and wipes data without credentials, so it answers loopback clients only: a
simulator bound to 0.0.0.0 (a container, a shared dev box) must not let anyone on the network
reset it or switch its faults (issue 18, item 6). A request whose peer address is unknown is
refused too: when unsure, refuse.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ControlAnswer:
    status: int
    body: dict[str, Any]


def is_loopback(remote_addr: str | None) -> bool:
    if not remote_addr:
        return False
    try:
        return ipaddress.ip_address(remote_addr.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _json_object(body: bytes, *, required: bool) -> dict[str, Any] | None:
    if not body.strip():
        return None if required else {}
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return value if isinstance(value, dict) else None


def control(
    *,
    method: str,
    name: str,
    body: bytes,
    remote_addr: str | None,
    config: Callable[[], dict[str, Any]],
    update: Callable[[dict[str, Any]], dict[str, Any]],
    stats: Callable[[], dict[str, Any]],
    reset: Callable[[bool], None],
) -> ControlAnswer:
    """Answer one control request. ``update`` raises ValueError for a bad setting; ``reset``
    clears counters and, when given True, restores the data."""
    if not is_loopback(remote_addr):
        return ControlAnswer(
            403, {"code": "Forbidden", "message": "The simulator control surface is loopback-only."}
        )
    if name == "config" and method == "GET":
        return ControlAnswer(200, config())
    if name == "config" and method == "POST":
        changes = _json_object(body, required=True)
        if changes is None:
            return ControlAnswer(
                400, {"code": "BadRequest", "message": "Send a JSON object of settings."}
            )
        try:
            return ControlAnswer(200, update(changes))
        except ValueError as error:
            return ControlAnswer(400, {"code": "BadRequest", "message": str(error)})
    if name == "stats" and method == "GET":
        return ControlAnswer(200, stats())
    if name == "reset" and method == "POST":
        options = _json_object(body, required=False)
        restore = isinstance(options, dict) and options.get("data") is True
        reset(restore)
        return ControlAnswer(200, {"reset": True, "data": restore})
    return ControlAnswer(
        404,
        {"code": "NotFound", "message": f"No simulator control endpoint {method} /_sim/{name}."},
    )
