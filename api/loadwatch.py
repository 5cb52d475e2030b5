"""Watching for a load that did not finish (装载未完成).

While an interrupted load's mark is open (:mod:`graph.loadmark`), the graph
holds neither the old data nor the new, and every answer says so: an
``X-Civicgraph-Incomplete-Load`` header on each, a banner on the pages. The
server reads the mark every :data:`WATCH_SECONDS` in the background rather
than on each request, so an answer costs nothing more.
"""

from __future__ import annotations

import asyncio
import logging

from graph.async_connection import AsyncGraph
from graph.errors import CivicGraphError
from graph.loadmark import MARK_PARAMETERS, MARK_QUERY, LoadMark, mark_from

WATCH_SECONDS = 2.0
"""How often the server reads the mark."""

HEADER = b"x-civicgraph-incomplete-load"

logger = logging.getLogger("civicgraph.api")


class LoadWatch:
    """The interrupted load the server last saw, if any.

    Attributes:
        interrupted: the open mark of an interrupted load, or ``None``.
    """

    def __init__(self) -> None:
        self.interrupted: LoadMark | None = None

    async def check(self, graph: AsyncGraph) -> None:
        """Read the mark once; a database that does not answer leaves the
        last state as it was."""
        try:
            rows = await graph.query(MARK_QUERY, MARK_PARAMETERS)
        except CivicGraphError as error:
            logger.debug("the load mark could not be read: %s", error)
            return
        mark = mark_from(rows[0]["mark"]) if rows else None
        self.interrupted = mark if mark is not None and not mark.running() else None

    async def run(self, graph: AsyncGraph, interval: float = WATCH_SECONDS) -> None:
        """Read the mark every ``interval`` seconds, until cancelled."""
        while True:
            await self.check(graph)
            await asyncio.sleep(interval)

    def headers(self) -> list[tuple[bytes, bytes]]:
        """The header every answer carries while a load is interrupted."""
        mark = self.interrupted
        if mark is None:
            return []
        kind = "load --replace" if mark.replace else "load"
        value = f"{kind} begun {mark.started.isoformat()} did not finish; run civicgraph recover"
        return [(HEADER, value.encode("ascii", "replace"))]
