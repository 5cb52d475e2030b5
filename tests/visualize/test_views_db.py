"""The view queries (:mod:`visualize.views`) against the real Neo4j, on the
small hand-made workbook (``tests/data/small``): the exact nodes of a
community's tree and of a node's neighbourhood, the overview's roll-up
figures, the audit's findings on the right nodes, the scope, and the cap.

The expected sets are derived by hand from the workbook's README and CSV
files. Everything here only reads, so the workbook is loaded once.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from graph.connection import Graph
from graph.errors import NotFoundError
from graph.introspect import delete_everything
from graph.schema import Label
from loaders.load import load_workbook
from queries.audit import run_audit
from visualize.model import ViewGraph, ViewKind
from visualize.views import (
    ViewInputError,
    community_graph,
    community_view,
    find_node,
    neighbourhood_graph,
    neighbourhood_view,
    overview_rollups,
    overview_view,
    parse_labels,
)

SMALL = Path(__file__).resolve().parents[1] / "data" / "small"

CLI = [sys.executable, "-m", "api.cli"]

AS_OF = date(2024, 7, 1)
"""A day after every open need of the workbook has gone stale (G14)."""

C01_PLACES = {"C01", "A01", "A02", "G01", "G02", "B01", "B02", "B03", "U01", "U02"}
C01_PARTY = {"PC01", "PA01", "PB01", "PS01", "PX01"}
"""PC01, PA01, PB01 lead its places; PS01 and PX01 are the chain above."""
C01_ORGANIZATIONS = {"O03", "O06", "O07", "O08", "O10", "O02", "O05"}
"""Based in it (O03, O06, O07, O10), managing its areas (O08), and the
providers of services that serve it from elsewhere (O02, O05)."""
C01_FACILITIES = {"F01", "F02", "F05"}
C01_SERVICES = {"SV01", "SV02", "SV03", "SV05"}
"""SV01 covers its street, SV02 the community, SV05 an area; SV03 lists no
coverage and its provider is based in the community."""
C01_PROJECTS = {"PJ01"}
C01_PEOPLE = {"P01", "P02", "P03", "P05", "P06", "P07", "P09", "P10", "P11", "P12"}
C01_NODES = (
    C01_PLACES
    | C01_PARTY
    | C01_ORGANIZATIONS
    | C01_FACILITIES
    | C01_SERVICES
    | C01_PROJECTS
    | C01_PEOPLE
)
C01_OPEN_NEEDS = {"N01", "N04", "N07"}


@pytest.fixture(scope="module")
def small(graph: Graph) -> Iterator[Graph]:
    """The connection, with the small workbook (and nothing else) loaded."""
    delete_everything(graph)
    load_workbook(graph, SMALL)
    yield graph


def ids(view: ViewGraph) -> set[str]:
    return {node.id for node in view.nodes}


def edges(view: ViewGraph) -> set[tuple[str, str, str]]:
    return {(edge.source, edge.target, edge.type.value) for edge in view.edges}


def findings(view: ViewGraph) -> dict[str, set[str]]:
    return {
        node.id: {finding.rule_id for finding in node.findings}
        for node in view.nodes
        if node.findings
    }


# A community's tree


def test_community_tree_holds_exactly_its_places_chain_people_and_resources(
    small: Graph,
) -> None:
    view, street_id = community_graph(small, "C01")
    assert ids(view) == C01_NODES
    assert street_id == "S01"
    assert view.kind is ViewKind.COMMUNITY
    assert (view.title_zh, view.title_en) == ("如意社区 组织架构", "如意社区: organization tree")


def test_community_tree_with_open_needs(small: Graph) -> None:
    view, _ = community_graph(small, "C01", include_needs=True)
    assert ids(view) == C01_NODES | C01_OPEN_NEEDS


def test_community_tree_relationships_join_only_its_nodes(small: Graph) -> None:
    view, _ = community_graph(small, "C01", include_needs=True)
    found = edges(view)
    assert {
        ("A01", "C01", "PART_OF"),
        ("B01", "G01", "IN_GRID"),
        ("U02", "B01", "PART_OF"),
        ("PB01", "PA01", "REPORTS_TO"),
        ("PC01", "PS01", "REPORTS_TO"),
        ("PS01", "PX01", "REPORTS_TO"),
        ("PA01", "A01", "LEADS"),
        ("O08", "A02", "MANAGES"),
        ("O07", "SV03", "OFFERS"),
        ("SV05", "A01", "COVERS"),
        ("O03", "PJ01", "RUNS"),
        ("PJ01", "C01", "SERVES"),
        ("F05", "A01", "LOCATED_IN"),
        ("P06", "O03", "EMPLOYED_BY"),
        ("N04", "B03", "RAISED_IN"),
    } <= found
    # The street is not in the tree, so SV01's coverage of it is not drawn.
    assert ("SV01", "S01", "COVERS") not in found
    holds = {
        (edge.source, edge.target, edge.post) for edge in view.edges if edge.type.value == "HOLDS"
    }
    assert {
        ("P11", "B01", "building_head"),
        ("P11", "B01", "central_household"),
        ("P06", "PC01", "part_time_member"),
        ("P06", "C01", "weekend_secretary"),
        ("P12", "O07", "volunteer"),
    } <= holds
    # P09's post at G03 lies in the other community.
    assert ("P09", "G03", "grid_head") not in holds
    assert all(source in ids(view) and target in ids(view) for source, target, _ in found)


def test_community_records_leave_phones_out_and_carry_categories(small: Graph) -> None:
    view, _ = community_graph(small, "C01", include_needs=True)
    nodes = view.node_index()
    assert all("phone" not in node.properties for node in nodes.values())
    assert nodes["P09"].properties["party_member"] is False
    assert nodes["SV02"].properties["category"] == "助餐服务 Meal assistance"
    assert nodes["N04"].kind == "complaint"
    assert nodes["C01"].size_hint == 2860
    assert nodes["PB01"].level is not None and nodes["PB01"].level.value == "building_group"


def test_community_findings_sit_on_the_nodes_the_audit_names(small: Graph) -> None:
    view = community_view(small, "C01", as_of=AS_OF)
    assert findings(view) == {
        "A02": {"G01", "G09", "G17"},
        "PB01": {"G02"},
        "B03": {"G05"},
        "U02": {"G06"},
        "C01": {"G12"},
        "P09": {"G19"},
    }
    with_needs = community_view(small, "C01", include_needs=True, as_of=AS_OF)
    assert findings(with_needs) == {
        **findings(view),
        "N01": {"G14"},
        "N04": {"G13", "G14"},
        "N07": {"G14"},
    }
    assert all(node.x is not None for node in view.nodes)


def test_community_view_without_findings_and_by_label(small: Graph) -> None:
    view = community_view(
        small, "C01", findings=False, labels=parse_labels("PartyOrg,ResidentialArea")
    )
    assert findings(view) == {}
    assert ids(view) == C01_PARTY | {"A01", "A02"}


def test_unknown_community_is_not_found(small: Graph) -> None:
    with pytest.raises(NotFoundError):
        community_graph(small, "C99")
    with pytest.raises(NotFoundError):
        community_graph(small, "A01")


# The neighbourhood of a node


def test_depth_one_neighbourhood_of_a_building(small: Graph) -> None:
    view = neighbourhood_graph(small, "B01", 1)
    assert ids(view) == {"B01", "A01", "G01", "U01", "U02", "PB01", "P11", "N07"}
    assert edges(view) == {
        ("B01", "A01", "PART_OF"),
        ("B01", "G01", "IN_GRID"),
        ("U01", "B01", "PART_OF"),
        ("U02", "B01", "PART_OF"),
        ("PB01", "B01", "LEADS"),
        ("P11", "B01", "HOLDS"),
        ("N07", "B01", "RAISED_IN"),
    }
    assert len(view.edges) == 8, "P11 holds two posts at B01: two relationships"
    assert view.nodes[0].id == "B01"
    assert view.kind is ViewKind.SUBGRAPH


def test_depth_zero_is_the_node_alone(small: Graph) -> None:
    view = neighbourhood_graph(small, "PA01", 0)
    assert ids(view) == {"PA01"}
    assert view.edges == ()


def test_a_label_filter_keeps_the_neighbourhood_connected(small: Graph) -> None:
    view = neighbourhood_graph(small, "B01", 2, [Label.PLACE])
    assert ids(view) == {"B01", "A01", "G01", "U01", "U02", "C01", "B02"}
    view = neighbourhood_graph(small, "B01", 2, [Label.PERSON, Label.PARTY_ORG])
    # P11 (depth 1) leads to B02 only through a place, which is filtered out.
    assert ids(view) == {"B01", "PB01", "P11", "PA01"}


def test_categories_are_shown_but_not_expanded_through(small: Graph) -> None:
    view = neighbourhood_graph(small, "N01", 2)
    assert "cat_elderly_meal" in ids(view)
    assert "SV02" not in ids(view), "SV02 joins N01 only through their category"
    from_category = neighbourhood_graph(small, "cat_elderly_meal", 1)
    assert {"N01", "SV02", "cat_elderly_care"} <= ids(from_category)


def test_neighbourhood_limit_marks_the_view_partial(small: Graph) -> None:
    view = neighbourhood_graph(small, "C01", 3, limit=5)
    assert len(view.nodes) == 5
    assert view.title_en.endswith("(partial)")
    assert "（部分）" in view.title_zh


def test_neighbourhood_findings_and_bad_input(small: Graph) -> None:
    view = neighbourhood_view(small, "A02", 1, as_of=AS_OF)
    assert findings(view)["A02"] == {"G01", "G09", "G17"}
    assert findings(view)["B03"] == {"G05"}
    with pytest.raises(NotFoundError):
        neighbourhood_graph(small, "nothing-has-this-id", 1)
    with pytest.raises(ViewInputError):
        neighbourhood_graph(small, "B01", 4)


# The overview


def test_overview_rolls_up_each_community(small: Graph) -> None:
    scope, rollups = overview_rollups(small, "S01", as_of=AS_OF)
    assert scope["name"] == "中都街道"
    figures = {
        rollup.id: (
            rollup.name,
            rollup.households,
            rollup.street_id,
            rollup.areas,
            rollup.branches,
            rollup.grids,
            rollup.open_needs,
        )
        for rollup in rollups
    }
    assert figures == {
        "C01": ("如意社区", 2860, "S01", 2, 1, 2, 3),
        "C02": ("宝相社区", 1930, "S01", 1, 1, 1, 2),
    }
    per_rule = {
        rollup.id: {finding.rule_id: finding.count for finding in rollup.findings}
        for rollup in rollups
    }
    # The counts are the audit's, community by community.
    counted = run_audit(small, as_of=AS_OF).counts_by_community()
    assert per_rule == {community: dict(counted[community]) for community in ("C01", "C02")}
    assert per_rule["C01"]["G01"] == 1 and per_rule["C01"]["G14"] == 4
    assert per_rule["C02"]["G15"] == 1 and per_rule["C02"]["G10"] == 1
    # The county's overview holds the same communities, with the same figures.
    _, county = overview_rollups(small, "X01", as_of=AS_OF)
    assert county == rollups


def test_overview_view_links_communities_and_is_laid_out(small: Graph) -> None:
    view = overview_view(small, "X01", as_of=AS_OF)
    assert ids(view) == {"S01", "C01", "C02"}
    nodes = view.node_index()
    assert nodes["C01"].url == "community-C01.html"
    assert nodes["C01"].color is not None
    assert edges(view) == {("C01", "S01", "PART_OF"), ("C02", "S01", "PART_OF")}
    assert view.kind is ViewKind.OVERVIEW
    assert view.title_zh == "汶上县 社区总览"
    on_site = overview_view(small, "S01", community_url="/explore?community={id}", findings=False)
    assert on_site.node_index()["C02"].url == "/explore?community=C02"
    assert on_site.finding_count == 0


def test_overview_of_anything_but_a_city_county_or_street_is_refused(small: Graph) -> None:
    with pytest.raises(ViewInputError):
        overview_rollups(small, "C01")
    with pytest.raises(NotFoundError):
        overview_rollups(small, "X99")


# The caller's scope


def test_a_scope_leaves_out_what_lies_outside_it(small: Graph) -> None:
    view, _ = community_graph(small, "C01", scope_id="S01")
    # The county committee, its secretary and the county department lie in
    # the county, not in the street.
    assert ids(view) == C01_NODES - {"PX01", "P01", "O02"}
    with pytest.raises(NotFoundError):
        community_graph(small, "C01", scope_id="C02")
    with pytest.raises(NotFoundError):
        neighbourhood_graph(small, "B01", 1, scope_id="C02")
    around = neighbourhood_graph(small, "PC02", 1, scope_id="C02")
    assert "PS01" not in ids(around) and "C02" in ids(around)
    with pytest.raises(NotFoundError):
        overview_rollups(small, "S01", caller_scope_id="C01")


# Redaction and the cap


def test_redaction_comes_before_the_cap(small: Graph) -> None:
    view = community_view(small, "C01", findings=False, masked=True, max_nodes=25)
    shown = [str(value) for node in view.nodes for value in node.properties.values()]
    shown += [node.name for node in view.nodes]
    assert not any("冯强" in text or "吴磊" in text for text in shown)


def test_the_cap_aggregates_above_a_small_cap(small: Graph) -> None:
    full = community_view(small, "C01", as_of=AS_OF)
    assert len(full.nodes) == len(C01_NODES)
    capped = community_view(small, "C01", as_of=AS_OF, max_nodes=30)
    assert len(capped.nodes) <= 30
    assert capped.represented_count == len(C01_NODES)
    assert any(node.aggregate for node in capped.nodes)
    assert capped.finding_count == full.finding_count
    assert all(node.x is not None and node.y is not None for node in capped.nodes)


def test_find_node_and_parse_labels(small: Graph) -> None:
    record = find_node(small, "P09")
    assert record["name"] == "吴磊" and "phone" not in record
    assert parse_labels(None) is None
    assert parse_labels(" , ") is None
    assert parse_labels(["person", "Place,PartyOrg"]) == (
        Label.PLACE,
        Label.PARTY_ORG,
        Label.PERSON,
    )
    with pytest.raises(ViewInputError):
        parse_labels("Building,Nonsense")


# The command line


@pytest.mark.slow
def test_explore_writes_an_overview_with_its_community_pages(small: Graph, tmp_path: Path) -> None:
    out = tmp_path / "views" / "index.html"
    command = [*CLI, "explore", "--overview", "S01", "--out", str(out), "--as-of", "2024-07-01"]
    done = subprocess.run([*command, "--json"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    written = json.loads(done.stdout)["written"]
    assert [Path(entry["path"]).name for entry in written] == [
        "index.html",
        "community-C01.html",
        "community-C02.html",
    ]
    assert written[1]["nodes"] == len(C01_NODES) and written[1]["findings"] > 0
    page = out.read_text(encoding="utf-8")
    assert 'url":"community-C01.html"' in page
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "<script src=" not in page, "an offline page inlines its script"


@pytest.mark.slow
def test_explore_needs_exactly_one_view(small: Graph, tmp_path: Path) -> None:
    out = str(tmp_path / "view.html")
    for options in (["--center", "B01", "--community", "C01"], []):
        done = subprocess.run(
            [*CLI, "explore", *options, "--out", out], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 2 and "exactly one" in done.stderr
    done = subprocess.run(
        [*CLI, "explore", "--center", "B01", "--depth", "2", "--labels", "Place", "--out", out],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "如意花园1号楼 周边关系网 · 2 层" in Path(out).read_text(encoding="utf-8")
