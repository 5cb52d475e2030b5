"""Part 3 of the benchmark, the API: ``civicgraph serve`` in its own process,
on the loaded city, under 32 concurrent clients for 30 s, each asking in turn
for a need's candidates and a node with its neighbours (random ids, an admin
token). The baseline is one client asking the same questions one after the
other. Requests go to 127.0.0.1 only and stop by themselves.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from api.tokens import Role, TokenStore
from bench.report import Metric
from graph.connection import Graph
from queries.catalog import run

CLIENTS = 32
SECONDS = 30.0
BASELINE_SECONDS = 10.0


@dataclass
class Tally:
    """What the clients saw."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0

    def percentile(self, share: float) -> float:
        """A latency percentile, in ms."""
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _client(
    base: str, token: str, paths: list[str], seed: int, deadline: float, tally: Tally
) -> None:
    chooser = random.Random(seed)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30.0) as client:
        while time.perf_counter() < deadline:
            path = chooser.choice(paths)
            started = time.perf_counter()
            try:
                response = await client.get(path)
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            tally.latencies_ms.append((time.perf_counter() - started) * 1000)
            tally.errors += 0 if ok else 1


async def _load(base: str, token: str, paths: list[str], clients: int, seconds: float) -> Tally:
    tally = Tally()
    deadline = time.perf_counter() + seconds
    await asyncio.gather(
        *(_client(base, token, paths, seed, deadline, tally) for seed in range(clients))
    )
    return tally


def _wait_until_up(base: str, process: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("civicgraph serve exited before answering")
        try:
            if httpx.get(f"{base}/api/health", timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("civicgraph serve did not answer in time")


def bench_api(graph: Graph, home: Path) -> list[Metric]:
    """Serve the API from ``home``'s local Neo4j and measure it."""
    open_needs = [row["need_id"] for row in run(graph, "match_open_needs", {"community_id": None})]
    chooser = random.Random(1)
    need_ids = chooser.sample(open_needs, min(500, len(open_needs)))
    node_ids = [row["node_id"] for row in run(graph, "bench_node_sample", {"count": 500})]
    paths = [f"/api/needs/{need_id}/candidates" for need_id in need_ids] + [
        f"/api/nodes/{node_id}" for node_id in node_ids
    ]
    _, token = TokenStore(home / "tokens.json").create(Role.ADMIN, name="benchmark")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {key: value for key, value in os.environ.items() if not key.startswith("NEO4J_")}
    environment["CIVICGRAPH_HOME"] = str(home)
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_up(base, server)
        asyncio.run(_load(base, token, paths, 4, 3.0))
        baseline = asyncio.run(_load(base, token, paths, 1, BASELINE_SECONDS))
        loaded = asyncio.run(_load(base, token, paths, CLIENTS, SECONDS))
    finally:
        server.terminate()
        server.wait(timeout=30)
    rps = len(loaded.latencies_ms) / SECONDS
    baseline_rps = len(baseline.latencies_ms) / BASELINE_SECONDS
    print(f"  api: {rps:.0f} requests/s, p99 {loaded.percentile(0.99):.1f} ms", flush=True)
    return [
        Metric(
            "api_rps",
            rps,
            "requests/s",
            baseline=baseline_rps,
            goal="≥ 500 requests/s",
            note=(
                f"{CLIENTS} clients for {SECONDS:.0f} s: candidates and node-with-neighbours; "
                "baseline: one client"
            ),
        ),
        Metric(
            "api_p99_ms",
            loaded.percentile(0.99),
            "ms",
            baseline=baseline.percentile(0.99),
            goal="≤ 50 ms",
            note=f"p50 {loaded.percentile(0.5):.1f} ms; baseline: one client's p99",
        ),
        Metric(
            "api_errors",
            float(loaded.errors),
            "requests",
            baseline=float(baseline.errors),
            goal="0",
            note=f"of {len(loaded.latencies_ms):,} requests",
        ),
    ]
