"""The audit on the ``jining`` scenario: for each county, every rule finds as
many gaps as the scenario generator planted (``ScenarioSummary.gaps``), as of
the generator's reference date."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.connection import Graph
from graph.introspect import delete_everything
from loaders.load import load_workbook
from loaders.scenario import (
    REFERENCE_DATE,
    SINGLE_POINT_MIN_PLACES,
    SLA_DAYS,
    ScenarioSummary,
    write_scenario,
)
from queries.audit import all_rules, run_audit
from queries.scorecard import scorecard_from

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def jining(graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScenarioSummary]:
    """The jining scenario (both counties), written and loaded once."""
    summary = write_scenario("jining", Path(tmp_path_factory.mktemp("jining")))
    delete_everything(graph)
    load_workbook(graph, summary.out_dir or "")
    yield summary


def test_every_rule_finds_what_the_generator_planted_in_each_county(
    graph: Graph, jining: ScenarioSummary
) -> None:
    everything = run_audit(
        graph, as_of=REFERENCE_DATE, sla_days=SLA_DAYS, min_places=SINGLE_POINT_MIN_PLACES
    )
    streets = scorecard_from(graph, everything).streets
    counted: dict[str, Counter[str]] = {county.county_id: Counter() for county in jining.counties}
    for street in streets:
        assert street.id is not None and street.county_id is not None
        report = run_audit(
            graph,
            street_id=street.id,
            as_of=REFERENCE_DATE,
            sla_days=SLA_DAYS,
            min_places=SINGLE_POINT_MIN_PLACES,
        )
        for result in report.results:
            counted[street.county_id][result.rule.id] += result.count
    for county in jining.counties:
        planted = {rule.id: county.gaps.get(rule.id, 0) for rule in all_rules()}
        found = {rule.id: counted[county.county_id][rule.id] for rule in all_rules()}
        assert found == planted, county.name
    # Nothing lies outside the streets: the whole audit is the sum of theirs.
    assert {result.rule.id: result.count for result in everything.results} == {
        rule.id: jining.gaps.get(rule.id, 0) for rule in all_rules()
    }
