"""Pure transforms: findings and tooltips, filtering, the node cap and the
county overview."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from graph.schema import Label, RelType, Severity
from tests.visualize.conftest import MakeView
from tests.visualize.sample import sample_audit, sample_rollups
from visualize.model import (
    CommunityRollup,
    Finding,
    ViewGraph,
    ViewKind,
    ViewRecordError,
)
from visualize.style import GAP_SCALE, gap_color
from visualize.transforms import (
    MIN_MAX_NODES,
    attach_findings,
    cap,
    filter_labels,
    gap_score,
    merge_findings,
    overview,
    tooltip,
)

Record = dict[str, Any]


def _building_with_units(
    units: int, *, unit_findings: dict[int, Severity] | None = None
) -> tuple[list[Record], list[Record]]:
    nodes: list[Record] = [
        {"id": "A-1", "labels": ["Place", "ResidentialArea"], "name": "锦绣花园"},
        {"id": "B-1", "labels": ["Place", "Building"], "name": "1号楼"},
    ]
    relationships: list[Record] = [{"source": "B-1", "target": "A-1", "type": "PART_OF"}]
    for number in range(1, units + 1):
        severity = (unit_findings or {}).get(number)
        nodes.append(
            {
                "id": f"U-{number:02d}",
                "labels": ["Place", "Unit"],
                "name": f"{number}单元",
                "households": 10,
                "findings": [("G06", "单元无单元长", "Unit without a head", severity.value)]
                if severity
                else [],
            }
        )
        relationships.append({"source": f"U-{number:02d}", "target": "B-1", "type": "PART_OF"})
    return nodes, relationships


# Findings and tooltips


def test_attach_findings_puts_audit_rules_on_their_nodes(community: ViewGraph) -> None:
    audit = sample_audit()
    planted = sum(len(rule["findings"]) for rule in audit)
    assert community.finding_count == planted
    index = community.node_index()
    assert [finding.rule_id for finding in index["A-6"].findings] == ["G01", "G17"]
    assert index["A-6"].worst_severity is Severity.HIGH
    assert not index["A-1"].findings


def test_attach_findings_counts_repeats_and_ignores_other_nodes(make_view: MakeView) -> None:
    view = make_view([{"id": "A-1", "labels": ["ResidentialArea"], "name": "锦绣花园"}], [])
    rules = [
        {
            "id": "G09",
            "name": "area_missing_troika",
            "severity": "medium",
            "findings": [{"node_id": "A-1"}, {"node_id": "A-1"}, {"node_id": "A-404"}],
        }
    ]
    (node,) = attach_findings(view, rules).nodes
    assert node.findings == (
        Finding("G09", "area_missing_troika", "area_missing_troika", Severity.MEDIUM, 2),
    )
    assert attach_findings(view, []) is view
    with pytest.raises(ViewRecordError, match="unknown severity"):
        attach_findings(view, [{"id": "G01", "severity": "urgent", "findings": []}])


def test_merge_findings_keeps_one_per_rule_with_the_worst_severity() -> None:
    merged = merge_findings(
        [
            Finding("G06", "单元无单元长", "Unit without a head", Severity.LOW, 3),
            Finding("G05", "楼栋无楼长", "Building without a head", Severity.MEDIUM),
            Finding("G06", "单元无单元长", "Unit without a head", Severity.HIGH, 2),
        ]
    )
    assert [(f.rule_id, f.severity, f.count) for f in merged] == [
        ("G05", Severity.MEDIUM, 1),
        ("G06", Severity.HIGH, 5),
    ]


def test_tooltip_carries_both_languages_and_the_rule_titles(community: ViewGraph) -> None:
    area = community.node_index()["A-6"]
    tip = tooltip(area)
    assert tip.title == "阳光新城"
    assert tip.subtitle == "小区 residential area"
    assert ("户数 households", str(area.size_hint)) in tip.rows
    assert tip.findings[0] == (
        "G01 小区未建党支部 / Residential area without a party branch · 高 high"
    )
    branch = tooltip(community.node_index()["PO-A1"])
    assert branch.subtitle == "小区党支部 residential-area party branch · 党组织 party organization"
    firm = tooltip(community.node_index()["PF-1"])
    assert ("红色物业 red property", "是 yes") in firm.rows
    area_one = tooltip(community.node_index()["A-1"])
    assert ("标签 tags", "智慧小区 smart residential area") in area_one.rows


# Filtering


def test_filter_keeps_labels_families_and_kinds(community: ViewGraph) -> None:
    places = filter_labels(community, [Label.PLACE])
    assert {node.label for node in places.nodes} == {
        Label.COMMUNITY,
        Label.RESIDENTIAL_AREA,
        Label.GRID,
        Label.BUILDING,
        Label.UNIT,
    }
    assert {edge.type for edge in places.edges} == {RelType.PART_OF, RelType.IN_GRID}
    chain = filter_labels(community, [Label.RESIDENTIAL_AREA], keep_kinds=["area_branch"])
    assert Counter(node.label for node in chain.nodes) == {
        Label.RESIDENTIAL_AREA: 6,
        Label.PARTY_ORG: 5,
    }
    assert {edge.type for edge in chain.edges} == {RelType.LEADS}
    ids = {node.id for node in chain.nodes}
    assert all(edge.source in ids and edge.target in ids for edge in chain.edges)


# The node cap


def test_a_view_under_the_cap_is_left_alone(community: ViewGraph) -> None:
    assert cap(community, len(community.nodes)) is community


@pytest.mark.parametrize("max_nodes", [600, 400, 250, 150, 80, 40, MIN_MAX_NODES])
def test_cap_is_never_exceeded_and_counts_are_preserved(
    community: ViewGraph, max_nodes: int
) -> None:
    capped = cap(community, max_nodes)
    assert len(capped.nodes) <= max_nodes
    assert capped.represented_count == community.represented_count
    before: Counter[Label] = Counter(node.label for node in community.nodes)
    after: Counter[Label] = Counter()
    for node in capped.nodes:
        after[node.label] += node.count
    assert after == before
    assert capped.finding_count == community.finding_count
    ids = {node.id for node in capped.nodes}
    assert all(edge.source in ids and edge.target in ids for edge in capped.edges)


def test_cap_loses_no_more_detail_than_needed(community: ViewGraph) -> None:
    capped = cap(community, 400)
    assert len(capped.nodes) > 400 * 0.9


def test_cap_is_deterministic(community: ViewGraph) -> None:
    assert cap(community, 150) == cap(community, 150)


def test_cap_refuses_an_impossible_cap(community: ViewGraph) -> None:
    with pytest.raises(ValueError, match="at least"):
        cap(community, MIN_MAX_NODES - 1)


def test_units_collapse_into_one_aggregate_per_building(make_view: MakeView) -> None:
    nodes, relationships = _building_with_units(30)
    view = make_view(nodes, relationships)
    capped = cap(view, MIN_MAX_NODES)
    assert len(capped.nodes) == 3
    aggregate = next(node for node in capped.nodes if node.aggregate)
    assert (aggregate.label, aggregate.count, aggregate.kind) == (Label.UNIT, 30, "unit")
    assert (aggregate.name, aggregate.name_en) == ("30 个单元", "30 units")
    assert aggregate.size_hint == 300
    assert (aggregate.id, aggregate.community_id) == ("agg:B-1:Unit:unit", None)
    (edge,) = [edge for edge in capped.edges if edge.source == aggregate.id]
    assert (edge.target, edge.type, edge.count) == ("B-1", RelType.PART_OF, 30)


def test_an_aggregate_keeps_the_worst_severity_of_its_members(make_view: MakeView) -> None:
    nodes, relationships = _building_with_units(
        30, unit_findings={3: Severity.LOW, 4: Severity.LOW, 9: Severity.HIGH}
    )
    capped = cap(make_view(nodes, relationships), MIN_MAX_NODES)
    aggregate = next(node for node in capped.nodes if node.aggregate)
    assert aggregate.worst_severity is Severity.HIGH
    assert aggregate.finding_count == 3
    assert [(finding.rule_id, finding.count) for finding in aggregate.findings] == [("G06", 3)]


def test_people_collapse_by_post_under_their_post(make_view: MakeView) -> None:
    nodes: list[Record] = [{"id": "VT-1", "labels": ["Organization", "VolunteerTeam"]}]
    relationships: list[Record] = []
    for number in range(40):
        nodes.append({"id": f"P{number:02d}", "labels": ["Person"], "name": f"志愿者{number}"})
        relationships.append(
            {"source": f"P{number:02d}", "target": "VT-1", "type": "HOLDS", "post": "volunteer"}
        )
    capped = cap(make_view(nodes, relationships), MIN_MAX_NODES)
    (aggregate,) = [node for node in capped.nodes if node.aggregate]
    assert (aggregate.name, aggregate.name_en) == ("40 名志愿者", "40 volunteers")
    assert aggregate.properties["post"] == "volunteer"
    assert str(aggregate.properties["members"]).startswith("志愿者0、志愿者1")


def test_what_hangs_from_a_collapsed_node_is_merged_too(community: ViewGraph) -> None:
    capped = cap(community, 150)
    index = capped.node_index()
    held = [
        (index[edge.source], index[edge.target])
        for edge in capped.edges
        if edge.type is RelType.HOLDS and index[edge.target].aggregate
    ]
    assert any(target.label is Label.UNIT for _, target in held)
    assert all(source.aggregate for source, _ in held), [(s.name, t.name) for s, t in held]


def test_the_last_resort_collapses_what_has_no_parent(make_view: MakeView) -> None:
    nodes = [{"id": f"P{n:02d}", "labels": ["Person"], "name": f"居民{n}"} for n in range(40)]
    capped = cap(make_view(nodes, []), MIN_MAX_NODES)
    (aggregate,) = capped.nodes
    assert (aggregate.id, aggregate.name, aggregate.count) == ("agg:*:Person:", "40 名人员", 40)


# The overview


def test_gap_score_is_weighted_findings_per_hundred_households() -> None:
    findings = (
        Finding("G01", "小区未建党支部", "Area without a branch", Severity.HIGH, 2),
        Finding("G06", "单元无单元长", "Unit without a head", Severity.LOW, 4),
    )
    assert gap_score(CommunityRollup("C", "c", households=2000, findings=findings)) == 0.5
    assert gap_score(CommunityRollup("C", "c", households=None, findings=findings)) == 10.0
    assert gap_score(CommunityRollup("C", "c", households=800)) == 0.0


def test_overview_has_one_node_per_community_with_its_rollup() -> None:
    rollups = sample_rollups()
    view = overview(rollups, title_zh="汶上县 社区总览", title_en="Wenshang County")
    assert view.kind is ViewKind.OVERVIEW
    communities = [node for node in view.nodes if node.label is Label.COMMUNITY]
    streets = [node for node in view.nodes if node.label is Label.STREET]
    assert len(communities) == len(rollups)
    assert {street.name for street in streets} == {"中都街道", "中山街道"}
    assert len(view.edges) == len(rollups)
    by_id = {node.id: node for node in communities}
    for rollup in rollups:
        node = by_id[rollup.id]
        assert node.size_hint == rollup.households
        assert node.url == f"community-{rollup.id}.html"
        assert node.color == gap_color(gap_score(rollup))
        assert node.properties["areas"] == rollup.areas
        assert node.properties["open_needs"] == rollup.open_needs
        assert node.finding_count == sum(finding.count for finding in rollup.findings)
        assert node.x is not None and node.y is not None
    clean = by_id["C-00"]
    assert clean.color == GAP_SCALE[0][1] and not clean.findings


def test_overview_links_are_quoted_and_templated() -> None:
    rollup = CommunityRollup("C 1/东", "东关社区")
    (node,) = overview([rollup], title_zh="t", title_en="t", url_template="/views/{id}").nodes
    assert node.url == "/views/C%201%2F%E4%B8%9C"


def test_overview_tooltip_rolls_up() -> None:
    view = overview(sample_rollups(), title_zh="t", title_en="t")
    node = next(node for node in view.nodes if node.id == "C-05")
    tip = tooltip(node)
    captions = [caption for caption, _ in tip.rows]
    assert captions[:5] == [
        "户数 households",
        "小区 residential areas",
        "小区党支部 area party branches",
        "网格 grids",
        "待办需求 open needs",
    ]
    assert any(line.startswith("G01 小区未建党支部") for line in tip.findings)
    assert tip.hint == "点击打开 · click to open"


def test_overview_ignores_node_order() -> None:
    rollups = sample_rollups()
    forwards = overview(rollups, title_zh="t", title_en="t")
    backwards = overview(list(reversed(rollups)), title_zh="t", title_en="t")
    assert forwards == backwards


def test_nodes_without_rollup_street_form_their_own_cluster() -> None:
    view = overview(
        [CommunityRollup("C-1", "甲社区"), CommunityRollup("C-2", "乙社区")],
        title_zh="t",
        title_en="t",
    )
    assert [node.label for node in view.nodes] == [Label.COMMUNITY, Label.COMMUNITY]
    assert len({(node.x, node.y) for node in view.nodes}) == 2


def test_overview_nodes_are_communities_and_streets_only() -> None:
    view = overview(sample_rollups(), title_zh="t", title_en="t")
    assert {node.label for node in view.nodes} == {Label.COMMUNITY, Label.STREET}
    assert {node.layout_level for node in view.nodes if node.label is Label.STREET} == {0}
