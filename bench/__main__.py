"""``python -m bench --counties N``: run the benchmark parts and print the table.

The benchmark runs its own local Neo4j in ``bench/work/home`` (fresh each
run), so it never touches a planner's data; ``NEO4J_URI`` is ignored here.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from pydantic import SecretStr

from bench.api import bench_api
from bench.history import bench_history
from bench.load import bench_load
from bench.mixed import bench_mixed
from bench.queries import bench_queries
from bench.report import Metric, print_table, write_results
from bench.views import bench_views
from graph.connection import connect
from graph.server.local import LocalNeo4j
from graph.settings import Settings, get_settings
from loaders.scenario import REFERENCE_DATE, write_scenario

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--counties", type=int, default=11)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, default=HERE / "work")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args(argv)

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
        print("part 1: loading ...", flush=True)
        metrics += bench_load(graph, local, workbook, work)
        print("part 2: the questions ...", flush=True)
        metrics += bench_queries(graph)
        print("part 3: the API ...", flush=True)
        metrics += bench_api(graph, home)
        print("part 3: the views in headless Chromium ...", flush=True)
        metrics += bench_views(graph, work, settings=settings, as_of=REFERENCE_DATE)
        print("part 4: the graph's memory ...", flush=True)
        metrics += bench_history(graph, workbook, work)
        # Last: its writes change the graph the other parts measure.
        print("part 3: the API under mixed load ...", flush=True)
        metrics += bench_mixed(graph, home)
    finally:
        graph.close()
        local.stop()
    print_table(metrics, args.counties)
    write_results(args.out, metrics, args.counties)
    print(f"results written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
