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
from concurrent.futures import Future, ThreadPoolExecutor, wait
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


class BatchWriter:
    """Runs statements over batches of rows, one managed transaction per batch.

    With one worker, every batch is written before :meth:`write` returns. With
    several, batches are handed to that many sessions and written while the
    caller prepares the next rows; :meth:`drain` waits for all of them. Only
    batches that may commit in any order go between two drains: nodes of any
    labels, or relationships whose endpoints all exist. Two transactions that
    lock the same node wait for each other, and a deadlock between them is a
    transient error the driver retries, so the outcome never depends on the
    order.

    Used as a context manager, it drains on a normal exit and cancels what is
    not yet written on an error.
    """

    def __init__(self, graph: Graph, *, batch_size: int = 5000, workers: int = 1) -> None:
        self.graph = graph
        self.batch_size = max(1, batch_size)
        self._pool = ThreadPoolExecutor(workers, "civicgraph-write") if workers > 1 else None
        self._pending: list[Future[None]] = []

    def write(self, statement: str, rows: Sequence[Row], progress: Progress | None = None) -> None:
        """Run ``statement`` with each batch of ``rows`` as ``$rows``.

        Args:
            statement: Cypher built from :mod:`graph.schema` names only.
            rows: the parameter rows.
            progress: told how many rows each batch wrote.
        """
        for batch in batches(rows, self.batch_size):
            if self._pool is None:
                self._write_batch(statement, batch, progress)
            else:
                self._pending.append(
                    self._pool.submit(self._write_batch, statement, batch, progress)
                )

    def _write_batch(self, statement: str, batch: list[Row], progress: Progress | None) -> None:
        def work(tx: neo4j.ManagedTransaction) -> None:
            tx.run(statement, {"rows": batch}).consume()

        self.graph.write(work)
        if progress is not None:
            progress(len(batch))

    def drain(self) -> None:
        """Wait until every batch handed over is written.

        Raises:
            The first failure of a batch; the batches not yet started are
            cancelled.
        """
        pending, self._pending = self._pending, []
        try:
            for future in pending:
                future.result()
        except BaseException:
            for future in pending:
                future.cancel()
            wait(pending)
            raise

    def __enter__(self) -> BatchWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        try:
            if kind is None:
                self.drain()
            else:
                for future in self._pending:
                    future.cancel()
                wait(self._pending)
                self._pending = []
        finally:
            if self._pool is not None:
                self._pool.shutdown()


def merge_nodes(
    writer: BatchWriter,
    label: Label,
    rows: Sequence[Row],
    *,
    new: bool = False,
    progress: Progress | None = None,
) -> None:
    """Merge nodes of ``label`` on ``id`` and replace their properties.

    The node also gets its family label (``Place``, ``Organization``).

    Args:
        writer: where the batches go.
        label: the node's primary label.
        rows: ``{"id": ..., "props": {...}}``; ``props`` must hold ``id`` too.
        new: none of these ids is in the graph yet: create them.
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
    writer.write(statement, rows, progress)


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

    def pattern(self, variable: str = "r") -> str:
        """The relationship pattern between ``(owner)`` and ``(other)``."""
        arrow = f"-[{variable}:{quote_identifier(self.type)}]-"
        if self.forward:
            return f"(owner){arrow}>(other)"
        return f"(owner)<{arrow}(other)"


Target = tuple[str, Label]
"""A relationship's other end: its id and primary label."""


def replace_relationships(
    writer: BatchWriter,
    spec: RelationshipSpec,
    rows: Sequence[tuple[str, Sequence[Target]]],
    *,
    new: bool = False,
    progress: Progress | None = None,
) -> None:
    """Make each owner's ``spec.type`` relationships exactly the listed ones.

    Both ends of every relationship must be in the graph, or handed to
    ``writer`` before its last drain.

    Args:
        writer: where the batches go.
        spec: which relationship, owned by which label.
        rows: ``(owner id, [(target id, target label), ...])``; an empty list
            removes the owner's relationships of that type.
        new: the owners were just created: they have no relationships yet.
        progress: told how many owners were written, once all are handed over.
    """
    owner = quote_identifier(spec.owner)
    if not new:
        remove_others = (
            f"UNWIND $rows AS row MATCH (owner:{owner} {{id: row.owner}}) "
            f"MATCH {spec.pattern('old')} "
            "WHERE NOT other.id IN row.targets DELETE old"
        )
        writer.write(
            remove_others,
            [{"owner": owner_id, "targets": [t for t, _ in targets]} for owner_id, targets in rows],
        )
        writer.drain()

    by_label: dict[Label, list[Row]] = {}
    for owner_id, targets in rows:
        for target_id, target_label in targets:
            by_label.setdefault(target_label, []).append({"owner": owner_id, "target": target_id})
    for other_label, pairs in by_label.items():
        merge = (
            f"UNWIND $rows AS row MATCH (owner:{owner} {{id: row.owner}}) "
            f"MATCH (other:{quote_identifier(other_label)} {{id: row.target}}) "
            f"{'CREATE' if new else 'MERGE'} {spec.pattern()}"
        )
        writer.write(merge, pairs)
    if progress is not None:
        progress(len(rows))


def merge_posts(
    writer: BatchWriter,
    rows: Sequence[Row],
    *,
    new: bool = False,
    progress: Progress | None = None,
) -> None:
    """Merge ``(person)-[:HOLDS {post}]->(target)`` relationships.

    Args:
        writer: where the batches go.
        rows: ``{"person", "post", "target", "label", "since"}`` where
            ``label`` is the target's primary label (a :class:`Label`).
        new: the persons were just created: they hold no post yet.
        progress: told how many rows each batch wrote.
    """
    by_label: dict[Label, list[Row]] = {}
    for row in rows:
        by_label.setdefault(row["label"], []).append(row)
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
        writer.write(statement, [_post_parameters(row) for row in group], progress)


def _post_parameters(row: Row) -> Row:
    return {
        "person": row["person"],
        "post": row["post"],
        "target": row["target"],
        "since": row["since"],
    }


def all_node_ids(graph: Graph, label: Label) -> set[str]:
    """The ids of every node of ``label``."""
    rows = graph.query(f"MATCH (n:{quote_identifier(label)}) RETURN n.id AS id")
    return {row["id"] for row in rows}


def delete_nodes(graph: Graph, label: Label, ids: Iterable[str], *, batch_size: int = 5000) -> None:
    """Delete the nodes of ``label`` with these ids, and their relationships."""
    statement = (
        f"UNWIND $rows AS row MATCH (n:{quote_identifier(label)} {{id: row.id}}) DETACH DELETE n"
    )
    BatchWriter(graph, batch_size=batch_size).write(statement, [{"id": node_id} for node_id in ids])


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
    BatchWriter(graph, batch_size=batch_size).write(statement, rows)


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
