"""Reading a workbook — a folder of CSV files, or one ``.xlsx`` or ``.xls`` —
into raw rows, and writing the empty template planners fill in.

Reading finds each file's header row (row 1, or the first row under a title
that names a known column), maps each header to its canonical column (English
or Chinese alias, see :mod:`loaders.workbook_format`), numbers rows as the
spreadsheet shows them, skips fully empty rows and the template's explanation
row, and keeps every non-empty cell as the reader found it: text for CSV;
text, numbers, booleans or dates for Excel files, merged cells filled from
their top-left cell (:mod:`loaders.excel`). A CSV file that is not UTF-8 is
read as GB18030, the encoding Excel saves "CSV" in on Chinese Windows, and the
warnings say so. Files are read as streams, and each stops at the caps of
:mod:`loaders.limits`, so that memory grows with the rows kept, never with
what a file claims to hold.

The reader judges nothing about the values; that is :mod:`loaders.validate`'s
job. Problems of form (a missing required column, an unknown column, a file in
an encoding it cannot tell, a corrupt Excel file, a path that does not exist, a
file past a cap) are recorded on the :class:`RawWorkbook` rather than raised,
so that validation can report them together with everything else it finds.
"""

from __future__ import annotations

import codecs
import csv
import difflib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import chain
from pathlib import Path
from typing import BinaryIO, TextIO

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from graph.errors import Problem
from graph.schema import ZH
from loaders.excel import ExcelError, Rows, Sheet, xls_sheets, xlsx_sheets
from loaders.limits import (
    HEADER_SEARCH_ROWS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_DATA_ROWS,
    MAX_LINE_BYTES,
    MAX_ROW_NUMBER,
    MiB,
)
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
"""A non-empty cell as read: always ``str`` from CSV; from Excel files also a
number, a boolean or a date (a ``datetime`` for date cells)."""

XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
XLS_SUFFIXES = frozenset({".xls"})

_AUXILIARY_SHEETS = frozenset(normalize_header(name) for name in AUXILIARY_SHEETS)


@dataclass(frozen=True)
class RawRow:
    """One non-empty data row.

    Attributes:
        number: the spreadsheet row number (row 1 is the first row of the file).
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
            name (``places``) for an Excel file.
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
        path: the folder or Excel file read.
        files: the files present, by canonical file name (``places.csv``).
        problems: problems of form found while reading.
        warnings: what the reader ignored or guessed, which may be a mistake (an
            unknown ``.csv`` file, a header below a title, a GB18030 file).
    """

    path: Path
    files: dict[str, RawFile] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_workbook(path: Path | str) -> RawWorkbook:
    """Read a workbook folder of CSV files, an ``.xlsx`` or an ``.xls`` file.

    Never raises for bad input: an unreadable path or file becomes a
    file-level :class:`~graph.errors.Problem` (row 0) on the result, which
    :func:`loaders.validate.validate` reports with all the others.

    Args:
        path: a folder holding some of the ten ``.csv`` files, or an Excel
            file whose sheets carry the same names without ``.csv``.

    Returns:
        The files found, their rows, and any problems of form.
    """
    path = Path(path)
    if path.is_dir():
        return _read_folder(path)
    suffix = path.suffix.lower()
    if path.is_file() and suffix in XLSX_SUFFIXES:
        return _read_excel(path, xlsx_sheets)
    if path.is_file() and suffix in XLS_SUFFIXES:
        return _read_excel(path, xls_sheets)
    workbook = RawWorkbook(path)
    if not path.exists():
        message = "no such file or folder"
    else:
        message = "not a workbook: give a folder of .csv files, an .xlsx or an .xls file"
    workbook.problems.append(Problem(str(path), 0, "", message))
    return workbook


def cell_text(value: CellValue) -> str:
    """A cell as text: dates as ``YYYY-MM-DD``, integral numbers without ``.0``.

    Excel cells holding ids or phone numbers often arrive as numbers (``101``,
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

_GB18030 = "gb18030"
_UTF8 = "utf-8-sig"
_CHUNK = 1 * MiB


def _read_folder(folder: Path) -> RawWorkbook:
    workbook = RawWorkbook(folder)
    try:
        entries = sorted(folder.iterdir())
    except OSError as error:
        message = f"cannot list the folder: {error.strerror}"
        workbook.problems.append(Problem(str(folder), 0, "", message))
        return workbook
    guessed: list[str] = []
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
        encoding = _csv_encoding(entry, workbook.problems)
        if encoding is None:
            continue
        if encoding == _GB18030:
            guessed.append(entry.name)
        raw_file = _read_csv(spec, entry, encoding, workbook)
        if raw_file is None:
            workbook.warnings.append(f"{entry.name} is empty and was skipped")
            continue
        workbook.files[spec.name] = raw_file
    if guessed:
        workbook.warnings.append(
            f"not UTF-8, read as GBK/GB18030 (Excel's 'CSV' on Chinese Windows): "
            f"{', '.join(guessed)}; if a name reads wrong, save as 'CSV UTF-8 (逗号分隔)'"
        )
    return workbook


def _csv_encoding(path: Path, problems: list[Problem]) -> str | None:
    """The encoding to read a CSV file in: UTF-8 (with or without BOM) when
    its bytes are UTF-8, else GB18030 (a superset of GBK) when they are that;
    ``None`` (and a problem) otherwise, or when a line is too long to be a
    spreadsheet's row."""
    # Excel offers "Unicode text" (UTF-16) too, a common mistake: the message
    # says how to fix it.
    try:
        with path.open("rb") as handle:
            if handle.read(2) in (b"\xff\xfe", b"\xfe\xff"):
                message = "the file is UTF-16; save it as 'CSV UTF-8 (逗号分隔)'"
                problems.append(Problem(path.name, 0, "", message))
                return None
            handle.seek(0)
            utf8_error, longest_line = _scan(handle, _UTF8)
            if longest_line > MAX_LINE_BYTES:
                message = (
                    f"a line is longer than {MAX_LINE_BYTES:,} bytes: not a spreadsheet "
                    "saved as CSV; the file was not read"
                )
                problems.append(Problem(path.name, 0, "", message))
                return None
            if utf8_error is None:
                return _UTF8
            handle.seek(0)
            if _scan(handle, _GB18030)[0] is None:
                return _GB18030
    except OSError as error:
        problems.append(Problem(path.name, 0, "", f"cannot read the file: {error.strerror}"))
        return None
    message = (
        f"not UTF-8 text, nor GBK/GB18030: byte {utf8_error:,} cannot be decoded; "
        "save the file as 'CSV UTF-8 (逗号分隔)'"
    )
    problems.append(Problem(path.name, 0, "", message))
    return None


def _scan(handle: BinaryIO, encoding: str) -> tuple[int | None, int]:
    """Where the bytes stop being text in ``encoding`` (``None`` if they never
    do), and the longest line, in bytes; a chunk at a time."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    line = longest = 0
    while True:
        chunk = handle.read(_CHUNK)
        held = len(decoder.getstate()[0])
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as error:
            return offset - held + error.start, max(longest, line)
        if not chunk:
            return None, max(longest, line)
        # A line that never ends would be read whole into memory by csv.
        pieces = chunk.replace(b"\r", b"\n").split(b"\n")
        if len(pieces) == 1:
            line += len(chunk)
        else:
            longest = max(longest, line + len(pieces[0]), *map(len, pieces[1:-1]))
            line = len(pieces[-1])
        offset += len(chunk)


def _read_csv(
    spec: WorkbookFile, path: Path, encoding: str, workbook: RawWorkbook
) -> RawFile | None:
    try:
        with path.open(encoding=encoding, newline="") as handle:
            return _read_table(spec, path.name, _csv_rows(path.name, handle, workbook), workbook)
    except OSError as error:
        message = f"cannot read the file: {error.strerror}"
        workbook.problems.append(Problem(path.name, 0, "", message))
        return None


def _csv_rows(name: str, handle: TextIO, workbook: RawWorkbook) -> Rows:
    """The records of a CSV file, numbered from 1; a record that cannot be
    read ends the file with a problem."""
    number = 0
    try:
        for number, record in enumerate(csv.reader(handle), start=1):
            yield number, record
    except (csv.Error, OSError, UnicodeDecodeError) as error:
        message = f"not a readable CSV file: {error} (row {number + 1:,})"
        workbook.problems.append(Problem(name, 0, "", message))


# --- Excel files -------------------------------------------------------------


def _read_excel(path: Path, sheets_of: Callable[[Path], Iterator[Sheet]]) -> RawWorkbook:
    workbook = RawWorkbook(path)
    try:
        for sheet in sheets_of(path):
            spec = file_for_name(sheet.name)
            if spec is None:
                if normalize_header(sheet.name) not in _AUXILIARY_SHEETS:
                    workbook.warnings.append(_ignored_name_warning(sheet.name, ""))
                continue
            if spec.name in workbook.files:
                first = workbook.files[spec.name].source
                message = f"{spec.sheet} is given twice, as sheets {first} and {sheet.name}"
                workbook.problems.append(Problem(sheet.name, 0, "", message))
                continue
            if sheet.problem is not None:
                workbook.problems.append(Problem(sheet.name, 0, "", sheet.problem))
            try:
                raw_file = _read_table(spec, sheet.name, sheet.rows, workbook)
            except ExcelError as error:
                workbook.problems.append(Problem(sheet.name, 0, "", str(error)))
                continue
            if raw_file is None:
                workbook.warnings.append(f"sheet {sheet.name} is empty and was skipped")
                continue
            workbook.files[spec.name] = raw_file
    except ExcelError as error:
        workbook.problems.append(Problem(path.name, 0, "", str(error)))
    return workbook


# --- tables of cells ---------------------------------------------------------


def _read_table(
    spec: WorkbookFile, source: str, rows: Rows, workbook: RawWorkbook
) -> RawFile | None:
    """Find the header of one table, map it to canonical columns and collect
    its rows, up to the caps; ``None`` for a table with no non-empty row."""
    problems = workbook.problems
    aliases = spec.header_index()
    found = _find_header(aliases, rows)
    if found is None:
        return None
    (header_number, header), above, rows = found
    if header_number != 1:
        workbook.warnings.append(_header_warning(source, header_number, above))
    column_at: dict[int, str] = {}
    header_text_of: dict[str, str] = {}
    for index, value in enumerate(header):
        if value is None:
            continue
        text = cell_text(value)
        canonical = aliases.get(normalize_header(text))
        if canonical is None:
            expected = ", ".join(f"{column.name} ({column.zh})" for column in spec.columns)
            message = f"unknown column {text!r}; expected one of: {expected}"
            problems.append(Problem(source, header_number, text, message))
        elif canonical in header_text_of:
            first = header_text_of[canonical]
            message = f"column {canonical} is given twice, as {first!r} and {text!r}"
            problems.append(Problem(source, header_number, canonical, message))
        else:
            column_at[index] = canonical
            header_text_of[canonical] = text
    for column in spec.columns:
        if column.required and column.name not in header_text_of:
            message = f"missing required column {column.name} ({column.zh})"
            problems.append(Problem(source, header_number, column.name, message))

    kept: list[RawRow] = []
    reported_headerless: set[int] = set()
    width = len(header)
    headed = [value is not None for value in header]
    row_count = cell_count = 0
    beyond_columns = False
    for number, values in rows:
        if number > MAX_ROW_NUMBER:
            message = f"rows after row {MAX_ROW_NUMBER:,}, Excel's last, were not read"
            problems.append(Problem(source, 0, "", message))
            break
        cells: dict[str, CellValue] = {}
        headerless: list[tuple[int, CellValue]] = []
        blank = True
        for index, raw_value in enumerate(values):
            if raw_value is None:
                continue
            if type(raw_value) is str:
                cell: CellValue | None = raw_value.strip() or None
            else:
                cell = _normalize_cell(raw_value)
            if cell is None:
                continue
            if index >= MAX_COLUMNS:
                beyond_columns = True
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
        if number == header_number + 1:
            normalized = (_normalize_cell(value) for value in values)
            if _is_explanation_row(value for value in normalized if value is not None):
                continue
        for index, cell in headerless:
            if index not in reported_headerless:
                reported_headerless.add(index)
                letter = get_column_letter(index + 1)
                message = f"value {cell_text(cell)!r} in column {letter}, which has no header"
                problems.append(Problem(source, number, "", message))
        row_count += 1
        cell_count += len(cells)
        if headerless:
            cell_count += len(headerless)
        if row_count > MAX_DATA_ROWS or cell_count > MAX_CELLS:
            problems.append(Problem(source, 0, "", _too_many_message(row_count, number)))
            break
        kept.append(RawRow(number, cells))
    if beyond_columns:
        last = get_column_letter(MAX_COLUMNS)
        message = f"values after column {last} were not read: a file has at most {MAX_COLUMNS}"
        problems.append(Problem(source, 0, "", message))
    columns = tuple(column_at[index] for index in sorted(column_at))
    return RawFile(spec, source, columns, kept)


_Numbered = tuple[int, list["CellValue | None"]]


def _find_header(
    aliases: dict[str, str], rows: Rows
) -> tuple[_Numbered, list[_Numbered], Rows] | None:
    """The header row, the non-empty rows above it, and the rows after it.

    The header is the first row with a cell that names a known column (so a
    title above it, as government sheets have, is passed over), looked for
    in the first :data:`~loaders.limits.HEADER_SEARCH_ROWS` non-empty rows;
    failing that, the first non-empty row, whose unknown columns are then
    reported.
    """
    looked: list[_Numbered] = []
    for number, values in rows:
        cells = [_normalize_cell(value) for value in values[:MAX_COLUMNS]]
        if all(cell is None for cell in cells):
            continue
        if any(cell is not None and normalize_header(cell_text(cell)) in aliases for cell in cells):
            return (number, cells), looked, rows
        looked.append((number, cells))
        if len(looked) == HEADER_SEARCH_ROWS:
            break
    if not looked:
        return None
    return looked[0], [], chain(looked[1:], rows)


def _header_warning(source: str, number: int, above: Sequence[_Numbered]) -> str:
    text = f"{source}: row {number} is the header (第 {number} 行为表头)"
    if not above:
        return f"{text}; the blank rows above it were skipped"
    first = next(cell for cell in above[0][1] if cell is not None)
    title = cell_text(first)
    title = title if len(title) <= 60 else f"{title[:60]}…"
    return f"{text}; the {len(above)} row(s) above it were skipped, the first reading {title!r}"


def _too_many_message(rows: int, number: int) -> str:
    if rows > MAX_DATA_ROWS:
        what = f"more than {MAX_DATA_ROWS:,} rows of data"
    else:
        what = f"more than {MAX_CELLS:,} filled cells"
    return (
        f"{what}: row {number:,} and those after it were not read; "
        "split the file into several workbooks (请拆分为多个工作簿)"
    )


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
