"""``python -m bench --counties N``: run the benchmark parts and print the table.

The benchmark runs its own local Neo4j in ``bench/work/home`` (fresh each
run), so it never touches a planner's data; ``NEO4J_URI`` is ignored here.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from bench.api import bench_api
from bench.history import bench_history
from bench.load import bench_load
from bench.mixed import bench_mixed
from bench.queries import bench_queries
from bench.report import Metric, print_table, write_results
from bench.views import bench_views
from graph.connection import Graph, connect
from graph.server.local import LocalNeo4j
from graph.settings import Settings, get_settings
from loaders.load import load_workbook
from loaders.scenario import REFERENCE_DATE, write_scenario

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Context:
    """What every part is given: the connection, the local Neo4j, the
    workbook of the city, the work folder and the settings."""

    graph: Graph
    local: LocalNeo4j
    workbook: Path
    work: Path
    home: Path
    settings: Settings


Part = Callable[[Context], list[Metric]]

PARTS: dict[str, tuple[str, Part]] = {
    "load": ("part 1: loading", lambda c: bench_load(c.graph, c.local, c.workbook, c.work)),
    "queries": ("part 2: the questions", lambda c: bench_queries(c.graph)),
    "api": ("part 3: the API", lambda c: bench_api(c.graph, c.home)),
    "views": (
        "part 3: the views in headless Chromium",
        lambda c: bench_views(c.graph, c.work, settings=c.settings, as_of=REFERENCE_DATE),
    ),
    "history": ("part 4: the graph's memory", lambda c: bench_history(c.graph, c.workbook, c.work)),
    # Last: its writes change the graph the other parts measure.
    "mixed": ("part 3: the API under mixed load", lambda c: bench_mixed(c.graph, c.home)),
}
"""The parts, in the order they run: each returns its figures."""


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--counties", type=int, default=11)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, default=HERE / "work")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="where the figures go: bench/results.json for a whole run, "
        "WORK/results-partial.json for --only",
    )
    parser.add_argument(
        "--only",
        default="",
        help=f"comma-separated parts to run ({', '.join(PARTS)}); all by default. "
        "Without load, the city is loaded once, untimed.",
    )
    args = parser.parse_args(argv)
    only = [part.strip() for part in args.only.split(",") if part.strip()]
    unknown = sorted(set(only) - set(PARTS))
    if unknown:
        parser.error(f"unknown parts: {', '.join(unknown)}; choose from {', '.join(PARTS)}")
    chosen = only or list(PARTS)

    work: Path = args.work
    home = work / "home"
    base = get_settings()
    settings = Settings(
        civicgraph_home=home,
        civicgraph_cache=base.civicgraph_cache,
        civicgraph_neo4j_heap=base.civicgraph_neo4j_heap,
        civicgraph_neo4j_pagecache=base.civicgraph_neo4j_pagecache,
    )
    local = LocalNeo4j(settings)
    local.stop()
    shutil.rmtree(home, ignore_errors=True)
    workbook = work / f"synthetic-{args.counties}-{args.seed}"
    print(f"writing the synthetic city of {args.counties} counties to {workbook} ...", flush=True)
    write_scenario("synthetic", workbook, counties=args.counties, seed=args.seed)

    status = local.start(lambda message: print(message, flush=True))
    assert status.uri is not None
    graph = connect(Settings(neo4j_uri=status.uri, neo4j_password=SecretStr(local.password())))
    metrics: list[Metric] = []
    try:
        if "load" not in chosen:
            print("loading the city (untimed) ...", flush=True)
            load_workbook(graph, workbook)
        for part in chosen:
            title, measure = PARTS[part]
            print(f"{title} ...", flush=True)
            metrics += measure(Context(graph, local, workbook, work, home, settings))
    finally:
        graph.close()
        local.stop()
    print_table(metrics, args.counties)
    out: Path = args.out or (work / "results-partial.json" if only else HERE / "results.json")
    write_results(out, metrics, args.counties)
    print(f"results written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
