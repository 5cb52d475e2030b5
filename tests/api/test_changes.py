"""The change sets through the API and the command line: an API write is
recorded with its token and route, a node's history is read within the
token's scope and masked for viewers, a revert takes an unscoped admin, and
``changes``, ``history`` and ``revert`` print the same models."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from graph.connection import Graph
from tests.api.conftest import Tokens, auth, graph_counts, page_cookie

ROOT = Path(__file__).resolve().parents[2]

NEED = {
    "id": "N100",
    "title": "李秀英老人需要助餐",
    "kind": "micro_wish",
    "category_id": "cat_elderly_meal",
    "place_id": "B02",
    "urgency": 2,
}


def _civicgraph(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *arguments],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def test_an_api_write_is_recorded_with_its_token_and_route(
    client: TestClient, fresh: Graph, tokens: Tokens
) -> None:
    made = client.post("/api/needs", json=NEED, headers=auth(tokens.editor))
    assert made.status_code == 201, made.text
    changed = client.patch("/api/needs/N100", json={"urgency": 3}, headers=auth(tokens.editor))
    assert changed.status_code == 200, changed.text

    listed = client.get("/api/changes", headers=auth(tokens.editor))
    assert listed.status_code == 200, listed.text
    newest, created = listed.json()["changesets"][:2]
    assert (newest["via"], newest["actor_name"], newest["updated"]) == (
        "api PATCH /api/needs/N100",
        "test",
        1,
    )
    assert newest["actor"].startswith("t_")
    assert (created["via"], created["created"]) == ("api POST /api/needs", 3)

    history = client.get("/api/nodes/N100/history", headers=auth(tokens.editor)).json()
    steps = [(e["op"], e["via"]) for e in history["entries"] if e["kind"] == "node"]
    assert steps == [("create", "api POST /api/needs"), ("update", "api PATCH /api/needs/N100")]
    update = history["entries"][-1]
    assert (update["before"]["urgency"], update["after"]["urgency"]) == (2, 3)
    # The records are not data: the node's properties do not show them.
    node = client.get("/api/nodes/N100", headers=auth(tokens.editor)).json()
    assert not [key for key in node["properties"] if key.startswith("_")]


def test_a_viewer_reads_a_history_masked_and_within_scope(
    client: TestClient, fresh: Graph, tokens: Tokens
) -> None:
    editor = client.get("/api/nodes/P01/history", headers=auth(tokens.editor))
    assert editor.status_code == 200
    viewer = client.get("/api/nodes/P01/history", headers=auth(tokens.viewer))
    assert viewer.status_code == 200
    # Created by the fixture's load: the name and phone as created, masked.
    created = next(e for e in editor.json()["entries"] if e["kind"] == "node")
    masked = next(e for e in viewer.json()["entries"] if e["kind"] == "node")
    assert created["after"]["name"] == "张建国"
    assert masked["after"]["name"] == "张**"
    assert masked["after"]["phone"] == "138****0001"
    # P01 is the county secretary: outside community C01's scope.
    outside = client.get("/api/nodes/P01/history", headers=auth(tokens.viewer_c01))
    assert outside.status_code == 404


def test_the_change_log_takes_an_unscoped_editor_and_a_revert_an_admin(
    client: TestClient, fresh: Graph, tokens: Tokens
) -> None:
    assert client.get("/api/changes", headers=auth(tokens.viewer)).status_code == 403
    assert client.get("/api/changes", headers=auth(tokens.editor_c01)).status_code == 403
    made = client.post("/api/needs", json=NEED, headers=auth(tokens.editor))
    assert made.status_code == 201
    key = client.get("/api/changes", headers=auth(tokens.admin)).json()["changesets"][0][
        "changeset"
    ]
    assert client.post(f"/api/changes/{key}/revert", headers=auth(tokens.editor)).status_code == 403
    counts = graph_counts(fresh)
    assert (
        client.post(f"/api/changes/{key}/revert", headers=auth(tokens.admin_c01)).status_code == 403
    )
    assert graph_counts(fresh) == counts

    reverted = client.post(f"/api/changes/{key}/revert", headers=auth(tokens.admin))
    assert reverted.status_code == 200, reverted.text
    assert reverted.json()["deleted"] == 3
    assert client.get("/api/needs/N100", headers=auth(tokens.admin)).status_code == 404
    unknown = client.post("/api/changes/cs-nope/revert", headers=auth(tokens.admin))
    assert unknown.status_code == 404


def test_a_revert_under_a_later_change_answers_409_and_changes_nothing(
    client: TestClient, fresh: Graph, tokens: Tokens
) -> None:
    client.post("/api/needs", json=NEED, headers=auth(tokens.editor))
    client.patch("/api/needs/N100", json={"urgency": 3}, headers=auth(tokens.editor))
    created = client.get("/api/changes", headers=auth(tokens.admin)).json()["changesets"][1]
    counts = graph_counts(fresh)
    refused = client.post(f"/api/changes/{created['changeset']}/revert", headers=auth(tokens.admin))
    assert refused.status_code == 409
    assert "Need N100" in refused.json()["detail"]
    assert graph_counts(fresh) == counts


def test_the_command_line_prints_the_api_models(
    client: TestClient, fresh: Graph, tokens: Tokens
) -> None:
    client.post("/api/needs", json=NEED, headers=auth(tokens.editor))
    api = client.get("/api/changes", headers=auth(tokens.admin)).json()
    done = _civicgraph("changes", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == api

    history = client.get("/api/nodes/N100/history", headers=auth(tokens.admin)).json()
    done = _civicgraph("history", "N100", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == history
    text = _civicgraph("history", "N100")
    assert "新建 create" in text.stdout and "api POST /api/needs" in text.stdout

    key = api["changesets"][0]["changeset"]
    done = _civicgraph("revert", key, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["deleted"] == 3
    again = _civicgraph("revert", key)
    assert again.returncode == 2
    assert again.stderr.count("\n") == 1 and "Need N100" in again.stderr
    bad = _civicgraph("changes", "--since", "2024-13-01")
    assert bad.returncode == 2 and "--since" in bad.stderr


def test_the_need_page_shows_its_history(
    app: FastAPI, client: TestClient, fresh: Graph, tokens: Tokens
) -> None:
    client.post("/api/needs", json=NEED, headers=auth(tokens.editor))
    client.patch("/api/needs/N100", json={"urgency": 3}, headers=auth(tokens.editor))
    page = TestClient(app, follow_redirects=False)
    page.cookies.set(page_cookie(app), tokens.viewer)
    html = page.get("/needs/N100").text
    history = html[html.index("变更历史") :]
    assert history.index("新建") < history.index("修改")
    assert "api PATCH /api/needs/N100" in history
    assert "urgency: 2 → 3" in history
    # A viewer reads the title masked in the history as on the need itself.
    assert "李秀英" not in html
