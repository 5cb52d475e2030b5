"""``civicgraph demo``: the whole product in one command, for a newcomer.

It starts the local Neo4j (or uses ``NEO4J_URI``), loads the ``jining``
scenario — the two counties of the seed article under 济宁市 — when the
database holds no places yet, prints the audit's summary, writes the overview
of the city as an offline page, makes an admin token (printed once) and serves
the API and the planners' pages until Ctrl-C.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from rich.table import Table

from api.console import app, console, open_graph, say
from api.main import create_app
from api.protocol import JoinedWritesProtocol
from api.tokens import Role, TokenStore
from graph.connection import SERVER_BUDGET, Graph, connect
from graph.introspect import check_nodes, count_nodes
from graph.schema import Label
from graph.settings import get_settings
from loaders.load import load_workbook
from loaders.scenario import REFERENCE_DATE, SCENARIOS, write_scenario
from queries.audit import run_audit
from visualize.render import write_html
from visualize.views import overview_view

CITY_ID = "jn"
"""The jining scenario's city, 济宁市: the overview's scope."""


@app.command("demo")
def demo_command(
    host: Annotated[str, typer.Option(help="the address to serve on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="the port to serve on")] = 8000,
    scenario: Annotated[
        str, typer.Option(help="the scenario loaded into an empty database")
    ] = "jining",
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="serve the API and pages at the end")
    ] = True,
) -> None:
    """Local Neo4j, the jining scenario, the audit, the overview, the API (演示)."""
    settings = get_settings()
    graph = open_graph()
    demo_folder = Path(settings.civicgraph_home) / "demo"
    loaded_now = count_nodes(graph, Label.PLACE) == 0
    if loaded_now:
        workbook = demo_folder / scenario
        info = SCENARIOS[scenario]
        say(f"The database is empty: loading the {info.zh} · {info.en} scenario ...")
        write_scenario(scenario, workbook)
        report = load_workbook(graph, workbook)
        say(f"Loaded {report.entities:,} nodes and relationships from {workbook}")
    else:
        say("The database already holds a graph: it is used as it is.")

    cities = graph_city_ids(graph)
    # The scenario's needs end on its own "today"; audited as of the real
    # today, every open need would look weeks overdue.
    as_of = REFERENCE_DATE if loaded_now or CITY_ID in cities else None
    audit = run_audit(graph, as_of=as_of)
    table = Table(title=f"治理体检 · audit summary, as of {audit.as_of}")
    for column in ("rule", "规则", "rule name", "severity", "findings"):
        table.add_column(column)
    for result in audit.results:
        table.add_row(
            result.rule.id,
            result.rule.title_zh,
            result.rule.title_en,
            result.rule.severity,
            f"{len(result.findings):,}",
        )
    console.print(table)

    address = f"http://{host}:{port}/"
    scope = CITY_ID if CITY_ID in cities else (cities[0] if cities else None)
    if scope is not None:
        # The file opens offline; its communities link to the served pages.
        overview = overview_view(
            graph,
            scope,
            report=audit,
            as_of=as_of,
            community_url=address + "explore?community={id}" + (f"&as_of={as_of}" if as_of else ""),
        )
        written = write_html(overview, demo_folder / "overview.html")
        console.print(f"overview written to {written} (opens offline in any browser)")

    _, token = TokenStore.for_settings(settings).create(Role.ADMIN, name="demo")
    console.print(f"\n[bold]civicgraph[/bold] pages: {address}   API: {address}api/docs")
    if as_of is not None:
        console.print(f"the audit as of the scenario's last day: {address}audit?as_of={as_of}")
    console.print(f"admin token (shown once; keep it): [bold]{token}[/bold]\n", soft_wrap=True)
    if serve:
        # The app gets a connection of its own, with a server's budget: the
        # one above waits out a restarting database, as a batch job should.
        served = connect(settings, budget=SERVER_BUDGET)
        uvicorn.run(
            create_app(settings, graph=served, owns_graph=True),
            host=host,
            port=port,
            http=JoinedWritesProtocol,
            log_level="warning",
        )


def graph_city_ids(graph: Graph) -> list[str]:
    """The ids of the graph's cities, or of its counties when it has no city."""
    for label in (Label.CITY, Label.COUNTY):
        ids = sorted(node_id for (node_id,) in check_nodes(graph, label, ["id"]))
        if ids:
            return ids
    return []
