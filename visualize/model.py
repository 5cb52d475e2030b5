"""The view model: what a picture of part of the graph holds, as frozen data,
and the adapter that builds it from plain records.

A :class:`ViewGraph` is the only thing the transforms and the renderer see. It
is made by :func:`from_records` from the dictionaries a graph query returns (or
by :func:`visualize.transforms.overview` from per-community roll-ups), so
nothing in this package needs a database. The record shapes documented on
:func:`from_records` and :func:`rollups_from_records` are the contract with
the query writer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from graph.errors import CivicGraphError
from graph.schema import (
    ORG_LABELS,
    PLACE_LABELS,
    PRIMARY_LABELS,
    Label,
    PartyOrgLevel,
    RelType,
    Severity,
)

Scalar = str | int | float | bool
PropertyValue = Scalar | tuple[Scalar, ...]
"""A property value as the view keeps it: a scalar or a tuple of scalars."""

PRIVATE_PROPERTIES: frozenset[str] = frozenset({"phone"})
"""Personal data the adapter never copies into a view, since views are shared
as files and links."""

_RESERVED_NODE_KEYS = frozenset(
    {"id", "labels", "name", "kind", "level", "findings", "size_hint", "community_id", "url"}
)
_RESERVED_EDGE_KEYS = frozenset({"source", "target", "type"})


class ViewRecordError(CivicGraphError, ValueError):
    """A record handed to the adapter does not have the documented shape."""


class ViewKind(StrEnum):
    """What a view shows, which decides its layout and styling."""

    COMMUNITY = "community"
    """One community's organization tree (社区组织架构)."""
    OVERVIEW = "overview"
    """One node per community of a county or street (总览)."""
    SUBGRAPH = "subgraph"
    """The neighbourhood of a node, as deep as asked (关系网)."""


@dataclass(frozen=True)
class Finding:
    """An audit finding on a node, or on the nodes an aggregate stands for.

    Attributes:
        rule_id: the audit rule, e.g. ``G05``.
        title_zh: the rule's Chinese title.
        title_en: the rule's English title.
        severity: the rule's severity.
        count: how many findings of this rule the node carries (1 for a plain
            node; the sum over its members for an aggregate or a community in
            an overview).
    """

    rule_id: str
    title_zh: str
    title_en: str
    severity: Severity
    count: int = 1


@dataclass(frozen=True)
class ViewNode:
    """One node of a view: a graph node, or an aggregate standing for several.

    Attributes:
        id: the graph id (an aggregate's id starts with ``agg:``).
        label: the node's primary label (``Building``, not ``Place``).
        name: the display name, in Chinese as the workbook has it.
        kind: the place, organization, facility or need kind, when it has one.
        level: a party organization's level.
        properties: further properties, shown in the tooltip.
        findings: audit findings on this node.
        size_hint: a magnitude to size the node by (households for places).
        community_id: the community the node lies in, when known.
        url: where clicking the node leads (an overview's community view).
        name_en: an English display name, when there is one (aggregates).
        count: how many graph nodes this view node stands for.
        aggregate: whether this node stands for a collapsed group.
        layout_level: the row of a precomputed layout (0 at the top).
        x: the precomputed horizontal position, in canvas pixels.
        y: the precomputed vertical position, in canvas pixels.
        color: a colour that overrides the style table's (the overview's gap
            scale); ``None`` keeps the table's.
    """

    id: str
    label: Label
    name: str
    kind: str | None = None
    level: PartyOrgLevel | None = None
    properties: Mapping[str, PropertyValue] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()
    size_hint: int | None = None
    community_id: str | None = None
    url: str | None = None
    name_en: str = ""
    count: int = 1
    aggregate: bool = False
    layout_level: int | None = None
    x: float | None = None
    y: float | None = None
    color: str | None = None

    @property
    def worst_severity(self) -> Severity | None:
        """The highest severity among the node's findings, if it has any."""
        if not self.findings:
            return None
        return max((finding.severity for finding in self.findings), key=lambda s: s.rank)

    @property
    def finding_count(self) -> int:
        """How many findings the node carries, counting aggregated ones."""
        return sum(finding.count for finding in self.findings)


@dataclass(frozen=True)
class ViewEdge:
    """One relationship of a view (or several merged between aggregates).

    Attributes:
        source: the id of the start node.
        target: the id of the end node.
        type: the relationship type.
        properties: the relationship's properties (``post`` for ``HOLDS``).
        count: how many graph relationships this edge stands for.
    """

    source: str
    target: str
    type: RelType
    properties: Mapping[str, PropertyValue] = field(default_factory=dict)
    count: int = 1

    @property
    def post(self) -> str | None:
        """The post of a ``HOLDS`` edge, if it has one."""
        post = self.properties.get("post")
        return post if isinstance(post, str) else None


@dataclass(frozen=True)
class ViewGraph:
    """A view: nodes, the edges between them, titles and the kind of view.

    Node ids are unique and every edge joins two of the nodes; both are checked
    when the graph is made, so every transform can rely on them.

    Attributes:
        nodes: the nodes, in a deterministic order.
        edges: the edges, in a deterministic order.
        title_zh: the Chinese title of the page.
        title_en: the English title of the page.
        kind: what the view shows.
    """

    nodes: tuple[ViewNode, ...]
    edges: tuple[ViewEdge, ...]
    title_zh: str = ""
    title_en: str = ""
    kind: ViewKind = ViewKind.SUBGRAPH

    def __post_init__(self) -> None:
        known: set[str] = set()
        for node in self.nodes:
            if node.id in known:
                raise ViewRecordError(f"duplicate node id in view: {node.id}")
            known.add(node.id)
        for edge in self.edges:
            for end in (edge.source, edge.target):
                if end not in known:
                    raise ViewRecordError(f"edge {edge.type} refers to a missing node: {end}")

    def node_index(self) -> dict[str, ViewNode]:
        """The nodes by id."""
        return {node.id: node for node in self.nodes}

    @property
    def finding_count(self) -> int:
        """How many findings the view's nodes carry in all."""
        return sum(node.finding_count for node in self.nodes)

    @property
    def represented_count(self) -> int:
        """How many graph nodes the view stands for, aggregates expanded."""
        return sum(node.count for node in self.nodes)


@dataclass(frozen=True)
class CommunityRollup:
    """The figures of one community that an overview shows.

    Attributes:
        id: the community's id.
        name: the community's name.
        households: its households, if known.
        street_id: the street it is part of, if known.
        street_name: that street's name.
        areas: residential areas (小区).
        branches: area party branches (小区党支部).
        grids: grids (网格).
        open_needs: needs with status ``open``.
        findings: audit findings in the community, one per rule with a count.
    """

    id: str
    name: str
    households: int | None = None
    street_id: str | None = None
    street_name: str | None = None
    areas: int = 0
    branches: int = 0
    grids: int = 0
    open_needs: int = 0
    findings: tuple[Finding, ...] = ()


def from_records(
    nodes: Iterable[Mapping[str, Any]],
    relationships: Iterable[Mapping[str, Any]],
    *,
    title_zh: str = "",
    title_en: str = "",
    kind: ViewKind = ViewKind.SUBGRAPH,
) -> ViewGraph:
    """Build a view from the node and relationship records of a query.

    A **node record** is a mapping with:

    - ``id`` (required): the node's id;
    - ``labels`` (required): all of the node's labels, e.g.
      ``["Place", "Building"]``; the primary one (``Building``) is kept, and a
      node with only a family label (``Place``) keeps that; labels the schema
      does not know are ignored;
    - ``name``: the display name (the id when absent);
    - ``kind``, ``level``: as stored; ``kind`` defaults to the label's own kind
      for places and organizations, ``level`` must be a party-org level;
    - ``households`` or ``size_hint``: a number to size the node by;
    - ``community_id``: the community the node lies in;
    - ``url``: a link that clicking the node follows;
    - ``findings``: audit findings, each a mapping ``{"rule_id", "title_zh",
      "title_en", "severity", "count"?}`` or a tuple in that order;
    - any other key: a property shown in the tooltip. Absent values
      (``None``, ``""``, ``[]``) are dropped, lists become tuples, dates and
      other values their string form, and personal data
      (:data:`PRIVATE_PROPERTIES`, e.g. ``phone``) is never copied.

    A **relationship record** is a mapping with ``source`` and ``target`` (the
    ids of its start and end node), ``type`` (a :class:`RelType` name) and any
    properties (``post``, ``since`` …) as further keys.

    Nodes are kept in the order given, the first record of a repeated id
    winning; relationships whose ends are not among the nodes (a
    depth-limited neighbourhood returns them at its rim) and exact repeats are
    dropped.

    Args:
        nodes: the node records.
        relationships: the relationship records.
        title_zh: the Chinese title of the view.
        title_en: the English title of the view.
        kind: what the view shows.

    Returns:
        The view.

    Raises:
        ViewRecordError: a record lacks ``id``, ``labels``, ``source``,
            ``target`` or ``type``, has no known label, an unknown
            relationship type, level or severity.
    """
    view_nodes: dict[str, ViewNode] = {}
    for record in nodes:
        node = _node_from_record(record)
        view_nodes.setdefault(node.id, node)
    view_edges: dict[tuple[object, ...], ViewEdge] = {}
    for record in relationships:
        edge = _edge_from_record(record)
        if edge.source not in view_nodes or edge.target not in view_nodes:
            continue
        key = (edge.source, edge.target, edge.type, tuple(sorted(edge.properties.items())))
        view_edges.setdefault(key, edge)
    return ViewGraph(
        nodes=tuple(view_nodes.values()),
        edges=tuple(view_edges.values()),
        title_zh=title_zh,
        title_en=title_en,
        kind=kind,
    )


def rollups_from_records(records: Iterable[Mapping[str, Any]]) -> list[CommunityRollup]:
    """Build community roll-ups from the records of a roll-up query.

    A **roll-up record** is a mapping with ``id`` (required), ``name``,
    ``households``, ``street_id``, ``street_name``, ``areas``, ``branches``,
    ``grids``, ``open_needs`` and ``findings``: one entry per audit rule,
    ``{"rule_id", "title_zh", "title_en", "severity", "count"}``.

    Args:
        records: the roll-up records.

    Returns:
        The roll-ups, in the order given.

    Raises:
        ViewRecordError: a record lacks ``id`` or has an unknown severity.
    """
    rollups = []
    for record in records:
        community_id = _required(record, "id", "roll-up")
        households = record.get("households")
        street_id = record.get("street_id")
        street_name = record.get("street_name")
        rollups.append(
            CommunityRollup(
                id=community_id,
                name=str(record.get("name") or community_id),
                households=None if households is None else int(households),
                street_id=None if street_id is None else str(street_id),
                street_name=None if street_name is None else str(street_name),
                areas=int(record.get("areas") or 0),
                branches=int(record.get("branches") or 0),
                grids=int(record.get("grids") or 0),
                open_needs=int(record.get("open_needs") or 0),
                findings=_findings(record.get("findings"), community_id),
            )
        )
    return rollups


def finding_from_record(record: Mapping[str, Any] | Sequence[Any], where: str) -> Finding:
    """Read one finding from a mapping or a ``(rule_id, zh, en, severity[, count])`` tuple.

    Args:
        record: the finding.
        where: the id of the node it belongs to, for the error message.

    Returns:
        The finding.

    Raises:
        ViewRecordError: the severity is unknown or a field is missing.
    """
    if isinstance(record, Mapping):
        values: list[Any] = [
            record.get("rule_id"),
            record.get("title_zh"),
            record.get("title_en"),
            record.get("severity"),
            record.get("count", 1),
        ]
    else:
        values = [*record, 1][:5]
    rule_id, title_zh, title_en, severity, count = values
    if rule_id is None or severity is None:
        raise ViewRecordError(f"finding on {where} lacks a rule id or a severity")
    try:
        level = Severity(str(severity).lower())
    except ValueError as error:
        raise ViewRecordError(f"finding on {where} has an unknown severity: {severity}") from error
    return Finding(
        str(rule_id),
        str(title_zh or rule_id),
        str(title_en or rule_id),
        level,
        int(count if count is not None else 1),
    )


def primary_label(labels: Iterable[str]) -> Label | None:
    """The label that names what a node is, among all of its labels.

    Args:
        labels: the node's labels, in any order.

    Returns:
        The most specific known label, the family label when that is all
        there is, or ``None`` when no label is known.
    """
    known = {label for label in labels if label in _LABEL_VALUES}
    for label in PRIMARY_LABELS:
        if label in known:
            return label
    for family in (Label.PLACE, Label.ORGANIZATION):
        if family in known:
            return family
    return None


_LABEL_VALUES = frozenset(label.value for label in Label)
_DEFAULT_KIND: dict[Label, str] = {
    **{label: kind.value for kind, label in PLACE_LABELS.items()},
    **{label: kind.value for kind, label in ORG_LABELS.items()},
}


def _node_from_record(record: Mapping[str, Any]) -> ViewNode:
    node_id = _required(record, "id", "node")
    if "labels" not in record:
        raise ViewRecordError(f"node record {node_id} has no labels")
    raw_labels = record["labels"]
    label = primary_label([raw_labels] if isinstance(raw_labels, str) else raw_labels)
    if label is None:
        raise ViewRecordError(f"node {node_id} has no known label: {raw_labels!r}")
    raw_level = record.get("level")
    level: PartyOrgLevel | None = None
    if raw_level is not None:
        try:
            level = PartyOrgLevel(str(raw_level))
        except ValueError as error:
            raise ViewRecordError(f"node {node_id} has an unknown level: {raw_level}") from error
    raw_kind = record.get("kind")
    size = record.get("size_hint", record.get("households"))
    community_id = record.get("community_id")
    url = record.get("url")
    properties = {
        key: _property_value(value)
        for key, value in record.items()
        if key not in _RESERVED_NODE_KEYS and key not in PRIVATE_PROPERTIES and _present(value)
    }
    return ViewNode(
        id=node_id,
        label=label,
        name=str(record.get("name") or node_id),
        kind=str(raw_kind) if raw_kind is not None else _DEFAULT_KIND.get(label),
        level=level,
        properties=properties,
        findings=_findings(record.get("findings"), node_id),
        size_hint=None if size is None else int(size),
        community_id=None if community_id is None else str(community_id),
        url=None if url is None else str(url),
    )


def _edge_from_record(record: Mapping[str, Any]) -> ViewEdge:
    source = _required(record, "source", "relationship")
    target = _required(record, "target", "relationship")
    raw_type = record.get("type")
    try:
        rel_type = RelType(str(raw_type))
    except ValueError as error:
        raise ViewRecordError(
            f"relationship {source}->{target} has an unknown type: {raw_type}"
        ) from error
    properties = {
        key: _property_value(value)
        for key, value in sorted(record.items())
        if key not in _RESERVED_EDGE_KEYS and key not in PRIVATE_PROPERTIES and _present(value)
    }
    return ViewEdge(source=source, target=target, type=rel_type, properties=properties)


def _required(record: Mapping[str, Any], key: str, what: str) -> str:
    value = record.get(key)
    if value is None or value == "":
        raise ViewRecordError(f"{what} record lacks {key!r}: {dict(record)!r}")
    return str(value)


def _findings(raw: object, where: str) -> tuple[Finding, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, Iterable) or isinstance(raw, str | bytes | Mapping):
        raise ViewRecordError(f"findings of {where} are not a list")
    return tuple(finding_from_record(item, where) for item in raw)


def _present(value: object) -> bool:
    """Whether a property has a value: ``None``, ``""`` and ``[]`` have none."""
    if value is None:
        return False
    if isinstance(value, str | list | tuple | set | frozenset):
        return len(value) > 0
    return True


def _property_value(value: object) -> PropertyValue:
    if isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return tuple(
            item if isinstance(item, str | int | float | bool) else str(item) for item in items
        )
    return str(value)
