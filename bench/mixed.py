"""Part 3 of the benchmark, the API under mixed load: reads and writes together.

``civicgraph serve`` (as in :mod:`bench.api`) on the loaded city, under
:data:`~bench.api.CLIENTS` concurrent clients for :data:`~bench.api.SECONDS`
after a warm-up, each choosing its next request at random (:data:`MIX`):

* reads — a node with its neighbours, a need's candidates, a search by a part
  of a community's name, one audit rule in one community;
* writes — each client works its own needs through their life, one step per
  write: register a need (``POST /api/needs``, in the place and category of
  a sampled open need, with a title unique to the benchmark), assign it to
  one of that need's candidates (``POST /api/needs/{id}/assign``), resolve
  it (``POST /api/needs/{id}/resolve``).

An answer is an error unless its status is the one that request expects (201
for a registration, 200 otherwise; an assignment may also answer 409, when
the resource was filled by other needs meanwhile: that is counted apart, and
the need is left open). A broken connection or a timeout is an error too.

Afterwards the graph is asked what the writes left
(``queries/cypher/bench_mixed_writes.cypher``): every write the server
acknowledged must be there exactly once. A registration is **lost** when no
need has its title, **duplicated** when several do; an assignment is lost
when its need is not ``ASSIGNED_TO`` the resource, duplicated when the need
has more than one ``ASSIGNED_TO``; a resolution is lost when its need is not
``resolved`` with the satisfaction given. Writes whose request failed are
not counted either way (the server may or may not have made them); the note
says how many of those took effect.

The baseline is one client with the same mix, in the same run. The mixed
load runs last, after the views: its writes change the graph (new needs,
resources' loads), and every other figure is measured on the city as loaded.
"""

from __future__ import annotations

import asyncio
import json
import random
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import uvloop

from api.tokens import Role, TokenStore
from bench.api import (
    BASELINE_SECONDS,
    CLIENTS,
    REQUEST_TIMEOUT,
    SECONDS,
    SERVER_WORKERS,
    WARM_UP_SECONDS,
    Tally,
    exchange,
    get_request,
    served,
)
from bench.report import Metric, percentile
from graph.connection import Graph
from queries.catalog import run
from queries.matching import candidates

MIX: dict[str, int] = {
    "node": 31,
    "candidates": 32,
    "search": 10,
    "audit": 2,
    "write": 25,
}
"""Each kind of request's weight in a hundred: three reads in four, one
write. Audit reads are few, as a planner opens a community's audit now and
then, and costly: one rule in one community takes 5 to 70 ms, but the three
that weigh the needs (G12 to G14) 0.3 to 0.8 s each on 4 counties."""

SAMPLE_NEEDS = 300
"""Open needs sampled: their candidates are read, and new needs are raised
in their places and categories."""

SAMPLE_NODES = 300
"""Nodes sampled for the node-with-neighbours reads."""

AUDIT_RULES = tuple(f"G{number:02d}" for number in range(1, 20))
"""The rules an audit read asks for, one at a time, in one community."""

SATISFACTION = 4
"""The satisfaction every resolution records (checked in the graph)."""

TITLE_PREFIX = "bench mixed"
"""The start of every title the benchmark registers; a mark of the run's own
follows, so that the needs of an earlier run in the same graph are not
counted as this run's duplicates."""


@dataclass(frozen=True)
class Seed:
    """Where a new need is raised: an open need's place and category, and the
    resources that could take it (that need's candidates)."""

    place_id: str
    category_id: str
    resource_ids: tuple[str, ...]


@dataclass(frozen=True)
class Workload:
    """What the clients ask, prepared before they start."""

    port: int
    token: str
    reads: dict[str, list[bytes]]
    seeds: list[Seed]


@dataclass
class Ledger:
    """The writes the server acknowledged, and the write requests that failed."""

    created: dict[str, str] = field(default_factory=dict)
    """Each registered title, with the id the server gave it."""
    assigned: dict[str, str] = field(default_factory=dict)
    """Each assigned need, with its resource."""
    resolved: set[str] = field(default_factory=set)
    refused_full: int = 0
    failed_titles: set[str] = field(default_factory=set)
    """Titles whose registration failed (it may have been made all the same)."""

    @property
    def acknowledged(self) -> int:
        """Writes acknowledged."""
        return len(self.created) + len(self.assigned) + len(self.resolved)


@dataclass
class MixedTally(Tally):
    """What the clients saw, reads and writes apart."""

    read_ms: list[float] = field(default_factory=list)
    write_ms: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)


@dataclass
class _OwnNeed:
    """A need a client registered, and the step it is at."""

    need_id: str
    seed: Seed
    assigned: bool = False


def post_request(path: str, body: dict[str, Any], token: str, port: int) -> bytes:
    """One POST of ``body`` as JSON to ``path``, as HTTP/1.1 bytes."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {token}\r\nAccept: application/json\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
    )
    return head.encode("ascii") + data


class _Client:
    """One client: a keep-alive connection, its own needs, its own chooser."""

    def __init__(
        self, workload: Workload, number: int, title: str, tally: MixedTally, ledger: Ledger
    ) -> None:
        self.workload = workload
        self.chooser = random.Random(f"{title}{number}")
        self.title = f"{title}{number:02d}-"
        self.tally = tally
        self.ledger = ledger
        self.own: list[_OwnNeed] = []
        self.registered = 0
        self.connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def send(self, request: bytes) -> tuple[int, bytes] | None:
        """The status and body of ``request``'s answer; ``None`` when the
        connection broke or the answer was malformed or too slow."""
        keep = False
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT):
                if self.connection is None:
                    self.connection = await asyncio.open_connection("127.0.0.1", self.workload.port)
                status, keep, body = await exchange(*self.connection, request)
                return status, body
        except (
            OSError,
            TimeoutError,
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
            ValueError,
        ):
            return None
        finally:
            if not keep and self.connection is not None:
                self.connection[1].close()
                self.connection = None

    def count(self, kind: str, started: float, ok: bool) -> None:
        elapsed = (time.perf_counter() - started) * 1000
        self.tally.latencies_ms.append(elapsed)
        (self.tally.read_ms if kind in self.workload.reads else self.tally.write_ms).append(elapsed)
        self.tally.by_kind.setdefault(kind, []).append(elapsed)
        self.tally.errors += 0 if ok else 1

    async def read(self, kind: str) -> None:
        started = time.perf_counter()
        answer = await self.send(self.chooser.choice(self.workload.reads[kind]))
        self.count(kind, started, answer is not None and answer[0] == 200)

    async def write(self) -> None:
        if not self.own:
            await self.register()
        elif not self.own[0].assigned:
            await self.assign(self.own[0])
        else:
            await self.resolve(self.own[0])

    async def register(self) -> None:
        seed = self.chooser.choice(self.workload.seeds)
        self.registered += 1
        title = f"{self.title}{self.registered:05d}"
        body = {
            "title": title,
            "kind": "service_request",
            "category_id": seed.category_id,
            "place_id": seed.place_id,
            "urgency": 2,
        }
        started = time.perf_counter()
        answer = await self.send(
            post_request("/api/needs", body, self.workload.token, self.workload.port)
        )
        ok = answer is not None and answer[0] == 201
        self.count("register", started, ok)
        if answer is not None and ok:
            need_id = str(json.loads(answer[1])["id"])
            self.ledger.created[title] = need_id
            self.own.append(_OwnNeed(need_id, seed))
        else:
            self.ledger.failed_titles.add(title)

    async def assign(self, need: _OwnNeed) -> None:
        resource_id = self.chooser.choice(need.seed.resource_ids)
        path = f"/api/needs/{quote(need.need_id)}/assign"
        request = post_request(
            path, {"resource_id": resource_id}, self.workload.token, self.workload.port
        )
        started = time.perf_counter()
        answer = await self.send(request)
        status = None if answer is None else answer[0]
        self.count("assign", started, status in (200, 409))
        if status == 200:
            self.ledger.assigned[need.need_id] = resource_id
            need.assigned = True
            return
        if status == 409:
            self.ledger.refused_full += 1
        # Full, or failed: left as it is, and not followed further.
        self.own.pop(0)

    async def resolve(self, need: _OwnNeed) -> None:
        path = f"/api/needs/{quote(need.need_id)}/resolve"
        request = post_request(
            path, {"satisfaction": SATISFACTION}, self.workload.token, self.workload.port
        )
        started = time.perf_counter()
        answer = await self.send(request)
        ok = answer is not None and answer[0] == 200
        self.count("resolve", started, ok)
        if ok:
            self.ledger.resolved.add(need.need_id)
        self.own.pop(0)

    async def run(self, deadline: float) -> None:
        kinds = list(MIX)
        weights = [MIX[kind] for kind in kinds]
        try:
            while time.perf_counter() < deadline:
                kind = self.chooser.choices(kinds, weights)[0]
                if kind == "write":
                    await self.write()
                else:
                    await self.read(kind)
        finally:
            if self.connection is not None:
                self.connection[1].close()


def run_mixed(
    workload: Workload, clients: int, seconds: float, title: str, ledger: Ledger
) -> MixedTally:
    """``clients`` clients with the mixed load for ``seconds``, on a uvloop
    event loop; their titles start with ``title``; writes go to ``ledger``."""
    tally = MixedTally()

    async def load() -> None:
        deadline = time.perf_counter() + seconds
        await asyncio.gather(
            *(
                _Client(workload, number, title, tally, ledger).run(deadline)
                for number in range(clients)
            )
        )

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(load())
    return tally


@dataclass(frozen=True)
class WriteCheck:
    """What the graph holds of a ledger's writes."""

    lost: int
    duplicated: int
    unacknowledged: int
    """Registrations whose request failed, found in the graph all the same."""


def check_writes(graph: Graph, title: str, ledger: Ledger) -> WriteCheck:
    """Count in the graph the writes ``ledger`` holds (titles starting with ``title``)."""
    rows = run(graph, "bench_mixed_writes", {"prefix": title})
    by_title: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_title.setdefault(row["title"], []).append(row)
    by_id = {row["need_id"]: row for row in rows}
    lost = duplicated = 0
    for created in ledger.created:
        found = len(by_title.get(created, []))
        lost += found == 0
        duplicated += max(0, found - 1)
    for need_id, resource_id in ledger.assigned.items():
        resources = by_id.get(need_id, {}).get("resource_ids", [])
        lost += resource_id not in resources
        duplicated += max(0, len(resources) - 1)
    for need_id in ledger.resolved:
        row = by_id.get(need_id, {})
        lost += not (row.get("status") == "resolved" and row.get("satisfaction") == SATISFACTION)
    unacknowledged = sum(1 for failed in ledger.failed_titles if failed in by_title)
    return WriteCheck(lost, duplicated, unacknowledged)


def prepare(graph: Graph, port: int, token: str) -> Workload:
    """The reads and the places of new needs, from the loaded city."""
    sample = run(graph, "bench_mixed_sample", {"count": SAMPLE_NEEDS})
    seeds = []
    for row in sample:
        found = candidates(graph, row["need_id"])
        resource_ids = tuple(c.resource.resource_id for c in found.candidates)
        if resource_ids:
            seeds.append(Seed(row["place_id"], row["category_id"], resource_ids))
    communities = {
        row["community_id"]: row["community_name"] for row in sample if row["community_id"]
    }
    node_ids = [row["node_id"] for row in run(graph, "bench_node_sample", {"count": SAMPLE_NODES})]
    # A part of a community's name, as a planner types it: 泉河 of 泉河社区.
    terms = sorted({name[:2] for name in communities.values() if name})
    reads = {
        "node": [f"/api/nodes/{quote(node_id)}" for node_id in node_ids],
        "candidates": [f"/api/needs/{quote(row['need_id'])}/candidates" for row in sample],
        "search": [f"/api/search?q={quote(term)}&limit=20" for term in terms],
        "audit": [
            f"/api/audit?community={quote(community_id)}&rule={rule}"
            for community_id in sorted(communities)
            for rule in AUDIT_RULES
        ],
    }
    return Workload(
        port=port,
        token=token,
        reads={
            kind: [get_request(path, token, port) for path in paths]
            for kind, paths in reads.items()
        },
        seeds=seeds,
    )


def bench_mixed(graph: Graph, home: Path) -> list[Metric]:
    """Serve the API from ``home``'s local Neo4j and measure it under mixed load."""
    _, token = TokenStore(home / "tokens.json").create(Role.ADMIN, name="benchmark mixed")
    mark = f"{TITLE_PREFIX} {secrets.token_hex(4)}"
    many_title, one_title = f"{mark} many ", f"{mark} one "
    many, one = Ledger(), Ledger()
    with served(home) as port:
        workload = prepare(graph, port, token)
        run_mixed(workload, CLIENTS, WARM_UP_SECONDS, f"{many_title}w", many)
        baseline = run_mixed(workload, 1, BASELINE_SECONDS, one_title, one)
        loaded = run_mixed(workload, CLIENTS, SECONDS, f"{many_title}m", many)
    checked, baseline_checked = (
        check_writes(graph, many_title, many),
        check_writes(graph, one_title, one),
    )
    rps = len(loaded.latencies_ms) / SECONDS
    baseline_rps = len(baseline.latencies_ms) / BASELINE_SECONDS
    print(
        f"  api, mixed: {rps:.0f} requests/s, p99 {loaded.percentile(0.99):.1f} ms, "
        f"{loaded.errors} errors, writes lost {checked.lost}, duplicated {checked.duplicated}",
        flush=True,
    )
    counts = ", ".join(
        f"{kind} {len(times):,} (p99 {percentile(times, 0.99):.0f} ms)"
        for kind, times in sorted(loaded.by_kind.items())
    )
    written = (
        f"{many.acknowledged:,} acknowledged ({len(many.created):,} registered, "
        f"{len(many.assigned):,} assigned, {len(many.resolved):,} resolved; warm-up included)"
    )
    return [
        Metric(
            "api_mixed_rps",
            rps,
            "requests/s",
            baseline=baseline_rps,
            goal="—",
            note=(
                f"{CLIENTS} clients for {SECONDS:.0f} s against serve --workers "
                f"{SERVER_WORKERS}, reads and writes mixed: {counts}; baseline: one client"
            ),
        ),
        Metric(
            "api_mixed_p99_ms",
            loaded.percentile(0.99),
            "ms",
            baseline=baseline.percentile(0.99),
            goal="—",
            note=(
                f"p50 {loaded.percentile(0.5):.1f} ms; reads p99 "
                f"{percentile(loaded.read_ms, 0.99):.1f} ms, writes p99 "
                f"{percentile(loaded.write_ms, 0.99):.1f} ms; baseline: one client's p99"
            ),
        ),
        Metric(
            "api_mixed_errors",
            float(loaded.errors),
            "requests",
            baseline=float(baseline.errors),
            goal="0",
            note=(
                f"of {len(loaded.latencies_ms):,} requests; {many.refused_full:,} assignments "
                "refused because the resource had filled (409, not errors)"
            ),
        ),
        Metric(
            "api_mixed_writes_lost",
            float(checked.lost),
            "writes",
            baseline=float(baseline_checked.lost),
            goal="0",
            note=f"acknowledged writes not found in the graph afterwards, of {written}",
        ),
        Metric(
            "api_mixed_writes_duplicated",
            float(checked.duplicated),
            "writes",
            baseline=float(baseline_checked.duplicated),
            goal="0",
            note=(
                "needs registered twice, or assigned to more than one resource; "
                f"{checked.unacknowledged:,} registrations whose request failed took effect"
            ),
        ),
    ]
