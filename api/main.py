"""The civicgraph web API (FastAPI): :func:`create_app` builds the app, opens
the one Neo4j connection in its lifespan and closes it on shutdown, installs
the error handlers and the security headers (:mod:`api.security`), and
includes the routers of :mod:`api.routes` that :data:`API_ROUTERS` and
:data:`SITE_ROUTERS` name.

Routes that query Neo4j are plain functions, run in a pool of
:data:`ROUTE_THREADS` threads; the dependencies that only read the request run
on the event loop. The two routes other systems call most (a node with its
neighbours, a need's candidates) run on the event loop themselves, on the
asynchronous connection the lifespan opens beside the other, and write their
JSON directly (:func:`api.routes.common.json_response`). Their concurrent
requests share merged queries (:meth:`graph.async_connection.AsyncGraph.query_merged`).

The API lives under ``/api``, the planners' pages at the site's root; the OpenAPI document is
``/api/openapi.json``. The site works offline: FastAPI's own documentation
pages load Swagger UI from a CDN, so they are turned off, and ``/api/docs``
serves Swagger UI from the ``swagger_ui_bundle`` package when it is installed
(otherwise a page that points to the OpenAPI document).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from uvicorn.config import STARTUP_FAILURE

from api.collector import steady_collector
from api.errors import install_error_handlers
from api.loadwatch import LoadWatch
from api.routes import (
    audit,
    changes,
    health,
    matching,
    needs,
    nodes,
    pages,
    search,
    session,
    static,
    stats,
    tokens,
    workbook,
)
from api.security import SecurityHeaders, csp_nonce
from api.session import Sessions
from api.tokens import TokenStore
from graph.connection import SERVER_BUDGET, Graph, connect
from graph.errors import CivicGraphError
from graph.settings import Settings, get_settings
from visualize.render import library_style_hashes

API_PREFIX = "/api"
"""Where the API lives."""

ROUTE_THREADS = 4
"""Threads per server process that run the routes (and so their Neo4j
queries). A few keep the process and Neo4j busy while others wait on the
network; many more, on a small machine, only make the threads take turns at
Python's interpreter lock and Neo4j juggle more transactions at once."""

OPENAPI_URL = f"{API_PREFIX}/openapi.json"
DOCS_URL = f"{API_PREFIX}/docs"

TAGS: list[dict[str, Any]] = [
    {"name": "health", "description": "健康检查 · Health: is the API up, does Neo4j answer."},
    {"name": "stats", "description": "统计 · Counts by label, level, kind and post."},
    {
        "name": "nodes",
        "description": "节点 · A node with its neighbours; its neighbourhood as GraphML.",
    },
    {"name": "search", "description": "搜索 · Nodes by a part of their name, or by id."},
    {
        "name": "audit",
        "description": "治理体检 · The governance audit (G01–G20) and the community scorecard.",
    },
    {
        "name": "matching",
        "description": "匹配 · Candidates, escalation routes, assignment, projects and KPIs.",
    },
    {
        "name": "needs",
        "description": "需求 · Register, change, assign and resolve residents' needs.",
    },
    {
        "name": "workbook",
        "description": "工作簿 · Upload a workbook (CSV files zipped, or an .xlsx).",
    },
    {"name": "tokens", "description": "令牌 · API tokens: roles and scopes (admins)."},
    {
        "name": "changes",
        "description": "变更记录 · Every write recorded: who, when, through what; a node's "
        "history; reverting a write.",
    },
]

DESCRIPTION = """\
党建引领基层治理组织图谱 · The organization graph of party-building-led community
governance: explore the network, match resident needs to resources, audit the gaps.

**Tokens (访问令牌).** Every route but `/api/health` takes `Authorization: Bearer <token>`
(`civicgraph token create --role viewer|editor|admin [--scope STREET_OR_COMMUNITY_ID]`).
`viewer` reads, with personal data masked (phone `138****0001`, names `张**`);
`editor` also changes needs and runs the assignment; `admin` also uploads
workbooks and manages tokens. A scoped token sees only its street or community:
anything outside it answers 404.

**Errors** are JSON `{"error", "detail"}`: 400 bad input, 401 no or unknown token,
403 role too low, 404 not found (or outside the scope), 409 conflict, 422 invalid
request or rejected workbook (with every problem). Lists are paged with `offset`
and `limit` (at most 500) and answer `{items, total, offset, limit}`.
"""


API_ROUTERS: tuple[APIRouter, ...] = (
    nodes.router,
    matching.router,
    audit.router,
    changes.router,
    health.router,
    needs.router,
    search.router,
    stats.router,
    tokens.router,
    workbook.router,
)
"""The API's routers, under :data:`API_PREFIX`. The two other systems call
most (nodes, matching) come first: a request is matched against the routes
in the order they were included."""

SITE_ROUTERS: tuple[APIRouter, ...] = (pages.router, session.router, static.router)
"""The planners' pages, the token form and the static scripts, at the site's root."""


def swagger_ui_folder() -> Path | None:
    """The Swagger UI files of the ``swagger_ui_bundle`` package, if installed."""
    try:
        bundle = importlib.import_module("swagger_ui_bundle")
    except ImportError:
        return None
    folder = Path(str(getattr(bundle, "swagger_ui_path", "")))
    return folder if (folder / "swagger-ui-bundle.js").is_file() else None


def _add_docs(app: FastAPI) -> None:
    folder = swagger_ui_folder()
    if folder is not None:
        app.mount(f"{DOCS_URL}/static", StaticFiles(directory=folder), name="swagger-ui")

    @app.get(DOCS_URL, include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        if folder is None:
            return HTMLResponse(
                "<!doctype html><meta charset=utf-8><title>civicgraph API</title>"
                f'<p>API 文档 · The API is described by <a href="{OPENAPI_URL}">{OPENAPI_URL}</a>. '
                "Install the <code>swagger-ui-bundle</code> package for an interactive page.</p>"
            )
        page = get_swagger_ui_html(
            openapi_url=OPENAPI_URL,
            title="civicgraph API",
            swagger_js_url=f"{DOCS_URL}/static/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_URL}/static/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_URL}/static/favicon-32x32.png",
        )
        # Its one inline script runs under the page's policy by the nonce.
        html = bytes(page.body).decode("utf-8")
        nonce = csp_nonce(request.state) or ""
        return HTMLResponse(html.replace("<script>", f'<script nonce="{nonce}">'))


def create_app(
    settings: Settings | None = None, *, graph: Graph | None = None, owns_graph: bool = False
) -> FastAPI:
    """Build the API.

    Args:
        settings: the settings (the process's own by default): where Neo4j
            is, and ``$CIVICGRAPH_HOME`` with the token file.
        graph: an open connection to use instead of opening one (it is then
            left open on shutdown: its owner closes it). A server's should
            have :data:`graph.connection.SERVER_BUDGET`.
        owns_graph: close ``graph`` on shutdown all the same, as if the app
            had opened it.

    Returns:
        The app; its lifespan opens the connection (starting the local Neo4j
        when ``NEO4J_URI`` is unset) with a server's budget, and closes it on
        shutdown.
    """
    chosen = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = graph is None or owns_graph
        # A server's budget: with Neo4j down, a request answers 503 at once
        # rather than wait the half-minute a batch job would.
        app.state.graph = connect(chosen, budget=SERVER_BUDGET) if graph is None else graph
        app.state.async_graph = app.state.graph.open_async()
        anyio.to_thread.current_default_thread_limiter().total_tokens = ROUTE_THREADS
        watching = asyncio.create_task(app.state.load_watch.run(app.state.async_graph))
        try:
            yield
        finally:
            watching.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watching
            await app.state.async_graph.close()
            app.state.async_graph = None
            if owned:
                app.state.graph.close()

    app = FastAPI(
        title="civicgraph API",
        summary="党建引领基层治理组织图谱 · community governance organization graph",
        description=DESCRIPTION,
        version="0.1.0",
        openapi_url=OPENAPI_URL,
        openapi_tags=TAGS,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = chosen
    if graph is not None:
        # Set at once, so that clients that skip the lifespan (test clients) find it.
        app.state.graph = graph
    app.state.tokens = TokenStore.for_settings(chosen)
    app.state.sessions = Sessions(chosen.civicgraph_home)
    app.state.load_watch = LoadWatch()
    install_error_handlers(app)
    for router in API_ROUTERS:
        app.include_router(router, prefix=API_PREFIX)
    for router in SITE_ROUTERS:
        app.include_router(router)
    _add_docs(app)
    app.add_middleware(
        SecurityHeaders,
        style_hashes=library_style_hashes(),
        extra=app.state.load_watch.headers,
    )
    return app


def create_served_app() -> FastAPI:
    """The app as each process of ``civicgraph serve`` runs it: built from
    the settings of the environment, on a connection with a server's budget,
    then the objects it holds for good left out of every collection of
    Python's garbage collector (:func:`api.collector.steady_collector`).

    The connection is opened here rather than in the lifespan: a lifespan
    that fails is logged with its traceback, and a database that cannot be
    reached is one line. The process then exits with uvicorn's startup
    failure status, on which uvicorn's supervisor stops rather than start
    the process again and again.
    """
    try:
        graph = connect(budget=SERVER_BUDGET)
    except CivicGraphError as error:
        sys.stderr.write(f"civicgraph: error: {' '.join(str(error).split())}\n")
        raise SystemExit(STARTUP_FAILURE) from error
    app = create_app(graph=graph, owns_graph=True)
    steady_collector()
    return app
