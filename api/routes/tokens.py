"""``/api/tokens``: list, create and revoke API tokens (unscoped admins only).
A new token's secret is in the answer to its creation, and nowhere else."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from api.deps import AdminToken, GraphDep, Paging, TokenStoreDep
from api.models import TokenCreate, TokenCreated, TokenPublic, TokensPublic
from api.routes.common import AUTH_RESPONSES, NOT_FOUND
from api.services import tokens as token_service

router = APIRouter(prefix="/tokens", tags=["tokens"], responses={**AUTH_RESPONSES, **NOT_FOUND})


@router.get("", response_model=TokensPublic, summary="令牌列表 · Tokens")
def list_tokens(token: AdminToken, store: TokenStoreDep, page: Paging) -> TokensPublic:
    """Every token, oldest first, without secrets."""
    return token_service.list_tokens(store, token, page)


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
    return token_service.create_token(graph, store, token, request)


@router.delete("/{token_id}", response_model=TokenPublic, summary="吊销令牌 · Revoke a token")
def revoke_token(
    token: AdminToken,
    store: TokenStoreDep,
    token_id: Annotated[str, Path(min_length=1, max_length=100)],
) -> TokenPublic:
    """Delete a token; it stops working at once."""
    return token_service.revoke_token(store, token, token_id)
