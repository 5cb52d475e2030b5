"""Validating workbooks: typed rows, one test per kind of problem at its exact
``file:row:column``, every problem reported at once, governance gaps accepted,
references satisfied by the graph already loaded, and no input that makes
validation fail with anything but a :class:`ValidationError`."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import loaders
from graph.errors import Problem, ValidationError
from graph.schema import (
    FacilityKind,
    Label,
    NeedKind,
    NeedStatus,
    OrgKind,
    PartyOrgLevel,
    PlaceKind,
    PlaceTag,
    Post,
    ProjectStatus,
)
from loaders.records import CategoryRow, KnownNode, ValidatedWorkbook
from loaders.validate import sort_problems, validate
from loaders.workbook import CellValue, RawRow, RawWorkbook, read_workbook
from tests.loaders.workbooks import (
    SMALL,
    add_row,
    copy_small,
    delete_rows,
    locations,
    only_problem,
    problems_of,
    read_table,
    set_cell,
    valid,
    write_table,
)

# --- the valid fixture --------------------------------------------------------


def test_the_small_fixture_is_valid_and_typed() -> None:
    workbook = valid(SMALL)

    counts = {
        "places": len(workbook.places),
        "party_orgs": len(workbook.party_orgs),
        "organizations": len(workbook.organizations),
        "people": len(workbook.people),
        "posts": len(workbook.posts),
        "facilities": len(workbook.facilities),
        "categories": len(workbook.categories),
        "services": len(workbook.services),
        "projects": len(workbook.projects),
        "needs": len(workbook.needs),
    }
    assert counts == {
        "places": 17,
        "party_orgs": 7,
        "organizations": 12,
        "people": 14,
        "posts": 21,
        "facilities": 5,
        "categories": 12,
        "services": 5,
        "projects": 2,
        "needs": 7,
    }
    assert workbook.warnings == []

    building = workbook.places[10]
    assert (building.id, building.kind, building.parent_id, building.grid_id) == (
        "B01",
        PlaceKind.BUILDING,
        "A01",
        "G01",
    )
    assert building.households == 48
    assert building.label is Label.BUILDING
    assert workbook.places[6].tags == [PlaceTag.SMART_AREA, PlaceTag.MODEL_PROPERTY_AREA]
    assert workbook.party_orgs[5].level is PartyOrgLevel.AREA_BRANCH
    firm = workbook.organizations[7]
    assert (firm.kind, firm.red_property, firm.manages) == (
        OrgKind.PROPERTY_FIRM,
        True,
        ["A01", "A02"],
    )
    assert workbook.organizations[0].domains == ["cat_elderly_care", "cat_hardship_relief"]
    assert workbook.organizations[10].fallback_org_id == "PC02"
    assert workbook.people[4].party_member is True
    assert workbook.people[4].phone == "13805370005"
    assert workbook.posts[5].post is Post.PART_TIME_MEMBER
    assert workbook.posts[0].since == date(2021, 6, 1)
    assert workbook.facilities[1].kind is FacilityKind.RED_SAIL_STATION
    assert workbook.categories[1].parent_id == "cat_elderly_care"
    assert workbook.services[2].covers == []
    assert workbook.projects[1].status is ProjectStatus.PLANNED
    resolved = workbook.needs[2]
    assert (resolved.kind, resolved.status, resolved.assigned_to) == (
        NeedKind.SERVICE_REQUEST,
        NeedStatus.RESOLVED,
        "SV01",
    )
    assert (resolved.raised_on, resolved.resolved_on, resolved.satisfaction) == (
        date(2024, 3, 2),
        date(2024, 3, 9),
        5,
    )


def test_a_blank_need_status_means_open(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    set_cell(folder, "needs.csv", 2, "status", "")

    assert valid(folder).needs[0].status is NeedStatus.OPEN


def test_a_resolved_need_without_resolved_on_is_accepted(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    set_cell(folder, "needs.csv", 4, "resolved_on", "")

    assert valid(folder).needs[2].resolved_on is None


def test_red_property_false_on_a_non_firm_is_dropped(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    set_cell(folder, "organizations.csv", 11, "red_property", "否")

    assert valid(folder).organizations[9].red_property is None


# --- one test per kind of problem ---------------------------------------------

CASES: list[tuple[str, int, str, str, str, str]] = [
    # file, row, column, new value → expected location, a fragment of the message
    ("places.csv", 17, "id", "", "places.csv:17:id", "missing required value: id"),
    ("places.csv", 3, "name", "", "places.csv:3:name", "missing required value"),
    ("places.csv", 2, "kind", "castle", "places.csv:2:kind", "unknown kind 'castle'"),
    ("places.csv", 6, "tags", "smart_area;shiny", "places.csv:6:tags", "unknown tags 'shiny'"),
    ("places.csv", 4, "households", "-3", "places.csv:4:households", "at least 0, got -3"),
    ("places.csv", 4, "households", "many", "places.csv:4:households", "'many'"),
    ("places.csv", 3, "parent_id", "", "places.csv:3:parent_id", "needs the county"),
    ("places.csv", 4, "parent_id", "X01", "places.csv:4:parent_id", "'X01' is a County"),
    ("places.csv", 4, "parent_id", "S99", "places.csv:4:parent_id", "'S99' is not an id"),
    ("places.csv", 4, "parent_id", "S01;X01", "places.csv:4:parent_id", "one id expected"),
    ("places.csv", 12, "grid_id", "A01", "places.csv:12:grid_id", "'A01' is a ResidentialArea"),
    ("places.csv", 12, "grid_id", "G03", "places.csv:12:grid_id", "lies in community 'C02'"),
    ("places.csv", 6, "grid_id", "G01", "places.csv:6:grid_id", "for buildings only"),
    ("places.csv", 17, "id", "U01", "places.csv:17:id", "already used at places.csv:16"),
    ("party_orgs.csv", 2, "level", "mayor", "party_orgs.csv:2:level", "unknown level 'mayor'"),
    ("party_orgs.csv", 6, "place_id", "C01", "party_orgs.csv:6:place_id", "'C01' is a Community"),
    ("party_orgs.csv", 6, "parent_id", "C01", "party_orgs.csv:6:parent_id", "a PartyOrg"),
    ("facilities.csv", 6, "id", "PB01", "facilities.csv:6:id", "used at party_orgs.csv:8"),
    ("organizations.csv", 4, "kind", "bank", "organizations.csv:4:kind", "'bank'"),
    ("organizations.csv", 4, "place_id", "PC01", "organizations.csv:4:place_id", "a Place"),
    ("organizations.csv", 4, "manages", "A01", "organizations.csv:4:manages", "property firms"),
    ("organizations.csv", 9, "manages", "A01;B01", "organizations.csv:9:manages", "'B01'"),
    ("organizations.csv", 6, "domains", "cat_legal_aid", "organizations.csv:6:domains", "'cat"),
    ("organizations.csv", 2, "domains", "A01", "organizations.csv:2:domains", "a Category"),
    ("organizations.csv", 11, "red_property", "是", "organizations.csv:11:red_property", "firm"),
    (
        "organizations.csv",
        9,
        "red_property",
        "maybe",
        "organizations.csv:9:red_property",
        "'maybe'",
    ),
    (
        "organizations.csv",
        4,
        "fallback_org_id",
        "PC01",
        "organizations.csv:4:fallback_org_id",
        "two-new",
    ),
    (
        "organizations.csv",
        12,
        "fallback_org_id",
        "O01",
        "organizations.csv:12:fallback_org_id",
        "a PartyOrg",
    ),
    ("people.csv", 3, "name", "", "people.csv:3:name", "missing required value"),
    ("people.csv", 2, "party_member", "perhaps", "people.csv:2:party_member", "'perhaps'"),
    ("people.csv", 6, "employer_id", "PA01", "people.csv:6:employer_id", "'PA01' is a PartyOrg"),
    ("posts.csv", 2, "person_id", "O01", "posts.csv:2:person_id", "a Person"),
    ("posts.csv", 2, "post", "mayor", "posts.csv:2:post", "unknown post 'mayor'"),
    ("posts.csv", 11, "target_id", "B01", "posts.csv:11:target_id", "a Grid (网格)"),
    ("posts.csv", 7, "target_id", "PA01", "posts.csv:7:target_id", "of level area_branch"),
    ("posts.csv", 21, "target_id", "PC01", "posts.csv:21:target_id", "VolunteerTeam"),
    ("posts.csv", 2, "since", "June 2021", "posts.csv:2:since", "not a date: 'June 2021'"),
    ("posts.csv", 2, "target_id", "", "posts.csv:2:target_id", "missing required value"),
    ("facilities.csv", 2, "kind", "park", "facilities.csv:2:kind", "unknown kind 'park'"),
    ("facilities.csv", 2, "place_id", "PC01", "facilities.csv:2:place_id", "a Place"),
    ("facilities.csv", 2, "place_id", "", "facilities.csv:2:place_id", "missing required"),
    ("categories.csv", 3, "parent_id", "O01", "categories.csv:3:parent_id", "a Category"),
    ("categories.csv", 3, "name_zh", "", "categories.csv:3:name_zh", "missing required"),
    ("services.csv", 2, "provider_id", "P01", "services.csv:2:provider_id", "a Person"),
    ("services.csv", 2, "category", "C01", "services.csv:2:category", "a Category"),
    (
        "services.csv",
        2,
        "covers",
        "S01;O01",
        "services.csv:2:covers",
        "'O01' is a CountyDepartment",
    ),
    ("services.csv", 2, "capacity", "lots", "services.csv:2:capacity", "'lots'"),
    ("services.csv", 2, "capacity", "-1", "services.csv:2:capacity", "at least 0, got -1"),
    ("services.csv", 2, "capacity", "", "services.csv:2:capacity", "missing required"),
    ("projects.csv", 2, "unit_id", "O05", "projects.csv:2:unit_id", "a StationedUnit"),
    ("projects.csv", 2, "community_id", "A01", "projects.csv:2:community_id", "a Community"),
    ("projects.csv", 2, "category", "cat_nothing", "projects.csv:2:category", "not an id"),
    ("projects.csv", 2, "status", "dormant", "projects.csv:2:status", "'dormant'"),
    ("needs.csv", 2, "kind", "wish", "needs.csv:2:kind", "unknown kind 'wish'"),
    ("needs.csv", 2, "status", "pending", "needs.csv:2:status", "unknown status 'pending'"),
    ("needs.csv", 2, "urgency", "4", "needs.csv:2:urgency", "from 1 to 3, got 4"),
    ("needs.csv", 2, "urgency", "0", "needs.csv:2:urgency", "from 1 to 3, got 0"),
    ("needs.csv", 2, "urgency", "1.5", "needs.csv:2:urgency", "not a whole number: '1.5'"),
    ("needs.csv", 4, "satisfaction", "6", "needs.csv:4:satisfaction", "from 1 to 5, got 6"),
    ("needs.csv", 2, "raised_on", "2024-02-30", "needs.csv:2:raised_on", "not a real date"),
    ("needs.csv", 2, "raised_on", "06/05/2024", "needs.csv:2:raised_on", "'06/05/2024'"),
    ("needs.csv", 2, "raised_on", "", "needs.csv:2:raised_on", "missing required"),
    ("needs.csv", 4, "resolved_on", "2024-03-01", "needs.csv:4:resolved_on", "before raised_on"),
    ("needs.csv", 2, "resolved_on", "2024-06-01", "needs.csv:2:resolved_on", "this one is open"),
    ("needs.csv", 2, "assigned_to", "SV02", "needs.csv:2:assigned_to", "open need cannot"),
    ("needs.csv", 3, "assigned_to", "", "needs.csv:3:assigned_to", "needs assigned_to"),
    ("needs.csv", 3, "assigned_to", "O03", "needs.csv:3:assigned_to", "Service (服务) or"),
    ("needs.csv", 3, "assigned_to", "PJ99", "needs.csv:3:assigned_to", "'PJ99' is not an id"),
    ("needs.csv", 2, "place_id", "cat_elderly_meal", "needs.csv:2:place_id", "a Place"),
    ("needs.csv", 2, "category", "U01", "needs.csv:2:category", "'U01' is a Unit"),
]


@pytest.mark.parametrize(
    ("file", "row", "column", "value", "location", "fragment"),
    CASES,
    ids=[f"{case[4]}={case[3]!r}" for case in CASES],
)
def test_each_kind_of_problem_is_reported_at_its_cell(
    tmp_path: Path,
    file: str,
    row: int,
    column: str,
    value: str,
    location: str,
    fragment: str,
) -> None:
    folder = copy_small(tmp_path)
    set_cell(folder, file, row, column, value)

    problem = only_problem(folder)
    assert locations([problem]) == [location]
    assert fragment in problem.message


def test_duplicate_id_across_files_names_the_first_occurrence(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    set_cell(folder, "needs.csv", 5, "id", "B03")

    assert str(only_problem(folder)) == (
        "needs.csv:5:id: duplicate id 'B03': already used at places.csv:14"
    )


def test_a_county_may_lie_in_a_city(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    add_row(folder, "places.csv", id="J01", name="济宁市", kind="市")
    set_cell(folder, "places.csv", 2, "parent_id", "J01")

    assert valid(folder).places[0].parent_id == "J01"


def test_a_city_has_no_parent(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    row = add_row(folder, "places.csv", id="J01", name="济宁市", kind="市", parent_id="S01")

    assert (
        str(only_problem(folder)) == f"places.csv:{row}:parent_id: a city has no parent, got 'S01'"
    )


def test_a_county_under_a_street_is_wrong_kind_and_a_cycle(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    set_cell(folder, "places.csv", 2, "parent_id", "S01")

    problems = problems_of(folder)
    assert [str(problem) for problem in problems] == [
        "places.csv:2:parent_id: 'S01' is a Street (街道); "
        "the parent of a county (县) must be a City (市)",
        "places.csv:2:parent_id: PART_OF cycle: X01 → S01 → X01",
    ]


def test_a_cycle_of_categories_is_one_problem_naming_its_ids(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    set_cell(folder, "categories.csv", 2, "parent_id", "cat_elderly_meal")

    assert str(only_problem(folder)) == (
        "categories.csv:2:parent_id: BROADER cycle: "
        "cat_elderly_care → cat_elderly_meal → cat_elderly_care"
    )


def test_a_category_that_is_its_own_parent_is_a_cycle(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    set_cell(folder, "categories.csv", 10, "parent_id", "cat_culture_sports")

    assert str(only_problem(folder)) == (
        "categories.csv:10:parent_id: BROADER cycle: cat_culture_sports → cat_culture_sports"
    )


def test_a_cycle_of_party_orgs_is_a_problem_though_wrong_levels_are_not(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    set_cell(folder, "party_orgs.csv", 2, "parent_id", "PB01")

    assert str(only_problem(folder)) == (
        "party_orgs.csv:2:parent_id: REPORTS_TO cycle: PX01 → PB01 → PA01 → PC01 → PS01 → PX01"
    )


def test_a_cycle_of_communities_is_reported_once(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    set_cell(folder, "places.csv", 4, "parent_id", "C02")
    set_cell(folder, "places.csv", 5, "parent_id", "C01")

    problems = problems_of(folder)
    cycles = [problem for problem in problems if "cycle" in problem.message]
    assert [str(problem) for problem in cycles] == [
        "places.csv:4:parent_id: PART_OF cycle: C01 → C02 → C01"
    ]
    assert locations(problems) == [
        "places.csv:4:parent_id",
        "places.csv:4:parent_id",
        "places.csv:5:parent_id",
    ]


def test_the_same_post_given_twice_is_a_problem(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    row = add_row(folder, "posts.csv", person_id="P09", post="网格员", target_id="G01")

    problem = only_problem(folder)
    assert str(problem) == (f"posts.csv:{row}:: 'P09' already holds grid_worker at 'G01' (row 11)")


def test_an_id_containing_a_separator_is_a_problem(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    set_cell(folder, "facilities.csv", 3, "id", "F02;F03")

    assert locations([only_problem(folder)]) == ["facilities.csv:3:id"]


def test_a_broken_row_does_not_cause_false_missing_id_problems(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    set_cell(folder, "places.csv", 9, "kind", "square")  # G01, named by buildings and posts

    assert locations([only_problem(folder)]) == ["places.csv:9:kind"]


def test_a_missing_required_column_is_not_repeated_on_every_row(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    table = read_table(folder, "needs.csv")
    urgency = table[0].index("urgency")
    write_table(folder, "needs.csv", [row[:urgency] + row[urgency + 1 :] for row in table])

    assert locations(problems_of(folder)) == ["needs.csv:1:urgency"]


# --- every problem at once ----------------------------------------------------


def test_every_problem_is_reported_sorted_by_file_row_and_column(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    set_cell(folder, "needs.csv", 3, "urgency", "7")
    set_cell(folder, "needs.csv", 3, "kind", "wish")
    set_cell(folder, "places.csv", 14, "grid_id", "G03")
    set_cell(folder, "posts.csv", 16, "target_id", "G01")
    set_cell(folder, "places.csv", 2, "name", "")
    set_cell(folder, "services.csv", 4, "capacity", "three")
    set_cell(folder, "facilities.csv", 6, "id", "C02")

    assert locations(problems_of(folder)) == [
        "places.csv:2:name",
        "places.csv:14:grid_id",
        "posts.csv:16:target_id",
        "facilities.csv:6:id",
        "services.csv:4:capacity",
        "needs.csv:3:kind",
        "needs.csv:3:urgency",
    ]


def test_validation_error_message_names_the_first_problem_and_the_count(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    set_cell(folder, "needs.csv", 2, "urgency", "7")
    set_cell(folder, "needs.csv", 3, "urgency", "8")

    with pytest.raises(ValidationError) as caught:
        valid_or_raise(folder)
    assert str(caught.value) == (
        "workbook rejected: needs.csv:2:urgency: urgency must be from 1 to 3, got 7 (and 1 more)"
    )


def valid_or_raise(folder: Path) -> ValidatedWorkbook:
    return validate(read_workbook(folder))


def test_sort_problems_puts_workbook_level_problems_first() -> None:
    problems = [
        Problem("needs", 2, "urgency", "b"),
        Problem("places.csv", 3, "kind", "c"),
        Problem("places.csv", 3, "id", "d"),
        Problem("/tmp/book.xlsx", 0, "", "a"),
        Problem("places.csv", 1, "colour", "e"),
    ]

    assert [problem.message for problem in sort_problems(problems)] == ["a", "e", "d", "c", "b"]


# --- governance gaps are not errors -------------------------------------------


def test_governance_gaps_load(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    # An area branch with no parent, a building group reporting two levels up,
    # a community committee reporting straight to the county.
    set_cell(folder, "party_orgs.csv", 6, "parent_id", "")
    set_cell(folder, "party_orgs.csv", 8, "parent_id", "PC01")
    set_cell(folder, "party_orgs.csv", 5, "parent_id", "PX01")
    # No grid worker anywhere, no building heads, no first secretaries.
    delete_rows(
        folder,
        "posts.csv",
        lambda row: row["post"] not in {"grid_worker", "building_head", "first_secretary"},
    )
    # A party org that leads no place, an organization based nowhere.
    set_cell(folder, "party_orgs.csv", 7, "place_id", "")
    set_cell(folder, "organizations.csv", 6, "place_id", "")

    workbook = valid(folder)
    assert workbook.party_orgs[4].parent_id is None
    assert workbook.party_orgs[6].parent_id == "PC01"


def test_areas_without_a_branch_load(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    delete_rows(folder, "party_orgs.csv", lambda row: row["id"] not in {"PA01", "PB01"})
    delete_rows(folder, "posts.csv", lambda row: row["target_id"] not in {"PA01", "PB01"})

    assert [org.id for org in valid(folder).party_orgs] == ["PX01", "PS01", "PC01", "PC02", "PA03"]


# --- references to the graph already loaded ----------------------------------


def _needs_only(tmp_path: Path) -> Path:
    folder = tmp_path / "month"
    folder.mkdir()
    (folder / "needs.csv").write_bytes((SMALL / "needs.csv").read_bytes())
    return folder


def test_a_needs_only_workbook_fails_alone(tmp_path: Path) -> None:
    folder = _needs_only(tmp_path)

    problems = problems_of(folder)
    assert "needs.csv:2:category" in locations(problems)
    assert problems[0].message.endswith("is not an id in the workbook")


def test_a_needs_only_workbook_passes_against_the_loaded_graph(tmp_path: Path) -> None:
    folder = _needs_only(tmp_path)
    known = valid(SMALL).known_nodes()

    assert len(valid(folder, known).needs) == 7


def test_references_missing_from_workbook_and_graph_say_so(tmp_path: Path) -> None:
    folder = _needs_only(tmp_path)
    set_cell(folder, "needs.csv", 2, "place_id", "U99")

    problem = only_problem(folder, valid(SMALL).known_nodes())
    assert str(problem) == "needs.csv:2:place_id: 'U99' is not an id in the workbook or the graph"


def test_known_nodes_from_query_results_check_kinds_and_communities(tmp_path: Path) -> None:
    folder = tmp_path / "new_building"
    folder.mkdir()
    write_table(
        folder,
        "places.csv",
        [
            ["id", "name", "kind", "parent_id", "grid_id"],
            ["B10", "如意花园5号楼", "楼栋", "A01", "G01"],
            ["B11", "如意花园6号楼", "楼栋", "A01", "G03"],
            ["B12", "如意花园7号楼", "楼栋", "G01", ""],
        ],
    )
    known = {
        "C01": KnownNode.from_graph(["Place", "Community"], parent_id="S01"),
        "C02": KnownNode.from_graph(["Place", "Community"], parent_id="S01"),
        "A01": KnownNode.from_graph(["Place", "ResidentialArea"], parent_id="C01"),
        "G01": KnownNode.from_graph(["Place", "Grid"], parent_id="C01"),
        "G03": KnownNode.from_graph(["Place", "Grid", "SomethingElse"], parent_id="C02"),
    }

    assert [str(problem) for problem in problems_of(folder, known)] == [
        "places.csv:3:grid_id: grid 'G03' lies in community 'C02', "
        "but building 'B11' lies in community 'C01'",
        "places.csv:4:parent_id: 'G01' is a Grid (网格); "
        "the parent of a building (楼栋) must be a ResidentialArea (小区)",
    ]


def test_known_party_org_levels_check_post_targets(tmp_path: Path) -> None:
    folder = tmp_path / "posts_only"
    folder.mkdir()
    write_table(
        folder,
        "posts.csv",
        [
            ["person_id", "post", "target_id"],
            ["P01", "红色合伙人", "PA01"],
            ["P01", "红色合伙人", "PC01"],
        ],
    )
    known = {
        "P01": KnownNode.of(Label.PERSON),
        "PA01": KnownNode.from_graph(["PartyOrg"], level="area_branch"),
        "PC01": KnownNode.of(Label.PARTY_ORG, PartyOrgLevel.COMMUNITY_COMMITTEE),
    }

    assert locations(problems_of(folder, known)) == ["posts.csv:2:target_id"]


def test_a_workbook_id_known_as_another_kind_is_a_problem(tmp_path: Path) -> None:
    folder = _needs_only(tmp_path)
    known = valid(SMALL).known_nodes()
    known["N01"] = KnownNode.of(Label.PERSON)

    assert str(only_problem(folder, known)) == (
        "needs.csv:2:id: id 'N01' is already in the graph as a Person (人员); "
        "it cannot also be a Need (需求)"
    )


def test_a_workbook_row_overrides_the_known_node_of_the_same_id(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    known = {"B01": KnownNode.of(Label.BUILDING, parent_id="A03")}

    valid(folder, known)  # the workbook's B01 lies in A01, in G01's community


def test_the_default_taxonomy_reads_as_a_workbook_and_serves_as_known(tmp_path: Path) -> None:
    taxonomy = valid(Path(loaders.__file__).parent / "data")
    folder = _needs_only(tmp_path)
    set_cell(folder, "needs.csv", 2, "category", "cat_proxy_payments")
    known = {**valid(SMALL).known_nodes(), **taxonomy.known_nodes()}

    assert valid(folder, known).needs[0].category == "cat_proxy_payments"


def test_the_fixture_categories_are_those_of_the_default_taxonomy() -> None:
    def without_row(category: CategoryRow) -> tuple[str, str, str | None, str | None]:
        return (category.id, category.name_zh, category.name_en, category.parent_id)

    taxonomy = {
        category.id: without_row(category)
        for category in valid(Path(loaders.__file__).parent / "data").categories
    }
    for category in valid(SMALL).categories:
        assert without_row(category) == taxonomy[category.id]


def test_a_known_cycle_through_the_workbook_is_found(tmp_path: Path) -> None:
    folder = tmp_path / "categories"
    folder.mkdir()
    write_table(
        folder,
        "categories.csv",
        [["id", "name_zh", "parent_id"], ["cat_a", "甲", "cat_b"]],
    )
    known = {"cat_b": KnownNode.of(Label.CATEGORY, parent_id="cat_a")}

    assert str(only_problem(folder, known)) == (
        "categories.csv:2:parent_id: BROADER cycle: cat_a → cat_b → cat_a"
    )


# --- nothing but ValidationError ---------------------------------------------

_SMALL_RAW = read_workbook(SMALL)
_CELLS = [
    (name, index, column)
    for name, raw_file in _SMALL_RAW.files.items()
    for index, row in enumerate(raw_file.rows)
    for column in raw_file.columns
]

_values: st.SearchStrategy[CellValue | None] = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(["", ";", "；", "X01", "G03", "PA01", "SV01", "O03", "cat_legal_aid", "是"]),
    st.sampled_from(["county", "building", "area_branch", "secretary", "resolved", "open"]),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
)


def _corrupt(raw: RawWorkbook, edits: list[tuple[int, CellValue | None]]) -> RawWorkbook:
    files = {
        name: dataclasses.replace(
            raw_file,
            rows=[RawRow(row.number, dict(row.cells)) for row in raw_file.rows],
        )
        for name, raw_file in raw.files.items()
    }
    for cell_index, value in edits:
        name, row_index, column = _CELLS[cell_index % len(_CELLS)]
        cells = files[name].rows[row_index].cells
        if value is None or value == "":
            cells.pop(column, None)
        else:
            cells[column] = value
    return RawWorkbook(raw.path, files, [], [])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.integers(min_value=0, max_value=10**6), _values), min_size=1, max_size=8)
)
def test_corrupted_cells_give_a_workbook_or_a_validation_error(
    edits: list[tuple[int, CellValue | None]],
) -> None:
    raw = _corrupt(_SMALL_RAW, edits)
    try:
        workbook = validate(raw)
    except ValidationError as error:
        assert error.problems
        assert all(isinstance(problem, Problem) for problem in error.problems)
    else:
        assert isinstance(workbook, ValidatedWorkbook)


def test_a_date_with_a_time_of_day_is_not_a_date(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    set_cell(folder, "needs.csv", 2, "raised_on", datetime(2024, 1, 1, 12, 30).isoformat())

    assert locations(problems_of(folder)) == ["needs.csv:2:raised_on"]


def test_a_number_too_large_to_store_is_a_problem(tmp_path: Path) -> None:
    workbook = copy_small(tmp_path)
    set_cell(workbook, "places.csv", 2, "households", "99999999999999999999")

    problem = only_problem(workbook)

    assert str(problem).startswith("places.csv:2:households: ")
    assert "too large" in problem.message
