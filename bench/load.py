"""Part 1 of the benchmark: loading a workbook.

Three ways of writing the same kind of data are timed in the same run:

* civicgraph's loader (validation included) on the whole synthetic city:
  first on the freshly started server, whose JVM is still compiling its code
  (reported in the note), then :data:`TIMED_LOADS` more times, the median of
  which is the figure (the JVM goes on compiling through the second load, and
  the machine's speed drifts from one load to the next);
* the naive way, as py2neo-era tutorials load a spreadsheet — the same
  statements, one row per transaction — on a sample that is closed under its
  references (a county's first places and everything that refers only to
  them), large enough to time;
* Neo4j's offline bulk importer on the whole city, into a separate store.

Entities are nodes plus relationships, counted in the database.

Each read and write of a workbook runs with Python's garbage collector paused,
as ``civicgraph load`` runs it (:func:`api.collector.collector_paused`).
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from api.collector import collector_paused
from bench.bulk import run_bulk_import
from bench.report import Metric
from graph.connection import Graph
from graph.introspect import count_nodes, count_relationships, delete_everything
from graph.server.local import LocalNeo4j
from loaders.load import (
    LoadReport,
    default_taxonomy,
    known_nodes,
    load_workbook,
    validate_path,
    write_workbook,
)
from loaders.records import ValidatedWorkbook

TIMED_LOADS = 3
"""Loads of the whole city timed after the first; their median is the figure."""

NAIVE_SAMPLE_PLACES = 40
"""Places in the naive sample; the rows that refer only to them come along."""


def sample_workbook(workbook: ValidatedWorkbook, places: int) -> ValidatedWorkbook:
    """The first ``places`` places of the workbook and every row whose
    references all lie within them (or the default taxonomy)."""
    kept_places = workbook.places[:places]
    inside = {place.id for place in kept_places} | {c.id for c in default_taxonomy().categories}

    def within(*ids: str | None) -> bool:
        return all(node_id is None or node_id in inside for node_id in ids)

    party_orgs = [o for o in workbook.party_orgs if within(o.place_id)]
    inside |= {o.id for o in party_orgs}
    party_orgs = [
        replace(o, parent_id=o.parent_id if within(o.parent_id) else None) for o in party_orgs
    ]
    organizations = [
        replace(o, manages=[a for a in o.manages if a in inside], domains=[])
        for o in workbook.organizations
        if within(o.place_id, o.fallback_org_id)
    ]
    inside |= {o.id for o in organizations}
    posts = [p for p in workbook.posts if within(p.target_id)]
    holders = {p.person_id for p in posts}
    people = [
        replace(p, employer_id=p.employer_id if within(p.employer_id) else None)
        for p in workbook.people
        if p.id in holders
    ]
    inside |= holders
    facilities = [f for f in workbook.facilities if within(f.place_id)]
    services = [
        replace(s, covers=[c for c in s.covers if c in inside])
        for s in workbook.services
        if within(s.provider_id) and (not s.covers or any(c in inside for c in s.covers))
    ]
    projects = [p for p in workbook.projects if within(p.unit_id, p.community_id)]
    inside |= {s.id for s in services} | {p.id for p in projects}
    needs = [n for n in workbook.needs if within(n.place_id, n.assigned_to)]
    return replace(
        workbook,
        places=kept_places,
        party_orgs=party_orgs,
        organizations=organizations,
        people=people,
        posts=posts,
        facilities=facilities,
        categories=[],
        services=services,
        projects=projects,
        needs=needs,
    )


def _entities(graph: Graph) -> int:
    return count_nodes(graph) + count_relationships(graph)


def _timed_load(graph: Graph, workbook_path: Path) -> tuple[int, float, LoadReport]:
    """Load the workbook into an emptied graph: entities in the graph, seconds, report."""
    delete_everything(graph)
    started = time.perf_counter()
    with collector_paused():
        report = load_workbook(graph, workbook_path)
    seconds = time.perf_counter() - started
    return _entities(graph), seconds, report


def bench_load(graph: Graph, local: LocalNeo4j, workbook_path: Path, work: Path) -> list[Metric]:
    """Time the three ways of loading; leaves the whole city loaded."""
    known = known_nodes(None)
    started = time.perf_counter()
    with collector_paused():
        workbook = validate_path(workbook_path, known)
    validation_seconds = time.perf_counter() - started

    # The first load on a freshly started Neo4j also pays for the JVM compiling
    # its code; it is reported, and the loader is timed again after the naive
    # way, as a server that has been running would load.
    first_entities, first_seconds, _ = _timed_load(graph, workbook_path)
    print(f"  loader, first after start: {first_entities:,} entities in {first_seconds:.1f} s")

    delete_everything(graph)
    with collector_paused():
        write_workbook(graph, default_taxonomy(), known, existing=())
    sample = sample_workbook(workbook, NAIVE_SAMPLE_PLACES)
    before = _entities(graph)
    started = time.perf_counter()
    # Every id of the sample counts as existing, so each row goes through the
    # MERGE statements, one row per transaction: the naive way.
    sample_known = {**known, **sample.known_nodes()}
    with collector_paused():
        write_workbook(graph, sample, sample_known, sample_known.keys(), batch_size=1, workers=1)
    naive_seconds = time.perf_counter() - started
    naive_entities = _entities(graph) - before
    naive_rate = naive_entities / naive_seconds
    print(f"  naive: {naive_entities:,} entities in {naive_seconds:.1f} s", flush=True)

    timed = []
    for _ in range(TIMED_LOADS):
        timed.append(_timed_load(graph, workbook_path))
        print(f"  loader: {timed[-1][0]:,} entities in {timed[-1][1]:.1f} s", flush=True)
    entities, load_seconds, report = sorted(timed, key=lambda load: load[1])[len(timed) // 2]
    load_rate = entities / load_seconds
    each = ", ".join(f"{seconds:.1f}" for _, seconds, _ in timed)

    bulk = run_bulk_import(local, [default_taxonomy(), workbook], known, work)
    return [
        Metric(
            "load_entities_per_s",
            load_rate,
            "entities/s",
            baseline=naive_rate,
            goal="≥ 50,000/s and ≥ 100× naive",
            note=(
                f"{entities:,} entities in {load_seconds:.1f} s, the median of {each} s "
                f"(reading and validation, "
                f"{validation_seconds:.1f} s when timed alone, included); first load after "
                f"the server started: {first_entities / first_seconds:,.0f} /s "
                f"({first_seconds:.1f} s); "
                f"naive: {naive_entities:,} entities one row per transaction in "
                f"{naive_seconds:.1f} s; {report.entities:,} written by the loader"
            ),
        ),
        Metric(
            "load_vs_bulk_import",
            load_rate,
            "entities/s",
            baseline=bulk.entities_per_second,
            goal="≥ 1/5 of the bulk importer",
            note=(
                f"neo4j-admin database import: {bulk.nodes + bulk.relationships:,} entities "
                f"in {bulk.seconds:.1f} s (JVM start included)"
            ),
        ),
    ]
