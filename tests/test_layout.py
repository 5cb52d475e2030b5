"""DESIGN's import rule, checked on every module: each top-level folder
imports only the folders it may (``graph`` nothing of ours; ``loaders`` and
``queries`` only ``graph``; ``visualize`` ``queries`` and ``graph``; ``api``
all of them), and no test imports from ``bench/``: what both share (serving
an app, driving a browser) lives in ``tests/``, which the benchmark imports."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PACKAGES = ("graph", "loaders", "queries", "visualize", "api")

MAY_IMPORT: dict[str, frozenset[str]] = {
    "graph": frozenset({"graph"}),
    "loaders": frozenset({"loaders", "graph"}),
    "queries": frozenset({"queries", "graph"}),
    "visualize": frozenset({"visualize", "queries", "graph"}),
    "api": frozenset({"api", "loaders", "queries", "visualize", "graph"}),
    "tests": frozenset({"tests", *PACKAGES}),
    "bench": frozenset({"bench", "tests", *PACKAGES}),
}
"""Which of the project's top-level folders each folder's modules may import."""

OURS = frozenset(MAY_IMPORT)


def modules() -> Iterator[Path]:
    for folder in MAY_IMPORT:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "work" not in path.relative_to(ROOT).parts[1:2]:
                yield path


def imported(path: Path) -> Iterator[tuple[int, str]]:
    """The project folders a module imports, with the line of each import."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def test_the_walk_finds_every_folder() -> None:
    found = {path.relative_to(ROOT).parts[0] for path in modules()}
    assert found == OURS
    assert sum(1 for _ in modules()) > 150


@pytest.mark.parametrize("folder", sorted(MAY_IMPORT))
def test_each_folder_imports_only_what_it_may(folder: str) -> None:
    allowed = MAY_IMPORT[folder]
    wrong = [
        f"{path.relative_to(ROOT)}:{line}: imports {target}"
        for path in modules()
        if path.relative_to(ROOT).parts[0] == folder
        for line, target in imported(path)
        if target in OURS and target not in allowed
    ]
    assert wrong == [], "\n".join(wrong)


def test_a_wrong_arrow_is_caught(tmp_path: Path) -> None:
    """The check reads real imports, relative ones aside."""
    module = tmp_path / "sample.py"
    module.write_text(
        "import queries.audit\nfrom api.main import create_app\nfrom . import sibling\n",
        encoding="utf-8",
    )
    assert list(imported(module)) == [(1, "queries"), (2, "api")]
