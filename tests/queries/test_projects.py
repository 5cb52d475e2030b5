"""Co-building projects against open needs (``queries.projects``), on the
small workbook and a variant with more open needs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.connection import Graph
from graph.errors import NotFoundError
from queries.projects import ProjectsReport, projects_report
from tests.queries.matching_workbooks import LoadedWorkbook, add_row, copy_small
from tests.queries.test_matching import cli


@pytest.fixture(scope="module")
def loaded(graph: Graph) -> LoadedWorkbook:
    """What this module has loaded."""
    return LoadedWorkbook(graph)


@pytest.fixture()
def small(loaded: LoadedWorkbook) -> Graph:
    """The small workbook (loaded again only after a variant)."""
    return loaded.small()


def project_rows(report: ProjectsReport) -> list[tuple[str, str | None, tuple[str, ...], int, int]]:
    """(project, status, open needs, exact matches, places left) in report order."""
    return [(p.project_id, p.status, p.need_ids, p.exact, p.remaining) for p in report.projects]


def gap_rows(report: ProjectsReport) -> list[tuple[str | None, str | None, tuple[str, ...], int]]:
    """(community, category, needs, urgency) of each uncovered category, in order."""
    return [(g.community_id, g.category_id, g.need_ids, g.urgency) for g in report.uncovered]


def test_small_workbook(small: Graph) -> None:
    report = projects_report(small)
    # PJ02 (planned, C02, hardship relief) could take N05; PJ01 (active, C01,
    # property repair) has no open need in its categories (N02 is assigned)
    # and 1 of its 2 places left.
    assert project_rows(report) == [
        ("PJ02", "planned", ("N05",), 1, 1),
        ("PJ01", "active", (), 0, 1),
    ]
    assert report.projects[0].urgency == 1
    # Nothing that takes needs covers N04 (neighbour dispute, urgency 3) or
    # N05 (only the planned PJ02): the more urgent first.
    assert gap_rows(report) == [
        ("C01", "cat_dispute_neighbour", ("N04",), 3),
        ("C02", "cat_hardship_relief", ("N05",), 1),
    ]
    assert report.uncovered[0].community_name == "如意社区"
    assert report.uncovered[0].category_zh == "邻里纠纷调解"
    assert report.uncovered[1].inactive_projects == ("PJ02",)


def test_community_filter(small: Graph) -> None:
    report = projects_report(small, "C01")
    assert project_rows(report) == [("PJ01", "active", (), 0, 1)]
    assert gap_rows(report) == [("C01", "cat_dispute_neighbour", ("N04",), 3)]
    with pytest.raises(NotFoundError, match="community not found: C99"):
        projects_report(small, "C99")


def test_more_open_needs(loaded: LoadedWorkbook, tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    for need_id, category, place, urgency in (
        # two family disputes in C01: nothing covers them; together more urgent than N04
        ("N14", "cat_dispute_family", "B02", "2"),
        ("N15", "cat_dispute_family", "A01", "2"),
        # a leak in A02: PJ01 (property repair, C01) covers it, broader
        ("N16", "cat_repair_leak", "B03", "1"),
        # a home visit in C02, where nothing covers elderly care at all
        ("N17", "cat_elderly_visit", "U03", "3"),
    ):
        add_row(
            folder,
            "needs.csv",
            id=need_id,
            title=f"需求{need_id}",
            kind="complaint",
            category=category,
            place_id=place,
            urgency=urgency,
            raised_on="2024-05-25",
            status="open",
        )
    graph = loaded.variant(folder)
    report = projects_report(graph)
    assert project_rows(report) == [
        ("PJ01", "active", ("N16",), 0, 1),
        ("PJ02", "planned", ("N05",), 1, 1),
    ]
    assert gap_rows(report) == [
        ("C01", "cat_dispute_family", ("N14", "N15"), 4),
        ("C01", "cat_dispute_neighbour", ("N04",), 3),
        ("C02", "cat_elderly_visit", ("N17",), 3),
        ("C02", "cat_hardship_relief", ("N05",), 1),
    ]


@pytest.mark.slow
def test_cli_projects_json(small: Graph) -> None:
    done = cli("projects", "--json")
    assert done.returncode == 0, done.stderr
    value = json.loads(done.stdout)
    assert [(p["project_id"], p["open_needs"], p["remaining"]) for p in value["projects"]] == [
        ("PJ02", 1, 1),
        ("PJ01", 0, 1),
    ]
    assert [(g["community_id"], g["category_id"], g["open_needs"]) for g in value["uncovered"]] == [
        ("C01", "cat_dispute_neighbour", 1),
        ("C02", "cat_hardship_relief", 1),
    ]
    text = cli("projects", "--community", "C02")
    assert text.returncode == 0, text.stderr
    assert "PJ02" in text.stdout and "PJ01" not in text.stdout
