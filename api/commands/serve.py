"""``civicgraph serve``: the API (under ``/api``) and its pages, with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from api.console import app, say
from api.main import create_app
from graph.settings import get_settings


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="the address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="the port to listen on")] = 8000,
) -> None:
    """Serve the API and its pages (启动服务); Ctrl-C stops it."""
    say(f"civicgraph API on http://{host}:{port}/api (OpenAPI: /api/openapi.json)")
    uvicorn.run(create_app(get_settings()), host=host, port=port, log_level="info")
