"""API tokens (访问令牌), managed by unscoped admins: the token file's
entries as answered, never with their hash."""

from __future__ import annotations

from api.deps import PageParams
from api.errors import ForbiddenError
from api.models import TokenCreate, TokenCreated, TokenPublic, TokensPublic
from api.tokens import ApiToken, TokenStore
from graph.connection import Graph
from graph.errors import NotFoundError
from queries.nodes import scope_place


def token_public(entry: ApiToken) -> TokenPublic:
    """A token without its secret or its hash."""
    return TokenPublic(
        id=entry.id,
        name=entry.name,
        role=entry.role,
        scope_id=entry.scope_id,
        scope_kind=entry.scope_kind,
        created=entry.created,
    )


def token_created(entry: ApiToken, clear: str) -> TokenCreated:
    """A token just made, with its clear secret (shown this once)."""
    return TokenCreated(**dict(token_public(entry)), token=clear)


def _unscoped(token: ApiToken) -> None:
    if token.scope_id is not None:
        raise ForbiddenError("tokens are managed with an unscoped admin token")


def list_tokens(store: TokenStore, token: ApiToken, page: PageParams) -> TokensPublic:
    """A page of every token, oldest first.

    Raises:
        ForbiddenError: the caller's token is scoped.
    """
    _unscoped(token)
    entries = [token_public(entry) for entry in store.tokens()]
    return TokensPublic(
        items=page.slice(entries), total=len(entries), offset=page.offset, limit=page.limit
    )


def create_token(
    graph: Graph, store: TokenStore, token: ApiToken, request: TokenCreate
) -> TokenCreated:
    """A new token, with a role and optionally a street or community scope.

    Raises:
        ForbiddenError: the caller's token is scoped.
        NotFoundError: the scope names no street or community.
    """
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
    return token_created(made, clear)


def revoke_token(store: TokenStore, token: ApiToken, token_id: str) -> TokenPublic:
    """Delete a token; it stops working at once.

    Raises:
        ForbiddenError: the caller's token is scoped.
        NotFoundError: no token has the id.
    """
    _unscoped(token)
    return token_public(store.revoke(token_id))
