"""Batched, idempotent writes: the few generic statements every loader uses.

Each statement is one ``UNWIND $rows AS row`` over a batch, in a managed write
transaction (retried by the driver on transient errors). Nodes are merged on
their primary label's ``id`` (backed by its uniqueness constraint) and their
properties replaced, so loading the same rows twice changes nothing.

A row is the truth about what it describes: for a relationship that a node
has at most one of (a place's ``PART_OF`` parent, a need's ``ASSIGNED_TO``
resource), writing the row removes any other such relationship of that node;
for a many-valued one (a service's ``COVERS``), the row's list is the whole
set. So a reload with a changed parent moves the node instead of giving it two
parents. Labels and types come from :mod:`graph.schema` only.

Nodes the graph does not hold yet are written with ``CREATE`` rather than
``MERGE``, and so are their relationships: there is nothing to match or to
remove, and a first load of a large workbook is several times faster. A load
that failed half-way is completed by running it again: what it wrote is then
known, and goes through the ``MERGE`` path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import neo4j

from graph.connection import Graph
from graph.schema import FAMILY, Label, RelType, quote_identifier

Row = Mapping[str, Any]
Progress = Callable[[int], None]
"""Called with the number of rows just written."""


def batches(rows: Sequence[Row], size: int) -> Iterable[list[Row]]:
    """``rows`` in consecutive lists of at most ``size``."""
    for start in range(0, len(rows), size):
        yield list(rows[start : start + size])


def _run_batches(
    graph: Graph,
    statement: str,
    rows: Sequence[Row],
    batch_size: int,
    progress: Progress | None,
    weight: int = 1,
) -> None:
    def work(tx: neo4j.ManagedTransaction, batch: list[Row]) -> None:
        tx.run(statement, {"rows": batch}).consume()

    for batch in batches(rows, batch_size):
        graph.write(work, batch)
        if progress is not None:
            progress(len(batch) * weight)


def merge_nodes(
    graph: Graph,
    label: Label,
    rows: Sequence[Row],
    *,
    new: bool = False,
    batch_size: int = 5000,
    progress: Progress | None = None,
) -> None:
    """Merge nodes of ``label`` on ``id`` and replace their properties.

    The node also gets its family label (``Place``, ``Organization``).

    Args:
        graph: the connection.
        label: the node's primary label.
        rows: ``{"id": ..., "props": {...}}``; ``props`` must hold ``id`` too.
        new: none of these ids is in the graph yet: create them.
        batch_size: rows per transaction.
        progress: told how many rows each batch wrote.
    """
    family = FAMILY.get(label)
    labels = quote_identifier(label) + (f":{quote_identifier(family)}" if family else "")
    if new:
        statement = f"UNWIND $rows AS row CREATE (n:{labels}) SET n = row.props"
    else:
        statement = (
            f"UNWIND $rows AS row MERGE (n:{quote_identifier(label)} {{id: row.id}}) "
            f"SET n = row.props, n:{labels}"
        )
    _run_batches(graph, statement, rows, batch_size, progress)


@dataclass(frozen=True)
class RelationshipSpec:
    """A relationship type as one workbook column writes it.

    Attributes:
        type: the relationship type.
        owner: the label of the node whose row names the relationship.
        forward: the relationship points from the owner to the named node;
            ``False`` for ``(provider)-[:OFFERS]->(service)`` written by the
            service's row.
    """

    type: RelType
    owner: Label
    forward: bool = True

    def pattern(self, other: Label | None, variable: str = "r") -> str:
        """The relationship pattern between ``(owner)`` and ``(other)``."""
        target = f"(other:{quote_identifier(other)})" if other else "(other)"
        arrow = f"-[{variable}:{quote_identifier(self.type)}]-"
        if self.forward:
            return f"(owner){arrow}>{target}"
        return f"(owner)<{arrow}{target}"


def replace_relationships(
    graph: Graph,
    spec: RelationshipSpec,
    rows: Sequence[Row],
    *,
    new: bool = False,
    batch_size: int = 5000,
    progress: Progress | None = None,
) -> None:
    """Make each owner's ``spec.type`` relationships exactly the listed ones.

    Args:
        graph: the connection.
        spec: which relationship, owned by which label.
        rows: ``{"owner": id, "targets": [{"id", "label", "props"}]}``; an
            empty list removes the owner's relationships of that type.
        new: the owners were just created: they have no relationships yet.
        batch_size: owners per transaction.
        progress: told how many owners each batch wrote.
    """
    owner = quote_identifier(spec.owner)
    if not new:
        remove_others = (
            f"UNWIND $rows AS row MATCH (owner:{owner} {{id: row.owner}}) "
            f"MATCH {spec.pattern(None, 'old')} "
            "WHERE NOT other.id IN [target IN row.targets | target.id] DELETE old"
        )
        _run_batches(graph, remove_others, rows, batch_size, None)

    by_label: dict[Label, list[Row]] = {}
    for row in rows:
        for target in row["targets"]:
            by_label.setdefault(Label(target["label"]), []).append(
                {"owner": row["owner"], "target": target["id"], "props": target.get("props", {})}
            )
    for other_label, pairs in by_label.items():
        merge = (
            f"UNWIND $rows AS row MATCH (owner:{owner} {{id: row.owner}}) "
            f"MATCH (other:{quote_identifier(other_label)} {{id: row.target}}) "
            f"{'CREATE' if new else 'MERGE'} {spec.pattern(None)} SET r = row.props"
        )
        _run_batches(graph, merge, pairs, batch_size, None)
    if progress is not None:
        progress(len(rows))


def merge_posts(
    graph: Graph,
    rows: Sequence[Row],
    *,
    new: bool = False,
    batch_size: int = 5000,
    progress: Progress | None = None,
) -> None:
    """Merge ``(person)-[:HOLDS {post}]->(target)`` relationships.

    Args:
        graph: the connection.
        rows: ``{"person", "post", "target", "label", "since"}`` where
            ``label`` is the target's primary label.
        new: the persons were just created: they hold no post yet.
        batch_size: rows per transaction.
        progress: told how many rows each batch wrote.
    """
    by_label: dict[Label, list[Row]] = {}
    for row in rows:
        by_label.setdefault(Label(row["label"]), []).append(row)
    person = quote_identifier(Label.PERSON)
    holds = quote_identifier(RelType.HOLDS)
    for target_label, group in by_label.items():
        anchored = (
            f"UNWIND $rows AS row MATCH (person:{person} {{id: row.person}}) "
            f"MATCH (target:{quote_identifier(target_label)} {{id: row.target}}) "
        )
        if new:
            statement = anchored + (
                f"CREATE (person)-[:{holds} {{post: row.post, since: row.since}}]->(target)"
            )
        else:
            # A pattern with the post as a predicate may be planned from the
            # HOLDS.post index, scanning every post of that kind per row;
            # expanding between the two anchored endpoints and filtering after
            # keeps each row a constant amount of work.
            statement = anchored + (
                f"OPTIONAL MATCH (person)-[held:{holds}]->(target) "
                "WITH person, target, row, [r IN collect(held) WHERE r.post = row.post] AS same "
                "FOREACH (_ IN CASE WHEN size(same) = 0 THEN [1] ELSE [] END | "
                f"CREATE (person)-[:{holds} {{post: row.post, since: row.since}}]->(target)) "
                "FOREACH (r IN same | SET r.since = row.since)"
            )
        _run_batches(graph, statement, group, batch_size, progress)


def all_node_ids(graph: Graph, label: Label) -> set[str]:
    """The ids of every node of ``label``."""
    rows = graph.query(f"MATCH (n:{quote_identifier(label)}) RETURN n.id AS id")
    return {row["id"] for row in rows}


def delete_nodes(graph: Graph, label: Label, ids: Iterable[str], *, batch_size: int = 5000) -> None:
    """Delete the nodes of ``label`` with these ids, and their relationships."""
    statement = (
        f"UNWIND $rows AS row MATCH (n:{quote_identifier(label)} {{id: row.id}}) DETACH DELETE n"
    )
    _run_batches(graph, statement, [{"id": node_id} for node_id in ids], batch_size, None)


def all_posts(graph: Graph) -> set[tuple[str, str, str]]:
    """Every post as ``(person id, post, target id)``."""
    rows = graph.query(
        f"MATCH (p:{quote_identifier(Label.PERSON)})-[r:{quote_identifier(RelType.HOLDS)}]->"
        "(t) RETURN p.id AS person, r.post AS post, t.id AS target"
    )
    return {(row["person"], row["post"], row["target"]) for row in rows}


def delete_posts(
    graph: Graph, posts: Iterable[tuple[str, str, str]], *, batch_size: int = 5000
) -> None:
    """Delete these ``(person id, post, target id)`` posts."""
    statement = (
        f"UNWIND $rows AS row MATCH (p:{quote_identifier(Label.PERSON)} {{id: row.person}})"
        f"-[r:{quote_identifier(RelType.HOLDS)} {{post: row.post}}]->(t) "
        "WHERE t.id = row.target DELETE r"
    )
    rows = [{"person": person, "post": post, "target": target} for person, post, target in posts]
    _run_batches(graph, statement, rows, batch_size, None)


def known_node_rows(graph: Graph) -> list[dict[str, Any]]:
    """Every node with an id: its labels, level and one-step-up parent.

    The parent is the ``PART_OF`` place of a place, the ``BROADER`` category of
    a category, the ``REPORTS_TO`` organization of a party organization; the
    validator checks a partial workbook's references against these.
    """
    part_of = quote_identifier(RelType.PART_OF)
    broader = quote_identifier(RelType.BROADER)
    reports_to = quote_identifier(RelType.REPORTS_TO)
    return graph.query(
        "MATCH (n) WHERE n.id IS NOT NULL "
        f"OPTIONAL MATCH (n)-[:{part_of}|{broader}|{reports_to}]->(parent) "
        "WITH n, head(collect(parent.id)) AS parent_id "
        "RETURN n.id AS id, labels(n) AS labels, n.level AS level, parent_id"
    )


def refresh_plans(graph: Graph) -> None:
    """After a large write, resample index statistics and drop cached plans.

    Plans compiled while the graph was empty (before its first load) stay
    cached, and a plan that suited an empty graph can be orders of magnitude
    slower on a full one; the queries are replanned with the new statistics.
    """
    with graph.session() as session:
        session.run("CALL db.resampleOutdatedIndexes()").consume()
        session.run("CALL db.clearQueryCaches()").consume()
