"""A node with its neighbours (``queries.nodes``) asked on the event loop:
concurrent asks share merged queries, and each gets the answer it gets alone."""

from __future__ import annotations

import asyncio

import pytest

from graph.connection import Graph
from graph.errors import NotFoundError
from queries.catalog import answer, answer_async
from queries.nodes import Neighbour, NodeDetail, Page, node_with_neighbours_steps
from tests.queries.matching_workbooks import LoadedWorkbook

Answer = tuple[NodeDetail, Page[Neighbour]] | str

ASKS: list[tuple[str, str | None]] = [
    (node_id, scope_id)
    for scope_id in (None, "C01")
    for node_id in ("C01", "S01", "N01", "N05", "SV02", "O05", "U01", "X99", "C01")
]
"""(node, scope): a street and a need outside community C01, an id of no node,
and a node asked twice."""


@pytest.fixture(scope="module")
def small(graph: Graph) -> Graph:
    """The small workbook."""
    return LoadedWorkbook(graph).small()


def alone(graph: Graph, node_id: str, scope_id: str | None) -> Answer:
    try:
        return answer(graph, node_with_neighbours_steps(node_id, scope_id))
    except NotFoundError as error:
        return str(error)


def test_concurrent_asks_share_queries_and_each_gets_its_own_answer(small: Graph) -> None:
    async def ask_all() -> tuple[list[Answer], int]:
        twin = small.open_async()

        async def ask(node_id: str, scope_id: str | None) -> Answer:
            try:
                return await answer_async(twin, node_with_neighbours_steps(node_id, scope_id))
            except NotFoundError as error:
                return str(error)

        try:
            answers = await asyncio.gather(*(ask(*asked) for asked in ASKS))
            return list(answers), twin.merged_queries
        finally:
            await twin.close()

    answers, queries = asyncio.run(ask_all())
    # One merged query per scope: the asks differ in nothing else.
    assert queries == 2
    expected = [alone(small, *asked) for asked in ASKS]
    assert answers == expected
    assert answers.count("node not found: X99") == 2
    assert "node not found: S01" in answers[len(ASKS) // 2 :]
    assert not isinstance(answers[0], str) and answers[0][0].id == "C01"
