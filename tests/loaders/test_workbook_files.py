"""The spreadsheets planners really have: files made the way Excel, WPS or
LibreOffice make them, problems located as the planner sees them, and
reports that stay readable when a file is all junk."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from graph.errors import MAX_REPORTED_PROBLEMS
from tests.loaders.workbooks import (
    copy_small,
    only_problem,
    problems_of,
    read_table,
    write_table,
)

CLI = [sys.executable, "-m", "api.cli"]


def _validate_cli(workbook: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, "validate", "--offline", *options, str(workbook)],
        capture_output=True,
        text=True,
        check=False,
    )


# --- where a problem is ---------------------------------------------------------


def test_a_problem_of_the_whole_file_is_located_by_the_file_alone(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    text = (folder / "needs.csv").read_text(encoding="utf-8")
    (folder / "needs.csv").write_bytes(text.encode("utf-16"))

    problem = only_problem(folder)
    assert (problem.file, problem.row, problem.column) == ("needs.csv", 0, "")
    assert str(problem).startswith("needs.csv: the file is UTF-16")

    run = _validate_cli(folder)
    assert run.returncode == 2
    assert run.stderr.splitlines()[0].startswith("needs.csv: the file is UTF-16")
    assert "needs.csv:0:" not in run.stderr


def test_a_problem_of_a_row_or_a_cell_keeps_its_row_and_column(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    table = read_table(folder, "facilities.csv")
    table[3].append("stray")
    table[2][2] = "castle"
    write_table(folder, "facilities.csv", table)

    assert [str(problem).split(": ")[0] for problem in problems_of(folder)] == [
        "facilities.csv:3:kind",
        "facilities.csv:4:",
    ]


# --- a file of junk -------------------------------------------------------------


def _junk_facilities(folder: Path, rows: int) -> None:
    """``rows`` facilities of a kind that does not exist: one problem each."""
    table = read_table(folder, "facilities.csv")
    table += [[f"F{index:05}", "x", "castle", "A01"] for index in range(rows)]
    write_table(folder, "facilities.csv", table)


def test_the_first_problems_are_reported_and_the_rest_counted(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    _junk_facilities(folder, MAX_REPORTED_PROBLEMS + 500)

    run = _validate_cli(folder)
    lines = run.stderr.splitlines()
    assert run.returncode == 2
    assert len(lines) == MAX_REPORTED_PROBLEMS + 1
    assert lines[0].startswith("facilities.csv:7:kind: ")
    assert lines[-1] == (
        "civicgraph: workbook rejected: 1,500 problem(s) (the first 1,000 listed); "
        "nothing was written"
    )

    as_json = json.loads(_validate_cli(folder, "--json").stdout)
    assert len(as_json["problems"]) == MAX_REPORTED_PROBLEMS
    assert as_json["problem_count"] == MAX_REPORTED_PROBLEMS + 500
