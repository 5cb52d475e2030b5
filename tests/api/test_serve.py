"""``civicgraph serve --workers 2``: several server processes behind one port
answer the API with the tokens of ``$CIVICGRAPH_HOME``, hold its connections
evenly, replace a worker that dies, and stop with the parent."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from api.tokens import Role, TokenStore
from bench.api import free_port, serve_command, wait_until_up
from graph.connection import Graph
from graph.settings import get_settings

WORKERS = 2


def _workers(server: subprocess.Popen[bytes]) -> list[psutil.Process]:
    """The parent's worker processes (not multiprocessing's resource tracker)."""
    children = psutil.Process(server.pid).children()
    return [child for child in children if "resource_tracker" not in " ".join(child.cmdline())]


def _connections_held(worker: psutil.Process, port: int) -> int:
    return sum(
        1
        for connection in worker.net_connections(kind="tcp")
        if connection.status == psutil.CONN_ESTABLISHED and connection.laddr.port == port
    )


@pytest.fixture()
def served(graph: Graph, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, str]]:
    """``serve --workers 2`` on a free port, with a viewer token; stopped after."""
    _, token = TokenStore.for_settings(get_settings()).create(Role.VIEWER, name="serve test")
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            serve_command(port, WORKERS),
            stdout=subprocess.DEVNULL,
            stderr=output,
        )
    try:
        try:
            wait_until_up(f"http://127.0.0.1:{port}", server)
        except RuntimeError as error:
            raise AssertionError(f"{error}:\n{log.read_text(errors='replace')}") from error
        yield server, port, token
    finally:
        server.terminate()
        server.wait(timeout=90)


def test_serve_with_two_workers_answers_and_stops(
    served: tuple[subprocess.Popen[bytes], int, str],
) -> None:
    server, port, token = served
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers) as client:
        answers = [client.get("/api/stats").status_code for _ in range(20)]
    assert answers == [200] * 20
    assert httpx.get(f"{base}/api/stats").status_code == 401

    workers = _workers(server)
    assert len(workers) == WORKERS
    server.terminate()
    assert server.wait(timeout=90) == 0
    assert not any(worker.is_running() for worker in workers)
    # Every process let go of the port.
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0


def test_connections_are_dealt_evenly_and_a_dead_worker_is_replaced(
    served: tuple[subprocess.Popen[bytes], int, str],
) -> None:
    server, port, token = served
    headers = {"Authorization": f"Bearer {token}"}
    connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(6)]
    try:
        for connection in connections:
            connection.request("GET", "/api/stats", headers=headers)
            answer = connection.getresponse()
            answer.read()
            assert answer.status == 200
        # Each keep-alive connection stays with the worker it was handed to.
        workers = _workers(server)
        assert sorted(_connections_held(worker, port) for worker in workers) == [3, 3]
    finally:
        for connection in connections:
            connection.close()

    victim = workers[0]
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=30)
    deadline = time.monotonic() + 120
    while {worker.pid for worker in _workers(server)} & {victim.pid} or len(
        _workers(server)
    ) < WORKERS:
        assert time.monotonic() < deadline, "the dead worker was not replaced"
        time.sleep(0.2)
    # New connections, every other one to the replacement.
    answers = [
        httpx.get(f"http://127.0.0.1:{port}/api/stats", headers=headers).status_code
        for _ in range(8)
    ]
    assert answers == [200] * 8


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
