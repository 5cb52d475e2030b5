"""``civicgraph serve``: the API (under ``/api``) and its pages, with uvicorn.

One process serves by default. ``--workers N`` starts N server processes,
each with its own connection to Neo4j, so that several cores answer requests:
this process accepts on the port and deals the connections out to them in turn
(:mod:`api.workers`). The database is reached (and the local Neo4j started)
once before they start.

Requests are not logged one by one unless ``--access-log`` asks for it, as in
gunicorn: a line per request costs a twentieth of the server's work and buries
what the console says. Errors and warnings are always printed.
"""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from api.console import app, open_graph, say
from api.main import create_app
from api.protocol import JoinedWritesProtocol
from api.workers import serve_workers, steady_collector
from graph.connection import close_graph
from graph.settings import get_settings


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="the address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="the port to listen on")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="server processes (each uses one core at most)")
    ] = 1,
    access_log: Annotated[
        bool, typer.Option("--access-log", help="print a line for every request (访问日志)")
    ] = False,
) -> None:
    """Serve the API and its pages (启动服务); Ctrl-C stops it."""
    graph = open_graph()
    say(f"civicgraph API on http://{host}:{port}/api (OpenAPI: /api/openapi.json)")
    if workers == 1:
        served = create_app(get_settings(), graph=graph)
        steady_collector()
        uvicorn.run(
            served,
            host=host,
            port=port,
            http=JoinedWritesProtocol,
            log_level="info",
            access_log=access_log,
        )
        return
    # Each worker opens its own connection; this one only made sure Neo4j answers.
    close_graph()
    serve_workers(host, port, workers, access_log=access_log)
