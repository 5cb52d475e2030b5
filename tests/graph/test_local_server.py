"""The local Neo4j's life cycle, on a throwaway home of its own (the shared
test database is not touched): start, reuse, stop, restart with the data kept,
crash recovery, a taken port, authentication, and a missing Java."""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from graph.connection import connect
from graph.errors import AuthenticationError, SetupError
from graph.introspect import check_nodes
from graph.schema import Label
from graph.server.local import LocalNeo4j, find_java
from graph.settings import Settings, get_settings

CLI = [sys.executable, "-m", "api.cli"]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("local-neo4j-home")


@pytest.fixture(scope="module")
def local(home: Path) -> Iterator[LocalNeo4j]:
    settings = Settings(
        civicgraph_home=home,
        civicgraph_cache=get_settings().civicgraph_cache,
        civicgraph_neo4j_heap="512m",
        civicgraph_neo4j_pagecache="64m",
    )
    server = LocalNeo4j(settings)
    yield server
    server.stop()


def _settings_for(local: LocalNeo4j, password: str | None = None) -> Settings:
    status = local.status()
    assert status.uri is not None
    return Settings(
        neo4j_uri=status.uri,
        neo4j_password=SecretStr(password if password is not None else local.password()),
    )


def _environment(**overrides: str) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("NEO4J_")}
    environment.update(overrides)
    return environment


@pytest.mark.slow
def test_start_runs_with_authentication_and_an_owner_only_password(local: LocalNeo4j) -> None:
    status = local.start()

    assert status.running and status.uri and status.uri.startswith("bolt://127.0.0.1:")
    assert status.version == local.version
    assert stat.S_IMODE(local.password_file.stat().st_mode) == 0o600
    graph = connect(_settings_for(local))
    try:
        assert graph.query("RETURN 'ok' AS answer") == [{"answer": "ok"}]
    finally:
        graph.close()


@pytest.mark.slow
def test_keep_alive_messages_only_while_streaming(local: LocalNeo4j) -> None:
    """With keep-alive for every request, the server would hand the driver a
    receive timeout, and the Python driver would time each socket read."""
    local.start()
    graph = connect(_settings_for(local))
    try:
        settings = graph.query(
            "CALL dbms.listConfig('server.bolt.connection_keep_alive_for_requests') "
            "YIELD name, value RETURN name, value"
        )
    finally:
        graph.close()

    assert settings == [
        {"name": "server.bolt.connection_keep_alive_for_requests", "value": "STREAMING"}
    ]


@pytest.mark.slow
def test_relationships_grouped_by_type_past_eight(local: LocalNeo4j) -> None:
    """Reading one type of a node's relationships skips its other types: the
    local Neo4j groups them by type from eight relationships (Neo4j's default
    is 50)."""
    local.start()
    graph = connect(_settings_for(local))
    try:
        threshold = graph.query(
            "CALL dbms.listConfig('db.relationship_grouping_threshold') YIELD value RETURN value"
        )
        hub = graph.query(
            "CREATE (hub:GroupingProbe)-[:RARE]->(:GroupingProbe) "
            "WITH hub UNWIND range(1, 30) AS i CREATE (hub)-[:COMMON]->(:GroupingProbe) "
            "RETURN DISTINCT elementId(hub) AS hub",
            write=True,
        )[0]["hub"]
        with graph.session() as session:
            summary = session.run(
                "PROFILE MATCH (hub)-[:RARE]->(rare) WHERE elementId(hub) = $hub RETURN rare",
                {"hub": hub},
            ).consume()
        assert summary.profile is not None
        expands: list[dict[str, Any]] = []
        pending: list[dict[str, Any]] = [summary.profile]
        while pending:
            plan = pending.pop()
            pending.extend(plan.get("children", []))
            if plan["operatorType"].startswith("Expand"):
                expands.append(plan)
    finally:
        graph.close()

    assert threshold == [{"value": "8"}]
    assert len(expands) == 1 and expands[0]["rows"] == 1
    # Ungrouped, the expansion reads all 31 relationships (32 reads); grouped, 4.
    assert expands[0]["dbHits"] < 10


@pytest.mark.slow
def test_status_json_from_the_cli(local: LocalNeo4j, home: Path) -> None:
    local.start()
    result = subprocess.run(
        [*CLI, "neo4j", "status", "--json"],
        env=_environment(CIVICGRAPH_HOME=str(home)),
        capture_output=True,
        text=True,
        check=True,
    )
    reported = json.loads(result.stdout)

    assert set(reported) == {"running", "uri", "pid", "version", "home", "user", "password_file"}
    assert reported["running"] is True
    assert reported["uri"] == local.status().uri
    assert reported["password_file"] == str(local.password_file)


@pytest.mark.slow
def test_a_second_start_reuses_the_running_instance(local: LocalNeo4j) -> None:
    first = local.start()
    second = local.start()

    assert (second.pid, second.uri) == (first.pid, first.uri)


@pytest.mark.slow
def test_a_wrong_password_is_a_clean_error(local: LocalNeo4j) -> None:
    local.start()
    with pytest.raises(AuthenticationError, match="refused the user name or password"):
        connect(_settings_for(local, password="not-the-password"))


@pytest.mark.slow
def test_a_wrong_password_in_the_cli_is_one_line(local: LocalNeo4j, home: Path) -> None:
    status = local.start()
    assert status.uri is not None
    result = subprocess.run(
        [*CLI, "schema"],
        env=_environment(
            CIVICGRAPH_HOME=str(home), NEO4J_URI=status.uri, NEO4J_PASSWORD="not-the-password"
        ),
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "refused the user name or password" in result.stderr


@pytest.mark.slow
def test_data_survives_stop_and_start(local: LocalNeo4j) -> None:
    local.start()
    graph = connect(_settings_for(local))
    try:
        graph.query("MERGE (:Person {id: 'keeper', name: '保管员'})", write=True)
    finally:
        graph.close()

    assert local.stop() is True
    assert local.status().running is False
    assert not local.state_file.exists()

    local.start()
    graph = connect(_settings_for(local))
    try:
        assert ("keeper", "保管员") in check_nodes(graph, Label.PERSON, ["id", "name"])
    finally:
        graph.close()


@pytest.mark.slow
def test_stop_when_stopped_says_so(local: LocalNeo4j) -> None:
    local.start()
    assert local.stop() is True
    assert local.stop() is False
    assert local.status().running is False


@pytest.mark.slow
def test_a_crash_leaves_a_stale_state_that_start_recovers(local: LocalNeo4j) -> None:
    status = local.start()
    assert status.pid is not None
    os.kill(status.pid, signal.SIGKILL)  # simulate a crash, not a way to stop
    deadline = time.monotonic() + 30
    while local.status().running and time.monotonic() < deadline:
        time.sleep(0.1)

    assert local.state_file.exists()  # left behind by the crash
    assert local.status().running is False

    recovered = local.start()
    assert recovered.running and recovered.pid != status.pid
    graph = connect(_settings_for(local))
    try:
        assert ("keeper", "保管员") in check_nodes(graph, Label.PERSON, ["id", "name"])
    finally:
        graph.close()


@pytest.mark.slow
def test_a_taken_port_makes_it_pick_another(local: LocalNeo4j) -> None:
    previous = local.status()
    if previous.running:
        local.stop()
    preferred = int(local.port_file.read_text().strip())
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        squatter.bind(("127.0.0.1", preferred))
        squatter.listen(1)
        status = local.start()

        assert status.running and status.uri is not None
        assert not status.uri.endswith(f":{preferred}")
        graph = connect(_settings_for(local))
        try:
            assert graph.query("RETURN 1 AS one") == [{"one": 1}]
        finally:
            graph.close()


def test_missing_java_is_a_clean_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(SetupError, match="install OpenJDK 17"):
        find_java(settings_path=str(tmp_path))


@pytest.mark.slow
def test_missing_java_in_the_cli_is_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [*CLI, "neo4j", "start"],
        env=_environment(
            CIVICGRAPH_HOME=str(tmp_path / "home"),
            CIVICGRAPH_CACHE=str(tmp_path / "cache"),
            PATH=str(Path(sys.executable).parent),
            JAVA_HOME="",
        ),
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "needs Java 17" in result.stderr and "NEO4J_URI" in result.stderr
