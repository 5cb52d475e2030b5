"""``POST /api/workbook``: upload a workbook — CSV files in a ``.zip``, or an
``.xlsx`` or ``.xls`` — validated whole exactly as ``civicgraph load`` does; a
rejected workbook answers 422 with its problems and writes nothing. The upload
is read in a child process within a memory budget (:mod:`api.upload`), so that
no file can take the server down. Unscoped admins only."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from api.deps import AdminToken, GraphDep
from api.errors import ForbiddenError
from api.models import ErrorPublic, WorkbookLoadPublic
from api.routes.common import AUTH_RESPONSES, BAD_REQUEST
from api.services.workbook import workbook_load_public
from api.upload import checked_workbook, save_upload
from graph.changes import Actor
from loaders.load import known_from_graph, known_nodes, load_workbook

router = APIRouter(
    prefix="/workbook", tags=["workbook"], responses={**AUTH_RESPONSES, **BAD_REQUEST}
)


@router.post(
    "",
    response_model=WorkbookLoadPublic,
    summary="上传工作簿 · Upload a workbook",
    responses={
        413: {
            "model": ErrorPublic,
            "description": "the upload is too large, or needs too much memory or time to read",
        },
        422: {
            "model": ErrorPublic,
            "description": "the workbook was rejected: its first problems as "
            "{file,row,column,message}, and their count",
        },
    },
)
def upload_workbook(
    graph: GraphDep,
    token: AdminToken,
    file: Annotated[UploadFile, File(description="CSV files in a .zip, or an .xlsx or .xls")],
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
    name = file.filename or "upload"
    with tempfile.TemporaryDirectory(prefix="civicgraph-upload-") as temporary:
        folder = Path(temporary)
        received = folder / "upload"
        save_upload(file.file, received)
        # What the load will check references against (load_workbook's rule).
        known = known_nodes(None) | ({} if replace else known_from_graph(graph))
        workbook = checked_workbook(received, name, folder, known)
        report = load_workbook(
            graph,
            workbook,
            replace=replace,
            source=f"api upload {name}",
            actor=Actor(id=token.id, name=token.name),
        )
    return workbook_load_public(report, path=name)
