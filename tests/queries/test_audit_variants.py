"""The audit on variants of the small workbook: one with every gap fixed (every
rule finds nothing), one with gaps the small workbook lacks (G04, G07, G18,
a full resource for G13, each kind of broken link for G15, a second street).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from graph.connection import Graph
from loaders.load import load_workbook
from queries.audit import AuditReport, all_rules, run_audit
from tests.queries.audit_expected import EXPECTED_SMALL, Found, found
from tests.queries.audit_workbooks import broken_small, fixed_small


@pytest.fixture()
def fixed(empty_graph: Graph, tmp_path: Path) -> AuditReport:
    load_workbook(empty_graph, fixed_small(tmp_path))
    # Before the oldest unresolved need (2024-04-18) is 60 days old.
    return run_audit(empty_graph, as_of=date(2024, 5, 20), sla_days=60)


def test_with_every_gap_fixed_no_rule_finds_anything(fixed: AuditReport) -> None:
    assert {result.rule.id: result.count for result in fixed.results} == {
        rule.id: 0 for rule in all_rules()
    }


EXPECTED_BROKEN: dict[str, Found] = {
    **EXPECTED_SMALL,
    # PB04 is new and has no secretary.
    "G02": {
        ("PA03", "C02", "area_branch"),
        ("PB01", "C01", "building_group"),
        ("PB04", "C02", "building_group"),
    },
    "G04": {("G02", "C01", "grid")},
    # C03 of the new street has nobody at all.
    "G07": {("C02", "C02", "community"), ("C03", "C03", "community")},
    "G08": {("C02", "C02", "community"), ("C03", "C03", "community")},
    # N01's only covering resource, SV02 (capacity 2), carries N10 and N11.
    # N07 still has SV03 (a broader category, 3 places free) though SV05 is over.
    "G13": {
        ("N01", "C01", "every covering resource is full: SV02 2/2"),
        ("N04", "C01", "nothing covers it in its category"),
        # PJ02, the only match, is a planned project.
        ("N05", "C02", "nothing covers it in its category"),
    },
    "G14": EXPECTED_SMALL["G14"]
    | {
        ("N08", "C01", "assigned 41 days since 2024-05-21 (limit 30 days)"),
        ("N09", "C01", "assigned 40 days since 2024-05-22 (limit 30 days)"),
        ("N10", "C01", "assigned 39 days since 2024-05-23 (limit 30 days)"),
        ("N11", "C01", "assigned 38 days since 2024-05-24 (limit 30 days)"),
    },
    "G15": {
        ("PA03", "C02", "parent PS01 is a street_working_committee, not a community_committee"),
        ("PB01", "C01", "no parent"),
        ("PB04", "C02", "place B04 is outside the parent's place A01"),
    },
    # SV05 covers A01 of C01 and carries N08 and N09.
    "G18": {("SV05", "C01", "2 assigned, capacity 1")},
    # P09 is sole grid head of G01 and G03 only.
    "G19": set(),
}


@pytest.fixture()
def broken(empty_graph: Graph, tmp_path: Path) -> Graph:
    load_workbook(empty_graph, broken_small(tmp_path))
    return empty_graph


def test_gaps_the_small_workbook_lacks_are_found(broken: Graph) -> None:
    report = run_audit(broken, as_of=date(2024, 7, 1))
    for rule_id, expected in EXPECTED_BROKEN.items():
        assert found(report, rule_id) == expected, rule_id


def test_the_street_filter_leaves_other_streets_out(broken: Graph) -> None:
    south = run_audit(broken, street_id="S02", as_of=date(2024, 7, 1))
    rules_with_findings = {r.rule.id: found(south, r.rule.id) for r in south.results if r.count}
    assert rules_with_findings == {
        "G07": {("C03", "C03", "community")},
        "G08": {("C03", "C03", "community")},
    }
    middle = run_audit(broken, street_id="S01", rules=["G07", "G08"])
    assert found(middle, "G07") == {("C02", "C02", "community")}
    assert found(middle, "G08") == {("C02", "C02", "community")}


def test_the_community_filter_applies_to_resources_and_needs(broken: Graph) -> None:
    report = run_audit(broken, community_id="C02", rules=["G13", "G18", "G15"])
    assert found(report, "G13") == {("N05", "C02", "nothing covers it in its category")}
    assert found(report, "G18") == set()
    assert found(report, "G15") == {
        ("PA03", "C02", "parent PS01 is a street_working_committee, not a community_committee"),
        ("PB04", "C02", "place B04 is outside the parent's place A01"),
    }
    in_c01 = run_audit(broken, community_id="C01", rules=["G18"])
    assert found(in_c01, "G18") == EXPECTED_BROKEN["G18"]
