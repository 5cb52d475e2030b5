"""Reading workbooks: CSV folders (with and without BOM), XLSX files, Chinese
headers and values, the template, and the problems of form a reader reports."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from graph.schema import ZH, NeedStatus, OrgKind, PartyOrgLevel, PlaceKind, PlaceTag, Post
from loaders.validate import load_and_validate, validate
from loaders.workbook import read_workbook, write_template
from loaders.workbook_format import (
    ENUMERATIONS,
    EXPLANATION_MARKER,
    FILES,
    PLACES,
    file_for_name,
    lookup_term,
    normalize_header,
    normalize_term,
    reference_markdown,
    terms,
)
from tests.loaders.workbooks import (
    SMALL,
    add_row,
    copy_small,
    folder_to_xlsx,
    locations,
    only_problem,
    problems_of,
    read_table,
    set_cell,
    valid,
    write_table,
)

# --- CSV folders --------------------------------------------------------------


PLACE_COLUMNS_OF_SMALL = ("id", "name", "kind", "parent_id", "grid_id", "households", "tags")
"""The columns of the small fixture's ``places.csv``, in the format's order."""


def test_the_small_fixture_reads_every_file_without_problems() -> None:
    raw = read_workbook(SMALL)

    assert set(raw.files) == {spec.name for spec in FILES}
    assert raw.problems == []
    assert raw.warnings == []  # README.md is not a workbook file and is ignored quietly
    places = raw.files["places.csv"]
    assert places.source == "places.csv"
    # The small fixture's places have no lifetimes: it leaves out their columns.
    assert places.columns == PLACE_COLUMNS_OF_SMALL
    assert PLACES.column_names == (*PLACE_COLUMNS_OF_SMALL, "established", "dissolved")
    assert places.rows[0].number == 2
    assert places.rows[0].cells == {"id": "X01", "name": "汶上县", "kind": "county"}


@pytest.mark.parametrize("bom", [True, False])
def test_csv_reads_the_same_with_and_without_bom(tmp_path: Path, bom: bool) -> None:
    folder = copy_small(tmp_path)
    for spec in FILES:
        write_table(folder, spec.name, read_table(folder, spec.name), bom=bom)
    if bom:
        assert (folder / "places.csv").read_bytes().startswith(b"\xef\xbb\xbf")

    assert read_workbook(folder).files == read_workbook(SMALL).files
    assert valid(folder) == valid(SMALL)


def test_headers_match_case_space_and_underscore_insensitively(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    table = read_table(folder, "places.csv")
    table[0] = [" ID ", "NAME", "Kind", "Parent ID", "grid-id", "House Holds", "TAGS"]
    write_table(folder, "places.csv", table)

    assert read_workbook(folder).files["places.csv"].columns == PLACE_COLUMNS_OF_SMALL
    assert valid(folder).places == valid(SMALL).places


def test_chinese_headers_and_values_read_as_the_english_ones(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    for spec in FILES:
        table = read_table(folder, spec.name)
        header = table[0]
        translated = [[spec.column(name).zh for name in header]]
        for row in table[1:]:
            translated.append(
                [
                    _to_chinese(value) if name in _ENUM_COLUMNS else value
                    for name, value in zip(header, row, strict=True)
                ]
            )
        write_table(folder, spec.name, translated)
    assert read_table(folder, "places.csv")[0][:4] == ["编号", "名称", "类型", "上级编号"]
    assert read_table(folder, "places.csv")[2][2] == "街道"

    assert valid(folder) == valid(SMALL)


_ENUM_COLUMNS = frozenset({"kind", "level", "post", "status", "tags"})


def _to_chinese(value: str) -> str:
    # English values become their Chinese term; ids and names are left alone.
    parts = [ZH.get(part, part) for part in value.split(";")]
    return "；".join(parts)


def test_synonyms_a_planner_types_are_accepted() -> None:
    assert lookup_term(Post, "楼栋长") is Post.BUILDING_HEAD
    assert lookup_term(Post, "楼长") is Post.BUILDING_HEAD
    assert lookup_term(PlaceKind, "居民小区") is PlaceKind.RESIDENTIAL_AREA
    assert lookup_term(PlaceKind, "Residential Area") is PlaceKind.RESIDENTIAL_AREA
    assert lookup_term(PartyOrgLevel, "社区党委") is PartyOrgLevel.COMMUNITY_COMMITTEE
    assert lookup_term(OrgKind, "“两新”组织") is OrgKind.TWO_NEW_ORG
    assert lookup_term(NeedStatus, " OPEN ") is NeedStatus.OPEN
    assert lookup_term(PlaceTag, "智慧小区") is PlaceTag.SMART_AREA
    assert lookup_term(Post, "楼栋") is None


def test_fully_empty_rows_are_skipped_but_counted(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    table = read_table(folder, "needs.csv")
    table.insert(2, [""] * len(table[0]))
    table.insert(3, ["  "] * len(table[0]))
    write_table(folder, "needs.csv", table)

    rows = read_workbook(folder).files["needs.csv"].rows
    assert [row.number for row in rows][:3] == [2, 5, 6]
    set_cell(folder, "needs.csv", 5, "urgency", "9")
    assert locations(problems_of(folder)) == ["needs.csv:5:urgency"]


def test_many_valued_cells_split_on_either_semicolon(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    set_cell(folder, "organizations.csv", 9, "manages", " A01 ；; A02 ; A01 ;")
    set_cell(folder, "places.csv", 8, "tags", "smart_area；物业示范小区")

    workbook = valid(folder)
    firm = next(org for org in workbook.organizations if org.id == "O08")
    assert firm.manages == ["A01", "A02"]
    area = next(place for place in workbook.places if place.id == "A03")
    assert area.tags == [PlaceTag.SMART_AREA, PlaceTag.MODEL_PROPERTY_AREA]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("是", True), ("否", False), ("Yes", True), ("N", False), ("1", True), ("0", False)],
)
def test_booleans_accept_every_documented_spelling(
    tmp_path: Path, text: str, expected: bool
) -> None:
    folder = copy_small(tmp_path)
    set_cell(folder, "people.csv", 2, "party_member", text)

    assert valid(folder).people[0].party_member is expected


def test_slashed_dates_as_excel_writes_them_in_china_are_accepted(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    set_cell(folder, "needs.csv", 2, "raised_on", "2024/5/6")

    assert valid(folder).needs[0].raised_on == date(2024, 5, 6)


def test_unknown_csv_files_are_ignored_with_a_warning(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    (folder / "place.csv").write_text("id\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not a table", encoding="utf-8")

    workbook = valid(folder)
    assert workbook.warnings == [
        "ignored file place.csv: not part of the workbook format (did you mean places.csv?)"
    ]


def test_chinese_file_names_are_accepted(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    (folder / "needs.csv").rename(folder / "需求.csv")

    assert valid(folder).needs == valid(SMALL).needs


def test_a_file_given_twice_is_a_problem(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    (folder / "需求.csv").write_bytes((folder / "needs.csv").read_bytes())

    problem = only_problem(folder)
    assert (problem.file, problem.row, problem.column) == ("需求.csv", 0, "")
    assert "needs.csv is given twice" in problem.message


def test_absent_files_are_fine(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    for name in ("posts.csv", "needs.csv", "facilities.csv"):
        (folder / name).unlink()

    workbook = valid(folder)
    assert workbook.needs == []
    assert "needs.csv" not in workbook.files
    assert "places.csv" in workbook.files


# --- problems of form ---------------------------------------------------------


def test_unknown_column_is_a_problem_at_row_1(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    table = read_table(folder, "facilities.csv")
    table[0].append("colour")
    for row in table[1:]:
        row.append("red")
    write_table(folder, "facilities.csv", table)

    problem = only_problem(folder)
    assert str(problem).startswith("facilities.csv:1:colour: unknown column 'colour'")


def test_missing_required_column_is_one_problem_at_row_1(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    table = read_table(folder, "facilities.csv")
    write_table(folder, "facilities.csv", [row[:3] for row in table])

    problem = only_problem(folder)
    assert (problem.file, problem.row, problem.column) == ("facilities.csv", 1, "place_id")
    assert "missing required column place_id (所在地编号)" in problem.message


def test_a_column_named_twice_is_a_problem(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    table = read_table(folder, "facilities.csv")
    table[0][1] = "名称"
    table[0].append("name")
    for row in table[1:]:
        row.append("x")
    write_table(folder, "facilities.csv", table)

    problem = only_problem(folder)
    assert str(problem) == (
        "facilities.csv:1:name: column name is given twice, as '名称' and 'name'"
    )


def test_a_value_under_no_header_is_a_problem(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    table = read_table(folder, "facilities.csv")
    table[3].append("stray")
    write_table(folder, "facilities.csv", table)

    problem = only_problem(folder)
    assert str(problem) == "facilities.csv:4:: value 'stray' in column E, which has no header"


def test_a_path_that_does_not_exist_is_a_problem(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"

    problem = only_problem(missing)
    assert (problem.file, problem.row, problem.column) == (str(missing), 0, "")
    assert "no such file or folder" in problem.message


@pytest.mark.parametrize(
    ("name", "message"),
    [("book.xls", "cannot open the workbook"), ("notes.txt", "not a workbook")],
)
def test_a_file_that_is_not_a_workbook_is_a_problem(
    tmp_path: Path, name: str, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(b"anything")

    assert message in only_problem(path).message


def test_a_corrupt_xlsx_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip file")

    problem = only_problem(path)
    assert (problem.file, problem.row, problem.column) == ("book.xlsx", 0, "")
    assert problem.message.startswith("cannot open the workbook")


def test_a_csv_in_neither_utf8_nor_gb18030_is_a_problem(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    (folder / "places.csv").write_bytes(b"id,name,kind\nX01,\xff\xff,county\n")

    problems = problems_of(folder)
    assert locations(problems)[0] == "places.csv:0:"
    assert problems[0].message.startswith("not UTF-8 text, nor GBK/GB18030: byte 17")


def test_a_utf16_csv_is_a_problem(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    text = (folder / "needs.csv").read_text(encoding="utf-8")
    (folder / "needs.csv").write_bytes(text.encode("utf-16"))

    problem = only_problem(folder)
    assert (problem.file, problem.row) == ("needs.csv", 0)
    assert "UTF-16" in problem.message


# --- XLSX -------------------------------------------------------------------


def test_xlsx_with_date_cells_floats_and_booleans_validates_like_csv(tmp_path: Path) -> None:
    path = folder_to_xlsx(SMALL, tmp_path / "small.xlsx")
    raw = read_workbook(path)
    assert raw.files["needs.csv"].source == "needs"
    assert raw.files["needs.csv"].rows[0].cells["raised_on"] == datetime(2024, 5, 6)
    assert raw.files["services.csv"].rows[0].cells["capacity"] == 5.0

    from_xlsx = validate(raw)
    from_csv = valid(SMALL)
    assert from_xlsx.places == from_csv.places
    assert from_xlsx.needs == from_csv.needs
    assert from_xlsx.people == from_csv.people
    assert from_xlsx.organizations == from_csv.organizations
    assert from_xlsx.services == from_csv.services
    assert from_xlsx.posts == from_csv.posts


def test_xlsx_problems_name_the_sheet(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    set_cell(folder, "services.csv", 3, "capacity", "2.5")
    path = folder_to_xlsx(folder, tmp_path / "book.xlsx")

    problem = only_problem(path)
    assert str(problem) == "services:3:capacity: not a whole number: '2.5'"


def test_xlsx_untyped_text_cells_validate_too(tmp_path: Path) -> None:
    path = folder_to_xlsx(SMALL, tmp_path / "text.xlsx", typed=False)

    assert valid(path).needs == valid(SMALL).needs


def test_xlsx_numeric_ids_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "places"
    sheet.append(["id", "name", "kind", "parent_id", "households"])
    sheet.append([101, "汶上县", "县", None, 52000.0])
    sheet.append([102, "中都街道", "街道", 101, None])
    book.save(path)

    places = valid(path).places
    assert [(place.id, place.parent_id, place.households) for place in places] == [
        ("101", None, 52000),
        ("102", "101", None),
    ]


def test_xlsx_unknown_sheets_are_ignored_with_a_warning(tmp_path: Path) -> None:
    path = folder_to_xlsx(SMALL, tmp_path / "book.xlsx")
    book = openpyxl.load_workbook(path)
    book.create_sheet("Needs 2024")
    book.save(path)

    warnings = valid(path).warnings
    assert warnings == ["ignored sheet Needs 2024: not part of the workbook format"]


# --- the template -------------------------------------------------------------


def test_template_reads_back_as_an_empty_valid_workbook(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path)

    raw = read_workbook(path)
    assert raw.problems == []
    assert raw.warnings == []
    assert set(raw.files) == {spec.name for spec in FILES}
    assert all(file.rows == [] for file in raw.files.values())
    workbook = validate(raw)
    assert workbook.row_count == 0


def test_template_has_headers_explanations_and_allowed_values(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path)

    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [*(spec.sheet for spec in FILES), "allowed_values"]
    places = book["places"]
    assert [cell.value for cell in places[1]] == list(PLACES.column_names)
    explanation = places.cell(2, 4).value
    assert isinstance(explanation, str)
    assert explanation.startswith(f"{EXPLANATION_MARKER} 上级编号")
    allowed = [tuple(row) for row in book["allowed_values"].iter_rows(values_only=True)]
    assert ("post", "posts.post", "building_head", "楼长", "楼栋长") in allowed
    assert sum(len(enum_type) for enum_type in ENUMERATIONS.values()) + 3 == len(allowed)


def test_template_filled_from_row_3_keeps_spreadsheet_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path)
    book = openpyxl.load_workbook(path)
    book["places"].append(["X01", "汶上县", "county"])
    book["places"].append(["S01", "中都街道", "castle", "X01"])
    book.save(path)

    assert locations(problems_of(path)) == ["places:4:kind"]


def test_an_explanation_row_in_a_csv_is_skipped_too(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    table = read_table(folder, "facilities.csv")
    table.insert(1, [f"{EXPLANATION_MARKER} {column}" for column in table[0]])
    write_table(folder, "facilities.csv", table)

    rows = read_workbook(folder).files["facilities.csv"].rows
    assert [row.number for row in rows] == [3, 4, 5, 6, 7]


def test_a_data_row_with_one_marked_cell_is_still_data(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    set_cell(folder, "facilities.csv", 2, "name", f"{EXPLANATION_MARKER}如意社区党群服务中心")

    rows = read_workbook(folder).files["facilities.csv"].rows
    assert rows[0].number == 2


def test_row_added_after_the_fixture_is_numbered_as_shown(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    row = add_row(folder, "facilities.csv", id="F06", name="x", kind="驿站", place_id="A02")

    assert row == 7
    assert valid(folder).facilities[-1].row == 7


# --- the format tables --------------------------------------------------------


def test_no_two_headers_of_a_file_fold_to_the_same_text() -> None:
    for spec in FILES:
        headers = [normalize_header(h) for column in spec.columns for h in column.headers()]
        assert len(headers) == len(set(headers)), spec.name


def test_no_two_values_of_an_enumeration_share_a_term() -> None:
    for enum_type in ENUMERATIONS.values():
        folded = [normalize_term(term) for member in enum_type for term in terms(member)]
        assert len(folded) == len(set(folded)), enum_type.__name__


def test_file_names_resolve_from_english_chinese_and_csv_names() -> None:
    assert file_for_name("places") is PLACES
    assert file_for_name("Places.CSV") is PLACES
    assert file_for_name("地点") is PLACES
    assert file_for_name("placez") is None


def test_reference_markdown_lists_every_column_and_value() -> None:
    text = reference_markdown()
    for spec in FILES:
        for column in spec.columns:
            assert f"| `{column.name}` | {column.zh} |" in text
    assert "| post | posts.post | `building_head` | 楼长 | 楼栋长 |" in text


def test_load_and_validate_accepts_a_string_path() -> None:
    assert load_and_validate(str(SMALL)).row_count == valid(SMALL).row_count
