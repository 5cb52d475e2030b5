"""Need-handling KPIs (``queries.kpi``) on a hand-made set of eight needs in
the small workbook's county, every figure worked out by hand below."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from graph.connection import Graph
from graph.errors import ConfigurationError, NotFoundError
from queries.kpi import KpiReport, KpiRow, kpi_report
from tests.loaders.workbooks import read_table, write_table
from tests.queries.matching_workbooks import LoadedWorkbook, copy_small, edit_rows
from tests.queries.test_matching import cli

# id, kind, category, place, status, assigned_to, raised_on, resolved_on,
# satisfaction ("-": empty)
NEEDS = [
    line.split()
    for line in (
        # C01 micro-wish, resolved by SV03 (volunteer team O07) in 2 days, rated 5
        "K01 micro_wish cat_proxy_errands U01 resolved SV03 2024-01-05 2024-01-07 5",
        # C01 complaint, resolved by SV01 (county department O02) in 10 days, rated 4
        "K02 complaint cat_legal_consult B03 resolved SV01 2024-01-10 2024-01-20 4",
        # C02 complaint, resolved by SV05 (micro org O06) in 4 days, rated 2
        "K03 complaint cat_proxy_errands B04 resolved SV05 2024-02-01 2024-02-05 2",
        # C02 service request, resolved by SV04 (party org PC02) in 1 day, not rated
        "K04 service_request cat_culture_sports G03 resolved SV04 2024-02-15 2024-02-16 -",
        # C01 micro-wish, open
        "K05 micro_wish cat_elderly_meal A01 open - 2024-02-20 - -",
        # C01 complaint, assigned to PJ01
        "K06 complaint cat_repair_elevator A02 assigned PJ01 2024-03-01 - -",
        # C02 service request, resolved by SV02 (social org O05) in 7 days, rated 3
        "K07 service_request cat_elderly_meal U03 resolved SV02 2024-03-03 2024-03-10 3",
        # C01 complaint, resolved by SV01 (county department), no date recorded, rated 5
        "K08 complaint cat_legal_aid B01 resolved SV01 2024-03-15 - 5",
    )
]

Figures = tuple[int, int, float | None, float | None, float | None, int, int, int]


def figures(row: KpiRow) -> Figures:
    """(raised, resolved, resolution rate, median days, satisfaction rate,
    micro-wishes, 微志愿, chain-solved), rates rounded to 4 places."""
    value = row.to_json()
    return (
        value["raised"],
        value["resolved"],
        value["resolution_rate"],
        value["median_days"],
        value["satisfaction_rate"],
        value["micro_wishes"],
        value["micro_volunteer"],
        value["chain_solved"],
    )


def kpi_workbook(tmp_path: Path) -> Path:
    """The small workbook with its needs replaced by :data:`NEEDS`."""
    folder = copy_small(tmp_path)
    header = read_table(folder, "needs.csv")[0]
    rows = [
        [
            "" if cell == "-" else cell
            for cell in (
                need_id,
                f"需求{need_id}",
                kind,
                category,
                place,
                "2",
                raised,
                status,
                assigned,
                resolved,
                satisfaction,
            )
        ]
        for (
            need_id,
            kind,
            category,
            place,
            status,
            assigned,
            raised,
            resolved,
            satisfaction,
        ) in NEEDS
    ]
    write_table(folder, "needs.csv", [header, *rows])
    return folder


@pytest.fixture(scope="module")
def loaded(graph: Graph) -> LoadedWorkbook:
    """What this module has loaded."""
    return LoadedWorkbook(graph)


@pytest.fixture(scope="module")
def kpi_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The KPI workbook, written once for this module."""
    return kpi_workbook(tmp_path_factory.mktemp("kpi"))


@pytest.fixture()
def kpi_graph(loaded: LoadedWorkbook, kpi_folder: Path) -> Graph:
    """The KPI workbook (loaded again only after a variant)."""
    return loaded.shared(kpi_folder)


def by_group(report: KpiReport, name: str) -> dict[str | None, Figures]:
    return {row.group_id: figures(row) for row in report.breakdowns[name]}


def test_overall(kpi_graph: Graph) -> None:
    report = kpi_report(kpi_graph)
    # 8 raised; K01 K02 K03 K04 K07 K08 resolved (6/8); days 1, 2, 4, 7, 10
    # (K08 has no date) → median 4; rated 5, 4, 2, 3, 5 → 3 of 5 satisfied;
    # micro-wishes K01 K05; 微志愿 K01 (team) K03 (micro org); chain K02 K08.
    assert figures(report.overall) == (8, 6, 0.75, 4.0, 0.6, 2, 2, 2)
    assert (report.overall.open, report.overall.assigned) == (1, 1)
    assert report.seed == []  # the county is 汶上县


def test_by_kind_community_county_and_month(kpi_graph: Graph) -> None:
    report = kpi_report(kpi_graph)
    assert by_group(report, "kind") == {
        # K02 K03 K06 K08: days 10, 4; rated 4, 2, 5; K03 is a micro org's
        "complaint": (4, 3, 0.75, 7.0, 0.6667, 0, 1, 2),
        "micro_wish": (2, 1, 0.5, 2.0, 1.0, 2, 1, 0),
        # K04 K07: days 1, 7; only K07 rated (3)
        "service_request": (2, 2, 1.0, 4.0, 0.0, 0, 0, 0),
    }
    assert by_group(report, "community") == {
        # K01 K02 K05 K06 K08: days 2, 10; rated 5, 4, 5
        "C01": (5, 3, 0.6, 6.0, 1.0, 2, 1, 2),
        # K03 K04 K07: days 4, 1, 7; rated 2, 3
        "C02": (3, 3, 1.0, 4.0, 0.0, 0, 1, 0),
    }
    assert by_group(report, "county") == {"X01": figures(report.overall)}
    assert by_group(report, "month") == {
        "2024-01": (2, 2, 1.0, 6.0, 1.0, 1, 1, 1),
        "2024-02": (3, 2, 0.6667, 2.5, 0.0, 1, 1, 0),
        # K06 K07 K08: only K07 has dates (7 days); rated 3 and 5
        "2024-03": (3, 2, 0.6667, 7.0, 0.5, 0, 0, 1),
    }
    names = {row.group_id: row.group_name for row in report.breakdowns["kind"]}
    assert names["micro_wish"] == "微心愿 micro_wish"


def test_filters(kpi_graph: Graph) -> None:
    february = kpi_report(kpi_graph, date_from=date(2024, 2, 1), date_to=date(2024, 2, 29))
    # K03 K04 K05: K03 (4 days, rated 2) and K04 (1 day) resolved.
    assert figures(february.overall) == (3, 2, 0.6667, 2.5, 0.0, 1, 1, 0)
    assert [row.group_id for row in february.breakdowns["month"]] == ["2024-02"]
    from_march = kpi_report(kpi_graph, date_from=date(2024, 3, 1))
    assert figures(from_march.overall) == (3, 2, 0.6667, 7.0, 0.5, 0, 0, 1)
    community = kpi_report(kpi_graph, community_id="C02")
    assert figures(community.overall) == (3, 3, 1.0, 4.0, 0.0, 0, 1, 0)
    assert list(by_group(community, "community")) == ["C02"]
    empty = kpi_report(kpi_graph, date_from=date(2030, 1, 1))
    assert figures(empty.overall) == (0, 0, None, None, None, 0, 0, 0)
    with pytest.raises(NotFoundError, match="community not found: C99"):
        kpi_report(kpi_graph, community_id="C99")
    with pytest.raises(ConfigurationError, match="after"):
        kpi_report(kpi_graph, date_from=date(2024, 3, 1), date_to=date(2024, 2, 1))


def test_liangshan_gets_the_seed_figures(loaded: LoadedWorkbook, tmp_path: Path) -> None:
    folder = kpi_workbook(tmp_path)
    edit_rows(folder, "places.csv", "id", "X01", name="梁山县")
    report = kpi_report(loaded.variant(folder))
    assert [(c.figure.key, c.figure.value, c.measured) for c in report.seed] == [
        ("micro_wishes", 614, 2.0),
        ("micro_volunteer", 4263, 2.0),
        ("chain_solved", 82, 2.0),
        ("satisfaction_rate", 0.989, 0.6),
    ]
    assert report.to_json()["seed_liangshan"][3] == {
        "key": "satisfaction_rate",
        "title_zh": "群众满意度",
        "title_en": "satisfaction with resolution",
        "seed": 0.989,
        "measured": 0.6,
    }


@pytest.mark.slow
def test_cli_kpi(kpi_graph: Graph) -> None:
    done = cli("kpi", "--json", "--from", "2024-02-01", "--to", "2024-02-29")
    assert done.returncode == 0, done.stderr
    value = json.loads(done.stdout)
    assert (value["from"], value["to"]) == ("2024-02-01", "2024-02-29")
    assert value["overall"]["raised"] == 3
    assert value["overall"]["median_days"] == 2.5
    assert [row["group_id"] for row in value["by_community"]] == ["C01", "C02"]
    text = cli("kpi", "--community", "C01")
    assert text.returncode == 0, text.stderr
    assert "如意社区" in text.stdout
    bad = cli("kpi", "--from", "2024-13-01")
    assert bad.returncode != 0
    assert bad.stderr.strip().splitlines() == [
        "civicgraph: error: --from: not a date: '2024-13-01'; write YYYY-MM-DD"
    ]
