"""Part 4 of the benchmark: the graph's memory (:mod:`graph.changes`).

* a load of the whole city with its change set recorded, beside the same
  writes unrecorded, into an emptied graph each time, alternately, the
  median of :data:`TIMED_LOADS` each;
* a month's reload: a ``needs.csv`` of :data:`MONTH_NEEDS` needs of the
  loaded city, :data:`CHANGED_SHARE` of them changed (their urgency), loaded
  as a partial workbook (validation against the graph included), beside the
  same file loaded again once it changes nothing;
* one node's history, for needs the reload changed and people the first load
  created: p50 and p99 over :data:`HISTORY_SAMPLE` nodes;
* an audit saved as a run and compared with the audit now (the comparison
  given the audit it compares, as the audit page does), beside the audit.

It leaves the whole city loaded, as the first part does, with the month's
changes in it.
"""

from __future__ import annotations

import csv
import random
import statistics
import time
from pathlib import Path

from api.collector import collector_paused
from bench.report import Metric, percentile
from graph.changes import Actor, ChangeContext
from graph.connection import Graph
from graph.introspect import delete_everything
from loaders.load import default_taxonomy, known_nodes, load_workbook, validate_path, write_workbook
from queries.audit import run_audit
from queries.audit_runs import compare, save_run
from queries.changes import node_history

TIMED_LOADS = 3
MONTH_NEEDS = 10_000
CHANGED_SHARE = 0.05
HISTORY_SAMPLE = 300


def _write_once(graph: Graph, workbook_path: Path, *, recorded: bool) -> float:
    known = known_nodes(None)
    with collector_paused():
        workbook = validate_path(workbook_path, known)
    delete_everything(graph)
    context = ChangeContext(actor=Actor.cli(), via="bench") if recorded else None
    with collector_paused():
        write_workbook(graph, default_taxonomy(), known, existing=(), context=context)
        existing = default_taxonomy().known_nodes().keys()
        started = time.perf_counter()
        write_workbook(graph, workbook, known, existing, context=context)
    return time.perf_counter() - started


def _month(workbook_path: Path, folder: Path) -> list[str]:
    """A ``needs.csv`` of the city's first needs, every twentieth with its
    urgency changed; the ids of the changed ones."""
    folder.mkdir(parents=True, exist_ok=True)
    with (workbook_path / "needs.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1 : MONTH_NEEDS + 1]
    urgency = header.index("urgency")
    step = round(1 / CHANGED_SHARE)
    changed = []
    for position, row in enumerate(body):
        if position % step == 0:
            row[urgency] = str(int(row[urgency] or 2) % 3 + 1)
            changed.append(row[0])
    with (folder / "needs.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *body])
    return changed


def bench_history(graph: Graph, workbook_path: Path, work: Path) -> list[Metric]:
    """Time loading with and without the change sets, a month's reload and
    one node's history."""
    recorded: list[float] = []
    plain: list[float] = []
    for _ in range(TIMED_LOADS):
        plain.append(_write_once(graph, workbook_path, recorded=False))
        recorded.append(_write_once(graph, workbook_path, recorded=True))
    with_history, without = statistics.median(recorded), statistics.median(plain)
    print(f"  load with change sets: {with_history:.1f} s, without: {without:.1f} s", flush=True)

    # The city as a planner has it: loaded with its change set.
    delete_everything(graph)
    with collector_paused():
        load_workbook(graph, workbook_path)
    month = work / "month"
    changed = _month(workbook_path, month)
    started = time.perf_counter()
    with collector_paused():
        report = load_workbook(graph, month)
    reload_seconds = time.perf_counter() - started
    started = time.perf_counter()
    with collector_paused():
        again = load_workbook(graph, month)
    unchanged_seconds = time.perf_counter() - started
    print(
        f"  month's reload: {reload_seconds:.2f} s ({report.changes}); "
        f"unchanged: {unchanged_seconds:.2f} s",
        flush=True,
    )

    people = [row["id"] for row in graph.query("MATCH (p:Person) RETURN p.id AS id LIMIT 5000")]
    chooser = random.Random(0)
    sample = chooser.sample(changed, min(HISTORY_SAMPLE // 2, len(changed)))
    sample += chooser.sample(people, min(HISTORY_SAMPLE - len(sample), len(people)))
    for node_id in sample[:30]:
        node_history(graph, node_id)
    timings = []
    for node_id in sample:
        started = time.perf_counter()
        node_history(graph, node_id)
        timings.append((time.perf_counter() - started) * 1000)
    p50 = statistics.median(timings)
    print(f"  history: p50 {p50:.2f} ms", flush=True)

    run_audit(graph)
    started = time.perf_counter()
    audit = run_audit(graph)
    audit_seconds = time.perf_counter() - started
    started = time.perf_counter()
    save_run(graph, audit)
    save_seconds = time.perf_counter() - started
    started = time.perf_counter()
    compared = compare(graph, report=audit)
    compare_seconds = time.perf_counter() - started
    print(f"  audit run: saved in {save_seconds:.2f} s, compared in {compare_seconds:.2f} s")
    return [
        Metric(
            "load_with_history_ratio",
            without / with_history,
            "×",
            goal="≥ 0.8",
            note=(
                f"the whole city written with its change set in {with_history:.1f} s, "
                f"without in {without:.1f} s (medians of {TIMED_LOADS}, alternately, each "
                "into an emptied graph; validation not included); the rate with them ÷ "
                "the rate without"
            ),
        ),
        Metric(
            "reload_month_s",
            reload_seconds,
            "s",
            baseline=unchanged_seconds,
            goal="≤ 3 s",
            note=(
                f"needs.csv of {MONTH_NEEDS:,} needs, {len(changed):,} changed: "
                f"{report.changes.get('updated', 0):,} updates recorded (validation against "
                f"the graph included); baseline: the same file again, which changes nothing "
                f"(change set: {again.changeset})"
            ),
        ),
        Metric(
            "history_p50_ms",
            p50,
            "ms",
            goal="≤ 20 ms",
            note=(
                f"{len(sample)} nodes (needs the month changed, people the load created), "
                f"one call each after 30 warm-up calls; p99 {percentile(timings, 0.99):.1f} ms"
            ),
        ),
        Metric(
            "audit_save_compare_s",
            save_seconds + compare_seconds,
            "s",
            baseline=audit_seconds,
            note=(
                f"{audit.total:,} findings saved as a run in {save_seconds:.2f} s and "
                f"compared with the audit now in {compare_seconds:.2f} s "
                f"({len(compared.persisting):,} persisting); baseline: the audit itself, warm"
            ),
        ),
    ]
