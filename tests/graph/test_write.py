"""The batched writer: parallel batches write what one session writes, and a
failing batch reaches the caller."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.connection import Graph, QueryError
from graph.introspect import count_nodes
from graph.schema import Label
from graph.write import BatchWriter
from loaders.export import export_workbook
from loaders.load import load_workbook
from tests.loaders.workbooks import SMALL

CREATE_CATEGORIES = "UNWIND $rows AS row CREATE (n:`Category`) SET n.id = row.id"


def _exported(graph: Graph, folder: Path) -> dict[str, str]:
    export_workbook(graph, folder)
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.csv"))}


def test_small_batches_on_four_sessions_write_the_same_graph(
    empty_graph: Graph, tmp_path: Path
) -> None:
    load_workbook(empty_graph, SMALL, batch_size=5000, workers=1)
    one_session = _exported(empty_graph, tmp_path / "one")

    empty_graph.query("MATCH (n) DETACH DELETE n", write=True)
    load_workbook(empty_graph, SMALL, batch_size=2, workers=4)

    assert _exported(empty_graph, tmp_path / "four") == one_session


def test_every_batch_is_written_before_drain_returns(empty_graph: Graph) -> None:
    rows = [{"id": f"T{number}"} for number in range(1000)]
    with BatchWriter(empty_graph, batch_size=7, workers=3) as writer:
        writer.write(CREATE_CATEGORIES, rows)
        writer.drain()
        assert count_nodes(empty_graph, Label.CATEGORY) == 1000


def test_a_failing_batch_reaches_the_caller(empty_graph: Graph) -> None:
    # The last batch creates the same id twice.
    rows = [{"id": f"T{number}"} for number in range(50)] + [{"id": "T50"}, {"id": "T50"}]
    writer = BatchWriter(empty_graph, batch_size=10, workers=2)
    with pytest.raises(QueryError, match="already exists"), writer:
        writer.write(CREATE_CATEGORIES, rows)

    # The batches before the failing one committed; the failing one did not.
    assert count_nodes(empty_graph, Label.CATEGORY) == 50
