"""The community scorecard on the small workbook: the ratios per community,
hand-counted from its CSV files, and the street and county roll-ups (sums of
numerators and denominators, not averages of ratios)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from graph.connection import Graph
from loaders.load import load_workbook
from queries.audit import run_audit
from queries.audit_runs import save_run
from queries.scorecard import (
    MEASURES,
    Ratio,
    Scorecard,
    ScorecardRow,
    community_scorecard,
    scorecard_from,
)

SMALL = Path(__file__).resolve().parents[1] / "data" / "small"

# (numerator, denominator) per measure, counted by hand from tests/data/small:
# C01 holds areas A01, A02 (A02: no branch, no owners committee, no station),
# grids G01, G02 (both staffed), buildings B01–B03 (B03 headless), units U01,
# U02 (U02 headless) and open needs N01, N04, N07 (N04 without a candidate).
# C02 holds area A03 (no owners committee), grid G03 (no worker), building
# B04, unit U03 (headless) and open needs N05, N06.
EXPECTED_COMMUNITIES = {
    "C01": {
        "areas_with_branch": (1, 2),
        "grids_with_worker": (2, 2),
        "grids_with_head": (2, 2),
        "buildings_with_head": (2, 3),
        "units_with_head": (1, 2),
        "areas_with_troika": (1, 2),
        "areas_with_station": (1, 2),
        "open_needs_with_candidate": (2, 3),
    },
    "C02": {
        "areas_with_branch": (1, 1),
        "grids_with_worker": (0, 1),
        "grids_with_head": (1, 1),
        "buildings_with_head": (1, 1),
        "units_with_head": (0, 1),
        "areas_with_troika": (0, 1),
        "areas_with_station": (1, 1),
        # N06 has SV04; N05's only match, PJ02, is a planned project.
        "open_needs_with_candidate": (1, 2),
    },
}
EXPECTED_STREET = {
    key: (
        EXPECTED_COMMUNITIES["C01"][key][0] + EXPECTED_COMMUNITIES["C02"][key][0],
        EXPECTED_COMMUNITIES["C01"][key][1] + EXPECTED_COMMUNITIES["C02"][key][1],
    )
    for key in EXPECTED_COMMUNITIES["C01"]
}

AS_OF = date(2024, 7, 1)


@pytest.fixture()
def small(empty_graph: Graph) -> Graph:
    load_workbook(empty_graph, SMALL)
    return empty_graph


@pytest.fixture()
def card(small: Graph) -> Scorecard:
    return community_scorecard(small, as_of=AS_OF)


def ratios(row: ScorecardRow) -> dict[str, tuple[int, int]]:
    return {key: (ratio.numerator, ratio.denominator) for key, ratio in row.measures.items()}


def test_every_measure_has_zh_and_en_titles() -> None:
    assert len({measure.key for measure in MEASURES}) == len(MEASURES)
    for measure in MEASURES:
        assert measure.title_zh and measure.title_en


def test_each_communitys_ratios(card: Scorecard) -> None:
    assert [row.id for row in card.communities] == ["C01", "C02"]
    for row in card.communities:
        assert ratios(row) == EXPECTED_COMMUNITIES[row.id or ""], row.id
        assert (row.street_id, row.county_id) == ("S01", "X01")
    (c01, c02) = card.communities
    assert (c01.name, c02.name) == ("如意社区", "宝相社区")


def test_each_communitys_findings_per_rule(card: Scorecard) -> None:
    c01, c02 = card.communities
    assert {rule: count for rule, count in c01.findings.items() if count} == {
        "G01": 1,
        "G02": 1,
        "G05": 1,
        "G06": 1,
        "G09": 1,
        "G12": 1,
        "G13": 1,
        "G14": 4,
        "G17": 1,
    }
    assert {rule: count for rule, count in c02.findings.items() if count} == {
        "G02": 1,
        "G03": 1,
        "G06": 1,
        "G08": 1,
        "G12": 1,
        "G13": 1,
        "G09": 1,
        "G10": 1,
        "G11": 1,
        "G14": 2,
        "G15": 1,
    }
    assert set(c01.findings) == {f"G{number:02d}" for number in range(1, 21)}


def test_streets_and_counties_sum_numerators_and_denominators(card: Scorecard) -> None:
    (street,) = card.streets
    (county,) = card.counties
    assert (street.level, street.id, street.name, street.county_id) == (
        "street",
        "S01",
        "中都街道",
        "X01",
    )
    assert (county.level, county.id, county.name) == ("county", "X01", "汶上县")
    assert ratios(street) == EXPECTED_STREET
    assert ratios(county) == EXPECTED_STREET
    assert street.communities == county.communities == 2
    # Areas with a branch: (1 + 1) / (2 + 1), not the mean of 1/2 and 1/1.
    assert street.measures["areas_with_branch"].ratio == pytest.approx(2 / 3)
    assert street.findings["G14"] == 6
    assert street.findings["G16"] == 0  # O12 lies in the street, in no community


def test_a_ratio_with_nothing_to_count_is_none() -> None:
    assert Ratio(0, 0).ratio is None
    assert Ratio(0, 0).to_json() == {"numerator": 0, "denominator": 0, "ratio": None}
    assert (Ratio(1, 2) + Ratio(1, 1)).to_json() == {
        "numerator": 2,
        "denominator": 3,
        "ratio": 0.6667,
    }


def test_the_scorecard_json(card: Scorecard) -> None:
    document = card.to_json()
    assert document["as_of"] == "2024-07-01"
    assert [m["key"] for m in document["measures"]] == [m.key for m in MEASURES]
    assert all(m["title_zh"] and m["title_en"] for m in document["measures"])
    assert [row["id"] for row in document["communities"]] == ["C01", "C02"]
    c01 = document["communities"][0]
    assert c01["measures"]["areas_with_branch"] == {
        "numerator": 1,
        "denominator": 2,
        "ratio": 0.5,
    }
    assert [row["id"] for row in document["streets"]] == ["S01"]
    assert [row["id"] for row in document["counties"]] == ["X01"]


def test_the_scorecard_of_one_community(small: Graph) -> None:
    card = community_scorecard(small, community_id="C02", as_of=AS_OF)
    assert [row.id for row in card.communities] == ["C02"]
    assert ratios(card.counties[0]) == EXPECTED_COMMUNITIES["C02"]


def test_the_scorecard_needs_the_rules_behind_its_measures(small: Graph) -> None:
    with pytest.raises(ValueError, match="G01"):
        scorecard_from(small, run_audit(small, rules=["G02"]))


def test_each_row_shows_its_change_since_the_last_saved_run(small: Graph) -> None:
    assert community_scorecard(small, as_of=AS_OF).since_run is None
    saved = save_run(small, run_audit(small, as_of=AS_OF))
    # C01: B03 gets a building head (a G05 finding closed) and grid G02
    # loses its worker (a G03 finding opened); C02: B04 loses its head.
    small.query(
        "MATCH (p:Person {id: 'P12'}), (b:Building {id: 'B03'}) "
        "CREATE (p)-[:HOLDS {post: 'building_head', since: date('2022-06-01')}]->(b)",
        write=True,
    )
    small.query(
        "MATCH (:Person {id: 'P10'})-[held:HOLDS {post: 'grid_worker'}]->(:Grid {id: 'G02'}) "
        "DELETE held",
        write=True,
    )
    small.query(
        "MATCH (:Person {id: 'P14'})-[held:HOLDS {post: 'building_head'}]->(:Building {id: 'B04'}) "
        "DELETE held",
        write=True,
    )

    card = community_scorecard(small, as_of=AS_OF)

    assert card.since_run is not None and card.since_run.run_id == saved.run_id
    changes = {row.id: row.change for row in card.communities}
    assert changes["C01"] is not None and (changes["C01"].new, changes["C01"].closed) == (1, 1)
    assert changes["C02"] is not None and (changes["C02"].new, changes["C02"].closed) == (1, 0)
    for row in card.communities:
        assert row.change is not None
        assert row.change.new + row.change.persisting == sum(row.findings.values())
    street = card.streets[0].change
    assert street is not None and (street.new, street.closed) == (2, 1)
    assert card.counties[0].change == street
    document = card.to_json()
    assert document["since_run"]["run_id"] == saved.run_id
    assert document["communities"][0]["change"] == changes["C01"].to_json()
