"""The sheets of an Excel file as rows of cells: ``.xlsx`` streamed through
openpyxl, ``.xls`` (Excel 97–2003) through python-calamine, merged cells
filled from their top-left cell.

``.xlsx`` is read in openpyxl's read-only mode, which streams each sheet's XML
instead of building every cell, so a big sheet costs little memory. Its size
is checked before anything is unpacked: the shared strings and styles are read
whole, and a zip bomb is cheap to make. Read-only mode does not expose merged
ranges, which a sheet lists after its cells; they are found by scanning the
sheet's XML for its ``mergeCell`` elements before the rows are read, which
costs a second unpacking of the part but no parsing.

``.xls`` is read by python-calamine, a binding of the Rust calamine reader:
maintained, with wheels for every common platform, and it reads the old
binary format's dates, numbers and merged ranges as Excel shows them. (xlrd,
the other maintained ``.xls`` reader, is pure Python and needs its slower
formatting mode for merged cells.) calamine builds a whole sheet at once,
which the format itself bounds: an ``.xls`` sheet has at most 65,536 rows and
256 columns.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import openpyxl
import python_calamine
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from loaders.limits import (
    MAX_COLUMNS,
    MAX_MERGED_RANGES,
    MAX_ROW_NUMBER,
    MAX_XLSX_PART_BYTES,
    MAX_XLSX_UNPACKED_BYTES,
    MiB,
)

Rows = Iterator[tuple[int, Sequence[object]]]
"""A sheet's rows, blank ones included: (spreadsheet row number, the cells from
column A; ``None`` or ``""`` for an empty one)."""


class ExcelError(Exception):
    """The file or one of its sheets cannot be read; the message says why."""


@dataclass(frozen=True)
class MergedRange:
    """A merged range, in spreadsheet numbers (1-based, both ends included)."""

    min_column: int
    min_row: int
    max_column: int
    max_row: int


@dataclass
class Sheet:
    """One sheet of an Excel file.

    Attributes:
        name: the sheet's name.
        rows: its rows, with merged cells filled; reading them may raise
            :class:`ExcelError`.
        problem: a problem found before its rows were read (too many merged
            ranges), or ``None``.
    """

    name: str
    rows: Rows
    problem: str | None = None


def describe(error: BaseException) -> str:
    """An exception as a short text: its type, and its message if it has one."""
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


# --- .xlsx -------------------------------------------------------------------


def xlsx_sheets(path: Path) -> Iterator[Sheet]:
    """The sheets of an ``.xlsx`` (or ``.xlsm``), in workbook order; chart
    sheets are left out.

    Args:
        path: the file.

    Raises:
        ExcelError: the file is not a readable workbook, or unpacks to more
            than the limits allow.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            _check_sizes(archive)
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            try:
                for name in book.sheetnames:
                    sheet = book[name]
                    if isinstance(sheet, ReadOnlyWorksheet):
                        yield _xlsx_sheet(archive, sheet)
            finally:
                book.close()
    except ExcelError:
        raise
    except Exception as error:
        # openpyxl reports a damaged file through many unrelated exception
        # types (zip, XML, KeyError, ValueError …); all mean the same to a user.
        raise ExcelError(f"cannot open the workbook: {describe(error)}") from error


def _check_sizes(archive: zipfile.ZipFile) -> None:
    # The sizes a zip declares are what it unpacks to at most: zipfile stops
    # there and then fails on the checksum.
    total = 0
    for member in archive.infolist():
        total += member.file_size
        if member.file_size > MAX_XLSX_PART_BYTES and not _is_sheet_part(member.filename):
            raise ExcelError(
                f"the workbook's part {member.filename} unpacks to "
                f"{member.file_size // MiB:,} MiB, more than the "
                f"{MAX_XLSX_PART_BYTES // MiB} MiB allowed"
            )
    if total > MAX_XLSX_UNPACKED_BYTES:
        raise ExcelError(
            f"the workbook unpacks to {total // MiB:,} MiB, more than the "
            f"{MAX_XLSX_UNPACKED_BYTES // MiB} MiB allowed; split it into several workbooks"
        )


def _is_sheet_part(name: str) -> bool:
    return PurePosixPath(name).parent.name == "worksheets"


def _xlsx_sheet(archive: zipfile.ZipFile, sheet: ReadOnlyWorksheet) -> Sheet:
    part: object = getattr(sheet, "_worksheet_path", None)
    merged: list[MergedRange] = []
    problem = None
    # openpyxl's read-only sheets know their part but do not say so publicly;
    # tests/loaders/test_workbook_files.py fails if that ever changes.
    if isinstance(part, str):
        try:
            merged = _merged_ranges(archive, part)
        except Exception as error:
            return Sheet(sheet.title, iter(()), f"cannot read the sheet: {describe(error)}")
        if len(merged) > MAX_MERGED_RANGES:
            merged = merged[:MAX_MERGED_RANGES]
            problem = (
                f"more than {MAX_MERGED_RANGES:,} merged ranges: unmerge the cells "
                "(取消合并单元格) and fill them"
            )
    return Sheet(sheet.title, fill_merged(_xlsx_rows(sheet), merged), problem)


def _xlsx_rows(sheet: ReadOnlyWorksheet) -> Rows:
    # The size a sheet records is unreliable when other tools wrote it, and a
    # crafted one can claim a million rows of 16,384 columns: it is dropped,
    # and the rows are read up to the limits instead. Without it openpyxl
    # still fills skipped rows with empty ones, which keeps the numbering.
    # One column past the limit is read to tell that there is more.
    sheet.reset_dimensions()
    # The stubs type this method, shared with Worksheet, for Worksheet alone.
    rows = sheet.iter_rows(  # type: ignore[misc]
        max_row=MAX_ROW_NUMBER, max_col=MAX_COLUMNS + 1, values_only=True
    )
    try:
        yield from enumerate(rows, start=1)
    except Exception as error:
        raise ExcelError(f"cannot read the sheet: {describe(error)}") from error


_MERGE_CELL = re.compile(
    rb"<(?:[A-Za-z_][\w.\-]*:)?mergeCell\s[^>]*?\bref\s*=\s*[\"']"
    rb"([A-Za-z]{1,3}[0-9]{1,7}(?::[A-Za-z]{1,3}[0-9]{1,7})?)[\"']"
)
_CHUNK = 1 * MiB
_OVERLAP = 512


def _merged_ranges(archive: zipfile.ZipFile, part: str) -> list[MergedRange]:
    """The merged ranges a sheet's XML lists, at most one more than the limit.

    A ``<`` in XML text or attribute values is always escaped, so every match
    is a real element.
    """
    found: list[MergedRange] = []
    tail = b""
    with archive.open(part) as source:
        while chunk := source.read(_CHUNK):
            data = tail + chunk
            end = 0
            for match in _MERGE_CELL.finditer(data):
                end = match.end()
                reference = match[1].decode("ascii")
                if ":" not in reference:
                    continue
                min_column, min_row, max_column, max_row = range_boundaries(reference)
                if min_column and min_row and max_column and max_row:
                    found.append(MergedRange(min_column, min_row, max_column, max_row))
                if len(found) > MAX_MERGED_RANGES:
                    return found
            # A match cut by the chunk's end is found whole in the next round.
            tail = data[max(end, len(data) - _OVERLAP) :]
    return found


# --- .xls --------------------------------------------------------------------


def xls_sheets(path: Path) -> Iterator[Sheet]:
    """The worksheets of an ``.xls`` (Excel 97–2003), in workbook order.

    Args:
        path: the file.

    Raises:
        ExcelError: the file is not a readable ``.xls`` workbook.
    """
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as error:
        raise ExcelError(f"cannot open the workbook: {describe(error)}") from error
    try:
        for metadata in book.sheets_metadata:
            if metadata.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            try:
                sheet = book.get_sheet_by_name(metadata.name)
                # Absolute from A1, as the spreadsheet numbers it.
                table = sheet.to_python(skip_empty_area=False)
                ranges = sheet.merged_cell_ranges or []
            except Exception as error:
                raise ExcelError(f"cannot read sheet {metadata.name}: {describe(error)}") from error
            merged = [
                MergedRange(first_column + 1, first_row + 1, last_column + 1, last_row + 1)
                for (first_row, first_column), (last_row, last_column) in ranges
            ]
            rows = ((number, values[: MAX_COLUMNS + 1]) for number, values in enumerate(table, 1))
            yield Sheet(metadata.name, fill_merged(rows, merged))
    finally:
        book.close()


# --- merged cells ------------------------------------------------------------


def fill_merged(rows: Rows, merged: Sequence[MergedRange]) -> Rows:
    """The rows with each merged range's cells holding its top-left value.

    A community name merged down a column then reads on every row it spans.
    A row whose only content would come from a merged range stays blank (it
    looks blank to the planner too), and ranges that overlap an earlier one,
    which Excel never writes, are ignored.

    Args:
        rows: the sheet's rows, blank ones included.
        merged: its merged ranges.
    """
    if not merged:
        yield from rows
        return
    pending = sorted(merged, key=lambda merged_range: merged_range.min_row, reverse=True)
    active: list[tuple[MergedRange, object]] = []
    for number, values in rows:
        while pending and pending[-1].min_row <= number:
            merged_range = pending.pop()
            if merged_range.min_row < number or merged_range.min_column > MAX_COLUMNS:
                continue
            anchor = _at(values, merged_range.min_column - 1)
            if _is_empty(anchor) or any(_overlap(merged_range, other) for other, _ in active):
                continue
            active.append((merged_range, anchor))
        if active:
            active = [(other, value) for other, value in active if other.max_row >= number]
        if not active or all(_is_empty(value) for value in values):
            yield number, values
            continue
        filled = list(values)
        for merged_range, anchor in active:
            last = min(merged_range.max_column, MAX_COLUMNS)
            if len(filled) < last:
                filled.extend([None] * (last - len(filled)))
            for index in range(merged_range.min_column - 1, last):
                if _is_empty(filled[index]):
                    filled[index] = anchor
        yield number, filled


def _at(values: Sequence[object], index: int) -> object:
    return values[index] if index < len(values) else None


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _overlap(first: MergedRange, second: MergedRange) -> bool:
    return (
        first.min_column <= second.max_column
        and second.min_column <= first.max_column
        and first.min_row <= second.max_row
        and second.min_row <= first.max_row
    )
