"""Audit rule G20 (term_due, 任期将满) on the small workbook: the posts of
secretary, part-time member and first secretary whose term ends within the
warning period of the audit's day, a term lasting ``term_years`` from
``since`` unless ``until`` says when it ends."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from graph.connection import Graph
from graph.introspect import delete_everything
from loaders.load import load_workbook
from queries.audit import (
    DEFAULT_TERM_WARN_DAYS,
    DEFAULT_TERM_YEARS,
    AuditInputError,
    find_rule,
    run_audit,
)
from tests.loaders.workbooks import SMALL, copy_small, set_where
from tests.queries.audit_expected import Found, found

DAY = date(2026, 3, 1)
"""A day when PC01's and PC02's secretaries (since 2021-03-20) are 19 days
from the end of their five-year terms, and O01's (since 2020-12-01) ended 90
days before."""


@pytest.fixture()
def small(graph: Graph) -> Graph:
    """The small workbook, loaded for each test (others here load variants)."""
    delete_everything(graph)
    load_workbook(graph, SMALL)
    return graph


def term_due(
    graph: Graph,
    day: date = DAY,
    term_warn_days: int = DEFAULT_TERM_WARN_DAYS,
    term_years: int = DEFAULT_TERM_YEARS,
) -> Found:
    report = run_audit(
        graph, rules=["G20"], as_of=day, term_warn_days=term_warn_days, term_years=term_years
    )
    return found(report, "G20")


def test_the_rule_is_declared_like_the_others() -> None:
    rule = find_rule("term_due")
    assert (rule.id, rule.severity) == ("G20", "medium")
    assert (rule.title_zh, rule.title_en) == ("任期将满", "Term of office ending soon")
    assert (DEFAULT_TERM_WARN_DAYS, DEFAULT_TERM_YEARS) == (90, 5)


def test_terms_ending_within_the_warning_period_and_overdue_ones(small: Graph) -> None:
    assert term_due(small) == {
        ("O01", None, "secretary P13 (since 2020-12-01): term ended 2025-12-01, 90 days ago"),
        ("PC01", "C01", "secretary P03 (since 2021-03-20): term ends 2026-03-20, in 19 days"),
        ("PC02", "C02", "secretary P04 (since 2021-03-20): term ends 2026-03-20, in 19 days"),
    }
    kinds = {
        (finding.node_id, finding.kind)
        for finding in run_audit(small, rules=["G20"], as_of=DAY).result("G20").findings
    }
    assert kinds == {
        ("O01", "county_department"),
        ("PC01", "community_committee"),
        ("PC02", "community_committee"),
    }


def test_the_warning_period_is_a_parameter(small: Graph) -> None:
    # PX01's secretary (since 2021-06-01) ends 92 days after DAY.
    assert "PX01" not in {node for node, _, _ in term_due(small, term_warn_days=91)}
    wider = term_due(small, term_warn_days=92)
    assert ("PX01", None, "secretary P01 (since 2021-06-01): term ends 2026-06-01, in 92 days") in (
        wider
    )
    # No warning period: only the terms already ended.
    assert term_due(small, term_warn_days=0) == {
        ("O01", None, "secretary P13 (since 2020-12-01): term ended 2025-12-01, 90 days ago"),
    }


def test_the_term_length_is_a_parameter(small: Graph) -> None:
    # Four-year terms have all ended by DAY, but P06's red-partner seat
    # (since 2022-03-01) ends on it; posts of other kinds are never judged.
    four_years = term_due(small, term_years=4, term_warn_days=0)
    assert {node for node, _, _ in four_years} == {
        "PX01",
        "PS01",
        "PC01",
        "PC02",
        "PA01",
        "O01",
        "C01",
        "C02",
    }
    assert len(four_years) == 9
    assert (
        "PC01",
        "C01",
        "part_time_member P06 (since 2022-03-01): term ends 2026-03-01, in 0 days",
    ) in four_years
    assert term_due(small, term_years=20) == set()


def test_nothing_is_due_long_before_the_terms_end(small: Graph) -> None:
    assert term_due(small, date(2024, 7, 1)) == set()


def test_until_says_when_a_term_ends(empty_graph: Graph, tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    where = {"person_id": "P03", "post": "secretary", "target_id": "PC01"}
    set_where(folder, "posts.csv", where, until="2026-04-15")
    # P04 left before DAY: a post no longer held is not due.
    set_where(
        folder,
        "posts.csv",
        {"person_id": "P04", "post": "secretary", "target_id": "PC02"},
        until="2026-02-01",
    )
    load_workbook(empty_graph, folder)
    assert {node for node, _, _ in term_due(empty_graph, term_warn_days=44)} == {"O01"}
    assert (
        "PC01",
        "C01",
        "secretary P03 (since 2021-03-20): term ends 2026-04-15, in 45 days",
    ) in term_due(empty_graph, term_warn_days=45)


def test_the_scope_filters_apply(small: Graph) -> None:
    report = run_audit(small, rules=["G20"], as_of=DAY, community_id="C02")
    assert {finding.node_id for finding in report.result("G20").findings} == {"PC02"}


@pytest.mark.parametrize(
    ("warn_days", "years", "message"),
    [
        (-1, 5, "--term-warn-days: must be 0 or more, not -1"),
        (90, 0, "--term-years: must be 1 or more, not 0"),
    ],
)
def test_bad_parameters_are_refused(small: Graph, warn_days: int, years: int, message: str) -> None:
    with pytest.raises(AuditInputError, match=message):
        run_audit(small, rules=["G20"], term_warn_days=warn_days, term_years=years)
