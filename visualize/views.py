"""The view queries: pictures of part of the graph, read from the database as
the records :func:`visualize.model.from_records` takes, with the audit's
findings laid over them, capped and laid out for the renderer.

Three views exist (DESIGN.md, "Explore"): the neighbourhood of any node, as
deep as asked up to :data:`MAX_DEPTH` (关系网, ``view_node``,
``view_neighbours``, ``view_relationships``); a community's organization
tree (社区组织架构, ``view_community``); and the overview of a city, county or
street, one node per community (总览, ``view_overview``). Each ``*_view``
function returns a :class:`~visualize.model.ViewGraph` ready for
:mod:`visualize.render`: the audit's findings attached to the nodes they name
(the gap overlay), at most ``max_nodes`` drawn nodes
(:func:`visualize.transforms.cap`) and positions computed. The ``*_graph``
functions return the raw view, as the queries found it, for callers that
transform it themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from graph.connection import Graph, Record
from graph.errors import CivicGraphError, NotFoundError
from graph.schema import LABEL_EN, Label
from queries.audit import AuditReport, run_audit
from queries.catalog import run
from queries.masking import mask_name, mask_record
from queries.nodes import visible_nodes
from visualize.model import (
    CommunityRollup,
    ViewGraph,
    ViewKind,
    from_records,
    primary_label,
    rollups_from_records,
)
from visualize.transforms import (
    DEFAULT_MAX_NODES,
    attach_findings,
    filter_labels,
    overview,
    prepare,
)

__all__ = [
    "COMMUNITY_FILE_URL",
    "DEFAULT_MAX_NODES",
    "HUB_LABELS",
    "MAX_DEPTH",
    "NEIGHBOUR_LIMIT",
    "OVERVIEW_SCOPES",
    "ViewChoice",
    "ViewInputError",
    "build_view",
    "community_graph",
    "community_view",
    "find_node",
    "neighbourhood_graph",
    "neighbourhood_view",
    "overview_rollups",
    "overview_view",
    "parse_labels",
    "with_findings",
]

MAX_DEPTH = 3
"""The deepest neighbourhood asked for: three steps from a county already
reach thousands of nodes."""

NEIGHBOUR_LIMIT = 6000
"""The most nodes a neighbourhood reads before it stops expanding; the cap
then draws at most ``max_nodes`` of them (aggregating the rest)."""

HUB_LABELS: frozenset[Label] = frozenset({Label.CATEGORY})
"""Labels a neighbourhood shows but does not expand through, unless the
centre is one: a category joins every need and service of its kind anywhere,
so passing through it leaves the neighbourhood for the whole county."""

OVERVIEW_SCOPES: tuple[Label, ...] = (Label.CITY, Label.COUNTY, Label.STREET)
"""What an overview may be of."""

COMMUNITY_FILE_URL = "community-{id}.html"
"""An overview's link to a community page written next to it (the
offline explorer's files)."""


class ViewInputError(CivicGraphError):
    """A view was asked for with a bad value: a depth beyond
    :data:`MAX_DEPTH`, an unknown label, an overview of a node that is not a
    city, county or street."""

    exit_code = 2


# Inputs


def parse_labels(text: str | Iterable[str] | None) -> tuple[Label, ...] | None:
    """Labels named on a command line or in a URL, e.g. ``PartyOrg,Person``.

    Args:
        text: comma-separated label names, or several such strings; case
            does not matter. ``None`` or nothing but commas means no filter.

    Returns:
        The labels, each once in the schema's order, or ``None`` for no filter.

    Raises:
        ViewInputError: a name is not a label of the schema.
    """
    if text is None:
        return None
    parts = [text] if isinstance(text, str) else list(text)
    names = [name.strip() for part in parts for name in part.split(",") if name.strip()]
    if not names:
        return None
    by_name = {label.value.lower(): label for label in Label}
    unknown = [name for name in names if name.lower() not in by_name]
    if unknown:
        known = ", ".join(label.value for label in Label)
        raise ViewInputError(f"unknown label {unknown[0]!r}: give any of {known}")
    chosen = {by_name[name.lower()] for name in names}
    return tuple(label for label in Label if label in chosen)


def _check_depth(depth: int) -> None:
    if not 0 <= depth <= MAX_DEPTH:
        raise ViewInputError(f"depth must be 0 to {MAX_DEPTH}, not {depth}")


# Looking nodes up


def find_node(graph: Graph, node_id: str) -> Record:
    """A node's record (as :func:`visualize.model.from_records` takes it), by id.

    Args:
        graph: the connection.
        node_id: the node's id.

    Returns:
        The record: its properties (never its phone), ``labels``, and for
        services, projects and needs ``category``.

    Raises:
        NotFoundError: no node has that id.
    """
    record: Record = _lookup(graph, node_id)["record"]
    return {key: value for key, value in record.items() if value is not None}


def _lookup(graph: Graph, node_id: str) -> Record:
    rows = run(graph, "view_node", {"node_id": node_id})
    if not rows:
        raise NotFoundError(node_id)
    return rows[0]


# The gap overlay


def with_findings(view: ViewGraph, report: AuditReport | Mapping[str, Any]) -> ViewGraph:
    """Attach an audit's findings to the nodes of a view that they name.

    Args:
        view: any view.
        report: the audit, or its JSON (:meth:`AuditReport.to_json`).

    Returns:
        The view with the findings on its nodes.
    """
    document = report.to_json() if isinstance(report, AuditReport) else report
    return attach_findings(view, document.get("rules") or ())


def _audit(
    graph: Graph,
    report: AuditReport | None,
    *,
    community_id: str | None = None,
    street_id: str | None = None,
    as_of: date | None = None,
) -> AuditReport:
    if report is not None:
        return report
    return run_audit(graph, community_id=community_id, street_id=street_id, as_of=as_of)


# The caller's scope


def _visible(graph: Graph, node_ids: Iterable[str], scope_id: str | None) -> set[str]:
    """The ids among ``node_ids`` that lie in the scope (all without one),
    by the API's scope rule (:func:`queries.nodes.visible_nodes`)."""
    ids = list(dict.fromkeys(node_ids))
    if scope_id is None:
        return set(ids)
    return set(visible_nodes(graph, ids, scope_id)) if ids else set()


def _keep_visible(graph: Graph, view: ViewGraph, scope_id: str | None) -> ViewGraph:
    if scope_id is None:
        return view
    visible = _visible(graph, (node.id for node in view.nodes), scope_id)
    nodes = tuple(node for node in view.nodes if node.id in visible)
    edges = tuple(edge for edge in view.edges if edge.source in visible and edge.target in visible)
    return replace(view, nodes=nodes, edges=edges)


def _finish(
    view: ViewGraph,
    *,
    audit: AuditReport | None,
    labels: Iterable[Label] | None,
    max_nodes: int,
) -> ViewGraph:
    """Lay the findings over, filter by label, cap and lay out."""
    if audit is not None:
        view = with_findings(view, audit)
    if labels is not None:
        view = filter_labels(view, labels)
    return prepare(view, max_nodes)


# The neighbourhood of a node


def neighbourhood_graph(
    graph: Graph,
    node_id: str,
    depth: int = 1,
    labels: Iterable[Label] | None = None,
    *,
    scope_id: str | None = None,
    limit: int = NEIGHBOUR_LIMIT,
    masked: bool = False,
    as_of: date | None = None,
) -> ViewGraph:
    """The nodes within ``depth`` steps of a node, and the relationships
    between them, as the queries found them.

    The neighbourhood grows breadth first, one query per step, along
    relationships of every type in both directions. With ``labels``, only
    nodes carrying one of them are taken and expanded (the centre always is),
    so the picture stays connected; with ``scope_id``, only nodes in the
    scope, likewise. Categories are shown but not expanded through
    (:data:`HUB_LABELS`). Expansion stops at ``limit`` nodes; the titles then
    say the view is partial.

    Args:
        graph: the connection.
        node_id: the centre's id.
        depth: how many steps, 0 to :data:`MAX_DEPTH`.
        labels: the labels to keep (family labels such as ``Place`` keep
            their members); ``None`` keeps all.
        scope_id: the street or community the caller may see (``None``: all).
        limit: the most nodes read.
        masked: mask people's names and needs' titles (a viewer's view),
            in the nodes and in the titles, before the view is built.
        as_of: the day shown (today when ``None``): posts held and places
            and organizations existing then are followed.

    Returns:
        The raw view (no findings, not capped or laid out).

    Raises:
        ViewInputError: a depth out of range.
        NotFoundError: no node has that id, or it lies outside the scope.
    """
    _check_depth(depth)
    if scope_id is not None and node_id not in _visible(graph, [node_id], scope_id):
        raise NotFoundError(node_id)
    center = _lookup(graph, node_id)
    center_element = str(center["element_id"])
    records: dict[str, Record] = {center_element: center["record"]}
    label_values = None if labels is None else sorted({label.value for label in labels})
    frontier = [center_element]
    partial = False
    for _ in range(depth):
        expandable = [
            element
            for element in frontier
            if element == center_element or not _is_hub(records[element])
        ]
        room = limit - len(records)
        if not expandable or room <= 0:
            partial = partial or room <= 0
            break
        # Already-read nodes come back as neighbours too; asking for that many
        # more keeps the room for new ones.
        asked = room + len(records)
        rows = run(
            graph,
            "view_neighbours",
            {"element_ids": expandable, "labels": label_values, "limit": asked, "as_of": as_of},
        )
        partial = partial or len(rows) >= asked
        found = {
            str(row["element_id"]): row["record"]
            for row in rows
            if str(row["element_id"]) not in records
        }
        visible = _visible(graph, (record["id"] for record in found.values()), scope_id)
        frontier = []
        for element, record in found.items():
            if record["id"] not in visible:
                continue
            if len(records) >= limit:
                partial = True
                break
            records[element] = record
            frontier.append(element)
    relationships = [
        row["record"]
        for row in run(graph, "view_relationships", {"element_ids": list(records), "as_of": as_of})
    ]
    nodes = [mask_record(record) for record in records.values()] if masked else records.values()
    name = str(center["record"].get("name") or node_id)
    if masked:
        name = mask_name(center["record"].get("labels") or (), name) or name
    note_zh, note_en = ("（部分）", " (partial)") if partial else ("", "")
    return from_records(
        nodes,
        relationships,
        title_zh=f"{name} 周边关系网 · {depth} 层{note_zh}",
        title_en=f"Neighbourhood of {name}, depth {depth}{note_en}",
        kind=ViewKind.SUBGRAPH,
    )


def _is_hub(record: Mapping[str, Any]) -> bool:
    return primary_label(record.get("labels") or ()) in HUB_LABELS


def neighbourhood_view(
    graph: Graph,
    node_id: str,
    depth: int = 1,
    labels: Iterable[Label] | None = None,
    *,
    scope_id: str | None = None,
    masked: bool = False,
    max_nodes: int = DEFAULT_MAX_NODES,
    findings: bool = True,
    as_of: date | None = None,
    report: AuditReport | None = None,
) -> ViewGraph:
    """The neighbourhood of a node (关系网), ready to render.

    Args:
        graph: the connection.
        node_id: the centre's id.
        depth: how many steps, 0 to :data:`MAX_DEPTH`.
        labels: the labels to keep; ``None`` keeps all.
        scope_id: the street or community the caller may see (``None``: all).
        masked: mask people's names and needs' titles (a viewer's view).
        max_nodes: the most nodes drawn (:func:`visualize.transforms.cap`).
        findings: lay the audit's findings over the view.
        as_of: the day shown and audited (today when ``None``).
        report: an audit already run (of the whole graph), instead of
            running one.

    Returns:
        The view, findings attached, capped and laid out.

    Raises:
        ViewInputError: a depth out of range.
        NotFoundError: no node has that id, or it lies outside the scope.
    """
    view = neighbourhood_graph(
        graph, node_id, depth, labels, scope_id=scope_id, masked=masked, as_of=as_of
    )
    # A neighbourhood may span communities and streets: the whole audit.
    audit = _audit(graph, report, as_of=as_of) if findings else None
    return _finish(view, audit=audit, labels=None, max_nodes=max_nodes)


# A community's organization tree


def community_graph(
    graph: Graph,
    community_id: str,
    *,
    include_needs: bool = False,
    scope_id: str | None = None,
    masked: bool = False,
    as_of: date | None = None,
) -> tuple[ViewGraph, str | None]:
    """A community's organization tree, as the query found it.

    See ``queries/cypher/view_community.cypher`` for what it holds: the
    community's places, the party chain leading them and above them, the
    people holding posts there, the organizations, facilities, services
    and projects of the community, and optionally its open needs.

    Args:
        graph: the connection.
        community_id: the community's id.
        include_needs: add the open needs raised in it.
        scope_id: the street or community the caller may see (``None``: all);
            nodes outside it (the party chain above a community scope, say)
            are left out.
        masked: mask people's names and needs' titles (a viewer's view)
            before the view is built.
        as_of: the day shown (today when ``None``): the places and
            organizations existing then, the posts held then.

    Returns:
        The raw view (no findings, not capped or laid out), and the id of the
        street the community is part of (``None`` when it has none).

    Raises:
        NotFoundError: no community has that id, or it lies outside the scope.
    """
    rows = run(
        graph,
        "view_community",
        {"community_id": community_id, "include_needs": include_needs, "as_of": as_of},
    )
    if not rows:
        raise NotFoundError(community_id, "community")
    row = rows[0]
    name = str(row["community_name"] or community_id)
    view = from_records(
        [mask_record(node) for node in row["nodes"]] if masked else row["nodes"],
        row["relationships"],
        title_zh=f"{name} 组织架构",
        title_en=f"{name}: organization tree",
        kind=ViewKind.COMMUNITY,
    )
    view = _keep_visible(graph, view, scope_id)
    if all(node.id != community_id for node in view.nodes):
        raise NotFoundError(community_id, "community")
    street_id = row["street_id"]
    return view, None if street_id is None else str(street_id)


def community_view(
    graph: Graph,
    community_id: str,
    *,
    include_needs: bool = False,
    labels: Iterable[Label] | None = None,
    scope_id: str | None = None,
    masked: bool = False,
    max_nodes: int = DEFAULT_MAX_NODES,
    findings: bool = True,
    as_of: date | None = None,
    report: AuditReport | None = None,
) -> ViewGraph:
    """A community's organization tree (社区组织架构), ready to render.

    Args:
        graph: the connection.
        community_id: the community's id.
        include_needs: add the open needs raised in it.
        labels: keep only nodes of these labels (family labels keep their
            members); ``None`` keeps all.
        scope_id: the street or community the caller may see (``None``: all).
        masked: mask people's names and needs' titles (a viewer's view).
        max_nodes: the most nodes drawn (:func:`visualize.transforms.cap`).
        findings: lay the audit's findings over the view.
        as_of: the day shown and audited (today when ``None``).
        report: an audit already run (of the community's street or more),
            instead of running one.

    Returns:
        The view, findings attached, capped and laid out.

    Raises:
        NotFoundError: no community has that id, or it lies outside the scope.
    """
    view, street_id = community_graph(
        graph,
        community_id,
        include_needs=include_needs,
        scope_id=scope_id,
        masked=masked,
        as_of=as_of,
    )
    audit = None
    if findings:
        # The street's audit also names the street working committee and the
        # people whose posts span the street's communities.
        audit = (
            _audit(graph, report, street_id=street_id, as_of=as_of)
            if street_id is not None
            else _audit(graph, report, community_id=community_id, as_of=as_of)
        )
    return _finish(view, audit=audit, labels=labels, max_nodes=max_nodes)


# The overview of a city, county or street


def overview_rollups(
    graph: Graph,
    scope_id: str,
    *,
    caller_scope_id: str | None = None,
    findings: bool = True,
    as_of: date | None = None,
    report: AuditReport | None = None,
) -> tuple[Record, list[CommunityRollup]]:
    """One roll-up per community of a city, county or street.

    Args:
        graph: the connection.
        scope_id: the city's, county's or street's id.
        caller_scope_id: the street or community the caller may see
            (``None``: all); the overview's place must lie in it.
        findings: count the audit's findings per community and rule.
        as_of: the day shown and audited (today when ``None``).
        report: an audit already run (of the scope or more).

    Returns:
        The scope's record (``id``, ``name``, ``labels`` …) and the roll-ups,
        by street and id.

    Raises:
        NotFoundError: no node has that id, or it lies outside the caller's scope.
        ViewInputError: the node is not a city, county or street.
    """
    if caller_scope_id is not None and scope_id not in _visible(graph, [scope_id], caller_scope_id):
        raise NotFoundError(scope_id)
    scope = find_node(graph, scope_id)
    label = primary_label(scope["labels"])
    if label not in OVERVIEW_SCOPES:
        raise ViewInputError(
            f"an overview is of a city, county or street; {scope_id} is a "
            f"{LABEL_EN[label] if label else 'node'}"
        )
    rows = run(graph, "view_overview", {"scope_id": scope_id, "as_of": as_of})
    if findings and rows:
        audit = _audit(
            graph,
            report,
            street_id=scope_id if label is Label.STREET else None,
            as_of=as_of,
        )
        per_community = _findings_by_community(audit)
        rows = [{**row, "findings": per_community.get(row["id"], [])} for row in rows]
    return scope, rollups_from_records(rows)


def _findings_by_community(report: AuditReport) -> dict[str, list[dict[str, Any]]]:
    rules = {result.rule.id: result.rule for result in report.results}
    by_community: dict[str, list[dict[str, Any]]] = {}
    for community_id, counts in report.counts_by_community().items():
        if community_id is None:
            continue
        by_community[community_id] = [
            {
                "rule_id": rule_id,
                "title_zh": rules[rule_id].title_zh,
                "title_en": rules[rule_id].title_en,
                "severity": rules[rule_id].severity,
                "count": count,
            }
            for rule_id, count in sorted(counts.items())
        ]
    return by_community


def overview_view(
    graph: Graph,
    scope_id: str,
    *,
    community_url: str = COMMUNITY_FILE_URL,
    caller_scope_id: str | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    findings: bool = True,
    as_of: date | None = None,
    report: AuditReport | None = None,
) -> ViewGraph:
    """The overview of a city, county or street (总览): one node per
    community, sized by households, coloured by its gap score, linking to its
    community view.

    Args:
        graph: the connection.
        scope_id: the city's, county's or street's id.
        community_url: a community's link, ``{id}`` standing for its
            URL-quoted id (:data:`COMMUNITY_FILE_URL` for files written next
            to the overview).
        caller_scope_id: the street or community the caller may see
            (``None``: all); the overview's place must lie in it.
        max_nodes: the most nodes drawn.
        findings: count the audit's findings per community (the colours).
        as_of: the day shown and audited (today when ``None``).
        report: an audit already run (of the scope or more).

    Returns:
        The view, laid out.

    Raises:
        NotFoundError: no node has that id, or it lies outside the caller's scope.
        ViewInputError: the node is not a city, county or street.
    """
    scope, rollups = overview_rollups(
        graph,
        scope_id,
        caller_scope_id=caller_scope_id,
        findings=findings,
        as_of=as_of,
        report=report,
    )
    name = str(scope.get("name") or scope_id)
    view = overview(
        rollups,
        title_zh=f"{name} 社区总览",
        title_en=f"{name}: communities at a glance",
        url_template=community_url,
    )
    return prepare(view, max_nodes)


# One of the three


@dataclass(frozen=True)
class ViewChoice:
    """A view as the explorer's page and ``civicgraph explore`` ask for one:
    exactly one of ``center`` (with ``depth``), ``community`` (with
    ``include_needs``) and ``overview``, with the options the views share."""

    center: str | None = None
    depth: int = 1
    community: str | None = None
    include_needs: bool = False
    overview: str | None = None
    labels: Iterable[Label] | None = None
    max_nodes: int = DEFAULT_MAX_NODES
    findings: bool = True
    as_of: date | None = None

    def check(self) -> None:
        """Raise :class:`ViewInputError` unless exactly one view is named."""
        named = [
            name
            for name, value in (
                ("center", self.center),
                ("community", self.community),
                ("overview", self.overview),
            )
            if value
        ]
        if len(named) != 1:
            raise ViewInputError(
                "give exactly one of center, community or overview"
                + (f" (got {', '.join(named)})" if named else "")
            )


def build_view(
    graph: Graph,
    choice: ViewChoice,
    *,
    scope_id: str | None = None,
    masked: bool = False,
    community_url: str = COMMUNITY_FILE_URL,
    report: AuditReport | None = None,
) -> ViewGraph:
    """Build the view ``choice`` names.

    Args:
        graph: the connection.
        choice: the view and its options.
        scope_id: the caller's street or community (``None``: all).
        masked: mask people's names and needs' titles (a viewer's view).
        community_url: an overview's links to its communities.
        report: an audit already run, shared by several views.

    Raises:
        ViewInputError: ``choice`` names no view or more than one, or a bad value.
        NotFoundError: the node is unknown or outside the caller's scope.
    """
    choice.check()
    if choice.center:
        return neighbourhood_view(
            graph,
            choice.center,
            choice.depth,
            choice.labels,
            scope_id=scope_id,
            masked=masked,
            max_nodes=choice.max_nodes,
            findings=choice.findings,
            as_of=choice.as_of,
            report=report,
        )
    if choice.community:
        return community_view(
            graph,
            choice.community,
            include_needs=choice.include_needs,
            labels=choice.labels,
            scope_id=scope_id,
            masked=masked,
            max_nodes=choice.max_nodes,
            findings=choice.findings,
            as_of=choice.as_of,
            report=report,
        )
    assert choice.overview
    return overview_view(
        graph,
        choice.overview,
        community_url=community_url,
        caller_scope_id=scope_id,
        max_nodes=choice.max_nodes,
        findings=choice.findings,
        as_of=choice.as_of,
        report=report,
    )
