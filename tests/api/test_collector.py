"""The garbage-collector policy of the command line's entry points: paused
while a workbook's rows are made, and only there; library functions leave a
server's collector alone."""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from types import FrameType

from api.collector import collector_paused
from graph.connection import Graph
from loaders.load import known_nodes, load_workbook, validate_path
from loaders.validate import validate
from loaders.workbook import read_workbook

SMALL = Path(__file__).resolve().parents[1] / "data" / "small"


def test_rows_made_while_the_collector_paused_go_to_the_oldest_generation() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        rows = [{"id": f"N{number}"} for number in range(50_000)]

    assert gc.isenabled()
    # Not left to the next young collection, which would walk every one.
    assert any(obj is rows for obj in gc.get_objects(generation=2))


def test_a_process_that_froze_objects_keeps_them_frozen() -> None:
    # An object frozen before stays in the permanent generation, out of the
    # collector's lists. (The freeze count itself may fall meanwhile: another
    # thread of the test process can free frozen objects.)
    kept = [object()]
    gc.freeze()
    try:
        with collector_paused():
            rows = [{"id": f"N{number}"} for number in range(1000)]
        assert not any(obj is kept for obj in gc.get_objects())
        assert gc.get_freeze_count() > 0
        assert gc.isenabled()
        assert len(rows) == 1000
    finally:
        gc.unfreeze()


def test_validating_a_workbook_leaves_the_collector_running() -> None:
    enabled_while_validating: set[bool] = set()
    validating = {validate.__code__, read_workbook.__code__}

    def watch(frame: FrameType, event: str, argument: object) -> None:
        if event == "call" and frame.f_code in validating:
            enabled_while_validating.add(gc.isenabled())

    sys.setprofile(watch)
    try:
        validate_path(SMALL, known_nodes(None))
    finally:
        sys.setprofile(None)
    assert enabled_while_validating == {True}


def test_loading_a_workbook_leaves_the_collector_running(empty_graph: Graph) -> None:
    enabled_while_writing: set[bool] = set()

    def step(description: str, done: int, total: int) -> None:
        enabled_while_writing.add(gc.isenabled())

    load_workbook(empty_graph, SMALL, progress=step)
    # The API loads uploads in its thread pool: the collector of the whole
    # server process must not stop while one does.
    assert enabled_while_writing == {True}
