"""``GET /api/search``: nodes by a part of their name (Chinese or not), or by id."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import GraphDep, Paging, ViewerToken
from api.models import PlainText, SearchHitsPublic
from api.routes.common import AUTH_RESPONSES
from api.services import nodes
from graph.schema import Label

router = APIRouter(prefix="/search", tags=["search"], responses=AUTH_RESPONSES)


@router.get("", response_model=SearchHitsPublic, summary="搜索 · Search by name or id")
def search(
    graph: GraphDep,
    token: ViewerToken,
    page: Paging,
    q: Annotated[
        PlainText,
        Query(
            min_length=1,
            max_length=200,
            description="a part of a name (如意, 党支部 …) or an exact id",
            examples=["如意"],
        ),
    ],
    label: Annotated[Label | None, Query(description="only nodes with this label")] = None,
) -> SearchHitsPublic:
    """Nodes whose name contains ``q`` (through the full-text index, ``cjk``
    analyzer), and the node whose id is ``q``; an id match first, then by
    relevance. Units and needs are found by id only. Within the token's scope.
    A viewer finds people by id and by the masked form of their name
    (``刘**``) only, never by their name."""
    return nodes.search(graph, token, q, page, label)
