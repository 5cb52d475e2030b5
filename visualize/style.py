"""How each kind of node and relationship looks, as one table, and the
legend, gap border and gap colour scale derived from it.

The node table :data:`NODE_STYLES` gives a colour, a vis-network shape and a
size to every label, and finer entries where the kind matters: party
organizations by level (a red family, darkest at the top of the chain),
facilities and needs by kind. Places are blue by tier, organizations one hue
per kind, people small and grey. The legend is read off the same table, so the
picture and its key cannot disagree. Chinese terms come from
:mod:`graph.schema`; the English ones are kept here in :data:`EN`, keyed the
same way.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace

from graph.schema import (
    EN,
    LABEL_EN,
    LABEL_ZH,
    ZH,
    FacilityKind,
    Label,
    NeedKind,
    PartyOrgLevel,
    RelType,
    Severity,
)
from visualize.model import ViewGraph, ViewKind, ViewNode

PROPERTY_TERMS: dict[str, tuple[str, str]] = {
    "households": ("户数", "households"),
    "tags": ("标签", "tags"),
    "red_property": ("红色物业", "red property"),
    "domains": ("职责领域", "domains"),
    "party_member": ("党员", "party member"),
    "capacity": ("容量", "capacity"),
    "status": ("状态", "status"),
    "urgency": ("紧急程度", "urgency"),
    "raised_on": ("提出日期", "raised on"),
    "resolved_on": ("办结日期", "resolved on"),
    "satisfaction": ("满意度", "satisfaction"),
    "category": ("类别", "category"),
    "since": ("任职起始", "since"),
    "until": ("离任日期", "until"),
    "established": ("成立日期", "established"),
    "dissolved": ("撤销日期", "dissolved"),
    "post": ("职务", "post"),
    "title": ("标题", "title"),
    "areas": ("小区", "residential areas"),
    "branches": ("小区党支部", "area party branches"),
    "grids": ("网格", "grids"),
    "open_needs": ("待办需求", "open needs"),
    "gap_score": ("缺口指数", "gap score"),
    "communities": ("社区", "communities"),
    "members": ("包括", "includes"),
}
"""Chinese and English captions of the properties a tooltip commonly shows;
other properties are captioned by their key."""


def term(value: str) -> tuple[str, str]:
    """The Chinese and English terms of an enumerated value or a label.

    Args:
        value: a label, kind, level, post, status or tag value.

    Returns:
        ``(zh, en)``; a value the schema does not name is returned as both.
    """
    if value in _LABEL_BY_VALUE:
        label = _LABEL_BY_VALUE[value]
        return LABEL_ZH[label], LABEL_EN[label]
    return ZH.get(value, value), EN.get(value, value)


_LABEL_BY_VALUE = {label.value: label for label in Label}


def term_text(value: str) -> str:
    """``"zh en"`` of an enumerated value, or the value itself if it is not one.

    Args:
        value: a label, kind, level, post, status or tag value, or any text.

    Returns:
        E.g. ``"楼长 building head"`` for ``building_head``.
    """
    zh, en = term(value)
    return value if zh == value and en == value else f"{zh} {en}"


@dataclass(frozen=True)
class NodeStyle:
    """How a node is drawn.

    Attributes:
        color: the fill colour (``#rrggbb``).
        shape: a vis-network shape: ``dot``, ``square``, ``diamond``,
            ``triangle``, ``triangleDown``, ``star``, ``hexagon``.
        size: the radius in canvas pixels.
        border: the border colour.
        border_width: the border width in pixels.
        dashed: whether the border is dashed (aggregates).
    """

    color: str
    shape: str
    size: float
    border: str
    border_width: float = 1.0
    dashed: bool = False


@dataclass(frozen=True)
class StyleEntry:
    """One row of the node style table.

    Attributes:
        label: the label the row is for.
        kind: the level or kind the row is for; ``None`` for the label's
            default, used when no finer row applies.
        zh: the Chinese term of what the row draws.
        en: the English term.
        style: how it is drawn.
    """

    label: Label
    kind: str | None
    zh: str
    en: str
    style: NodeStyle


def _entry(
    label: Label, color: str, shape: str, size: float, kind: str | None = None
) -> StyleEntry:
    zh, en = term(kind) if kind is not None else term(label)
    return StyleEntry(label, kind, zh, en, NodeStyle(color, shape, size, _darker(color)))


def _darker(color: str, factor: float = 0.7) -> str:
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(round(c * factor) for c in (red, green, blue)))


NODE_STYLES: tuple[StyleEntry, ...] = (
    # The party chain: one red family, darker and larger towards the top.
    _entry(Label.PARTY_ORG, "#8b0000", "star", 34, PartyOrgLevel.COUNTY_COMMITTEE),
    _entry(Label.PARTY_ORG, "#b71c1c", "star", 30, PartyOrgLevel.STREET_WORKING_COMMITTEE),
    _entry(Label.PARTY_ORG, "#d32f2f", "star", 26, PartyOrgLevel.COMMUNITY_COMMITTEE),
    _entry(Label.PARTY_ORG, "#e8585a", "star", 20, PartyOrgLevel.AREA_BRANCH),
    _entry(Label.PARTY_ORG, "#f19a9a", "star", 15, PartyOrgLevel.BUILDING_GROUP),
    _entry(Label.PARTY_ORG, "#e57373", "star", 18),
    # Places: blues by tier, grids teal since they cut across the tree.
    _entry(Label.CITY, "#0b3c7a", "dot", 36),
    _entry(Label.COUNTY, "#0d47a1", "dot", 34),
    _entry(Label.STREET, "#1565c0", "dot", 30),
    _entry(Label.COMMUNITY, "#1e88e5", "dot", 28),
    _entry(Label.RESIDENTIAL_AREA, "#42a5f5", "dot", 20),
    _entry(Label.GRID, "#26a69a", "diamond", 13),
    _entry(Label.BUILDING, "#81b9ec", "square", 11),
    _entry(Label.UNIT, "#c3dcf3", "square", 7),
    _entry(Label.PLACE, "#64b5f6", "dot", 14),
    # Organizations: one hue per kind, triangles.
    _entry(Label.COUNTY_DEPARTMENT, "#6a1b9a", "triangle", 20),
    _entry(Label.STATIONED_UNIT, "#ef6c00", "triangle", 16),
    _entry(Label.SOCIAL_ORG, "#2e7d32", "triangle", 14),
    _entry(Label.MICRO_ORG, "#7cb342", "triangle", 11),
    _entry(Label.VOLUNTEER_TEAM, "#f9a825", "triangle", 13),
    _entry(Label.PROPERTY_FIRM, "#6d4c41", "triangle", 15),
    _entry(Label.OWNERS_COMMITTEE, "#a1887f", "triangle", 13),
    _entry(Label.TWO_NEW_ORG, "#607d8b", "triangle", 11),
    _entry(Label.ORGANIZATION, "#90a4ae", "triangle", 12),
    # People: many and small.
    _entry(Label.PERSON, "#9e9e9e", "dot", 5),
    # Facilities (阵地) by kind: a cyan family of diamonds.
    _entry(Label.FACILITY, "#00695c", "diamond", 14, FacilityKind.SERVICE_CENTER),
    _entry(Label.FACILITY, "#00838f", "diamond", 11, FacilityKind.RED_SAIL_STATION),
    _entry(Label.FACILITY, "#0097a7", "diamond", 12, FacilityKind.DELIBERATION_HALL),
    _entry(Label.FACILITY, "#26c6da", "diamond", 10, FacilityKind.DELIBERATION_POINT),
    _entry(Label.FACILITY, "#4db6ac", "diamond", 11, FacilityKind.SECRETARY_STUDIO),
    _entry(Label.FACILITY, "#4dd0e1", "diamond", 10),
    # Resources and needs.
    _entry(Label.CATEGORY, "#bdbdbd", "hexagon", 10),
    _entry(Label.SERVICE, "#9ccc65", "hexagon", 10),
    _entry(Label.PROJECT, "#ff8a65", "hexagon", 12),
    _entry(Label.NEED, "#ab47bc", "triangleDown", 9, NeedKind.MICRO_WISH),
    _entry(Label.NEED, "#ec407a", "triangleDown", 9, NeedKind.COMPLAINT),
    _entry(Label.NEED, "#7e57c2", "triangleDown", 9, NeedKind.SERVICE_REQUEST),
    _entry(Label.NEED, "#ba68c8", "triangleDown", 9),
)
"""The node style table: every label has a default row (``kind`` ``None``);
party orgs also have one row per level, facilities and needs one per kind."""

_STYLE_INDEX: dict[tuple[Label, str | None], StyleEntry] = {
    (entry.label, entry.kind): entry for entry in NODE_STYLES
}

FINDING_BORDER = "#e00000"
"""The border colour of a node with audit findings."""

FINDING_BORDER_WIDTH: dict[Severity, float] = {
    Severity.LOW: 2.0,
    Severity.MEDIUM: 4.0,
    Severity.HIGH: 6.0,
}
"""The border width of a node by the worst severity of its findings."""


def style_entry(node: ViewNode) -> StyleEntry:
    """The table row that draws a node: its level's or kind's, else its label's.

    Args:
        node: the node.

    Returns:
        The row.
    """
    finer = node.level if node.level is not None else node.kind
    return _STYLE_INDEX.get((node.label, finer)) or _STYLE_INDEX[(node.label, None)]


def node_style(node: ViewNode, size_scale: float = 1.0) -> NodeStyle:
    """How a node is drawn, before the gap overlay.

    The row's size is multiplied by ``size_scale`` (the caller's sizing by
    :attr:`ViewNode.size_hint`) and, for an aggregate, grows with the log of
    its count; an aggregate's border is dashed. A node's own
    :attr:`ViewNode.color` replaces the row's colour.

    Args:
        node: the node.
        size_scale: a factor on the row's size.

    Returns:
        The style.
    """
    style = style_entry(node).style
    size = style.size * size_scale
    if node.aggregate:
        size *= min(2.5, 1.0 + 0.3 * math.log2(max(node.count, 1)))
    color = node.color or style.color
    return replace(
        style,
        color=color,
        border=_darker(color) if node.color else style.border,
        size=round(size, 1),
        dashed=node.aggregate,
    )


def size_scale(size_hint: int | None, largest: int | None) -> float:
    """The factor on a node's size from its size hint, e.g. households.

    The area grows with the hint: the largest node of its label in the view
    is drawn 1.5 times its row's size, a node with no households 0.6 times.

    Args:
        size_hint: the node's hint, if any.
        largest: the largest hint among nodes of its label in the view.

    Returns:
        A factor between 0.6 and 1.5; 1 for a node without a hint.
    """
    if size_hint is None or not largest or largest <= 0:
        return 1.0
    return 0.6 + 0.9 * math.sqrt(min(max(size_hint, 0), largest) / largest)


def gap_overlay(style: NodeStyle, node: ViewNode) -> NodeStyle:
    """The style with the gap overlay: a red border, thicker when worse.

    Args:
        style: the node's style.
        node: the node, whose findings decide the border.

    Returns:
        The style unchanged when the node has no findings or is coloured by
        its own gap score (an overview's community, whose fill already tells),
        else with :data:`FINDING_BORDER` at the width of its worst severity.
    """
    worst = node.worst_severity
    if worst is None or node.color is not None:
        return style
    return replace(style, border=FINDING_BORDER, border_width=FINDING_BORDER_WIDTH[worst])


@dataclass(frozen=True)
class EdgeStyle:
    """How a relationship type is drawn, and its terms.

    Attributes:
        zh: the Chinese term.
        en: the English term.
        color: the line colour.
        width: the line width.
        dashed: whether the line is dashed.
    """

    zh: str
    en: str
    color: str
    width: float = 1.0
    dashed: bool = False


EDGE_STYLES: dict[RelType, EdgeStyle] = {
    RelType.PART_OF: EdgeStyle("隶属", "part of", "#90a4ae", 1.2),
    RelType.IN_GRID: EdgeStyle("划入网格", "in grid", "#c8e6e3", 0.6),
    RelType.LEADS: EdgeStyle("领导", "leads", "#e53935", 1.6),
    RelType.REPORTS_TO: EdgeStyle("上级党组织", "reports to", "#b71c1c", 2.0),
    RelType.BASED_IN: EdgeStyle("驻在", "based in", "#bcaaa4", 1.0),
    RelType.MANAGES: EdgeStyle("物业管理", "manages", "#8d6e63", 1.2),
    RelType.FALLBACK_FOR: EdgeStyle("兜底管理", "falls back for", "#ef9a9a", 1.0, dashed=True),
    RelType.HOLDS: EdgeStyle("任职", "holds post", "#bdbdbd", 0.7),
    RelType.EMPLOYED_BY: EdgeStyle("就职于", "employed by", "#d7ccc8", 0.6, dashed=True),
    RelType.LOCATED_IN: EdgeStyle("位于", "located in", "#80deea", 1.0),
    RelType.BROADER: EdgeStyle("上位类别", "broader", "#bdbdbd", 0.8),
    RelType.OFFERS: EdgeStyle("提供", "offers", "#aed581", 1.0),
    RelType.IN_CATEGORY: EdgeStyle("属于类别", "in category", "#e0e0e0", 0.6, dashed=True),
    RelType.COVERS: EdgeStyle("覆盖", "covers", "#c5e1a5", 0.8, dashed=True),
    RelType.RUNS: EdgeStyle("承办", "runs", "#ffab91", 1.0),
    RelType.SERVES: EdgeStyle("服务", "serves", "#ffccbc", 1.0),
    RelType.RAISED_IN: EdgeStyle("提出于", "raised in", "#ce93d8", 0.8),
    RelType.ASSIGNED_TO: EdgeStyle("派给", "assigned to", "#9575cd", 1.2),
}
"""How each relationship type is drawn."""


GAP_SCALE: tuple[tuple[float, str], ...] = (
    (0.0, "#43a047"),
    (1.0, "#ffb300"),
    (3.0, "#e53935"),
)
"""The overview's colour scale: gap score → colour, linear between the stops
and flat beyond the last. The gap score (:func:`visualize.transforms.gap_score`)
is the severity-weighted findings per 100 households: 0 is green, 1 amber
(e.g. 10 high-severity findings in a community of 3,000 households), 3 and
above red."""

SEVERITY_WEIGHT: dict[Severity, int] = {Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3}
"""How much a finding of each severity weighs in the gap score."""


def gap_color(score: float) -> str:
    """The colour of a gap score on :data:`GAP_SCALE`.

    Args:
        score: a gap score, 0 or more.

    Returns:
        ``#rrggbb``.
    """
    low_score, low_color = GAP_SCALE[0]
    if score <= low_score:
        return low_color
    for high_score, high_color in GAP_SCALE[1:]:
        if score <= high_score:
            share = (score - low_score) / (high_score - low_score)
            return _mix(low_color, high_color, share)
        low_score, low_color = high_score, high_color
    return GAP_SCALE[-1][1]


def _mix(start: str, end: str, share: float) -> str:
    channels = []
    for i in (1, 3, 5):
        a, b = int(start[i : i + 2], 16), int(end[i : i + 2], 16)
        channels.append(round(a + (b - a) * share))
    return "#{:02x}{:02x}{:02x}".format(*channels)


@dataclass(frozen=True)
class LegendEntry:
    """One line of the legend.

    Attributes:
        zh: the Chinese term.
        en: the English term.
        color: the swatch colour.
        shape: the swatch shape (a vis-network shape name, or ``line``).
        border: the swatch border colour.
        border_width: the swatch border width.
    """

    zh: str
    en: str
    color: str
    shape: str
    border: str
    border_width: float = 1.0


def legend(view: ViewGraph | None = None) -> tuple[LegendEntry, ...]:
    """The node legend, read off :data:`NODE_STYLES`.

    Args:
        view: when given, only the rows that draw one of its nodes (and, if
            any node has findings, the gap borders); else every row that is
            not a label's fallback for a label with finer rows.

    Returns:
        The entries, in table order.
    """
    if view is None:
        refined = {entry.label for entry in NODE_STYLES if entry.kind is not None}
        rows: Iterable[StyleEntry] = (
            entry for entry in NODE_STYLES if entry.kind is not None or entry.label not in refined
        )
    else:
        used = {style_entry(node) for node in view.nodes if not _overview_colored(view, node)}
        rows = (entry for entry in NODE_STYLES if entry in used)
    entries = [
        LegendEntry(row.zh, row.en, row.style.color, row.style.shape, row.style.border)
        for row in rows
    ]
    if view is None or any(node.findings and node.color is None for node in view.nodes):
        entries.extend(finding_legend())
    return tuple(entries)


def finding_legend() -> tuple[LegendEntry, ...]:
    """The legend of the gap borders, one entry per severity."""
    return tuple(
        LegendEntry(
            f"问题（{ZH[severity]}风险）",
            f"finding ({severity.value} severity)",
            "#ffffff",
            "dot",
            FINDING_BORDER,
            width,
        )
        for severity, width in FINDING_BORDER_WIDTH.items()
    )


GAP_SCORE_NOTE = (
    "缺口指数 = 每百户的加权问题数（高 3、中 2、低 1）",
    "gap score = severity-weighted findings per 100 households (high 3, medium 2, low 1)",
)
"""What the overview's colours mean, in Chinese and English, for the legend."""


def gap_scale_legend() -> tuple[LegendEntry, ...]:
    """The legend of the overview's gap colours, one entry per stop."""
    return tuple(
        LegendEntry(
            f"缺口指数 {score:g}",
            f"gap score {score:g}",
            color,
            "dot",
            _darker(color),
        )
        for score, color in GAP_SCALE
    )


def edge_legend(view: ViewGraph) -> tuple[LegendEntry, ...]:
    """The legend of the relationship types a view draws, in schema order."""
    used = {edge.type for edge in view.edges}
    return tuple(
        LegendEntry(style.zh, style.en, style.color, "line", style.color, style.width)
        for rel_type, style in EDGE_STYLES.items()
        if rel_type in used
    )


def _overview_colored(view: ViewGraph, node: ViewNode) -> bool:
    return view.kind is ViewKind.OVERVIEW and node.color is not None
