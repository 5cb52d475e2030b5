"""What the API's routes take as dependencies: the graph connection, the
caller's token and role, the page asked for, and the caller's scope applied to
the filters a route is given.

``GraphDep`` is the process's connection, opened in the app's lifespan;
``AsyncGraphDep`` its asynchronous twin, for the routes that run on the event
loop.
``ViewerToken``, ``EditorToken`` and ``AdminToken`` admit a bearer token of at
least that role (no token or an unknown one: 401; a lesser role: 403).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request, Security
from fastapi.openapi.models import HTTPBearer as HTTPBearerModel
from fastapi.security.base import SecurityBase
from pydantic import BaseModel

from api.errors import ForbiddenError, UnauthorizedError
from api.tokens import ApiToken, Role, TokenStore
from graph.async_connection import AsyncGraph
from graph.changes import Actor, ChangeContext
from graph.connection import Graph
from graph.errors import NotFoundError
from graph.settings import Settings
from queries.nodes import MAX_PAGE, visible_nodes

T = TypeVar("T")


async def get_graph(request: Request) -> Graph:
    """The connection the app opened at startup."""
    graph: Graph = request.app.state.graph
    return graph


async def get_async_graph(request: Request) -> AsyncGraph:
    """The asynchronous connection the app's lifespan opened.

    Raises:
        RuntimeError: the lifespan has not run (a test client used without
            ``with``).
    """
    graph: AsyncGraph | None = getattr(request.app.state, "async_graph", None)
    if graph is None:
        raise RuntimeError("the app's lifespan has not run: no asynchronous connection")
    return graph


async def get_settings(request: Request) -> Settings:
    """The settings the app was made with."""
    settings: Settings = request.app.state.settings
    return settings


async def get_token_store(request: Request) -> TokenStore:
    """The token file of ``$CIVICGRAPH_HOME``."""
    store: TokenStore = request.app.state.tokens
    return store


GraphDep = Annotated[Graph, Depends(get_graph)]
AsyncGraphDep = Annotated[AsyncGraph, Depends(get_async_graph)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
TokenStoreDep = Annotated[TokenStore, Depends(get_token_store)]


class TokenCheck(SecurityBase):
    """The ``Authorization: Bearer`` token of a request, checked against the
    token file, admitted when its role is at least ``role``.

    It is the whole check in one dependency, and FastAPI documents it as the
    ``token`` bearer scheme. The same check as a dependency on ``HTTPBearer``
    cost 15 to 20 µs more per request, on a route that takes about 750 µs.
    """

    def __init__(self, role: Role) -> None:
        self.model = HTTPBearerModel(
            description=(
                "A token from `civicgraph token create` (访问令牌): `Authorization: Bearer cg_…`"
            )
        )
        self.scheme_name = "token"
        self.role = role

    async def __call__(self, request: Request) -> ApiToken:
        """The caller's token.

        Raises:
            UnauthorizedError: no bearer token, or an unknown or revoked one.
            ForbiddenError: the token's role is below :attr:`role`.
        """
        scheme, _, clear = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not clear.strip():
            raise UnauthorizedError("no token: send Authorization: Bearer <token>")
        store: TokenStore = request.app.state.tokens
        token = store.verify(clear.strip())
        if token is None:
            raise UnauthorizedError("unknown or revoked token")
        if not token.role.allows(self.role):
            raise ForbiddenError(
                f"a {token.role.value} token may not do this: {self.role.value} needed"
            )
        return token


ViewerToken = Annotated[ApiToken, Security(TokenCheck(Role.VIEWER))]
EditorToken = Annotated[ApiToken, Security(TokenCheck(Role.EDITOR))]
AdminToken = Annotated[ApiToken, Security(TokenCheck(Role.ADMIN))]


@dataclass(frozen=True)
class PageParams:
    """The page a list is asked for.

    Attributes:
        offset: how many items to skip.
        limit: how many items to give, at most :data:`queries.nodes.MAX_PAGE`.
    """

    offset: int
    limit: int

    def slice(self, items: list[T]) -> list[T]:
        """This page of a list held whole."""
        return items[self.offset : self.offset + self.limit]


async def page_params(
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="items to skip")] = 0,
    limit: Annotated[
        int, Query(ge=1, le=MAX_PAGE, description=f"items per page (at most {MAX_PAGE})")
    ] = 50,
) -> PageParams:
    """The ``offset`` and ``limit`` query parameters."""
    return PageParams(offset=offset, limit=limit)


Paging = Annotated[PageParams, Depends(page_params)]

PageT = TypeVar("PageT", bound=BaseModel)


def paged(model: type[PageT], document: Mapping[str, Any], whole: str, page: PageParams) -> PageT:
    """A page of a document: its list ``whole`` cut to the page as ``items``
    (with ``total``, ``offset`` and ``limit``), its other fields as they are.

    The document is a record's ``to_json`` — DESIGN's shape, the whole list
    under DESIGN's name — so that the API's page and the command line's
    ``--json`` are made from one mapping.
    """
    items = list(document[whole])
    rest = {key: value for key, value in document.items() if key != whole}
    return model.model_validate(
        {
            **rest,
            "items": page.slice(items),
            "total": len(items),
            "offset": page.offset,
            "limit": page.limit,
        }
    )


def api_change(token: ApiToken, request: Request) -> ChangeContext:
    """Who writes through this request (the token's id and name) and how
    (``api POST /api/needs``): the change set it is recorded as."""
    return ChangeContext(
        actor=Actor(id=token.id, name=token.name),
        via=f"api {request.method} {request.url.path}",
    )


def masked(token: ApiToken) -> bool:
    """Whether the caller sees personal data masked (viewers do)."""
    return token.role is Role.VIEWER


@dataclass(frozen=True)
class AreaFilter:
    """The community and street a report is limited to, after the caller's
    scope is applied.

    Attributes:
        community_id: one community only.
        street_id: one street only.
    """

    community_id: str | None
    street_id: str | None


def scoped_area(
    graph: Graph, token: ApiToken, community_id: str | None, street_id: str | None = None
) -> AreaFilter:
    """The filters a route was given, narrowed to the token's scope.

    A scoped token's own street or community becomes a filter; a filter it
    gives must lie within its scope, else it is reported as not found.

    Raises:
        NotFoundError: a filter names a place outside the token's scope.
    """
    if token.scope_id is None:
        return AreaFilter(community_id, street_id)
    for place_id, what in ((community_id, "community"), (street_id, "street")):
        if place_id is not None and "Place" not in visible_nodes(
            graph, [place_id], token.scope_id
        ).get(place_id, []):
            raise NotFoundError(place_id, what)
    if token.scope_kind == "community":
        return AreaFilter(token.scope_id, street_id)
    return AreaFilter(community_id, token.scope_id)
