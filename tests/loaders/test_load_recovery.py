"""A database that fails mid-load: running the same load again completes it
with exact counts; until then the graph says it is mid-load. The local Neo4j
of this test (its own throwaway home) is stopped, or killed, while a load is
writing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from graph.changes import CREATED_IN
from graph.connection import Graph, connect
from graph.errors import CivicGraphError
from graph.introspect import count_nodes, count_relationships, delete_everything
from graph.loadmark import read_mark
from graph.schema import Label, SystemLabel, quote_identifier
from graph.server.local import LocalNeo4j
from graph.settings import Settings
from loaders.load import load_workbook
from loaders.scenario import write_scenario
from tests.serving import throwaway_neo4j

CLI = [sys.executable, "-m", "api.cli"]


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalNeo4j]:
    home = tmp_path_factory.mktemp("recovery-home")
    with throwaway_neo4j(home, heap="1g", pagecache="256m") as server:
        yield server


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
        # Each batch wrote its records in its own transaction: what the
        # interrupted load created is exactly what its change set counts.
        assert_recorded_exactly(resumed)
        load_workbook(resumed, workbook)
        assert_recorded_exactly(resumed)
        completed = (count_nodes(resumed), count_relationships(resumed))
    finally:
        resumed.close()

    # The same workbook, loaded cleanly into the shared test database.
    delete_everything(graph)
    load_workbook(graph, workbook)
    assert completed == (count_nodes(graph), count_relationships(graph))
    assert partial[0] < completed[0]


def assert_recorded_exactly(graph: Graph) -> None:
    """Every entity stamped as created by a change set is counted by it, and
    every change set counts only the entities stamped with it."""
    stamped: dict[str, int] = {}
    for text in (
        f"MATCH (n) WHERE n.{CREATED_IN} IS NOT NULL RETURN n.{CREATED_IN} AS cs, count(*) AS n",
        f"MATCH ()-[r]->() WHERE r.{CREATED_IN} IS NOT NULL "
        f"RETURN r.{CREATED_IN} AS cs, count(*) AS n",
    ):
        for row in graph.query(text):
            stamped[row["cs"]] = stamped.get(row["cs"], 0) + row["n"]
    counted = {
        row["cs"]: row["created"]
        for row in graph.query(
            f"MATCH (cs:{quote_identifier(SystemLabel.CHANGE_SET)}) "
            "RETURN cs.changeset AS cs, cs.created AS created"
        )
    }
    assert stamped and stamped == counted


def _cli(local: LocalNeo4j, home: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    status = local.status()
    assert status.uri is not None
    environment = {
        **os.environ,
        "NEO4J_URI": status.uri,
        "NEO4J_PASSWORD": local.password(),
        "CIVICGRAPH_HOME": str(home),
    }
    return subprocess.run(
        [*CLI, *arguments], capture_output=True, text=True, env=environment, check=False
    )


@pytest.mark.slow
def test_a_killed_database_leaves_a_mark_that_every_answer_reports_until_recovered(
    local: LocalNeo4j, graph: Graph, tmp_path: Path
) -> None:
    workbook = tmp_path / "liangshan"
    write_scenario("liangshan", workbook)
    other = tmp_path / "other"
    write_scenario("wenshang", other)
    home = tmp_path / "home"
    watcher = _connect(local)
    delete_everything(watcher)
    status = local.status()
    assert status.uri is not None and status.pid is not None
    environment = {
        **os.environ,
        "NEO4J_URI": status.uri,
        "NEO4J_PASSWORD": local.password(),
        "CIVICGRAPH_HOME": str(home),
    }
    loading = subprocess.Popen(
        [*CLI, "load", str(workbook), "--replace", "--batch-size", "500"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    deadline = time.monotonic() + 120
    while count_nodes(watcher, Label.PERSON) < 1000 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(status.pid, signal.SIGKILL)
    _, stderr = loading.communicate(timeout=300)
    watcher.close()
    assert loading.returncode not in (0, None)
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("civicgraph: error:"), stderr

    local.start()
    resumed = _connect(local)
    try:
        mark = read_mark(resumed)
        assert mark is not None and mark.replace and not mark.running()
        partial = (count_nodes(resumed), count_relationships(resumed))
        # Every command says so, once, on standard error.
        stats = _cli(local, home, "stats", "--json")
        assert stats.returncode == 0 and "mid-load" in stats.stderr
        # A load that would neither finish nor replace it is refused whole.
        refused = _cli(local, home, "load", str(other))
        assert refused.returncode == 2 and "mid-load" in refused.stderr
        assert (count_nodes(resumed), count_relationships(resumed)) == partial
        recovered = _cli(local, home, "recover")
        assert recovered.returncode == 0, recovered.stderr
        assert "whole again" in recovered.stdout
        assert read_mark(resumed) is None
        completed = (count_nodes(resumed), count_relationships(resumed))
        clean = _cli(local, home, "stats")
        assert "mid-load" not in clean.stderr
    finally:
        resumed.close()

    delete_everything(graph)
    load_workbook(graph, workbook)
    assert completed == (count_nodes(graph), count_relationships(graph))
