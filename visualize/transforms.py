"""Pure transforms of a view: attach audit findings, build tooltips, filter by
kind, cap the number of nodes by aggregation, build a county or street
overview, and lay a view out.

Every function takes a :class:`~visualize.model.ViewGraph` (or roll-ups) and
returns a new one; nothing here touches a database or a browser, and the same
input always gives the same output. The layouts live in
:mod:`visualize.layout` and are re-exported here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote

from graph.schema import FAMILY, ZH, Label, PartyOrgLevel, RelType, Severity
from visualize.layout import hierarchical_layout, overview_layout, structural_parents
from visualize.model import (
    CommunityRollup,
    Finding,
    PropertyValue,
    ViewEdge,
    ViewGraph,
    ViewKind,
    ViewNode,
    ViewRecordError,
)
from visualize.style import (
    PROPERTY_TERMS,
    SEVERITY_WEIGHT,
    gap_color,
    term,
    term_text,
)

__all__ = [
    "DEFAULT_MAX_NODES",
    "MIN_MAX_NODES",
    "Tooltip",
    "attach_findings",
    "cap",
    "filter_labels",
    "gap_score",
    "hierarchical_layout",
    "merge_findings",
    "overview",
    "overview_layout",
    "prepare",
    "tooltip",
]

DEFAULT_MAX_NODES = 1500
"""The most nodes a view draws before :func:`cap` aggregates."""

MIN_MAX_NODES = len(Label)
"""The smallest cap :func:`cap` accepts: its last resort leaves one node per
label, so a smaller cap could not be met."""


# Findings


def attach_findings(view: ViewGraph, rules: Iterable[Mapping[str, Any]]) -> ViewGraph:
    """Put audit findings on the nodes they name.

    ``rules`` has the shape of the audit's JSON output: one mapping per rule
    with ``id``, ``severity``, ``title_zh`` and ``title_en`` (``name`` stands
    in for a missing title) and ``findings``, each a mapping with
    ``node_id``. Findings on nodes outside the view are ignored; several
    findings of one rule on one node are counted, not repeated.

    Args:
        view: the view.
        rules: the audit's rules and their findings.

    Returns:
        The view, its nodes carrying their findings besides those they had.

    Raises:
        ViewRecordError: a rule lacks ``id`` or has an unknown severity.
    """
    index = view.node_index()
    added: dict[str, list[Finding]] = defaultdict(list)
    for rule in rules:
        rule_id = rule.get("id")
        if rule_id is None:
            raise ViewRecordError(f"audit rule without an id: {dict(rule)!r}")
        try:
            severity = Severity(str(rule.get("severity", "")).lower())
        except ValueError as error:
            raise ViewRecordError(
                f"audit rule {rule_id} has an unknown severity: {rule.get('severity')}"
            ) from error
        name = str(rule.get("name") or rule_id)
        title_zh = str(rule.get("title_zh") or name)
        title_en = str(rule.get("title_en") or name)
        for finding in rule.get("findings") or ():
            node_id = str(finding.get("node_id"))
            if node_id in index:
                added[node_id].append(Finding(str(rule_id), title_zh, title_en, severity))
    if not added:
        return view
    nodes = tuple(
        replace(node, findings=merge_findings([*node.findings, *added[node.id]]))
        if node.id in added
        else node
        for node in view.nodes
    )
    return replace(view, nodes=nodes)


def merge_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """One finding per rule: counts summed, the worst severity kept.

    Args:
        findings: findings, possibly several per rule.

    Returns:
        The merged findings, ordered by rule id.
    """
    merged: dict[str, Finding] = {}
    for finding in findings:
        known = merged.get(finding.rule_id)
        if known is None:
            merged[finding.rule_id] = finding
            continue
        worst = max(known.severity, finding.severity, key=lambda severity: severity.rank)
        merged[finding.rule_id] = replace(known, severity=worst, count=known.count + finding.count)
    return tuple(merged[rule_id] for rule_id in sorted(merged))


# Tooltips


@dataclass(frozen=True)
class Tooltip:
    """What hovering over a node shows, in Chinese and English.

    Attributes:
        title: the node's name (and English name, if any).
        subtitle: what the node is, e.g. ``楼栋 building``.
        rows: ``(caption, value)`` pairs of its properties.
        findings: one line per audit rule, with both titles and the severity.
        hint: what clicking does, when it leads somewhere.
    """

    title: str
    subtitle: str
    rows: tuple[tuple[str, str], ...]
    findings: tuple[str, ...]
    hint: str = ""


def tooltip(node: ViewNode) -> Tooltip:
    """The tooltip of a node: what it is, its properties and its findings.

    Args:
        node: the node.

    Returns:
        The tooltip; the renderer turns it into text nodes, never HTML.
    """
    what = node.level or node.kind
    label_zh, label_en = term(node.label)
    subtitle = f"{label_zh} {label_en}"
    if what is not None and term(what) != (what, what):
        what_zh, what_en = term(what)
        if what_zh != label_zh:
            subtitle = f"{what_zh} {what_en} · {subtitle}"
    if node.aggregate:
        subtitle = f"汇总 aggregate · {subtitle}"
    rows = [(_caption(key), _value_text(value)) for key, value in node.properties.items()]
    if node.size_hint is not None and "households" not in node.properties:
        rows.insert(0, (_caption("households"), str(node.size_hint)))
    if node.aggregate:
        rows.insert(0, ("数量 count", str(node.count)))
    findings = tuple(
        f"{finding.rule_id} {finding.title_zh} / {finding.title_en}"
        f" · {ZH[finding.severity]} {finding.severity.value}"
        + (f" ×{finding.count}" if finding.count > 1 else "")
        for finding in node.findings
    )
    title = f"{node.name} / {node.name_en}" if node.name_en else node.name
    hint = "点击打开 · click to open" if node.url else ""
    return Tooltip(title, subtitle, tuple(rows), findings, hint)


def _caption(key: str) -> str:
    zh, en = PROPERTY_TERMS.get(key, (key, ""))
    return f"{zh} {en}" if en else zh


def _value_text(value: PropertyValue) -> str:
    if isinstance(value, tuple):
        return "、".join(_value_text(item) for item in value)
    if isinstance(value, bool):
        return "是 yes" if value else "否 no"
    if isinstance(value, str):
        return term_text(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


# Filtering


def filter_labels(
    view: ViewGraph, keep: Iterable[Label], *, keep_kinds: Iterable[str] = ()
) -> ViewGraph:
    """Keep only some kinds of node, and the edges between them.

    Args:
        view: the view.
        keep: labels to keep; a family label (``Place``, ``Organization``)
            keeps every label of the family.
        keep_kinds: levels or kinds to keep as well (e.g. ``area_branch``).

    Returns:
        The view with the other nodes and their edges removed.
    """
    labels = set(keep)
    kinds = set(keep_kinds)

    def kept(node: ViewNode) -> bool:
        family = FAMILY.get(node.label)
        return (
            node.label in labels
            or (family is not None and family in labels)
            or (node.level is not None and node.level in kinds)
            or (node.kind is not None and node.kind in kinds)
        )

    nodes = tuple(node for node in view.nodes if kept(node))
    ids = {node.id for node in nodes}
    edges = tuple(edge for edge in view.edges if edge.source in ids and edge.target in ids)
    return replace(view, nodes=nodes, edges=edges)


# The node cap

_PLACE_STAGE = {
    Label.UNIT: 2,
    Label.BUILDING: 6,
    Label.GRID: 7,
    Label.RESIDENTIAL_AREA: 8,
    Label.COMMUNITY: 9,
    Label.STREET: 10,
}
_LEVEL_STAGE = {
    PartyOrgLevel.BUILDING_GROUP: 6,
    PartyOrgLevel.AREA_BRANCH: 8,
    PartyOrgLevel.COMMUNITY_COMMITTEE: 9,
    PartyOrgLevel.STREET_WORKING_COMMITTEE: 10,
}
_LABEL_STAGE = {
    Label.PERSON: 0,
    Label.NEED: 1,
    Label.SERVICE: 3,
    Label.PROJECT: 3,
    Label.CATEGORY: 3,
    Label.FACILITY: 4,
    **{label: 5 for label, family in FAMILY.items() if family is Label.ORGANIZATION},
    Label.ORGANIZATION: 5,
    **_PLACE_STAGE,
}
_LAST_STAGE = 11


def _stage(node: ViewNode) -> int:
    """When a node's kind is collapsed: leaves first (people, needs, units),
    the spine of the tree (areas, branches, communities) last."""
    if node.label is Label.PARTY_ORG:
        return _LEVEL_STAGE.get(node.level, _LAST_STAGE) if node.level else _LAST_STAGE
    return _LABEL_STAGE.get(node.label, _LAST_STAGE)


def cap(view: ViewGraph, max_nodes: int = DEFAULT_MAX_NODES) -> ViewGraph:
    """Aggregate a view until it has at most ``max_nodes`` nodes.

    Below the cap the view is returned as it is. Above it, kinds of node are
    collapsed in stages, leaves first: people into the node they hold their
    first post at, needs into their place, units into their building,
    services and projects into their provider, facilities and organizations
    into their place, then buildings (and building party groups) into their
    residential area (area branch), grids, areas and branches into their
    community, and so on up. At each stage the nodes of that stage's kinds
    and of the earlier stages' are grouped by parent and kind (a person's
    kind is the post held at the parent); a group of two or more becomes one
    aggregate node ("12 个单元 / 12 units") whose ``count`` is the number of
    graph nodes it stands for and whose findings are its members' (counts
    summed, the worst severity kept). The largest groups go first, and
    collapsing stops as soon as the view fits, so no more detail is lost than
    needed. If no stage suffices, every label is collapsed to one node.

    Args:
        view: the view.
        max_nodes: the most nodes to keep; at least :data:`MIN_MAX_NODES`.

    Returns:
        A view of at most ``max_nodes`` nodes standing for the same graph
        nodes (:attr:`ViewGraph.represented_count` is unchanged).

    Raises:
        ValueError: ``max_nodes`` is below :data:`MIN_MAX_NODES`.
    """
    if max_nodes < MIN_MAX_NODES:
        raise ValueError(f"max_nodes must be at least {MIN_MAX_NODES}, not {max_nodes}")
    for stage in range(_LAST_STAGE + 1):
        if len(view.nodes) <= max_nodes:
            return view
        view = _collapse_stage(view, stage, max_nodes)
    if len(view.nodes) > max_nodes:
        view = _collapse_stage(view, None, max_nodes)
    return view


_Group = tuple[tuple[str, Label, str], list[ViewNode]]


def _collapse_stage(view: ViewGraph, stage: int | None, max_nodes: int) -> ViewGraph:
    """Collapse the fewest of a stage's groups, largest first, that bring the
    view under the cap once the children of the new aggregates are merged
    too; all of them if even that does not suffice."""
    groups = _groups(view, stage)
    if not groups:
        return view

    def attempt(taken: int) -> ViewGraph:
        return _tidy(_apply(view, groups[:taken]), stage)

    collapsed = attempt(len(groups))
    if len(collapsed.nodes) > max_nodes:
        return collapsed
    # More groups never leave more nodes, so the fewest that fit is found by
    # bisection; ``high`` always fits.
    low, high = 1, len(groups)
    while low < high:
        middle = (low + high) // 2
        if len(attempt(middle).nodes) <= max_nodes:
            high = middle
        else:
            low = middle + 1
    return attempt(high)


def _tidy(view: ViewGraph, stage: int | None) -> ViewGraph:
    """Merge what hangs from an aggregate (the heads of units that were
    collapsed): such nodes can no longer be told apart."""
    if stage is None:
        return view
    while True:
        groups = _groups(view, stage, under_aggregates=True)
        if not groups:
            return view
        view = _apply(view, groups)


def _groups(view: ViewGraph, stage: int | None, *, under_aggregates: bool = False) -> list[_Group]:
    """The groups of two or more nodes of the stages up to ``stage`` with one
    parent and kind (with ``None``: of one label, whatever the parent),
    largest first; ``under_aggregates`` keeps those whose parent is an
    aggregate."""
    parents = structural_parents(view)
    aggregate_ids = {node.id for node in view.nodes if node.aggregate}
    groups: dict[tuple[str, Label, str], list[ViewNode]] = {}
    for node in view.nodes:
        if stage is not None:
            if _stage(node) > stage:
                continue
            parent = parents.get(node.id)
            if parent is None or (under_aggregates and parent.node_id not in aggregate_ids):
                continue
            key = (parent.node_id, node.label, _group_kind(node, parent.post))
        else:
            key = ("*", node.label, "")
        groups.setdefault(key, []).append(node)
    # Sorting is stable, so groups of one size keep the order of their first
    # node in the view: the result depends only on the input.
    return sorted(
        (item for item in groups.items() if len(item[1]) > 1), key=lambda item: -len(item[1])
    )


def _apply(view: ViewGraph, groups: Sequence[_Group]) -> ViewGraph:
    """Replace each group by its aggregate, edges following."""
    aggregate_of: dict[str, str] = {}
    aggregates: dict[str, ViewNode] = {}
    for (parent_id, label, kind), members in groups:
        aggregate = _aggregate(parent_id, label, kind, members)
        aggregates[aggregate.id] = aggregate
        for member in members:
            aggregate_of[member.id] = aggregate.id
    nodes: list[ViewNode] = []
    for node in view.nodes:
        target = aggregate_of.get(node.id)
        if target is None:
            nodes.append(node)
        elif target in aggregates:
            nodes.append(aggregates.pop(target))
    return replace(view, nodes=tuple(nodes), edges=_remap_edges(view.edges, aggregate_of))


def _group_kind(node: ViewNode, post: str | None) -> str:
    if node.label is Label.PERSON:
        return post or ""
    if node.level is not None:
        return node.level.value
    return node.kind or ""


_MEASURE_WORD = {Label.PERSON: "名"}
_MEMBER_NAMES_SHOWN = 6


def _aggregate(parent_id: str, label: Label, kind: str, members: Sequence[ViewNode]) -> ViewNode:
    count = sum(member.count for member in members)
    noun_zh, noun_en = term(kind) if kind else term(label)
    levels = {member.level for member in members}
    communities = {member.community_id for member in members}
    sizes = [member.size_hint for member in members if member.size_hint is not None]
    names = [member.name for member in members]
    shown = "、".join(names[:_MEMBER_NAMES_SHOWN])
    if len(names) > _MEMBER_NAMES_SHOWN:
        shown += f" … (+{len(names) - _MEMBER_NAMES_SHOWN})"
    properties: dict[str, PropertyValue] = {"members": shown}
    if label is Label.PERSON and kind:
        properties["post"] = kind
    return ViewNode(
        id=f"agg:{parent_id}:{label.value}:{kind}",
        label=label,
        name=f"{count} {_MEASURE_WORD.get(label, '个')}{noun_zh}",
        name_en=f"{count} {_plural(noun_en) if count != 1 else noun_en}",
        kind=kind or None,
        level=levels.pop() if len(levels) == 1 else None,
        properties=properties,
        findings=merge_findings(finding for member in members for finding in member.findings),
        size_hint=sum(sizes) if sizes else None,
        community_id=communities.pop() if len(communities) == 1 else None,
        count=count,
        aggregate=True,
    )


def _plural(noun: str) -> str:
    if noun == "person":
        return "people"
    if noun.endswith("y") and not noun.endswith(("ay", "ey", "oy")):
        return noun[:-1] + "ies"
    if noun.endswith(("s", "sh", "ch")):
        return noun + "es"
    return noun + "s"


def _remap_edges(
    edges: Iterable[ViewEdge], aggregate_of: Mapping[str, str]
) -> tuple[ViewEdge, ...]:
    merged: dict[tuple[str, str, RelType, str | None], list[ViewEdge]] = {}
    for edge in edges:
        source = aggregate_of.get(edge.source, edge.source)
        target = aggregate_of.get(edge.target, edge.target)
        if source == target:
            continue
        moved = replace(edge, source=source, target=target)
        merged.setdefault((source, target, edge.type, edge.post), []).append(moved)
    result = []
    for group in merged.values():
        if len(group) == 1:
            result.append(group[0])
            continue
        shared = {
            key: value
            for key, value in group[0].properties.items()
            if all(other.properties.get(key) == value for other in group[1:])
        }
        result.append(replace(group[0], properties=shared, count=sum(e.count for e in group)))
    return tuple(result)


# The overview


def gap_score(rollup: CommunityRollup) -> float:
    """A community's gap score: severity-weighted findings per 100 households.

    Each finding weighs :data:`visualize.style.SEVERITY_WEIGHT` of its
    severity (high 3, medium 2, low 1). A community without a household
    figure is scored as if it had 100 households, i.e. by its weighted
    finding count.

    Args:
        rollup: the community's roll-up.

    Returns:
        The score, 0 for a community without findings.
    """
    weighted = sum(SEVERITY_WEIGHT[finding.severity] * finding.count for finding in rollup.findings)
    households = rollup.households or 100
    return 100.0 * weighted / households


def overview(
    rollups: Iterable[CommunityRollup],
    *,
    title_zh: str,
    title_en: str,
    url_template: str = "community-{id}.html",
) -> ViewGraph:
    """The overview of a county or street: one node per community.

    Each community is sized by its households, coloured on
    :data:`visualize.style.GAP_SCALE` by its :func:`gap_score`, carries its
    roll-up counts and findings per rule for the tooltip, and links to its
    community view. Streets that the roll-ups name become hubs the
    communities are ``PART_OF``. Positions are precomputed
    (:func:`visualize.layout.overview_layout`).

    Args:
        rollups: one roll-up per community.
        title_zh: the Chinese title, e.g. ``汶上县 社区总览``.
        title_en: the English title.
        url_template: the link of a community, ``{id}`` standing for its
            URL-quoted id; a relative link keeps a folder of views portable.

    Returns:
        The overview.
    """
    streets: dict[str, ViewNode] = {}
    street_households: dict[str, int] = defaultdict(int)
    street_communities: dict[str, int] = defaultdict(int)
    communities: list[ViewNode] = []
    edges: list[ViewEdge] = []
    for rollup in sorted(rollups, key=lambda item: (item.street_id or "", item.name, item.id)):
        score = gap_score(rollup)
        properties: dict[str, PropertyValue] = {
            "areas": rollup.areas,
            "branches": rollup.branches,
            "grids": rollup.grids,
            "open_needs": rollup.open_needs,
            "gap_score": round(score, 2),
        }
        if rollup.households is not None:
            properties = {"households": rollup.households, **properties}
        communities.append(
            ViewNode(
                id=rollup.id,
                label=Label.COMMUNITY,
                name=rollup.name,
                kind="community",
                properties=properties,
                findings=merge_findings(rollup.findings),
                size_hint=rollup.households,
                community_id=rollup.id,
                url=url_template.format(id=quote(rollup.id, safe="")),
                color=gap_color(score),
            )
        )
        if rollup.street_id is not None:
            streets.setdefault(
                rollup.street_id,
                ViewNode(
                    id=rollup.street_id,
                    label=Label.STREET,
                    name=rollup.street_name or rollup.street_id,
                    kind="street",
                ),
            )
            street_households[rollup.street_id] += rollup.households or 0
            street_communities[rollup.street_id] += 1
            edges.append(ViewEdge(rollup.id, rollup.street_id, RelType.PART_OF))
    street_nodes = tuple(
        replace(
            street,
            properties={
                "communities": street_communities[street.id],
                "households": street_households[street.id],
            },
        )
        for street in streets.values()
    )
    view = ViewGraph(
        nodes=(*street_nodes, *communities),
        edges=tuple(edges),
        title_zh=title_zh,
        title_en=title_en,
        kind=ViewKind.OVERVIEW,
    )
    return overview_layout(view)


# The whole preparation


def prepare(view: ViewGraph, max_nodes: int = DEFAULT_MAX_NODES) -> ViewGraph:
    """Cap a view and lay it out, ready for the renderer.

    An overview keeps its own layout; any other view gets the hierarchical
    layout after :func:`cap`.

    Args:
        view: the view.
        max_nodes: the node cap.

    Returns:
        The capped, laid-out view.
    """
    view = cap(view, max_nodes)
    if view.kind is ViewKind.OVERVIEW:
        return view if all(node.x is not None for node in view.nodes) else overview_layout(view)
    return hierarchical_layout(view)
