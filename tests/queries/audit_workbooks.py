"""Variants of the ``tests/data/small`` workbook for the audit's tests, built in
a temporary folder cell by cell (the fixture itself is shared and left alone).

* :func:`fixed_small`: every gap the README plants is fixed, so every rule
  finds nothing.
* :func:`broken_small`: gaps the small workbook lacks are added, so that G04,
  G07 and G18 find something, G13 meets a full resource and G15 meets each of
  its three problems; and a second street, so that the street filter has
  something to leave out.

The expected findings of each variant are written out in the tests, derived
from these edits, not from the queries' output.
"""

from __future__ import annotations

from pathlib import Path

from tests.loaders.workbooks import add_row, copy_small, delete_rows, read_table, write_table


def edit_rows(folder: Path, file: str, key: str, value: str, **changes: str) -> None:
    """Set columns of the rows whose ``key`` column equals ``value``."""
    table = read_table(folder, file)
    header = table[0]
    for row in table[1:]:
        if row[header.index(key)] == value:
            for column, new in changes.items():
                row[header.index(column)] = new
    write_table(folder, file, table)


def fixed_small(tmp_path: Path) -> Path:
    """The small workbook with every planted gap fixed."""
    folder = copy_small(tmp_path)
    # G01, G09, G17: A02 gets a branch (with a secretary), an owners committee
    # and a red-sail station; G09: A03 gets an owners committee.
    add_row(
        folder,
        "party_orgs.csv",
        id="PA02",
        name="锦绣家园小区党支部",
        level="area_branch",
        place_id="A02",
        parent_id="PC01",
    )
    add_row(
        folder,
        "organizations.csv",
        id="O13",
        name="锦绣家园业主委员会",
        kind="owners_committee",
        place_id="A02",
    )
    add_row(
        folder,
        "organizations.csv",
        id="O14",
        name="宝相小区业主委员会",
        kind="owners_committee",
        place_id="A03",
    )
    add_row(
        folder,
        "facilities.csv",
        id="F06",
        name="锦绣家园红帆驿站",
        kind="red_sail_station",
        place_id="A02",
    )
    # G02: secretaries for PA02, PA03 and PB01.
    for person, name, org in (
        ("P15", "林海", "PA02"),
        ("P16", "高峰", "PA03"),
        ("P17", "罗琴", "PB01"),
    ):
        add_row(folder, "people.csv", id=person, name=name, party_member="true")
        add_row(
            folder,
            "posts.csv",
            person_id=person,
            post="secretary",
            target_id=org,
            since="2023-01-01",
        )
    # G03 and G19: P18 becomes G03's grid worker and a second grid head there,
    # so P09 is the sole grid head of two grids only.
    add_row(folder, "people.csv", id="P18", name="唐明", party_member="false")
    for post in ("grid_worker", "grid_head"):
        add_row(
            folder, "posts.csv", person_id="P18", post=post, target_id="G03", since="2023-01-01"
        )
    # G05, G06, G08: the missing heads and the weekend secretary.
    for person, name, post, target in (
        ("P19", "宋雨", "building_head", "B03"),
        ("P20", "许强", "unit_head", "U02"),
        ("P21", "邓丽", "unit_head", "U03"),
        ("P22", "韩冰", "weekend_secretary", "C02"),
    ):
        add_row(folder, "people.csv", id=person, name=name, party_member="true")
        add_row(
            folder, "posts.csv", person_id=person, post=post, target_id=target, since="2023-01-01"
        )
    # G10: O09 becomes a red property firm.
    edit_rows(folder, "organizations.csv", "id", "O09", red_property="true")
    # G12, G13: the planned hardship-relief project PJ02 starts (N05).
    edit_rows(folder, "projects.csv", "id", "PJ02", status="active")
    # G11, G12, G13: the hospital runs a dispute-mediation project for C01,
    # which covers N04 (its category is broader than N04's).
    add_row(
        folder,
        "projects.csv",
        id="PJ03",
        name="医患与邻里调解",
        unit_id="O04",
        community_id="C01",
        category="cat_dispute_mediation",
        capacity="2",
        status="active",
    )
    # G15: PA03 reports to its community committee.
    edit_rows(folder, "party_orgs.csv", "id", "PA03", parent_id="PC02")
    # G16: the street working committee falls back for O12.
    edit_rows(folder, "organizations.csv", "id", "O12", fallback_org_id="PS01")
    return folder


def broken_small(tmp_path: Path) -> Path:
    """The small workbook with more gaps than it plants."""
    folder = copy_small(tmp_path)
    # G04: G02 loses its grid head (and so P09 is sole grid head at two grids
    # only: no G19). G07: C02 loses its first secretary.
    delete_rows(
        folder,
        "posts.csv",
        lambda row: (
            (row["person_id"], row["post"], row["target_id"])
            not in {("P09", "grid_head", "G02"), ("P08", "first_secretary", "C02")}
        ),
    )
    # G18: two needs assigned to SV05 (capacity 1). G13: two needs assigned to
    # SV02 (capacity 2) leave N01 with a full resource only.
    for need, place, category, raised, resource in (
        ("N08", "B02", "cat_proxy_errands", "2024-05-21", "SV05"),
        ("N09", "A01", "cat_proxy_errands", "2024-05-22", "SV05"),
        ("N10", "U01", "cat_elderly_meal", "2024-05-23", "SV02"),
        ("N11", "B01", "cat_elderly_meal", "2024-05-24", "SV02"),
    ):
        add_row(
            folder,
            "needs.csv",
            id=need,
            title=f"需求{need}",
            kind="service_request",
            category=category,
            place_id=place,
            urgency="1",
            raised_on=raised,
            status="assigned",
            assigned_to=resource,
        )
    # G15: PB01 loses its parent; PB04 (building B04, in A03) reports to PA01,
    # the branch of A01.
    edit_rows(folder, "party_orgs.csv", "id", "PB01", parent_id="")
    add_row(
        folder,
        "party_orgs.csv",
        id="PB04",
        name="宝相小区1号楼党小组",
        level="building_group",
        place_id="B04",
        parent_id="PA01",
    )
    # A second street with one community and nothing in it.
    add_row(folder, "places.csv", id="S02", name="南站街道", kind="street", parent_id="X01")
    add_row(folder, "places.csv", id="C03", name="南站社区", kind="community", parent_id="S02")
    return folder
