"""Nodes by id, their neighbours, search by name, and the geographic scope
that limits what an API caller sees: the questions the API asks of the graph
for itself, each a catalog query (``api_*``).

A **scope** is a street or community id. A node lies in it when one of its
places has the scope place in its ``PART_OF`` ancestry (the rule is spelled
out in ``queries/cypher/api_node.cypher``); every function here takes
``scope_id`` (``None``: no scope) and treats a node outside the scope exactly
as a node that does not exist.

Search goes through the full-text index :data:`graph.schema.SEARCH_INDEX`
(``cjk`` analyzer). The user's text never becomes query text: it is escaped
into a Lucene query that travels as a parameter, and the names found must
also contain the text itself, so a search is a substring search.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Generic, TypeVar

import neo4j
import neo4j.time

from graph.changes import data_properties
from graph.connection import Graph, Record
from graph.errors import NotFoundError
from graph.schema import SEARCH_INDEX, Label, RelType
from queries.catalog import Ask, Merge, Steps, answer, rows_by, run, run_in
from queries.masking import masked_name_form

MAX_PAGE = 500
"""The largest page any list returns."""

MAX_EXPAND_ROWS = 5000
"""Relationships one step of :func:`neighbourhood` reads at most."""

T = TypeVar("T")

_LUCENE_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/&|])')
_SEARCHABLE_CHARACTER = re.compile(r"\w", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def plain(value: Any) -> Any:
    """A driver value as plain JSON-ready Python: temporal values become ISO
    strings, lists and maps are converted item by item."""
    if isinstance(value, neo4j.time.Date | neo4j.time.DateTime | neo4j.time.Time):
        return value.iso_format()
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, neo4j.time.Duration):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


@dataclass(frozen=True)
class NodeDetail:
    """A node as stored.

    Attributes:
        id: its id.
        labels: all its labels, sorted.
        properties: its properties, JSON-ready.
    """

    id: str
    labels: list[str]
    properties: dict[str, Any]

    @property
    def name(self) -> str | None:
        """Its name, if it has one."""
        value = self.properties.get("name")
        return None if value is None else str(value)


@dataclass(frozen=True)
class Neighbour:
    """One relationship of a node, with the node at its other end.

    Attributes:
        direction: ``out`` when the node is the relationship's start, else ``in``.
        type: the relationship type.
        properties: the relationship's properties (``post``, ``since`` …).
        id: the other node's id.
        name: the other node's name.
        labels: the other node's labels, sorted.
    """

    direction: str
    type: str
    properties: dict[str, Any]
    id: str
    name: str | None
    labels: list[str]


@dataclass(frozen=True)
class SearchHit:
    """A node found by search.

    Attributes:
        id: its id.
        name: its name.
        labels: its labels, sorted.
        score: the full-text score (1000 for an exact id match).
    """

    id: str
    name: str | None
    labels: list[str]
    score: float


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a longer list.

    Attributes:
        items: the page.
        total: how many there are in all.
        offset: where the page starts.
        limit: the page size asked for.
    """

    items: list[T]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True)
class ScopePlace:
    """The street or community a scope names.

    Attributes:
        id: its id.
        name: its name.
        kind: ``street`` or ``community``.
    """

    id: str
    name: str
    kind: str


@dataclass
class Neighbourhood:
    """The nodes and relationships within some steps of a node, as the
    records :func:`visualize.model.from_records` takes.

    Attributes:
        nodes: node records (``id``, ``labels``, ``name`` and the other
            properties), the centre first.
        relationships: relationship records (``source``, ``target``, ``type``
            and the properties).
        truncated: whether a step met :data:`MAX_EXPAND_ROWS` or the node
            limit and left nodes out.
    """

    nodes: list[dict[str, Any]] = field(default_factory=list)
    relationships: list[dict[str, Any]] = field(default_factory=list)
    truncated: bool = False


def _check_page(offset: int, limit: int) -> None:
    if offset < 0 or not 1 <= limit <= MAX_PAGE:
        raise ValueError(f"a page needs offset >= 0 and 1 <= limit <= {MAX_PAGE}")


def get_node(graph: Graph, node_id: str, scope_id: str | None = None) -> NodeDetail:
    """A node by id.

    Args:
        graph: the connection.
        node_id: the id.
        scope_id: the caller's scope (``None``: none).

    Raises:
        NotFoundError: no node has that id, or it lies outside the scope.
    """
    rows = run(graph, "api_node", {"node_id": node_id, "scope_id": scope_id})
    if not rows:
        raise NotFoundError(node_id)
    return _node_detail(rows[0])


def _node_detail(row: Record) -> NodeDetail:
    return NodeDetail(
        id=str(row["id"]),
        labels=sorted(row["labels"]),
        properties=plain(data_properties(row["properties"])),
    )


def node_with_neighbours_steps(
    node_id: str,
    scope_id: str | None = None,
    *,
    rel_type: RelType | None = None,
    direction: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> Steps[tuple[NodeDetail, Page[Neighbour]]]:
    """A node by id, with a page of its relationships and the nodes at their
    other end (one query, which concurrent asks on an asynchronous connection
    share).

    Neighbours outside the scope are left out (and not counted).

    Args:
        node_id: the node.
        scope_id: the caller's scope.
        rel_type: only relationships of this type.
        direction: ``out``, ``in`` or ``None`` for both.
        offset: where the page starts.
        limit: the page size (at most :data:`MAX_PAGE`).

    Raises:
        NotFoundError: no node has that id, or it lies outside the scope.
        ValueError: a bad page or direction.
    """
    _check_page(offset, limit)
    if direction not in (None, "out", "in"):
        raise ValueError(f"direction must be 'out' or 'in', not {direction!r}")
    rows = yield Ask(
        "api_node_neighbours",
        {
            "node_ids": [node_id],
            "scope_id": scope_id,
            "rel_type": rel_type.value if rel_type else None,
            "direction": direction,
            "offset": offset,
            "limit": limit,
        },
        merge=Merge("node_ids", rows_by("id")),
    )
    if not rows:
        raise NotFoundError(node_id)
    row = rows[0]
    node = _node_detail(row)
    items = [
        Neighbour(
            direction=item["direction"],
            type=item["type"],
            properties=plain(data_properties(item["properties"])),
            id=str(item["id"]),
            name=item["name"],
            labels=sorted(item["labels"]),
        )
        for item in row["items"]
    ]
    return node, Page(items, int(row["total"]), offset, limit)


def lucene_query(text: str) -> str | None:
    """The full-text query for a user's search text, every Lucene special
    character escaped.

    Several characters become a phrase (the ``cjk`` analyzer indexes
    overlapping pairs of characters, so a phrase finds the text as a
    substring); a single Chinese character, which the analyzer never indexes
    alone, matches the pairs it begins or ends.

    Returns:
        The query, or ``None`` when the text holds no letter, digit or
        Chinese character (nothing the index could match).
    """
    stripped = " ".join(text.split())
    if not _SEARCHABLE_CHARACTER.search(stripped):
        return None
    escaped = _LUCENE_SPECIAL.sub(r"\\\1", stripped)
    if len(stripped) == 1 and _CJK.match(stripped):
        return f"{escaped}* OR *{escaped}"
    return f'"{escaped}"'


def search_nodes(
    graph: Graph,
    text: str,
    *,
    label: Label | None = None,
    scope_id: str | None = None,
    offset: int = 0,
    limit: int = 50,
    masked: bool = False,
) -> Page[SearchHit]:
    """Nodes whose name contains ``text`` (case aside), or whose id is ``text``.

    A masked search (a viewer's) finds no person by name, since the hits of
    name parts would confirm a guessed name that the mask hides: people are
    found by id, and by the masked form of their name (``刘**``: the people
    of that surname with three characters to their name).

    Args:
        graph: the connection.
        text: the user's text, as typed.
        label: only nodes with this label.
        scope_id: the caller's scope.
        masked: the caller sees people's names masked.
        offset: where the page starts.
        limit: the page size (at most :data:`MAX_PAGE`).

    Raises:
        ValueError: a bad page.
    """
    _check_page(offset, limit)
    stripped = text.strip()
    if not stripped:
        return Page([], 0, offset, limit)
    rows = run(
        graph,
        "api_search",
        {
            "index": SEARCH_INDEX,
            "query": lucene_query(stripped),
            "text": stripped,
            "label": label.value if label else None,
            "scope_id": scope_id,
            "hide_people": masked,
            **_masked_form(stripped if masked else None),
            "offset": offset,
            "limit": limit,
        },
    )
    if not rows:
        return Page([], 0, offset, limit)
    items = [
        SearchHit(
            id=str(item["id"]),
            name=item["name"],
            labels=sorted(item["labels"]),
            score=float(item["score"]),
        )
        for item in rows[0]["items"]
    ]
    return Page(items, int(rows[0]["total"]), offset, limit)


def _masked_form(text: str | None) -> dict[str, Any]:
    """The surname and length a masked name (``刘**``, ``欧阳*``) stands for."""
    found = masked_name_form(text) if text is not None else None
    prefix, length = found if found is not None else (None, None)
    return {"masked_prefix": prefix, "masked_length": length}


def visible_nodes(
    graph: Graph, node_ids: Sequence[str], scope_id: str | None = None
) -> dict[str, list[str]]:
    """Which of some ids name nodes within the scope, with their labels."""
    return answer(graph, visible_nodes_steps(node_ids, scope_id))


def visible_nodes_steps(
    node_ids: Sequence[str], scope_id: str | None = None
) -> Steps[dict[str, list[str]]]:
    """:func:`visible_nodes` as a question of its own, to ask within another."""
    rows = yield Ask("api_in_scope", {"node_ids": list(node_ids), "scope_id": scope_id})
    return _labels_by_id(rows)


def visible_nodes_in(
    tx: neo4j.ManagedTransaction, node_ids: Sequence[str], scope_id: str | None = None
) -> dict[str, list[str]]:
    """:func:`visible_nodes` inside a transaction the caller manages."""
    return _labels_by_id(
        run_in(tx, "api_in_scope", {"node_ids": list(node_ids), "scope_id": scope_id})
    )


def _labels_by_id(rows: list[Record]) -> dict[str, list[str]]:
    return {str(row["id"]): sorted(row["labels"]) for row in rows}


def require_visible(
    graph: Graph, node_id: str, scope_id: str | None, label: Label, what: str
) -> None:
    """Check that ``node_id`` names a node with ``label`` within the scope.

    Raises:
        NotFoundError: it does not (``what`` names the kind in the message).
    """
    if label.value not in visible_nodes(graph, [node_id], scope_id).get(node_id, []):
        raise NotFoundError(node_id, what)


def scope_place(graph: Graph, place_id: str) -> ScopePlace | None:
    """The street or community with this id, or ``None``."""
    rows = run(graph, "api_scope_place", {"place_id": place_id})
    if not rows:
        return None
    row = rows[0]
    return ScopePlace(id=str(row["id"]), name=str(row["name"] or ""), kind=str(row["kind"]))


def scope_counts(graph: Graph, scope_id: str) -> dict[str, int]:
    """Nodes per label within a street or community (categories aside)."""
    return {
        str(row["label"]): int(row["count"])
        for row in run(graph, "api_scope_counts", {"scope_id": scope_id})
    }


def id_taken(tx: neo4j.ManagedTransaction, node_id: str) -> bool:
    """Whether a node of any label has this id (in the caller's transaction)."""
    return bool(run_in(tx, "api_id_taken", {"node_id": node_id})[0]["taken"])


def _node_record(
    node_id: str, labels: Sequence[str], properties: Mapping[str, Any]
) -> dict[str, Any]:
    record = {key: plain(value) for key, value in data_properties(properties).items()}
    record["id"] = node_id
    record["labels"] = sorted(labels)
    return record


def neighbourhood(
    graph: Graph,
    node_id: str,
    depth: int = 1,
    scope_id: str | None = None,
    max_nodes: int = 2000,
) -> Neighbourhood:
    """The nodes within ``depth`` steps of a node (relationships in either
    direction), within the scope, and the relationships among them.

    Args:
        graph: the connection.
        node_id: the centre.
        depth: how many steps out (1 to 3).
        scope_id: the caller's scope.
        max_nodes: stop adding nodes beyond this many.

    Raises:
        NotFoundError: no node has the id, or it lies outside the scope.
        ValueError: a depth outside 1–3.
    """
    if not 1 <= depth <= 3:
        raise ValueError(f"depth must be 1, 2 or 3, not {depth}")
    centre = get_node(graph, node_id, scope_id)
    result = Neighbourhood(nodes=[_node_record(centre.id, centre.labels, centre.properties)])
    seen = {centre.id}
    frontier = [centre.id]
    relationships: dict[tuple[str, str, str], dict[str, Any]] = {}
    for _ in range(depth):
        if not frontier:
            break
        rows = run(
            graph,
            "api_expand",
            {"node_ids": frontier, "scope_id": scope_id, "max_rows": MAX_EXPAND_ROWS},
        )
        if len(rows) >= MAX_EXPAND_ROWS:
            result.truncated = True
        next_frontier: list[str] = []
        for row in rows:
            other = row["other"]
            other_id = str(other["id"])
            if other_id not in seen:
                if len(seen) >= max_nodes:
                    result.truncated = True
                    continue
                seen.add(other_id)
                next_frontier.append(other_id)
                result.nodes.append(_node_record(other_id, other["labels"], other["properties"]))
            key = (str(row["source"]), str(row["target"]), str(row["type"]))
            relationships.setdefault(
                key,
                {
                    **{k: plain(v) for k, v in data_properties(row["properties"]).items()},
                    "source": key[0],
                    "target": key[1],
                    "type": key[2],
                },
            )
        frontier = next_frontier
    result.relationships = [
        record
        for record in relationships.values()
        if record["source"] in seen and record["target"] in seen
    ]
    return result
