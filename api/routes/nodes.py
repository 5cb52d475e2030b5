"""``/api/nodes/{id}``: a node with its neighbours, and its neighbourhood as
GraphML (for Gephi, yEd or networkx)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from api.deps import AsyncGraphDep, GraphDep, Paging, ViewerToken, masked
from api.models import NeighbourPublic, NeighboursPublic, NodePublic
from api.routes.common import AUTH_RESPONSES, NOT_FOUND, json_response
from graph.schema import RelType
from queries.catalog import answer_async
from queries.masking import mask_name, mask_properties
from queries.nodes import neighbourhood, node_with_neighbours_steps
from visualize.model import ViewKind, from_records
from visualize.render import to_graphml

router = APIRouter(prefix="/nodes", tags=["nodes"], responses={**AUTH_RESPONSES, **NOT_FOUND})

NodeId = Annotated[str, Path(min_length=1, max_length=200, description="the node's id")]

MAX_GRAPHML_NODES = 2000
"""Nodes a GraphML neighbourhood holds at most."""


@router.get(
    "/{node_id}", response_model=NodePublic, summary="节点及其关联 · A node and its neighbours"
)
async def read_node(
    graph: AsyncGraphDep,
    token: ViewerToken,
    node_id: NodeId,
    page: Paging,
    type: Annotated[RelType | None, Query(description="only this relationship type")] = None,
    direction: Annotated[
        Literal["out", "in"] | None, Query(description="only outgoing or incoming")
    ] = None,
) -> Response:
    """The node's labels and properties, and a page of its relationships (both
    directions) with the id, name and labels of the node at the other end.
    Neighbours outside the token's scope are left out; viewers see personal
    data masked."""
    node, neighbours = await answer_async(
        graph,
        node_with_neighbours_steps(
            node_id,
            token.scope_id,
            rel_type=type,
            direction=direction,
            offset=page.offset,
            limit=page.limit,
        ),
    )
    hide = masked(token)
    properties = mask_properties(node.labels, node.properties) if hide else node.properties
    items = [
        NeighbourPublic(
            direction="out" if item.direction == "out" else "in",
            type=item.type,
            properties=item.properties,
            id=item.id,
            name=mask_name(item.labels, item.name) if hide else item.name,
            labels=item.labels,
        )
        for item in neighbours.items
    ]
    return json_response(
        NodePublic(
            id=node.id,
            name=properties.get("name"),
            labels=node.labels,
            properties=properties,
            neighbours=NeighboursPublic(
                items=items,
                total=neighbours.total,
                offset=neighbours.offset,
                limit=neighbours.limit,
            ),
        )
    )


@router.get(
    "/{node_id}/graphml",
    summary="关系网导出 GraphML · Neighbourhood as GraphML",
    response_class=Response,
    responses={200: {"content": {"application/graphml+xml": {}}, "description": "GraphML"}},
)
def node_graphml(
    graph: GraphDep,
    token: ViewerToken,
    node_id: NodeId,
    depth: Annotated[int, Query(ge=1, le=3, description="steps out from the node")] = 1,
) -> Response:
    """The nodes within ``depth`` steps of the node (in the token's scope) and
    the relationships among them, as GraphML; at most 2,000 nodes. Phone
    numbers are never exported; viewers get people's names masked."""
    found = neighbourhood(graph, node_id, depth, token.scope_id, MAX_GRAPHML_NODES)
    nodes = found.nodes
    if masked(token):
        nodes = [{**record, **mask_properties(record["labels"], record)} for record in found.nodes]
    view = from_records(
        nodes,
        found.relationships,
        title_zh=f"{node_id} 关系网（{depth} 层）",
        title_en=f"Neighbourhood of {node_id}, depth {depth}",
        kind=ViewKind.SUBGRAPH,
    )
    return Response(
        to_graphml(view),
        media_type="application/graphml+xml",
        headers={"Content-Disposition": f'attachment; filename="{_safe(node_id)}.graphml"'},
    )


def _safe(text: str) -> str:
    """A file name from an id: letters, digits, ``-`` and ``_`` only."""
    cleaned = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in text)
    return cleaned[:60] or "node"
