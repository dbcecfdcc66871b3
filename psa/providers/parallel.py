"""A small, bounded, module-level thread pool for independent PSA calls (ConnectWise and Autotask).

`run_parallel(f, g, h)` runs the callables concurrently and returns their results in order. If any
of them raised, it waits for the others to finish and re-raises the first failure (in argument
order), so a caller sees the same error it would have seen running them one after another.

Each call runs in a copy of the caller's context, so the request's deadline
(`resolutionflow.deadline`) travels with it into the pool thread.

Calls made from inside a pool worker run inline: a worker waiting on work queued behind it in the
same bounded pool could otherwise deadlock.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any

MAX_WORKERS = 16
_THREAD_PREFIX = "psa-cw"
_pool = ThreadPoolExecutor(max_workers=MAX_WORKERS, thread_name_prefix=_THREAD_PREFIX)


def _in_worker() -> bool:
    return threading.current_thread().name.startswith(_THREAD_PREFIX)


def run_parallel(*calls: Callable[[], Any]) -> list[Any]:
    if len(calls) <= 1 or _in_worker():
        return [call() for call in calls]
    futures = [_pool.submit(contextvars.copy_context().run, call) for call in calls]
    wait(futures)
    for future in futures:
        error = future.exception()
        if error is not None:
            raise error
    return [future.result() for future in futures]
