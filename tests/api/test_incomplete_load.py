"""While an interrupted load's mark is open, every API answer carries the
``X-Civicgraph-Incomplete-Load`` header and the pages a banner; once it is
closed, they stop."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from api.main import create_app
from graph.connection import Graph
from graph.introspect import delete_everything
from graph.loadmark import close_mark
from graph.settings import Settings
from loaders.load import load_workbook
from tests.api.conftest import SMALL, Tokens, auth, page_cookie
from tests.graph.marks import leave_mark

INCOMPLETE = "x-civicgraph-incomplete-load"


def test_while_a_load_is_interrupted_every_answer_says_so(
    api_settings: Settings, graph: Graph, tokens: Tokens, dead_pid: int
) -> None:
    delete_everything(graph)
    load_workbook(graph, SMALL)
    # An app of its own: its lifespan runs the watch.
    app = create_app(api_settings, graph=graph)
    with TestClient(app) as client:
        assert INCOMPLETE not in client.get("/api/health").headers
        leave_mark(
            graph,
            digest="sha256:x",
            pid=dead_pid,
            heartbeat="2026-01-01T00:00:00+00:00",
            replace=True,
        )
        try:
            deadline = time.monotonic() + 15
            while INCOMPLETE not in client.get("/api/health").headers:
                assert time.monotonic() < deadline, "the API never said the graph is mid-load"
                time.sleep(0.2)
            for answer in (
                client.get("/api/stats", headers=auth(tokens.viewer)),
                client.get("/api/nodes/C01", headers=auth(tokens.viewer)),
                client.get("/api/nope", headers=auth(tokens.viewer)),
            ):
                assert "did not finish" in answer.headers[INCOMPLETE]
                assert "/" not in answer.headers[INCOMPLETE].split("begun")[0]
            page = TestClient(app)
            page.cookies.set(page_cookie(app), tokens.viewer)
            home = page.get("/")
            assert home.status_code == 200 and "装载未完成" in home.text
            assert "civicgraph recover" in home.text
        finally:
            close_mark(graph)
        deadline = time.monotonic() + 15
        while INCOMPLETE in client.get("/api/health").headers:
            assert time.monotonic() < deadline, "the API kept saying the graph is mid-load"
            time.sleep(0.2)
