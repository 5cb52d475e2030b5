"""Change sets (变更记录): every write to the data, recorded beside it.

A change set is one write as a planner names it — a load of a workbook, one
API request, one ``assign --apply``, one revert — and says when it was made,
by whom and through what. It is kept in the graph as a ``:ChangeSet`` node
(its key is ``changeset``; like every system node it has no ``id``) and
describes what the write did to each node and relationship:

- **created**: the node or relationship carries the change set's key in its
  :data:`CREATED_IN` property. That costs a load nothing but one property per
  entity, so a first load of a large workbook stays as fast as it was. The
  properties it was created with are those the first later change of it saw
  as its ``before`` (or, with no later change, those it has now).
- **updated** or **deleted**: one ``:Change`` node holds the entity's key
  (:class:`EntityKey`), and its properties before and after as JSON
  (:func:`encode_properties`), so that any state can be restored.

A change and its record are written in the same transaction: a load writes
its records batch by batch, each in the transaction of its batch, so that a
load interrupted half-way leaves records for exactly what it wrote. A write
that changes nothing records nothing.
"""

from __future__ import annotations

import getpass
import json
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import neo4j
import neo4j.time

from graph.connection import Graph
from graph.schema import (
    PRIMARY_LABELS,
    Label,
    RelType,
    SystemLabel,
    quote_identifier,
)

CREATED_IN = "_created_in"
"""The property of a node or relationship that names the change set which
created it. Properties whose name begins with ``_`` are civicgraph's own:
they are never shown as data nor compared as a change."""

IGNORED_PROPERTIES = frozenset({"assignment_lock"})
"""Properties a write may set and remove again in one transaction (a lock)."""

_SET = quote_identifier(SystemLabel.CHANGE_SET)
_CHANGE = quote_identifier(SystemLabel.CHANGE)

T = TypeVar("T")

NODE = "node"
RELATIONSHIP = "relationship"


def data_properties(properties: Mapping[str, Any]) -> dict[str, Any]:
    """The properties that are data: without civicgraph's own (``_…``)."""
    return {
        key: value
        for key, value in properties.items()
        if not key.startswith("_") and key not in IGNORED_PROPERTIES
    }


@dataclass(frozen=True)
class Actor:
    """Who makes a change: an API token (its id and name) or a command-line
    user (``cli:<os user>``)."""

    id: str
    name: str

    @classmethod
    def cli(cls) -> Actor:
        """The operating-system user running the command line."""
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = "unknown"
        return cls(id=f"cli:{user}", name=user)


@dataclass(frozen=True)
class ChangeContext:
    """Who makes a write and through what (``load wb.xlsx sha256:…``,
    ``api POST /api/needs``, ``assign --apply``, ``revert cs-…``)."""

    actor: Actor
    via: str
    changeset: str = field(default_factory=lambda: new_changeset_id())
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def parameters(self) -> dict[str, Any]:
        """The change set's own properties, as statement parameters."""
        return {
            "changeset": self.changeset,
            "at": self.at,
            "actor": self.actor.id,
            "actor_name": self.actor.name,
            "via": self.via,
        }


def new_changeset_id(now: datetime | None = None) -> str:
    """A fresh change-set key: ``cs-`` + the UTC time + 6 random hex digits,
    so that keys sort as they were made."""
    moment = now or datetime.now(UTC)
    return f"cs-{moment:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"


# --- properties as JSON ------------------------------------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, neo4j.time.DateTime):
        return {"$datetime": value.iso_format()}
    if isinstance(value, neo4j.time.Date):
        return {"$date": value.iso_format()}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, list | tuple):
        return [_encode(item) for item in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        ((tag, text),) = value.items()
        if tag == "$date":
            return date.fromisoformat(text)
        if tag == "$datetime":
            return datetime.fromisoformat(text)
    if isinstance(value, list):
        return [_decode(item) for item in value]
    return value


def encode_properties(properties: Mapping[str, Any] | None) -> str | None:
    """Properties as JSON text, days and times tagged (``{"$date": …}``) so
    that :func:`decode_properties` gives back the values Neo4j stored."""
    if properties is None:
        return None
    encoded = {key: _encode(properties[key]) for key in sorted(properties)}
    return json.dumps(encoded, ensure_ascii=False, separators=(",", ":"))


def decode_properties(text: str | None) -> dict[str, Any] | None:
    """The properties :func:`encode_properties` wrote, as Neo4j takes them."""
    if text is None:
        return None
    loaded = json.loads(text)
    return {key: _decode(value) for key, value in loaded.items()}


def comparable(properties: Mapping[str, Any]) -> dict[str, Any]:
    """Data properties in one form whether they came from the driver or from
    Python (a driver ``Date`` and a ``date`` of the same day compare equal)."""
    return {key: _encode(value) for key, value in data_properties(properties).items()}


# --- what was changed ----------------------------------------------------------


@dataclass(frozen=True)
class EntityKey:
    """What a change is about: a node (its primary label and id) or a
    relationship (its type, its two ends' ids and, for a post, the post)."""

    kind: str
    label: str
    entity: str
    other: str = ""
    key: str = ""

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> EntityKey:
        """The key a ``:Change`` record (or a row of its fields) names."""
        return cls(row["kind"], row["label"], row["entity"], row["other"] or "", row["key"] or "")

    @classmethod
    def relationship(cls, rel: Mapping[str, Any]) -> EntityKey:
        """The key of a relationship given as ``{type, start, end,
        properties}`` (:data:`RELATIONSHIPS_OF_N`'s items): for a post, its
        ``post`` tells it apart from the holder's other posts at the same place."""
        post = post_key(rel["type"], rel["properties"])
        return cls(RELATIONSHIP, rel["type"], rel["start"], rel["end"], post)

    def describe(self) -> str:
        """``Need N1`` or ``HOLDS P1→C1 (secretary)``."""
        if self.kind == NODE:
            return f"{self.label} {self.entity}"
        post = f" ({self.key})" if self.key else ""
        return f"{self.label} {self.entity}→{self.other}{post}"


def post_key(rel_type: str, properties: Mapping[str, Any]) -> str:
    """What tells two relationships of one type between one pair apart: a
    post's ``post``; nothing for the other types."""
    if rel_type == RelType.HOLDS.value:
        return str(properties.get("post") or "")
    return ""


RELATIONSHIPS_OF_N = (
    "[(n)-[r]-(o) | {element_id: elementId(r), type: type(r), start: startNode(r).id, "
    "end: endNode(r).id, properties: properties(r)}]"
)
"""Cypher for every relationship of the node ``n``, at either end, as the maps
:meth:`EntityKey.relationship` takes."""


@dataclass(frozen=True)
class ChangeRecord:
    """One entity updated or deleted by a change set."""

    entity: EntityKey
    op: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None
    labels: tuple[str, ...] = ()

    def row(self) -> dict[str, Any]:
        """The record as a row of :data:`RECORD_CHANGES`."""
        return {
            "kind": self.entity.kind,
            "label": self.entity.label,
            "entity": self.entity.entity,
            "other": self.entity.other,
            "key": self.entity.key,
            "op": self.op,
            "before": encode_properties(self.before),
            "after": encode_properties(self.after),
            "labels": list(self.labels),
        }


OPEN_CHANGE_SET = (
    f"MERGE (cs:{_SET} {{changeset: $changeset}}) "
    "ON CREATE SET cs.at = $at, cs.actor = $actor, cs.actor_name = $actor_name, cs.via = $via"
)
"""Opens the change set (or finds it, in a later transaction of the same
write). The key's uniqueness constraint makes concurrent batches meet on one
node."""

RECORD_CHANGES = (
    "UNWIND $changes AS change "
    f"CREATE (:{_CHANGE} {{changeset: $changeset, at: $at, kind: change.kind, "
    "label: change.label, entity: change.entity, other: change.other, key: change.key, "
    "op: change.op, before: change.before, after: change.after, labels: change.labels})"
)
"""Writes ``$changes`` (rows of :meth:`ChangeRecord.row`)."""


def record_in(
    tx: neo4j.ManagedTransaction,
    context: ChangeContext,
    changes: Sequence[ChangeRecord],
    *,
    created: Mapping[str, int] | None = None,
) -> None:
    """Record ``changes`` and the entities ``created`` (their count by label
    or type) in the transaction that made them, adding them to the change
    set's totals; nothing when there is nothing to record."""
    created = {label: count for label, count in (created or {}).items() if count}
    if not changes and not created:
        return
    values = {
        **context.parameters(),
        "changes": [change.row() for change in changes],
        "labels": sorted(created),
        "created": sum(created.values()),
        "updated": sum(1 for change in changes if change.op == "update"),
        "deleted": sum(1 for change in changes if change.op == "delete"),
    }
    tx.run(OPEN_CHANGE_SET + " " + COUNT_CHANGES, values).consume()
    if changes:
        tx.run(RECORD_CHANGES, values).consume()


COUNT_CHANGES = (
    "SET cs.created = coalesce(cs.created, 0) + $created, "
    "cs.updated = coalesce(cs.updated, 0) + $updated, "
    "cs.deleted = coalesce(cs.deleted, 0) + $deleted, "
    "cs.created_labels = [label IN coalesce(cs.created_labels, []) "
    "  WHERE NOT label IN $labels] + $labels"
)
"""Adds one transaction's counts to its change set's totals."""


def read_totals(graph: Graph, changeset: str) -> tuple[str | None, dict[str, int]]:
    """A change set's key and its ``created``, ``updated`` and ``deleted``
    counts; ``(None, {})`` when it was never opened (nothing changed)."""
    rows = graph.query(
        f"MATCH (cs:{_SET} {{changeset: $changeset}}) "
        "RETURN cs.created AS created, cs.updated AS updated, cs.deleted AS deleted",
        {"changeset": changeset},
    )
    if not rows:
        return None, {}
    return changeset, {key: int(rows[0][key] or 0) for key in ("created", "updated", "deleted")}


# --- small writes: snapshot, write, compare ----------------------------------------


@dataclass(frozen=True)
class _Relationship:
    element_id: str
    key: EntityKey
    properties: Mapping[str, Any]


@dataclass(frozen=True)
class _Node:
    element_id: str
    key: EntityKey
    labels: tuple[str, ...]
    properties: Mapping[str, Any]


Snapshot = dict[EntityKey, _Node | _Relationship]


def primary_label(labels: Iterable[str]) -> str:
    """The label that names what a node is (not its family)."""
    names = set(labels)
    for label in PRIMARY_LABELS:
        if label.value in names:
            return label.value
    return sorted(names)[0] if names else ""


def snapshot(tx: neo4j.ManagedTransaction, nodes: Iterable[tuple[Label, str]]) -> Snapshot:
    """The nodes given by primary label and id, and every relationship they
    have, as the transaction sees them now."""
    wanted: dict[Label, set[str]] = {}
    for label, node_id in nodes:
        wanted.setdefault(label, set()).add(node_id)
    seen: Snapshot = {}
    for label, ids in wanted.items():
        rows = tx.run(
            f"UNWIND $ids AS id MATCH (n:{quote_identifier(label)} {{id: id}}) "
            "RETURN elementId(n) AS element_id, n.id AS id, labels(n) AS labels, "
            f"properties(n) AS properties, {RELATIONSHIPS_OF_N} AS rels",
            {"ids": sorted(ids)},
        )
        for row in rows:
            for rel in row["rels"]:
                rel_key = EntityKey.relationship(rel)
                seen[rel_key] = _Relationship(rel["element_id"], rel_key, rel["properties"])
            key = EntityKey(NODE, label.value, row["id"])
            seen[key] = _Node(row["element_id"], key, tuple(row["labels"]), row["properties"])
    return seen


def compare(
    before: Snapshot, after: Snapshot
) -> tuple[list[ChangeRecord], list[_Node | _Relationship]]:
    """What changed between two snapshots: the updates and deletions to
    record, and the entities created (to be stamped with :data:`CREATED_IN`)."""
    records: list[ChangeRecord] = []
    created: list[_Node | _Relationship] = []
    for key, old in before.items():
        new = after.get(key)
        if new is None:
            labels = old.labels if isinstance(old, _Node) else ()
            records.append(ChangeRecord(key, "delete", dict(old.properties), None, labels))
        elif comparable(old.properties) != comparable(new.properties):
            labels = new.labels if isinstance(new, _Node) else ()
            records.append(
                ChangeRecord(
                    key,
                    "update",
                    dict(old.properties),
                    {**new.properties, **creation_of(old.properties)},
                    labels,
                )
            )
    created = [entity for key, entity in after.items() if key not in before]
    return records, created


def creation_of(properties: Mapping[str, Any] | None) -> dict[str, Any]:
    """The :data:`CREATED_IN` of an entity's properties, to keep when they are
    replaced (empty when it has none)."""
    if properties is None or CREATED_IN not in properties:
        return {}
    return {CREATED_IN: properties[CREATED_IN]}


def stamp_created(
    tx: neo4j.ManagedTransaction, changeset: str, entities: Sequence[_Node | _Relationship]
) -> dict[str, int]:
    """Mark new entities as created by ``changeset``; their count by label
    or type."""
    node_ids = [entity.element_id for entity in entities if isinstance(entity, _Node)]
    rel_ids = [entity.element_id for entity in entities if isinstance(entity, _Relationship)]
    if node_ids:
        tx.run(
            f"MATCH (n) WHERE elementId(n) IN $ids SET n.{CREATED_IN} = $changeset",
            {"ids": node_ids, "changeset": changeset},
        ).consume()
    if rel_ids:
        tx.run(
            f"MATCH ()-[r]->() WHERE elementId(r) IN $ids SET r.{CREATED_IN} = $changeset",
            {"ids": rel_ids, "changeset": changeset},
        ).consume()
    counts: dict[str, int] = {}
    for entity in entities:
        counts[entity.key.label] = counts.get(entity.key.label, 0) + 1
    return counts


def recorded_in(
    tx: neo4j.ManagedTransaction,
    context: ChangeContext,
    nodes: Iterable[tuple[Label, str]],
    work: Callable[[neo4j.ManagedTransaction], T],
) -> T:
    """Run ``work`` in ``tx`` and record what it did to ``nodes`` and their
    relationships, in the same transaction.

    Args:
        tx: the transaction.
        context: who writes, through what.
        nodes: the nodes (primary label, id) the write may create, change or
            delete; their relationships are followed too.
        work: the write.
    """
    wanted = list(nodes)
    before = snapshot(tx, wanted)
    result = work(tx)
    after = snapshot(tx, wanted)
    records, created = compare(before, after)
    record_in(tx, context, records, created=stamp_created(tx, context.changeset, created))
    return result


def recorded_write(
    graph: Graph,
    context: ChangeContext,
    nodes: Iterable[tuple[Label, str]],
    work: Callable[[neo4j.ManagedTransaction], T],
) -> T:
    """:func:`recorded_in` in a managed write transaction of its own."""
    wanted = list(nodes)
    return graph.write(lambda tx: recorded_in(tx, context, wanted, work))
