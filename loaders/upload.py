"""Checking an uploaded workbook in a process of its own: unpack it, read it
and validate it within a memory budget, and say what it holds.

A server must survive any file an admin sends it. Reading is where a file's
size turns into memory (a zip bomb, a shared-strings table of millions of
entries, two million junk rows with a problem in every cell), so the API
never does it in its own process: it runs ``python -m loaders.upload`` on
the saved upload, whose address space is capped at
:data:`~loaders.limits.UPLOAD_MEMORY_BYTES`, and waits for its verdict in a
small JSON file. A file that needs more costs that process, not the server.
Only a workbook found valid is then read again by the server, to load it:
its size is then that of real data.

The verdict is one of ``ok`` (with the workbook's path), ``rejected`` (its
first problems and their count), ``bad_request`` (not a workbook, a damaged
zip) or ``too_large`` (past a size or memory limit), with a message.
"""

from __future__ import annotations

import json
import resource
import sys
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from graph.errors import MAX_REPORTED_PROBLEMS, CivicGraphError, ValidationError
from loaders.limits import MAX_UNPACKED_BYTES, UPLOAD_MEMORY_BYTES, MiB
from loaders.records import KnownNode
from loaders.validate import validate
from loaders.workbook import XLS_SUFFIXES, read_workbook

Outcome = Literal["ok", "rejected", "bad_request", "too_large"]

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""How an ``.xls`` (an OLE2 compound file) begins."""

_CHUNK = 1 * MiB


class UploadError(CivicGraphError):
    """An upload is not a workbook, or is too large to take.

    Attributes:
        outcome: ``bad_request`` or ``too_large``.
    """

    def __init__(self, message: str, outcome: Outcome = "bad_request") -> None:
        super().__init__(message)
        self.outcome = outcome


def unpack_upload(received: Path, name: str, folder: Path) -> Path:
    """The workbook an upload holds: the Excel file itself, or a folder of
    the CSV files a zip holds (their folders inside the zip ignored), or of
    the one CSV file uploaded.

    Args:
        received: the uploaded file.
        name: the file name the client gave.
        folder: an empty folder to unpack into.

    Raises:
        UploadError: neither a zip of CSV files nor an Excel file, a damaged
            zip, a zip with two CSV files of the same name, or one that
            unpacks to too much.
    """
    base = PurePosixPath(name.replace("\\", "/")).name
    if not zipfile.is_zipfile(received):
        with received.open("rb") as handle:
            is_ole2 = handle.read(len(_OLE2_MAGIC)) == _OLE2_MAGIC
        if is_ole2 or PurePosixPath(base).suffix.lower() in XLS_SUFFIXES:
            workbook = folder / "workbook.xls"
            received.replace(workbook)
            return workbook
        if base.lower().endswith(".csv"):
            target = folder / "csv"
            target.mkdir()
            received.replace(target / base)
            return target
        raise UploadError("upload CSV files in a .zip, or an .xlsx or .xls workbook")
    try:
        with zipfile.ZipFile(received) as archive:
            if "[Content_Types].xml" in archive.namelist():
                workbook = folder / "workbook.xlsx"
                received.replace(workbook)
                return workbook
            return _unpack_csv(archive, folder / "csv")
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise UploadError(f"the zip cannot be read: {error}") from error


def _unpack_csv(archive: zipfile.ZipFile, target: Path) -> Path:
    target.mkdir()
    members = [
        member
        for member in archive.infolist()
        if not member.is_dir()
        and member.filename.lower().endswith(".csv")
        and not PurePosixPath(member.filename).name.startswith(".")
        and "__MACOSX" not in PurePosixPath(member.filename).parts
    ]
    if not members:
        raise UploadError("the zip holds no CSV files")
    limit = f"{MAX_UNPACKED_BYTES // MiB} MiB"
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise UploadError(f"the zip unpacks to more than {limit}", "too_large")
    seen: set[str] = set()
    written = 0
    for member in members:
        # Only the base name is used, so that no entry can write outside the folder.
        base = PurePosixPath(member.filename.replace("\\", "/")).name
        if base.lower() in seen:
            raise UploadError(f"the zip holds two files named {base}")
        seen.add(base.lower())
        try:
            with archive.open(member) as source, (target / base).open("wb") as copy:
                # The sizes a zip declares are checked above, and zipfile
                # stops at them; counting is what makes that certain.
                while chunk := source.read(_CHUNK):
                    written += len(chunk)
                    if written > MAX_UNPACKED_BYTES:
                        raise UploadError(f"the zip unpacks to more than {limit}", "too_large")
                    copy.write(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            # A damaged entry fails only when it is expanded, past the
            # directory checks above.
            raise UploadError(
                f"the zip is damaged: {member.filename} cannot be unpacked ({error}); "
                "zip the CSV files again"
            ) from error
        except NotImplementedError as error:
            raise UploadError(f"the zip cannot be read: {error}") from error
        except RuntimeError as error:  # an encrypted entry
            raise UploadError(f"the zip cannot be read: {error}") from error
    return target


def check_upload(
    received: Path, name: str, folder: Path, known: Mapping[str, KnownNode]
) -> dict[str, Any]:
    """Unpack, read and validate an upload: the verdict, as JSON-ready data.

    Args:
        received: the uploaded file.
        name: the file name the client gave.
        folder: an empty folder to unpack into; the workbook stays there.
        known: the nodes the workbook may refer to besides its own.

    Returns:
        ``{"outcome", "message", "workbook", "problems", "problem_count"}``:
        the workbook's path when it is valid; its first problems (as
        ``{file, row, column, message}``) and their count when rejected.
    """
    try:
        workbook = unpack_upload(received, name, folder)
    except UploadError as error:
        return _verdict(error.outcome, str(error))
    try:
        validate(read_workbook(workbook), known)
    except ValidationError as error:
        return _verdict(
            "rejected",
            str(error),
            problems=[
                {"file": p.file, "row": p.row, "column": p.column, "message": p.message}
                for p in error.problems[:MAX_REPORTED_PROBLEMS]
            ],
            problem_count=error.count,
        )
    return _verdict("ok", "valid", workbook=str(workbook))


def _verdict(outcome: Outcome, message: str, **extra: Any) -> dict[str, Any]:
    return {"outcome": outcome, "message": message, **extra}


def known_to_json(known: Mapping[str, KnownNode]) -> dict[str, list[Any]]:
    """Known nodes as JSON-ready data, for :func:`known_from_json` in the child."""
    return {
        node_id: [
            sorted(label.value for label in node.labels),
            None if node.level is None else node.level.value,
            node.parent_id,
        ]
        for node_id, node in known.items()
    }


def known_from_json(data: Mapping[str, Sequence[Any]]) -> dict[str, KnownNode]:
    """The known nodes :func:`known_to_json` wrote."""
    return {
        node_id: KnownNode.from_graph(labels, level, parent_id)
        for node_id, (labels, level, parent_id) in data.items()
    }


def main(arguments: Sequence[str]) -> int:
    """``python -m loaders.upload RECEIVED NAME FOLDER KNOWN_JSON VERDICT_JSON``.

    Caps this process's memory, checks the upload and writes the verdict.

    Returns:
        The exit status: 0 once a verdict is written.
    """
    received, name, folder, known_file, verdict_file = arguments
    known = known_from_json(json.loads(Path(known_file).read_text(encoding="utf-8")))
    resource.setrlimit(resource.RLIMIT_AS, (UPLOAD_MEMORY_BYTES, UPLOAD_MEMORY_BYTES))
    try:
        verdict = check_upload(Path(received), name, Path(folder), known)
    except MemoryError:
        # What the file made is gone with the frames that held it; the
        # verdict needs little.
        limit = f"{UPLOAD_MEMORY_BYTES // (1024 * MiB)} GiB"
        verdict = _verdict(
            "too_large",
            f"the workbook needs more than {limit} of memory to read; "
            "split it into several workbooks",
        )
    Path(verdict_file).write_text(json.dumps(verdict, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
