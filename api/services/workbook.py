"""What a workbook load wrote, as answered (``POST /api/workbook``) and as
``civicgraph load --json`` prints it."""

from __future__ import annotations

from api.models import WorkbookLoadPublic
from loaders.load import LoadReport


def workbook_load_public(report: LoadReport, path: str | None = None) -> WorkbookLoadPublic:
    """A load's report; ``path`` names the workbook as its sender did (an
    upload's file name, not the temporary file it was read from)."""
    return WorkbookLoadPublic(
        path=report.path if path is None else path,
        files=list(report.files),
        nodes=dict(report.nodes),
        relationships=dict(report.relationships),
        deleted_nodes=dict(report.deleted_nodes),
        deleted_posts=report.deleted_posts,
        entities=report.entities,
        warnings=list(report.warnings),
        digest=report.digest,
        finished=report.finished,
    )
