"""The adapter from query records to the view model, and the model's own
guarantees (unique ids, no dangling edges)."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest

from graph.errors import CivicGraphError
from graph.schema import Label, PartyOrgLevel, RelType, Severity
from tests.visualize.sample import sample_records
from visualize.model import (
    Finding,
    ViewEdge,
    ViewGraph,
    ViewKind,
    ViewNode,
    ViewRecordError,
    from_records,
    primary_label,
    rollups_from_records,
)


def test_primary_label_is_the_most_specific_known_label() -> None:
    assert primary_label(["Place", "Building"]) is Label.BUILDING
    assert primary_label(["Building", "Place"]) is Label.BUILDING
    assert primary_label(["Organization", "SocialOrg", "Legacy"]) is Label.SOCIAL_ORG
    assert primary_label(["Place"]) is Label.PLACE
    assert primary_label(["Organization"]) is Label.ORGANIZATION
    assert primary_label(["Something"]) is None


def test_node_record_fields_land_in_the_model() -> None:
    view = from_records(
        [
            {
                "id": "U-1",
                "labels": ["Place", "Unit"],
                "name": "1单元",
                "households": 24,
                "community_id": "C-1",
                "tags": ["smart_area"],
                "raised_on": datetime.date(2024, 5, 1),
                "note": None,
                "empty": "",
                "none_listed": [],
            },
            {"id": "PO-1", "labels": ["PartyOrg"], "name": "支部", "level": "area_branch"},
            {"id": "F-1", "labels": ["Facility"], "name": "驿站", "kind": "red_sail_station"},
            {"id": "SO-1", "labels": ["Organization", "SocialOrg"], "name": "社工站"},
        ],
        [],
        title_zh="标题",
        title_en="Title",
        kind=ViewKind.COMMUNITY,
    )
    unit, party_org, facility, social_org = view.nodes
    assert (unit.label, unit.kind, unit.size_hint, unit.community_id) == (
        Label.UNIT,
        "unit",
        24,
        "C-1",
    )
    assert dict(unit.properties) == {
        "households": 24,
        "tags": ("smart_area",),
        "raised_on": "2024-05-01",
    }
    assert (party_org.label, party_org.level, party_org.kind) == (
        Label.PARTY_ORG,
        PartyOrgLevel.AREA_BRANCH,
        None,
    )
    assert (facility.label, facility.kind) == (Label.FACILITY, "red_sail_station")
    assert (social_org.label, social_org.kind) == (Label.SOCIAL_ORG, "social_org")
    assert (view.title_zh, view.title_en, view.kind) == ("标题", "Title", ViewKind.COMMUNITY)


def test_personal_data_never_enters_a_view() -> None:
    view = from_records(
        [{"id": "P-1", "labels": ["Person"], "name": "王芳", "phone": "19900001234"}], []
    )
    assert "phone" not in view.nodes[0].properties


def test_a_node_without_a_name_shows_its_id() -> None:
    view = from_records([{"id": "B-9", "labels": ["Place", "Building"]}], [])
    assert view.nodes[0].name == "B-9"


def test_findings_are_read_from_mappings_and_tuples() -> None:
    view = from_records(
        [
            {
                "id": "B-1",
                "labels": ["Building"],
                "findings": [
                    {
                        "rule_id": "G05",
                        "title_zh": "楼栋无楼长",
                        "title_en": "Building without a head",
                        "severity": "MEDIUM",
                    },
                    ("G17", "无驿站", "No station", "high", 2),
                ],
            }
        ],
        [],
    )
    node = view.nodes[0]
    assert node.findings == (
        Finding("G05", "楼栋无楼长", "Building without a head", Severity.MEDIUM),
        Finding("G17", "无驿站", "No station", Severity.HIGH, 2),
    )
    assert node.worst_severity is Severity.HIGH
    assert node.finding_count == 3


def test_relationships_keep_properties_and_drop_rim_and_repeats() -> None:
    nodes = [
        {"id": "P-1", "labels": ["Person"], "name": "王芳"},
        {"id": "B-1", "labels": ["Place", "Building"], "name": "1号楼"},
        {"id": "P-1", "labels": ["Person"], "name": "repeated record, ignored"},
    ]
    relationships = [
        {"source": "P-1", "target": "B-1", "type": "HOLDS", "post": "building_head"},
        {"source": "P-1", "target": "B-1", "type": "HOLDS", "post": "building_head"},
        {"source": "P-1", "target": "B-1", "type": "HOLDS", "post": "central_household"},
        {"source": "B-1", "target": "A-1", "type": "PART_OF"},
    ]
    view = from_records(nodes, relationships)
    assert [node.name for node in view.nodes] == ["王芳", "1号楼"]
    assert {(edge.type, edge.post) for edge in view.edges} == {
        (RelType.HOLDS, "building_head"),
        (RelType.HOLDS, "central_household"),
    }
    assert len(view.edges) == 2


@pytest.mark.parametrize(
    ("nodes", "relationships", "message"),
    [
        ([{"labels": ["Person"]}], [], "lacks 'id'"),
        ([{"id": "X"}], [], "has no labels"),
        ([{"id": "X", "labels": ["Alien"]}], [], "no known label"),
        ([{"id": "X", "labels": ["PartyOrg"], "level": "galaxy"}], [], "unknown level"),
        (
            [{"id": "X", "labels": ["Building"], "findings": [("G05", "", "", "dire")]}],
            [],
            "unknown severity",
        ),
        ([{"id": "X", "labels": ["Building"], "findings": "G05"}], [], "not a list"),
        (
            [{"id": "X", "labels": ["Building"]}],
            [{"source": "X", "target": "X", "type": "LIKES"}],
            "unknown type",
        ),
        ([], [{"target": "X", "type": "PART_OF"}], "lacks 'source'"),
    ],
)
def test_malformed_records_are_refused_with_the_culprit(
    nodes: list[dict[str, object]], relationships: list[dict[str, object]], message: str
) -> None:
    with pytest.raises(ViewRecordError, match=message) as caught:
        from_records(nodes, relationships)
    assert isinstance(caught.value, CivicGraphError)


def test_a_view_refuses_duplicate_ids_and_dangling_edges() -> None:
    node = ViewNode("B-1", Label.BUILDING, "1号楼")
    with pytest.raises(ViewRecordError, match="duplicate node id"):
        ViewGraph((node, node), ())
    with pytest.raises(ViewRecordError, match="missing node: A-1"):
        ViewGraph((node,), (ViewEdge("B-1", "A-1", RelType.PART_OF),))


def test_rollup_records() -> None:
    (rollup,) = rollups_from_records(
        [
            {
                "id": "C-1",
                "name": "春晖社区",
                "households": 3200,
                "street_id": "S-1",
                "street_name": "中都街道",
                "areas": 6,
                "branches": 5,
                "grids": 4,
                "open_needs": 7,
                "findings": [
                    {
                        "rule_id": "G01",
                        "title_zh": "小区未建党支部",
                        "title_en": "Area without a branch",
                        "severity": "high",
                        "count": 1,
                    }
                ],
            }
        ]
    )
    assert (rollup.id, rollup.households, rollup.branches, rollup.open_needs) == (
        "C-1",
        3200,
        5,
        7,
    )
    assert rollup.findings[0].severity is Severity.HIGH


def test_the_sample_community_is_as_described() -> None:
    nodes, relationships = sample_records()
    view = from_records(nodes, relationships)
    labels = Counter(node.label for node in view.nodes)
    assert labels[Label.RESIDENTIAL_AREA] == 6
    assert labels[Label.BUILDING] == 60
    assert labels[Label.UNIT] == 200
    assert labels[Label.PERSON] == 300
    assert {node.level for node in view.nodes if node.level} == set(PartyOrgLevel)
    assert len(view.edges) == len(relationships)
