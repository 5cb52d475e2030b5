"""A database that fails mid-load: running the same load again completes it
with exact counts. The local Neo4j of this test (its own throwaway home) is
stopped while a load is writing."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from graph.connection import Graph, connect
from graph.errors import CivicGraphError
from graph.introspect import count_nodes, count_relationships, delete_everything
from graph.schema import Label
from graph.server.local import LocalNeo4j
from graph.settings import Settings, get_settings
from loaders.load import load_workbook
from loaders.scenario import write_scenario


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalNeo4j]:
    server = LocalNeo4j(
        Settings(
            civicgraph_home=tmp_path_factory.mktemp("recovery-home"),
            civicgraph_cache=get_settings().civicgraph_cache,
            civicgraph_neo4j_heap="1g",
            civicgraph_neo4j_pagecache="256m",
        )
    )
    yield server
    server.stop()


def _connect(local: LocalNeo4j) -> Graph:
    status = local.start()
    assert status.uri is not None
    return connect(Settings(neo4j_uri=status.uri, neo4j_password=SecretStr(local.password())))


@pytest.mark.slow
def test_a_load_interrupted_by_a_stopped_database_completes_when_run_again(
    local: LocalNeo4j, graph: Graph, tmp_path: Path
) -> None:
    workbook = tmp_path / "liangshan"
    write_scenario("liangshan", workbook)
    interrupted = _connect(local)
    outcome: list[BaseException | None] = []

    def load() -> None:
        try:
            load_workbook(interrupted, workbook, batch_size=500)
            outcome.append(None)
        except CivicGraphError as error:
            outcome.append(error)

    loader = threading.Thread(target=load)
    loader.start()
    deadline = time.monotonic() + 120
    while count_nodes(interrupted, Label.PERSON) < 1000 and time.monotonic() < deadline:
        time.sleep(0.05)
    local.stop()
    loader.join(timeout=300)
    interrupted.close()

    assert outcome and outcome[0] is not None, "the load finished before the database stopped"

    resumed = _connect(local)
    try:
        partial = (count_nodes(resumed), count_relationships(resumed))
        load_workbook(resumed, workbook)
        completed = (count_nodes(resumed), count_relationships(resumed))
    finally:
        resumed.close()

    # The same workbook, loaded cleanly into the shared test database.
    delete_everything(graph)
    load_workbook(graph, workbook)
    assert completed == (count_nodes(graph), count_relationships(graph))
    assert partial[0] < completed[0]
