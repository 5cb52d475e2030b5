"""How much a workbook may hold, and how much reading an uploaded one may cost.

A spreadsheet is easy to make huge by accident (a formula filled down to row
1,048,576) or on purpose (a zip bomb, a shared-strings table of millions of
entries), and reading one is the costliest thing civicgraph does with input
it does not control. The reader stops at these caps and says so; the API
also reads an upload in a child process bounded by the memory and time
below (:mod:`loaders.upload`), so that a bad file costs one answer and never
the server.

The caps are generous for real data: the 11-county synthetic city
(``civicgraph scenario synthetic --counties 11``, the benchmark's workbook)
has 345,171 rows, at most 99,440 in one file (``posts.csv``) and at most
769,110 filled cells in one (``needs.csv``), 24 MiB as CSV and 130 MiB of sheet XML
as ``.xlsx``. docs/workbook.md prints this table.
"""

from __future__ import annotations

from dataclasses import dataclass

MiB = 1024 * 1024

MAX_DATA_ROWS = 500_000
"""Rows of data a file or sheet may have; rows beyond are not read."""

MAX_CELLS = 5_000_000
"""Non-empty cells a file or sheet may have; cells beyond are not read."""

MAX_COLUMNS = 64
"""Columns read from a file or sheet (the widest file has 11)."""

MAX_ROW_NUMBER = 1_048_576
"""The last row read, Excel's own last row: blank rows count towards it."""

MAX_LINE_BYTES = 1 * MiB
"""The longest line a CSV file may have."""

HEADER_SEARCH_ROWS = 20
"""Non-empty rows in which the header row is looked for (below a title)."""

MAX_MERGED_RANGES = 100_000
"""Merged ranges a sheet may have."""

MAX_XLSX_UNPACKED_BYTES = 512 * MiB
"""What the parts of an ``.xlsx`` may unpack to, in all."""

MAX_XLSX_PART_BYTES = 128 * MiB
"""What one part other than a sheet may unpack to: these (the shared strings,
the styles) are read whole, a sheet is streamed."""


MAX_UPLOAD_BYTES = 64 * MiB
"""The largest upload the API takes."""

MAX_UNPACKED_BYTES = 512 * MiB
"""What the CSV files of an uploaded zip may unpack to, in all."""

UPLOAD_MEMORY_BYTES = 3 * 1024 * MiB
"""The address space of the process that reads an upload. Reading and
validating the 11-county city takes under 500 MiB of memory."""

UPLOAD_SECONDS = 600
"""How long reading an upload may take (the 11-county city as ``.xlsx`` takes
about 90 s on two busy cores)."""

UPLOADS_AT_ONCE = 2
"""Uploads read at the same time by one server process; others wait."""


@dataclass(frozen=True)
class Limit:
    """One cap, as the documentation lists it.

    Attributes:
        name: the constant's name.
        value: its value, as a person reads it.
        meaning: what it caps.
    """

    name: str
    value: str
    meaning: str


def _bytes(value: int) -> str:
    return f"{value // (1024 * MiB)} GiB" if value >= 1024 * MiB else f"{value // MiB} MiB"


LIMITS = (
    Limit("MAX_DATA_ROWS", f"{MAX_DATA_ROWS:,}", "rows of data in one file or sheet"),
    Limit("MAX_CELLS", f"{MAX_CELLS:,}", "non-empty cells in one file or sheet"),
    Limit("MAX_COLUMNS", f"{MAX_COLUMNS}", "columns read from one file or sheet"),
    Limit("MAX_ROW_NUMBER", f"{MAX_ROW_NUMBER:,}", "the last row read (Excel's last row)"),
    Limit("MAX_LINE_BYTES", _bytes(MAX_LINE_BYTES), "one line of a CSV file"),
    Limit(
        "HEADER_SEARCH_ROWS",
        f"{HEADER_SEARCH_ROWS}",
        "non-empty rows in which the header row is looked for",
    ),
    Limit("MAX_MERGED_RANGES", f"{MAX_MERGED_RANGES:,}", "merged ranges in one sheet"),
    Limit(
        "MAX_XLSX_UNPACKED_BYTES",
        _bytes(MAX_XLSX_UNPACKED_BYTES),
        "an .xlsx unpacked, all its parts",
    ),
    Limit(
        "MAX_XLSX_PART_BYTES",
        _bytes(MAX_XLSX_PART_BYTES),
        "one part of an .xlsx other than a sheet (shared strings, styles), unpacked",
    ),
    Limit("MAX_UPLOAD_BYTES", _bytes(MAX_UPLOAD_BYTES), "an upload to `POST /api/workbook`"),
    Limit("MAX_UNPACKED_BYTES", _bytes(MAX_UNPACKED_BYTES), "the CSV files of an uploaded zip"),
    Limit(
        "UPLOAD_MEMORY_BYTES",
        _bytes(UPLOAD_MEMORY_BYTES),
        "memory (address space) of the process that reads an upload",
    ),
    Limit("UPLOAD_SECONDS", f"{UPLOAD_SECONDS} s", "time to read an upload"),
    Limit("UPLOADS_AT_ONCE", f"{UPLOADS_AT_ONCE}", "uploads read at once by one server process"),
)
"""Every cap, in the order docs/workbook.md lists them."""
