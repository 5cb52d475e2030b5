"""Reading a workbook — a folder of CSV files or one ``.xlsx`` — into raw rows,
and writing the empty template planners fill in.

Reading maps each header to its canonical column (English or Chinese alias, see
:mod:`loaders.workbook_format`), numbers rows as a spreadsheet shows them (the
header is row 1), skips fully empty rows and the template's explanation row, and
keeps every non-empty cell as the reader found it: text for CSV, text, numbers,
booleans or dates for XLSX. It judges nothing about the values; that is
:mod:`loaders.validate`'s job. Problems of form (a missing required column, an
unknown column, a file that is not UTF-8, a corrupt ``.xlsx``, a path that does
not exist) are recorded on the :class:`RawWorkbook` rather than raised, so that
validation can report them together with everything else it finds.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from graph.errors import Problem
from graph.schema import ZH
from loaders.workbook_format import (
    AUXILIARY_SHEETS,
    ENUMERATION_COLUMNS,
    ENUMERATIONS,
    EXPLANATION_MARKER,
    FALSE_WORDS,
    FILES,
    SYNONYMS,
    TRUE_WORDS,
    WorkbookFile,
    file_for_name,
    normalize_header,
)

CellValue = str | bool | int | float | date
"""A non-empty cell as read: always ``str`` from CSV; from XLSX also a number,
a boolean or a date (a ``datetime`` for date cells)."""

XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})

_AUXILIARY_SHEETS = frozenset(normalize_header(name) for name in AUXILIARY_SHEETS)


@dataclass(frozen=True)
class RawRow:
    """One non-empty data row.

    Attributes:
        number: the spreadsheet row number (the header is row 1).
        cells: canonical column name → value, for the non-empty cells of known columns.
    """

    number: int
    cells: dict[str, CellValue]


@dataclass(frozen=True)
class RawFile:
    """One file (or sheet) of a workbook, as read.

    Attributes:
        spec: which workbook file this is.
        source: the name problems carry: ``places.csv`` for a CSV file, the sheet
            name (``places``) for an ``.xlsx``.
        columns: the canonical columns the header names, in header order.
        rows: the non-empty data rows, in order.
    """

    spec: WorkbookFile
    source: str
    columns: tuple[str, ...]
    rows: list[RawRow]


@dataclass(frozen=True)
class RawWorkbook:
    """A workbook as read, before validation.

    Attributes:
        path: the folder or ``.xlsx`` file read.
        files: the files present, by canonical file name (``places.csv``).
        problems: problems of form found while reading.
        warnings: things ignored that may be mistakes (an unknown ``.csv`` file).
    """

    path: Path
    files: dict[str, RawFile] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_workbook(path: Path | str) -> RawWorkbook:
    """Read a workbook folder of CSV files or an ``.xlsx`` file.

    Never raises for bad input: an unreadable path or file becomes a
    file-level :class:`~graph.errors.Problem` (row 0) on the result, which
    :func:`loaders.validate.validate` reports with all the others.

    Args:
        path: a folder holding some of the ten ``.csv`` files, or an ``.xlsx``
            whose sheets carry the same names without ``.csv``.

    Returns:
        The files found, their rows, and any problems of form.
    """
    path = Path(path)
    if path.is_dir():
        return _read_folder(path)
    if path.is_file() and path.suffix.lower() in XLSX_SUFFIXES:
        return _read_xlsx(path)
    workbook = RawWorkbook(path)
    if not path.exists():
        message = "no such file or folder"
    elif path.suffix.lower() == ".xls":
        message = "the old .xls format is not read; save the workbook as .xlsx"
    else:
        message = "not a workbook: give a folder of .csv files or an .xlsx file"
    workbook.problems.append(Problem(str(path), 0, "", message))
    return workbook


def cell_text(value: CellValue) -> str:
    """A cell as text: dates as ``YYYY-MM-DD``, integral numbers without ``.0``.

    XLSX cells holding ids or phone numbers often arrive as numbers (``101``,
    ``13800000000.0``); this gives back what the planner typed.

    Args:
        value: a non-empty cell.
    """
    if type(value) is str:  # by far the most common case, checked first
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime) and value.time() == time():
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- CSV folders -------------------------------------------------------------


def _read_folder(folder: Path) -> RawWorkbook:
    workbook = RawWorkbook(folder)
    try:
        entries = sorted(folder.iterdir())
    except OSError as error:
        message = f"cannot list the folder: {error.strerror}"
        workbook.problems.append(Problem(str(folder), 0, "", message))
        return workbook
    for entry in entries:
        if not entry.is_file() or entry.suffix.lower() != ".csv":
            continue
        spec = file_for_name(entry.stem)
        if spec is None:
            workbook.warnings.append(_ignored_name_warning(entry.name, ".csv"))
            continue
        if spec.name in workbook.files:
            first = workbook.files[spec.name].source
            message = f"{spec.name} is given twice, as {first} and {entry.name}; remove one"
            workbook.problems.append(Problem(entry.name, 0, "", message))
            continue
        table = _csv_table(entry, workbook.problems)
        if table is None:
            continue
        if not table:
            workbook.warnings.append(f"{entry.name} is empty and was skipped")
            continue
        workbook.files[spec.name] = _read_table(spec, entry.name, table, workbook.problems)
    return workbook


def _csv_table(path: Path, problems: list[Problem]) -> list[list[str]] | None:
    """The records of one CSV file, or ``None`` (and a problem) when unreadable."""
    try:
        data = path.read_bytes()
    except OSError as error:
        problems.append(Problem(path.name, 0, "", f"cannot read the file: {error.strerror}"))
        return None
    text = _decode(path.name, data, problems)
    if text is None:
        return None
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        problems.append(Problem(path.name, 0, "", f"not a readable CSV file: {error}"))
        return None


def _decode(name: str, data: bytes, problems: list[Problem]) -> str | None:
    # Excel offers "Unicode text" (UTF-16) and, on Chinese Windows, plain "CSV"
    # in GBK; both are common mistakes, so the message says how to fix them.
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.append(
            Problem(name, 0, "", "the file is UTF-16; save it as 'CSV UTF-8 (逗号分隔)'")
        )
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        hint = ""
        try:
            data.decode("gb18030")
            hint = " (it looks like GBK/GB18030)"
        except UnicodeDecodeError:
            pass
        message = (
            f"not UTF-8 text{hint}: byte {error.start} cannot be decoded; "
            "save the file as 'CSV UTF-8 (逗号分隔)'"
        )
        problems.append(Problem(name, 0, "", message))
        return None


# --- XLSX workbooks ----------------------------------------------------------


def _read_xlsx(path: Path) -> RawWorkbook:
    workbook = RawWorkbook(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:
        # openpyxl reports a damaged file through many unrelated exception
        # types (zip, XML, KeyError, ValueError …); all mean the same to a user.
        message = f"cannot open the workbook: {_describe(error)}"
        workbook.problems.append(Problem(path.name, 0, "", message))
        return workbook
    try:
        for sheet_name in book.sheetnames:
            sheet = book[sheet_name]
            if not isinstance(sheet, ReadOnlyWorksheet):
                continue
            spec = file_for_name(sheet_name)
            if spec is None:
                if normalize_header(sheet_name) not in _AUXILIARY_SHEETS:
                    workbook.warnings.append(_ignored_name_warning(sheet_name, ""))
                continue
            if spec.name in workbook.files:
                first = workbook.files[spec.name].source
                message = f"{spec.sheet} is given twice, as sheets {first} and {sheet_name}"
                workbook.problems.append(Problem(sheet_name, 0, "", message))
                continue
            try:
                table = _sheet_rows(sheet)
            except Exception as error:
                message = f"cannot read the sheet: {_describe(error)}"
                workbook.problems.append(Problem(sheet_name, 0, "", message))
                continue
            if not table:
                workbook.warnings.append(f"sheet {sheet_name} is empty and was skipped")
                continue
            workbook.files[spec.name] = _read_table(spec, sheet_name, table, workbook.problems)
    finally:
        book.close()
    return workbook


def _sheet_rows(sheet: ReadOnlyWorksheet) -> list[list[object]]:
    # The size recorded in the file is unreliable when other tools wrote it;
    # without it openpyxl reads to the real end and fills skipped rows with
    # empty ones, which keeps the row numbering right.
    sheet.reset_dimensions()
    table: list[list[object]] = []
    for values in sheet.values:
        table.append(list(values))
    # Trailing empty rows are formatting, not data.
    while table and all(_is_blank(value) for value in table[-1]):
        table.pop()
    return table


def _describe(error: Exception) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


# --- tables of cells ---------------------------------------------------------


def _read_table(
    spec: WorkbookFile,
    source: str,
    table: Sequence[Sequence[object]],
    problems: list[Problem],
) -> RawFile:
    """Map the header of one table to canonical columns and collect its rows."""
    header = [_normalize_cell(value) for value in table[0]]
    aliases = spec.header_index()
    column_at: dict[int, str] = {}
    header_text_of: dict[str, str] = {}
    for index, value in enumerate(header):
        if value is None:
            continue
        text = cell_text(value)
        canonical = aliases.get(normalize_header(text))
        if canonical is None:
            expected = ", ".join(f"{column.name} ({column.zh})" for column in spec.columns)
            problems.append(
                Problem(source, 1, text, f"unknown column {text!r}; expected one of: {expected}")
            )
        elif canonical in header_text_of:
            first = header_text_of[canonical]
            message = f"column {canonical} is given twice, as {first!r} and {text!r}"
            problems.append(Problem(source, 1, canonical, message))
        else:
            column_at[index] = canonical
            header_text_of[canonical] = text
    for column in spec.columns:
        if column.required and column.name not in header_text_of:
            message = f"missing required column {column.name} ({column.zh})"
            problems.append(Problem(source, 1, column.name, message))

    rows: list[RawRow] = []
    reported_headerless: set[int] = set()
    width = len(header)
    headed = [value is not None for value in header]
    for number, values in enumerate(table[1:], start=2):
        cells: dict[str, CellValue] = {}
        headerless: list[tuple[int, CellValue]] = []
        blank = True
        for index, raw_value in enumerate(values):
            if type(raw_value) is str:
                cell: CellValue | None = raw_value.strip() or None
            else:
                cell = _normalize_cell(raw_value)
            if cell is None:
                continue
            blank = False
            if index < width and headed[index]:
                canonical = column_at.get(index)
                if canonical is not None:
                    cells[canonical] = cell
            else:
                headerless.append((index, cell))
        if blank:
            continue
        if number == 2:
            normalized = (_normalize_cell(value) for value in values)
            if _is_explanation_row(value for value in normalized if value is not None):
                continue
        for index, cell in headerless:
            if index not in reported_headerless:
                reported_headerless.add(index)
                letter = get_column_letter(index + 1)
                message = f"value {cell_text(cell)!r} in column {letter}, which has no header"
                problems.append(Problem(source, number, "", message))
        rows.append(RawRow(number, cells))
    columns = tuple(column_at[index] for index in sorted(column_at))
    return RawFile(spec, source, columns, rows)


def _normalize_cell(value: object) -> CellValue | None:
    """A cell as the validator receives it; ``None`` for an empty cell."""
    if value is None:
        return None
    if isinstance(value, str):
        stripped = value.strip()
        return stripped or None
    if isinstance(value, bool | int | float | date):
        return value
    if isinstance(value, time | timedelta):
        return str(value)
    return str(value).strip() or None


def _is_blank(value: object) -> bool:
    return _normalize_cell(value) is None


def _is_explanation_row(cells: Iterable[CellValue]) -> bool:
    return all(isinstance(cell, str) and cell.startswith(EXPLANATION_MARKER) for cell in cells)


def _ignored_name_warning(name: str, suffix: str) -> str:
    known = [f"{spec.sheet}{suffix}" for spec in FILES]
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    kind = "file" if suffix else "sheet"
    return f"ignored {kind} {name}: not part of the workbook format{hint}"


# --- the template ------------------------------------------------------------

_HEADER_FONT = Font(bold=True)
_EXPLANATION_FONT = Font(italic=True, color="555555")
_EXPLANATION_FILL = PatternFill("solid", fgColor="F2F2F2")


def write_template(path: Path | str) -> None:
    """Write an empty ``.xlsx`` workbook for planners to fill in.

    One sheet per workbook file, with the canonical English headers in row 1
    and, in row 2, each column's Chinese alias and a short explanation (every
    cell starting with :data:`~loaders.workbook_format.EXPLANATION_MARKER`, so
    the reader skips the row). A last sheet ``allowed_values`` lists every
    enumerated value with its Chinese term and the synonyms also accepted.

    Args:
        path: where to write the ``.xlsx`` file; an existing file is replaced.

    Raises:
        OSError: when the file cannot be written.
    """
    book = openpyxl.Workbook()
    default_sheet = book.active
    if default_sheet is not None:
        book.remove(default_sheet)
    for spec in FILES:
        sheet = book.create_sheet(spec.sheet)
        sheet.append(list(spec.column_names))
        sheet.append(
            [f"{EXPLANATION_MARKER} {column.zh}：{column.help_zh}" for column in spec.columns]
        )
        _style_data_sheet(sheet, len(spec.columns))
    _write_allowed_values(book.create_sheet("allowed_values"))
    book.save(Path(path))


def _style_data_sheet(sheet: Worksheet, column_count: int) -> None:
    for index in range(1, column_count + 1):
        sheet.cell(1, index).font = _HEADER_FONT
        explanation = sheet.cell(2, index)
        explanation.font = _EXPLANATION_FONT
        explanation.fill = _EXPLANATION_FILL
        explanation.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = 22
    sheet.freeze_panes = "A3"


def _write_allowed_values(sheet: Worksheet) -> None:
    sheet.append(["enumeration", "used_in", "value", "中文", "也可写 (also accepted)"])
    for enumeration, enum_type in ENUMERATIONS.items():
        for member in enum_type:
            synonyms = "；".join(SYNONYMS.get(member, ()))
            sheet.append(
                [
                    enumeration,
                    ENUMERATION_COLUMNS[enumeration],
                    member.value,
                    ZH.get(member, ""),
                    synonyms,
                ]
            )
    boolean_columns = "organizations.red_property; people.party_member"
    sheet.append(
        ["boolean", boolean_columns, "true", "是", "；".join(sorted(TRUE_WORDS - {"true", "是"}))]
    )
    sheet.append(
        [
            "boolean",
            boolean_columns,
            "false",
            "否",
            "；".join(sorted(FALSE_WORDS - {"false", "否"})),
        ]
    )
    for index in range(1, 6):
        sheet.cell(1, index).font = _HEADER_FONT
        sheet.column_dimensions[get_column_letter(index)].width = 24
    sheet.freeze_panes = "A2"
