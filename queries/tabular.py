"""Reports as CSV (报表导出), safe to open in Excel.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is a formula to Excel and WPS, and a need's title is whatever a
resident or a clerk typed: ``=HYPERLINK("http://…"&A1, …)`` would open live.
Every text cell of a report is therefore neutralised as OWASP describes
("CSV injection"): such a cell gets a leading ``'``, which spreadsheets show
as nothing and read as "this is text". Numbers stay numbers. The files are
UTF-8 with a byte-order mark, so that Excel shows the Chinese as it does for
the workbooks planners fill in.

The workbook export (:mod:`loaders.export`) is not a report: it keeps values
exact, so that it loads back unchanged.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a cell must not begin with to be read as text."""

BYTE_ORDER_MARK = "\ufeff"


def safe_cell(value: Any) -> str | int | float:
    """A report cell: ``None`` empty, numbers as they are, a text that a
    spreadsheet would take for a formula prefixed with ``'``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _write(handle: Any, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> int:
    writer = csv.writer(handle)
    writer.writerow([safe_cell(column) for column in columns])
    count = 0
    for row in rows:
        writer.writerow([safe_cell(row.get(column)) for column in columns])
        count += 1
    return count


def report_csv(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """A report as CSV text, byte-order mark first.

    Args:
        columns: the header, in order; each row's values are taken by these keys.
        rows: the rows.
    """
    buffer = io.StringIO()
    buffer.write(BYTE_ORDER_MARK)
    _write(buffer, columns, rows)
    return buffer.getvalue()


def write_report_csv(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> int:
    """Write a report as a CSV file (UTF-8 with a byte-order mark).

    Returns:
        How many rows were written.
    """
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        return _write(handle, columns, rows)
