"""``civicgraph serve``: the API (under ``/api``) and its pages, with uvicorn.

One process serves by default. ``--workers N`` runs N server processes under
uvicorn's own supervisor: they share the listening socket, each with its own
connection to Neo4j, and one that dies is replaced. uvicorn starts them as
fresh interpreters, so each builds its app itself (:data:`SERVED_APP`, a
factory) from the settings of the environment and ``.env``, which they
inherit from this process; one process builds its app the same way. The
database is reached (and the local Neo4j started) once before any of them
starts, and the port checked, so that either problem is one clear line.

Requests are not logged one by one unless ``--access-log`` asks for it, as in
gunicorn: a line per request costs a twentieth of the server's work and buries
what the console says. Errors and warnings are always printed.
"""

from __future__ import annotations

import socket
from typing import Annotated

import typer
import uvicorn

from api.console import app, say, warn_if_mid_load
from api.protocol import JoinedWritesProtocol
from graph.connection import SERVER_BUDGET, connect
from graph.errors import ConfigurationError

SERVED_APP = "api.main:create_served_app"
"""What each server process runs: uvicorn imports it by name (it cannot hand
an app object to another process) and calls it to build the app."""


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
    checked = connect(echo=say, budget=SERVER_BUDGET)
    warn_if_mid_load(checked)
    checked.close()
    check_port_free(host, port)
    say(f"civicgraph API on http://{host}:{port}/api (OpenAPI: /api/openapi.json)")
    uvicorn.run(
        SERVED_APP,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        http=JoinedWritesProtocol,
        log_level="info",
        access_log=access_log,
    )


def check_port_free(host: str, port: int) -> None:
    """Make sure that ``host:port`` can be listened on, as uvicorn will
    (``SO_REUSEADDR`` set): uvicorn would say it in a log line and exit with
    status 3.

    Raises:
        ConfigurationError: the address is taken or not this machine's.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise ConfigurationError(f"cannot listen on {host}:{port}: {error.strerror}") from error
