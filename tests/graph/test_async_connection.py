"""The asynchronous connection and its merged reads, against the real Neo4j."""

from __future__ import annotations

import asyncio

import neo4j
import pytest

from graph.async_connection import MERGED_MAX_VALUES, AsyncGraph
from graph.connection import Graph, QueryError, Record
from queries.catalog import rows_by

WRITE_PERSON = "CREATE (:Person {id: $id, name: $name})"


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
