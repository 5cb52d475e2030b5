"""Cypher and Lucene metacharacters in every string parameter change nothing
in the graph and answer 4xx or a normal (empty) result, never a 5xx: user
text only ever travels as a query parameter."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from graph.connection import Graph
from tests.api.conftest import Tokens, auth, graph_counts

NASTY = [
    "'",
    '"',
    "`",
    "}",
    "{",
    "//",
    "MATCH (n) DETACH DELETE n",
    "' OR 1=1 //",
    '"}) MATCH (n) DETACH DELETE n //',
    "`) DETACH DELETE n //",
    "\\",
    "*",
    "?",
    "~",
    "[",
    "如意\u0000",
    "\u0000",
    "AND OR NOT",
    "name:*",
    "$scope_id",
]

GETS = [
    "/api/nodes/{}",
    "/api/nodes/{}/graphml",
    "/api/needs/{}",
    "/api/needs/{}/candidates",
    "/api/needs/{}/route",
    "/api/search?q={}",
    "/api/search?q=如意&label={}",
    "/api/audit?rule={}",
    "/api/audit?community_id={}",
    "/api/audit?street_id={}",
    "/api/scorecard?community_id={}",
    "/api/projects?community_id={}",
    "/api/kpi?community_id={}",
    "/api/nodes/C01?type={}",
]


@pytest.mark.parametrize("text", NASTY)
def test_nasty_strings_in_reads(
    client: TestClient, small: Graph, tokens: Tokens, text: str
) -> None:
    before = graph_counts(small)
    for template in GETS:
        encoded = quote(text, safe="")
        answer = client.get(template.format(encoded), headers=auth(tokens.admin))
        assert answer.status_code < 500, (template, text, answer.text)
        if answer.status_code >= 400:
            assert set(answer.json()) >= {"error", "detail"}
        elif template.startswith("/api/search"):
            assert isinstance(answer.json()["items"], list)
    assert graph_counts(small) == before


@pytest.mark.parametrize("text", NASTY)
def test_nasty_strings_in_writes(
    client: TestClient, small: Graph, tokens: Tokens, text: str
) -> None:
    before = graph_counts(small)
    admin = auth(tokens.admin)
    encoded = quote(text, safe="")
    requests = [
        (
            "post",
            "/api/needs",
            {"title": "t", "kind": "complaint", "category_id": text, "place_id": "A01"},
        ),
        (
            "post",
            "/api/needs",
            {"title": "t", "kind": "complaint", "category_id": "cat_legal_aid", "place_id": text},
        ),
        (
            "post",
            "/api/needs",
            {
                "id": text,
                "title": "t",
                "kind": "complaint",
                "category_id": "cat_legal_aid",
                "place_id": "A01",
            },
        ),
        (
            "post",
            "/api/needs",
            {"title": "t", "kind": text, "category_id": "cat_legal_aid", "place_id": "A01"},
        ),
        ("patch", f"/api/needs/{encoded}", {"title": "t"}),
        ("patch", "/api/needs/N01", {"category_id": text}),
        ("patch", "/api/needs/N01", {"status": text}),
        ("post", f"/api/needs/{encoded}/assign", {"resource_id": "SV02"}),
        ("post", "/api/needs/N01/assign", {"resource_id": text}),
        ("post", f"/api/needs/{encoded}/resolve", {"satisfaction": 3}),
        ("post", "/api/assignment", {"community_id": text}),
        ("post", "/api/tokens", {"role": "viewer", "scope_id": text}),
        ("post", "/api/tokens", {"role": text}),
        ("delete", f"/api/tokens/{encoded}", None),
    ]
    for method, path, body in requests:
        answer = client.request(method, path, json=body, headers=admin)
        assert 400 <= answer.status_code < 500, (method, path, body, answer.text)
        assert set(answer.json()) >= {"error", "detail"}
    assert graph_counts(small) == before


def test_a_nasty_title_is_stored_as_text(client: TestClient, fresh: Graph, tokens: Tokens) -> None:
    title = '\'}) MATCH (n) DETACH DELETE n // `x` "y" \\'
    nodes, relationships = graph_counts(fresh)
    answer = client.post(
        "/api/needs",
        json={
            "id": "N200",
            "title": title,
            "kind": "complaint",
            "category_id": "cat_legal_aid",
            "place_id": "A01",
        },
        headers=auth(tokens.editor),
    )
    assert answer.status_code == 201
    assert answer.json()["title"] == title
    assert graph_counts(fresh) == (nodes + 1, relationships + 2)
