"""``POST /api/audit/runs``, ``GET /api/audit/runs`` and ``GET
/api/audit/compare`` on the ``small`` workbook, and ``civicgraph audit
--save / --compare --json`` beside them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from graph.connection import Graph
from tests.api.conftest import Tokens, auth, page_cookie

ROOT = Path(__file__).resolve().parents[2]


DAY = "2024-07-01"
"""The small workbook's day."""


def _change(graph: Graph, building: str) -> None:
    """Open a G07 finding at C01 (its first secretary leaves) and close the
    G05 finding of ``building`` (P07 becomes its building head)."""
    graph.query(
        "MATCH (:Person {id: 'P07'})-[held:HOLDS {post: 'first_secretary'}]->"
        "(:Community {id: 'C01'}) DELETE held",
        write=True,
    )
    graph.query(
        "MATCH (person:Person {id: 'P07'}), (building:Building {id: $building}) "
        "CREATE (person)-[:HOLDS {post: 'building_head', since: date('2024-01-01')}]->(building)",
        {"building": building},
        write=True,
    )


def _g05_in_c01(client: TestClient, tokens: Tokens) -> str:
    found = client.get(
        "/api/audit?rule=G05&community_id=C01&limit=500", headers=auth(tokens.admin)
    ).json()
    return str(found["items"][0]["node_id"])


def _pairs(items: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(item["rule_id"], item["node_id"]) for item in items}


def test_save_change_compare(
    app: FastAPI, fresh: Graph, client: TestClient, tokens: Tokens
) -> None:
    # As of the small workbook's own day: no term is due yet (G20), so the
    # two changes below are the only ones between the runs.
    fresh.query("MATCH (run:AuditRun) DELETE run", write=True)
    assert client.post("/api/audit/runs", headers=auth(tokens.viewer)).status_code == 403
    assert (
        client.get(f"/api/audit/compare?as_of={DAY}", headers=auth(tokens.admin)).status_code == 404
    )
    building = _g05_in_c01(client, tokens)
    saved = client.post(f"/api/audit/runs?as_of={DAY}", headers=auth(tokens.editor))
    assert saved.status_code == 201, saved.text
    run = saved.json()
    total = client.get(f"/api/audit?limit=1&as_of={DAY}", headers=auth(tokens.admin)).json()[
        "total"
    ]
    assert run["total"] == total and run["community_id"] is None
    listed = client.get("/api/audit/runs", headers=auth(tokens.viewer)).json()["runs"]
    assert [item["run_id"] for item in listed] == [run["run_id"]]
    _change(fresh, building)

    found = client.get(f"/api/audit/compare?as_of={DAY}", headers=auth(tokens.admin)).json()
    assert found["from_run"]["run_id"] == run["run_id"] and found["to_run"] is None
    assert _pairs(found["new"]) == {("G07", "C01")}
    assert _pairs(found["closed"]) == {("G05", building)}
    assert found["persisting"] == total - 1
    same = client.get(
        f"/api/audit/compare?from={run['run_id']}&as_of={DAY}", headers=auth(tokens.admin)
    ).json()
    assert same == found
    # The scorecard counts each community's change from the same run.
    card = client.get(f"/api/scorecard?as_of={DAY}", headers=auth(tokens.viewer)).json()
    assert card["since_run"]["run_id"] == run["run_id"]
    rows = {row["id"]: row["change"] for row in card["items"]}
    assert rows["C01"] == {**found["by_community"]["C01"], "new": 1, "closed": 1}
    assert rows["C02"] == {"new": 0, "closed": 0, "persisting": rows["C02"]["persisting"]}
    assert card["streets"][0]["change"]["new"] == 1
    page = TestClient(app, follow_redirects=False)
    page.cookies.set(page_cookie(app), tokens.viewer)
    home = page.get(f"/?as_of={DAY}").text
    assert "较上次" in home and "+1 / −1" in home
    assert (
        client.get("/api/audit/compare?from=r-none", headers=auth(tokens.admin)).status_code == 404
    )
    bad = client.get("/api/audit/compare?from=2024-02-31", headers=auth(tokens.admin))
    assert bad.status_code == 422 and list(bad.json()) == ["error", "detail"]

    # A token scoped to street S01 (C01 and C02) sees both changes, over S01.
    street = client.get(f"/api/audit/compare?as_of={DAY}", headers=auth(tokens.viewer_s01)).json()
    assert street["street_id"] == "S01"
    assert _pairs(street["new"]) == {("G07", "C01")}
    assert _pairs(street["closed"]) == {("G05", building)}
    c01 = client.get(f"/api/audit/compare?as_of={DAY}", headers=auth(tokens.viewer_c01)).json()
    assert c01["community_id"] == "C01"
    assert _pairs(c01["new"]) == {("G07", "C01")}
    assert _pairs(c01["closed"]) == {("G05", building)}
    # A run saved within C01 is not seen from outside it.
    scoped = client.post(f"/api/audit/runs?as_of={DAY}", headers=auth(tokens.editor_c01)).json()
    assert scoped["community_id"] == "C01"
    outside = fresh.query("MATCH (c:Community) WHERE c.id <> 'C01' RETURN c.id AS id LIMIT 1")
    assert outside
    runs_c01 = client.get("/api/audit/runs", headers=auth(tokens.viewer_c01)).json()["runs"]
    assert [item["run_id"] for item in runs_c01] == [run["run_id"], scoped["run_id"]]
    nothing_new = client.get(
        f"/api/audit/compare?as_of={DAY}", headers=auth(tokens.viewer_c01)
    ).json()
    assert nothing_new["from_run"]["run_id"] == scoped["run_id"]
    assert (nothing_new["new"], nothing_new["closed"]) == ([], [])
    listed_all = client.get("/api/audit/runs", headers=auth(tokens.viewer)).json()["runs"]
    assert len(listed_all) == 2


def test_viewers_see_closed_people_masked(fresh: Graph, client: TestClient, tokens: Tokens) -> None:
    fresh.query("MATCH (run:AuditRun) DELETE run", write=True)
    assert client.post("/api/audit/runs", headers=auth(tokens.admin)).status_code == 201
    # Every sole holder's extra posts go: the G19 findings close.
    fresh.query(
        "MATCH (:Person)-[held:HOLDS]->() WHERE held.post <> 'first_secretary' DELETE held",
        write=True,
    )
    whole = client.get("/api/audit/compare", headers=auth(tokens.admin)).json()
    masked = client.get("/api/audit/compare", headers=auth(tokens.viewer)).json()
    people = [item for item in whole["closed"] if item["kind"] == "person"]
    assert people, "the small workbook has a single point of failure"
    shown = {(item["rule_id"], item["node_id"]): item["name"] for item in masked["closed"]}
    for item in people:
        assert shown[(item["rule_id"], item["node_id"])] != item["name"]
        assert "*" in shown[(item["rule_id"], item["node_id"])]


def _civicgraph(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *arguments],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
def test_the_command_line_saves_and_compares(
    fresh: Graph, tokens: Tokens, client: TestClient
) -> None:
    fresh.query("MATCH (run:AuditRun) DELETE run", write=True)
    building = _g05_in_c01(client, tokens)
    saved = _civicgraph("audit", "--save", "--as-of", DAY, "--json")
    assert saved.returncode == 0, saved.stderr
    assert "saved audit run" in saved.stderr
    runs = json.loads(_civicgraph("audit-runs", "--json").stdout)["runs"]
    assert len(runs) == 1
    _change(fresh, building)
    done = _civicgraph("audit", "--compare", "--as-of", DAY, "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert list(document)[:4] == ["from_run", "to_run", "community_id", "street_id"]
    assert {"new", "closed", "persisting", "by_rule", "by_community"} <= set(document)
    assert document["from_run"]["run_id"] == runs[0]["run_id"]
    assert document["to_run"] is None
    assert _pairs(document["new"]) == {("G07", "C01")}
    assert _pairs(document["closed"]) == {("G05", building)}
    api = client.get(f"/api/audit/compare?as_of={DAY}", headers=auth(tokens.admin)).json()
    assert api == document
    for reference, line in (
        ("r-nope", "civicgraph: error: audit run not found: r-nope"),
        ("2024-13-01", "civicgraph: error: not a date (YYYY-MM-DD): '2024-13-01'"),
    ):
        wrong = _civicgraph("audit", "--compare", "--from", reference, "--json")
        assert wrong.returncode == 2 and wrong.stdout == ""
        assert wrong.stderr.strip().splitlines() == [line]
