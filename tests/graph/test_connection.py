"""The connection and the schema, against the real Neo4j."""

from __future__ import annotations

import asyncio
import re

import neo4j
import pytest
from pydantic import SecretStr

from graph.connection import (
    MERGED_MAX_VALUES,
    AsyncGraph,
    Graph,
    QueryError,
    Record,
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
from queries.catalog import rows_by

WRITE_PERSON = "CREATE (:Person {id: $id, name: $name})"


def test_write_then_read_back_over_bolt(empty_graph: Graph) -> None:
    empty_graph.query(WRITE_PERSON, {"id": "p1", "name": "张建国"}, write=True)
    empty_graph.query(WRITE_PERSON, {"id": "p2", "name": "李秀英"}, write=True)

    assert check_nodes(empty_graph, Label.PERSON, ["id", "name"]) == {
        ("p1", "张建国"),
        ("p2", "李秀英"),
    }


def test_the_asynchronous_twin_reads_the_same_rows(empty_graph: Graph) -> None:
    empty_graph.query(WRITE_PERSON, {"id": "p1", "name": "张建国"}, write=True)
    read = "MATCH (person:Person {id: $id}) RETURN person.name AS name, person {.id} AS map"

    async def twin_reads() -> tuple[list[Record], str]:
        twin = empty_graph.open_async()
        try:
            rows = await twin.query(read, {"id": "p1"})
            try:
                await twin.query("RETURN $missing AS value")
            except QueryError as error:
                return rows, str(error)
            return rows, "no error"
        finally:
            await twin.close()

    rows, refused = asyncio.run(twin_reads())
    assert (
        rows == empty_graph.query(read, {"id": "p1"}) == [{"name": "张建国", "map": {"id": "p1"}}]
    )
    assert refused.startswith("Neo4j refused a query: ")


def test_the_asynchronous_twin_keeps_a_session_only_after_a_whole_read(graph: Graph) -> None:
    async def reads() -> tuple[list[neo4j.AsyncSession], ...]:
        twin = graph.open_async()
        try:
            await twin.query("RETURN 1 AS one")
            kept = list(twin._idle)
            assert await twin.query("RETURN 2 AS two") == [{"two": 2}]
            reused = list(twin._idle)
            await asyncio.gather(twin.query("RETURN 3 AS three"), twin.query("RETURN 4 AS four"))
            side_by_side = list(twin._idle)
            with pytest.raises(QueryError):
                await twin.query("RETURN $missing AS value")
            after_error = list(twin._idle)
            return kept, reused, side_by_side, after_error
        finally:
            await twin.close()

    kept, reused, side_by_side, after_error = asyncio.run(reads())
    assert len(kept) == 1
    assert reused == kept
    assert len(side_by_side) == 2 and kept[0] in side_by_side
    # The failed query took the last kept session and closed it.
    assert after_error == side_by_side[:1]


TENFOLD = "UNWIND $values AS value RETURN value, value * $factor AS product"
"""A query that answers for a list of values, for merging."""

by_value = rows_by("value")


def merged_asks(
    graph: Graph, asks: list[tuple[list[int], object]], text: str = TENFOLD
) -> tuple[list[object], int]:
    """Ask ``text`` once per (values, factor), all at once on one twin: each
    ask's rows (or its error's text), and how many merged queries went."""

    async def run_all(twin: AsyncGraph) -> list[object]:
        async def ask(values: list[int], factor: object) -> object:
            try:
                parameters = {"values": values, "factor": factor}
                return await twin.query_merged(text, parameters, "values", by_value)
            except QueryError as error:
                return str(error)

        return list(await asyncio.gather(*(ask(*asked) for asked in asks)))

    async def main() -> tuple[list[object], int]:
        twin = graph.open_async()
        try:
            return await run_all(twin), twin.merged_queries
        finally:
            await twin.close()

    return asyncio.run(main())


def test_concurrent_asks_are_merged_into_one_query_each_with_its_own_rows(graph: Graph) -> None:
    asks: list[tuple[list[int], object]] = [([value], 10) for value in range(20)]
    asks += [([3, 4], 10), ([5], 2), ([5, 5], 2)]
    answers, queries = merged_asks(graph, asks)
    # The asks with factor 10 share one query, those with factor 2 another.
    assert queries == 2
    assert answers[:20] == [[{"value": value, "product": 10 * value}] for value in range(20)]
    assert answers[20] == [{"value": 3, "product": 30}, {"value": 4, "product": 40}]
    assert answers[21] == answers[22] == [{"value": 5, "product": 10}]


def test_a_merged_query_carries_a_bounded_number_of_values(graph: Graph) -> None:
    count = MERGED_MAX_VALUES * 2 + 1
    answers, queries = merged_asks(graph, [([value], 1) for value in range(count)])
    assert queries == 3
    assert answers == [[{"value": value, "product": value}] for value in range(count)]


def test_asks_with_a_list_among_their_other_values_go_alone(graph: Graph) -> None:
    appended = "UNWIND $values AS value RETURN value, [value] + $factor AS product"
    answers, queries = merged_asks(graph, [([1], [9]), ([2], [9])], appended)
    assert queries == 0
    assert answers == [[{"value": 1, "product": [1, 9]}], [{"value": 2, "product": [2, 9]}]]


def test_a_failed_merged_query_fails_each_of_its_asks(graph: Graph) -> None:
    answers, queries = merged_asks(graph, [([1], "x"), ([2], "x"), ([3], 3)])
    assert queries == 2
    assert answers[0] == answers[1]
    assert str(answers[0]).startswith("Neo4j refused a query: ")
    assert answers[2] == [{"value": 3, "product": 9}]


def test_an_ask_that_gives_up_leaves_the_others_their_answer(graph: Graph) -> None:
    async def main() -> tuple[bool, list[Record], list[Record]]:
        twin = graph.open_async()
        try:
            asks = [
                asyncio.ensure_future(
                    twin.query_merged(
                        TENFOLD, {"values": [value], "factor": 10}, "values", by_value
                    )
                )
                for value in (1, 2)
            ]
            await asyncio.sleep(0)  # both have joined the merged query
            asks[0].cancel()
            second = await asks[1]
            later = await twin.query_merged(
                TENFOLD, {"values": [7], "factor": 10}, "values", by_value
            )
            return asks[0].cancelled(), second, later
        finally:
            await twin.close()

    gave_up, second, later = asyncio.run(main())
    assert gave_up
    assert second == [{"value": 2, "product": 20}]
    assert later == [{"value": 7, "product": 70}]


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
