"""``/api/needs``: register, read, change, assign and resolve one need at a
time (需求登记、修改、派单、办结). Reading takes a viewer token; every change
an editor's, within the token's scope (:mod:`api.services.needs`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, status

from api.deps import EditorToken, GraphDep, ViewerToken, api_change
from api.models import NeedAssign, NeedCreate, NeedPublic, NeedResolve, NeedUpdate
from api.routes.common import AUTH_RESPONSES, BAD_REQUEST, CONFLICT, NOT_FOUND
from api.services import needs

router = APIRouter(
    prefix="/needs",
    tags=["needs"],
    responses={**AUTH_RESPONSES, **NOT_FOUND, **BAD_REQUEST, **CONFLICT},
)

NeedId = Annotated[str, Path(min_length=1, max_length=200, description="the need's id")]


@router.post(
    "",
    response_model=NeedPublic,
    status_code=status.HTTP_201_CREATED,
    summary="登记需求 · Register a need",
)
def create(graph: GraphDep, token: EditorToken, need: NeedCreate, request: Request) -> NeedPublic:
    """A new need, open, raised in a place (within the token's scope) and in
    a category; its id is made when none is given."""
    return needs.create(graph, token, need, api_change(token, request))


@router.get("/{need_id}", response_model=NeedPublic, summary="查看需求 · A need")
def read(graph: GraphDep, token: ViewerToken, need_id: NeedId) -> NeedPublic:
    """The need with its place, category and assignment."""
    return needs.read(graph, token, need_id)


@router.patch("/{need_id}", response_model=NeedPublic, summary="修改需求 · Change a need")
def update(
    graph: GraphDep, token: EditorToken, need_id: NeedId, change: NeedUpdate, request: Request
) -> NeedPublic:
    """Change the title, urgency, category or status. ``open`` drops the
    assignment and the resolution; ``assigned`` needs an assignment;
    ``resolved`` records today unless a day is already recorded."""
    return needs.update(graph, token, need_id, change, api_change(token, request))


@router.post("/{need_id}/assign", response_model=NeedPublic, summary="派单 · Assign a need")
def assign(
    graph: GraphDep, token: EditorToken, need_id: NeedId, body: NeedAssign, request: Request
) -> NeedPublic:
    """Assign the need to a resource that is one of its candidates with room
    left (409 when it is full or not a candidate; 404 when it does not exist
    in the token's scope)."""
    return needs.assign(graph, token, need_id, body.resource_id, api_change(token, request))


@router.post("/{need_id}/resolve", response_model=NeedPublic, summary="办结 · Resolve a need")
def resolve(
    graph: GraphDep, token: EditorToken, need_id: NeedId, body: NeedResolve, request: Request
) -> NeedPublic:
    """Mark the need resolved on a day (today by default) with the resident's
    satisfaction, 1 to 5 (409 when it is already resolved)."""
    return needs.resolve(graph, token, need_id, body, api_change(token, request))
