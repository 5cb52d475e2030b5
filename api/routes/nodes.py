"""``/api/nodes/{id}``: a node with its neighbours, and its neighbourhood as
GraphML (for Gephi, yEd or networkx)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from api.deps import AsyncGraphDep, GraphDep, Paging, ViewerToken
from api.models import NodeHistoryPublic, NodePublic
from api.routes.common import AUTH_RESPONSES, NOT_FOUND, json_response
from api.services import changes, nodes
from graph.schema import RelType

router = APIRouter(prefix="/nodes", tags=["nodes"], responses={**AUTH_RESPONSES, **NOT_FOUND})

NodeId = Annotated[str, Path(min_length=1, max_length=200, description="the node's id")]


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
    # On the event loop, its query merged with concurrent ones, its model
    # written in one step: one of the two routes other systems call most.
    found = await nodes.node(graph, token, node_id, page, rel_type=type, direction=direction)
    return json_response(found)


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
    text = nodes.node_graphml(graph, token, node_id, depth)
    return Response(
        text,
        media_type="application/graphml+xml",
        headers={"Content-Disposition": f'attachment; filename="{_safe(node_id)}.graphml"'},
    )


def _safe(text: str) -> str:
    """A file name from an id: letters, digits, ``-`` and ``_`` only."""
    cleaned = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in text)
    return cleaned[:60] or "node"


@router.get(
    "/{node_id}/history",
    response_model=NodeHistoryPublic,
    summary="节点变更历史 · A node's history",
)
def node_history(graph: GraphDep, token: ViewerToken, node_id: NodeId) -> NodeHistoryPublic:
    """Every recorded change to the node and to its relationships, oldest
    first: who made it, when, through what, and the properties before and
    after. Within the token's scope (a deleted node's history takes an
    unscoped token); viewers see personal data masked as on the node."""
    return changes.history(graph, token, node_id)
