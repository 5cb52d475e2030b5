"""The workbook reference in ``docs/workbook.md`` is the format's own tables,
printed: it never drifts from what the reader accepts."""

from __future__ import annotations

from pathlib import Path

from loaders.workbook_format import reference_markdown

DOCS = Path(__file__).resolve().parents[2] / "docs" / "workbook.md"


def test_the_workbook_reference_is_current() -> None:
    assert DOCS.read_text(encoding="utf-8") == reference_markdown(), (
        "docs/workbook.md is stale: regenerate it with "
        "`.venv/bin/python -c 'from loaders.workbook_format import reference_markdown; "
        'print(reference_markdown(), end="")\' > docs/workbook.md`'
    )
