"""Fixtures shared by every test: the connection to the real Neo4j that
``make test`` starts (the local one on a throwaway home, or ``NEO4J_URI``),
and the graph holding the jining scenario."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest

from graph.connection import Graph, connect
from graph.ddl import ensure_schema
from graph.introspect import delete_everything
from loaders.load import load_workbook
from loaders.scenario import write_scenario


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


@pytest.fixture(scope="module")
def jining(graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Graph:
    """The connection, holding the jining scenario and nothing else; loaded
    once per test module that asks for it."""
    folder = tmp_path_factory.mktemp("jining")
    write_scenario("jining", folder)
    delete_everything(graph)
    load_workbook(graph, folder)
    return graph


@pytest.fixture()
def dead_pid() -> int:
    """The id of a process that has exited."""
    probe = subprocess.Popen(["true"])
    probe.wait()
    return probe.pid
