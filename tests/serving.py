"""Serving the API for a test or the benchmark: a free port, ``civicgraph
serve`` in a process of its own, an app served by uvicorn in a thread, or
a folder's files (a page of another site, a baseline page).

The tests and ``bench/`` both start real servers; these helpers live here so
that a test never imports from ``bench/`` (the benchmark imports from here).
"""

from __future__ import annotations

import functools
import http.server
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from graph.server.local import LocalNeo4j
from graph.settings import Settings, get_settings


@contextmanager
def throwaway_neo4j(home: Path, *, heap: str, pagecache: str) -> Iterator[LocalNeo4j]:
    """A local Neo4j of its own on ``home`` (not started), for a test that
    stops or kills its database; stopped at the end."""
    server = LocalNeo4j(
        Settings(
            civicgraph_home=home,
            civicgraph_cache=get_settings().civicgraph_cache,
            civicgraph_neo4j_heap=heap,
            civicgraph_neo4j_pagecache=pagecache,
        )
    )
    try:
        yield server
    finally:
        server.stop()


def free_port() -> int:
    """A TCP port of 127.0.0.1 nothing listens on at the time of asking."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_command(port: int, workers: int) -> list[str]:
    """``civicgraph serve`` on ``port`` of 127.0.0.1 with ``workers``
    processes, run by this Python."""
    return [
        sys.executable,
        "-m",
        "api.cli",
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]


def wait_until_up(base: str, process: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    """Wait until the ``civicgraph serve`` at ``base`` answers ``/api/health``.

    Raises:
        RuntimeError: it exited, or did not answer within ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("civicgraph serve exited before answering")
        try:
            if httpx.get(f"{base}/api/health", timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("civicgraph serve did not answer in time")


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Serve an app with uvicorn in a thread on 127.0.0.1; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="civicgraph-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@contextmanager
def serving_folder(folder: Path) -> Iterator[str]:
    """Serve a folder's files over HTTP on 127.0.0.1; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="civicgraph-files", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=30)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Say nothing: tests and the benchmark print their own output."""
