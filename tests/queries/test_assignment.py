"""The assignment of all open needs (``queries.assignment``): hand-made cases
on the small workbook, properties on random worlds (against networkx's own
matchings, computed independently), and ``--apply``."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.changes import Actor, ChangeContext
from graph.connection import Graph
from graph.errors import NotFoundError
from graph.introspect import check_nodes, check_rels
from graph.schema import Label, RelType
from queries.assignment import (
    Assignment,
    AssignmentPlan,
    FlowNeed,
    apply_plan,
    greedy,
    plan_assignment,
    solve,
)
from queries.matching import Candidate, CategoryMatch, Resource, ResourceKind
from tests.queries.matching_workbooks import (
    LEAF_CATEGORIES,
    TOP_CATEGORIES,
    LoadedWorkbook,
    World,
    WorldNeed,
    WorldService,
    add_row,
    copy_small,
    write_world,
)
from tests.queries.test_matching import cli


def applying() -> ChangeContext:
    """A change set of its own for each ``apply_plan``."""
    return ChangeContext(actor=Actor.cli(), via="assign --apply")


@pytest.fixture(scope="module")
def loaded(graph: Graph) -> LoadedWorkbook:
    """What this module has loaded."""
    return LoadedWorkbook(graph)


@pytest.fixture()
def small(loaded: LoadedWorkbook) -> Graph:
    """The small workbook (loaded again only after a variant)."""
    return loaded.small()


def pairs(plan: AssignmentPlan) -> set[tuple[str, str]]:
    return {(a.need_id, a.resource_id) for a in plan.assignments}


# --- the small workbook ----------------------------------------------------------


def test_small_workbook_plan(small: Graph) -> None:
    # Open: N01 (SV02), N04 (nothing), N05 (only the planned PJ02), N06 (SV04),
    # N07 (SV05 one step up, SV03 two): all three served, nearest first.
    plan = plan_assignment(small)
    assert pairs(plan) == {("N01", "SV02"), ("N06", "SV04"), ("N07", "SV05")}
    assert plan.unassigned == ["N04", "N05"]
    assert plan.without_candidate == ["N04", "N05"]
    assert (plan.needs, plan.served, plan.greedy_served) == (5, 3, 3)
    assert plan.total_urgency == 2 + 1 + 1
    assert plan.total_distance == 3 + 1 + 1
    value = plan.to_json()
    assert {"assignments", "unassigned", "served", "greedy_served"} <= value.keys()
    assert value["assignments"][0] == {
        "need_id": "N01",
        "resource_id": "SV02",
        "urgency": 2,
        "distance": 3,
        "category_match": "exact",
    }


def test_community_filter(small: Graph) -> None:
    plan = plan_assignment(small, "C02")
    assert pairs(plan) == {("N06", "SV04")}
    assert plan.unassigned == ["N05"]
    with pytest.raises(NotFoundError, match="community not found: C99"):
        plan_assignment(small, "C99")


def contested(tmp_path: Path) -> Path:
    """The small workbook plus two contests.

    Home visits: SV15 covers A01 and A03 (1 place), SV16 covers C01 (1 place).
    N10 (B01, urgency 3) can take either; N11 (B04 in A03, urgency 1) only
    SV15. Greedy gives N10 its nearest, SV15, and N11 nothing; the optimum
    sends N10 to SV16 and serves both.

    Hardship visits: SV17 covers A03 (1 place); N12 (urgency 1, raised first)
    and N13 (urgency 3) both want it: the more urgent one gets it.
    """
    folder = copy_small(tmp_path)
    for service_id, category, covers in (
        ("SV15", "cat_elderly_visit", "A01;A03"),
        ("SV16", "cat_elderly_visit", "C01"),
        ("SV17", "cat_hardship_visits", "A03"),
    ):
        add_row(
            folder,
            "services.csv",
            id=service_id,
            name=f"服务{service_id}",
            provider_id="O07",
            category=category,
            capacity="1",
            covers=covers,
        )
    for need_id, category, place, urgency, raised in (
        ("N10", "cat_elderly_visit", "B01", "3", "2024-05-02"),
        ("N11", "cat_elderly_visit", "B04", "1", "2024-05-03"),
        ("N12", "cat_hardship_visits", "B04", "1", "2024-05-01"),
        ("N13", "cat_hardship_visits", "U03", "3", "2024-05-30"),
    ):
        add_row(
            folder,
            "needs.csv",
            id=need_id,
            title=f"需求{need_id}",
            kind="micro_wish",
            category=category,
            place_id=place,
            urgency=urgency,
            raised_on=raised,
            status="open",
        )
    return folder


def test_the_optimum_serves_more_than_greedy_and_the_more_urgent(
    loaded: LoadedWorkbook, tmp_path: Path
) -> None:
    graph = loaded.variant(contested(tmp_path))
    plan = plan_assignment(graph)
    assert {("N10", "SV16"), ("N11", "SV15"), ("N13", "SV17")} <= pairs(plan)
    assert "N12" in plan.unassigned
    # The three of the small workbook, plus N10, N11, N13.
    assert plan.served == 6
    assert plan.greedy_served == 5


# --- apply ---------------------------------------------------------------------------


def assigned_state(graph: Graph) -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    """(need, resource) ASSIGNED_TO edges to services and projects, and (need, status)."""
    edges = check_rels(graph, Label.NEED, RelType.ASSIGNED_TO, Label.SERVICE) | check_rels(
        graph, Label.NEED, RelType.ASSIGNED_TO, Label.PROJECT
    )
    return edges, check_nodes(graph, Label.NEED, ["id", "status"])


def test_apply_writes_edges_and_statuses_in_one_transaction(
    loaded: LoadedWorkbook, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph = loaded.small()
    loaded.current = None  # this test changes the graph
    plan = plan_assignment(graph)
    writes: list[object] = []
    original = graph.write

    def counting_write(work: Any, *args: Any, **kwargs: Any) -> Any:
        writes.append(work)
        return original(work, *args, **kwargs)

    monkeypatch.setattr(graph, "write", counting_write)
    report = apply_plan(graph, plan, context=applying())
    assert len(writes) == 1
    assert report.assigned == [("N01", "SV02"), ("N06", "SV04"), ("N07", "SV05")]
    assert report.skipped == []
    edges, statuses = assigned_state(graph)
    assert edges == {
        ("N01", "SV02"),
        ("N02", "PJ01"),
        ("N03", "SV01"),
        ("N06", "SV04"),
        ("N07", "SV05"),
    }
    assert {status for need, status in statuses if need in ("N01", "N06", "N07")} == {"assigned"}
    assert ("N04", "open") in statuses and ("N05", "open") in statuses
    # The lock taken on each resource leaves no trace.
    assert {lock for (lock,) in check_nodes(graph, Label.SERVICE, ["assignment_lock"])} == {None}

    # Applying the same plan again changes nothing; a new plan finds nothing to do.
    again = apply_plan(graph, plan, context=applying())
    assert again.assigned == []
    assert again.skipped == ["N01", "N06", "N07"]
    assert assigned_state(graph) == (edges, statuses)
    fresh = plan_assignment(graph)
    assert fresh.assignments == []
    assert fresh.unassigned == ["N04", "N05"]


def test_apply_rechecks_capacity_against_a_concurrent_assignment(
    loaded: LoadedWorkbook, tmp_path: Path
) -> None:
    folder = copy_small(tmp_path)
    add_row(
        folder,
        "needs.csv",
        id="N08",
        title="代买药品",
        kind="micro_wish",
        category="cat_proxy_errands",
        place_id="B02",
        urgency="1",
        raised_on="2024-05-21",
        status="open",
    )
    graph = loaded.variant(folder)
    plan = plan_assignment(graph)
    # N07 and N08 both want SV05 (one place) before SV03: one of them gets it.
    planned_for_sv05 = next(a.need_id for a in plan.assignments if a.resource_id == "SV05")
    other = "N08" if planned_for_sv05 == "N07" else "N07"
    assert (other, "SV03") in pairs(plan)
    # Meanwhile, someone gives SV05 to the other need.
    meanwhile = AssignmentPlan(assignments=[Assignment(other, "SV05", 1, 1, "exact")])
    assert apply_plan(graph, meanwhile, context=applying()).assigned == [(other, "SV05")]

    report = apply_plan(graph, plan, context=applying())
    assert planned_for_sv05 in report.skipped  # SV05 is full now
    assert other in report.skipped  # no longer open
    edges, _ = assigned_state(graph)
    assert Counter(resource for _, resource in edges)["SV05"] == 1
    assert (planned_for_sv05, "SV05") not in edges


# --- properties on random worlds ----------------------------------------------------

CATEGORIES = (*TOP_CATEGORIES, *(leaf for leaves in LEAF_CATEGORIES.values() for leaf in leaves))


@st.composite
def worlds(draw: st.DrawFn) -> World:
    """A county W0 with one street, 1–2 communities of 1–2 areas of 0–2
    buildings; 1–5 services with capacity 0–2 covering up to 3 places; 1–10
    needs, some assigned. Small capacities make needs compete."""
    world = World()
    world.parents = {"W0": None, "W0S": "W0"}
    world.kinds = {"W0": "county", "W0S": "street"}
    for community in range(draw(st.integers(1, 2))):
        community_id = f"C{community}"
        world.parents[community_id] = "W0S"
        world.kinds[community_id] = "community"
        for area in range(draw(st.integers(1, 2))):
            area_id = f"{community_id}A{area}"
            world.parents[area_id] = community_id
            world.kinds[area_id] = "residential_area"
            for building in range(draw(st.integers(0, 2))):
                building_id = f"{area_id}B{building}"
                world.parents[building_id] = area_id
                world.kinds[building_id] = "building"
    places = sorted(world.parents)
    below_county = [place for place in places if place != "W0"]
    for number in range(draw(st.integers(1, 5))):
        covers = draw(st.lists(st.sampled_from(places), max_size=3, unique=True))
        world.services.append(
            WorldService(
                service_id=f"R{number}",
                provider_place=draw(st.sampled_from(below_county)),
                covers=tuple(sorted(covers)),
                category=draw(st.sampled_from(CATEGORIES)),
                capacity=draw(st.integers(0, 2)),
            )
        )
    leaves = [leaf for leaves in LEAF_CATEGORIES.values() for leaf in leaves]
    for number in range(draw(st.integers(1, 10))):
        assigned = draw(st.sampled_from([None, None, None, *world.services]))
        world.needs.append(
            WorldNeed(
                need_id=f"Q{number:02d}",
                place=draw(st.sampled_from(places)),
                category=draw(st.sampled_from([*leaves, *TOP_CATEGORIES])),
                urgency=draw(st.integers(1, 3)),
                raised_on=date(2024, 1, 1) + timedelta(days=draw(st.integers(0, 30))),
                assigned_to=assigned.service_id if assigned else None,
            )
        )
    return world


def optimum(world: World) -> tuple[int, int, int, int]:
    """(served, total urgency, −total distance, −broader matches) of the best
    assignment, by networkx's maximum-weight matching on capacity slots."""
    edges = world.candidate_edges()
    remaining = world.remaining()
    urgency = {need.need_id: need.urgency for need in world.needs}
    count = len(edges) + 1
    broader_unit = 1
    distance_unit = count * broader_unit + 1
    urgency_unit = count * (7 * distance_unit + broader_unit) + 1
    served_unit = count * 3 * urgency_unit + 1
    network: nx.Graph[tuple[str, ...]] = nx.Graph()
    for need_id, options in edges.items():
        for service_id, (distance, exact) in options.items():
            for slot in range(max(remaining[service_id], 0)):
                network.add_edge(
                    ("need", need_id),
                    ("slot", service_id, str(slot)),
                    weight=served_unit
                    + urgency[need_id] * urgency_unit
                    - distance * distance_unit
                    - (0 if exact else broader_unit),
                )
    matching = nx.max_weight_matching(network)
    served = urgency_total = distance_total = broader_total = 0
    for left, right in matching:
        need_node, slot_node = (left, right) if left[0] == "need" else (right, left)
        distance, exact = edges[need_node[1]][slot_node[1]]
        served += 1
        urgency_total += urgency[need_node[1]]
        distance_total += distance
        broader_total += 0 if exact else 1
    return served, urgency_total, -distance_total, -broader_total


def max_matching_size(world: World) -> int:
    """The most needs any assignment can serve (Hopcroft–Karp on capacity slots)."""
    remaining = world.remaining()
    network: nx.Graph[tuple[str, ...]] = nx.Graph()
    needs = [("need", need_id) for need_id in world.candidate_edges()]
    network.add_nodes_from(needs)
    for need_id, options in world.candidate_edges().items():
        for service_id in options:
            for slot in range(max(remaining[service_id], 0)):
                network.add_edge(("need", need_id), ("slot", service_id, str(slot)))
    matching = nx.bipartite.hopcroft_karp_matching(network, top_nodes=needs)
    return sum(1 for node in matching if node[0] == "need")


def check_plan(world: World, assignments: list[Assignment], greedy_served: int) -> None:
    """Every property an assignment of the world's open needs must have."""
    edges = world.candidate_edges()
    remaining = world.remaining()
    urgency = {need.need_id: need.urgency for need in world.needs}
    # Each need once, only open needs, only to one of its candidates, at its distance.
    assert len({a.need_id for a in assignments}) == len(assignments)
    for assignment in assignments:
        assert assignment.need_id in edges
        assert assignment.resource_id in edges[assignment.need_id]
        distance, exact = edges[assignment.need_id][assignment.resource_id]
        assert assignment.distance == distance
        assert assignment.category_match == ("exact" if exact else "broader")
    # Never over capacity.
    load = Counter(a.resource_id for a in assignments)
    for resource_id, count in load.items():
        assert count <= remaining[resource_id]
    # The most needs, never fewer than greedy.
    assert len(assignments) == max_matching_size(world)
    assert len(assignments) >= greedy_served
    # No swap: an unserved need never shares a candidate with a served,
    # less urgent one, nor has a candidate with room left.
    served = {a.need_id: a.resource_id for a in assignments}
    for need_id, options in edges.items():
        if need_id in served:
            continue
        for resource_id in options:
            assert load[resource_id] == remaining[resource_id]
            for other, other_resource in served.items():
                if other_resource == resource_id:
                    assert urgency[other] >= urgency[need_id]
    # Lexicographically optimal: count, then urgency, then distance, then exactness.
    achieved = (
        len(assignments),
        sum(urgency[a.need_id] for a in assignments),
        -sum(a.distance for a in assignments),
        -sum(1 for a in assignments if a.category_match == "broader"),
    )
    assert achieved == optimum(world)


def flow_needs(world: World) -> tuple[list[FlowNeed], dict[str, int]]:
    """The world's open needs as the solver takes them, built from the test's own edges."""
    remaining = world.remaining()
    capacity = {service.service_id: service.capacity for service in world.services}
    category = {service.service_id: service.category for service in world.services}
    needs = []
    for need in world.needs:
        if need.assigned_to:
            continue
        options = world.candidate_edges()[need.need_id]
        needs.append(
            FlowNeed(
                need_id=need.need_id,
                urgency=need.urgency,
                raised_on=need.raised_on,
                candidates=tuple(
                    Candidate(
                        resource=Resource(
                            resource_id=service_id,
                            kind=ResourceKind.SERVICE,
                            name=service_id,
                            provider_id=None,
                            provider_name=None,
                            category_id=category[service_id],
                            category_zh=None,
                            category_en=None,
                            capacity=capacity[service_id],
                            assigned=capacity[service_id] - remaining[service_id],
                        ),
                        category_match=CategoryMatch.EXACT if exact else CategoryMatch.BROADER,
                        distance=distance,
                        covered_place_id="",
                        covered_place_name="",
                    )
                    for service_id, (distance, exact) in sorted(options.items())
                ),
            )
        )
    return needs, remaining


@settings(max_examples=300, deadline=None)
@given(worlds())
def test_solver_properties(world: World) -> None:
    needs, remaining = flow_needs(world)
    assignments, _, _ = solve(needs, remaining)
    check_plan(world, assignments, len(greedy(needs, remaining)))


@pytest.mark.slow
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=worlds())
def test_assignment_properties_through_the_database(
    loaded: LoadedWorkbook, tmp_path_factory: pytest.TempPathFactory, world: World
) -> None:
    folder = write_world(world, tmp_path_factory.mktemp("world"))
    graph = loaded.variant(folder)
    plan = plan_assignment(graph)
    check_plan(world, plan.assignments, plan.greedy_served)
    open_needs = {need.need_id for need in world.needs if not need.assigned_to}
    assert set(plan.unassigned) == open_needs - {a.need_id for a in plan.assignments}


# --- command line -----------------------------------------------------------------------


@pytest.mark.slow
def test_cli_assign_json(small: Graph) -> None:
    done = cli("assign", "--json")
    assert done.returncode == 0, done.stderr
    value = json.loads(done.stdout)
    assert {(a["need_id"], a["resource_id"]) for a in value["assignments"]} == {
        ("N01", "SV02"),
        ("N06", "SV04"),
        ("N07", "SV05"),
    }
    assert value["unassigned"] == ["N04", "N05"]
    assert value["greedy_served"] == 3
    assert value["applied"] is None


@pytest.mark.slow
def test_cli_assign_unknown_community(small: Graph) -> None:
    done = cli("assign", "--community", "C99")
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == ["civicgraph: error: community not found: C99"]
