"""``civicgraph explore``: write an interactive view of the graph as one
self-contained HTML page (关系网 · 组织架构 · 总览) that opens offline, from a
file, in any browser.

One of three views: the neighbourhood of a node (``--center ID --depth K``),
a community's organization tree (``--community ID``) or the overview of a
city, county or street (``--overview ID``), with the audit's findings drawn
on the nodes. An overview's communities link to ``community-<id>.html`` next
to it; those pages are written too (one audit serves them all), unless
``--no-communities`` is given.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer

from api.console import (
    AsOfOption,
    JsonOption,
    app,
    as_of_day,
    console,
    open_graph,
    print_json,
    say,
)
from queries.audit import run_audit
from visualize.model import ViewGraph
from visualize.render import write_html
from visualize.views import (
    COMMUNITY_FILE_URL,
    DEFAULT_MAX_NODES,
    ViewChoice,
    build_view,
    overview_rollups,
    parse_labels,
)


@app.command("explore")
def explore_command(
    out: Annotated[Path, typer.Option("--out", help="the HTML file to write")],
    center: Annotated[
        str | None, typer.Option("--center", help="the node whose neighbourhood to show")
    ] = None,
    depth: Annotated[int, typer.Option("--depth", help="steps from --center, 0 to 3")] = 1,
    community: Annotated[
        str | None, typer.Option("--community", help="the community whose tree to show")
    ] = None,
    overview: Annotated[
        str | None,
        typer.Option("--overview", help="the city, county or street: one node per community"),
    ] = None,
    labels: Annotated[
        str | None,
        typer.Option("--labels", help="keep only these labels, e.g. PartyOrg,Person,Place"),
    ] = None,
    needs: Annotated[bool, typer.Option("--needs", help="--community: add its open needs")] = False,
    findings: Annotated[
        bool,
        typer.Option("--findings/--no-findings", help="draw the audit's findings on the nodes"),
    ] = True,
    as_of: AsOfOption = None,
    max_nodes: Annotated[
        int, typer.Option("--max-nodes", help="the most nodes drawn; more are aggregated")
    ] = DEFAULT_MAX_NODES,
    communities: Annotated[
        bool,
        typer.Option(
            "--communities/--no-communities",
            help="--overview: also write community-<id>.html next to it",
        ),
    ] = True,
    json_output: JsonOption = False,
) -> None:
    """Write an interactive view as an offline HTML page (探索: 关系网、组织架构、总览)."""
    choice = ViewChoice(
        center=center,
        depth=depth,
        community=community,
        include_needs=needs,
        overview=overview,
        labels=parse_labels(labels),
        max_nodes=max_nodes,
        findings=findings,
        as_of=as_of_day(as_of),
    )
    choice.check()
    graph = open_graph()
    # An overview and all its community pages share one audit.
    report = run_audit(graph, as_of=choice.as_of) if choice.overview and choice.findings else None
    written = [_write(build_view(graph, choice, report=report), out)]
    if choice.overview and communities:
        _, rollups = overview_rollups(graph, choice.overview, findings=False, as_of=choice.as_of)
        for rollup in rollups:
            target = out.parent / COMMUNITY_FILE_URL.format(id=rollup.id)
            if target.parent != out.parent:
                # An id with a path separator cannot be a file next to the
                # overview; its link stays dead rather than writing elsewhere.
                say(f"skipped community {rollup.id!r}: its id cannot be a file name")
                continue
            page = replace(choice, overview=None, community=rollup.id)
            written.append(_write(build_view(graph, page, report=report), target))
    if json_output:
        print_json({"written": written})
        return
    for entry in written:
        console.print(
            f"wrote {entry['path']}: {entry['title_zh']} · {entry['title_en']} — "
            f"{entry['nodes']} nodes, {entry['findings']} findings",
            highlight=False,
        )


def _write(view: ViewGraph, path: Path) -> dict[str, Any]:
    written = write_html(view, path)
    return {
        "path": str(written),
        "title_zh": view.title_zh,
        "title_en": view.title_en,
        "kind": view.kind.value,
        "nodes": len(view.nodes),
        "represented": view.represented_count,
        "edges": len(view.edges),
        "findings": view.finding_count,
        "bytes": written.stat().st_size,
    }
