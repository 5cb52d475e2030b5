"""Change sets against the real Neo4j: every load and need write is recorded
in the transaction that made it, a reload that changes nothing records
nothing, a node's history reads before → after, and a revert restores the
graph whole or refuses and changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.changes import CREATED_IN, Actor, ChangeContext, data_properties
from graph.connection import Graph
from graph.errors import NotFoundError
from graph.introspect import count_nodes, count_relationships
from graph.schema import NeedKind, SystemLabel, quote_identifier
from loaders.load import load_workbook
from queries.changes import list_changes, node_history
from queries.needs import NeedRecord, create_need, resolve_need, update_need
from queries.revert import RevertConflictError, revert_changeset
from tests.loaders.workbooks import copy_small, set_cell

PLANNER = Actor(id="t_0000beef", name="街道规划员")


def api(via: str) -> ChangeContext:
    """A change set of its own, as one API request makes it."""
    return ChangeContext(actor=PLANNER, via=via)


def raise_n99(graph: Graph) -> NeedRecord:
    """Register need N99 in 如意花园 A01, as ``POST /api/needs`` does."""
    return create_need(
        graph,
        title="楼道灯坏了",
        kind=NeedKind.COMPLAINT,
        category_id="cat_property_repair",
        place_id="A01",
        need_id="N99",
        context=api("api POST /api/needs"),
    )


def data_counts(graph: Graph) -> tuple[int, int]:
    """Nodes and relationships of the data (the records left out)."""
    system = "|".join(quote_identifier(label) for label in SystemLabel)
    rows = graph.query(
        f"MATCH (n) WHERE NOT n:{system} "
        "RETURN count(n) AS nodes, COUNT { MATCH (n)-[r]->() } AS rels"
    )
    return rows[0]["nodes"], count_relationships(graph)


def snapshot_of(graph: Graph) -> list[tuple[str, str]]:
    """Every data node and relationship with its data properties, sorted."""
    nodes = graph.query(
        "MATCH (n) WHERE n.id IS NOT NULL RETURN n.id AS id, properties(n) AS props"
    )
    rels = graph.query(
        "MATCH (a)-[r]->(b) RETURN a.id + '-' + type(r) + '->' + b.id AS id, properties(r) AS props"
    )
    return sorted(
        (row["id"], repr(sorted(data_properties(row["props"]).items()))) for row in nodes + rels
    )


@pytest.fixture()
def small(empty_graph: Graph, tmp_path: Path) -> tuple[Graph, Path]:
    """The small workbook's copy, loaded once as a planner's first load."""
    folder = copy_small(tmp_path)
    load_workbook(empty_graph, folder)
    return empty_graph, folder


def test_a_first_load_is_one_change_set_counting_every_entity(small: tuple[Graph, Path]) -> None:
    graph, folder = small
    (made,) = list_changes(graph)
    assert made.actor.startswith("cli:")
    assert made.via.startswith(f"load {folder.name} sha256:")
    # Every node and relationship of the data, the default taxonomy's included.
    nodes = count_nodes(graph)
    assert made.created == nodes + count_relationships(graph)
    assert (made.updated, made.deleted) == (0, 0)
    stamped = graph.query(
        f"MATCH (n) WHERE n.id IS NOT NULL AND n.{CREATED_IN} = $cs RETURN count(n) AS n",
        {"cs": made.changeset},
    )
    assert stamped[0]["n"] == nodes


def test_reloading_the_same_workbook_records_nothing(small: tuple[Graph, Path]) -> None:
    graph, folder = small
    report = load_workbook(graph, folder)
    assert report.changeset is None
    assert report.changes == {}
    assert len(list_changes(graph)) == 1


def test_a_changed_cell_is_one_update_read_before_to_after(small: tuple[Graph, Path]) -> None:
    graph, folder = small
    set_cell(folder, "people.csv", 2, "phone", "13905370009")
    report = load_workbook(graph, folder)
    assert report.changes == {"created": 0, "updated": 1, "deleted": 0}

    history = node_history(graph, "P01")
    assert (history.entries[0].op, history.entries[0].kind) == ("create", "node")
    assert [e.op for e in history.entries if e.kind == "node"] == ["create", "update"]
    update = next(entry for entry in history.entries if entry.op == "update")
    assert update.changeset == report.changeset
    assert update.before is not None and update.after is not None
    assert (update.before["phone"], update.after["phone"]) == ("13805370001", "13905370009")
    creation = next(e for e in history.entries if e.op == "create" and e.kind == "node")
    # What the node was created with: the phone before the update.
    assert creation.after is not None and creation.after["phone"] == "13805370001"
    assert CREATED_IN not in creation.after
    # The post P01 holds is part of P01's history too.
    assert any(
        e.kind == "relationship" and e.label == "HOLDS" and e.key == "secretary"
        for e in history.entries
    )


def test_a_moved_place_records_the_old_parent_deleted_and_the_new_created(
    small: tuple[Graph, Path],
) -> None:
    graph, folder = small
    # B02 如意花园2号楼 is filed under 锦绣家园 A02 instead of 如意花园 A01.
    set_cell(folder, "places.csv", 13, "parent_id", "A02")
    report = load_workbook(graph, folder)
    assert report.changes == {"created": 1, "updated": 0, "deleted": 1}
    entries = [e for e in node_history(graph, "B02").entries if e.label == "PART_OF"]
    ops = [(e.op, e.other) for e in entries if e.changeset == report.changeset]
    assert sorted(ops) == [("create", "A02"), ("delete", "A01")]


def test_need_writes_are_recorded_with_their_actor_and_route(small: tuple[Graph, Path]) -> None:
    graph, _ = small
    need = raise_n99(graph)
    update_need(graph, need.id, urgency=3, context=api("api PATCH /api/needs/N99"))
    resolve_need(graph, need.id, satisfaction=5, context=api("api POST /api/needs/N99/resolve"))

    newest = list_changes(graph, actor="街道规划员")
    assert [c.via for c in newest] == [
        "api POST /api/needs/N99/resolve",
        "api PATCH /api/needs/N99",
        "api POST /api/needs",
    ]
    assert all(c.actor == "t_0000beef" for c in newest)
    assert (newest[-1].created, newest[-1].updated) == (3, 0)  # the need, RAISED_IN, IN_CATEGORY

    history = node_history(graph, "N99")
    node_entries = [(e.op, e.via) for e in history.entries if e.kind == "node"]
    assert node_entries == [
        ("create", "api POST /api/needs"),
        ("update", "api PATCH /api/needs/N99"),
        ("update", "api POST /api/needs/N99/resolve"),
    ]
    urgency = history.entries[[e.kind for e in history.entries].index("node") + 1 :]
    change = next(e for e in urgency if e.via == "api PATCH /api/needs/N99")
    assert change.before is not None and change.after is not None
    assert (change.before["urgency"], change.after["urgency"]) == (2, 3)


def test_a_write_that_changes_nothing_records_nothing(small: tuple[Graph, Path]) -> None:
    graph, _ = small
    before = list_changes(graph)
    rows = graph.query("MATCH (n:Need {id: 'N01'}) RETURN n.urgency AS u")
    update_need(graph, "N01", urgency=rows[0]["u"], context=api("api PATCH /api/needs/N01"))
    assert list_changes(graph) == before


def test_revert_restores_the_graph_and_is_recorded(small: tuple[Graph, Path]) -> None:
    graph, folder = small
    original = snapshot_of(graph)
    set_cell(folder, "people.csv", 2, "phone", "13905370009")
    set_cell(folder, "places.csv", 4, "name", "如意新社区")
    changed = load_workbook(graph, folder)
    assert changed.changeset is not None
    assert snapshot_of(graph) != original

    report = revert_changeset(graph, changed.changeset, context=api("revert"))
    assert (report.restored, report.deleted, report.recreated) == (2, 0, 0)
    assert snapshot_of(graph) == original
    newest = list_changes(graph)[0]
    assert newest.changeset == report.changeset
    assert (newest.via, newest.updated) == ("revert", 2)


def test_revert_of_a_creation_deletes_it(small: tuple[Graph, Path]) -> None:
    graph, _ = small
    original = snapshot_of(graph)
    raise_n99(graph)
    made = list_changes(graph)[0]
    report = revert_changeset(graph, made.changeset, context=api("revert"))
    assert report.deleted == 3
    assert snapshot_of(graph) == original
    # The need's history still tells its whole life.
    assert [e.op for e in node_history(graph, "N99").entries if e.kind == "node"] == [
        "create",
        "delete",
    ]


def test_a_replace_load_that_deletes_can_be_reverted(small: tuple[Graph, Path]) -> None:
    graph, folder = small
    original = snapshot_of(graph)
    counts = data_counts(graph)
    needs = (folder / "needs.csv").read_text(encoding="utf-8").splitlines()
    (folder / "needs.csv").write_text(
        "\n".join(line for line in needs if not line.startswith("N01,")) + "\n", encoding="utf-8"
    )
    report = load_workbook(graph, folder, replace=True)
    assert report.deleted_nodes == {"Need": 1}
    assert report.changes["deleted"] >= 3  # the need and its relationships
    assert [e.op for e in node_history(graph, "N01").entries if e.kind == "node"] == [
        "create",
        "delete",
    ]
    assert report.changeset is not None
    revert_changeset(graph, report.changeset, context=api("revert"))
    assert snapshot_of(graph) == original
    assert data_counts(graph) == counts


def test_revert_refuses_under_a_later_change_and_changes_nothing(
    small: tuple[Graph, Path],
) -> None:
    graph, folder = small
    set_cell(folder, "people.csv", 2, "phone", "13905370009")
    first = load_workbook(graph, folder).changeset
    set_cell(folder, "people.csv", 2, "phone", "13905370010")
    load_workbook(graph, folder)
    assert first is not None
    before = snapshot_of(graph)
    changes_before = list_changes(graph)
    with pytest.raises(RevertConflictError, match=r"Person P01 \(changed by cs-"):
        revert_changeset(graph, first, context=api("revert"))
    assert snapshot_of(graph) == before
    assert list_changes(graph) == changes_before


def test_an_unknown_change_set_is_not_found(small: tuple[Graph, Path]) -> None:
    graph, _ = small
    with pytest.raises(NotFoundError):
        revert_changeset(graph, "cs-nope", context=api("revert"))
    with pytest.raises(NotFoundError):
        node_history(graph, "no-such-node")


def test_the_change_sets_of_one_community(small: tuple[Graph, Path]) -> None:
    graph, folder = small
    set_cell(folder, "people.csv", 2, "phone", "13905370009")  # P01, the county's secretary
    county = load_workbook(graph, folder).changeset
    raise_n99(graph)
    first, need = list_changes(graph)[-1], list_changes(graph)[0]
    in_c01 = [c.changeset for c in list_changes(graph, place_id="C01")]
    assert in_c01 == [need.changeset, first.changeset]
    assert county in [c.changeset for c in list_changes(graph, place_id="X01")]
    with pytest.raises(NotFoundError):
        list_changes(graph, place_id="no-such-place")
