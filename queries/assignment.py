"""Assigning all open needs at once (统一派单): each to one candidate, within
the capacity each resource has left, so that the most needs are served; among
such assignments, the largest total urgency; among those, the least total
distance (and, last, the fewest broader-category matches).

It is a min-cost flow (networkx): source → need (capacity 1) → resource
(capacity 1, a cost that orders urgency over distance over category match
lexicographically) → sink (capacity: the resource's remaining places).
``max_flow_min_cost`` maximizes the flow first, so the number served comes
first whatever the costs. Before the flow, needs whose best candidate has room
for every need that could ever ask it are settled directly (no choice there can
be improved); the rest splits into independent connected components, solved
one by one. The candidates come from :mod:`queries.matching`, all needs in
one query. The greedy baseline — needs in urgency order (then raised_on, id),
each to its first-ranked candidate with room left — is computed beside it for
comparison: the optimum never serves fewer.

``--apply`` writes the plan in one write transaction (the catalog query
``match_assign_apply``), re-checking each resource's remaining capacity under
its write lock, so a plan made stale by a concurrent assignment never
overfills a resource.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import neo4j
import networkx as nx

from graph.changes import ChangeContext, recorded_write
from graph.connection import Graph
from graph.schema import Label
from queries.catalog import run_in
from queries.matching import Candidate, Coverage, ensure_community, rank_key, read_coverage

MAX_URGENCY = 3
"""Urgency runs from 1 to 3 (DESIGN.md, "Graph model")."""


@dataclass(frozen=True)
class FlowNeed:
    """An open need as the solver sees it.

    Attributes:
        need_id: its id.
        urgency: 1 to 3.
        raised_on: when it was raised (for the greedy order).
        candidates: its candidates (resources with room left), any order.
    """

    need_id: str
    urgency: int
    raised_on: date | None
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True)
class Assignment:
    """One need given to one resource.

    Attributes:
        need_id: the need.
        resource_id: the resource.
        urgency: the need's urgency.
        distance: steps up from the need's place to the covered place.
        category_match: exact or broader.
    """

    need_id: str
    resource_id: str
    urgency: int
    distance: int
    category_match: str

    def to_json(self) -> dict[str, Any]:
        """DESIGN's ``{"need_id", "resource_id"}``, plus what the choice cost."""
        return {
            "need_id": self.need_id,
            "resource_id": self.resource_id,
            "urgency": self.urgency,
            "distance": self.distance,
            "category_match": self.category_match,
        }


@dataclass
class AssignmentPlan:
    """The optimal assignment of the open needs, and the greedy baseline.

    Attributes:
        assignments: need → resource, by need id.
        unassigned: open needs left without a resource, by id.
        without_candidate: of those, the needs that had no candidate at all.
        greedy_served: how many needs the greedy baseline serves.
        greedy_urgency: the total urgency it serves.
        needs: how many open needs were considered.
        components: independent parts solved by min-cost flow.
        settled_directly: needs settled before the flow (their best candidate
            had room for everyone).
        seconds: time spent (reading, solving).
        community_id: the community the plan was limited to, if any.
    """

    assignments: list[Assignment] = field(default_factory=list)
    unassigned: list[str] = field(default_factory=list)
    without_candidate: list[str] = field(default_factory=list)
    greedy_served: int = 0
    greedy_urgency: int = 0
    needs: int = 0
    components: int = 0
    settled_directly: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    community_id: str | None = None

    @property
    def served(self) -> int:
        """Needs given a resource."""
        return len(self.assignments)

    @property
    def total_urgency(self) -> int:
        """Total urgency of the needs served."""
        return sum(assignment.urgency for assignment in self.assignments)

    @property
    def total_distance(self) -> int:
        """Total steps between the needs served and the places covered."""
        return sum(assignment.distance for assignment in self.assignments)

    def to_json(self) -> dict[str, Any]:
        """DESIGN's ``assign`` JSON shape plus the totals and the baseline."""
        return {
            "assignments": [assignment.to_json() for assignment in self.assignments],
            "unassigned": self.unassigned,
            "served": self.served,
            "needs": self.needs,
            "greedy_served": self.greedy_served,
            "greedy_urgency": self.greedy_urgency,
            "total_urgency": self.total_urgency,
            "total_distance": self.total_distance,
            "without_candidate": self.without_candidate,
            "components": self.components,
            "settled_directly": self.settled_directly,
            "community_id": self.community_id,
            "seconds": {key: round(value, 3) for key, value in self.seconds.items()},
        }


@dataclass
class ApplyReport:
    """What ``--apply`` wrote.

    Attributes:
        assigned: (need id, resource id) pairs now assigned.
        skipped: need ids left as they were (no longer open, or the resource
            filled up since the plan was made).
    """

    assigned: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The report as a JSON-ready dict."""
        return {
            "assigned": [
                {"need_id": need_id, "resource_id": resource_id}
                for need_id, resource_id in self.assigned
            ],
            "skipped": self.skipped,
        }


# --- reading ------------------------------------------------------------------


def read_open_needs(
    graph: Graph, community_id: str | None = None
) -> tuple[list[FlowNeed], dict[str, int]]:
    """Every open need with its candidates, and each resource's remaining capacity.

    Two queries in one read transaction: the open needs' ids, then their
    coverage (:func:`queries.matching.read_coverage`).

    Args:
        graph: the connection.
        community_id: only the needs raised in this community (or below it).

    Raises:
        NotFoundError: ``community_id`` names no community.
    """
    ensure_community(graph, community_id)

    def work(tx: neo4j.ManagedTransaction) -> Coverage:
        rows = run_in(tx, "match_open_needs", {"community_id": community_id})
        return read_coverage(tx, [row["need_id"] for row in rows], details=False)

    coverage = graph.read(work)
    needs = [
        FlowNeed(
            need_id=need.need_id,
            urgency=need.urgency,
            raised_on=need.raised_on,
            candidates=tuple(
                candidate
                for candidate in coverage.covering.get(need.need_id, ())
                if candidate.remaining > 0
            ),
        )
        for need in coverage.needs
    ]
    remaining = {
        resource_id: resource.remaining
        for resource_id, resource in coverage.resources.items()
        if resource.remaining > 0
    }
    return needs, remaining


# --- solving ------------------------------------------------------------------


def greedy(needs: Sequence[FlowNeed], remaining: Mapping[str, int]) -> list[Assignment]:
    """The one-by-one baseline: needs by urgency (high first), raised_on, id;
    each to its first-ranked candidate that still has room (ranked with the
    room left at that moment, as ``civicgraph candidates`` would show it)."""
    left = dict(remaining)
    assignments: list[Assignment] = []
    order = sorted(
        needs, key=lambda need: (-need.urgency, need.raised_on or date.max, need.need_id)
    )
    for need in order:
        open_candidates = [c for c in need.candidates if left.get(c.resource.resource_id, 0) > 0]
        if not open_candidates:
            continue
        best = min(open_candidates, key=lambda c: rank_key(c, left[c.resource.resource_id]))
        left[best.resource.resource_id] -= 1
        assignments.append(_assignment(need, best))
    return assignments


def solve(
    needs: Sequence[FlowNeed], remaining: Mapping[str, int]
) -> tuple[list[Assignment], int, int]:
    """The optimal assignment.

    Lexicographic objective: most needs served; then largest total urgency;
    then least total distance; then fewest broader matches.

    Args:
        needs: the open needs with their candidates.
        remaining: capacity left per resource (resources absent or ≤ 0 take nothing).

    Returns:
        The assignments (sorted by need id), the number of connected
        components solved by min-cost flow, and the number of needs settled
        before the flow.
    """
    left = {resource_id: count for resource_id, count in remaining.items() if count > 0}
    pending = {
        need.need_id: FlowNeed(
            need.need_id,
            need.urgency,
            need.raised_on,
            tuple(c for c in need.candidates if c.resource.resource_id in left),
        )
        for need in needs
    }
    pending = {need_id: need for need_id, need in pending.items() if need.candidates}
    settled = _settle_uncontested(pending, left)
    assignments = list(settled)
    components = _components(pending)
    for component in components:
        assignments.extend(_solve_component(component, left))
    assignments.sort(key=lambda assignment: assignment.need_id)
    return assignments, len(components), len(settled)


def _settle_uncontested(pending: dict[str, FlowNeed], left: dict[str, int]) -> list[Assignment]:
    """Settle the needs whose best candidate has room for every need that
    could ask it, and take them out of ``pending`` (``left`` is updated).

    Giving such a need its best candidate is safe: that resource can never
    be short, so any optimal assignment can be changed to use it without
    serving fewer, less urgent or farther needs. Settling one need lowers the
    demand on its other candidates, so it repeats until nothing changes.
    """
    settled: list[Assignment] = []
    demand: dict[str, int] = defaultdict(int)
    for need in pending.values():
        for candidate in need.candidates:
            demand[candidate.resource.resource_id] += 1
    changed = True
    while changed:
        changed = False
        for need_id in sorted(pending):
            need = pending[need_id]
            top = min((c.distance, 0 if c.is_exact else 1) for c in need.candidates)
            best = sorted(
                (
                    c
                    for c in need.candidates
                    if (c.distance, 0 if c.is_exact else 1) == top
                    and left[c.resource.resource_id] >= demand[c.resource.resource_id]
                ),
                key=lambda c: rank_key(c, left[c.resource.resource_id]),
            )
            if not best:
                continue
            chosen = best[0]
            left[chosen.resource.resource_id] -= 1
            for candidate in need.candidates:
                demand[candidate.resource.resource_id] -= 1
            settled.append(_assignment(need, chosen))
            del pending[need_id]
            changed = True
    return settled


def _components(pending: Mapping[str, FlowNeed]) -> list[list[FlowNeed]]:
    """The needs, split into groups that share no candidate (union-find)."""
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        root = key
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[key] != root:
            parent[key], key = root, parent[key]
        return root

    for need in pending.values():
        need_key = "n:" + need.need_id
        for candidate in need.candidates:
            parent[find("r:" + candidate.resource.resource_id)] = find(need_key)
    groups: dict[str, list[FlowNeed]] = defaultdict(list)
    for need_id in sorted(pending):
        groups[find("n:" + need_id)].append(pending[need_id])
    return list(groups.values())


_SOURCE = ("source",)
_SINK = ("sink",)


def _solve_component(needs: Sequence[FlowNeed], left: dict[str, int]) -> list[Assignment]:
    """Min-cost max-flow on one component; ``left`` is updated."""
    if len(needs) == 1:
        need = needs[0]
        best = min(need.candidates, key=lambda c: _cost_key(c, left))
        left[best.resource.resource_id] -= 1
        return [_assignment(need, best)]
    # Costs are whole numbers ordered lexicographically: with N needs, total
    # broader matches < N + 1 = distance_unit, and total (distance · unit +
    # broader) < urgency_unit, so urgency outweighs any distances, which
    # outweigh any category matches.
    max_distance = max(c.distance for need in needs for c in need.candidates)
    distance_unit = len(needs) + 1
    urgency_unit = len(needs) * (max_distance * distance_unit + 1) + 1
    network: nx.DiGraph[tuple[str, ...]] = nx.DiGraph()
    resource_ids = sorted({c.resource.resource_id for need in needs for c in need.candidates})
    for need in needs:
        network.add_edge(_SOURCE, ("need", need.need_id), capacity=1, weight=0)
    for need in needs:
        urgency_cost = (MAX_URGENCY - min(max(need.urgency, 1), MAX_URGENCY)) * urgency_unit
        for candidate in sorted(need.candidates, key=lambda c: c.resource.resource_id):
            network.add_edge(
                ("need", need.need_id),
                ("resource", candidate.resource.resource_id),
                capacity=1,
                weight=urgency_cost
                + candidate.distance * distance_unit
                + (0 if candidate.is_exact else 1),
            )
    for resource_id in resource_ids:
        network.add_edge(("resource", resource_id), _SINK, capacity=left[resource_id], weight=0)
    flow = nx.max_flow_min_cost(network, _SOURCE, _SINK)
    assignments: list[Assignment] = []
    for need in needs:
        sent = flow[("need", need.need_id)]
        for candidate in need.candidates:
            if sent.get(("resource", candidate.resource.resource_id), 0) > 0:
                left[candidate.resource.resource_id] -= 1
                assignments.append(_assignment(need, candidate))
                break
    return assignments


def _cost_key(candidate: Candidate, left: Mapping[str, int]) -> tuple[int, int, int, str]:
    return rank_key(candidate, left[candidate.resource.resource_id])


def _assignment(need: FlowNeed, candidate: Candidate) -> Assignment:
    return Assignment(
        need_id=need.need_id,
        resource_id=candidate.resource.resource_id,
        urgency=need.urgency,
        distance=candidate.distance,
        category_match=candidate.category_match.value,
    )


# --- the command's work ---------------------------------------------------------


def plan_assignment(graph: Graph, community_id: str | None = None) -> AssignmentPlan:
    """Read the open needs, solve the assignment, and compute the greedy baseline.

    Args:
        graph: the connection.
        community_id: only the open needs raised in this community (or below
            it); the resources keep serving everyone, so their remaining
            capacity is what the whole graph leaves.

    Raises:
        NotFoundError: ``community_id`` names no community.
    """
    started = time.perf_counter()
    needs, remaining = read_open_needs(graph, community_id)
    read_done = time.perf_counter()
    assignments, components, settled = solve(needs, remaining)
    solved = time.perf_counter()
    baseline = greedy(needs, remaining)
    greedy_done = time.perf_counter()
    served = {assignment.need_id for assignment in assignments}
    return AssignmentPlan(
        assignments=assignments,
        unassigned=sorted(need.need_id for need in needs if need.need_id not in served),
        without_candidate=sorted(need.need_id for need in needs if not need.candidates),
        greedy_served=len(baseline),
        greedy_urgency=sum(assignment.urgency for assignment in baseline),
        needs=len(needs),
        components=components,
        settled_directly=settled,
        seconds={
            "read": read_done - started,
            "solve": solved - read_done,
            "greedy": greedy_done - solved,
        },
        community_id=community_id,
    )


def apply_plan(graph: Graph, plan: AssignmentPlan, *, context: ChangeContext) -> ApplyReport:
    """Write a plan's assignments in one write transaction.

    Each resource is locked, its remaining capacity counted again, and only
    needs still open are assigned, most urgent first, up to that capacity:
    ``ASSIGNED_TO`` is created and the need's status set to ``assigned``.
    Running it twice changes nothing the second time.

    Args:
        graph: the connection.
        plan: the plan from :func:`plan_assignment`.
        context: who applies it (recorded as one change set).
    """
    by_resource: dict[str, list[Assignment]] = defaultdict(list)
    for assignment in plan.assignments:
        by_resource[assignment.resource_id].append(assignment)
    groups = [
        {
            "resource_id": resource_id,
            "need_ids": [
                a.need_id
                for a in sorted(
                    by_resource[resource_id], key=lambda a: (-a.urgency, a.distance, a.need_id)
                )
            ],
        }
        for resource_id in sorted(by_resource)
    ]
    report = ApplyReport()
    if not groups:
        return report

    def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
        return run_in(tx, "match_assign_apply", {"groups": groups})

    needs = [(Label.NEED, need_id) for group in groups for need_id in group["need_ids"]]
    for row in recorded_write(graph, context, needs, work):
        report.assigned.extend((need_id, row["resource_id"]) for need_id in row["assigned"])
        report.skipped.extend(row["skipped"])
    written = {need_id for need_id, _ in report.assigned}
    missing = {a.need_id for a in plan.assignments} - written - set(report.skipped)
    report.skipped.extend(sorted(missing))
    report.assigned.sort()
    report.skipped.sort()
    return report
