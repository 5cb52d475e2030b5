"""What a workbook load wrote, as answered (``POST /api/workbook``) and as
``civicgraph load --json`` prints it."""

from __future__ import annotations

from api.models import WorkbookLoadPublic
from loaders.load import LoadReport


def workbook_load_public(report: LoadReport, path: str | None = None) -> WorkbookLoadPublic:
    """A load's report; ``path`` names the workbook as its sender did (an
    upload's file name, not the temporary file it was read from)."""
    document = report.to_json()
    return WorkbookLoadPublic.model_validate(
        {**document, "path": document["path"] if path is None else path}
    )
