"""Fixtures of the API tests: the ``small`` workbook loaded into the real
Neo4j, the app on that connection with a throwaway token file, and a token of
each role — unscoped, scoped to community ``C01`` and to street ``S01``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Browser

from api.main import create_app
from api.session import cookie_name
from api.tokens import Role, TokenStore
from graph.connection import Graph
from graph.introspect import count_nodes, count_relationships, delete_everything
from graph.settings import Settings, get_settings
from loaders.load import load_workbook
from tests.browser import headless_chromium

SMALL = Path(__file__).resolve().parents[1] / "data" / "small"


def load_small(graph: Graph) -> None:
    """Make the graph exactly the ``small`` workbook (and the taxonomy)."""
    delete_everything(graph)
    load_workbook(graph, SMALL)


def graph_counts(graph: Graph) -> tuple[int, int]:
    """Nodes and relationships in the whole graph."""
    return count_nodes(graph), count_relationships(graph)


@dataclass(frozen=True)
class Tokens:
    """A clear token of each kind the tests use."""

    admin: str
    editor: str
    viewer: str
    viewer_c01: str
    editor_c01: str
    viewer_s01: str
    editor_s01: str
    admin_c01: str


def page_cookie(app: FastAPI) -> str:
    """The cookie the pages of ``app`` keep the token in, under the test
    client (which takes every request on port 80)."""
    return cookie_name(app.state.settings.civicgraph_home, 80)


def auth(token: str) -> dict[str, str]:
    """The header that presents a token."""
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="session")
def token_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throwaway ``$CIVICGRAPH_HOME`` for the token file."""
    return tmp_path_factory.mktemp("api-home")


@pytest.fixture(scope="session")
def api_settings(token_home: Path) -> Settings:
    """The process's settings with the throwaway home (the database is the
    session's connection, passed to the app)."""
    return get_settings().model_copy(update={"civicgraph_home": token_home})


@pytest.fixture(scope="session")
def tokens(api_settings: Settings) -> Tokens:
    """One token of each role and scope."""
    store = TokenStore.for_settings(api_settings)

    def make(role: Role, scope: str | None = None, kind: str | None = None) -> str:
        return store.create(role, scope_id=scope, scope_kind=kind, name="test")[1]

    return Tokens(
        admin=make(Role.ADMIN),
        editor=make(Role.EDITOR),
        viewer=make(Role.VIEWER),
        viewer_c01=make(Role.VIEWER, "C01", "community"),
        editor_c01=make(Role.EDITOR, "C01", "community"),
        viewer_s01=make(Role.VIEWER, "S01", "street"),
        editor_s01=make(Role.EDITOR, "S01", "street"),
        admin_c01=make(Role.ADMIN, "C01", "community"),
    )


@pytest.fixture(scope="session")
def app(graph: Graph, api_settings: Settings) -> FastAPI:
    """The API on the session's connection."""
    return create_app(api_settings, graph=graph)


@pytest.fixture(scope="session")
def client(app: FastAPI) -> Iterator[TestClient]:
    """A test client of the API (its lifespan run once)."""
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium, for the module's browser tests."""
    with headless_chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def small(graph: Graph) -> Graph:
    """The graph holding the ``small`` workbook, loaded once per module (for
    tests that only read)."""
    load_small(graph)
    return graph


@pytest.fixture()
def fresh(graph: Graph) -> Graph:
    """The graph holding the ``small`` workbook, loaded again for this test
    (for tests that write)."""
    load_small(graph)
    return graph
