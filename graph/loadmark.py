"""The mark a load leaves in the graph while it writes (装载标记).

A load writes in many transactions. If the database or the loader dies
between the first and the last, the graph holds neither the old data nor the
new. So a load marks itself in the graph — one ``:LoadMark`` node — before
its first write, keeps the mark's heartbeat fresh while it writes, and
removes the mark after its last write. A mark whose heartbeat has gone stale
(or whose loader, on this host, has exited) is an **interrupted** load:
every command and API answer then says that the graph is mid-load, until
``civicgraph load`` or ``civicgraph recover`` finishes it.

The mark is not data: it has no ``id`` (so no workbook can refer to it),
its label is a :class:`graph.schema.SystemLabel`, and counts leave it out.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import neo4j

from graph.connection import Graph
from graph.errors import CivicGraphError
from graph.schema import SystemLabel, quote_identifier

HEARTBEAT_SECONDS = 5.0
"""How often a running load refreshes its mark."""

STALE_AFTER = timedelta(seconds=30)
"""A mark whose heartbeat is older than this has no loader behind it."""

_LABEL = quote_identifier(SystemLabel.LOAD_MARK)
_KEY = "current"
"""The one mark's key: a graph is loaded by one load at a time."""

MARK_QUERY = f"MATCH (mark:{_LABEL} {{key: $key}}) RETURN properties(mark) AS mark"
"""The query that reads the mark (also for callers on an asynchronous connection)."""

MARK_PARAMETERS = {"key": _KEY}

_writing = threading.Event()
"""Set while this process writes a load (from :func:`open_mark` to the end
of :func:`marked`)."""


class LoadInProgressError(CivicGraphError):
    """Another load is writing to the graph right now."""

    exit_code = 2


class InterruptedLoadError(CivicGraphError):
    """The graph is mid-load (an interrupted load's mark is open), and the
    load asked for would neither finish nor replace it."""

    exit_code = 2


@dataclass(frozen=True)
class LoadMark:
    """An open mark: a load that has begun writing and not finished.

    Attributes:
        workbook: the path the workbook was loaded from.
        source: how the load describes itself (``load places.xlsx``,
            ``api upload wb.zip``).
        digest: the workbook's ``sha256:`` digest.
        replace: whether it was a ``--replace`` load.
        started: when it began writing (UTC).
        heartbeat: when its loader last said it was alive (UTC).
        host: the loader's host name.
        pid: the loader's process id.
    """

    workbook: str
    source: str
    digest: str
    replace: bool
    started: datetime
    heartbeat: datetime
    host: str
    pid: int

    def running(self, now: datetime | None = None) -> bool:
        """Whether a loader is still behind the mark: its heartbeat is
        fresh and, when it runs on this host, its process is alive."""
        moment = now or datetime.now(UTC)
        if self.host == socket.gethostname() and self.pid == os.getpid():
            return _writing.is_set()
        if moment - self.heartbeat > STALE_AFTER:
            return False
        if self.host == socket.gethostname():
            return _process_alive(self.pid)
        return True

    def describe(self) -> str:
        """One line: what was being loaded, since when."""
        kind = "load --replace" if self.replace else "load"
        return (
            f"{kind} of {self.workbook} ({self.digest[:19]}…) began "
            f"{self.started.astimezone().strftime('%Y-%m-%d %H:%M')} and did not finish"
        )

    def to_json(self) -> dict[str, Any]:
        """The mark as a JSON-ready dict."""
        return {
            "workbook": self.workbook,
            "source": self.source,
            "digest": self.digest,
            "replace": self.replace,
            "started": self.started.isoformat(),
            "heartbeat": self.heartbeat.isoformat(),
            "host": self.host,
            "pid": self.pid,
        }


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _now() -> str:
    return datetime.now(UTC).isoformat()


def read_mark(graph: Graph) -> LoadMark | None:
    """The open mark, or ``None`` when no load is open."""
    rows = graph.query(MARK_QUERY, MARK_PARAMETERS)
    return mark_from(rows[0]["mark"]) if rows else None


def mark_from(properties: dict[str, Any]) -> LoadMark:
    """A mark from its node's properties."""
    return LoadMark(
        workbook=str(properties.get("workbook", "")),
        source=str(properties.get("source", "")),
        digest=str(properties.get("digest", "")),
        replace=bool(properties.get("replace", False)),
        started=datetime.fromisoformat(str(properties["started"])),
        heartbeat=datetime.fromisoformat(str(properties["heartbeat"])),
        host=str(properties.get("host", "")),
        pid=int(properties.get("pid", 0)),
    )


def open_mark(graph: Graph, *, workbook: str, source: str, digest: str, replace: bool) -> LoadMark:
    """Mark the graph as being loaded, before the load's first write.

    An interrupted load's mark is taken over (the new load finishes or
    replaces it).

    Raises:
        LoadInProgressError: another loader's mark is open and alive.
    """
    now = _now()
    properties = {
        "key": _KEY,
        "workbook": workbook,
        "source": source,
        "digest": digest,
        "replace": replace,
        "started": now,
        "heartbeat": now,
        "host": socket.gethostname(),
        "pid": os.getpid(),
    }

    def take(tx: neo4j.ManagedTransaction) -> LoadMark | None:
        # Setting a property first takes the node's write lock: two loads
        # that start at once cannot both find the graph free.
        found = tx.run(
            f"MERGE (mark:{_LABEL} {{key: $key}}) SET mark.key = $key "
            "RETURN properties(mark) AS mark",
            MARK_PARAMETERS,
        ).single()
        before = found["mark"] if found is not None else {}
        if "started" in before:
            existing = mark_from(before)
            if existing.running():
                return existing
        tx.run(
            f"MATCH (mark:{_LABEL} {{key: $key}}) SET mark = $properties",
            {"key": _KEY, "properties": properties},
        ).consume()
        return None

    busy = graph.write(take)
    if busy is None:
        _writing.set()
    else:
        raise LoadInProgressError(
            f"another load is writing to the graph: {busy.source} on {busy.host} "
            f"(pid {busy.pid}) since {busy.started.astimezone():%H:%M:%S}"
        )
    return mark_from(properties)


def beat(graph: Graph) -> None:
    """Say the load is still alive."""
    graph.query(
        f"MATCH (mark:{_LABEL} {{key: $key}}) WHERE mark.pid = $pid SET mark.heartbeat = $now",
        {"key": _KEY, "pid": os.getpid(), "now": _now()},
        write=True,
    )


def close_mark(graph: Graph) -> None:
    """Remove the mark, after the load's last write."""
    _writing.clear()
    graph.query(f"MATCH (mark:{_LABEL} {{key: $key}}) DELETE mark", {"key": _KEY}, write=True)


@contextmanager
def marked(
    graph: Graph,
    *,
    workbook: str,
    source: str,
    digest: str,
    replace: bool,
    interval: float = HEARTBEAT_SECONDS,
) -> Iterator[LoadMark]:
    """Mark the graph for the writes of the block (:func:`open_mark`), keep
    the mark's heartbeat fresh while they run, and remove it when they all
    succeeded. A block that fails leaves the mark: the graph is then
    mid-load, and says so, until the load is finished.

    A beat that fails (the database went away) is skipped: the load itself
    will fail, and the mark then goes stale as it should.

    Raises:
        LoadInProgressError: another loader's mark is open and alive.
    """
    mark = open_mark(graph, workbook=workbook, source=source, digest=digest, replace=replace)
    stop = threading.Event()

    def keep_beating() -> None:
        while not stop.wait(interval):
            try:
                beat(graph)
            except CivicGraphError:
                continue

    beating = threading.Thread(target=keep_beating, name="civicgraph-load-heartbeat", daemon=True)
    beating.start()
    try:
        yield mark
        close_mark(graph)
    finally:
        _writing.clear()
        stop.set()
        beating.join(timeout=interval + 5)
