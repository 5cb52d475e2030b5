"""Tokens and roles: 401 without a valid token, 403 for a role too low, the
health check open to all, and the token file kept hashed with mode 600."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.tokens import Role, TokenStore
from graph.connection import Graph
from graph.settings import Settings
from tests.api.conftest import Tokens, auth

READS = [
    "/api/stats",
    "/api/nodes/C01",
    "/api/nodes/C01/graphml",
    "/api/search?q=如意",
    "/api/audit",
    "/api/scorecard",
    "/api/needs/N01",
    "/api/needs/N01/candidates",
    "/api/needs/N01/route",
    "/api/kpi",
    "/api/projects",
]


def test_health_needs_no_token(client: TestClient, small: Graph) -> None:
    answer = client.get("/api/health")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok" and body["database"] == "reachable"
    assert body["neo4j_version"].startswith("5.")


@pytest.mark.parametrize("path", READS)
def test_reads_without_a_token_answer_401(client: TestClient, small: Graph, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 401
    assert answer.json()["error"] == "unauthorized"
    assert answer.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "header",
    [
        {"Authorization": "Bearer cg_not-a-token"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "cg_no_scheme"},
    ],
)
def test_unknown_tokens_answer_401(
    client: TestClient, small: Graph, header: dict[str, str]
) -> None:
    answer = client.get("/api/stats", headers=header)
    assert answer.status_code == 401
    assert set(answer.json()) >= {"error", "detail"}


@pytest.mark.parametrize("path", READS)
def test_every_role_reads(client: TestClient, small: Graph, tokens: Tokens, path: str) -> None:
    for token in (tokens.viewer, tokens.editor, tokens.admin):
        assert client.get(path, headers=auth(token)).status_code == 200, path


WRITES = [
    (
        "post",
        "/api/needs",
        {"title": "t", "kind": "complaint", "category_id": "x", "place_id": "y"},
    ),
    ("patch", "/api/needs/N01", {"urgency": 3}),
    ("post", "/api/needs/N01/assign", {"resource_id": "SV02"}),
    ("post", "/api/needs/N01/resolve", {"satisfaction": 5}),
    ("post", "/api/assignment", {}),
]


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_viewers_may_not_write(
    client: TestClient,
    small: Graph,
    tokens: Tokens,
    method: str,
    path: str,
    body: dict[str, object],
) -> None:
    answer = client.request(method, path, json=body, headers=auth(tokens.viewer))
    assert answer.status_code == 403
    assert answer.json()["error"] == "forbidden"


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/tokens"), ("post", "/api/tokens"), ("delete", "/api/tokens/t_00000000")],
)
def test_tokens_need_an_unscoped_admin(
    client: TestClient, small: Graph, tokens: Tokens, method: str, path: str
) -> None:
    body = {"role": "viewer"} if method == "post" else None
    for token in (tokens.viewer, tokens.editor, tokens.admin_c01):
        answer = client.request(method, path, json=body, headers=auth(token))
        assert answer.status_code == 403, token


def test_workbook_upload_needs_an_unscoped_admin(
    client: TestClient, small: Graph, tokens: Tokens
) -> None:
    files = {"file": ("w.zip", b"PK\x05\x06" + b"\x00" * 18, "application/zip")}
    for token in (tokens.viewer, tokens.editor, tokens.admin_c01):
        answer = client.post("/api/workbook", files=files, headers=auth(token))
        assert answer.status_code == 403


def test_token_life_cycle_through_the_api(
    client: TestClient, small: Graph, tokens: Tokens, api_settings: Settings
) -> None:
    made = client.post(
        "/api/tokens",
        json={"role": "editor", "scope_id": "C02", "name": "宝相社区"},
        headers=auth(tokens.admin),
    )
    assert made.status_code == 201
    body = made.json()
    assert body["role"] == "editor" and body["scope_kind"] == "community"
    secret = body["token"]
    assert client.get("/api/nodes/C02", headers=auth(secret)).status_code == 200
    assert client.get("/api/nodes/C01", headers=auth(secret)).status_code == 404
    listed = client.get("/api/tokens?limit=500", headers=auth(tokens.admin)).json()
    assert body["id"] in {item["id"] for item in listed["items"]}
    assert all("token" not in item and "token_hash" not in item for item in listed["items"])
    revoked = client.delete(f"/api/tokens/{body['id']}", headers=auth(tokens.admin))
    assert revoked.status_code == 200
    assert client.get("/api/nodes/C02", headers=auth(secret)).status_code == 401
    again = client.delete(f"/api/tokens/{body['id']}", headers=auth(tokens.admin))
    assert again.status_code == 404


def test_a_token_scope_must_be_a_street_or_community(
    client: TestClient, small: Graph, tokens: Tokens
) -> None:
    for scope in ("A01", "X01", "nowhere"):
        answer = client.post(
            "/api/tokens", json={"role": "viewer", "scope_id": scope}, headers=auth(tokens.admin)
        )
        assert answer.status_code == 404, scope


def test_token_file_is_hashed_and_private(api_settings: Settings, tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "home" / "tokens.json")
    token, clear = store.create(Role.VIEWER, name="p")
    assert len(clear) > 40 and clear.startswith("cg_")
    path = tmp_path / "home" / "tokens.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text(encoding="utf-8")
    assert clear not in text
    assert json.loads(text)["tokens"][0]["token_hash"] == token.token_hash
    assert store.verify(clear) == token
    assert TokenStore(path).verify(clear) == token
    store.revoke(token.id)
    assert store.verify(clear) is None
