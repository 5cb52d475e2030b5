"""Reading the change sets (变更记录, 操作日志): the list of writes, newest
first, and one node's history, oldest first (:mod:`graph.changes` keeps them).

A node's history is every change to it and to its relationships: each
creation (the entity's ``_created_in`` names its change set; what it was
created with is what the first later change saw as its ``before``, or what
it holds now), each update (before → after) and each deletion (before).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from graph.changes import (
    CREATED_IN,
    NODE,
    EntityKey,
    data_properties,
    decode_properties,
    primary_label,
)
from graph.connection import Graph
from graph.errors import NotFoundError
from graph.schema import Label
from queries.catalog import run
from queries.nodes import plain, visible_nodes

MAX_CHANGE_SETS = 1000
"""The most change sets one listing answers."""


@dataclass(frozen=True)
class ChangeSetRecord:
    """One write: when, by whom, through what, and how many entities it
    created, updated and deleted."""

    changeset: str
    at: str
    actor: str
    actor_name: str
    via: str
    created: int
    updated: int
    deleted: int

    def to_json(self) -> dict[str, Any]:
        """The change set as a JSON-ready dict."""
        return dict(self.__dict__)


def _change_set(row: Mapping[str, Any]) -> ChangeSetRecord:
    return ChangeSetRecord(
        changeset=str(row["changeset"]),
        at=str(plain(row["at"])),
        actor=str(row["actor"] or ""),
        actor_name=str(row["actor_name"] or ""),
        via=str(row["via"] or ""),
        created=int(row["created"] or 0),
        updated=int(row["updated"] or 0),
        deleted=int(row["deleted"] or 0),
    )


def day_start(day: date) -> datetime:
    """The first moment of a day, UTC."""
    return datetime.combine(day, time(), tzinfo=UTC)


def list_changes(
    graph: Graph,
    *,
    since: date | None = None,
    until: date | None = None,
    actor: str | None = None,
    place_id: str | None = None,
    limit: int = MAX_CHANGE_SETS,
) -> list[ChangeSetRecord]:
    """The change sets made from ``since`` to ``until`` (both days included,
    UTC), by ``actor`` (an actor id such as ``cli:wang`` or ``t_1a2b3c4d``, or
    a name), that touched ``place_id``'s subtree, newest first.

    Raises:
        NotFoundError: no place has the id ``place_id``.
    """
    touching = None
    if place_id is not None:
        if Label.PLACE.value not in visible_nodes(graph, [place_id]).get(place_id, []):
            raise NotFoundError(place_id, "place")
        found = run(graph, "change_sets_touching", {"place_id": place_id})
        touching = sorted(found[0]["changesets"]) if found else []
    rows = run(
        graph,
        "change_sets",
        {
            "since": day_start(since) if since else None,
            "until": day_start(until + timedelta(days=1)) if until else None,
            "actor": actor,
            "changesets": touching,
            "limit": max(1, min(limit, MAX_CHANGE_SETS)),
        },
    )
    return [_change_set(row) for row in rows]


def change_sets(graph: Graph, keys: Sequence[str]) -> dict[str, ChangeSetRecord]:
    """The change sets with these keys."""
    if not keys:
        return {}
    rows = run(
        graph,
        "change_sets",
        {
            "since": None,
            "until": None,
            "actor": None,
            "changesets": sorted(set(keys)),
            "limit": len(set(keys)),
        },
    )
    return {record.changeset: record for record in map(_change_set, rows)}


@dataclass(frozen=True)
class HistoryEntry:
    """One change to a node or to one of its relationships.

    Attributes:
        changeset: the change set that made it, and its ``at``, ``actor``,
            ``actor_name`` and ``via``.
        op: ``create``, ``update`` or ``delete``.
        kind: ``node`` or ``relationship``.
        label: the node's primary label, or the relationship's type.
        entity: the node's id, or the relationship's start.
        other: the relationship's end (empty for a node).
        key: the post, for a ``HOLDS`` relationship.
        before: its data properties before (``None`` for a creation).
        after: its data properties after (``None`` for a deletion).
    """

    changeset: str
    at: str
    actor: str
    actor_name: str
    via: str
    op: str
    kind: str
    label: str
    entity: str
    other: str
    key: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def to_json(self) -> dict[str, Any]:
        """The entry as a JSON-ready dict."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class NodeHistory:
    """A node's history: its labels (now, or when it was deleted) and its
    changes, oldest first."""

    node_id: str
    labels: list[str]
    exists: bool
    entries: list[HistoryEntry]

    def to_json(self) -> dict[str, Any]:
        """The history as a JSON-ready dict."""
        return {
            "node_id": self.node_id,
            "labels": self.labels,
            "exists": self.exists,
            "entries": [entry.to_json() for entry in self.entries],
        }


@dataclass(frozen=True)
class _Change:
    entity: EntityKey
    op: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    changeset: str


def node_history(graph: Graph, node_id: str) -> NodeHistory:
    """Every recorded change to a node and to its relationships, oldest first.

    Raises:
        NotFoundError: no node has the id and none ever had it.
    """
    recorded = run(graph, "change_history", {"node_id": node_id})
    current = run(graph, "change_current", {"node_id": node_id})
    changes = [
        _Change(
            EntityKey(
                row["kind"], row["label"], row["entity"], row["other"] or "", row["key"] or ""
            ),
            row["op"],
            decode_properties(row["before"]),
            decode_properties(row["after"]),
            row["changeset"],
        )
        for row in recorded
    ]
    if not current and not changes:
        raise NotFoundError(node_id, "node")

    # What exists now, by key: the node itself and its relationships.
    now: dict[EntityKey, dict[str, Any]] = {}
    labels: list[str] = []
    if current:
        labels = sorted(current[0]["labels"])
        now[EntityKey(NODE, primary_label(labels), node_id)] = dict(current[0]["properties"])
        for rel in current[0]["rels"]:
            now[EntityKey.relationship(rel)] = dict(rel["properties"])
    else:
        deleted = [c for c in changes if c.entity.kind == NODE and c.op == "delete"]
        labels = [deleted[-1].entity.label] if deleted else []

    # Each lifetime of an entity: the change set that created it, and what it
    # was created with (the first later change's before, or what it is now).
    creations: dict[tuple[EntityKey, str], dict[str, Any] | None] = {}
    for change in changes:
        created_in = (change.before or {}).get(CREATED_IN)
        if created_in and (change.entity, created_in) not in creations:
            creations[(change.entity, created_in)] = change.before
    for entity, properties in now.items():
        created_in = properties.get(CREATED_IN)
        if created_in and (entity, created_in) not in creations:
            creations[(entity, created_in)] = properties

    sets = change_sets(graph, [c.changeset for c in changes] + [cs for _, cs in creations])
    entries = [
        _entry(sets, created_in, "create", entity, None, properties)
        for (entity, created_in), properties in creations.items()
        if created_in in sets
    ]
    entries += [
        _entry(sets, change.changeset, change.op, change.entity, change.before, change.after)
        for change in changes
        if change.changeset in sets
    ]
    order = {"create": 0, "update": 1, "delete": 2}
    entries.sort(key=lambda e: (e.at, e.changeset, order[e.op], e.kind != NODE, e.label, e.other))
    return NodeHistory(node_id=node_id, labels=labels, exists=bool(current), entries=entries)


def _entry(
    sets: Mapping[str, ChangeSetRecord],
    changeset: str,
    op: str,
    entity: EntityKey,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> HistoryEntry:
    made = sets[changeset]
    return HistoryEntry(
        changeset=changeset,
        at=made.at,
        actor=made.actor,
        actor_name=made.actor_name,
        via=made.via,
        op=op,
        kind=entity.kind,
        label=entity.label,
        entity=entity.entity,
        other=entity.other,
        key=entity.key,
        before=plain(data_properties(before)) if before is not None else None,
        after=plain(data_properties(after)) if after is not None else None,
    )
