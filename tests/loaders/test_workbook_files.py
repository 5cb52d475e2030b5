"""The spreadsheets planners really have: files made the way Excel, WPS or
LibreOffice make them, problems located as the planner sees them, and
reports that stay readable when a file is all junk."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from graph.errors import MAX_REPORTED_PROBLEMS
from loaders import workbook as reader
from loaders.records import ValidatedWorkbook
from loaders.workbook import read_workbook
from loaders.workbook_format import FILES
from tests.loaders.workbooks import (
    OFFICE_TITLE,
    SHEET_START,
    SMALL,
    copy_small,
    locations,
    minimal_xlsx,
    office_xlsx,
    only_problem,
    problems_of,
    read_table,
    set_cell,
    valid,
    write_table,
)

CLI = [sys.executable, "-m", "api.cli"]
OFFICE_XLS = SMALL.parent / "small-office.xls"
"""The small workbook as an ``.xls`` a county office sends (see tests/data/README.md)."""


def _same_rows(workbook: ValidatedWorkbook, expected: ValidatedWorkbook, shift: int) -> None:
    """Every file holds the expected rows, each ``shift`` spreadsheet rows lower."""
    for spec in FILES:
        name = spec.sheet
        rows: list[Any] = getattr(workbook, name)
        assert [replace(row, row=row.row - shift) for row in rows] == getattr(expected, name)


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


# --- CSV saved by Excel on Chinese Windows ----------------------------------------


def _save_as_excel_csv_on_chinese_windows(folder: Path, names: list[str]) -> None:
    """Re-save files as Excel's plain "CSV (逗号分隔)" does there: GBK bytes, CRLF."""
    for name in names:
        table = read_table(folder, name)
        text = "".join(",".join(row) + "\r\n" for row in table)
        (folder / name).write_bytes(text.encode("gb18030"))


def test_a_gbk_csv_with_crlf_reads_as_its_utf8_twin_with_one_warning(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    _save_as_excel_csv_on_chinese_windows(folder, ["places.csv", "people.csv"])
    assert b"\xc8\xe7\xd2\xe2" in (folder / "places.csv").read_bytes()  # 如意 in GBK
    assert b"\r\n" in (folder / "places.csv").read_bytes()

    workbook = valid(folder)
    assert workbook.places == valid(SMALL).places
    assert workbook.people == valid(SMALL).people
    assert workbook.warnings == [
        "not UTF-8, read as GBK/GB18030 (Excel's 'CSV' on Chinese Windows): "
        "people.csv, places.csv; if a name reads wrong, save as 'CSV UTF-8 (逗号分隔)'"
    ]

    run = _validate_cli(folder)
    assert run.returncode == 0, run.stderr
    assert run.stderr.count("read as GBK/GB18030") == 1


def test_a_gbk_csv_reports_problems_at_the_rows_the_planner_sees(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    set_cell(folder, "places.csv", 4, "kind", "村")
    _save_as_excel_csv_on_chinese_windows(folder, ["places.csv"])

    problem = only_problem(folder)
    assert (problem.location, "村" in problem.message) == ("places.csv:4:kind", True)


def test_a_csv_line_too_long_to_be_a_row_is_refused_unread(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    (folder / "needs.csv").write_bytes(b"id,title\nN1," + b"x" * (2 * 1024 * 1024) + b"\n")

    problem = only_problem(folder)
    assert str(problem).startswith("needs.csv: a line is longer than 1,048,576 bytes")


# --- a title above the header -------------------------------------------------------


def test_a_title_and_a_blank_row_above_the_header_are_skipped(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    set_cell(folder, "places.csv", 4, "kind", "castle")
    table = read_table(folder, "places.csv")
    write_table(folder, "places.csv", [["XX社区小区信息表（2026年11月）"], [], *table])

    raw = read_workbook(folder)
    assert raw.files["places.csv"].columns == tuple(table[0])
    assert raw.files["places.csv"].rows[0].number == 4
    assert raw.warnings == [
        "places.csv: row 3 is the header (第 3 行为表头); the 1 row(s) above it were "
        "skipped, the first reading 'XX社区小区信息表（2026年11月）'"
    ]
    assert locations(problems_of(folder)) == ["places.csv:6:kind"]


def test_without_a_known_column_the_first_row_is_the_header_and_reported(
    tmp_path: Path,
) -> None:
    folder = copy_small(tmp_path)
    write_table(folder, "facilities.csv", [["XX社区设施台账"], ["序号", "设施"], ["1", "驿站"]])

    assert locations(problems_of(folder)) == [
        "facilities.csv:1:id",
        "facilities.csv:1:name",
        "facilities.csv:1:kind",
        "facilities.csv:1:place_id",
        "facilities.csv:1:XX社区设施台账",
        "facilities.csv:2:",
    ]


def test_an_office_xlsx_reads_as_the_csv_files_two_rows_lower(tmp_path: Path) -> None:
    path = office_xlsx(SMALL, tmp_path / "office.xlsx")
    book = openpyxl.load_workbook(path)
    assert book["places"]["A1"].value == OFFICE_TITLE.format(sheet="地点")
    assert "A1:G1" in {str(cell_range) for cell_range in book["places"].merged_cells.ranges}
    assert book["places"]["D7"].value is None  # C02's parent, merged into D6

    workbook = valid(path)
    _same_rows(workbook, valid(SMALL), shift=2)
    assert len(workbook.warnings) == len(FILES)
    assert workbook.warnings[0] == (
        "places: row 3 is the header (第 3 行为表头); the 1 row(s) above it were skipped, "
        "the first reading 'XX社区地点信息表（2026年11月）'"
    )


def test_an_office_xlsx_reports_problems_at_the_rows_the_planner_sees(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    set_cell(folder, "places.csv", 5, "kind", "castle")
    path = office_xlsx(folder, tmp_path / "office.xlsx")

    assert locations(problems_of(path)) == ["places:7:kind"]


# --- merged cells -----------------------------------------------------------------


def test_merged_cells_fill_every_row_they_span(tmp_path: Path) -> None:
    path = tmp_path / "merged.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "places"
    sheet.append(["id", "name", "kind", "parent_id"])
    sheet.append(["C01", "如意社区", "社区", None])
    sheet.append(["A01", "如意花园", "小区", "C01"])
    sheet.append(["A02", "锦绣家园", "小区", None])
    sheet.append(["A03", "幸福小区", "小区", None])
    sheet.append([None, None, None, None])
    sheet.merge_cells("D3:D5")  # the community's id down its areas
    sheet.merge_cells("D6:D7")  # a merge over blank rows fills nothing
    book.save(path)

    rows = read_workbook(path).files["places.csv"].rows
    assert [(row.number, row.cells.get("parent_id")) for row in rows] == [
        (2, None),
        (3, "C01"),
        (4, "C01"),
        (5, "C01"),
    ]


def test_merged_ranges_are_read_from_each_sheet_of_openpyxls_read_only_mode(
    tmp_path: Path,
) -> None:
    # The reader finds a sheet's merged ranges through the part openpyxl's
    # read-only sheet reads; this fails loudly if openpyxl stops telling.
    path = office_xlsx(SMALL, tmp_path / "office.xlsx")
    sheet = openpyxl.load_workbook(path, read_only=True)["places"]
    part = getattr(sheet, "_worksheet_path", None)
    assert isinstance(part, str)
    with zipfile.ZipFile(path) as archive:
        assert b"<mergeCell " in archive.read(part)


# --- .xls --------------------------------------------------------------------------


def test_an_xls_made_by_libreoffice_reads_as_the_csv_files(tmp_path: Path) -> None:
    with OFFICE_XLS.open("rb") as handle:
        assert handle.read(8) == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2, as Excel 97

    raw = read_workbook(OFFICE_XLS)
    assert raw.problems == []
    assert raw.files["needs.csv"].source == "needs"
    workbook = valid(OFFICE_XLS)
    _same_rows(workbook, valid(SMALL), shift=2)
    assert workbook.warnings[0].startswith("places: row 3 is the header")


def test_a_damaged_xls_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "book.xls"
    path.write_bytes(OFFICE_XLS.read_bytes()[:4096])

    problem = only_problem(path)
    assert str(problem).startswith("book.xls: cannot open the workbook")


# --- caps ----------------------------------------------------------------------------


def test_a_file_past_the_row_cap_is_read_up_to_it_and_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reader, "MAX_DATA_ROWS", 3)
    folder = copy_small(tmp_path)

    raw = read_workbook(folder)
    assert [row.number for row in raw.files["needs.csv"].rows] == [2, 3, 4]
    assert (
        "facilities.csv: more than 3 rows of data: row 5 and those after it were not read; "
        "split the file into several workbooks (请拆分为多个工作簿)"
    ) in [str(problem) for problem in raw.problems]


def test_a_file_past_the_cell_cap_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reader, "MAX_CELLS", 10)
    folder = copy_small(tmp_path)

    raw = read_workbook(folder)
    assert "places.csv: more than 10 filled cells: row 4 and those after" in str(
        [str(problem) for problem in raw.problems]
    )


def test_values_past_the_last_column_read_are_reported_once(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    table = read_table(folder, "facilities.csv")
    for row in table[1:]:
        row += [""] * 70 + ["far"]
    write_table(folder, "facilities.csv", table)

    problem = only_problem(folder)
    assert str(problem) == (
        "facilities.csv: values after column BL were not read: a file has at most 64"
    )


def _inline(reference: str, text: str) -> bytes:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def test_a_sheet_claiming_every_cell_of_excel_is_read_as_far_as_it_holds(
    tmp_path: Path,
) -> None:
    rows = b"".join(
        b'<row r="%d">' % row
        + _inline(f"A{row}", f"X{row}")
        + _inline(f"XFD{row}", "far")
        + b"</row>"
        for row in range(2, 2002)
    )
    sheet = (
        SHEET_START
        + b'<dimension ref="A1:XFD1048576"/><sheetData><row r="1">'
        + _inline("A1", "id")
        + _inline("B1", "name")
        + b"</row>"
        + rows
        + b"</sheetData></worksheet>"
    )
    path = tmp_path / "claims.xlsx"
    path.write_bytes(minimal_xlsx(sheet))

    raw = read_workbook(path)
    assert [row.cells for row in raw.files["places.csv"].rows[:2]] == [{"id": "X2"}, {"id": "X3"}]
    assert len(raw.files["places.csv"].rows) == 2000
    assert [str(problem) for problem in raw.problems] == [
        "places:1:kind: missing required column kind (类型)"
    ]


def test_an_xlsx_whose_shared_strings_unpack_past_the_limit_is_refused_unread(
    tmp_path: Path,
) -> None:
    strings = b"<sst><si><t>" + b"x" * (129 * 1024 * 1024) + b"</t></si></sst>"
    path = tmp_path / "strings.xlsx"
    path.write_bytes(minimal_xlsx(SHEET_START + b"<sheetData/></worksheet>", strings))

    problem = only_problem(path)
    assert str(problem) == (
        "strings.xlsx: the workbook's part xl/sharedStrings.xml unpacks to 129 MiB, "
        "more than the 128 MiB allowed"
    )
