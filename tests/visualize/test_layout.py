"""The hierarchical layout of an organization tree and the structural parents
it and the cap rely on."""

from __future__ import annotations

from dataclasses import replace

from graph.schema import Label, PartyOrgLevel, RelType
from tests.visualize.conftest import MakeView
from tests.visualize.sample import sample_rollups
from visualize.layout import hierarchical_layout, layout_parents, structural_parents
from visualize.model import ViewGraph, ViewNode
from visualize.transforms import overview


def _level(node: ViewNode) -> int:
    assert node.layout_level is not None, node.id
    return node.layout_level


def _x(node: ViewNode) -> float:
    assert node.x is not None, node.id
    return node.x


def _y(node: ViewNode) -> float:
    assert node.y is not None, node.id
    return node.y


def test_every_node_gets_a_level_and_a_position(prepared: ViewGraph) -> None:
    for node in prepared.nodes:
        assert node.layout_level is not None and node.layout_level >= 0
        assert node.x is not None and node.y is not None


def test_parents_sit_above_their_children(community: ViewGraph, prepared: ViewGraph) -> None:
    parents = layout_parents(community)
    index = prepared.node_index()
    assert parents, "the sample has a tree"
    for child_id, parent_id in parents.items():
        child, parent = index[child_id], index[parent_id]
        assert _level(child) == _level(parent) + 1
        assert _y(parent) < _y(child)
    roots = [node for node in prepared.nodes if node.id not in parents]
    assert all(node.layout_level == 0 for node in roots)


def test_the_party_chain_runs_top_down(prepared: ViewGraph) -> None:
    index = prepared.node_index()
    for edge in prepared.edges:
        if edge.type is RelType.REPORTS_TO:
            assert _y(index[edge.target]) < _y(index[edge.source])
    depth: dict[PartyOrgLevel, set[int]] = {}
    for node in prepared.nodes:
        if node.level is not None:
            depth.setdefault(node.level, set()).add(_level(node))
    levels = [min(depth[level]) for level in PartyOrgLevel]
    assert levels == sorted(levels) and len(set(levels)) == len(levels)


def test_places_hang_from_the_party_org_that_leads_them(community: ViewGraph) -> None:
    parents = layout_parents(community)
    assert parents["A-1"] == "PO-A1"
    assert parents["A-6"] == "C-CH", "an area without a branch hangs from its community"
    assert parents["B-01"] == "PO-B01"
    assert parents["B-40"] == "A-4", "a building without a party group hangs from its area"
    assert parents["PO-A1"] == "PO-CH"


def test_dependents_hang_from_their_anchor(community: ViewGraph) -> None:
    parents = structural_parents(community)
    assert parents["U-001"].node_id == "B-01"
    assert parents["SU-1"].node_id == "C-CH"
    assert parents["PF-3"].node_id == "A-3", "a firm hangs from the first area it manages"
    assert parents["TN-1"].node_id == "PO-CH", "a two-new org hangs from its fallback org"
    assert parents["PRJ-1"].node_id == "SU-1"
    assert parents["F-R1"].node_id == "A-1"
    assert parents["N-1"].node_id == "B-03"


def test_a_person_hangs_from_their_first_post(make_view: MakeView) -> None:
    view = make_view(
        [
            {"id": "P-1", "labels": ["Person"], "name": "王芳"},
            {"id": "VT-1", "labels": ["Organization", "VolunteerTeam"], "name": "志愿队"},
            {"id": "PO-1", "labels": ["PartyOrg"], "name": "支部", "level": "area_branch"},
        ],
        [
            {"source": "P-1", "target": "VT-1", "type": "HOLDS", "post": "volunteer"},
            {"source": "P-1", "target": "PO-1", "type": "HOLDS", "post": "secretary"},
        ],
    )
    parent = structural_parents(view)["P-1"]
    assert (parent.node_id, parent.post) == ("PO-1", "secretary")


def test_no_two_nodes_share_a_position(prepared: ViewGraph) -> None:
    positions = [(node.x, node.y) for node in prepared.nodes]
    assert len(set(positions)) == len(positions)


def test_layout_does_not_depend_on_input_order(community: ViewGraph) -> None:
    forwards = hierarchical_layout(community)
    backwards = hierarchical_layout(
        replace(community, nodes=community.nodes[::-1], edges=community.edges[::-1])
    )
    where = {node.id: (node.x, node.y, node.layout_level) for node in forwards.nodes}
    assert {node.id: (node.x, node.y, node.layout_level) for node in backwards.nodes} == where


def test_layout_is_about_screen_shaped(prepared: ViewGraph) -> None:
    xs = [_x(node) for node in prepared.nodes]
    ys = [_y(node) for node in prepared.nodes]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    assert 0.4 < width / height < 4


def test_a_broken_chain_neither_loops_nor_turns_upside_down(make_view: MakeView) -> None:
    view = make_view(
        [
            {"id": "PO-A", "labels": ["PartyOrg"], "name": "支部", "level": "area_branch"},
            {"id": "PO-B", "labels": ["PartyOrg"], "name": "小组", "level": "building_group"},
            {"id": "PO-C", "labels": ["PartyOrg"], "name": "无级别"},
            {"id": "P-1", "labels": ["Person"], "name": "王芳"},
        ],
        [
            {"source": "PO-A", "target": "PO-B", "type": "REPORTS_TO"},
            {"source": "PO-B", "target": "PO-A", "type": "REPORTS_TO"},
            {"source": "PO-C", "target": "PO-C", "type": "REPORTS_TO"},
            {"source": "P-1", "target": "PO-B", "type": "HOLDS", "post": "secretary"},
        ],
    )
    assert layout_parents(view) == {"PO-B": "PO-A", "P-1": "PO-B"}
    laid_out = hierarchical_layout(view).node_index()
    assert _y(laid_out["PO-A"]) < _y(laid_out["PO-B"]) < _y(laid_out["P-1"])


def test_dependents_cannot_form_a_cycle(make_view: MakeView) -> None:
    view = make_view(
        [
            {"id": "SU-1", "labels": ["Organization", "StationedUnit"], "name": "医院"},
            {"id": "PRJ-1", "labels": ["Project"], "name": "义诊"},
            {"id": "SV-1", "labels": ["Service"], "name": "服务"},
        ],
        [
            {"source": "SU-1", "target": "PRJ-1", "type": "RUNS"},
            {"source": "PRJ-1", "target": "SV-1", "type": "OFFERS"},
            {"source": "SV-1", "target": "SU-1", "type": "OFFERS"},
        ],
    )
    parents = layout_parents(view)
    for start in parents:
        seen = {start}
        current = parents.get(start)
        while current is not None:
            assert current not in seen
            seen.add(current)
            current = parents.get(current)
    assert all(node.x is not None for node in hierarchical_layout(view).nodes)


def test_an_empty_view_lays_out_as_empty() -> None:
    empty = ViewGraph((), ())
    assert hierarchical_layout(empty) == empty


def test_overview_streets_sit_among_their_communities() -> None:
    view = overview(sample_rollups(), title_zh="t", title_en="t")
    index = view.node_index()
    for edge in view.edges:
        community, street = index[edge.source], index[edge.target]
        assert street.label is Label.STREET and community.layout_level == 1
        distance = ((_x(community) - _x(street)) ** 2 + (_y(community) - _y(street)) ** 2) ** 0.5
        assert 0 < distance < 600
