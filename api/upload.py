"""An uploaded workbook, from the request to a file the server may load: saved
within :data:`~loaders.limits.MAX_UPLOAD_BYTES`, then unpacked, read and
validated by a child process (:mod:`loaders.upload`) bounded in memory and
time, whose verdict becomes the API's answer: the workbook's path, or a 422
with its problems, a 400 or a 413.

The server's own memory is never spent on an upload it has not seen to be a
valid workbook: a file that would take gigabytes to read costs the child
process, which the kernel refuses the memory, and one answer.
"""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

from api.errors import BadRequestError, PayloadTooLargeError
from graph.errors import Problem, ValidationError
from loaders.limits import (
    MAX_UPLOAD_BYTES,
    UPLOAD_MEMORY_BYTES,
    UPLOAD_SECONDS,
    UPLOADS_AT_ONCE,
    MiB,
)
from loaders.records import KnownNode
from loaders.upload import known_to_json

logger = logging.getLogger("civicgraph.api")

_CHUNK = 1 * MiB
_READING = threading.BoundedSemaphore(UPLOADS_AT_ONCE)
"""Each reading may take its memory budget: a few at once, the others wait."""


def save_upload(source: BinaryIO, target: Path) -> None:
    """Copy an upload to ``target`` a chunk at a time.

    Raises:
        PayloadTooLargeError: it is larger than the limit.
    """
    written = 0
    with target.open("wb") as handle:
        while chunk := source.read(_CHUNK):
            written += len(chunk)
            if written > MAX_UPLOAD_BYTES:
                raise PayloadTooLargeError(
                    f"the upload is larger than {MAX_UPLOAD_BYTES // MiB} MiB"
                )
            handle.write(chunk)


def checked_workbook(
    received: Path, name: str, folder: Path, known: Mapping[str, KnownNode]
) -> Path:
    """The valid workbook an upload holds, checked in a child process.

    Args:
        received: the saved upload, in ``folder``.
        name: the file name the client gave.
        folder: a private temporary folder the child unpacks into.
        known: the nodes the workbook may refer to besides its own.

    Returns:
        The workbook (an Excel file or a folder of CSV files) in ``folder``.

    Raises:
        ValidationError: the workbook has problems (the first ones, counted).
        BadRequestError: it is not a workbook, or a damaged one.
        PayloadTooLargeError: it is past a size limit, or needs more memory
            or time to read than allowed.
    """
    known_file = folder / "known.json"
    verdict_file = folder / "verdict.json"
    log_file = folder / "reader.log"
    known_file.write_text(json.dumps(known_to_json(known)), encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "loaders.upload",
        str(received),
        name,
        str(folder),
        str(known_file),
        str(verdict_file),
    ]
    with _READING, log_file.open("wb") as log:
        try:
            finished = subprocess.run(
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, timeout=UPLOAD_SECONDS
            )
        except subprocess.TimeoutExpired as error:
            raise PayloadTooLargeError(
                f"the workbook takes more than {UPLOAD_SECONDS} s to read; "
                "split it into several workbooks"
            ) from error
    if not verdict_file.exists():
        raise _failure(finished.returncode, log_file.read_text(errors="replace"))
    return _path_or_error(json.loads(verdict_file.read_text(encoding="utf-8")))


def _path_or_error(verdict: dict[str, Any]) -> Path:
    outcome, message = verdict["outcome"], verdict["message"]
    if outcome == "ok":
        return Path(verdict["workbook"])
    if outcome == "rejected":
        problems = [Problem(**problem) for problem in verdict["problems"]]
        raise ValidationError(problems, unreported=verdict["problem_count"] - len(problems))
    if outcome == "too_large":
        raise PayloadTooLargeError(message)
    raise BadRequestError(message)


def _failure(status: int, log: str) -> Exception:
    """The error for a reader that died without a verdict."""
    # Memory refused outside Python (in a Rust reader, say) aborts the
    # process, and the kernel's OOM killer kills it; both mean the same.
    if status in (-signal.SIGABRT, -signal.SIGKILL) or "memory allocation" in log:
        limit = f"{UPLOAD_MEMORY_BYTES // (1024 * MiB)} GiB"
        return PayloadTooLargeError(
            f"the workbook needs more than {limit} of memory to read; "
            "split it into several workbooks"
        )
    logger.error("the workbook reader exited with status %s:\n%s", status, log[-4000:])
    return BadRequestError("the workbook could not be read")
