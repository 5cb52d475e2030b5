"""Where nodes sit: the structural parent of each node, the hierarchical
layout of an organization tree, and the clustered layout of an overview.

Positions are computed here, deterministically, so that the browser draws a
view at once with physics off instead of simulating for seconds. The
hierarchical layout hangs every node from one parent (a place from the party
organization that leads it, a party organization from the one it reports to,
a person from where they hold their first post, an organization or facility
from its place …), then packs each subtree into a box: the parent on top, its
leaf children in a compact grid and its other subtrees wrapped into lines, so
that a community of a thousand nodes stays about as wide as a screen is tall
rather than a strip of leaves tens of thousands of pixels long.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from graph.schema import FAMILY, Label, PartyOrgLevel, Post, RelType
from visualize.model import ViewEdge, ViewGraph, ViewNode


@dataclass(frozen=True)
class Parent:
    """The node another node hangs from.

    Attributes:
        node_id: the parent's id.
        post: the post held there, when a person hangs from a post's target.
    """

    node_id: str
    post: str | None = None


_PLACE_RULE: tuple[tuple[RelType, bool], ...] = ((RelType.PART_OF, True),)
_ORG_RULE: tuple[tuple[RelType, bool], ...] = ((RelType.BASED_IN, True),)
_PARENT_RULES: dict[Label, tuple[tuple[RelType, bool], ...]] = {
    **{label: _PLACE_RULE for label, family in FAMILY.items() if family is Label.PLACE},
    Label.PLACE: _PLACE_RULE,
    **{label: _ORG_RULE for label, family in FAMILY.items() if family is Label.ORGANIZATION},
    Label.ORGANIZATION: _ORG_RULE,
    Label.PROPERTY_FIRM: ((RelType.MANAGES, True), (RelType.BASED_IN, True)),
    Label.TWO_NEW_ORG: ((RelType.FALLBACK_FOR, False), (RelType.BASED_IN, True)),
    Label.PARTY_ORG: ((RelType.REPORTS_TO, True),),
    Label.PERSON: ((RelType.HOLDS, True), (RelType.EMPLOYED_BY, True)),
    Label.FACILITY: ((RelType.LOCATED_IN, True),),
    Label.NEED: ((RelType.RAISED_IN, True),),
    Label.SERVICE: ((RelType.OFFERS, False),),
    Label.PROJECT: ((RelType.RUNS, False), (RelType.SERVES, True)),
    Label.CATEGORY: ((RelType.BROADER, True),),
}
"""Where each kind of node hangs: relationship types in order of preference,
``True`` following the relationship forwards, ``False`` backwards."""

_POST_RANK = {post.value: rank for rank, post in enumerate(Post)}


def parent_candidates(
    view: ViewGraph, *, leading_org_first: bool = False
) -> dict[str, list[Parent]]:
    """Every node's possible parents, best first.

    Candidates follow :data:`_PARENT_RULES`; among several relationships of one
    type the target with the smaller id comes first, except that a person's
    posts are taken in :class:`~graph.schema.Post` order (a secretary hangs
    from the party organization, not from the volunteer team).

    Args:
        view: the view.
        leading_org_first: put the party organization that ``LEADS`` a place
            before its ``PART_OF`` parent (the layout's choice: the place then
            sits under its branch, beside the branch's own sub-organizations).

    Returns:
        The candidates of every node that has any.
    """
    outgoing: dict[tuple[str, RelType], list[ViewEdge]] = defaultdict(list)
    incoming: dict[tuple[str, RelType], list[ViewEdge]] = defaultdict(list)
    for edge in view.edges:
        outgoing[(edge.source, edge.type)].append(edge)
        incoming[(edge.target, edge.type)].append(edge)
    candidates: dict[str, list[Parent]] = {}
    for node in view.nodes:
        rules = _PARENT_RULES.get(node.label, ())
        if leading_org_first and (
            FAMILY.get(node.label) is Label.PLACE or node.label is Label.PLACE
        ):
            rules = ((RelType.LEADS, False), *rules)
        found: list[Parent] = []
        for rel_type, forwards in rules:
            if forwards:
                edges = outgoing.get((node.id, rel_type), [])
                if rel_type is RelType.HOLDS:
                    ordered = sorted(edges, key=lambda e: (_post_rank(e.post), e.target))
                    found.extend(Parent(edge.target, edge.post) for edge in ordered)
                else:
                    found.extend(Parent(target) for target in sorted({e.target for e in edges}))
            else:
                edges = incoming.get((node.id, rel_type), [])
                found.extend(Parent(source) for source in sorted({e.source for e in edges}))
        found = [parent for parent in found if parent.node_id != node.id]
        if found:
            candidates[node.id] = found
    return candidates


def _post_rank(post: str | None) -> int:
    return _POST_RANK.get(post or "", len(_POST_RANK))


def structural_parents(view: ViewGraph) -> dict[str, Parent]:
    """The node each node hangs from, for aggregation: its best candidate.

    Args:
        view: the view.

    Returns:
        The parent of every node that has one in the view.
    """
    return {node_id: found[0] for node_id, found in parent_candidates(view).items()}


# The spine of the tree: places and party organizations sit on fixed tiers, so
# a place hangs under the org that leads it and a broken chain can never put a
# parent below its child or close a cycle.
_SPINE_TIER: dict[Label | PartyOrgLevel, int] = {
    Label.CITY: 0,
    PartyOrgLevel.COUNTY_COMMITTEE: 1,
    Label.COUNTY: 2,
    PartyOrgLevel.STREET_WORKING_COMMITTEE: 2,
    Label.STREET: 3,
    PartyOrgLevel.COMMUNITY_COMMITTEE: 3,
    Label.COMMUNITY: 4,
    PartyOrgLevel.AREA_BRANCH: 4,
    Label.RESIDENTIAL_AREA: 5,
    Label.GRID: 5,
    PartyOrgLevel.BUILDING_GROUP: 5,
    Label.BUILDING: 6,
    Label.UNIT: 7,
}

_LABEL_ORDER = {label: rank for rank, label in enumerate(Label)}
_LEVEL_ORDER = {level: rank for rank, level in enumerate(PartyOrgLevel)}

LEVEL_GAP = 110.0
"""Vertical distance from a node to the first line of its children."""
LINE_GAP = 50.0
"""Vertical gap between two lines of wrapped subtrees."""
ITEM_GAP = 24.0
"""Horizontal gap between two subtrees in a line."""
LEAF_ROW = 42.0
"""Vertical distance between rows of a leaf grid."""
NODE_HEIGHT = 56.0
"""The height a lone node with its label takes."""
ASPECT = 1.7
"""Width over height that the packing aims at, about a screen's."""


def _spine_tier(node: ViewNode) -> int | None:
    if node.label is Label.PARTY_ORG:
        return _SPINE_TIER.get(node.level) if node.level is not None else None
    return _SPINE_TIER.get(node.label)


def layout_parents(view: ViewGraph) -> dict[str, str]:
    """The tree the hierarchical layout draws: each node's one parent.

    A place or party organization (the spine) hangs only from a spine node
    on a higher tier; any other node from its first candidate that does not
    close a cycle. Nodes with no acceptable parent are roots.

    Args:
        view: the view.

    Returns:
        The parent id of every node that is not a root.
    """
    index = view.node_index()
    candidates = parent_candidates(view, leading_org_first=True)
    parents: dict[str, str] = {}
    for node in view.nodes:
        tier = _spine_tier(node)
        for candidate in candidates.get(node.id, ()):
            parent = index[candidate.node_id]
            if tier is not None:
                parent_tier = _spine_tier(parent)
                if parent_tier is not None and parent_tier < tier:
                    parents[node.id] = parent.id
                    break
            elif not _reaches(parents, parent.id, node.id):
                # The link that would close a cycle is the last one chosen of
                # it, so refusing it here keeps the whole tree acyclic.
                parents[node.id] = parent.id
                break
    return parents


def _reaches(parents: dict[str, str], start: str, goal: str) -> bool:
    seen: set[str] = set()
    current: str | None = start
    while current is not None and current not in seen:
        if current == goal:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def _label_width(name: str) -> float:
    # Canvas labels are 12 px: a CJK character is about 12 px wide, Latin about 7.
    return sum(12.0 if ord(char) > 0x2E7F else 7.0 for char in name) + 14.0


def _slot(node: ViewNode) -> float:
    return max(36.0, _label_width(node.name))


@dataclass
class _Item:
    """A child subtree, or the grid of a node's leaf children, being packed."""

    width: float
    height: float
    child: str | None = None
    leaves: tuple[str, ...] = ()
    columns: int = 1
    cell_width: float = 0.0


@dataclass
class _Box:
    width: float
    height: float
    lines: list[list[_Item]]
    offset: float


def _leaf_grid(leaves: list[ViewNode]) -> _Item:
    columns = min(len(leaves), max(1, math.ceil(math.sqrt(len(leaves) * 2.5))))
    rows = math.ceil(len(leaves) / columns)
    cell = max(_slot(leaf) for leaf in leaves)
    return _Item(
        width=columns * cell,
        height=(rows - 1) * LEAF_ROW + NODE_HEIGHT,
        leaves=tuple(leaf.id for leaf in leaves),
        columns=columns,
        cell_width=cell,
    )


def _wrap(
    items: list[_Item], own_width: float, leaf_grid: _Item | None
) -> tuple[list[list[_Item]], float, float]:
    """Pack subtrees into lines about :data:`ASPECT` wide; a leaf grid goes on
    a line of its own first, so post-holders sit right under their post."""
    lines: list[list[_Item]] = [[leaf_grid]] if leaf_grid is not None else []
    if items:
        area = sum(item.width * item.height for item in items)
        widest = max(item.width for item in items)
        limit = max(own_width, widest, math.sqrt(area * ASPECT))
        lines.append([])
        line_width = 0.0
        for item in items:
            needed = item.width if not lines[-1] else line_width + ITEM_GAP + item.width
            if lines[-1] and needed > limit:
                lines.append([item])
                line_width = item.width
            else:
                lines[-1].append(item)
                line_width = needed
    width = max(_line_width(line) for line in lines)
    height = sum(max(item.height for item in line) for line in lines) + LINE_GAP * (len(lines) - 1)
    return lines, max(width, own_width), height


def _line_width(line: list[_Item]) -> float:
    return sum(item.width for item in line) + ITEM_GAP * (len(line) - 1)


def hierarchical_layout(view: ViewGraph) -> ViewGraph:
    """Lay a view out top-down as a tree, with positions precomputed.

    The tree is :func:`layout_parents`: the party chain top-down (街道党工委 →
    社区党委 → 小区党支部 → 楼栋党小组), each place under the organization
    leading it (else under its ``PART_OF`` parent), post-holders under their
    post, stationed units, social organizations, property firms and
    facilities under their place. Siblings are ordered by label, level, kind,
    name and id, so the result does not depend on the input order.

    Args:
        view: the view.

    Returns:
        The view with every node's ``layout_level`` (0 for a root, one more
        than its parent otherwise) and ``x``/``y`` set; a parent is always
        above its children.
    """
    if not view.nodes:
        return view
    index = view.node_index()
    parents = layout_parents(view)
    children: dict[str | None, list[ViewNode]] = defaultdict(list)
    for node in view.nodes:
        children[parents.get(node.id)].append(node)
    for siblings in children.values():
        siblings.sort(key=_sibling_key)
    order = _breadth_first(children)
    levels = {node_id: depth for node_id, depth in order}
    boxes: dict[str | None, _Box] = {}
    for node_id, _ in reversed(order):
        boxes[node_id] = _measure(index[node_id], children, boxes)
    boxes[None] = _measure(None, children, boxes)
    positions: dict[str, tuple[float, float]] = {}
    origins: dict[str | None, tuple[float, float]] = {None: (0.0, 0.0)}
    top_down: list[str | None] = [None, *(node_id for node_id, _ in order)]
    for subtree in top_down:
        # Leaves were placed in their parent's grid; subtrees get an origin.
        if subtree in origins:
            _place(subtree, origins, boxes, positions)
    nodes = tuple(
        replace(
            node,
            layout_level=levels[node.id],
            x=round(positions[node.id][0], 1),
            y=round(positions[node.id][1], 1),
        )
        for node in view.nodes
    )
    return replace(view, nodes=nodes)


def _sibling_key(node: ViewNode) -> tuple[int, int, str, str, str]:
    level = _LEVEL_ORDER.get(node.level, -1) if node.level is not None else -1
    return (_LABEL_ORDER[node.label], level, node.kind or "", node.name, node.id)


def _breadth_first(children: dict[str | None, list[ViewNode]]) -> list[tuple[str, int]]:
    order: list[tuple[str, int]] = []
    frontier = [(node.id, 0) for node in children.get(None, [])]
    while frontier:
        order.extend(frontier)
        frontier = [
            (child.id, depth + 1)
            for node_id, depth in frontier
            for child in children.get(node_id, [])
        ]
    return order


def _measure(
    node: ViewNode | None, children: dict[str | None, list[ViewNode]], boxes: dict[str | None, _Box]
) -> _Box:
    node_id = node.id if node is not None else None
    own_width = _slot(node) if node is not None else 0.0
    kids = children.get(node_id, [])
    if not kids:
        return _Box(own_width, NODE_HEIGHT, [], 0.0)
    leaves = [kid for kid in kids if not children.get(kid.id)]
    items = [
        _Item(boxes[kid.id].width, boxes[kid.id].height, child=kid.id)
        for kid in kids
        if children.get(kid.id)
    ]
    lines, width, height = _wrap(items, own_width, _leaf_grid(leaves) if leaves else None)
    offset = LEVEL_GAP if node is not None else 0.0
    return _Box(width, offset + height, lines, offset)


def _place(
    node_id: str | None,
    origins: dict[str | None, tuple[float, float]],
    boxes: dict[str | None, _Box],
    positions: dict[str, tuple[float, float]],
) -> None:
    left, top = origins[node_id]
    box = boxes[node_id]
    if node_id is not None:
        positions[node_id] = (left + box.width / 2, top)
    line_top = top + box.offset
    for line in box.lines:
        cursor = left + (box.width - _line_width(line)) / 2
        for item in line:
            if item.child is not None:
                origins[item.child] = (cursor, line_top)
            for position, leaf in enumerate(item.leaves):
                row, column = divmod(position, item.columns)
                positions[leaf] = (
                    cursor + (column + 0.5) * item.cell_width,
                    line_top + row * LEAF_ROW,
                )
            cursor += item.width + ITEM_GAP
        line_top += max(item.height for item in line) + LINE_GAP


# The overview

_GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))
SPIRAL_STEP = 80.0
"""Distance scale of the sunflower spiral the communities of a street form."""


def overview_layout(view: ViewGraph) -> ViewGraph:
    """Lay an overview out: a cluster per street, clusters in a grid.

    Each street sits at the centre of its cluster with its communities on a
    sunflower spiral around it (ordered by name and id); communities without
    a street form one cluster of their own. Clusters are placed row by row in
    street-name order.

    Args:
        view: an overview (streets and communities joined by ``PART_OF``).

    Returns:
        The view with ``x``/``y`` set on every node, ``layout_level`` 0 for a
        street and 1 for anything in a cluster.
    """
    index = view.node_index()
    hubs = sorted(
        (node for node in view.nodes if node.label is Label.STREET),
        key=lambda node: (node.name, node.id),
    )
    hub_ids = {hub.id for hub in hubs}
    members: dict[str | None, list[ViewNode]] = defaultdict(list)
    placed: set[str] = set(hub_ids)
    for edge in view.edges:
        if edge.type is RelType.PART_OF and edge.target in hub_ids and edge.source not in placed:
            members[edge.target].append(index[edge.source])
            placed.add(edge.source)
    members[None].extend(node for node in view.nodes if node.id not in placed)
    clusters: list[tuple[ViewNode | None, list[ViewNode]]] = [
        (hub, sorted(members[hub.id], key=lambda node: (node.name, node.id))) for hub in hubs
    ]
    if members[None]:
        clusters.append((None, sorted(members[None], key=lambda node: (node.name, node.id))))
    radius = max(_spiral_radius(len(group)) for _, group in clusters) if clusters else 0.0
    cell = 2 * radius + 120.0
    columns = max(1, math.ceil(math.sqrt(len(clusters))))
    positions: dict[str, tuple[float, float, int]] = {}
    for number, (hub, group) in enumerate(clusters):
        row, column = divmod(number, columns)
        centre_x, centre_y = column * cell, row * cell
        if hub is not None:
            positions[hub.id] = (centre_x, centre_y, 0)
        for position, node in enumerate(_spiral(len(group), hub is not None)):
            positions[group[position].id] = (centre_x + node[0], centre_y + node[1], 1)
    nodes = tuple(
        replace(
            node,
            x=round(positions[node.id][0], 1),
            y=round(positions[node.id][1], 1),
            layout_level=positions[node.id][2],
        )
        for node in view.nodes
    )
    return replace(view, nodes=nodes)


def _spiral(count: int, around_hub: bool) -> Iterable[tuple[float, float]]:
    start = 2.0 if around_hub else 0.0
    for number in range(count):
        distance = SPIRAL_STEP * math.sqrt(number + start)
        angle = number * _GOLDEN_ANGLE
        yield distance * math.cos(angle), distance * math.sin(angle)


def _spiral_radius(count: int) -> float:
    return SPIRAL_STEP * math.sqrt(count + 2.0)
