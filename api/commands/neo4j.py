"""``civicgraph neo4j …`` and ``civicgraph schema``: the local Neo4j and the schema."""

from __future__ import annotations

import typer

from api.console import JsonOption, app, console, open_graph, print_json, say
from graph.ddl import ensure_schema
from graph.introspect import constraint_names, index_names
from graph.server.local import LocalNeo4j
from graph.settings import get_settings

neo4j_app = typer.Typer(
    help="The local Neo4j (本地图数据库) that civicgraph starts itself.",
    no_args_is_help=True,
)
app.add_typer(neo4j_app, name="neo4j")


@neo4j_app.command("install")
def neo4j_install() -> None:
    """Resolve the Neo4j jars and compile the launcher, once (解析依赖)."""
    local = LocalNeo4j(get_settings())
    local.install(say)
    say(f"Neo4j {local.version} ready in {local.runtime}")


@neo4j_app.command("start")
def neo4j_start(json_output: JsonOption = False) -> None:
    """Start the local Neo4j, or reuse the running one (启动)."""
    status = LocalNeo4j(get_settings()).start(say)
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
    graph = open_graph()
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
