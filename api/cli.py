"""The ``civicgraph`` command line.

Every command takes ``--json`` for machine output. Errors a user can fix are
:class:`graph.errors.CivicGraphError`; they are printed as one line on
standard error with a non-zero exit, never as a traceback.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from typing import Annotated, Any

import typer
from rich.console import Console

from graph.connection import close_graph, get_graph
from graph.ddl import ensure_schema
from graph.errors import CivicGraphError
from graph.introspect import constraint_names, index_names
from graph.server.local import LocalNeo4j
from graph.settings import get_settings

app = typer.Typer(
    name="civicgraph",
    help="civicgraph — 党建引领基层治理 organization graph: explore, match, audit.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
neo4j_app = typer.Typer(
    help="The local Neo4j (本地图数据库) that civicgraph starts itself.",
    no_args_is_help=True,
)
app.add_typer(neo4j_app, name="neo4j")

console = Console()
error_console = Console(stderr=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]


def print_json(value: Any) -> None:
    """Print ``value`` as JSON (UTF-8, Chinese unescaped) on standard output."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


def _say(message: str) -> None:
    error_console.print(f"[dim]{message}[/dim]")


@neo4j_app.command("install")
def neo4j_install() -> None:
    """Resolve the Neo4j jars and compile the launcher, once (解析依赖)."""
    local = LocalNeo4j(get_settings())
    local.install(_say)
    _say(f"Neo4j {local.version} ready in {local.runtime}")


@neo4j_app.command("start")
def neo4j_start(json_output: JsonOption = False) -> None:
    """Start the local Neo4j, or reuse the running one (启动)."""
    status = LocalNeo4j(get_settings()).start(_say)
    if json_output:
        print_json(status.to_json())
    else:
        console.print(f"Neo4j {status.version} running at {status.uri} (pid {status.pid})")


@neo4j_app.command("stop")
def neo4j_stop(json_output: JsonOption = False) -> None:
    """Stop the local Neo4j cleanly (停止)."""
    stopped = LocalNeo4j(get_settings()).stop()
    if json_output:
        print_json({"stopped": stopped})
    else:
        console.print("Neo4j stopped" if stopped else "Neo4j was not running")


@neo4j_app.command("status")
def neo4j_status(json_output: JsonOption = False) -> None:
    """Whether the local Neo4j runs, and where (状态)."""
    status = LocalNeo4j(get_settings()).status()
    if json_output:
        print_json(status.to_json())
    elif status.running:
        console.print(
            f"running: Neo4j {status.version} at {status.uri} (pid {status.pid}), "
            f"home {status.home}, user {status.user}, password in {status.password_file}"
        )
    else:
        console.print(f"stopped (home {status.home})")


@app.command("schema")
def schema_command(json_output: JsonOption = False) -> None:
    """Create the constraints and indexes that are missing (建立约束与索引)."""
    graph = get_graph(echo=_say)
    ensure_schema(graph)
    report = {
        "uri": graph.uri,
        "version": graph.server_version(),
        "constraints": sorted(constraint_names(graph)),
        "indexes": sorted(index_names(graph)),
    }
    if json_output:
        print_json(report)
    else:
        console.print(
            f"Neo4j {report['version']} at {report['uri']}: {len(report['constraints'])} "
            f"constraints, {len(report['indexes'])} indexes"
        )


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


def main() -> None:
    """Entry point of the ``civicgraph`` console script."""
    try:
        app()
    except CivicGraphError as error:
        sys.stderr.write(f"civicgraph: error: {_one_line(error)}\n")
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("civicgraph: interrupted\n")
        sys.exit(130)
    except Exception as error:
        if os.environ.get("CIVICGRAPH_DEBUG"):
            traceback.print_exc()
        sys.stderr.write(
            "civicgraph: internal error (a bug; rerun with CIVICGRAPH_DEBUG=1 for the "
            f"traceback): {type(error).__name__}: {_one_line(error)}\n"
        )
        sys.exit(70)
    finally:
        close_graph()


if __name__ == "__main__":
    main()
