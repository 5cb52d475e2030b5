"""What every command of the ``civicgraph`` command line shares: the Typer
application, the consoles, the ``--json`` option and JSON printing.

Command modules in :mod:`api.commands` register on :data:`app`;
:mod:`api.cli` imports them all and is the console script's entry point.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console

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


def print_json(value: Any) -> None:
    """Print ``value`` as JSON (UTF-8, Chinese unescaped) on standard output."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


def say(message: str) -> None:
    """Tell the user what is being done, on standard error (keeps ``--json`` clean)."""
    error_console.print(f"[dim]{message}[/dim]", highlight=False)
