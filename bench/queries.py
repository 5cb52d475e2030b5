"""Part 2 of the benchmark: the questions planners ask, on the loaded city.

* the audit: every rule and the whole, warm (after one run that plans the
  queries), beside the first, cold run; and the whole as of a past day
  (:data:`AS_OF_PAST`, before the re-sets and terms the scenario dates),
  beside the warm run as of today;
* candidates of 1,000 open needs, one call each: p50 and p99;
* the assignment of every open need: the set-based min-cost flow beside the
  naive way of building the same network — one candidates round trip per
  need — and greedy one-by-one assignment's count beside the optimum's.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date

from bench.report import Metric, percentile
from graph.connection import Graph
from queries.assignment import plan_assignment
from queries.audit import run_audit
from queries.catalog import run
from queries.matching import candidates

CANDIDATE_SAMPLE = 1000
AS_OF_PAST = date(2022, 1, 1)
"""The past day the audit is measured as of."""


def bench_queries(graph: Graph) -> list[Metric]:
    """Time the audit, candidates and the assignment."""
    started = time.perf_counter()
    run_audit(graph)
    cold = time.perf_counter() - started
    report = run_audit(graph)
    warm = sum(result.seconds for result in report.results)
    slowest = max(report.results, key=lambda result: result.seconds)
    print(f"  audit: {warm:.2f} s warm, {cold:.2f} s cold", flush=True)
    run_audit(graph, as_of=AS_OF_PAST)
    past = run_audit(graph, as_of=AS_OF_PAST)
    past_seconds = sum(result.seconds for result in past.results)
    print(f"  audit as of {AS_OF_PAST}: {past_seconds:.2f} s", flush=True)

    open_needs = [row["need_id"] for row in run(graph, "match_open_needs", {"community_id": None})]
    sample = random.Random(0).sample(open_needs, min(CANDIDATE_SAMPLE, len(open_needs)))
    for need_id in sample[:50]:
        candidates(graph, need_id)
    timings: list[float] = []
    for need_id in sample:
        started = time.perf_counter()
        candidates(graph, need_id)
        timings.append((time.perf_counter() - started) * 1000)
    print(f"  candidates: p50 {statistics.median(timings):.2f} ms", flush=True)

    started = time.perf_counter()
    plan = plan_assignment(graph)
    assign_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for need_id in open_needs:
        candidates(graph, need_id)
    per_need_seconds = time.perf_counter() - started
    print(
        f"  assign: {assign_seconds:.2f} s for {plan.needs:,} open needs; per-need round trips "
        f"{per_need_seconds:.1f} s",
        flush=True,
    )
    return [
        Metric(
            "audit_total_s",
            warm,
            "s",
            baseline=cold,
            goal="≤ 3 s",
            note=f"{len(report.results)} rules, {report.total:,} findings; "
            "baseline: the first (cold) run",
        ),
        Metric(
            "audit_as_of_s",
            past_seconds,
            "s",
            baseline=warm,
            goal="≤ 3 s",
            note=(
                f"every rule as of {AS_OF_PAST}, {past.total:,} findings, warm (after one "
                "run); baseline: the warm audit as of today"
            ),
        ),
        Metric(
            "audit_rule_max_s",
            slowest.seconds,
            "s",
            goal="—",
            note=f"slowest rule: {slowest.rule.id} {slowest.rule.name}",
            extra={
                f"rule_{result.rule.id}_s": round(result.seconds, 4) for result in report.results
            },
        ),
        Metric(
            "candidates_p50_ms",
            statistics.median(timings),
            "ms",
            goal="≤ 5 ms",
            note=f"{len(timings):,} open needs, one call each, after 50 warm-up calls",
        ),
        Metric(
            "candidates_p99_ms",
            percentile(timings, 0.99),
            "ms",
            goal="—",
            note=f"max {max(timings):.1f} ms",
        ),
        Metric(
            "assign_s",
            assign_seconds,
            "s",
            baseline=per_need_seconds,
            goal="≤ 5 s for ≥ 10,000 open needs, optimal",
            note=(
                f"{plan.needs:,} open needs, {plan.components:,} components; serves "
                f"{plan.served:,} (greedy {plan.greedy_served:,}); baseline: reading the "
                "candidates one need per round trip, without solving"
            ),
            extra={
                "assign_needs": plan.needs,
                "assign_served": plan.served,
                "greedy_served": plan.greedy_served,
            },
        ),
    ]
