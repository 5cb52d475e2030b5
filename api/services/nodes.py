"""Nodes (节点): one with a page of its neighbours, its neighbourhood as
GraphML, and search by name or id, each within the caller's scope and masked
for viewers."""

from __future__ import annotations

from typing import Literal

from api.deps import PageParams, masked
from api.models import (
    NeighbourPublic,
    NeighboursPublic,
    NodePublic,
    SearchHitPublic,
    SearchHitsPublic,
)
from api.tokens import ApiToken
from graph.async_connection import AsyncGraph
from graph.connection import Graph
from graph.schema import Label, RelType
from queries.catalog import answer, answer_async
from queries.masking import mask_name, mask_properties, mask_record
from queries.nodes import (
    Neighbour,
    NodeDetail,
    Page,
    SearchHit,
    neighbourhood,
    node_with_neighbours_steps,
    search_nodes,
)
from visualize.model import ViewKind, from_records
from visualize.render import to_graphml

MAX_GRAPHML_NODES = 2000
"""Nodes a GraphML neighbourhood holds at most."""


async def node(
    graph: AsyncGraph,
    token: ApiToken,
    node_id: str,
    page: PageParams,
    *,
    rel_type: RelType | None = None,
    direction: Literal["out", "in"] | None = None,
) -> NodePublic:
    """A node and a page of its relationships, on the asynchronous connection
    (its query is merged with those of concurrent requests).

    Raises:
        NotFoundError: no node has the id, or it lies outside the scope.
    """
    found, neighbours = await answer_async(
        graph,
        node_with_neighbours_steps(
            node_id,
            token.scope_id,
            rel_type=rel_type,
            direction=direction,
            offset=page.offset,
            limit=page.limit,
        ),
    )
    return node_public(found, neighbours, hide=masked(token))


def read_node(graph: Graph, token: ApiToken, node_id: str, page: PageParams) -> NodePublic:
    """A node and a page of its relationships, on the synchronous connection
    (the node page); the same answer as :func:`node`.

    Raises:
        NotFoundError: no node has the id, or it lies outside the scope.
    """
    found, neighbours = answer(
        graph,
        node_with_neighbours_steps(node_id, token.scope_id, offset=page.offset, limit=page.limit),
    )
    return node_public(found, neighbours, hide=masked(token))


def node_public(found: NodeDetail, neighbours: Page[Neighbour], *, hide: bool) -> NodePublic:
    """A node with its neighbours as answered; ``hide``: as a viewer sees it."""
    properties = mask_properties(found.labels, found.properties) if hide else found.properties
    name = properties.get("name")
    return NodePublic(
        id=found.id,
        name=None if name is None else str(name),
        labels=found.labels,
        properties=properties,
        neighbours=NeighboursPublic(
            items=[neighbour_public(item, hide=hide) for item in neighbours.items],
            total=neighbours.total,
            offset=neighbours.offset,
            limit=neighbours.limit,
        ),
    )


def neighbour_public(item: Neighbour, *, hide: bool) -> NeighbourPublic:
    """One relationship and the node at its other end."""
    return NeighbourPublic(
        direction="out" if item.direction == "out" else "in",
        type=item.type,
        properties=item.properties,
        id=item.id,
        name=mask_name(item.labels, item.name) if hide else item.name,
        labels=item.labels,
    )


def node_graphml(graph: Graph, token: ApiToken, node_id: str, depth: int) -> str:
    """The nodes within ``depth`` steps of a node (in the scope) and the
    relationships among them, as GraphML; phones are never exported and
    viewers get people's names masked.

    Raises:
        NotFoundError: no node has the id, or it lies outside the scope.
    """
    found = neighbourhood(graph, node_id, depth, token.scope_id, MAX_GRAPHML_NODES)
    nodes = [mask_record(record) for record in found.nodes] if masked(token) else found.nodes
    view = from_records(
        nodes,
        found.relationships,
        title_zh=f"{node_id} 关系网（{depth} 层）",
        title_en=f"Neighbourhood of {node_id}, depth {depth}",
        kind=ViewKind.SUBGRAPH,
    )
    return to_graphml(view)


def search(
    graph: Graph, token: ApiToken, text: str, page: PageParams, label: Label | None = None
) -> SearchHitsPublic:
    """Nodes whose name contains ``text``, and the node whose id it is, within
    the scope; a viewer finds people by id and by their masked name only."""
    hide = masked(token)
    hits = search_nodes(
        graph,
        text,
        label=label,
        scope_id=token.scope_id,
        offset=page.offset,
        limit=page.limit,
        masked=hide,
    )
    return SearchHitsPublic(
        query=text,
        items=[search_hit_public(hit, hide=hide) for hit in hits.items],
        total=hits.total,
        offset=hits.offset,
        limit=hits.limit,
    )


def search_hit_public(hit: SearchHit, *, hide: bool) -> SearchHitPublic:
    """A search result as answered."""
    return SearchHitPublic(
        id=hit.id,
        name=mask_name(hit.labels, hit.name) if hide else hit.name,
        labels=hit.labels,
        score=hit.score,
    )
