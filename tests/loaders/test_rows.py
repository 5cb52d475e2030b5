"""The transform of a load (``loaders.rows``), without a database: the small
workbook, validated offline, becomes the node, relationship and post rows
the writers take — checked as sets of tuples against its CSV files."""

from __future__ import annotations

from datetime import date

import pytest

from graph.schema import Label, RelType
from loaders.load import default_taxonomy, plans_outgrown
from loaders.records import ValidatedWorkbook
from loaders.rows import labels_by_id, node_rows, post_rows, relationship_rows
from loaders.validate import load_and_validate
from tests.loaders.workbooks import SMALL, read_table


@pytest.fixture(scope="module")
def small() -> ValidatedWorkbook:
    return load_and_validate(SMALL, default_taxonomy().known_nodes())


def _csv_ids(file: str) -> set[str]:
    table = read_table(SMALL, file)
    return {row[0] for row in table[1:]}


def test_every_node_becomes_one_row_of_its_primary_label(small: ValidatedWorkbook) -> None:
    rows = dict(node_rows(small))
    made = {row["id"] for part in rows.values() for row in part}
    files = (
        "places.csv",
        "party_orgs.csv",
        "organizations.csv",
        "people.csv",
        "facilities.csv",
        "categories.csv",
        "services.csv",
        "projects.csv",
        "needs.csv",
    )
    assert made == set().union(*(_csv_ids(file) for file in files))
    assert {row["id"] for row in rows[Label.COMMUNITY]} == {"C01", "C02"}
    assert Label.PLACE not in rows and Label.ORGANIZATION not in rows
    for part in rows.values():
        for row in part:
            assert row["props"]["id"] == row["id"]
            assert None not in row["props"].values() and [] not in row["props"].values()


def test_properties_are_typed_and_absent_values_left_out(small: ValidatedWorkbook) -> None:
    rows = {row["id"]: row["props"] for _, part in node_rows(small) for row in part}
    assert rows["C01"] == {"id": "C01", "name": "如意社区", "kind": "community", "households": 2860}
    assert rows["A03"]["tags"] == ["smart_area", "model_property_area"]
    assert rows["X01"] == {"id": "X01", "name": "汶上县", "kind": "county"}
    assert rows["P01"] == {
        "id": "P01",
        "name": "张建国",
        "phone": "13805370001",
        "party_member": True,
    }
    assert rows["SV01"] == {"id": "SV01", "name": "法律援助进社区", "capacity": 5}
    need = rows["N03"]
    assert need["title"] == need["name"] == "咨询拖欠工资维权"
    assert need["resolved_on"] == date(2024, 3, 9) and need["satisfaction"] == 5
    assert need["status"] == "resolved" and need["urgency"] == 2


def test_posts_name_their_target_by_its_label(small: ValidatedWorkbook) -> None:
    labels = labels_by_id(small, default_taxonomy().known_nodes())
    posts = {
        (row["person"], row["post"], row["target"], row["label"], row["since"])
        for row in post_rows(small, labels)
    }
    table = read_table(SMALL, "posts.csv")
    assert len(posts) == len(table) - 1
    assert ("P01", "secretary", "PX01", Label.PARTY_ORG, date(2021, 6, 1)) in posts


def test_each_column_that_links_becomes_its_owners_and_targets(small: ValidatedWorkbook) -> None:
    labels = labels_by_id(small, default_taxonomy().known_nodes())
    by_spec = {
        (spec.type, spec.owner, spec.forward): dict(owners)
        for spec, owners in relationship_rows(small, labels)
    }
    communities = by_spec[(RelType.PART_OF, Label.COMMUNITY, True)]
    assert communities == {"C01": [("S01", Label.STREET)], "C02": [("S01", Label.STREET)]}
    # A county's parent is optional: its owner is there, with no target.
    assert by_spec[(RelType.PART_OF, Label.COUNTY, True)] == {"X01": []}
    covers = by_spec[(RelType.COVERS, Label.SERVICE, True)]
    assert covers["SV01"] == [("S01", Label.STREET)] and covers["SV03"] == []
    offers = by_spec[(RelType.OFFERS, Label.SERVICE, False)]
    assert offers["SV01"] == [("O02", Label.COUNTY_DEPARTMENT)]
    needs = by_spec[(RelType.ASSIGNED_TO, Label.NEED, True)]
    assert needs["N01"] == [] and needs["N03"] == [("SV01", Label.SERVICE)]


def test_plans_are_refreshed_only_when_a_load_changes_a_large_graph() -> None:
    assert plans_outgrown(0, 200_000)
    assert plans_outgrown(50_000, 5_000)
    assert not plans_outgrown(50_000, 400)
    assert not plans_outgrown(0, 120)
    assert not plans_outgrown(120, 120)
