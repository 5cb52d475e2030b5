"""Saved audit runs and their comparison, on the jining scenario: a change
between two runs closes one finding and opens another."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from graph.connection import Graph
from graph.schema import SystemLabel
from queries.audit import run_audit
from queries.audit_runs import (
    AuditRunInputError,
    AuditRunNotFoundError,
    Scope,
    compare,
    get_run,
    list_runs,
    save_run,
)
from queries.stats import collect_stats


@pytest.fixture()
def no_runs(jining: Graph) -> Graph:
    """jining with no saved runs."""
    jining.query("MATCH (run:AuditRun) DELETE run", write=True)
    return jining


def _g07(graph: Graph) -> tuple[str, str, str]:
    """A community G07 reports (no first secretary), one it does not, and
    the person who is first secretary there."""
    report = run_audit(graph, ["G07"])
    lacking = report.results[0].findings[0].node_id
    row = graph.query(
        "MATCH (person:Person)-[:HOLDS {post: 'first_secretary'}]->(community:Community) "
        "RETURN community.id AS community, person.id AS person ORDER BY community LIMIT 1"
    )[0]
    return lacking, row["community"], row["person"]


def _move_first_secretary(graph: Graph, person: str, source: str, target: str) -> None:
    graph.query(
        "MATCH (person:Person {id: $person})-[held:HOLDS {post: 'first_secretary'}]->"
        "(:Community {id: $source}) MATCH (target:Community {id: $target}) "
        "CREATE (person)-[:HOLDS {post: 'first_secretary'}]->(target) DELETE held",
        {"person": person, "source": source, "target": target},
        write=True,
    )


def test_a_change_closes_one_finding_and_opens_another(no_runs: Graph) -> None:
    lacking, served, person = _g07(no_runs)
    first = save_run(no_runs, run_audit(no_runs))
    assert first.total == get_run(no_runs, first.run_id).total == len(first.findings)
    _move_first_secretary(no_runs, person, served, lacking)
    try:
        found = compare(no_runs)
        assert found.from_run.run_id == first.run_id
        assert found.to_run is None
        assert {(item.rule_id, item.finding.node_id) for item in found.new} == {("G07", served)}
        assert {(item.rule_id, item.finding.node_id) for item in found.closed} == {("G07", lacking)}
        assert len(found.persisting) == first.total - 1
        document = found.to_json()
        assert set(document) >= {"from_run", "to_run", "new", "closed", "persisting"}
        assert document["to_run"] is None
        assert document["persisting"] == first.total - 1
        assert document["new"][0] == {
            **next(
                f.to_json()
                for f in run_audit(no_runs, ["G07"]).results[0].findings
                if f.node_id == served
            ),
            "rule_id": "G07",
        }
        assert document["by_rule"]["G07"] == {
            "new": 1,
            "closed": 1,
            "persisting": found.by_rule()["G07"]["persisting"],
        }
        # A second run: the default compares it with the one before.
        second = save_run(no_runs, run_audit(no_runs))
        between = compare(no_runs, to_reference=second.run_id)
        assert between.from_run.run_id == first.run_id
        assert between.to_run is not None and between.to_run.run_id == second.run_id
        assert [(i.rule_id, i.finding.node_id) for i in between.new] == [("G07", served)]
        assert [(i.rule_id, i.finding.node_id) for i in between.closed] == [("G07", lacking)]
        # Now against the latest run: nothing changed since.
        since = compare(no_runs)
        assert since.from_run.run_id == second.run_id
        assert (since.new, since.closed) == ((), ())
    finally:
        _move_first_secretary(no_runs, person, lacking, served)


def test_a_date_picks_the_latest_run_saved_on_or_before_it(no_runs: Graph) -> None:
    report = run_audit(no_runs, ["G07"])
    older = save_run(no_runs, report, now=datetime(2026, 3, 1, 9, tzinfo=UTC))
    newer = save_run(no_runs, report, now=datetime(2026, 3, 5, 9, tzinfo=UTC))
    assert [found.run_id for found in list_runs(no_runs)] == [older.run_id, newer.run_id]
    assert compare(no_runs, "2026-03-04").from_run.run_id == older.run_id
    assert compare(no_runs, "2026-03-05").from_run.run_id == newer.run_id
    with pytest.raises(AuditRunNotFoundError):
        compare(no_runs, "2026-02-28")
    with pytest.raises(AuditRunInputError):
        compare(no_runs, "2026-02-30")
    with pytest.raises(AuditRunNotFoundError):
        compare(no_runs, "r-no-such-run")


def test_no_saved_run_is_reported(no_runs: Graph) -> None:
    with pytest.raises(AuditRunNotFoundError):
        compare(no_runs)


def test_a_city_run_compared_within_a_community(no_runs: Graph) -> None:
    lacking, served, person = _g07(no_runs)
    save_run(no_runs, run_audit(no_runs))
    _move_first_secretary(no_runs, person, served, lacking)
    try:
        within = compare(no_runs, scope=Scope(community_id=lacking))
        assert [(i.rule_id, i.finding.node_id) for i in within.closed] == [("G07", lacking)]
        assert within.new == ()
        assert all(i.finding.community_id == lacking for i in within.persisting)
        assert within.community_id == lacking
    finally:
        _move_first_secretary(no_runs, person, lacking, served)


def test_a_community_run_is_not_found_from_another_community(no_runs: Graph) -> None:
    lacking, served, _ = _g07(no_runs)
    save_run(no_runs, run_audit(no_runs, community_id=lacking))
    with pytest.raises(AuditRunNotFoundError):
        compare(no_runs, scope=Scope(community_id=served))


def test_findings_identities_are_unique_within_each_rule(no_runs: Graph) -> None:
    saved = save_run(no_runs, run_audit(no_runs))
    identities = [item.identity for item in get_run(no_runs, saved.run_id).findings]
    assert len(identities) == len(set(identities)) == saved.total


def test_runs_are_not_data(no_runs: Graph) -> None:
    before = collect_stats(no_runs).labels
    save_run(no_runs, run_audit(no_runs))
    assert collect_stats(no_runs).labels == before
    assert SystemLabel.AUDIT_RUN.value not in before
    rows = no_runs.query("MATCH (run:AuditRun) RETURN run.id AS id")
    assert [row["id"] for row in rows] == [None]
