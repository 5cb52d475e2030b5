"""The escalation route of a need (``queries.route``), on the small workbook:
each of the five steps with its organization and secretary, and every kind of
missing link reported in place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.connection import Graph
from graph.errors import NotFoundError
from queries.route import Route, route
from tests.queries.matching_workbooks import LoadedWorkbook, add_row, copy_small
from tests.queries.test_matching import cli

LEVELS = [
    "area_branch",
    "community_committee",
    "street_working_committee",
    "county_department",
    "county_committee",
]


@pytest.fixture(scope="module")
def loaded(graph: Graph) -> LoadedWorkbook:
    """What this module has loaded."""
    return LoadedWorkbook(graph)


@pytest.fixture()
def small(loaded: LoadedWorkbook) -> Graph:
    """The small workbook (loaded again only after a variant)."""
    return loaded.small()


def steps(result: Route) -> list[tuple[str | None, str | None, str | None]]:
    """(org id, secretary id, missing) of each step, bottom up."""
    return [
        (step.org_id, step.secretary_id, step.missing.value if step.missing else None)
        for step in result.steps
    ]


def test_a_complete_route(small: Graph) -> None:
    # N01 at U01 → B01 → A01: PA01 (陈立新) → PC01 → PS01 → 民政局 O01, whose
    # domain cat_elderly_care is broader than meal assistance → PX01.
    result = route(small, "N01")
    assert [step.level.value for step in result.steps] == LEVELS
    assert steps(result) == [
        ("PA01", "P05", None),
        ("PC01", "P03", None),
        ("PS01", "P02", None),
        ("O01", "P13", None),
        ("PX01", "P01", None),
    ]
    assert result.complete
    assert result.steps[0].secretary_name == "陈立新"
    assert result.steps[0].place_id == "A01"
    assert result.steps[3].domain == "cat_elderly_care"
    assert all(step.notes_en == () for step in result.steps)


def test_an_area_without_branch_and_a_department_without_secretary(small: Graph) -> None:
    # N04 at B03 → A02 (no branch) → C01; 司法局 O02 answers for dispute
    # mediation (broader than neighbour disputes) but has no secretary.
    result = route(small, "N04")
    assert steps(result) == [
        (None, None, "no_org"),
        ("PC01", "P03", None),
        ("PS01", "P02", None),
        ("O02", None, "no_secretary"),
        ("PX01", "P01", None),
    ]
    assert not result.complete
    branch = result.steps[0]
    assert branch.place_id == "A02"
    assert branch.missing_zh == "锦绣家园未建小区党支部"
    assert branch.missing_en == "no area branch leads 锦绣家园"
    assert result.steps[3].domain == "cat_dispute_mediation"
    assert result.steps[3].missing_en == "汶上县司法局 has no secretary"


def test_a_branch_without_secretary_reporting_past_its_committee(small: Graph) -> None:
    # N05 at U03 → B04 → A03: PA03 has no secretary and REPORTS_TO the street
    # working committee PS01 instead of PC02; 民政局 holds hardship relief itself.
    result = route(small, "N05")
    assert steps(result) == [
        ("PA03", None, "no_secretary"),
        ("PC02", "P04", None),
        ("PS01", "P02", None),
        ("O01", "P13", None),
        ("PX01", "P01", None),
    ]
    assert result.steps[3].domain == "cat_hardship_relief"
    notes = result.steps[0].notes_en
    assert len(notes) == 1 and "REPORTS_TO PS01, not the community committee PC02" in notes[0]
    assert result.steps[0].notes_zh[0].startswith("隶属关系")


def test_a_need_at_a_grid_has_no_area_level_and_no_department(small: Graph) -> None:
    # N06 at grid G03 → C02: no residential area above it; no department's
    # domains hold culture and sports.
    result = route(small, "N06")
    assert steps(result) == [
        (None, None, "no_place"),
        ("PC02", "P04", None),
        ("PS01", "P02", None),
        (None, None, "no_department"),
        ("PX01", "P01", None),
    ]
    assert result.steps[0].missing_en == "the need lies in no residential area: no area branch"
    assert result.steps[3].missing_zh == "无县直部门负责该需求类别"


def test_json_shape(small: Graph) -> None:
    value = route(small, "N04").to_json()
    assert value["need_id"] == "N04"
    assert [step["level"] for step in value["steps"]] == LEVELS
    first = value["steps"][0]
    assert {
        "level",
        "org_id",
        "org_name",
        "secretary_id",
        "secretary_name",
        "missing",
        "level_zh",
    } <= first.keys()
    assert (first["missing"], first["level_zh"]) == ("no_org", "小区党支部")


def test_an_unknown_need_is_not_found(small: Graph) -> None:
    with pytest.raises(NotFoundError, match="need not found: N99"):
        route(small, "N99")


def test_the_nearest_domain_wins_and_other_counties_do_not_count(
    loaded: LoadedWorkbook, tmp_path: Path
) -> None:
    folder = copy_small(tmp_path)
    # A department holding meal assistance itself (nearer than 民政局's elderly
    # care), and one in another county holding culture and sports.
    add_row(folder, "places.csv", id="X02", name="梁山县", kind="county")
    for org_id, name, place, domains in (
        ("O13", "汶上县老龄工作委员会办公室", "X01", "cat_elderly_meal"),
        ("O14", "梁山县文化和旅游局", "X02", "cat_culture_sports"),
    ):
        add_row(
            folder,
            "organizations.csv",
            id=org_id,
            name=name,
            kind="county_department",
            place_id=place,
            domains=domains,
        )
    graph = loaded.variant(folder)
    meal = route(graph, "N01").steps[3]
    assert (meal.org_id, meal.domain, meal.alternatives) == ("O13", "cat_elderly_meal", ("O01",))
    assert meal.missing is not None and meal.missing.value == "no_secretary"
    assert route(graph, "N06").steps[3].missing is not None


@pytest.mark.slow
def test_cli_route_json_and_text(small: Graph) -> None:
    done = cli("route", "N05", "--json")
    assert done.returncode == 0, done.stderr
    value = json.loads(done.stdout)
    assert [(s["org_id"], s["secretary_id"], s["missing"]) for s in value["steps"]] == [
        ("PA03", None, "no_secretary"),
        ("PC02", "P04", None),
        ("PS01", "P02", None),
        ("O01", "P13", None),
        ("PX01", "P01", None),
    ]
    text = cli("route", "N04")
    assert text.returncode == 0, text.stderr
    lines = text.stdout.strip().splitlines()
    assert lines[1].startswith("1. 小区党支部 · area branch: 缺失 missing")
    assert lines[5].startswith("5. 县委 · county committee: 中共汶上县委员会 (PX01)")


@pytest.mark.slow
def test_cli_route_unknown_need(small: Graph) -> None:
    done = cli("route", "N99")
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == ["civicgraph: error: need not found: N99"]
    assert "Traceback" not in done.stderr
