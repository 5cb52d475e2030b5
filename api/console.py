"""What every command of the ``civicgraph`` command line shares: the Typer
application, the consoles, the ``--json`` option and JSON printing.

Command modules in :mod:`api.commands` register on :data:`app`;
:mod:`api.cli` imports them all and is the console script's entry point.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Annotated, Any

import typer
from rich.console import Console

from graph.connection import Graph, get_graph
from graph.loadmark import read_mark
from queries.audit import parse_date

app = typer.Typer(
    name="civicgraph",
    help="civicgraph — 党建引领基层治理 organization graph: explore, match, audit.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

console = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
"""Standard output; piped output is not squeezed to 80 columns."""
error_console = Console(stderr=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]

AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="the day to judge the graph on, YYYY-MM-DD (default today): the posts "
        "held and the places and organizations existing that day",
    ),
]
"""The ``--as-of`` option of every command that reads the graph."""


def as_of_day(text: str | None) -> date | None:
    """An ``--as-of`` option's day (``None``: today).

    Raises:
        AuditInputError: not a date (one line, exit 2).
    """
    return parse_date(text) if text is not None else None


def print_json(value: Any) -> None:
    """Print ``value`` as JSON (UTF-8, Chinese unescaped) on standard output."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


def say(message: str) -> None:
    """Tell the user what is being done, on standard error (keeps ``--json`` clean)."""
    error_console.print(f"[dim]{message}[/dim]", highlight=False)


_checked_mark = False


def open_graph() -> Graph:
    """The process's connection to the graph (starting the local Neo4j when
    needed), with a warning line on standard error, once, when an
    interrupted load left the graph mid-load (:mod:`graph.loadmark`)."""
    graph = get_graph(echo=say)
    warn_if_mid_load(graph)
    return graph


def warn_if_mid_load(graph: Graph) -> None:
    """Say, once per process, on standard error, that an interrupted load
    left the graph mid-load (:mod:`graph.loadmark`)."""
    global _checked_mark
    if _checked_mark:
        return
    _checked_mark = True
    mark = read_mark(graph)
    if mark is not None and not mark.running():
        error_console.print(
            f"[yellow]warning: the graph is mid-load (装载未完成): {mark.describe()}; "
            "run `civicgraph recover` to finish it[/yellow]",
            highlight=False,
        )
