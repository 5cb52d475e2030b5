"""``civicgraph serve --workers 2``: several server processes on one port
answer the API with the tokens of ``$CIVICGRAPH_HOME``, and stop with it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx

from api.tokens import Role, TokenStore
from graph.connection import Graph
from graph.settings import get_settings


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_with_two_workers_answers_and_stops(graph: Graph) -> None:
    _, token = TokenStore.for_settings(get_settings()).create(Role.VIEWER, name="serve test")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        health = None
        while health is None and time.monotonic() < deadline:
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            try:
                health = httpx.get(f"{base}/api/health", timeout=2.0)
            except httpx.HTTPError:
                time.sleep(0.2)
        assert health is not None and health.status_code == 200

        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base, headers=headers) as client:
            answers = [client.get("/api/stats").status_code for _ in range(20)]
        assert answers == [200] * 20
        assert httpx.get(f"{base}/api/stats").status_code == 401
    finally:
        server.terminate()
        server.wait(timeout=60)
    # Every process let go of the port.
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0
