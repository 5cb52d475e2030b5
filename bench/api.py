"""Part 3 of the benchmark, the API: ``civicgraph serve`` (one server process,
see :data:`SERVER_WORKERS`) in a process of its own, on the loaded city, under
32 concurrent clients for 30 s, each asking in turn for a need's candidates
and a node with its neighbours (random ids, an admin token), after a warm-up
of :data:`WARM_UP_SECONDS` by as many clients. The baseline is one client
asking the same questions one after the other, in the same run. Requests go
to 127.0.0.1 only and stop by themselves.

The clients share the machine's cores with the server and Neo4j, so they are
kept lean: each is one keep-alive HTTP/1.1 connection on asyncio streams (on
uvloop's event loop, as the server's),
sending prepared ``GET`` requests and reading every answer whole (head, then
``Content-Length`` bytes of body). An answer counts as an error unless its
status is 200; so does a broken connection, a malformed answer or one slower
than :data:`REQUEST_TIMEOUT` (the client then reconnects). Each latency runs
from sending the request to the last byte of its answer. A client asks its next
question as soon as it has an answer, so with 32 of them the mean latency is
32 divided by the rate.
"""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import uvloop

from api.tokens import Role, TokenStore
from bench.report import Metric, percentile
from graph.connection import Graph
from queries.catalog import run
from tests.serving import free_port, serve_command, wait_until_up

CLIENTS = 32
SERVER_WORKERS = 1
"""Server processes (``serve --workers``): one per core that Neo4j leaves free.

On the 2-core benchmark machine Neo4j uses about as much CPU per request as
the server. Before requests shared merged queries, one server process was
as fast as two (about 1,200 requests/s either way) and its tail was shorter:
two processes share the cores with Neo4j's threads unevenly, and the one the
scheduler starves holds up its clients for a second at a time. One process
also gathers every concurrent request into its merged queries."""
SECONDS = 30.0
BASELINE_SECONDS = 10.0
WARM_UP_SECONDS = 3.0
"""Seconds of warm-up, by as many clients as the measured run: each server
process then holds as many connections to Neo4j as that load needs, as a
server that has been running does."""
REQUEST_TIMEOUT = 30.0
"""Seconds one request may take before it counts as an error."""


@dataclass
class Tally:
    """What the clients saw."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0

    def percentile(self, share: float) -> float:
        """A latency percentile, in ms."""
        return percentile(self.latencies_ms, share)


def get_request(path: str, token: str, port: int) -> bytes:
    """One GET of ``path`` as HTTP/1.1 bytes, keeping the connection open."""
    return (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {token}\r\nAccept: application/json\r\n\r\n"
    ).encode("ascii")


async def exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bool, bytes]:
    """Send one request and read its whole answer.

    Returns:
        The status code, whether the server keeps the connection open, and
        the body.

    Raises:
        ValueError: an answer with a malformed head or without a ``Content-Length``.
    """
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.partition(" ")[2][:3])
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip().lower()
    if "content-length" not in headers:
        raise ValueError("an answer without Content-Length")
    body = await reader.readexactly(int(headers["content-length"]))
    return status, headers.get("connection") != "close", body


async def _client(
    port: int, requests: list[bytes], seed: int, deadline: float, tally: Tally
) -> None:
    chooser = random.Random(seed)
    connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
    try:
        while time.perf_counter() < deadline:
            request = chooser.choice(requests)
            started = time.perf_counter()
            ok = keep = False
            try:
                async with asyncio.timeout(REQUEST_TIMEOUT):
                    if connection is None:
                        connection = await asyncio.open_connection("127.0.0.1", port)
                    status, keep, _ = await exchange(*connection, request)
                ok = status == 200
            except (
                OSError,
                TimeoutError,
                asyncio.IncompleteReadError,
                asyncio.LimitOverrunError,
                ValueError,
            ):
                pass
            tally.latencies_ms.append((time.perf_counter() - started) * 1000)
            tally.errors += 0 if ok else 1
            if not keep and connection is not None:
                connection[1].close()
                connection = None
    finally:
        if connection is not None:
            connection[1].close()


async def _load(port: int, requests: list[bytes], clients: int, seconds: float) -> Tally:
    tally = Tally()
    deadline = time.perf_counter() + seconds
    await asyncio.gather(
        *(_client(port, requests, seed, deadline, tally) for seed in range(clients))
    )
    return tally


def run_load(port: int, requests: list[bytes], clients: int, seconds: float) -> Tally:
    """``clients`` clients asking ``requests`` for ``seconds``, on a uvloop event loop."""
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(_load(port, requests, clients, seconds))


@contextmanager
def served(home: Path) -> Iterator[int]:
    """``civicgraph serve`` (:data:`SERVER_WORKERS` processes) on ``home``'s
    local Neo4j, in a process of its own; yields its port once it answers."""
    port = free_port()
    environment = {key: value for key, value in os.environ.items() if not key.startswith("NEO4J_")}
    environment["CIVICGRAPH_HOME"] = str(home)
    server = subprocess.Popen(
        serve_command(port, SERVER_WORKERS),
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}", server)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


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
    with served(home) as port:
        requests = [get_request(path, token, port) for path in paths]
        run_load(port, requests, CLIENTS, WARM_UP_SECONDS)
        baseline = run_load(port, requests, 1, BASELINE_SECONDS)
        loaded = run_load(port, requests, CLIENTS, SECONDS)
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
                f"{CLIENTS} clients for {SECONDS:.0f} s against serve --workers {SERVER_WORKERS}: "
                "candidates and node-with-neighbours; baseline: one client"
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
