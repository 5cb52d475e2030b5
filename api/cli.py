"""The ``civicgraph`` command line.

Every command takes ``--json`` for machine output. Errors a user can fix are
:class:`graph.errors.CivicGraphError`; they are printed as one line on
standard error with a non-zero exit, never as a traceback.
"""

from __future__ import annotations

import importlib
import logging
import os
import pkgutil
import sys
import traceback

import api.commands
from api.console import app
from graph.connection import close_graph
from graph.errors import CivicGraphError


def _register_commands() -> None:
    """Import every module of :mod:`api.commands`; each registers its commands."""
    for module in pkgutil.iter_modules(api.commands.__path__):
        importlib.import_module(f"api.commands.{module.name}")


_register_commands()


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


def quiet_driver() -> None:
    """Keep the Neo4j driver's own log lines (each retry of a transaction,
    each defunct connection) off the terminal: a command that fails says so
    in one line. ``CIVICGRAPH_DEBUG=1`` lets them through."""
    if not os.environ.get("CIVICGRAPH_DEBUG"):
        driver_log = logging.getLogger("neo4j")
        driver_log.addHandler(logging.NullHandler())
        driver_log.propagate = False


def main() -> None:
    """Entry point of the ``civicgraph`` console script."""
    quiet_driver()
    try:
        app(prog_name="civicgraph")
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
