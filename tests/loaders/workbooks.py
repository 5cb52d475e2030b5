"""Helpers that build test workbooks: copy the ``tests/data/small`` fixture,
edit one cell the way a planner would, and convert a folder to ``.xlsx``.

Rows are addressed as a spreadsheet shows them (the header is row 1), so a
test names the same ``file:row:column`` it expects in the problem.
"""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from graph.errors import Problem, ValidationError
from loaders.records import KnownNode, ValidatedWorkbook
from loaders.validate import load_and_validate
from loaders.workbook_format import FILES

SMALL = Path(__file__).resolve().parents[1] / "data" / "small"
"""The small valid county of ``tests/data/small`` (see its README.md)."""

DATE_COLUMNS = frozenset({"since", "until", "established", "dissolved", "raised_on", "resolved_on"})
NUMBER_COLUMNS = frozenset({"households", "capacity", "urgency", "satisfaction"})
BOOLEAN_COLUMNS = frozenset({"red_property", "party_member"})


def copy_small(tmp_path: Path) -> Path:
    """A fresh copy of the small fixture's CSV files in ``tmp_path/small``."""
    folder = tmp_path / "small"
    folder.mkdir()
    for source in SMALL.glob("*.csv"):
        shutil.copy(source, folder / source.name)
    return folder


def read_table(folder: Path, file: str) -> list[list[str]]:
    """The records of one CSV file, header first."""
    with (folder / file).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def write_table(folder: Path, file: str, table: list[list[str]], *, bom: bool = False) -> None:
    """Write records as a CSV file, optionally with the BOM Excel writes."""
    encoding = "utf-8-sig" if bom else "utf-8"
    with (folder / file).open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(table)


def set_cell(folder: Path, file: str, row: int, column: str, value: str) -> None:
    """Set one cell, addressed by spreadsheet row and canonical column name."""
    table = read_table(folder, file)
    table[row - 1][table[0].index(column)] = value
    write_table(folder, file, table)


def set_where(folder: Path, file: str, where: Mapping[str, str], **values: str) -> int:
    """Set cells of the rows whose columns hold ``where``'s values, adding a
    column of the format the file lacks (``until``, ``dissolved`` …); returns
    the spreadsheet row number of the last row changed.

    Raises:
        AssertionError: no row matches.
    """
    table = read_table(folder, file)
    for column in values:
        if column not in table[0]:
            table[0].append(column)
            for line in table[1:]:
                line.append("")
    changed = 0
    for number, line in enumerate(table[1:], start=2):
        if all(line[table[0].index(column)] == value for column, value in where.items()):
            for column, value in values.items():
                line[table[0].index(column)] = value
            changed = number
    assert changed, f"no row of {file} holds {dict(where)}"
    write_table(folder, file, table)
    return changed


def add_row(folder: Path, file: str, **values: str) -> int:
    """Append a row given by column name; returns its spreadsheet row number."""
    table = read_table(folder, file)
    table.append([values.get(column, "") for column in table[0]])
    write_table(folder, file, table)
    return len(table)


def delete_rows(folder: Path, file: str, keep: Callable[[dict[str, str]], bool]) -> None:
    """Keep only the rows for which ``keep(row as dict)`` is true."""
    table = read_table(folder, file)
    header = table[0]
    rows = [row for row in table[1:] if keep(dict(zip(header, row, strict=True)))]
    write_table(folder, file, [header, *rows])


def problems_of(path: Path, known: Mapping[str, KnownNode] | None = None) -> list[Problem]:
    """The problems validation reports; fails the test when the workbook passes."""
    with pytest.raises(ValidationError) as caught:
        load_and_validate(path, known)
    return caught.value.problems


def locations(problems: list[Problem]) -> list[str]:
    """Each problem as ``file:row:column``."""
    return [f"{problem.file}:{problem.row}:{problem.column}" for problem in problems]


def only_problem(path: Path, known: Mapping[str, KnownNode] | None = None) -> Problem:
    """The one problem validation reports; fails when there are more or none."""
    problems = problems_of(path, known)
    assert len(problems) == 1, [str(problem) for problem in problems]
    return problems[0]


def valid(path: Path, known: Mapping[str, KnownNode] | None = None) -> ValidatedWorkbook:
    """Validate, failing the test with every problem listed when it is rejected."""
    try:
        return load_and_validate(path, known)
    except ValidationError as error:
        pytest.fail("\n".join(str(problem) for problem in error.problems))


def folder_to_xlsx(folder: Path, target: Path, *, typed: bool = True) -> Path:
    """Write the CSV files of ``folder`` as sheets of one ``.xlsx`` file.

    With ``typed``, cells are stored as Excel would hold them once a planner
    typed them: dates as date cells, numbers as floats (``3.0``), booleans as
    boolean cells; everything else stays text.
    """
    book = openpyxl.Workbook()
    default_sheet = book.active
    assert default_sheet is not None
    book.remove(default_sheet)
    for spec in FILES:
        if not (folder / spec.name).exists():
            continue
        table = read_table(folder, spec.name)
        sheet = book.create_sheet(spec.sheet)
        sheet.append(table[0])
        for row in table[1:]:
            sheet.append(
                [
                    _typed(column, value) if typed else value
                    for column, value in zip(table[0], row, strict=True)
                ]
            )
    book.save(target)
    return target


def _typed(column: str, value: str) -> object:
    if not value:
        return None
    if column in DATE_COLUMNS:
        return datetime.combine(date.fromisoformat(value), datetime.min.time())
    if column in NUMBER_COLUMNS:
        return float(value)
    if column in BOOLEAN_COLUMNS:
        return value == "true"
    if column == "phone":
        return int(value)
    return value


OFFICE_TITLE = "XX社区{sheet}信息表（2026年11月）"
"""The title a county office puts above a sheet's header."""

MERGED_COLUMNS = frozenset({"parent_id", "place_id"})
"""Columns in which an office merges a run of equal values down the rows."""


def office_xlsx(folder: Path, target: Path) -> Path:
    """Write the CSV files of ``folder`` as an ``.xlsx`` laid out as county
    offices lay out their sheets, with openpyxl (which merges as Excel does).

    Each sheet opens with a title merged across the columns and a blank row,
    so the header is row 3 and a CSV row ``n`` is row ``n + 2``. In the
    :data:`MERGED_COLUMNS`, each run of equal values in consecutive rows (a
    community's id down its residential areas) is one merged cell: only its
    top cell keeps the value, as when a planner merges cells in Excel. Cells
    are typed as in :func:`folder_to_xlsx`.
    """
    book = openpyxl.Workbook()
    default_sheet = book.active
    assert default_sheet is not None
    book.remove(default_sheet)
    for spec in FILES:
        if not (folder / spec.name).exists():
            continue
        table = read_table(folder, spec.name)
        header, rows = table[0], table[1:]
        sheet = book.create_sheet(spec.sheet)
        sheet.append([OFFICE_TITLE.format(sheet=spec.zh)])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        sheet.append([])
        sheet.append(header)
        for row in rows:
            sheet.append([_typed(column, value) for column, value in zip(header, row, strict=True)])
        for index, column in enumerate(header, start=1):
            if column not in MERGED_COLUMNS:
                continue
            values = [row[index - 1] for row in rows]
            start = 0
            for end in range(1, len(values) + 1):
                if end == len(values) or values[end] != values[start]:
                    if values[start] and end - start > 1:
                        sheet.merge_cells(
                            start_row=start + 4,
                            start_column=index,
                            end_row=end + 3,
                            end_column=index,
                        )
                    start = end
    book.save(target)
    return target


SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
"""How a hand-written sheet's XML begins."""


def minimal_xlsx(sheet: bytes, shared_strings: bytes | None = None) -> bytes:
    """A minimal ``.xlsx`` written by hand, as a crafted file would be: one sheet
    ``places`` of the given XML, and optionally a shared-strings table."""
    types = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Default Extension="rels" '
        b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        b'<Default Extension="xml" ContentType="application/xml"/>'
        b'<Override PartName="/xl/workbook.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        + (
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            if shared_strings is not None
            else b""
        )
        + b"</Types>"
    )
    relationships = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    book = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        b'<sheets><sheet name="places" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    book_relationships = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        + (
            b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            if shared_strings is not None
            else b""
        )
        + b"</Relationships>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", relationships)
        archive.writestr("xl/workbook.xml", book)
        archive.writestr("xl/_rels/workbook.xml.rels", book_relationships)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
    return buffer.getvalue()
