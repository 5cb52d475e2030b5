"""The audit rules on the small hand-made workbook (``tests/data/small``): each
rule's exact findings, as its README plants them, and the filters, dates and
thresholds that change them.

Findings are compared as sets of ``(node_id, community_id, kind or detail)``;
the expected sets are derived by hand from the README and the CSV files.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from graph.connection import Graph
from graph.errors import NotFoundError
from graph.introspect import delete_everything
from graph.schema import (
    FacilityKind,
    NeedStatus,
    OrgKind,
    PartyOrgLevel,
    PlaceKind,
    Post,
    ProjectStatus,
)
from loaders.load import load_workbook
from queries.audit import (
    AuditInputError,
    AuditReport,
    all_rules,
    find_rule,
    parse_date,
    run_audit,
)
from queries.catalog import load_query
from tests.queries.audit_expected import EXPECTED_SMALL, Found, found

SMALL = Path(__file__).resolve().parents[1] / "data" / "small"

AS_OF = date(2024, 7, 1)
"""A date after every need of the small workbook is 30 days old."""

DESIGN_RULES = {
    "G01": "area_without_branch",
    "G02": "org_without_secretary",
    "G03": "grid_without_worker",
    "G04": "grid_without_head",
    "G05": "building_without_head",
    "G06": "unit_without_head",
    "G07": "community_without_first_secretary",
    "G08": "community_without_weekend_secretary",
    "G09": "area_missing_troika",
    "G10": "area_without_red_property",
    "G11": "unit_without_project",
    "G12": "service_desert",
    "G13": "unmatched_need",
    "G14": "stale_need",
    "G15": "broken_chain",
    "G16": "unmanaged_two_new",
    "G17": "area_without_station",
    "G18": "over_capacity",
    "G19": "single_point_of_failure",
    "G20": "term_due",
}
"""DESIGN.md's table of audit rules, and issue F's G20: id → name."""


@pytest.fixture(scope="module")
def small(graph: Graph) -> Iterator[Graph]:
    """The graph holding the small workbook, loaded once for this module."""
    delete_everything(graph)
    load_workbook(graph, SMALL)
    yield graph


@pytest.fixture(scope="module")
def small_report(small: Graph) -> AuditReport:
    return run_audit(small, as_of=AS_OF)


# --- the rules' metadata -------------------------------------------------------


def test_the_rules_are_designs_nineteen_and_term_due() -> None:
    assert {rule.id: rule.name for rule in all_rules()} == DESIGN_RULES
    assert [rule.id for rule in all_rules()] == sorted(DESIGN_RULES)


def test_every_rule_has_a_severity_and_both_titles_from_its_header() -> None:
    for rule in all_rules():
        header = load_query(rule.query).header
        assert rule.severity in ("high", "medium", "low")
        assert (rule.title_zh, rule.title_en) == (header["zh"], header["en"])
        assert re.search(r"[\u4e00-\u9fff]", rule.title_zh), rule.id
        assert rule.title_en.isascii() and rule.title_en, rule.id
        assert rule.note, f"{rule.id} does not say why it has its severity"


def test_every_rule_takes_the_filters_and_returns_the_finding_columns() -> None:
    for rule in all_rules():
        query = load_query(rule.query)
        assert {"community_id", "street_id"} <= query.parameters, rule.id
        assert re.match(
            r"node_id, name, kind\b.*, community_id\b.*, detail\b", query.header["row"]
        ), rule.id


_VALUES = frozenset(
    value
    for enumeration in (
        PlaceKind,
        PartyOrgLevel,
        OrgKind,
        Post,
        FacilityKind,
        NeedStatus,
        ProjectStatus,
    )
    for value in enumeration
)
_COMPARED = re.compile(r"(?:=|<>)\s*('[^']*')|\bIN\s*(\[\s*'[^\]]*\])")
_LITERAL = re.compile(r"'([^']*)'")


def test_the_values_the_rules_compare_with_are_the_schemas() -> None:
    for rule in all_rules():
        text = load_query(rule.query).text
        code = "\n".join(line for line in text.splitlines() if not line.startswith("//"))
        compared = [
            literal
            for operands in _COMPARED.findall(code)
            for literal in _LITERAL.findall(" ".join(operands))
        ]
        for literal in compared:
            assert literal in _VALUES, (
                f"{rule.id} compares with {literal!r}, unknown to graph.schema"
            )


def test_a_rule_is_found_by_id_or_name() -> None:
    assert find_rule("G05").name == "building_without_head"
    assert find_rule("g05").id == "G05"
    assert find_rule("building_without_head").id == "G05"


@pytest.mark.parametrize("key", ["G99", "G5", "building_without_heads", ""])
def test_an_unknown_rule_is_a_clear_error(key: str) -> None:
    with pytest.raises(AuditInputError, match="unknown audit rule"):
        find_rule(key)


def test_a_bad_date_is_a_clear_error() -> None:
    assert parse_date("2024-07-01") == date(2024, 7, 1)
    with pytest.raises(AuditInputError, match=r"--as-of: not a date \(YYYY-MM-DD\)"):
        parse_date("2024-13-01")


# --- every rule on the small workbook ------------------------------------------


@pytest.mark.parametrize("rule_id", sorted(EXPECTED_SMALL))
def test_each_rule_finds_exactly_what_the_small_workbook_plants(
    small_report: AuditReport, rule_id: str
) -> None:
    assert found(small_report, rule_id) == EXPECTED_SMALL[rule_id]
    assert small_report.result(rule_id).count == len(EXPECTED_SMALL[rule_id])


def test_findings_carry_the_node_name(small_report: AuditReport) -> None:
    (area,) = small_report.result("G01").findings
    assert area.name == "锦绣家园"
    (person,) = small_report.result("G19").findings
    assert (person.name, person.kind) == ("吴磊", "person")
    deserts = {(desert.name, desert.kind) for desert in small_report.result("G12").findings}
    assert deserts == {("如意社区", "community"), ("宝相社区", "community")}


def test_the_report_runs_every_rule_in_id_order(small_report: AuditReport) -> None:
    assert [result.rule.id for result in small_report.results] == sorted(DESIGN_RULES)
    assert small_report.as_of == AS_OF
    assert small_report.total == sum(len(expected) for expected in EXPECTED_SMALL.values())


def test_findings_are_sorted_by_community_then_node(small_report: AuditReport) -> None:
    assert [f.node_id for f in small_report.result("G14").findings] == [
        "N01",
        "N02",
        "N04",
        "N07",
        "N05",
        "N06",
    ]
    assert [f.node_id for f in small_report.result("G02").findings] == ["PB01", "PA03"]


def test_the_same_audit_twice_gives_the_same_report(small: Graph) -> None:
    assert run_audit(small, as_of=AS_OF).to_json() == run_audit(small, as_of=AS_OF).to_json()


# --- rule selection and filters ------------------------------------------------


def test_only_the_rules_asked_for_run(small: Graph) -> None:
    report = run_audit(small, rules=["G05", "unit_without_head", "G05"], as_of=AS_OF)
    assert [result.rule.id for result in report.results] == ["G05", "G06"]


def test_the_community_filter_keeps_that_communitys_findings(small: Graph) -> None:
    report = run_audit(small, community_id="C02", as_of=AS_OF)
    expected = {
        rule_id: {item for item in items if item[1] == "C02"}
        for rule_id, items in EXPECTED_SMALL.items()
    }
    # P09 heads grid G03 of C02 alone: he is a risk for C02 as well, though
    # his grids span two communities.
    expected["G19"] = EXPECTED_SMALL["G19"]
    for rule_id, items in expected.items():
        assert found(report, rule_id) == items, rule_id
    assert report.community_id == "C02"


def test_the_street_filter_keeps_that_streets_findings(small: Graph) -> None:
    report = run_audit(small, street_id="S01", as_of=AS_OF)
    for rule_id, items in EXPECTED_SMALL.items():
        assert found(report, rule_id) == items, rule_id


def test_a_filter_naming_nothing_is_not_found(small: Graph) -> None:
    with pytest.raises(NotFoundError, match="community not found: C99"):
        run_audit(small, community_id="C99")
    with pytest.raises(NotFoundError, match="street not found: C01"):
        run_audit(small, street_id="C01")


# --- G14: the date and the limit ------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "sla_days", "stale"),
    [
        # N07 was raised on 2024-05-20: 30 days later it is not late yet, 31 days later it is.
        (date(2024, 6, 19), 30, {"N01", "N02", "N04", "N05", "N06"}),
        (date(2024, 6, 20), 30, {"N01", "N02", "N04", "N05", "N06", "N07"}),
        # N02 (assigned, 2024-04-18) is the oldest unresolved need.
        (date(2024, 5, 20), 30, {"N02"}),
        (date(2024, 5, 20), 32, set()),
        (date(2024, 7, 1), 60, {"N02"}),
        # Before any need was raised; N03 is resolved and never stale.
        (date(2024, 3, 1), 0, set()),
        (date(2024, 5, 21), 0, {"N01", "N02", "N04", "N05", "N06", "N07"}),
    ],
)
def test_stale_needs_depend_on_the_date_and_the_limit(
    small: Graph, as_of: date, sla_days: int, stale: set[str]
) -> None:
    report = run_audit(small, rules=["G14"], as_of=as_of, sla_days=sla_days)
    assert {finding.node_id for finding in report.result("G14").findings} == stale


def test_the_audit_date_defaults_to_today(small: Graph) -> None:
    report = run_audit(small, rules=["G14"])
    assert report.as_of == date.today()
    assert {f.node_id for f in report.result("G14").findings} == {
        "N01",
        "N02",
        "N04",
        "N05",
        "N06",
        "N07",
    }


def test_a_negative_limit_is_refused(small: Graph) -> None:
    with pytest.raises(AuditInputError, match="--sla-days"):
        run_audit(small, rules=["G14"], sla_days=-1)


# --- G19: the threshold ---------------------------------------------------------


@pytest.mark.parametrize(
    ("min_places", "expected"),
    [
        (3, {("P09", None, "sole grid_head at 3 targets: G01, G02, G03")}),
        (
            2,
            {
                ("P09", None, "sole grid_head at 3 targets: G01, G02, G03"),
                ("P11", "C01", "sole building_head at 2 targets: B01, B02"),
            },
        ),
        (4, set()),
    ],
)
def test_single_points_of_failure_depend_on_the_threshold(
    small: Graph, min_places: int, expected: Found
) -> None:
    report = run_audit(small, rules=["G19"], min_places=min_places)
    assert found(report, "G19") == expected


def test_a_threshold_below_one_is_refused(small: Graph) -> None:
    with pytest.raises(AuditInputError, match="--min-places"):
        run_audit(small, rules=["G19"], min_places=0)


# --- the JSON shape -------------------------------------------------------------


def test_the_json_has_designs_shape(small_report: AuditReport) -> None:
    document = small_report.to_json()
    assert list(document) == ["rules"]
    assert [rule["id"] for rule in document["rules"]] == sorted(DESIGN_RULES)
    for rule in document["rules"]:
        assert {"id", "name", "severity", "count", "findings"} <= rule.keys()
        assert rule["name"] == DESIGN_RULES[rule["id"]]
        assert rule["count"] == len(rule["findings"])
        assert rule["title_zh"] and rule["title_en"]
        for finding in rule["findings"]:
            assert list(finding) == ["node_id", "name", "kind", "community_id", "detail"]
    g06 = next(rule for rule in document["rules"] if rule["id"] == "G06")
    assert g06["severity"] == find_rule("G06").severity
    assert g06["findings"][0] == {
        "node_id": "U02",
        "name": "如意花园1号楼2单元",
        "kind": "unit",
        "community_id": "C01",
        "detail": "no unit head",
    }
