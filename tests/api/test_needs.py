"""Needs through the API — create, update, assign, resolve — and the bulk
assignment, dry run against apply; each change checked in the graph, each
refusal with its status and nothing written."""

from __future__ import annotations

from fastapi.testclient import TestClient

from graph.connection import Graph
from tests.api.conftest import Tokens, auth, graph_counts


def _need(graph: Graph, need_id: str) -> dict[str, object]:
    rows = graph.query(
        "MATCH (n:Need {id: $id}) OPTIONAL MATCH (n)-[:ASSIGNED_TO]->(r) "
        "OPTIONAL MATCH (n)-[:IN_CATEGORY]->(c) OPTIONAL MATCH (n)-[:RAISED_IN]->(p) "
        "RETURN n.status AS status, n.title AS title, n.urgency AS urgency, "
        "collect(DISTINCT r.id) AS assigned, collect(DISTINCT c.id) AS categories, "
        "collect(DISTINCT p.id) AS places, toString(n.resolved_on) AS resolved_on, "
        "n.satisfaction AS satisfaction",
        {"id": need_id},
    )
    return rows[0] if rows else {}


def test_round_trip(client: TestClient, fresh: Graph, tokens: Tokens) -> None:
    editor = auth(tokens.editor)
    made = client.post(
        "/api/needs",
        json={
            "id": "N100",
            "title": "李秀英老人需要助餐",
            "kind": "micro_wish",
            "category_id": "cat_elderly_meal",
            "place_id": "B02",
            "urgency": 3,
            "raised_on": "2024-06-01",
        },
        headers=editor,
    )
    assert made.status_code == 201, made.text
    assert made.json()["status"] == "open" and made.json()["place_id"] == "B02"
    assert _need(fresh, "N100") == {
        "status": "open",
        "title": "李秀英老人需要助餐",
        "urgency": 3,
        "assigned": [],
        "categories": ["cat_elderly_meal"],
        "places": ["B02"],
        "resolved_on": None,
        "satisfaction": None,
    }
    viewer = client.get("/api/needs/N100", headers=auth(tokens.viewer)).json()
    assert viewer["title"] == "李**老人需要助餐"
    assert client.get("/api/needs/N100", headers=editor).json()["title"] == "李秀英老人需要助餐"

    changed = client.patch(
        "/api/needs/N100", json={"urgency": 2, "title": "需要助餐"}, headers=editor
    )
    assert changed.status_code == 200
    assert (_need(fresh, "N100")["urgency"], _need(fresh, "N100")["title"]) == (2, "需要助餐")

    candidates = client.get("/api/needs/N100/candidates", headers=editor).json()
    assert [item["resource_id"] for item in candidates["items"]] == ["SV02"]
    assigned = client.post("/api/needs/N100/assign", json={"resource_id": "SV02"}, headers=editor)
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["assigned_to"] == "SV02"
    assert _need(fresh, "N100")["assigned"] == ["SV02"]
    assert _need(fresh, "N100")["status"] == "assigned"

    resolved = client.post(
        "/api/needs/N100/resolve",
        json={"satisfaction": 4, "resolved_on": "2024-06-05"},
        headers=editor,
    )
    assert resolved.status_code == 200
    state = _need(fresh, "N100")
    assert (state["status"], state["resolved_on"], state["satisfaction"]) == (
        "resolved",
        "2024-06-05",
        4,
    )
    assert state["assigned"] == ["SV02"]
    again = client.post("/api/needs/N100/resolve", json={"satisfaction": 4}, headers=editor)
    assert again.status_code == 409

    reopened = client.patch("/api/needs/N100", json={"status": "open"}, headers=editor)
    assert reopened.status_code == 200
    state = _need(fresh, "N100")
    assert (state["status"], state["assigned"], state["resolved_on"]) == ("open", [], None)
    recategorized = client.patch(
        "/api/needs/N100", json={"category_id": "cat_proxy_services"}, headers=editor
    )
    assert recategorized.status_code == 200
    assert _need(fresh, "N100")["categories"] == ["cat_proxy_services"]


def test_create_generates_an_id_and_refuses_bad_input(
    client: TestClient, fresh: Graph, tokens: Tokens
) -> None:
    editor = auth(tokens.editor)
    body = {
        "title": "路灯不亮",
        "kind": "complaint",
        "category_id": "cat_property_repair",
        "place_id": "A01",
    }
    made = client.post("/api/needs", json=body, headers=editor)
    assert made.status_code == 201
    assert made.json()["id"].startswith("N") and made.json()["urgency"] == 2
    before = graph_counts(fresh)
    refusals = [
        ({**body, "id": "N01"}, 409),
        ({**body, "id": "C01"}, 409),
        ({**body, "place_id": "NOPE"}, 404),
        ({**body, "place_id": "P01"}, 404),
        ({**body, "category_id": "NOPE"}, 404),
        ({**body, "kind": "wish"}, 422),
        ({**body, "urgency": 4}, 422),
        ({**body, "title": ""}, 422),
        ({**body, "id": "bad id"}, 422),
        ({**body, "extra": 1}, 422),
    ]
    for request, status in refusals:
        answer = client.post("/api/needs", json=request, headers=editor)
        assert answer.status_code == status, (request, answer.text)
        assert set(answer.json()) >= {"error", "detail"}
    assert graph_counts(fresh) == before


def test_assign_checks_candidates_and_capacity(
    client: TestClient, fresh: Graph, tokens: Tokens
) -> None:
    editor = auth(tokens.editor)
    before = graph_counts(fresh)
    # SV05 has one place: N07 takes it, then N01 cannot (it is not a candidate for N01 anyway).
    assert (
        client.post(
            "/api/needs/N04/assign", json={"resource_id": "SV02"}, headers=editor
        ).status_code
        == 409
    )
    assert (
        client.post(
            "/api/needs/N01/assign", json={"resource_id": "NOPE"}, headers=editor
        ).status_code
        == 404
    )
    assert (
        client.post(
            "/api/needs/N01/assign", json={"resource_id": "C01"}, headers=editor
        ).status_code
        == 404
    )
    assert (
        client.post(
            "/api/needs/N03/assign", json={"resource_id": "SV01"}, headers=editor
        ).status_code
        == 409
    )
    assert graph_counts(fresh) == before
    assert (
        client.post(
            "/api/needs/N07/assign", json={"resource_id": "SV05"}, headers=editor
        ).status_code
        == 200
    )
    # A new need in A01 with the errands category finds SV05 full.
    made = client.post(
        "/api/needs",
        json={
            "id": "N101",
            "title": "代取药品",
            "kind": "micro_wish",
            "category_id": "cat_proxy_errands",
            "place_id": "B02",
        },
        headers=editor,
    )
    assert made.status_code == 201
    full = client.post("/api/needs/N101/assign", json={"resource_id": "SV05"}, headers=editor)
    assert full.status_code == 409 and "full" in full.json()["detail"]
    assert _need(fresh, "N101")["assigned"] == []
    other = client.post("/api/needs/N101/assign", json={"resource_id": "SV03"}, headers=editor)
    assert other.status_code == 200
    bad_status = client.patch("/api/needs/N04", json={"status": "assigned"}, headers=editor)
    assert bad_status.status_code == 409
    empty = client.patch("/api/needs/N04", json={}, headers=editor)
    assert empty.status_code == 400
    early = client.post(
        "/api/needs/N01/resolve",
        json={"satisfaction": 3, "resolved_on": "2020-01-01"},
        headers=editor,
    )
    assert early.status_code == 400
    for bad in (0, 6):
        answer = client.post("/api/needs/N01/resolve", json={"satisfaction": bad}, headers=editor)
        assert answer.status_code == 422


def test_scoped_editors_change_only_their_needs(
    client: TestClient, fresh: Graph, tokens: Tokens
) -> None:
    editor = auth(tokens.editor_c01)
    before = graph_counts(fresh)
    assert client.patch("/api/needs/N05", json={"urgency": 1}, headers=editor).status_code == 404
    assert (
        client.post(
            "/api/needs/N06/assign", json={"resource_id": "SV04"}, headers=editor
        ).status_code
        == 404
    )
    assert (
        client.post("/api/needs/N03/resolve", json={"satisfaction": 1}, headers=editor).status_code
        == 404
    )
    outside_place = client.post(
        "/api/needs",
        json={
            "title": "t",
            "kind": "complaint",
            "category_id": "cat_property_repair",
            "place_id": "A03",
        },
        headers=editor,
    )
    assert outside_place.status_code == 404
    assert graph_counts(fresh) == before
    assert client.patch("/api/needs/N01", json={"urgency": 1}, headers=editor).status_code == 200
    street = auth(tokens.editor_s01)
    assert client.patch("/api/needs/N05", json={"urgency": 1}, headers=street).status_code == 200


def test_assignment_dry_run_then_apply(client: TestClient, fresh: Graph, tokens: Tokens) -> None:
    editor = auth(tokens.editor)
    before = graph_counts(fresh)
    dry = client.post("/api/assignment", json={"apply": False}, headers=editor)
    assert dry.status_code == 200
    plan = dry.json()
    pairs = {(item["need_id"], item["resource_id"]) for item in plan["items"]}
    assert pairs == {("N01", "SV02"), ("N06", "SV04"), ("N07", "SV05")}
    assert plan["applied"] is None and "N04" in plan["unassigned"]
    assert plan["served"] == 3 >= plan["greedy_served"]
    assert graph_counts(fresh) == before
    assert _need(fresh, "N01")["status"] == "open"
    page = client.post("/api/assignment?offset=1&limit=1", json={}, headers=editor).json()
    assert page["total"] == 3 and len(page["items"]) == 1
    applied = client.post("/api/assignment", json={"apply": True}, headers=editor).json()
    assert {(a["need_id"], a["resource_id"]) for a in applied["applied"]["assigned"]} == pairs
    for need_id, resource_id in pairs:
        assert _need(fresh, need_id)["assigned"] == [resource_id]
        assert _need(fresh, need_id)["status"] == "assigned"


def test_scoped_assignment(client: TestClient, fresh: Graph, tokens: Tokens) -> None:
    community = client.post(
        "/api/assignment", json={"apply": True}, headers=auth(tokens.editor_c01)
    )
    assert community.status_code == 200
    assert community.json()["community_id"] == "C01"
    assert {item["need_id"] for item in community.json()["items"]} == {"N01", "N07"}
    assert _need(fresh, "N06")["status"] == "open"
    outside = client.post(
        "/api/assignment", json={"community_id": "C02"}, headers=auth(tokens.editor_c01)
    )
    assert outside.status_code == 404
    street = client.post("/api/assignment", json={}, headers=auth(tokens.editor_s01))
    assert street.status_code == 400
