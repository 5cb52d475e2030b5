"""The jining scenario, loaded into the real Neo4j, holds every figure of the
seed article (SEED-FACTS.md), counted in the graph within each county."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from graph.connection import Graph
from graph.introspect import check_nodes
from graph.schema import Label
from queries.seed_facts import LIANGSHAN, SEED_FIGURES, WENSHANG, Comparison, seed_check
from queries.stats import collect_stats


@pytest.mark.slow
def test_jining_holds_every_seed_figure(jining: Graph) -> None:
    checks = seed_check(collect_stats(jining))

    assert len(checks) == len(SEED_FIGURES)
    judged = [check for check in checks if check.figure.comparison != Comparison.REPORTED]
    assert [
        (check.figure.county, check.figure.title_en, check.found)
        for check in judged
        if not check.holds
    ] == []
    reported = {check.figure.title_en: check.found for check in checks if check.holds is None}
    assert reported["micro-volunteer services given"] == 4263
    assert reported["problems solved by the five-level call chain"] == 82
    assert reported["satisfaction with resolution"] == pytest.approx(0.989, abs=0.0015)
    assert check_nodes(jining, Label.COUNTY, ["name"]) == {(WENSHANG,), (LIANGSHAN,)}
    assert check_nodes(jining, Label.CITY, ["name"]) == {("济宁市",)}


@pytest.mark.slow
def test_stats_seed_check_cli(jining: Graph) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", "stats", "--seed-check", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    checks = json.loads(result.stdout)["seed_check"]

    assert {check["holds"] for check in checks} == {True, None}
    wenshang = next(c for c in json.loads(result.stdout)["counties"] if c["name"] == WENSHANG)
    assert wenshang["party_org_level"]["area_branch"] == 88
