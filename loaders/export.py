"""Writing the graph back as a workbook: a folder of CSV files, or one
``.xlsx`` whose sheets carry the same names.

Planners download the export, edit it in Excel and load it again; it also
serves as a backup. The rows come from :func:`queries.export.export_rows`,
one query per file whose columns are the file's canonical columns; their
cells are written as the reader reads them (``;`` between many values,
``true``/``false``, ISO dates), so that an export loaded into an empty
database exports again identically. A control character the graph holds
(one stored before such characters were refused) cannot go into a
spreadsheet and would be refused on loading: it is left out, and the report
names each cell it was taken from.

An export holds personal data (names, phones): its files are written
readable by their owner only (mode 600), as the local Neo4j's password file is.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook

from graph.errors import CivicGraphError, Problem
from graph.text import control_character_problem, without_control_characters
from loaders.workbook import XLSX_SUFFIXES
from loaders.workbook_format import FILES, WorkbookFile

PRIVATE_FILE_MODE = 0o600
"""The mode of every file an export writes: its owner's only."""


class ExportError(CivicGraphError):
    """The export could not be written where it was asked to go."""


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote.

    Attributes:
        path: the folder or ``.xlsx`` written.
        rows: rows per file.
        files: the files written.
        warnings: the cells whose control characters were left out.
    """

    path: Path
    rows: Mapping[str, int]
    files: tuple[Path, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """The report as a JSON-ready dict."""
        return {
            "path": str(self.path),
            "rows": dict(self.rows),
            "files": [str(path) for path in self.files],
            "mode": oct(PRIVATE_FILE_MODE),
            "warnings": list(self.warnings),
        }


def cell(value: Any) -> str:
    """A graph value as the workbook reader reads it back."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ";".join(cell(item) for item in value)
    if isinstance(value, date):
        return value.isoformat()
    iso_format = getattr(value, "iso_format", None)
    if callable(iso_format):
        return str(iso_format())
    return str(value)


def tables_from_rows(
    rows: Mapping[str, Sequence[Mapping[str, Any]]],
) -> tuple[dict[WorkbookFile, list[list[str]]], list[str]]:
    """Each workbook file's table, header first, from the export rows by
    sheet name; and a warning per cell whose control characters were left out."""
    tables: dict[WorkbookFile, list[list[str]]] = {}
    warnings: list[str] = []
    for spec in FILES:
        columns = spec.column_names
        table = [list(columns)]
        for number, row in enumerate(rows[spec.sheet], start=2):
            line = []
            for column in columns:
                text = cell(row[column])
                problem = control_character_problem(text)
                if problem is not None:
                    warnings.append(str(Problem(spec.name, number, column, f"{problem} left out")))
                    text = without_control_characters(text)
                line.append(text)
            table.append(line)
        tables[spec] = table
    return tables, warnings


def export_workbook(
    rows: Mapping[str, Sequence[Mapping[str, Any]]], out: Path | str
) -> ExportReport:
    """Write the graph's rows as a workbook.

    Args:
        rows: the rows of every file, by sheet name (:func:`queries.export.export_rows`).
        out: a folder (created if needed) for CSV files, or a path ending in
            ``.xlsx``.

    Raises:
        ExportError: the destination cannot be written.
    """
    out = Path(out)
    tables, warnings = tables_from_rows(rows)
    try:
        if out.suffix.lower() in XLSX_SUFFIXES:
            files = [_write_xlsx(out, tables)]
        else:
            files = _write_csv_folder(out, tables)
    except OSError as error:
        raise ExportError(f"cannot write the export to {out}: {error.strerror or error}") from error
    return ExportReport(
        path=out,
        rows={spec.name: len(table) - 1 for spec, table in tables.items()},
        files=tuple(files),
        warnings=tuple(warnings),
    )


@contextmanager
def private_file(path: Path, mode: str = "w", **options: Any) -> Iterator[IO[Any]]:
    """``path`` opened for writing, readable by its owner only (mode 600),
    whether it is new or was there before."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    os.fchmod(descriptor, PRIVATE_FILE_MODE)
    with open(descriptor, mode, **options) as handle:
        yield handle


def _write_csv_folder(
    folder: Path, tables: Mapping[WorkbookFile, Sequence[Sequence[str]]]
) -> list[Path]:
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} exists and is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for spec, table in tables.items():
        # Excel recognises UTF-8 CSV by its BOM; the reader accepts either.
        target = folder / spec.name
        with private_file(target, encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(table)
        written.append(target)
    return written


def _write_xlsx(path: Path, tables: Mapping[WorkbookFile, Sequence[Sequence[str]]]) -> Path:
    workbook = Workbook()
    default_sheet = workbook.active
    if default_sheet is not None:
        workbook.remove(default_sheet)
    for spec, table in tables.items():
        sheet = workbook.create_sheet(spec.sheet)
        for number, row in enumerate(table, start=1):
            sheet.append(list(row))
            for column, value in enumerate(row, start=1):
                if value.startswith("="):
                    # Text, exactly as the graph holds it: openpyxl would
                    # otherwise store it as a formula.
                    sheet.cell(number, column).data_type = "s"
    path.parent.mkdir(parents=True, exist_ok=True)
    with private_file(path, "wb") as handle:
        workbook.save(handle)
    return path
