"""Loading workbooks into the real Neo4j: what is written, idempotency,
``replace``, partial workbooks, all-or-nothing rejection, and the export round
trip."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.connection import Graph
from graph.errors import ValidationError
from graph.introspect import (
    check_nodes,
    check_rels,
    count_nodes,
    count_relationships,
    delete_everything,
)
from graph.schema import Label, RelType
from loaders.export import export_workbook
from loaders.load import known_nodes, load_workbook, validate_against_graph
from queries.changes import node_history
from queries.export import export_rows
from tests.loaders.workbooks import (
    SMALL,
    add_row,
    copy_small,
    delete_rows,
    problems_of,
    read_table,
    set_cell,
)

CLI = [sys.executable, "-m", "api.cli"]


def _counts(graph: Graph) -> tuple[int, int]:
    return count_nodes(graph), count_relationships(graph)


def _files(folder: Path) -> dict[str, str]:
    return {
        path.name: path.read_text(encoding="utf-8-sig") for path in sorted(folder.glob("*.csv"))
    }


def test_the_small_workbook_loads_as_written(empty_graph: Graph) -> None:
    load_workbook(empty_graph, SMALL)

    assert check_nodes(empty_graph, Label.COMMUNITY, ["id", "name"]) == {
        ("C01", "如意社区"),
        ("C02", "宝相社区"),
    }
    assert check_rels(empty_graph, Label.RESIDENTIAL_AREA, RelType.PART_OF, Label.COMMUNITY) == {
        ("A01", "C01"),
        ("A02", "C01"),
        ("A03", "C02"),
    }
    assert check_rels(empty_graph, Label.BUILDING, RelType.IN_GRID, Label.GRID) == {
        ("B01", "G01"),
        ("B02", "G01"),
        ("B03", "G02"),
        ("B04", "G03"),
    }
    assert check_rels(empty_graph, Label.PARTY_ORG, RelType.REPORTS_TO, Label.PARTY_ORG) >= {
        ("PA03", "PS01"),
        ("PB01", "PA01"),
    }
    assert check_rels(
        empty_graph, Label.PROPERTY_FIRM, RelType.MANAGES, Label.RESIDENTIAL_AREA
    ) == {
        ("O08", "A01"),
        ("O08", "A02"),
        ("O09", "A03"),
    }
    assert check_rels(empty_graph, Label.PARTY_ORG, RelType.FALLBACK_FOR, Label.TWO_NEW_ORG) == {
        ("PC02", "O11")
    }
    assert ("P09", "G01", "grid_head") in check_rels(
        empty_graph, Label.PERSON, RelType.HOLDS, Label.GRID, ["post"]
    )
    assert check_rels(empty_graph, Label.NEED, RelType.ASSIGNED_TO, Label.PROJECT) == {
        ("N02", "PJ01")
    }
    # The default taxonomy comes with every load.
    assert count_nodes(empty_graph, Label.CATEGORY) == 69
    assert (
        "cat_elderly_care",
        "养老服务",
        "Elderly care",
    ) in check_nodes(empty_graph, Label.CATEGORY, ["id", "name_zh", "name_en"])


def test_property_types_survive_the_load(empty_graph: Graph) -> None:
    load_workbook(empty_graph, SMALL)

    needs = {
        row[0]: row[1:]
        for row in check_nodes(
            empty_graph, Label.NEED, ["id", "urgency", "raised_on", "status", "satisfaction"]
        )
    }
    urgency, raised_on, status, satisfaction = needs["N03"]
    assert isinstance(urgency, int) and status == "resolved" and satisfaction == 5
    assert raised_on.iso_format() == "2024-03-02"
    firms = dict(check_nodes(empty_graph, Label.PROPERTY_FIRM, ["id", "red_property"]))
    assert firms == {"O08": True, "O09": False}


def test_loading_twice_changes_nothing(empty_graph: Graph) -> None:
    load_workbook(empty_graph, SMALL)
    first = (
        _counts(empty_graph),
        check_rels(empty_graph, Label.PERSON, RelType.HOLDS, Label.GRID, ["post"]),
    )
    load_workbook(empty_graph, SMALL)

    assert (
        _counts(empty_graph),
        check_rels(empty_graph, Label.PERSON, RelType.HOLDS, Label.GRID, ["post"]),
    ) == first


def test_a_reload_updates_properties_and_moves_relationships_in_place(
    empty_graph: Graph, tmp_path: Path
) -> None:
    load_workbook(empty_graph, SMALL)
    before = _counts(empty_graph)
    workbook = copy_small(tmp_path)
    set_cell(workbook, "places.csv", 2, "name", "汶上县（新）")
    building_row = next(
        number
        for number, row in enumerate(read_table(workbook, "places.csv")[1:], start=2)
        if row[0] == "B03"
    )
    set_cell(workbook, "places.csv", building_row, "parent_id", "A01")
    set_cell(workbook, "places.csv", building_row, "grid_id", "G01")

    load_workbook(empty_graph, workbook)

    assert ("X01", "汶上县（新）") in check_nodes(empty_graph, Label.COUNTY, ["id", "name"])
    buildings = check_rels(empty_graph, Label.BUILDING, RelType.PART_OF, Label.RESIDENTIAL_AREA)
    assert ("B03", "A01") in buildings and ("B03", "A02") not in buildings
    assert _counts(empty_graph) == before


def test_replace_makes_the_graph_equal_to_the_workbook(empty_graph: Graph, tmp_path: Path) -> None:
    load_workbook(empty_graph, SMALL)
    workbook = copy_small(tmp_path)
    delete_rows(workbook, "needs.csv", lambda row: row["id"] != "N07")
    delete_rows(
        workbook, "posts.csv", lambda row: (row["person_id"], row["target_id"]) != ("P09", "G03")
    )

    report = load_workbook(empty_graph, workbook, replace=True)

    assert "N07" not in {node_id for (node_id,) in check_nodes(empty_graph, Label.NEED, ["id"])}
    assert report.deleted_nodes == {"Need": 1}
    assert report.deleted_posts == 1
    grid_heads = check_rels(empty_graph, Label.PERSON, RelType.HOLDS, Label.GRID, ["post"])
    assert ("P09", "G03", "grid_head") not in grid_heads
    assert ("P09", "G01", "grid_head") in grid_heads


def _post(graph: Graph, person: str, post: str, target: str) -> dict[str, object] | None:
    rows = graph.query(
        "MATCH (:Person {id: $person})-[r:HOLDS {post: $post}]->({id: $target}) "
        "RETURN r.since AS since, r.until AS until",
        {"person": person, "post": post, "target": target},
    )
    if not rows:
        return None
    return {key: value.to_native() if value is not None else None for key, value in rows[0].items()}


def test_a_load_that_drops_a_post_ends_it_on_the_load_day(
    empty_graph: Graph, tmp_path: Path
) -> None:
    load_workbook(empty_graph, SMALL)
    workbook = copy_small(tmp_path)
    delete_rows(
        workbook, "posts.csv", lambda row: (row["person_id"], row["target_id"]) != ("P09", "G03")
    )
    day = date(2026, 11, 30)

    report = load_workbook(empty_graph, workbook, day=day)

    assert report.ended_posts == 1 and report.deleted_posts == 0
    assert _post(empty_graph, "P09", "grid_head", "G03") == {
        "since": date(2022, 5, 1),
        "until": day,
    }
    assert _post(empty_graph, "P09", "grid_head", "G01") == {
        "since": date(2022, 5, 1),
        "until": None,
    }
    (change,) = [
        entry
        for entry in node_history(empty_graph, "G03").entries
        if entry.changeset == report.changeset
    ]
    assert change.op == "update" and change.key == "grid_head"
    assert change.before is not None and change.after is not None
    assert ("until" in change.before, change.after["until"]) == (False, "2026-11-30")
    again = load_workbook(empty_graph, workbook, day=date(2026, 12, 1))
    assert (again.ended_posts, again.changeset) == (0, None)


def test_a_dropped_post_that_was_to_begin_later_is_deleted_and_others_are_left(
    empty_graph: Graph, tmp_path: Path
) -> None:
    load_workbook(empty_graph, SMALL)
    workbook = copy_small(tmp_path)
    set_cell(workbook, "posts.csv", 2, "since", "2027-01-01")
    load_workbook(empty_graph, workbook, day=date(2026, 11, 30))
    delete_rows(workbook, "posts.csv", lambda row: row["person_id"] != "P01")
    # A partial workbook of one person's posts speaks of that person and of
    # the places and organizations it names, not of the rest of the county.
    partial = tmp_path / "partial"
    partial.mkdir()
    (partial / "posts.csv").write_text(
        "person_id,post,target_id,since\nP09,grid_head,G01,2022-05-01\n", encoding="utf-8"
    )

    report = load_workbook(empty_graph, workbook, day=date(2026, 11, 30))
    assert (report.ended_posts, report.deleted_posts) == (0, 1)
    assert _post(empty_graph, "P01", "secretary", "PX01") is None

    partial_report = load_workbook(empty_graph, partial, day=date(2026, 11, 30))
    assert partial_report.ended_posts == 3
    assert {
        (person, post, target)
        for person, post, target in [
            ("P09", "grid_worker", "G01"),
            ("P09", "grid_head", "G02"),
            ("P09", "grid_head", "G03"),
        ]
        if (_post(empty_graph, person, post, target) or {}).get("until") == date(2026, 11, 30)
    } == {("P09", "grid_worker", "G01"), ("P09", "grid_head", "G02"), ("P09", "grid_head", "G03")}
    assert _post(empty_graph, "P10", "grid_worker", "G02") == {
        "since": date(2022, 5, 1),
        "until": None,
    }


def test_a_partial_workbook_is_checked_against_the_nodes_it_names_and_those_above_them(
    empty_graph: Graph, tmp_path: Path
) -> None:
    """The graph is asked only about the ids the workbook names (and what lies
    above them); the problems are those a check against the whole graph
    finds, a cycle running through the graph's own hierarchy included."""
    load_workbook(empty_graph, SMALL)
    partial = tmp_path / "partial"
    partial.mkdir()
    (partial / "places.csv").write_text(
        "id,name,kind,parent_id\nX01,汶上县,county,A01\nB09,新楼,building,A03\n",
        encoding="utf-8",
    )
    (partial / "needs.csv").write_text(
        "id,title,kind,category,place_id,urgency,raised_on,status,assigned_to\n"
        "N90,楼道灯坏了,complaint,cat_repair_elevator,B09,2,2026-11-02,open,\n"
        "N91,助餐,micro_wish,cat_elderly_meal,SV01,2,2026-11-02,open,\n"
        "N92,助餐,micro_wish,cat_elderly_meal,U99,2,2026-11-02,open,\n"
        "N93,助餐,micro_wish,cat_no_such,C01,2,2026-11-02,assigned,O02\n",
        encoding="utf-8",
    )

    with pytest.raises(ValidationError) as targeted:
        validate_against_graph(empty_graph, partial)
    whole = [str(problem) for problem in problems_of(partial, known_nodes(empty_graph))]

    assert [str(problem) for problem in targeted.value.problems] == whole
    assert "places.csv:2:parent_id: PART_OF cycle: X01 → A01 → C01 → S01 → X01" in whole
    assert any(problem.startswith("needs.csv:4:place_id: 'U99'") for problem in whole)
    assert len(whole) >= 4
    assert count_nodes(empty_graph, Label.NEED) == len(read_table(SMALL, "needs.csv")) - 1


def test_a_partial_workbook_merges_into_the_graph(empty_graph: Graph, tmp_path: Path) -> None:
    load_workbook(empty_graph, SMALL)
    before_places = count_nodes(empty_graph, Label.PLACE)
    monthly = tmp_path / "this-month"
    monthly.mkdir()
    (monthly / "needs.csv").write_text(
        "id,title,kind,category,place_id,urgency,raised_on,status\n"
        "N20,楼道灯不亮,complaint,cat_property_repair,B02,2,2024-06-01,open\n",
        encoding="utf-8",
    )

    load_workbook(empty_graph, monthly)

    assert count_nodes(empty_graph, Label.NEED) == 8
    assert ("N20", "B02") in check_rels(empty_graph, Label.NEED, RelType.RAISED_IN, Label.BUILDING)
    assert count_nodes(empty_graph, Label.PLACE) == before_places


def test_a_partial_workbook_naming_a_missing_node_is_rejected_whole(
    empty_graph: Graph, tmp_path: Path
) -> None:
    load_workbook(empty_graph, SMALL)
    before = _counts(empty_graph)
    monthly = tmp_path / "this-month"
    monthly.mkdir()
    (monthly / "needs.csv").write_text(
        "id,title,kind,category,place_id,urgency,raised_on,status\n"
        "N20,楼道灯不亮,complaint,cat_property_repair,B02,2,2024-06-01,open\n"
        "N21,路灯坏了,complaint,cat_property_repair,B99,2,2024-06-01,open\n",
        encoding="utf-8",
    )

    with pytest.raises(ValidationError) as rejected:
        load_workbook(empty_graph, monthly)

    assert [str(problem).split(": ")[0] for problem in rejected.value.problems] == [
        "needs.csv:3:place_id"
    ]
    assert "B99" in str(rejected.value.problems[0])
    assert _counts(empty_graph) == before


def test_a_rejected_workbook_writes_nothing_to_an_empty_graph(
    empty_graph: Graph, tmp_path: Path
) -> None:
    workbook = copy_small(tmp_path)
    set_cell(workbook, "services.csv", 3, "capacity", "-1")
    add_row(
        workbook,
        "needs.csv",
        id="N30",
        title="x",
        kind="wish",
        category="cat_legal_aid",
        place_id="B01",
        urgency="9",
        raised_on="2024-13-01",
    )

    with pytest.raises(ValidationError) as rejected:
        load_workbook(empty_graph, workbook)

    located = {str(problem).split(": ")[0] for problem in rejected.value.problems}
    assert {
        "services.csv:3:capacity",
        "needs.csv:9:kind",
        "needs.csv:9:urgency",
        "needs.csv:9:raised_on",
    } <= located
    assert _counts(empty_graph) == (0, 0)


CORRUPTIONS = st.sampled_from(["", "???", "-5", "2024-02-30", "X01", "楼长", "true", "9" * 20])


@pytest.mark.slow
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_corrupted_workbooks_never_write_and_only_raise_validation_errors(
    empty_graph: Graph, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    if count_nodes(empty_graph) == 0:
        load_workbook(empty_graph, SMALL)
    before = _counts(empty_graph)
    workbook = copy_small(tmp_path_factory.mktemp("corrupt"))
    file_name = data.draw(st.sampled_from(sorted(p.name for p in workbook.glob("*.csv"))))
    table = read_table(workbook, file_name)
    row = data.draw(st.integers(min_value=2, max_value=len(table)))
    column = data.draw(st.sampled_from(table[0]))
    set_cell(workbook, file_name, row, column, data.draw(CORRUPTIONS))

    try:
        load_workbook(empty_graph, workbook)
    except ValidationError:
        assert _counts(empty_graph) == before
    else:
        # The corruption happened to be valid (a name changed, say): it merged,
        # and a merge without --replace never removes a node.
        assert count_nodes(empty_graph) >= before[0]


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_export_round_trip_is_identical(empty_graph: Graph, tmp_path: Path, form: str) -> None:
    load_workbook(empty_graph, SMALL)
    counts = _counts(empty_graph)
    first = tmp_path / "first"
    export_workbook(export_rows(empty_graph), first)
    reloaded = first
    if form == "xlsx":
        reloaded = tmp_path / "first.xlsx"
        export_workbook(export_rows(empty_graph), reloaded)

    delete_everything(empty_graph)
    load_workbook(empty_graph, reloaded)
    second = tmp_path / "second"
    export_workbook(export_rows(empty_graph), second)

    assert _files(second) == _files(first)
    assert _counts(empty_graph) == counts


@pytest.mark.slow
def test_validate_cli_reports_every_problem_located(tmp_path: Path) -> None:
    workbook = copy_small(tmp_path)
    set_cell(workbook, "services.csv", 3, "capacity", "many")
    set_cell(workbook, "places.csv", 4, "kind", "村")

    text = subprocess.run(
        [*CLI, "validate", "--offline", str(workbook)], capture_output=True, text=True, check=False
    )
    as_json = subprocess.run(
        [*CLI, "validate", "--offline", "--json", str(workbook)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert text.returncode == 2 and as_json.returncode == 2
    assert "Traceback" not in text.stderr
    lines = text.stderr.splitlines()
    assert any(line.startswith("places.csv:4:kind: ") and "村" in line for line in lines)
    assert any(line.startswith("services.csv:3:capacity: ") and "many" in line for line in lines)
    problems = json.loads(as_json.stdout)["problems"]
    assert {(p["file"], p["row"], p["column"]) for p in problems} == {
        ("places.csv", 4, "kind"),
        ("services.csv", 3, "capacity"),
    }
