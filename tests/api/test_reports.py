"""Stats, the audit (JSON, CSV, HTML), the scorecard, candidates, routes,
projects and KPIs through the API: each restricted to a scoped token's street
or community, with people masked for viewers."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from graph.connection import Graph
from tests.api.conftest import Tokens, auth

AS_OF = "2024-07-01"


def test_stats(client: TestClient, small: Graph, tokens: Tokens) -> None:
    whole = client.get("/api/stats", headers=auth(tokens.viewer)).json()
    assert whole["scope_id"] is None
    assert whole["labels"]["Community"] == 2 and whole["labels"]["Need"] == 7
    assert [county["id"] for county in whole["counties"]] == ["X01"]
    scoped = client.get("/api/stats", headers=auth(tokens.viewer_c01)).json()
    assert scoped["scope_id"] == "C01" and scoped["counties"] == []
    assert scoped["labels"]["Community"] == 1
    assert scoped["labels"]["Need"] == 4
    assert "County" not in scoped["labels"] and "Street" not in scoped["labels"]


def test_audit_json(client: TestClient, small: Graph, tokens: Tokens) -> None:
    body = client.get(f"/api/audit?as_of={AS_OF}&limit=500", headers=auth(tokens.viewer)).json()
    rules = {rule["id"]: rule for rule in body["rules"]}
    assert len(rules) == 20
    assert rules["G01"]["count"] == 1 and rules["G04"]["count"] == 0
    assert body["total"] == sum(rule["count"] for rule in body["rules"]) == len(body["items"])
    found = {(item["rule_id"], item["node_id"]) for item in body["items"]}
    assert {("G01", "A02"), ("G16", "O12"), ("G19", "P09"), ("G15", "PA03")} <= found
    one = client.get(f"/api/audit?rule=G05&as_of={AS_OF}", headers=auth(tokens.viewer)).json()
    assert [rule["id"] for rule in one["rules"]] == ["G05"]
    assert [item["node_id"] for item in one["items"]] == ["B03"]
    by_name = client.get("/api/audit?rule=building_without_head", headers=auth(tokens.viewer))
    assert by_name.json()["items"] == one["items"]


def test_audit_pages(client: TestClient, small: Graph, tokens: Tokens) -> None:
    whole = client.get(f"/api/audit?as_of={AS_OF}&limit=500", headers=auth(tokens.viewer)).json()
    paged = []
    for offset in range(0, whole["total"], 7):
        body = client.get(
            f"/api/audit?as_of={AS_OF}&offset={offset}&limit=7", headers=auth(tokens.viewer)
        ).json()
        assert body["total"] == whole["total"]
        paged.extend(body["items"])
    assert paged == whole["items"]


def test_audit_filters_and_bad_input(client: TestClient, small: Graph, tokens: Tokens) -> None:
    body = client.get("/api/audit?community_id=C02&limit=500", headers=auth(tokens.admin)).json()
    assert body["community_id"] == "C02"
    # G19's single points of failure may span communities: no community then.
    assert {item["community_id"] for item in body["items"]} == {"C02", None}
    stale = client.get(
        "/api/audit?rule=G14&as_of=2024-05-01&sla_days=5", headers=auth(tokens.admin)
    )
    assert {item["node_id"] for item in stale.json()["items"]} == {"N02"}
    assert client.get("/api/audit?rule=G99", headers=auth(tokens.admin)).status_code == 400
    assert client.get("/api/audit?community_id=C99", headers=auth(tokens.admin)).status_code == 404
    for bad in ("sla_days=-1", "min_places=0", "as_of=2024-13-01", "format=pdf"):
        assert client.get(f"/api/audit?{bad}", headers=auth(tokens.admin)).status_code == 422


def test_audit_is_restricted_to_the_scope(client: TestClient, small: Graph, tokens: Tokens) -> None:
    body = client.get(f"/api/audit?as_of={AS_OF}&limit=500", headers=auth(tokens.viewer_c01)).json()
    assert body["community_id"] == "C01"
    assert body["items"] and {item["community_id"] for item in body["items"]} == {"C01", None}
    street = client.get(
        f"/api/audit?as_of={AS_OF}&limit=500", headers=auth(tokens.viewer_s01)
    ).json()
    assert street["street_id"] == "S01"
    narrowed = client.get(
        "/api/audit?community_id=C02&limit=500", headers=auth(tokens.viewer_s01)
    ).json()
    assert {item["community_id"] for item in narrowed["items"]} == {"C02", None}
    for outside in ("community_id=C02", "street_id=S01"):
        answer = client.get(f"/api/audit?{outside}", headers=auth(tokens.viewer_c01))
        assert answer.status_code == 404, outside


def test_audit_masks_people_for_viewers(client: TestClient, small: Graph, tokens: Tokens) -> None:
    viewer = client.get("/api/audit?rule=G19", headers=auth(tokens.viewer)).json()["items"]
    editor = client.get("/api/audit?rule=G19", headers=auth(tokens.editor)).json()["items"]
    assert [item["node_id"] for item in viewer] == ["P09"] == [item["node_id"] for item in editor]
    assert viewer[0]["name"].endswith("*") and not editor[0]["name"].endswith("*")
    assert viewer[0]["name"][0] == editor[0]["name"][0]


def test_audit_csv_and_html(client: TestClient, small: Graph, tokens: Tokens) -> None:
    answer = client.get(f"/api/audit?format=csv&as_of={AS_OF}", headers=auth(tokens.viewer))
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    text = answer.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    body = client.get(f"/api/audit?as_of={AS_OF}&limit=500", headers=auth(tokens.viewer)).json()
    assert len(rows) == body["total"]
    assert {"rule_id", "node_id", "community_id", "detail"} <= set(rows[0])
    page = client.get("/api/audit?format=html&community_id=C01", headers=auth(tokens.viewer))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "小区未建党支部" in page.text and "<script src" not in page.text


def test_scorecard(client: TestClient, small: Graph, tokens: Tokens) -> None:
    body = client.get(f"/api/scorecard?as_of={AS_OF}", headers=auth(tokens.viewer)).json()
    assert body["total"] == 2 and [row["id"] for row in body["items"]] == ["C01", "C02"]
    assert [row["id"] for row in body["streets"]] == ["S01"]
    branch = body["items"][0]["measures"]["areas_with_branch"]
    assert (branch["numerator"], branch["denominator"]) == (1, 2)
    page = client.get("/api/scorecard?offset=1&limit=1", headers=auth(tokens.viewer)).json()
    assert [row["id"] for row in page["items"]] == ["C02"]
    scoped = client.get("/api/scorecard", headers=auth(tokens.viewer_c01)).json()
    assert [row["id"] for row in scoped["items"]] == ["C01"]


def test_candidates(client: TestClient, small: Graph, tokens: Tokens) -> None:
    body = client.get("/api/needs/N07/candidates", headers=auth(tokens.viewer)).json()
    assert [item["resource_id"] for item in body["items"]] == ["SV05", "SV03"]
    assert body["total"] == 2 and body["items"][0]["reason"]
    page = client.get("/api/needs/N07/candidates?offset=1&limit=1", headers=auth(tokens.viewer))
    assert [item["resource_id"] for item in page.json()["items"]] == ["SV03"]
    none = client.get("/api/needs/N04/candidates", headers=auth(tokens.viewer)).json()
    assert none["items"] == [] and none["total"] == 0
    assert client.get("/api/needs/C01/candidates", headers=auth(tokens.viewer)).status_code == 404
    assert client.get("/api/needs/N99/candidates", headers=auth(tokens.viewer)).status_code == 404
    scoped = client.get("/api/needs/N05/candidates", headers=auth(tokens.viewer_c01))
    assert scoped.status_code == 404


def test_route(client: TestClient, small: Graph, tokens: Tokens) -> None:
    editor = client.get("/api/needs/N01/route", headers=auth(tokens.editor)).json()
    viewer = client.get("/api/needs/N01/route", headers=auth(tokens.viewer)).json()
    assert [step["level"] for step in editor["steps"]] == [
        "area_branch",
        "community_committee",
        "street_working_committee",
        "county_department",
        "county_committee",
    ]
    assert editor["steps"][-1]["secretary_name"] == "张建国"
    assert viewer["steps"][-1]["secretary_name"] == "张**"
    broken = client.get("/api/needs/N04/route", headers=auth(tokens.viewer)).json()
    assert broken["complete"] is False and broken["steps"][0]["missing"]
    assert client.get("/api/needs/N03/route", headers=auth(tokens.viewer_c01)).status_code == 404


def test_projects(client: TestClient, small: Graph, tokens: Tokens) -> None:
    body = client.get("/api/projects", headers=auth(tokens.viewer)).json()
    assert {item["project_id"] for item in body["items"]} == {"PJ01", "PJ02"}
    scoped = client.get("/api/projects", headers=auth(tokens.viewer_c01)).json()
    assert scoped["community_id"] == "C01"
    assert {item["project_id"] for item in scoped["items"]} == {"PJ01"}
    street = client.get("/api/projects", headers=auth(tokens.viewer_s01))
    assert street.status_code == 400
    chosen = client.get("/api/projects?community_id=C02", headers=auth(tokens.viewer_s01))
    assert {item["project_id"] for item in chosen.json()["items"]} == {"PJ02"}


def test_kpi(client: TestClient, small: Graph, tokens: Tokens) -> None:
    body = client.get("/api/kpi", headers=auth(tokens.viewer)).json()
    assert body["overall"]["raised"] == 7 and body["overall"]["resolved"] == 1
    window = client.get("/api/kpi?from=2024-05-01&to=2024-05-31", headers=auth(tokens.viewer))
    assert window.json()["overall"]["raised"] < 7
    reversed_window = client.get(
        "/api/kpi?from=2024-06-01&to=2024-05-01", headers=auth(tokens.viewer)
    )
    assert reversed_window.status_code == 400
    scoped = client.get("/api/kpi", headers=auth(tokens.viewer_c01)).json()
    assert scoped["community_id"] == "C01" and scoped["overall"]["raised"] == 4
    assert client.get("/api/kpi", headers=auth(tokens.viewer_s01)).status_code == 400
    assert (
        client.get("/api/kpi?community_id=C02", headers=auth(tokens.viewer_c01)).status_code == 404
    )
    assert client.get("/api/kpi?community_id=C99", headers=auth(tokens.viewer)).status_code == 404


@pytest.mark.parametrize("path", ["/api/openapi.json", "/api/docs"])
def test_documentation_is_served_offline(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 200
    assert "cdn.jsdelivr" not in answer.text and "unpkg.com" not in answer.text
    assert client.get("/docs").status_code == 404


def test_openapi_names_the_bearer_scheme_where_a_token_is_needed(client: TestClient) -> None:
    document = client.get("/api/openapi.json").json()
    assert document["components"]["securitySchemes"] == {
        "token": {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from `civicgraph token create` (访问令牌): "
            "`Authorization: Bearer cg_…`",
        }
    }
    paths = document["paths"]
    for path, method in [
        ("/api/nodes/{node_id}", "get"),
        ("/api/needs/{need_id}/assign", "post"),
        ("/api/workbook", "post"),
    ]:
        assert paths[path][method]["security"] == [{"token": []}], path
    assert "security" not in paths["/api/health"]["get"]


def test_openapi_tags_have_both_languages(client: TestClient) -> None:
    document = client.get("/api/openapi.json").json()
    for tag in document["tags"]:
        description = tag["description"]
        assert any("\u4e00" <= c <= "\u9fff" for c in description)
        assert any(c.isascii() and c.isalpha() for c in description)
    assert all(path.startswith("/api/") for path in document["paths"])
