"""The mark a load leaves while it writes (``graph.loadmark``), against the
real Neo4j: a live loader's mark refuses a second load, an interrupted one's
is finished by the same workbook or replaced. The mark itself is no data:
counts and references leave it out. (What the API says while it is open:
``tests/api/test_incomplete_load.py``.)"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.connection import Graph
from graph.introspect import count_nodes, count_relationships
from graph.loadmark import (
    InterruptedLoadError,
    LoadInProgressError,
    close_mark,
    open_mark,
    read_mark,
)
from graph.write import known_node_rows
from loaders.load import load_workbook, workbook_digest
from queries.stats import collect_stats
from tests.api.conftest import SMALL
from tests.graph.marks import leave_mark
from tests.loaders.workbooks import copy_small, set_cell


def _counts(graph: Graph) -> tuple[int, int]:
    return count_nodes(graph), count_relationships(graph)


@pytest.fixture()
def live_pid() -> Iterator[int]:
    """The id of a process that runs for the test."""
    sleeper = subprocess.Popen(["sleep", "600"])
    yield sleeper.pid
    sleeper.kill()
    sleeper.wait()


def test_a_live_loaders_mark_refuses_a_second_load(empty_graph: Graph, live_pid: int) -> None:
    load_workbook(empty_graph, SMALL)
    before = _counts(empty_graph)
    now = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    leave_mark(empty_graph, digest="sha256:other", pid=live_pid, heartbeat=now, replace=False)
    mark = read_mark(empty_graph)
    assert mark is not None and mark.running()
    with pytest.raises(LoadInProgressError, match="another load is writing"):
        load_workbook(empty_graph, SMALL)
    with pytest.raises(LoadInProgressError):
        load_workbook(empty_graph, SMALL, replace=True)
    close_mark(empty_graph)
    assert _counts(empty_graph) == before


def test_an_interrupted_mark_is_finished_by_its_workbook_or_replaced(
    empty_graph: Graph, dead_pid: int, tmp_path: Path
) -> None:
    load_workbook(empty_graph, SMALL)
    clean = _counts(empty_graph)
    leave_mark(
        empty_graph,
        digest=workbook_digest(SMALL),
        pid=dead_pid,
        heartbeat="2026-01-01T00:00:00+00:00",
        replace=False,
    )
    mark = read_mark(empty_graph)
    assert mark is not None and not mark.running()
    changed = copy_small(tmp_path)
    set_cell(changed, "places.csv", 3, "name", "改名社区")
    with pytest.raises(InterruptedLoadError, match="mid-load"):
        load_workbook(empty_graph, changed)
    assert read_mark(empty_graph) is not None
    # The same workbook finishes it; the mark is gone, the graph as a clean load.
    report = load_workbook(empty_graph, SMALL)
    assert report.finished is not None and "did not finish" in report.finished
    assert read_mark(empty_graph) is None and _counts(empty_graph) == clean
    # A replace load of another workbook replaces an interrupted one.
    leave_mark(
        empty_graph,
        digest="sha256:gone",
        pid=dead_pid,
        heartbeat="2026-01-01T00:00:00+00:00",
        replace=True,
    )
    replaced = load_workbook(empty_graph, changed, replace=True)
    assert replaced.finished is not None and read_mark(empty_graph) is None


def test_the_mark_is_no_data(empty_graph: Graph) -> None:
    load_workbook(empty_graph, SMALL)
    labels = collect_stats(empty_graph).labels
    open_mark(empty_graph, workbook="wb", source="load wb", digest="sha256:x", replace=False)
    try:
        assert collect_stats(empty_graph).labels == labels
        assert all("LoadMark" not in row["labels"] for row in known_node_rows(empty_graph))
    finally:
        close_mark(empty_graph)
    assert read_mark(empty_graph) is None
