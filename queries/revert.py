"""Reverting a change set (撤销变更): the graph as it was before it, whole or
not at all, recorded as a change set of its own.

A revert deletes what the change set created, gives what it updated back
its properties before, and makes again what it deleted. It refuses, and
changes nothing, when a later change set touched the same entities (or
attached a relationship to a node it would delete, or made again a node it
would make again): undoing one write under a later one would make a state
that never was. Everything is read and written in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import neo4j

from graph.changes import (
    CREATED_IN,
    NODE,
    RELATIONSHIP,
    ChangeContext,
    ChangeRecord,
    EntityKey,
    comparable,
    data_properties,
    decode_properties,
    post_key,
    primary_label,
    record_in,
)
from graph.connection import Graph
from graph.errors import CivicGraphError, NotFoundError
from graph.schema import FAMILY, Label, RelType, quote_identifier
from queries.catalog import run_in


class RevertConflictError(CivicGraphError):
    """A revert that cannot apply whole: later change sets touched the same
    entities. Nothing was changed."""

    exit_code = 2


@dataclass
class RevertReport:
    """What a revert did: the change set reverted, the change set that
    records the revert, and how many entities it deleted, restored and made
    again."""

    reverted: str
    changeset: str | None = None
    deleted: int = 0
    restored: int = 0
    recreated: int = 0
    entities: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The report as a JSON-ready dict."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class _Created:
    element_id: str
    key: EntityKey
    labels: tuple[str, ...]
    properties: dict[str, Any]


def _label(name: str) -> Label:
    try:
        return Label(name)
    except ValueError as error:
        raise CivicGraphError(f"a change record names no label of the schema: {name!r}") from error


def _type(name: str) -> RelType:
    try:
        return RelType(name)
    except ValueError as error:
        raise CivicGraphError(f"a change record names no relationship type: {name!r}") from error


def _created_entities(
    tx: neo4j.ManagedTransaction, changeset: str, created_labels: Sequence[str]
) -> tuple[list[_Created], list[str]]:
    """What the change set created and still exists, and the relationships of
    later change sets attached to its nodes (conflicts)."""
    found: list[_Created] = []
    attached: list[str] = []
    for name in created_labels:
        if name in {label.value for label in Label}:
            rows = tx.run(
                f"MATCH (n:{quote_identifier(_label(name))}) WHERE n.{CREATED_IN} = $changeset "
                "RETURN n.id AS id, elementId(n) AS element_id, labels(n) AS labels, "
                "properties(n) AS properties, "
                f"[(n)-[r]-(o) WHERE coalesce(r.{CREATED_IN}, '') <> $changeset | "
                " type(r) + ' ' + startNode(r).id + '→' + endNode(r).id] AS others",
                {"changeset": changeset},
            )
            for row in rows:
                key = EntityKey(NODE, primary_label(row["labels"]), row["id"])
                found.append(
                    _Created(row["element_id"], key, tuple(row["labels"]), row["properties"])
                )
                attached += [f"{other} (attached to {row['id']})" for other in row["others"]]
        else:
            rel_type = _type(name)
            rows = tx.run(
                f"MATCH (a)-[r:{quote_identifier(rel_type)}]->(b) "
                f"WHERE r.{CREATED_IN} = $changeset "
                "RETURN elementId(r) AS element_id, a.id AS start, b.id AS end, "
                "properties(r) AS properties",
                {"changeset": changeset},
            )
            for row in rows:
                key = EntityKey.relationship({**row, "type": name})
                found.append(_Created(row["element_id"], key, (), row["properties"]))
    return found, attached


def revert_changeset(graph: Graph, changeset: str, *, context: ChangeContext) -> RevertReport:
    """Restore the graph as it was before ``changeset``, recorded in
    ``context``'s change set.

    Raises:
        NotFoundError: no change set has the key.
        RevertConflictError: later change sets touched the same entities (they
            are named); nothing was changed.
    """

    def work(tx: neo4j.ManagedTransaction) -> RevertReport:
        rows = run_in(tx, "change_records", {"changeset": changeset})
        if not rows:
            raise NotFoundError(changeset, "change set")
        at = rows[0]["at"]
        changes = sorted(rows[0]["changes"], key=lambda c: (c["kind"] != RELATIONSHIP, c["op"]))
        created, attached = _created_entities(tx, changeset, rows[0]["created_labels"])
        keys = {EntityKey.of(change) for change in changes} | {entity.key for entity in created}
        later = run_in(
            tx,
            "change_later",
            {"entities": sorted({key.entity for key in keys}), "at": at, "changeset": changeset},
        )
        conflicts = sorted(
            {
                f"{EntityKey.of(row).describe()} (changed by {row['changeset']})"
                for row in later
                if EntityKey.of(row) in keys
            }
        )
        marker = json.dumps({CREATED_IN: changeset}, separators=(",", ":"))[1:-1]
        conflicts += sorted(
            {
                f"{EntityKey.of(row).describe()} (changed by {row['changeset']})"
                for row in run_in(tx, "change_of_created", {"marker": marker})
            }
        )
        conflicts += sorted(set(attached))
        report = RevertReport(reverted=changeset)
        conflicts += _apply(tx, context, changes, created, report)
        if conflicts:
            raise RevertConflictError(
                f"cannot revert {changeset}: later changes touched what it changed, so "
                f"nothing was reverted: {'; '.join(conflicts[:20])}"
                + (f" … and {len(conflicts) - 20} more" if len(conflicts) > 20 else "")
            )
        return report

    report = graph.write(work)
    if report.deleted or report.restored or report.recreated:
        report.changeset = context.changeset
    return report


def _apply(
    tx: neo4j.ManagedTransaction,
    context: ChangeContext,
    changes: Sequence[Mapping[str, Any]],
    created: Sequence[_Created],
    report: RevertReport,
) -> list[str]:
    """Undo the changes in ``tx``; the conflicts found while doing it. The
    caller rolls the transaction back when there is any."""
    conflicts: list[str] = []
    records: list[ChangeRecord] = []
    made: dict[str, int] = {}

    # What the change set created goes: relationships first, then nodes.
    for entity in sorted(created, key=lambda e: e.key.kind == NODE):
        if entity.key.kind == RELATIONSHIP:
            tx.run(
                "MATCH ()-[r]->() WHERE elementId(r) = $id DELETE r", {"id": entity.element_id}
            ).consume()
        else:
            tx.run(
                "MATCH (n) WHERE elementId(n) = $id DETACH DELETE n", {"id": entity.element_id}
            ).consume()
        records.append(ChangeRecord(entity.key, "delete", entity.properties, None, entity.labels))
        report.deleted += 1

    ids = sorted(
        {change["entity"] for change in changes} | {change["other"] for change in changes} - {""}
    )
    nodes = {row["id"]: row for row in run_in(tx, "change_find_nodes", {"node_ids": ids})}

    # Deleted nodes come back before the relationships that end at them.
    for change in changes:
        key = EntityKey.of(change)
        before = decode_properties(change.get("before")) or {}
        after = decode_properties(change.get("after"))
        if key.kind != NODE:
            continue
        label = _label(key.label)
        if change["op"] == "delete":
            if key.entity in nodes:
                conflicts.append(f"{key.describe()} exists again")
                continue
            labels = [_label(name) for name in change.get("labels") or [key.label]]
            family = FAMILY.get(label)
            if family is not None and family not in labels:
                labels.append(family)
            text = ":".join(quote_identifier(name) for name in labels)
            properties = {**data_properties(before), CREATED_IN: context.changeset}
            row = tx.run(
                f"CREATE (n:{text}) SET n = $properties RETURN elementId(n) AS element_id",
                {"properties": properties},
            ).single(strict=True)
            nodes[key.entity] = {"id": key.entity, "element_id": row["element_id"]}
            made[label.value] = made.get(label.value, 0) + 1
            report.recreated += 1
        else:
            current = nodes.get(key.entity)
            if current is None or comparable(current["properties"]) != comparable(after or {}):
                conflicts.append(f"{key.describe()} is no longer as the change left it")
                continue
            tx.run(
                f"MATCH (n:{quote_identifier(label)} {{id: $id}}) SET n = $properties",
                {"id": key.entity, "properties": before},
            ).consume()
            records.append(ChangeRecord(key, "update", current["properties"], before))
            report.restored += 1
        report.entities.append(key.describe())

    for change in changes:
        key = EntityKey.of(change)
        if key.kind != RELATIONSHIP:
            continue
        rel_type = _type(key.label)
        before = decode_properties(change.get("before")) or {}
        start, end = nodes.get(key.entity), nodes.get(key.other)
        if start is None or end is None:
            conflicts.append(f"{key.describe()}: an end no longer exists")
            continue
        found = _find_relationship(tx, rel_type, start["element_id"], end["element_id"], key.key)
        if change["op"] == "delete":
            if found is not None:
                conflicts.append(f"{key.describe()} exists again")
                continue
            tx.run(
                "MATCH (a) WHERE elementId(a) = $start MATCH (b) WHERE elementId(b) = $end "
                f"CREATE (a)-[r:{quote_identifier(rel_type)}]->(b) SET r = $properties",
                {
                    "start": start["element_id"],
                    "end": end["element_id"],
                    "properties": {**data_properties(before), CREATED_IN: context.changeset},
                },
            ).consume()
            made[rel_type.value] = made.get(rel_type.value, 0) + 1
            report.recreated += 1
        else:
            after = decode_properties(change.get("after")) or {}
            if found is None or comparable(found[1]) != comparable(after):
                conflicts.append(f"{key.describe()} is no longer as the change left it")
                continue
            tx.run(
                "MATCH ()-[r]->() WHERE elementId(r) = $id SET r = $properties",
                {"id": found[0], "properties": before},
            ).consume()
            records.append(ChangeRecord(key, "update", found[1], before))
            report.restored += 1
        report.entities.append(key.describe())

    if not conflicts:
        record_in(tx, context, records, created=made)
    return conflicts


def _find_relationship(
    tx: neo4j.ManagedTransaction, rel_type: RelType, start: str, end: str, post: str
) -> tuple[str, dict[str, Any]] | None:
    rows = tx.run(
        f"MATCH (a)-[r:{quote_identifier(rel_type)}]->(b) "
        "WHERE elementId(a) = $start AND elementId(b) = $end "
        "RETURN elementId(r) AS element_id, properties(r) AS properties",
        {"start": start, "end": end},
    )
    for row in rows:
        properties = dict(row["properties"])
        if post_key(rel_type.value, properties) == post:
            return row["element_id"], properties
    return None
