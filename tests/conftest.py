"""Fixtures shared by every test: the connection to the real Neo4j that
``make test`` starts (the local one on a throwaway home, or ``NEO4J_URI``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from graph.connection import Graph, connect
from graph.ddl import ensure_schema
from graph.introspect import delete_everything


@pytest.fixture(scope="session")
def graph() -> Iterator[Graph]:
    """The session's connection; the schema is ensured once."""
    connection = connect()
    ensure_schema(connection)
    yield connection
    connection.close()


@pytest.fixture()
def empty_graph(graph: Graph) -> Graph:
    """The connection, with every node and relationship deleted first."""
    delete_everything(graph)
    return graph
