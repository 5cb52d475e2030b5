"""Residents' needs one at a time (需求登记、修改、派单、办结), within the
caller's scope; viewers read need titles masked."""

from __future__ import annotations

from api.deps import masked
from api.errors import BadRequestError
from api.models import NeedCreate, NeedPublic, NeedResolve, NeedUpdate
from api.tokens import ApiToken
from graph.changes import ChangeContext
from graph.connection import Graph
from queries.masking import mask_need
from queries.needs import NeedRecord, assign_need, create_need, get_need, resolve_need, update_need


def need_public(record: NeedRecord, *, hide: bool = False) -> NeedPublic:
    """A need as answered; ``hide``: as a viewer sees it."""
    return NeedPublic(mask_need(record) if hide else record)


def read(graph: Graph, token: ApiToken, need_id: str) -> NeedPublic:
    """A need in the token's scope.

    Raises:
        NotFoundError: no need has the id, or it lies outside the scope.
    """
    return need_public(get_need(graph, need_id, token.scope_id), hide=masked(token))


def create(graph: Graph, token: ApiToken, need: NeedCreate, context: ChangeContext) -> NeedPublic:
    """Register a need, open, in a place within the token's scope."""
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
        context=context,
    )
    return need_public(record, hide=masked(token))


def update(
    graph: Graph, token: ApiToken, need_id: str, change: NeedUpdate, context: ChangeContext
) -> NeedPublic:
    """Change a need's title, urgency, category or status.

    Raises:
        BadRequestError: the change names nothing to change.
    """
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
        context=context,
    )
    return need_public(record, hide=masked(token))


def assign(
    graph: Graph, token: ApiToken, need_id: str, resource_id: str, context: ChangeContext
) -> NeedPublic:
    """Assign a need to one of its candidates with room left (the API's
    assign and the need page's assign button)."""
    record = assign_need(graph, need_id, resource_id, token.scope_id, context=context)
    return need_public(record, hide=masked(token))


def resolve(
    graph: Graph, token: ApiToken, need_id: str, body: NeedResolve, context: ChangeContext
) -> NeedPublic:
    """Resolve a need on a day (today by default) with the resident's satisfaction."""
    record = resolve_need(
        graph,
        need_id,
        satisfaction=body.satisfaction,
        resolved_on=body.resolved_on,
        scope_id=token.scope_id,
        context=context,
    )
    return need_public(record, hide=masked(token))
