"""The batched writer: parallel batches write what one session writes, a
failing batch reaches the caller, and relationships of new nodes are written
by element id."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.connection import Graph, QueryError
from graph.introspect import check_rels, count_nodes
from graph.schema import Label, RelType
from graph.write import (
    Batch,
    BatchWriter,
    ElementIds,
    create_relationships,
    find_element_ids,
    merge_nodes,
)
from loaders.export import export_workbook
from loaders.load import load_workbook
from queries.export import export_rows
from tests.loaders.workbooks import SMALL

CREATE_CATEGORIES = "UNWIND $rows AS row CREATE (n:`Category`) SET n.id = row.id"


def _exported(graph: Graph, folder: Path) -> dict[str, str]:
    export_workbook(export_rows(graph), folder)
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.csv"))}


def test_small_batches_on_four_sessions_write_the_same_graph(
    empty_graph: Graph, tmp_path: Path
) -> None:
    load_workbook(empty_graph, SMALL, batch_size=5000, workers=1)
    one_session = _exported(empty_graph, tmp_path / "one")

    empty_graph.query("MATCH (n) DETACH DELETE n", write=True)
    load_workbook(empty_graph, SMALL, batch_size=2, workers=4)

    assert _exported(empty_graph, tmp_path / "four") == one_session


def test_every_batch_is_written_before_drain_returns(empty_graph: Graph) -> None:
    rows = [{"id": f"T{number}"} for number in range(1000)]
    with BatchWriter(empty_graph, batch_size=7, workers=3) as writer:
        writer.write(CREATE_CATEGORIES, rows)
        writer.drain()
        assert count_nodes(empty_graph, Label.CATEGORY) == 1000


def test_a_failing_batch_reaches_the_caller(empty_graph: Graph) -> None:
    # The last batch creates the same id twice.
    rows = [{"id": f"T{number}"} for number in range(50)] + [{"id": "T50"}, {"id": "T50"}]
    writer = BatchWriter(empty_graph, batch_size=10, workers=2)
    with pytest.raises(QueryError, match="already exists"), writer:
        writer.write(CREATE_CATEGORIES, rows)

    # The batches before the failing one committed; the failing one did not.
    assert count_nodes(empty_graph, Label.CATEGORY) == 50


def _nodes(*ids: str) -> list[dict[str, object]]:
    return [{"id": node_id, "props": {"id": node_id, "name": node_id}} for node_id in ids]


def test_node_writes_tell_each_node_its_element_id(empty_graph: Graph) -> None:
    element_ids: ElementIds = {}
    with BatchWriter(empty_graph, batch_size=2, workers=2) as writer:
        merge_nodes(writer, Label.COMMUNITY, _nodes("C1", "C2", "C3"), element_ids)
        merge_nodes(writer, Label.GRID, _nodes("G1"), element_ids, new=True)

    rows = empty_graph.query("MATCH (n) RETURN n.id AS id, elementId(n) AS element")
    assert element_ids == {row["id"]: row["element"] for row in rows}
    assert len(element_ids) == 4


def test_element_ids_are_found_by_label_and_missing_ids_left_out(empty_graph: Graph) -> None:
    written: ElementIds = {}
    with BatchWriter(empty_graph) as writer:
        merge_nodes(writer, Label.COMMUNITY, _nodes("C1"), written, new=True)
        merge_nodes(writer, Label.GRID, _nodes("G1"), written, new=True)

    found = find_element_ids(
        empty_graph, {Label.COMMUNITY: ["C1", "G1", "nowhere"], Label.GRID: ["G1"]}
    )

    # G1 is not a community: a label's look-up finds only its own nodes.
    assert found == {"C1": written["C1"], "G1": written["G1"]}


def test_relationships_of_several_types_are_created_between_element_ids(
    empty_graph: Graph,
) -> None:
    ids: ElementIds = {}
    with BatchWriter(empty_graph, batch_size=1, workers=2) as writer:
        merge_nodes(writer, Label.COMMUNITY, _nodes("C1"), ids, new=True)
        merge_nodes(writer, Label.GRID, _nodes("G1", "G2"), ids, new=True)
        merge_nodes(writer, Label.BUILDING, _nodes("B1"), ids, new=True)
        writer.drain()
        create_relationships(
            writer, RelType.PART_OF, [(ids["G1"], ids["C1"]), (ids["G2"], ids["C1"])]
        )
        create_relationships(writer, RelType.IN_GRID, [(ids["B1"], ids["G2"])])

    assert check_rels(empty_graph, Label.GRID, RelType.PART_OF, Label.COMMUNITY) == {
        ("G1", "C1"),
        ("G2", "C1"),
    }
    assert check_rels(empty_graph, Label.BUILDING, RelType.IN_GRID, Label.GRID) == {("B1", "G2")}


def test_a_batch_is_shown_by_its_length() -> None:
    # The driver formats parameters for its debug log on every statement.
    batch = Batch([{"id": "N1", "props": {"title": "楼道灯不亮"}}] * 5000)

    assert repr({"rows": batch}) == "{'rows': <5000 rows>}"
    assert batch == [{"id": "N1", "props": {"title": "楼道灯不亮"}}] * 5000
