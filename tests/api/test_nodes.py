"""A node with its neighbours, search, and GraphML: pagination, scopes (a
node outside answers 404, neighbours and results outside are left out), and
masking of personal data for viewers only."""

from __future__ import annotations

import io

import networkx as nx
import pytest
from fastapi.testclient import TestClient

from api.models import CandidatesPublic, NodePublic
from graph.connection import Graph
from tests.api.conftest import Tokens, auth


def _neighbour_ids(client: TestClient, token: str, node_id: str) -> set[str]:
    body = client.get(f"/api/nodes/{node_id}?limit=500", headers=auth(token)).json()
    return {item["id"] for item in body["neighbours"]["items"]}


def test_node_with_neighbours(client: TestClient, small: Graph, tokens: Tokens) -> None:
    answer = client.get("/api/nodes/PA01", headers=auth(tokens.editor))
    assert answer.status_code == 200
    body = answer.json()
    assert body["id"] == "PA01" and body["name"] == "如意花园小区党支部"
    assert body["labels"] == ["PartyOrg"]
    assert body["properties"]["level"] == "area_branch"
    relations = {
        (item["direction"], item["type"], item["id"]) for item in body["neighbours"]["items"]
    }
    assert ("out", "LEADS", "A01") in relations
    assert ("out", "REPORTS_TO", "PC01") in relations
    assert ("in", "REPORTS_TO", "PB01") in relations
    assert all(item["name"] for item in body["neighbours"]["items"])


def test_answers_written_directly_are_their_documented_models(
    client: TestClient, small: Graph, tokens: Tokens
) -> None:
    # These two routes run on the event loop and write their JSON themselves.
    routes = (
        ("/api/nodes/{node_id}", "/api/nodes/C01", NodePublic),
        ("/api/needs/{need_id}/candidates", "/api/needs/N07/candidates", CandidatesPublic),
    )
    document = client.get("/api/openapi.json").json()
    for template, url, model in routes:
        ok = document["paths"][template]["get"]["responses"]["200"]
        assert ok["content"]["application/json"]["schema"] == {
            "$ref": f"#/components/schemas/{model.__name__}"
        }
        answer = client.get(url, headers=auth(tokens.viewer))
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "application/json"
        assert model.model_validate_json(answer.content).model_dump(mode="json") == answer.json()


def test_neighbour_filters(client: TestClient, small: Graph, tokens: Tokens) -> None:
    body = client.get(
        "/api/nodes/PA01?type=REPORTS_TO&direction=in", headers=auth(tokens.editor)
    ).json()
    assert [(i["direction"], i["type"], i["id"]) for i in body["neighbours"]["items"]] == [
        ("in", "REPORTS_TO", "PB01")
    ]
    assert client.get("/api/nodes/PA01?type=NOPE", headers=auth(tokens.editor)).status_code == 422


def test_neighbours_are_paginated(client: TestClient, small: Graph, tokens: Tokens) -> None:
    whole = client.get("/api/nodes/C01?limit=500", headers=auth(tokens.admin)).json()
    total = whole["neighbours"]["total"]
    assert total == len(whole["neighbours"]["items"]) > 5
    pages = []
    for offset in range(0, total, 4):
        page = client.get(f"/api/nodes/C01?offset={offset}&limit=4", headers=auth(tokens.admin))
        body = page.json()["neighbours"]
        assert body["total"] == total and body["offset"] == offset and body["limit"] == 4
        assert len(body["items"]) == min(4, total - offset)
        pages.extend(body["items"])
    assert pages == whole["neighbours"]["items"]
    for bad in ("limit=0", "limit=501", "offset=-1", "limit=x"):
        answer = client.get(f"/api/nodes/C01?{bad}", headers=auth(tokens.admin))
        assert answer.status_code == 422, bad
        assert answer.json()["error"] == "invalid_request"


def test_unknown_node_is_404(client: TestClient, small: Graph, tokens: Tokens) -> None:
    answer = client.get("/api/nodes/NOPE", headers=auth(tokens.admin))
    assert answer.status_code == 404
    assert answer.json() == {"error": "not_found", "detail": "node not found: NOPE"}


def test_community_scope(client: TestClient, small: Graph, tokens: Tokens) -> None:
    viewer = tokens.viewer_c01
    for inside in ("C01", "A01", "B03", "U01", "PA01", "PC01", "O08", "P03", "F02", "N01", "SV02"):
        assert client.get(f"/api/nodes/{inside}", headers=auth(viewer)).status_code == 200, inside
    # SV01 covers the street above C01: it serves the community, so it is seen.
    assert client.get("/api/nodes/SV01", headers=auth(viewer)).status_code == 200
    for outside in ("C02", "A03", "U03", "PC02", "N03", "S01", "X01", "PX01", "P01", "O04"):
        answer = client.get(f"/api/nodes/{outside}", headers=auth(viewer))
        assert answer.status_code == 404, outside
        assert answer.json() == {"error": "not_found", "detail": f"node not found: {outside}"}
    # The community's own street is outside it, so its PART_OF is not listed.
    assert "S01" not in _neighbour_ids(client, viewer, "C01")
    assert "S01" in _neighbour_ids(client, tokens.viewer, "C01")
    # P09 is grid head in both communities: seen from C01, with only C01's grids.
    assert _neighbour_ids(client, viewer, "P09") == {"G01", "G02"}
    assert _neighbour_ids(client, tokens.viewer, "P09") == {"G01", "G02", "G03"}
    # A category is shared, but only the needs and services in scope show.
    assert _neighbour_ids(client, viewer, "cat_culture_sports") & {"SV04", "N06"} == set()


def test_street_scope(client: TestClient, small: Graph, tokens: Tokens) -> None:
    viewer = tokens.viewer_s01
    for inside in ("S01", "C01", "C02", "PS01", "PC02", "N03", "O12"):
        assert client.get(f"/api/nodes/{inside}", headers=auth(viewer)).status_code == 200, inside
    for outside in ("X01", "PX01", "O01", "P01"):
        assert client.get(f"/api/nodes/{outside}", headers=auth(viewer)).status_code == 404
    assert "X01" not in _neighbour_ids(client, viewer, "S01")


def test_viewers_see_personal_data_masked(client: TestClient, small: Graph, tokens: Tokens) -> None:
    masked = client.get("/api/nodes/P01", headers=auth(tokens.viewer)).json()
    assert masked["name"] == "张**"
    assert masked["properties"]["name"] == "张**"
    assert masked["properties"]["phone"] == "138****0001"
    for token in (tokens.editor, tokens.admin):
        whole = client.get("/api/nodes/P01", headers=auth(token)).json()
        assert whole["name"] == "张建国"
        assert whole["properties"]["phone"] == "13805370001"
    # People among a node's neighbours are masked too.
    items = client.get("/api/nodes/PX01", headers=auth(tokens.viewer)).json()["neighbours"]
    people = [item for item in items["items"] if "Person" in item["labels"]]
    assert people and all(item["name"].endswith("*") for item in people)
    assert {item["name"] for item in people} == {"张**"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("如意", {"C01", "A01", "G01", "G02", "B01", "B02", "PC01", "PA01", "PB01", "F01"}),
        ("宝相小区", {"A03", "PA03", "F03"}),
        ("意", {"C01", "A01", "PC01"}),
        ("民政", {"O01"}),
    ],
)
def test_search_by_part_of_a_name(
    client: TestClient, small: Graph, tokens: Tokens, text: str, expected: set[str]
) -> None:
    body = client.get("/api/search", params={"q": text, "limit": 500}, headers=auth(tokens.admin))
    assert body.status_code == 200
    found = {item["id"] for item in body.json()["items"]}
    assert expected <= found
    names = {item["name"] for item in body.json()["items"]}
    assert all(text in name for name in names)


def test_search_by_id_and_label(client: TestClient, small: Graph, tokens: Tokens) -> None:
    for node_id in ("N01", "U01", "C02", "cat_legal_aid"):
        body = client.get(f"/api/search?q={node_id}", headers=auth(tokens.admin)).json()
        assert body["items"][0]["id"] == node_id
        assert body["items"][0]["score"] == 1000.0
    body = client.get(
        "/api/search", params={"q": "如意", "label": "Grid"}, headers=auth(tokens.admin)
    ).json()
    assert {item["id"] for item in body["items"]} == {"G01", "G02"}
    bad = client.get(
        "/api/search", params={"q": "如意", "label": "Nope"}, headers=auth(tokens.admin)
    )
    assert bad.status_code == 422
    assert client.get("/api/search?q=", headers=auth(tokens.admin)).status_code == 422


def test_search_is_paginated_and_scoped(client: TestClient, small: Graph, tokens: Tokens) -> None:
    whole = client.get("/api/search?q=社区&limit=500", headers=auth(tokens.admin)).json()
    ids = [item["id"] for item in whole["items"]]
    assert whole["total"] == len(ids) >= 6
    paged: list[str] = []
    for offset in range(0, len(ids), 2):
        body = client.get(
            f"/api/search?q=社区&offset={offset}&limit=2", headers=auth(tokens.admin)
        ).json()
        assert body["total"] == len(ids)
        paged.extend(item["id"] for item in body["items"])
    assert paged == ids
    scoped = client.get("/api/search?q=社区&limit=500", headers=auth(tokens.viewer_c01)).json()
    scoped_ids = {item["id"] for item in scoped["items"]}
    assert "C01" in scoped_ids and "C02" not in scoped_ids and "PC02" not in scoped_ids
    assert scoped["total"] == len(scoped_ids)
    outside = client.get("/api/search?q=C02", headers=auth(tokens.viewer_c01)).json()
    assert outside["total"] == 0 and outside["items"] == []


def test_search_masks_people_for_viewers(client: TestClient, small: Graph, tokens: Tokens) -> None:
    # A viewer finds a person by id or by the masked name, never by the name:
    # hits on a guessed name would undo the mask.
    def found(query: str, token: str) -> list[tuple[str, str]]:
        answer = client.get("/api/search", params={"q": query}, headers=auth(token)).json()
        return [(item["id"], item["name"]) for item in answer["items"]]

    assert found("张建国", tokens.viewer) == []
    assert found("建国", tokens.viewer) == []
    assert found("P01", tokens.viewer) == [("P01", "张**")]
    assert found("张**", tokens.viewer) == [("P01", "张**")]
    assert found("张*", tokens.viewer) == []
    editor = client.get("/api/search?q=张建国", headers=auth(tokens.editor)).json()
    assert [(item["id"], item["name"]) for item in editor["items"]] == [("P01", "张建国")]


def _parse(text: str) -> nx.DiGraph[str]:
    parsed = nx.read_graphml(io.BytesIO(text.encode("utf-8")))
    assert isinstance(parsed, nx.DiGraph)
    return parsed


def test_graphml_parses(client: TestClient, small: Graph, tokens: Tokens) -> None:
    answer = client.get("/api/nodes/PA01/graphml?depth=1", headers=auth(tokens.editor))
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/graphml+xml")
    one = _parse(answer.text)
    assert set(one.nodes) == {"PA01", "A01", "PC01", "PB01", "P05"}
    assert one.has_edge("PA01", "A01") and one.has_edge("PB01", "PA01")
    two = _parse(client.get("/api/nodes/PA01/graphml?depth=2", headers=auth(tokens.editor)).text)
    assert set(one.nodes) < set(two.nodes)
    assert {"B01", "PS01", "C01"} <= set(two.nodes)
    for depth in (0, 4):
        answer = client.get(f"/api/nodes/PA01/graphml?depth={depth}", headers=auth(tokens.editor))
        assert answer.status_code == 422
    assert client.get("/api/nodes/NOPE/graphml", headers=auth(tokens.editor)).status_code == 404


def test_graphml_is_scoped_and_masked(client: TestClient, small: Graph, tokens: Tokens) -> None:
    scoped = _parse(
        client.get("/api/nodes/C01/graphml?depth=2", headers=auth(tokens.viewer_c01)).text
    )
    assert "S01" not in scoped.nodes and "C02" not in scoped.nodes
    viewer = _parse(client.get("/api/nodes/PC01/graphml", headers=auth(tokens.viewer)).text)
    editor = _parse(client.get("/api/nodes/PC01/graphml", headers=auth(tokens.editor)).text)
    assert viewer.nodes["P03"]["label"] == "王**"
    assert editor.nodes["P03"]["label"] == "王志强"
    assert all("13805" not in str(data) for _, data in editor.nodes(data=True))
    assert client.get("/api/nodes/C02/graphml", headers=auth(tokens.viewer_c01)).status_code == 404
