"""Independent Autotask calls in parallel, through the providers' one bounded pool.

ConnectWise's `run_parallel` already copies the caller's context into its workers (so the
request's deadline travels with each call) and runs nested waves inline; Autotask needs exactly
that, so it is re-exported here rather than written twice. The per-endpoint thread limit is
enforced below this, in the client's slots.
"""

from __future__ import annotations

from psa.providers.connectwise.parallel import run_parallel

__all__ = ["run_parallel"]
