"""Batched, idempotent writes: the few generic statements every loader uses.

Each statement is one ``UNWIND $rows AS row`` over a batch, in a managed write
transaction (retried by the driver on transient errors). Nodes are merged on
their primary label's ``id`` (backed by its uniqueness constraint) and their
properties replaced, so loading the same rows twice changes nothing. For the
nodes, relationships and posts the graph holds already, only the difference is
written: the rows are compared with what the graph holds first. Given a change
context, each batch records what it changed in its own transaction
(:mod:`graph.changes`).

A row is the truth about what it describes: for a relationship that a node
has at most one of (a place's ``PART_OF`` parent, a need's ``ASSIGNED_TO``
resource), writing the row removes any other such relationship of that node;
for a many-valued one (a service's ``COVERS``), the row's list is the whole
set. So a reload with a changed parent moves the node instead of giving it two
parents. Labels and types come from :mod:`graph.schema` only.

Nodes the graph does not hold yet are written with ``CREATE`` rather than
``MERGE``, and so are their relationships: there is nothing to match or to
remove, and a first load of a large workbook is several times faster. Every
node write answers with the element ids Neo4j gave the nodes
(:data:`ElementIds`); the relationships of new nodes find their two ends by
those ids, a direct look-up of the store rather than a search of the ``id``
index, and all of them go through one statement whose type is a parameter,
so a load compiles a handful of statements instead of one per pair of labels.
A load that failed half-way is completed by running it again: what it wrote is
then known, and goes through the ``MERGE`` path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import neo4j

from graph.changes import (
    CREATED_IN,
    NODE,
    RELATIONSHIP,
    RELATIONSHIPS_OF_N,
    ChangeContext,
    ChangeRecord,
    EntityKey,
    comparable,
    record_in,
)
from graph.connection import Graph, to_date
from graph.schema import FAMILY, PRIMARY_LABELS, Label, RelType, quote_identifier

Row = Mapping[str, Any]
T = TypeVar("T")
Progress = Callable[[int], None]
"""Called with the number of rows just written."""
Collect = Callable[[Any], None]
"""Called with the one value a batch's statement returns, once it committed."""
ElementIds = dict[str, str]
"""Node ``id`` → the node's element id, as this connection's writes learnt it."""
Records = tuple[list[ChangeRecord], dict[str, int]]
"""What one batch changed: its updates and deletions, and its creations by
label or type (:func:`graph.changes.record_in`)."""
Record = Callable[[Sequence[Any]], Records]
"""Called with a batch's rows, in its transaction: what the batch changed."""


class Batch(list[T]):
    """One batch of parameter rows, shown by its length.

    The driver formats every statement's parameters for its debug log even
    when that log is off; for a batch of thousands of rows that cost more
    than sending them.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


def batches(rows: Sequence[T], size: int) -> Iterable[Batch[T]]:
    """``rows`` in consecutive batches of at most ``size``."""
    for start in range(0, len(rows), size):
        yield Batch(rows[start : start + size])


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

    Given a change context, a statement written with a ``record`` function has
    each batch's changes recorded in the batch's own transaction
    (:mod:`graph.changes`).
    """

    def __init__(
        self,
        graph: Graph,
        *,
        batch_size: int = 5000,
        workers: int = 1,
        context: ChangeContext | None = None,
    ) -> None:
        self.graph = graph
        self.batch_size = max(1, batch_size)
        self.context = context
        self._pool = ThreadPoolExecutor(workers, "civicgraph-write") if workers > 1 else None
        self._pending: list[Future[None]] = []

    def write(
        self,
        statement: str,
        rows: Sequence[object],
        progress: Progress | None = None,
        *,
        parameters: Mapping[str, Any] | None = None,
        collect: Collect | None = None,
        record: Record | None = None,
    ) -> None:
        """Run ``statement`` with each batch of ``rows`` as ``$rows``.

        Args:
            statement: Cypher built from :mod:`graph.schema` names only.
            rows: the parameter rows: maps, or lists the statement indexes.
            progress: told how many rows each batch wrote.
            parameters: the statement's other parameters, the same for every batch.
            collect: given the value of the one row the statement returns, for
                each batch once it is committed; without it, the statement
                returns nothing.
            record: what each batch changed, recorded in its transaction when
                the writer has a change context.
        """
        for batch in batches(rows, self.batch_size):
            values = {**(parameters or {}), "rows": batch}
            if self._pool is None:
                self._write_batch(statement, values, progress, collect, record)
            else:
                self._pending.append(
                    self._pool.submit(
                        self._write_batch, statement, values, progress, collect, record
                    )
                )

    def _write_batch(
        self,
        statement: str,
        values: dict[str, Any],
        progress: Progress | None,
        collect: Collect | None,
        record: Record | None,
    ) -> None:
        def work(tx: neo4j.ManagedTransaction) -> Any:
            result = tx.run(statement, values)
            value = None
            if collect is None:
                result.consume()
            else:
                value = result.single(strict=True).value()
            if record is not None and self.context is not None:
                changes, created = record(values["rows"])
                record_in(tx, self.context, changes, created=created)
            return value

        value = self.graph.write(work)
        if collect is not None:
            collect(value)
        if progress is not None:
            progress(len(values["rows"]))

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
    element_ids: ElementIds,
    *,
    new: bool = False,
    progress: Progress | None = None,
    record: Record | None = None,
) -> None:
    """Merge nodes of ``label`` on ``id`` and replace their properties.

    The node also gets its family label (``Place``, ``Organization``).

    Args:
        writer: where the batches go.
        label: the node's primary label.
        rows: ``{"id": ..., "props": {...}}``; ``props`` must hold ``id`` too.
        element_ids: receives each node's element id as its batch commits.
        new: none of these ids is in the graph yet: create them.
        progress: told how many rows each batch wrote.
        record: what each batch changed (:meth:`BatchWriter.write`).
    """
    family = FAMILY.get(label)
    labels = quote_identifier(label) + (f":{quote_identifier(family)}" if family else "")
    if new:
        write = f"CREATE (n:{labels}) SET n = row.props"
    else:
        write = f"MERGE (n:{quote_identifier(label)} {{id: row.id}}) SET n = row.props, n:{labels}"
    statement = f"UNWIND $rows AS row {write} RETURN collect([row.id, elementId(n)]) AS written"
    writer.write(statement, rows, progress, collect=element_ids.update, record=record)


def find_element_ids(graph: Graph, ids: Mapping[Label, Iterable[str]]) -> ElementIds:
    """The element ids of nodes in the graph, given their ids by primary label;
    ids not in the graph are left out."""
    found: ElementIds = {}
    for label, wanted in ids.items():
        rows = graph.query(
            f"UNWIND $ids AS id MATCH (n:{quote_identifier(label)} {{id: id}}) "
            "RETURN collect([id, elementId(n)]) AS found",
            {"ids": sorted(set(wanted))},
        )
        found.update(rows[0]["found"])
    return found


def _by_element_ids(create: str) -> str:
    return (
        "UNWIND $rows AS row MATCH (source) WHERE elementId(source) = row[0] "
        f"MATCH (target) WHERE elementId(target) = row[1] CREATE {create}"
    )


CREATE_BY_ELEMENT_IDS = _by_element_ids(
    f"(source)-[:$($type) {{{CREATED_IN}: $changeset}}]->(target)"
)
"""Relationships of the type ``$type`` between nodes found by element id."""

CREATE_POSTS_BY_ELEMENT_IDS = _by_element_ids(
    f"(source)-[:{quote_identifier(RelType.HOLDS)} "
    f"{{post: row[2], since: row[3], until: row[4], {CREATED_IN}: $changeset}}]->(target)"
)
"""Posts between persons and what they hold, found by element id."""


def create_relationships(
    writer: BatchWriter,
    rel_type: RelType,
    ends: Sequence[tuple[str, str]],
    progress: Progress | None = None,
) -> None:
    """Create relationships of one type between nodes known by element id,
    as created by the writer's change set.

    Args:
        writer: where the batches go.
        rel_type: their type.
        ends: the element ids of each one's start and end.
        progress: told how many rows each batch wrote.
    """
    writer.write(
        CREATE_BY_ELEMENT_IDS,
        ends,
        progress,
        parameters={"type": rel_type.value, "changeset": changeset_of(writer)},
        record=created(rel_type),
    )


def changeset_of(writer: BatchWriter) -> str | None:
    """The key of the change set a writer records in (``None``: it records none)."""
    return writer.context.changeset if writer.context is not None else None


def created(label_or_type: str) -> Record:
    """A batch's record when each of its rows created one entity."""

    def record(rows: Sequence[Any]) -> Records:
        return [], {str(label_or_type): len(rows)}

    return record


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
    element_ids: Mapping[str, str],
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
        element_ids: the element ids of both ends, when ``new``.
        new: the owners were just created: they have no relationships yet.
        progress: told how many owners were written, once all are handed over.
    """
    if new:
        ends = [
            (element_ids[owner_id], element_ids[target_id])
            for owner_id, targets in rows
            for target_id, _ in targets
        ]
        if not spec.forward:
            ends = [(end, start) for start, end in ends]
        create_relationships(writer, spec.type, ends)
        if progress is not None:
            progress(len(rows))
        return

    _replace_existing(writer, spec, rows)
    if progress is not None:
        progress(len(rows))


def current_relationships(
    graph: Graph, spec: RelationshipSpec, owner_ids: Sequence[str]
) -> dict[str, dict[str, dict[str, Any]]]:
    """Each owner's ``spec.type`` relationships: owner id → other id → the
    relationship's properties."""
    rows = graph.collected(
        f"UNWIND $ids AS id MATCH (owner:{quote_identifier(spec.owner)} {{id: id}}) "
        f"MATCH {spec.pattern()} "
        "RETURN collect({owner: owner.id, other: other.id, properties: properties(r)}) AS rows",
        {"ids": list(owner_ids)},
    )
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row["owner"], {})[row["other"]] = row["properties"]
    return found


def _ends(spec: RelationshipSpec, owner_id: str, other_id: str) -> tuple[str, str]:
    return (owner_id, other_id) if spec.forward else (other_id, owner_id)


def _replace_existing(
    writer: BatchWriter, spec: RelationshipSpec, rows: Sequence[tuple[str, Sequence[Target]]]
) -> None:
    """Make existing owners' relationships the listed ones, writing only the
    difference: the relationships no longer listed are deleted, those newly
    listed created, each recorded."""
    current = current_relationships(writer.graph, spec, [owner_id for owner_id, _ in rows])
    removed: list[Row] = []
    added: dict[Label, list[Row]] = {}
    for owner_id, targets in rows:
        have = current.get(owner_id, {})
        wanted = {target_id for target_id, _ in targets}
        removed += [
            {"owner": owner_id, "other": other_id, "properties": properties}
            for other_id, properties in have.items()
            if other_id not in wanted
        ]
        for target_id, target_label in targets:
            if target_id not in have:
                added.setdefault(target_label, []).append({"owner": owner_id, "other": target_id})
    owner = quote_identifier(spec.owner)
    rel_type = spec.type.value

    def deleted(batch: Sequence[Any]) -> Records:
        records = [
            ChangeRecord(
                EntityKey(RELATIONSHIP, rel_type, *_ends(spec, row["owner"], row["other"])),
                "delete",
                row["properties"],
                None,
            )
            for row in batch
        ]
        return records, {}

    if removed:
        writer.write(
            f"UNWIND $rows AS row MATCH (owner:{owner} {{id: row.owner}}) "
            f"MATCH {spec.pattern()} WHERE other.id = row.other DELETE r",
            removed,
            record=deleted,
        )
    arrow = f"-[:{quote_identifier(spec.type)} {{{CREATED_IN}: $changeset}}]-"
    create = f"(owner){arrow}>(other)" if spec.forward else f"(owner)<{arrow}(other)"
    for other_label, pairs in added.items():
        writer.write(
            f"UNWIND $rows AS row MATCH (owner:{owner} {{id: row.owner}}) "
            f"MATCH (other:{quote_identifier(other_label)} {{id: row.other}}) CREATE {create}",
            pairs,
            parameters={"changeset": changeset_of(writer)},
            record=created(spec.type),
        )


def merge_posts(
    writer: BatchWriter,
    rows: Sequence[Row],
    element_ids: Mapping[str, str],
    *,
    new: bool = False,
    progress: Progress | None = None,
) -> None:
    """Merge ``(person)-[:HOLDS {post}]->(target)`` relationships.

    Args:
        writer: where the batches go.
        rows: ``{"person", "post", "target", "label", "since", "until"}`` where
            ``label`` is the target's primary label (a :class:`Label`).
        element_ids: the element ids of both ends, when ``new``.
        new: the persons were just created: they hold no post yet.
        progress: told how many rows each batch wrote.
    """
    if new:
        posts = [
            (
                element_ids[row["person"]],
                element_ids[row["target"]],
                row["post"],
                row["since"],
                row.get("until"),
            )
            for row in rows
        ]
        writer.write(
            CREATE_POSTS_BY_ELEMENT_IDS,
            posts,
            progress,
            parameters={"changeset": changeset_of(writer)},
            record=created(RelType.HOLDS),
        )
        return

    current = current_posts(writer.graph, sorted({row["person"] for row in rows}))
    person = quote_identifier(Label.PERSON)
    holds = quote_identifier(RelType.HOLDS)
    by_label: dict[Label, list[Row]] = {}
    changed: list[Row] = []
    for row in rows:
        held = current.get((row["person"], row["post"], row["target"]))
        if held is None:
            by_label.setdefault(row["label"], []).append(_post_parameters(row))
        elif comparable(_term(held)) != comparable(_term(row)):
            changed.append({**_post_parameters(row), "before": held})
    for target_label, group in by_label.items():
        writer.write(
            f"UNWIND $rows AS row MATCH (person:{person} {{id: row.person}}) "
            f"MATCH (target:{quote_identifier(target_label)} {{id: row.target}}) "
            f"CREATE (person)-[:{holds} "
            f"{{post: row.post, since: row.since, until: row.until, {CREATED_IN}: $changeset}}]"
            "->(target)",
            group,
            progress,
            parameters={"changeset": changeset_of(writer)},
            record=created(RelType.HOLDS),
        )

    update_posts(writer, changed, progress)


def update_posts(
    writer: BatchWriter, rows: Sequence[Row], progress: Progress | None = None
) -> None:
    """Set the terms of posts the graph holds, each recorded.

    Args:
        writer: where the batches go.
        rows: ``{"person", "post", "target", "since", "until", "before"}``,
            ``before`` being the post's properties now.
        progress: told how many rows each batch wrote.
    """
    if not rows:
        return

    def updated(batch: Sequence[Any]) -> Records:
        records = [
            ChangeRecord(
                _held(row["person"], row["post"], row["target"]),
                "update",
                row["before"],
                {
                    key: value
                    for key, value in {**row["before"], **_term(row)}.items()
                    if value is not None
                },
            )
            for row in batch
        ]
        return records, {}

    person = quote_identifier(Label.PERSON)
    holds = quote_identifier(RelType.HOLDS)
    # Expanding between the two anchored endpoints and filtering after
    # keeps each row a constant amount of work (the HOLDS.post index
    # would scan every post of that kind).
    writer.write(
        f"UNWIND $rows AS row MATCH (person:{person} {{id: row.person}})-[held:{holds}]->"
        "(target) WHERE target.id = row.target AND held.post = row.post "
        "SET held.since = row.since, held.until = row.until",
        rows,
        progress,
        record=updated,
    )


def _held(person_id: str, post: str, target_id: str) -> EntityKey:
    """The key a post's change records carry."""
    return EntityKey(RELATIONSHIP, RelType.HOLDS.value, person_id, target_id, post)


def _term(post: Mapping[str, Any]) -> dict[str, Any]:
    """A post's term: its ``since`` and ``until``."""
    return {"since": post.get("since"), "until": post.get("until")}


_POST_ROWS = (
    "RETURN collect({person: p.id, post: r.post, target: t.id, properties: properties(r)}) AS rows"
)
"""The end of a query for posts ``(p)-[r:HOLDS]->(t)``: one row of them all."""


def current_posts(
    graph: Graph, person_ids: Sequence[str]
) -> dict[tuple[str, str, str], dict[str, Any]]:
    """The posts these persons hold: ``(person id, post, target id)`` → the
    post's properties."""
    rows = graph.collected(
        f"UNWIND $ids AS id MATCH (p:{quote_identifier(Label.PERSON)} {{id: id}})"
        f"-[r:{quote_identifier(RelType.HOLDS)}]->(t) {_POST_ROWS}",
        {"ids": list(person_ids)},
    )
    return {(row["person"], row["post"], row["target"]): row["properties"] for row in rows}


def _post_parameters(row: Row) -> Row:
    return {
        "person": row["person"],
        "post": row["post"],
        "target": row["target"],
        "since": row["since"],
        "until": row.get("until"),
    }


def current_properties(graph: Graph, label: Label, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The properties of the nodes of ``label`` with these ids (those in the graph)."""
    rows = graph.collected(
        f"UNWIND $ids AS id MATCH (n:{quote_identifier(label)} {{id: id}}) "
        "RETURN collect({id: id, properties: properties(n)}) AS rows",
        {"ids": list(ids)},
    )
    return {row["id"]: row["properties"] for row in rows}


def updated_nodes(label: Label) -> Record:
    """A batch's record when each row ``{id, props, before}`` updated a node."""

    def record(rows: Sequence[Any]) -> Records:
        changes = [
            ChangeRecord(
                EntityKey(NODE, label.value, row["id"]), "update", row["before"], row["props"]
            )
            for row in rows
        ]
        return changes, {}

    return record


def all_node_ids(graph: Graph, label: Label) -> set[str]:
    """The ids of every node of ``label``."""
    rows = graph.collected(
        f"MATCH (n:{quote_identifier(label)}) RETURN collect({{id: n.id}}) AS rows"
    )
    return {row["id"] for row in rows}


def delete_nodes(
    writer: BatchWriter, label: Label, ids: Iterable[str], deleted_relationships: set[str]
) -> None:
    """Delete the nodes of ``label`` with these ids, and their relationships,
    each recorded with what it held.

    Args:
        writer: where the batches go.
        label: their primary label.
        ids: their ids.
        deleted_relationships: the element ids of relationships already
            recorded as deleted (a relationship between two deleted nodes is
            recorded once); grows with this call's.
    """
    wanted = sorted(ids)
    rows = writer.graph.query(
        f"UNWIND $ids AS id MATCH (n:{quote_identifier(label)} {{id: id}}) "
        "RETURN id, labels(n) AS labels, properties(n) AS properties, "
        f"{RELATIONSHIPS_OF_N} AS rels",
        {"ids": wanted},
    )
    recorded: dict[str, list[ChangeRecord]] = {}
    for row in rows:
        records = [
            ChangeRecord(
                EntityKey(NODE, label.value, row["id"]),
                "delete",
                row["properties"],
                None,
                tuple(row["labels"]),
            )
        ]
        for rel in row["rels"]:
            if rel["element_id"] in deleted_relationships:
                continue
            deleted_relationships.add(rel["element_id"])
            records.append(
                ChangeRecord(EntityKey.relationship(rel), "delete", rel["properties"], None)
            )
        recorded[row["id"]] = records

    def record(batch: Sequence[Any]) -> Records:
        return [change for row in batch for change in recorded[row["id"]]], {}

    writer.write(
        f"UNWIND $rows AS row MATCH (n:{quote_identifier(label)} {{id: row.id}}) DETACH DELETE n",
        [{"id": node_id} for node_id in recorded],
        record=record,
    )


def all_posts(graph: Graph) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Every post: ``(person id, post, target id)`` → its properties."""
    rows = graph.collected(
        f"MATCH (p:{quote_identifier(Label.PERSON)})-[r:{quote_identifier(RelType.HOLDS)}]->"
        f"(t) {_POST_ROWS}"
    )
    return {(row["person"], row["post"], row["target"]): row["properties"] for row in rows}


def delete_posts(
    writer: BatchWriter, posts: Mapping[tuple[str, str, str], Mapping[str, Any]]
) -> None:
    """Delete these posts (``(person id, post, target id)`` → their
    properties), each recorded."""
    person = quote_identifier(Label.PERSON)
    holds = quote_identifier(RelType.HOLDS)
    rows = [
        {"person": person_id, "post": post, "target": target_id}
        for person_id, post, target_id in sorted(posts)
    ]

    def record(batch: Sequence[Any]) -> Records:
        changes = [
            ChangeRecord(
                _held(row["person"], row["post"], row["target"]),
                "delete",
                posts[(row["person"], row["post"], row["target"])],
                None,
            )
            for row in batch
        ]
        return changes, {}

    writer.write(
        f"UNWIND $rows AS row MATCH (p:{person} {{id: row.person}})-[r:{holds}]->(t) "
        "WHERE t.id = row.target AND r.post = row.post DELETE r",
        rows,
        record=record,
    )


def end_posts(
    writer: BatchWriter, posts: Mapping[tuple[str, str, str], Mapping[str, Any]], day: date
) -> tuple[int, int]:
    """End these posts (``(person id, post, target id)`` → their properties)
    on ``day``: each is held until that day, or deleted when it was to begin
    after it (it was never held). Each is recorded.

    Returns:
        How many were ended and how many deleted.
    """
    ended: list[Row] = []
    never: dict[tuple[str, str, str], Mapping[str, Any]] = {}
    for (person_id, post, target_id), held in sorted(posts.items()):
        since = to_date(held.get("since"))
        if since is not None and since > day:
            never[(person_id, post, target_id)] = held
            continue
        ended.append(
            {
                "person": person_id,
                "post": post,
                "target": target_id,
                "since": held.get("since"),
                "until": day,
                "before": dict(held),
            }
        )
    update_posts(writer, ended)
    if never:
        delete_posts(writer, never)
    return len(ended), len(never)


_PARENT = f"{quote_identifier(RelType.PART_OF)}|{quote_identifier(RelType.BROADER)}|" + (
    quote_identifier(RelType.REPORTS_TO)
)
"""The relationships that lead one step up a node's own hierarchy."""

_KNOWN_ROWS = (
    f"OPTIONAL MATCH (n)-[:{_PARENT}]->(parent) "
    "WITH n, head(collect(parent.id)) AS parent_id "
    "RETURN collect({id: n.id, labels: labels(n), level: n.level, parent_id: parent_id}) AS rows"
)

_ID_LABELS = sorted({FAMILY.get(label, label) for label in PRIMARY_LABELS})
"""One label of every node with an id, each with a uniqueness constraint on
``id``: the families (``Place``, ``Organization``) and the labels outside them."""


def known_node_rows(graph: Graph, ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """The nodes with an id — every one, or those with these ``ids`` and
    every node above them — each with its labels, level and one-step-up
    parent.

    The parent is the ``PART_OF`` place of a place, the ``BROADER`` category of
    a category, the ``REPORTS_TO`` organization of a party organization; the
    validator checks a partial workbook's references against these, and
    walks up from a node to its community.
    """
    if ids is None:
        return graph.collected(f"MATCH (n) WHERE n.id IS NOT NULL {_KNOWN_ROWS}")
    found = " UNION ".join(
        f"WITH id MATCH (n:{quote_identifier(label)} {{id: id}}) RETURN n" for label in _ID_LABELS
    )
    return graph.collected(
        f"UNWIND $ids AS id CALL {{ {found} }} "
        f"MATCH (n)-[:{_PARENT}*0..]->(above) WITH DISTINCT above AS n {_KNOWN_ROWS}",
        {"ids": sorted(set(ids))},
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
