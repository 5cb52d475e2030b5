"""Terms and lifetimes in the workbook: ``posts.csv``'s ``until`` and the
``established`` / ``dissolved`` of places, party organizations and
organizations — read, checked at their cell, stored as dates, exported and
loaded back."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from graph.connection import Graph
from graph.errors import ValidationError
from graph.introspect import delete_everything
from loaders.export import export_workbook
from loaders.load import load_workbook
from queries.export import export_rows
from tests.loaders.workbooks import copy_small, locations, only_problem, set_where, valid

LIFETIME_FILES = [
    ("places.csv", {"id": "A02"}),
    ("party_orgs.csv", {"id": "PA01"}),
    ("organizations.csv", {"id": "O09"}),
]
"""A row of each file whose nodes have a lifetime."""

POST_P03 = {"person_id": "P03", "post": "secretary", "target_id": "PC01"}
"""P03's post: secretary of PC01 since 2021-03-20."""


def test_the_new_columns_are_read_as_dates(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    set_where(folder, "posts.csv", POST_P03, until="2024-06-30")
    set_where(folder, "places.csv", {"id": "A02"}, established="2019-05-01")
    set_where(folder, "party_orgs.csv", {"id": "PA01"}, dissolved="2024-07-01")
    set_where(
        folder, "organizations.csv", {"id": "O09"}, established="2018-01-02", dissolved="2024/6/1"
    )
    workbook = valid(folder)
    (post,) = [p for p in workbook.posts if (p.person_id, p.target_id) == ("P03", "PC01")]
    assert (post.since, post.until) == (date(2021, 3, 20), date(2024, 6, 30))
    area = next(place for place in workbook.places if place.id == "A02")
    assert (area.established, area.dissolved) == (date(2019, 5, 1), None)
    branch = next(org for org in workbook.party_orgs if org.id == "PA01")
    assert (branch.established, branch.dissolved) == (None, date(2024, 7, 1))
    firm = next(org for org in workbook.organizations if org.id == "O09")
    assert (firm.established, firm.dissolved) == (date(2018, 1, 2), date(2024, 6, 1))
    # Every other row holds its post now and always existed.
    assert all(p.until is None for p in workbook.posts if p is not post)
    assert all(place.dissolved is None for place in workbook.places)


def test_until_before_since_is_a_problem_at_its_cell(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    row = set_where(folder, "posts.csv", POST_P03, until="2021-03-19")
    problem = only_problem(folder)
    assert locations([problem]) == [f"posts.csv:{row}:until"]
    assert problem.message == "until 2021-03-19 is before since 2021-03-20"


def test_until_on_the_day_of_since_is_accepted(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    set_where(folder, "posts.csv", POST_P03, until="2021-03-20")
    valid(folder)


@pytest.mark.parametrize(("file", "where"), LIFETIME_FILES)
def test_dissolved_before_established_is_a_problem_at_its_cell(
    tmp_path: Path, file: str, where: dict[str, str]
) -> None:
    folder = copy_small(tmp_path)
    row = set_where(folder, file, where, established="2020-01-02", dissolved="2020-01-01")
    problem = only_problem(folder)
    assert locations([problem]) == [f"{file}:{row}:dissolved"]
    assert problem.message == "dissolved 2020-01-01 is before established 2020-01-02"


@pytest.mark.parametrize(
    ("file", "where", "column"),
    [
        ("posts.csv", POST_P03, "until"),
        *((file, where, "established") for file, where in LIFETIME_FILES),
        *((file, where, "dissolved") for file, where in LIFETIME_FILES),
    ],
)
def test_a_bad_date_is_a_problem_at_its_cell(
    tmp_path: Path, file: str, where: dict[str, str], column: str
) -> None:
    folder = copy_small(tmp_path)
    row = set_where(folder, file, where, **{column: "2024-02-30"})
    problem = only_problem(folder)
    assert locations([problem]) == [f"{file}:{row}:{column}"]
    assert problem.message == "not a real date: '2024-02-30'"


def test_a_rejected_workbook_writes_nothing(empty_graph: Graph, tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    set_where(folder, "posts.csv", POST_P03, until="ended")
    with pytest.raises(ValidationError) as rejected:
        load_workbook(empty_graph, folder)
    assert rejected.value.exit_code == 2
    assert empty_graph.query("MATCH (node) RETURN count(node) AS nodes")[0]["nodes"] == 0


def _history(tmp_path: Path) -> Path:
    folder = copy_small(tmp_path)
    set_where(folder, "posts.csv", POST_P03, until="2024-06-30")
    set_where(folder, "places.csv", {"id": "A02"}, established="2019-05-01")
    set_where(folder, "party_orgs.csv", {"id": "PA01"}, dissolved="2024-07-01")
    set_where(
        folder, "organizations.csv", {"id": "O09"}, established="2018-01-02", dissolved="2024-06-01"
    )
    return folder


def test_the_columns_are_stored_as_dates(empty_graph: Graph, tmp_path: Path) -> None:
    load_workbook(empty_graph, _history(tmp_path))
    posts = empty_graph.query(
        "MATCH (:Person)-[held:HOLDS]->(target) WHERE held.until IS NOT NULL "
        "RETURN target.id AS target, held.post AS post, held.since AS since, held.until AS until"
    )
    assert [(row["target"], row["post"]) for row in posts] == [("PC01", "secretary")]
    assert (posts[0]["since"], posts[0]["until"]) == (date(2021, 3, 20), date(2024, 6, 30))
    nodes = empty_graph.query(
        "MATCH (node) WHERE node.established IS NOT NULL OR node.dissolved IS NOT NULL "
        "RETURN node.id AS id, node.established AS established, node.dissolved AS dissolved "
        "ORDER BY id"
    )
    assert [(row["id"], row["established"], row["dissolved"]) for row in nodes] == [
        ("A02", date(2019, 5, 1), None),
        ("O09", date(2018, 1, 2), date(2024, 6, 1)),
        ("PA01", None, date(2024, 7, 1)),
    ]


def _table(folder: Path, file: str) -> list[dict[str, str]]:
    with (folder / file).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_the_export_writes_the_columns_and_loads_back(
    empty_graph: Graph, tmp_path: Path, form: str
) -> None:
    load_workbook(empty_graph, _history(tmp_path))
    first = tmp_path / "first"
    export_workbook(export_rows(empty_graph), first)
    posts = _table(first, "posts.csv")
    assert [
        (row["person_id"], row["target_id"], row["since"], row["until"])
        for row in posts
        if row["until"]
    ] == [("P03", "PC01", "2021-03-20", "2024-06-30")]
    places = {row["id"]: row for row in _table(first, "places.csv")}
    assert (places["A02"]["established"], places["A02"]["dissolved"]) == ("2019-05-01", "")
    orgs = {row["id"]: row for row in _table(first, "organizations.csv")}
    assert (orgs["O09"]["established"], orgs["O09"]["dissolved"]) == ("2018-01-02", "2024-06-01")
    party = {row["id"]: row for row in _table(first, "party_orgs.csv")}
    assert (party["PA01"]["established"], party["PA01"]["dissolved"]) == ("", "2024-07-01")

    reloaded = first
    if form == "xlsx":
        reloaded = tmp_path / "first.xlsx"
        export_workbook(export_rows(empty_graph), reloaded)
    delete_everything(empty_graph)
    load_workbook(empty_graph, reloaded)
    second = tmp_path / "second"
    export_workbook(export_rows(empty_graph), second)
    for file in ("posts.csv", "places.csv", "party_orgs.csv", "organizations.csv"):
        assert _table(second, file) == _table(first, file), file
