"""``civicgraph serve --workers 2``: several server processes behind one port
(uvicorn's supervisor) answer the API with the tokens of ``$CIVICGRAPH_HOME``,
replace a worker that dies, and stop with the parent."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psutil
import pytest
from uvicorn.config import STARTUP_FAILURE

from api.commands.serve import SERVED_APP
from api.tokens import Role, TokenStore
from graph.connection import Graph
from graph.settings import get_settings
from tests.serving import free_port, serve_command, wait_until_up

pytestmark = pytest.mark.slow

WORKERS = 2


def _workers(server: subprocess.Popen[bytes]) -> list[psutil.Process]:
    """The parent's worker processes (not multiprocessing's resource tracker)."""
    children = psutil.Process(server.pid).children()
    return [child for child in children if "resource_tracker" not in " ".join(child.cmdline())]


Served = tuple[subprocess.Popen[bytes], int, str, Path]
"""A running ``serve``: its process, port, a viewer token and its log file."""


@contextmanager
def serving(log: Path, *options: str) -> Iterator[Served]:
    """``serve --workers 2`` on a free port with ``options``, with a viewer
    token, its output (both streams) in ``log``; stopped after."""
    _, token = TokenStore.for_settings(get_settings()).create(Role.VIEWER, name="serve test")
    port = free_port()
    with log.open("wb") as output:
        server = subprocess.Popen(
            [*serve_command(port, WORKERS), *options],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        try:
            wait_until_up(f"http://127.0.0.1:{port}", server)
        except RuntimeError as error:
            raise AssertionError(f"{error}:\n{log.read_text(errors='replace')}") from error
        yield server, port, token, log
    finally:
        server.terminate()
        server.wait(timeout=90)


@pytest.fixture()
def served(graph: Graph, tmp_path: Path) -> Iterator[Served]:
    """``serve --workers 2`` as a planner starts it."""
    with serving(tmp_path / "serve.log") as running:
        yield running


def test_serve_with_two_workers_answers_and_stops(served: Served) -> None:
    server, port, token, log = served
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers) as client:
        answers = [client.get("/api/stats").status_code for _ in range(20)]
    assert answers == [200] * 20
    assert httpx.get(f"{base}/api/stats").status_code == 401
    # Requests are not logged one by one unless asked.
    assert "/api/stats" not in log.read_text(errors="replace")

    workers = _workers(server)
    assert len(workers) == WORKERS
    server.terminate()
    assert server.wait(timeout=90) == 0
    assert not any(worker.is_running() for worker in workers)
    # Every process let go of the port.
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0


def test_a_dead_worker_is_replaced(served: Served) -> None:
    server, port, token, _ = served
    headers = {"Authorization": f"Bearer {token}"}
    victim = _workers(server)[0]
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=30)
    deadline = time.monotonic() + 120
    while {worker.pid for worker in _workers(server)} & {victim.pid} or len(
        _workers(server)
    ) < WORKERS:
        assert time.monotonic() < deadline, "the dead worker was not replaced"
        time.sleep(0.2)
    # New connections, each to whichever worker the kernel wakes.
    answers = [
        httpx.get(f"http://127.0.0.1:{port}/api/stats", headers=headers).status_code
        for _ in range(8)
    ]
    assert answers == [200] * 8


def test_the_access_log_has_a_line_per_request_when_asked(graph: Graph, tmp_path: Path) -> None:
    with serving(tmp_path / "serve.log", "--access-log") as (_, port, token, log):
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers) as client:
            for _ in range(4):
                assert client.get("/api/stats").status_code == 200
            assert client.get("/api/nodes/no-such-node").status_code == 404
        deadline = time.monotonic() + 30
        while log.read_text(errors="replace").count('"GET /api/stats HTTP/1.1" 200') < 4:
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.1)
        assert '"GET /api/nodes/no-such-node HTTP/1.1" 404' in log.read_text(errors="replace")


def test_a_port_in_use_is_one_clear_line(graph: Graph) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            serve_command(port, WORKERS),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert f"civicgraph: error: cannot listen on 127.0.0.1:{port}: Address already in use" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr


NOTHING_LISTENS = {"NEO4J_URI": "bolt://127.0.0.1:9", "NEO4J_PASSWORD": "x"}
"""A database that cannot be reached: nothing listens there."""


def test_an_unreachable_database_is_one_line_before_serving() -> None:
    result = subprocess.run(
        serve_command(free_port(), WORKERS),
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **NOTHING_LISTENS},
    )
    assert result.returncode != 0
    assert "civicgraph: error: cannot reach Neo4j at bolt://127.0.0.1:9" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_server_process_that_cannot_reach_the_database_says_so_in_one_line() -> None:
    # What a server process does when the database goes away between the
    # command's check and its own start (or when one is started again).
    started = (
        "import uvicorn; "
        f"uvicorn.run({SERVED_APP!r}, factory=True, port={free_port()}, log_level='info')"
    )
    result = subprocess.run(
        [sys.executable, "-c", started],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **NOTHING_LISTENS},
    )
    assert result.returncode == STARTUP_FAILURE
    assert "civicgraph: error: cannot reach Neo4j at bolt://127.0.0.1:9" in result.stderr
    assert "Traceback" not in result.stderr
