"""Writing the graph back as a workbook: a folder of CSV files, or one
``.xlsx`` whose sheets carry the same names.

Planners download the export, edit it in Excel and load it again; it also
serves as a backup. Each file comes from one catalog query
(``queries/cypher/export_*.cypher``) whose columns are the file's canonical
columns, rows sorted by id, cells written as the reader reads them (``;``
between many values, ``true``/``false``, ISO dates), so that an export loaded
into an empty database exports again identically.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from graph.connection import Graph
from graph.errors import CivicGraphError
from loaders.workbook import XLSX_SUFFIXES
from loaders.workbook_format import FILES, WorkbookFile
from queries.catalog import run


class ExportError(CivicGraphError):
    """The export could not be written where it was asked to go."""


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote.

    Attributes:
        path: the folder or ``.xlsx`` written.
        rows: rows per file.
    """

    path: Path
    rows: Mapping[str, int]

    def to_json(self) -> dict[str, Any]:
        """The report as a JSON-ready dict."""
        return {"path": str(self.path), "rows": dict(self.rows)}


def export_query_name(spec: WorkbookFile) -> str:
    """The catalog query that reads one workbook file out of the graph."""
    return f"export_{spec.sheet}"


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


def read_tables(graph: Graph) -> dict[WorkbookFile, list[list[str]]]:
    """Every workbook file's rows as the graph holds them, header first."""
    tables: dict[WorkbookFile, list[list[str]]] = {}
    for spec in FILES:
        columns = spec.column_names
        rows = run(graph, export_query_name(spec))
        tables[spec] = [list(columns)] + [[cell(row[column]) for column in columns] for row in rows]
    return tables


def export_workbook(graph: Graph, out: Path | str) -> ExportReport:
    """Write the whole graph as a workbook.

    Args:
        graph: the connection.
        out: a folder (created if needed) for CSV files, or a path ending in
            ``.xlsx``.

    Raises:
        ExportError: the destination cannot be written.
    """
    out = Path(out)
    tables = read_tables(graph)
    try:
        if out.suffix.lower() in XLSX_SUFFIXES:
            _write_xlsx(out, tables)
        else:
            _write_csv_folder(out, tables)
    except OSError as error:
        raise ExportError(f"cannot write the export to {out}: {error.strerror or error}") from error
    return ExportReport(
        path=out, rows={spec.name: len(table) - 1 for spec, table in tables.items()}
    )


def _write_csv_folder(folder: Path, tables: Mapping[WorkbookFile, Sequence[Sequence[str]]]) -> None:
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} exists and is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    for spec, table in tables.items():
        # Excel recognises UTF-8 CSV by its BOM; the reader accepts either.
        with open(folder / spec.name, "w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(table)


def _write_xlsx(path: Path, tables: Mapping[WorkbookFile, Sequence[Sequence[str]]]) -> None:
    workbook = Workbook()
    default_sheet = workbook.active
    if default_sheet is not None:
        workbook.remove(default_sheet)
    for spec, table in tables.items():
        sheet = workbook.create_sheet(spec.sheet)
        for row in table:
            sheet.append(list(row))
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
