"""``/api/needs``: register, read, change, assign and resolve one need at a
time (需求登记、修改、派单、办结). Reading takes a viewer token; every change
an editor's, within the token's scope."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from api.deps import EditorToken, GraphDep, ViewerToken, masked
from api.errors import BadRequestError
from api.models import NeedAssign, NeedCreate, NeedPublic, NeedResolve, NeedUpdate
from api.routes.common import AUTH_RESPONSES, BAD_REQUEST, CONFLICT, NOT_FOUND
from queries.masking import mask_text
from queries.needs import NeedRecord, assign_need, create_need, get_need, resolve_need, update_need

router = APIRouter(
    prefix="/needs",
    tags=["needs"],
    responses={**AUTH_RESPONSES, **NOT_FOUND, **BAD_REQUEST, **CONFLICT},
)

NeedId = Annotated[str, Path(min_length=1, max_length=200, description="the need's id")]


def _public(record: NeedRecord, hide: bool = False) -> NeedPublic:
    values = record.to_json()
    if hide:
        values["title"] = mask_text(record.title)
    return NeedPublic(**values)


@router.post(
    "",
    response_model=NeedPublic,
    status_code=status.HTTP_201_CREATED,
    summary="登记需求 · Register a need",
)
def create(graph: GraphDep, token: EditorToken, need: NeedCreate) -> NeedPublic:
    """A new need, open, raised in a place (within the token's scope) and in
    a category; its id is made when none is given."""
    record = create_need(
        graph,
        title=need.title,
        kind=need.kind,
        category_id=need.category_id,
        place_id=need.place_id,
        urgency=need.urgency,
        raised_on=need.raised_on,
        need_id=need.id,
        scope_id=token.scope_id,
    )
    return _public(record)


@router.get("/{need_id}", response_model=NeedPublic, summary="查看需求 · A need")
def read(graph: GraphDep, token: ViewerToken, need_id: NeedId) -> NeedPublic:
    """The need with its place, category and assignment."""
    return _public(get_need(graph, need_id, token.scope_id), masked(token))


@router.patch("/{need_id}", response_model=NeedPublic, summary="修改需求 · Change a need")
def update(graph: GraphDep, token: EditorToken, need_id: NeedId, change: NeedUpdate) -> NeedPublic:
    """Change the title, urgency, category or status. ``open`` drops the
    assignment and the resolution; ``assigned`` needs an assignment;
    ``resolved`` records today unless a day is already recorded."""
    if not change.model_fields_set or all(
        getattr(change, field) is None for field in change.model_fields_set
    ):
        raise BadRequestError("nothing to change: give title, urgency, category_id or status")
    record = update_need(
        graph,
        need_id,
        title=change.title,
        urgency=change.urgency,
        category_id=change.category_id,
        status=change.status,
        scope_id=token.scope_id,
    )
    return _public(record)


@router.post("/{need_id}/assign", response_model=NeedPublic, summary="派单 · Assign a need")
def assign(graph: GraphDep, token: EditorToken, need_id: NeedId, body: NeedAssign) -> NeedPublic:
    """Assign the need to a resource that is one of its candidates with room
    left (409 when it is full or not a candidate; 404 when it does not exist
    in the token's scope)."""
    return _public(assign_need(graph, need_id, body.resource_id, token.scope_id))


@router.post("/{need_id}/resolve", response_model=NeedPublic, summary="办结 · Resolve a need")
def resolve(graph: GraphDep, token: EditorToken, need_id: NeedId, body: NeedResolve) -> NeedPublic:
    """Mark the need resolved on a day (today by default) with the resident's
    satisfaction, 1 to 5 (409 when it is already resolved)."""
    record = resolve_need(
        graph,
        need_id,
        satisfaction=body.satisfaction,
        resolved_on=body.resolved_on,
        scope_id=token.scope_id,
    )
    return _public(record)
