"""``/api/changes``: the change sets (变更记录, 操作日志), newest first, and
reverting one (撤销). The log spans every place: listing takes an unscoped
editor's token, reverting an unscoped admin's."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from api.deps import AdminToken, EditorToken, GraphDep, api_change
from api.models import ChangesPublic, RevertPublic
from api.routes.common import AUTH_RESPONSES, CONFLICT, NOT_FOUND
from api.services import changes
from queries.changes import MAX_CHANGE_SETS

router = APIRouter(prefix="/changes", tags=["changes"], responses=AUTH_RESPONSES)


@router.get(
    "", response_model=ChangesPublic, summary="变更记录 · The change sets", responses=NOT_FOUND
)
def list_changes(
    graph: GraphDep,
    token: EditorToken,
    since: Annotated[date | None, Query(description="made on or after this day (UTC)")] = None,
    until: Annotated[date | None, Query(description="made on or before this day (UTC)")] = None,
    actor: Annotated[str | None, Query(max_length=200, description="an actor's id or name")] = None,
    community_id: Annotated[
        str | None,
        Query(max_length=200, description="only those that touched this community (or street)"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_CHANGE_SETS)] = 100,
) -> ChangesPublic:
    """Each write — a load, an API request, an ``assign --apply``, a revert —
    with when, who, through what, and how many entities it created, updated
    and deleted; newest first."""
    return changes.changes(
        graph, token, since=since, until=until, actor=actor, place_id=community_id, limit=limit
    )


@router.post(
    "/{changeset}/revert",
    response_model=RevertPublic,
    summary="撤销变更 · Revert a change set",
    responses={**NOT_FOUND, **CONFLICT},
)
def revert(
    graph: GraphDep,
    token: AdminToken,
    request: Request,
    changeset: Annotated[str, Path(min_length=1, max_length=200)],
) -> RevertPublic:
    """Restore the graph as it was before the change set, recorded as a change
    set of its own; 409, changing nothing, when later change sets touched the
    same entities (they are named)."""
    return changes.revert(graph, token, changeset, api_change(token, request))
