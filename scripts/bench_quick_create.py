"""What a Quick Create parse costs in ConnectWise calls and time, over the tenant held-out prompts.

    PYTHONPATH=. python scripts/bench_quick_create.py [--latency-ms 100] [--cases FILE]

Starts the ConnectWise simulator in-process with a fixed latency, loads the reference data once
(as the cache would), then parses each prompt with the offline engine and the provider's one-wave
`tenant_search`, reading the calls each parse made from the simulator's own counter
(`/_sim/stats`). Prints one line per prompt and a summary: calls and waves per parse (at most two
calls, one wave, is the target) and the median / p90 time as a ratio to one round trip.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import requests

from psa.providers.connectwise.config import ConnectWiseConfig
from psa.providers.connectwise.provider import ConnectWiseProvider
from psa.simulator.server import start_background
from tickets.ai import parse_ticket_prompt

HERE = Path(__file__).resolve().parent
DEFAULT_CASES = HERE.parent / "tickets" / "tests" / "ai" / "tenant_held_out_cases.jsonl"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--latency-ms", type=int, default=100)
    ap.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    args = ap.parse_args()
    prompts = [
        json.loads(line)["prompt"]
        for line in args.cases.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    sim = start_background(host="127.0.0.1", port=0)
    control = f"{sim.root_url}/_sim"
    provider = ConnectWiseProvider(
        ConnectWiseConfig(
            site_url=sim.root_url,
            company_id="baysideit",
            public_key="rfdemo-public",
            private_key="rfdemo-private",
            client_id="bench-quick-create",
        )
    )
    try:
        reference = provider.reference_data()
        requests.post(
            f"{control}/config", json={"latency_ms": args.latency_ms, "jitter_ms": 0}, timeout=10
        )
        started = time.perf_counter()
        provider.list_priorities()
        rtt = time.perf_counter() - started
        calls, waves, times = [], [], []
        for prompt in prompts:
            requests.post(f"{control}/reset", json={}, timeout=10)
            started = time.perf_counter()
            result = parse_ticket_prompt(
                prompt=prompt,
                reference=reference,
                me=None,
                lookup=lambda c, d: provider.tenant_search(contact_names=c, configuration_names=d),
                use_llm=False,
            )
            elapsed = time.perf_counter() - started
            routes = requests.get(f"{control}/stats", timeout=10).json()["routes"]
            calls.append(sum(routes.values()))
            waves.append(result.meta.psa_waves)
            times.append(elapsed)
            print(f"{calls[-1]} calls {waves[-1]} wave  {elapsed * 1000:6.0f} ms  {prompt}")
        p90 = statistics.quantiles(times, n=10)[-1]
        median = statistics.median(times)
        print(
            f"\n{len(prompts)} prompts, RTT {rtt * 1000:.0f} ms: calls per parse max "
            f"{max(calls)} (mean {statistics.mean(calls):.2f}), waves per parse max {max(waves)}; "
            f"median {median * 1000:.0f} ms = {median / rtt:.2f} RTT, "
            f"p90 {p90 * 1000:.0f} ms = {p90 / rtt:.2f} RTT"
        )
        return 0 if max(calls) <= 2 and max(waves) <= 1 else 1
    finally:
        provider.close()
        sim.stop()


if __name__ == "__main__":
    raise SystemExit(main())
