"""``POST /api/workbook``: upload a workbook — CSV files in a ``.zip``, or an
``.xlsx`` — validated whole exactly as ``civicgraph load`` does; a rejected
workbook answers 422 with every problem and writes nothing. Unscoped admins only."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from api.deps import AdminToken, GraphDep
from api.errors import BadRequestError, ForbiddenError, PayloadTooLargeError
from api.models import ErrorPublic, WorkbookLoadPublic
from api.routes.common import AUTH_RESPONSES, BAD_REQUEST
from api.services.workbook import workbook_load_public
from loaders.load import load_workbook

router = APIRouter(
    prefix="/workbook", tags=["workbook"], responses={**AUTH_RESPONSES, **BAD_REQUEST}
)

MAX_UPLOAD_BYTES = 64 * 1024 * 1024
"""The largest upload taken."""

MAX_UNPACKED_BYTES = 512 * 1024 * 1024
"""The most a zip of CSV files may unpack to."""

_CHUNK = 1024 * 1024


def _save(upload: UploadFile, target: Path) -> None:
    """Copy the upload to ``target``, refusing one larger than the limit."""
    written = 0
    with target.open("wb") as handle:
        while chunk := upload.file.read(_CHUNK):
            written += len(chunk)
            if written > MAX_UPLOAD_BYTES:
                raise PayloadTooLargeError(
                    f"the upload is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MiB"
                )
            handle.write(chunk)


def unpack_upload(received: Path, name: str, folder: Path) -> Path:
    """The workbook an upload holds: the ``.xlsx`` itself, or a folder of the
    CSV files a zip holds (their folders inside the zip ignored).

    Args:
        received: the uploaded file.
        name: the file name the client gave.
        folder: an empty folder to unpack into.

    Raises:
        BadRequestError: neither a zip of CSV files nor an ``.xlsx``, or a zip
            with two CSV files of the same name.
        PayloadTooLargeError: a zip that unpacks to too much.
    """
    if not zipfile.is_zipfile(received):
        if name.lower().endswith(".csv"):
            target = folder / "csv"
            target.mkdir()
            received.replace(target / PurePosixPath(name.replace("\\", "/")).name)
            return target
        raise BadRequestError("upload CSV files in a .zip, or an .xlsx workbook")
    try:
        with zipfile.ZipFile(received) as archive:
            names = archive.namelist()
            if "[Content_Types].xml" in names:
                workbook = folder / "workbook.xlsx"
                received.replace(workbook)
                return workbook
            return _unpack_csv(archive, folder / "csv")
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise BadRequestError(f"the zip cannot be read: {error}") from error


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
        raise BadRequestError("the zip holds no CSV files")
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise PayloadTooLargeError("the zip unpacks to more than 512 MiB")
    seen: set[str] = set()
    for member in members:
        # Only the base name is used, so that no entry can write outside the folder.
        base = PurePosixPath(member.filename.replace("\\", "/")).name
        if base.lower() in seen:
            raise BadRequestError(f"the zip holds two files named {base}")
        seen.add(base.lower())
        (target / base).write_bytes(archive.read(member))
    return target


@router.post(
    "",
    response_model=WorkbookLoadPublic,
    summary="上传工作簿 · Upload a workbook",
    responses={
        413: {"model": ErrorPublic, "description": "the upload is too large"},
        422: {
            "model": ErrorPublic,
            "description": "the workbook was rejected: every problem as {file,row,column,message}",
        },
    },
)
def upload_workbook(
    graph: GraphDep,
    token: AdminToken,
    file: Annotated[UploadFile, File(description="CSV files in a .zip, or an .xlsx")],
    replace: Annotated[
        bool, Form(description="make the graph equal to the workbook (load --replace)")
    ] = False,
) -> WorkbookLoadPublic:
    """Validate the whole workbook against the graph, then load it: every
    problem is reported as ``{file, row, column, message}`` (rows as a
    spreadsheet numbers them) and nothing is written when there is one.
    Loading the same workbook twice changes nothing."""
    if token.scope_id is not None:
        raise ForbiddenError("a workbook may touch any place: an unscoped admin token is needed")
    with tempfile.TemporaryDirectory(prefix="civicgraph-upload-") as temporary:
        folder = Path(temporary)
        received = folder / "upload"
        _save(file, received)
        workbook = unpack_upload(received, file.filename or "upload", folder)
        report = load_workbook(graph, workbook, replace=replace)
    return workbook_load_public(report, path=file.filename or "upload")
