"""The graph judged as of a day: the small workbook with posts that ended and
places and organizations dissolved before, or established after, the day
asked for. Each audit rule sees only the posts held and the nodes existing
that day; so do the counts, the route, the candidates, the scorecard and the
community view. A post with ``until`` D is held on D; a node dissolved on D
no longer exists on D."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from graph.connection import Graph
from loaders.load import load_workbook
from queries.audit import run_audit
from queries.matching import candidates
from queries.route import route
from queries.scorecard import community_scorecard
from queries.stats import collect_stats
from tests.loaders.workbooks import copy_small, set_where
from tests.queries.audit_expected import EXPECTED_SMALL, Found, found
from visualize.views import community_graph, neighbourhood_graph, overview_rollups

DAY = date(2024, 7, 1)
"""The past day the tests judge the graph on: after every need of the small
workbook was raised, long before today."""


@dataclass(frozen=True)
class Edit:
    """One change to a row of the small workbook."""

    file: str
    where: Mapping[str, str]
    values: Mapping[str, str] = field(default_factory=dict)


def post(person: str, name: str, target: str, **values: str) -> Edit:
    """A change to the post ``name`` that ``person`` holds at ``target``."""
    return Edit("posts.csv", {"person_id": person, "post": name, "target_id": target}, values)


def node(file: str, node_id: str, **values: str) -> Edit:
    """A change to the node ``node_id`` of ``file``."""
    return Edit(file, {"id": node_id}, values)


def load_with(graph: Graph, tmp_path: Path, edits: list[Edit]) -> Graph:
    """Make ``graph`` the small workbook with ``edits``."""
    folder = copy_small(tmp_path)
    for edit in edits:
        set_where(folder, edit.file, edit.where, **edit.values)
    load_workbook(graph, folder)
    return graph


@dataclass(frozen=True)
class Case:
    """A rule, the edits that change what it finds on :data:`DAY`, and what it
    finds then."""

    rule: str
    edits: list[Edit]
    expected: Found


CASES = [
    # PA01 is dissolved on the day: A01 has no branch that day; A02 is
    # established the day after, so it is no finding yet.
    Case(
        "G01",
        [
            node("party_orgs.csv", "PA01", dissolved="2024-07-01"),
            node("places.csv", "A02", established="2024-07-02"),
        ],
        {("A01", "C01", "residential_area")},
    ),
    # P03 left PC01 the day before; P04 leaves PC02 on the day (still holds it);
    # PB01 was dissolved in January.
    Case(
        "G02",
        [
            post("P03", "secretary", "PC01", until="2024-06-30"),
            post("P04", "secretary", "PC02", until="2024-07-01"),
            node("party_orgs.csv", "PB01", dissolved="2024-01-01"),
        ],
        {("PA03", "C02", "area_branch"), ("PC01", "C01", "community_committee")},
    ),
    Case(
        "G03",
        [
            post("P10", "grid_worker", "G02", until="2024-06-30"),
            node("places.csv", "G03", established="2024-08-01"),
        ],
        {("G02", "C01", "grid")},
    ),
    # P09 takes G01 the day after.
    Case("G04", [post("P09", "grid_head", "G01", since="2024-07-02")], {("G01", "C01", "grid")}),
    Case(
        "G05",
        [
            node("places.csv", "B03", dissolved="2024-05-01"),
            post("P14", "building_head", "B04", until="2024-06-01"),
        ],
        {("B04", "C02", "building")},
    ),
    Case(
        "G06",
        [
            node("places.csv", "U02", dissolved="2024-01-01"),
            post("P12", "unit_head", "U01", until="2024-06-30"),
        ],
        {("U01", "C01", "unit"), ("U03", "C02", "unit")},
    ),
    Case(
        "G07",
        [post("P07", "first_secretary", "C01", until="2024-06-30")],
        {("C01", "C01", "community")},
    ),
    Case(
        "G08",
        [
            post("P06", "weekend_secretary", "C01", until="2024-06-30"),
            node("places.csv", "C02", established="2024-08-01"),
        ],
        {("C01", "C01", "community")},
    ),
    # A01's owners committee and A03's property firm were dissolved.
    Case(
        "G09",
        [
            node("organizations.csv", "O10", dissolved="2024-06-01"),
            node("organizations.csv", "O09", dissolved="2024-06-01"),
        ],
        {
            ("A01", "C01", "missing: owners committee"),
            ("A02", "C01", "missing: branch, owners committee"),
            ("A03", "C02", "missing: owners committee, property firm"),
        },
    ),
    # A03's only (not red) firm was dissolved: the area is managed by nobody.
    Case("G10", [node("organizations.csv", "O09", dissolved="2024-06-01")], set()),
    # O04 is established after the day; O03 runs projects.
    Case("G11", [node("organizations.csv", "O04", established="2024-09-01")], set()),
    # SV02's provider O05 was dissolved: N01's meal assistance is covered by nothing.
    Case(
        "G12",
        [node("organizations.csv", "O05", dissolved="2024-06-01")],
        {
            ("C01", "C01", "cat_dispute_neighbour"),
            ("C01", "C01", "cat_elderly_meal"),
            ("C02", "C02", "cat_hardship_relief"),
        },
    ),
    Case(
        "G13",
        [node("organizations.csv", "O05", dissolved="2024-06-01")],
        {
            ("N01", "C01", "nothing covers it in its category"),
            ("N04", "C01", "nothing covers it in its category"),
            ("N05", "C02", "nothing covers it in its category"),
        },
    ),
    # The street working committee was dissolved: the community committees
    # and PA03, which reported to it, have no parent that day.
    Case(
        "G15",
        [node("party_orgs.csv", "PS01", dissolved="2024-06-01")],
        {
            ("PA03", "C02", "no parent"),
            ("PC01", "C01", "no parent"),
            ("PC02", "C02", "no parent"),
        },
    ),
    Case(
        "G16",
        [node("party_orgs.csv", "PC02", dissolved="2024-06-01")],
        {("O11", "C02", "two_new_org"), ("O12", None, "two_new_org")},
    ),
    # Building B04, which held A03's deliberation point, was dissolved.
    Case(
        "G17",
        [node("places.csv", "B04", dissolved="2024-06-01")],
        {("A02", "C01", "residential_area"), ("A03", "C02", "residential_area")},
    ),
    # P09 left G03 the day before: he heads two grids alone, not three.
    Case("G19", [post("P09", "grid_head", "G03", until="2024-06-30")], set()),
]


def _found(report_rule: str, graph: Graph, day: date) -> Found:
    report = run_audit(graph, rules=[report_rule], as_of=day)
    if report_rule == "G12":
        return {
            (finding.node_id, finding.community_id, finding.detail.split(" ")[0])
            for finding in report.result("G12").findings
        }
    return found(report, report_rule)


@pytest.mark.parametrize("case", CASES, ids=[case.rule for case in CASES])
def test_each_rule_judges_the_day_asked_for(empty_graph: Graph, tmp_path: Path, case: Case) -> None:
    graph = load_with(empty_graph, tmp_path, case.edits)
    assert _found(case.rule, graph, DAY) == case.expected
    planted = EXPECTED_SMALL[case.rule]
    if case.rule == "G12":
        planted = {
            (node_id, community, (detail or "").split(" ")[0])
            for node_id, community, detail in planted
        }
    assert case.expected != planted


def test_a_post_ending_on_the_day_is_held_that_day_and_not_the_next(
    empty_graph: Graph, tmp_path: Path
) -> None:
    graph = load_with(empty_graph, tmp_path, [post("P03", "secretary", "PC01", until=str(DAY))])
    on_the_day = run_audit(graph, rules=["G02"], as_of=DAY)
    after = run_audit(graph, rules=["G02"], as_of=date(2024, 7, 2))
    assert "PC01" not in {finding.node_id for finding in on_the_day.result("G02").findings}
    assert "PC01" in {finding.node_id for finding in after.result("G02").findings}


def test_a_node_dissolved_on_the_day_is_gone_that_day(empty_graph: Graph, tmp_path: Path) -> None:
    graph = load_with(empty_graph, tmp_path, [node("party_orgs.csv", "PA01", dissolved=str(DAY))])
    the_day_before = run_audit(graph, rules=["G01"], as_of=date(2024, 6, 30))
    on_the_day = run_audit(graph, rules=["G01"], as_of=DAY)
    assert found(the_day_before, "G01") == EXPECTED_SMALL["G01"]
    assert ("A01", "C01", "residential_area") in found(on_the_day, "G01")


def test_the_audit_without_a_day_is_today(empty_graph: Graph, tmp_path: Path) -> None:
    graph = load_with(empty_graph, tmp_path, [post("P03", "secretary", "PC01", until="2024-06-30")])
    report = run_audit(graph, rules=["G02"])
    assert report.as_of == date.today()
    assert "PC01" in {finding.node_id for finding in report.result("G02").findings}


HISTORY = [
    node("places.csv", "A02", established="2024-07-02"),
    post("P03", "secretary", "PC01", until="2024-06-30"),
    post("P02", "secretary", "PS01", until="2024-06-30"),
    node("organizations.csv", "O06", dissolved="2024-06-01"),
]
"""A02 is built after :data:`DAY`; PC01's and PS01's secretaries left before
it; micro org O06 (SV05's provider) was dissolved before it."""


@pytest.fixture()
def history(empty_graph: Graph, tmp_path: Path) -> Graph:
    """The small workbook with :data:`HISTORY`."""
    return load_with(empty_graph, tmp_path, HISTORY)


def test_the_counts_are_of_the_day(history: Graph) -> None:
    then = collect_stats(history, DAY).counties["X01"]
    later = collect_stats(history, date(2024, 7, 2)).counties["X01"]
    assert then.count("place", "residential_area") == 2
    assert later.count("place", "residential_area") == 3
    assert then.count("post", "secretary") == later.count("post", "secretary") == 4
    assert collect_stats(history, date(2024, 6, 30)).counties["X01"].count("post", "secretary") == 6
    assert then.count("organization_kind", "micro_org") == 0
    assert (
        collect_stats(history, date(2024, 5, 31))
        .counties["X01"]
        .count("organization_kind", "micro_org")
        == 1
    )
    assert collect_stats(history, DAY).labels["ResidentialArea"] == 2
    assert collect_stats(history).labels["ResidentialArea"] == 3


def test_the_route_is_of_the_day(history: Graph) -> None:
    def secretaries(day: date) -> list[tuple[str | None, str | None]]:
        return [(step.org_id, step.secretary_id) for step in route(history, "N01", day).steps]

    assert secretaries(DAY) == [
        ("PA01", "P05"),
        ("PC01", None),
        ("PS01", None),
        ("O01", "P13"),
        ("PX01", "P01"),
    ]
    assert secretaries(date(2024, 6, 30)) == [
        ("PA01", "P05"),
        ("PC01", "P03"),
        ("PS01", "P02"),
        ("O01", "P13"),
        ("PX01", "P01"),
    ]
    assert not route(history, "N01", DAY).complete


def test_the_candidates_are_of_the_day(history: Graph) -> None:
    def ranked(day: date) -> list[str]:
        return [
            found.resource.resource_id for found in candidates(history, "N07", as_of=day).candidates
        ]

    assert ranked(date(2024, 5, 31)) == ["SV05", "SV03"]
    assert ranked(DAY) == ["SV03"]


def test_the_scorecard_is_of_the_day(history: Graph) -> None:
    def areas(day: date) -> tuple[int, int]:
        card = community_scorecard(history, community_id="C01", as_of=day)
        (community,) = card.communities
        ratio = community.measures["areas_with_branch"]
        return ratio.numerator, ratio.denominator

    # A02, the area without a branch, is built the day after.
    assert areas(DAY) == (1, 1)
    assert areas(date(2024, 7, 2)) == (1, 2)


def test_the_community_view_is_of_the_day(history: Graph) -> None:
    then, _ = community_graph(history, "C01", as_of=DAY)
    later, _ = community_graph(history, "C01", as_of=date(2024, 7, 2))
    ids_then = {view_node.id for view_node in then.nodes}
    ids_later = {view_node.id for view_node in later.nodes}
    assert ids_later - ids_then == {"A02"}
    # P03 held only PC01's secretaryship, which he left before the day.
    assert "P03" not in ids_then and "P03" not in ids_later
    assert "O06" not in ids_then
    earlier, _ = community_graph(history, "C01", as_of=date(2024, 5, 31))
    assert {"P03", "O06"} <= {view_node.id for view_node in earlier.nodes}


def test_the_overview_and_the_neighbourhood_are_of_the_day(history: Graph) -> None:
    def areas(day: date) -> dict[str, int]:
        _, rollups = overview_rollups(history, "S01", findings=False, as_of=day)
        return {rollup.id: rollup.areas for rollup in rollups}

    assert areas(DAY) == {"C01": 1, "C02": 1}
    assert areas(date(2024, 7, 2)) == {"C01": 2, "C02": 1}

    def around(day: date) -> set[str]:
        view = neighbourhood_graph(history, "PC01", 1, as_of=day)
        return {view_node.id for view_node in view.nodes}

    assert "P03" in around(date(2024, 6, 30))
    assert "P03" not in around(DAY)
