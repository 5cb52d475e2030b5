"""Load marks as a loader in another process leaves them (``graph.loadmark``)."""

from __future__ import annotations

import socket

from graph.connection import Graph
from tests.api.conftest import SMALL


def leave_mark(graph: Graph, *, digest: str, pid: int, heartbeat: str, replace: bool) -> None:
    """A mark as a loader in another process leaves it."""
    properties = {
        "key": "current",
        "workbook": str(SMALL),
        "source": "load small",
        "digest": digest,
        "replace": replace,
        "started": heartbeat,
        "heartbeat": heartbeat,
        "host": socket.gethostname(),
        "pid": pid,
    }
    graph.query(
        "MERGE (mark:LoadMark {key: 'current'}) SET mark = $properties",
        {"properties": properties},
        write=True,
    )
