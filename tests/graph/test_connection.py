"""The connection and the schema, against the real Neo4j."""

from __future__ import annotations

import re
import time

import neo4j
import pytest
from pydantic import SecretStr

from graph.connection import (
    BATCH_BUDGET,
    SERVER_BUDGET,
    Budget,
    Graph,
    QueryError,
    connect,
    retry_delays,
    row_of,
)
from graph.ddl import constraint_name, ensure_schema, index_name
from graph.errors import ConfigurationError, DatabaseUnavailableError
from graph.introspect import check_nodes, constraint_names, count_nodes, index_names
from graph.schema import INDEXES, SEARCH_INDEX, Label
from graph.server.local import LocalNeo4j
from graph.settings import Settings, get_settings

WRITE_PERSON = "CREATE (:Person {id: $id, name: $name})"


def test_write_then_read_back_over_bolt(empty_graph: Graph) -> None:
    empty_graph.query(WRITE_PERSON, {"id": "p1", "name": "张建国"}, write=True)
    empty_graph.query(WRITE_PERSON, {"id": "p2", "name": "李秀英"}, write=True)

    assert check_nodes(empty_graph, Label.PERSON, ["id", "name"]) == {
        ("p1", "张建国"),
        ("p2", "李秀英"),
    }


def test_a_row_holds_the_values_as_decoded(graph: Graph) -> None:
    statement = (
        "RETURN 1 AS number, '社区' AS text, null AS nothing, date('2026-11-27') AS day, "
        "[1, [2, {deep: ['三']}]] AS nested, {name: '网格', ids: ['g1', 'g2']} AS map"
    )
    with graph.session() as session:
        record = session.run(statement).single(strict=True)

    row = row_of(record)
    assert row == record.data()
    assert list(row) == ["number", "text", "nothing", "day", "nested", "map"]
    assert graph.query(statement) == [row]


def test_retries_double_their_pause_and_end() -> None:
    pauses = retry_delays(seconds=60.0, first=0.5, jitter=0.0)
    assert [next(pauses) for _ in range(4)] == [0.5, 1.0, 2.0, 4.0]
    assert list(retry_delays(seconds=0.0)) == [None]


def test_ensure_schema_creates_every_constraint_and_index(graph: Graph) -> None:
    ensure_schema(graph)

    assert {constraint_name(label) for label in Label} <= constraint_names(graph)
    assert {index_name(spec) for spec in INDEXES} | {SEARCH_INDEX} <= index_names(graph)


def test_ensure_schema_creates_again_what_was_dropped(graph: Graph) -> None:
    dropped = index_name(INDEXES[0])
    graph.query(f"DROP INDEX {dropped}", write=True)
    graph.query(f"DROP CONSTRAINT {constraint_name(Label.GRID)}", write=True)
    assert dropped not in index_names(graph)

    ensure_schema(graph)

    assert dropped in index_names(graph)
    assert constraint_name(Label.GRID) in constraint_names(graph)


def test_ensure_schema_is_idempotent(graph: Graph) -> None:
    before = (constraint_names(graph), index_names(graph))
    ensure_schema(graph)
    ensure_schema(graph)

    assert (constraint_names(graph), index_names(graph)) == before


def test_constraint_rejects_a_duplicate_id(empty_graph: Graph) -> None:
    empty_graph.query(WRITE_PERSON, {"id": "p1", "name": "张建国"}, write=True)

    with pytest.raises(QueryError, match="already exists"):
        empty_graph.query(WRITE_PERSON, {"id": "p1", "name": "王芳"}, write=True)
    assert count_nodes(empty_graph, Label.PERSON) == 1


def _current_target(settings: Settings) -> tuple[str, str, str]:
    """URI, user and password of the database the tests run against."""
    if settings.neo4j_uri:
        password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else ""
        return settings.neo4j_uri, settings.neo4j_user, password
    local = LocalNeo4j(settings)
    status = local.status()
    assert status.running and status.uri
    return status.uri, "neo4j", local.password()


def test_routing_scheme_works(graph: Graph) -> None:
    settings = get_settings()
    uri, user, password = _current_target(settings)
    routed_uri = "neo4j://" + uri.split("://", 1)[1]
    routed = connect(
        Settings(neo4j_uri=routed_uri, neo4j_user=user, neo4j_password=SecretStr(password))
    )
    try:
        assert routed.query("RETURN 1 + 1 AS two") == [{"two": 2}]
        assert routed.server_version().startswith("5.")
    finally:
        routed.close()


@pytest.mark.parametrize(
    "uri",
    ["http://127.0.0.1:7474", "127.0.0.1:7687", "bolt//localhost"],
)
def test_malformed_uri_is_a_configuration_error(uri: str) -> None:
    with pytest.raises(ConfigurationError, match="NEO4J_URI"):
        connect(Settings(neo4j_uri=uri, neo4j_password=SecretStr("x")))


def test_unreachable_server_is_a_clean_error() -> None:
    with pytest.raises(
        DatabaseUnavailableError, match=re.escape("cannot reach Neo4j at bolt://127.0.0.1:9")
    ):
        connect(Settings(neo4j_uri="bolt://127.0.0.1:9", neo4j_password=SecretStr("x")))


NOTHING_LISTENS = "bolt://127.0.0.1:9"
"""A database that is down: nothing listens there, connections are refused."""

FAIL_FAST = 5.0
"""Seconds within which a query that must not wait out a retry budget fails.
A behavioural bound, not a speed goal: a batch budget waits 30 s."""


def _down(budget: Budget) -> Graph:
    """A connection to a database that is down, with ``budget``."""
    driver = neo4j.GraphDatabase.driver(
        NOTHING_LISTENS, auth=("neo4j", "x"), **budget.driver_options()
    )
    return Graph(driver=driver, database=None, uri=NOTHING_LISTENS, budget=budget)


def test_a_health_check_asks_once_whatever_the_budget() -> None:
    down = _down(BATCH_BUDGET)
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailableError, match="cannot reach Neo4j"):
            down.server_version(retry=False)
        assert time.monotonic() - started < FAIL_FAST
    finally:
        down.close()


def test_a_servers_budget_reports_a_down_database_at_once() -> None:
    down = _down(SERVER_BUDGET)
    try:
        for text, write in (("RETURN 1 AS one", False), ("CREATE (:Person {id: 'p'})", True)):
            started = time.monotonic()
            with pytest.raises(DatabaseUnavailableError, match="cannot reach Neo4j"):
                down.query(text, write=write)
            assert time.monotonic() - started < FAIL_FAST
    finally:
        down.close()


def test_unknown_database_is_a_configuration_error(graph: Graph) -> None:
    uri, user, password = _current_target(get_settings())
    with pytest.raises(ConfigurationError, match="NEO4J_DATABASE"):
        connect(
            Settings(
                neo4j_uri=uri,
                neo4j_user=user,
                neo4j_password=SecretStr(password),
                neo4j_database="nosuchdatabase",
            )
        )
