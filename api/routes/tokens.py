"""``/api/tokens``: list, create and revoke API tokens (unscoped admins only).
A new token's secret is in the answer to its creation, and nowhere else."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from api.deps import AdminToken, GraphDep, Paging, TokenStoreDep
from api.errors import ForbiddenError
from api.models import TokenCreate, TokenCreated, TokenPublic, TokensPublic
from api.routes.common import AUTH_RESPONSES, NOT_FOUND
from api.tokens import ApiToken
from graph.errors import NotFoundError
from queries.nodes import scope_place

router = APIRouter(prefix="/tokens", tags=["tokens"], responses={**AUTH_RESPONSES, **NOT_FOUND})


def _unscoped(token: ApiToken) -> None:
    if token.scope_id is not None:
        raise ForbiddenError("tokens are managed with an unscoped admin token")


@router.get("", response_model=TokensPublic, summary="令牌列表 · Tokens")
def list_tokens(token: AdminToken, store: TokenStoreDep, page: Paging) -> TokensPublic:
    """Every token, oldest first, without secrets."""
    _unscoped(token)
    tokens = [TokenPublic(**entry.public_json()) for entry in store.tokens()]
    return TokensPublic(
        items=page.slice(tokens), total=len(tokens), offset=page.offset, limit=page.limit
    )


@router.post(
    "",
    response_model=TokenCreated,
    status_code=status.HTTP_201_CREATED,
    summary="新建令牌 · Create a token",
)
def create_token(
    graph: GraphDep, token: AdminToken, store: TokenStoreDep, request: TokenCreate
) -> TokenCreated:
    """A new token with a role and, optionally, a street or community scope;
    the answer holds its secret, shown this once."""
    _unscoped(token)
    scope_kind = None
    if request.scope_id is not None:
        place = scope_place(graph, request.scope_id)
        if place is None:
            raise NotFoundError(request.scope_id, "street or community")
        scope_kind = place.kind
    made, clear = store.create(
        request.role, scope_id=request.scope_id, scope_kind=scope_kind, name=request.name
    )
    return TokenCreated(**made.public_json(), token=clear)


@router.delete("/{token_id}", response_model=TokenPublic, summary="吊销令牌 · Revoke a token")
def revoke_token(
    token: AdminToken,
    store: TokenStoreDep,
    token_id: Annotated[str, Path(min_length=1, max_length=100)],
) -> TokenPublic:
    """Delete a token; it stops working at once."""
    _unscoped(token)
    return TokenPublic(**store.revoke(token_id).public_json())
