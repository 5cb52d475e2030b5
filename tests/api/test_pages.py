"""The planners' pages (``api/routes/pages.py``) through FastAPI's test client,
on the small workbook: the token form and its cookie, every page in Chinese
and English with nothing loaded from another host, the view state kept in
the URL, the scope, and masking for viewers."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.pages import VIS_NETWORK_URL
from graph.connection import Graph
from queries.audit import find_rule
from tests.api.conftest import Tokens, auth, page_cookie

PAGES = (
    "/",
    "/?q=如意",
    "/audit",
    "/audit?rule=G05&as_of=2024-07-01",
    "/needs/N04",
    "/explore",
    "/explore?center=B01&depth=1",
    "/explore?community=C01&needs=1",
    "/explore?overview=S01",
    "/explore?overview=X01&as_of=2024-07-01",
    "/nodes/C01",
    "/nodes/P11",
)

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
_EXTERNAL = re.compile(r"(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}")

Browser = Callable[[str | None], TestClient]


@pytest.fixture()
def browser(app: FastAPI, client: TestClient) -> Browser:
    """A client holding a token in the cookie, as after the token form (the
    session's ``client`` has run the app's lifespan)."""

    def make(token: str | None) -> TestClient:
        made = TestClient(app, follow_redirects=False)
        if token is not None:
            made.cookies.set(page_cookie(app), token)
        return made

    return make


def _same_page(html: str) -> str:
    """A page with its whitespace runs and its CSP nonces made one."""
    return re.sub(r'nonce="[^"]*"', 'nonce=""', re.sub(r"\s+", " ", html))


def title(html: str) -> str:
    found = _TITLE.search(html)
    assert found is not None, "the page has no title"
    return found.group(1)


# The token


def test_a_page_without_a_token_asks_for_one(small: Graph, browser: Browser) -> None:
    answer = browser(None).get("/explore?community=C01")
    assert answer.status_code == 401
    assert 'name="token"' in answer.text
    assert 'name="next" value="/explore?community=C01"' in answer.text
    assert _CJK.search(title(answer.text)) and _LATIN_WORD.search(title(answer.text))
    unknown = browser("cg_not-a-token").get("/")
    assert unknown.status_code == 401


def test_the_token_form_sets_the_cookie_and_goes_back(
    small: Graph, app: FastAPI, browser: Browser, tokens: Tokens
) -> None:
    anonymous = browser(None)
    answer = anonymous.post("/session", data={"token": tokens.viewer, "next": "/audit?rule=G05"})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/audit?rule=G05"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{page_cookie(app)}={tokens.viewer}")
    assert "samesite=strict" in cookie.lower() and "path=/" in cookie.lower()
    followed = anonymous.get("/audit?rule=G05")
    assert followed.status_code == 200
    refused = anonymous.post("/session", data={"token": "cg_wrong", "next": "/"})
    assert refused.status_code == 401 and "令牌无效" in refused.text
    elsewhere = browser(None).post(
        "/session", data={"token": tokens.viewer, "next": "https://example.org/"}
    )
    assert elsewhere.headers["location"] == "/"
    cross_site = browser(None).post(
        "/session",
        data={"token": tokens.viewer, "next": "/"},
        headers={"Origin": "https://example.org"},
    )
    assert cross_site.status_code == 401
    signed_out = browser(tokens.viewer).post("/session/end")
    assert signed_out.status_code == 303
    assert f'{page_cookie(app)}=""' in signed_out.headers["set-cookie"]


# Every page


@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers_in_chinese_and_english_from_this_site_only(
    small: Graph, browser: Browser, tokens: Tokens, path: str
) -> None:
    answer = browser(tokens.admin).get(path)
    assert answer.status_code == 200, answer.text[-500:]
    assert answer.headers["content-type"].startswith("text/html")
    html = answer.text
    heading = title(html)
    assert _CJK.search(heading) and _LATIN_WORD.search(heading), heading
    assert "http://" not in html and "https://" not in html
    assert not _EXTERNAL.search(html), _EXTERNAL.search(html)
    for attribute in re.findall(r'(?:src|href|action)="([^"]*)"', html):
        assert attribute.startswith(("/", "#", "?")) or not attribute, attribute


def test_vis_network_is_served_from_this_site(small: Graph, browser: Browser) -> None:
    anonymous = browser(None)
    answer = anonymous.get(VIS_NETWORK_URL)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/javascript")
    assert len(answer.content) > 100_000
    again = anonymous.get(VIS_NETWORK_URL, headers={"If-None-Match": answer.headers["etag"]})
    assert again.status_code == 304


def test_the_explorer_draws_the_view_with_its_library(
    small: Graph, browser: Browser, tokens: Tokens
) -> None:
    html = browser(tokens.admin).get("/explore?community=C01").text
    assert f'<script src="{VIS_NETWORK_URL}"></script>' in html
    assert 'id="civicgraph"' in html and 'data-view-kind="community"' in html
    assert "如意社区 组织架构" in html and "organization tree" in html
    assert 'data-node-count="40"' in html


# The state in the URL


def test_the_view_state_round_trips_through_the_url(
    small: Graph, browser: Browser, tokens: Tokens
) -> None:
    page = browser(tokens.admin)
    html = page.get("/explore?center=B01&depth=2&labels=Place&findings=0&as_of=2024-07-01").text
    assert 'name="center" value="B01"' in html
    assert '<option value="2" selected>' in html
    assert 'name="labels" value="Place"' in html
    assert 'name="as_of" value="2024-07-01"' in html
    assert '<option value="0" selected>隐藏 hide</option>' in html
    assert "周边关系网 · 2 层" in html and "depth 2" in html
    assert 'data-finding-count="0"' in html
    # The same URL gives the same page (and so can be saved or sent).
    again = page.get("/explore?center=B01&depth=2&labels=Place&findings=0&as_of=2024-07-01").text
    # Each answer has its own CSP nonce; the rest is the same.
    assert _same_page(again) == _same_page(html)
    # An overview's communities link to their own views, keeping the date.
    overview = page.get("/explore?overview=S01&as_of=2024-07-01").text
    assert "/explore?community=C01\\u0026as_of=2024-07-01" in overview
    # Each audit finding opens the explorer centred on it.
    audit = page.get("/audit?rule=G05&as_of=2024-07-01").text
    links = re.findall(r'href="(/explore\?center=[^"]+)"', audit)
    assert links, "no finding links to the explorer"
    query = parse_qs(urlsplit(links[0].replace("&amp;", "&")).query)
    assert query == {"center": ["B03"], "as_of": ["2024-07-01"]}
    rule = find_rule("G05")
    assert rule.title_zh in audit and rule.title_en in audit


def test_the_audit_groups_findings_by_rule_with_both_titles(
    small: Graph, browser: Browser, tokens: Tokens
) -> None:
    html = browser(tokens.admin).get("/audit?as_of=2024-07-01").text
    groups = re.findall(r'<h3 id="(G\d\d)">', html)
    assert groups == sorted(groups) and {"G01", "G05", "G19"} <= set(groups)
    assert "G04" not in groups and "G07" not in groups
    one = browser(tokens.admin).get("/audit?rule=G06&as_of=2024-07-01").text
    assert re.findall(r'<h3 id="(G\d\d)">', one) == ["G06"]
    assert {"U02", "U03"} <= set(re.findall(r"center=(U\d\d)", one))


# Scope and masking


def test_a_scoped_token_sees_only_its_part(small: Graph, browser: Browser, tokens: Tokens) -> None:
    page = browser(tokens.viewer_c01)
    assert page.get("/explore?community=C01").status_code == 200
    assert page.get("/explore?community=C02").status_code == 404
    assert page.get("/explore?overview=S01").status_code == 404
    assert page.get("/explore?center=B04").status_code == 404
    assert page.get("/needs/N05").status_code == 404
    street = browser(tokens.viewer_s01)
    assert street.get("/explore?overview=S01").status_code == 200
    assert street.get("/explore?overview=X01").status_code == 404


def test_a_viewer_sees_names_masked_and_no_page_shows_a_phone(
    small: Graph, browser: Browser, tokens: Tokens
) -> None:
    viewer = browser(tokens.viewer)
    admin = browser(tokens.admin)
    for path in ("/explore?community=C01", "/explore?center=B01"):
        masked = viewer.get(path).text
        whole = admin.get(path).text
        assert "冯强" in whole and "冯强" not in masked and "冯*" in masked
    need = viewer.get("/needs/N04").text
    assert "王志强" not in need and "王**" in need
    assert "王志强" in admin.get("/needs/N04").text
    # A viewer finds a person by the masked name, not by the name itself.
    by_name = viewer.get("/?q=冯强").text
    assert "<td>冯*</td>" not in by_name and "<td>冯强</td>" not in by_name
    found = viewer.get("/?q=冯*").text
    assert "<td>冯*</td>" in found and "<td>冯强</td>" not in found
    for client in (viewer, admin):
        for path in PAGES:
            assert "1380537" not in client.get(path).text, path


# The node page


def test_the_node_page_shows_properties_relationships_and_history_within_the_scope(
    small: Graph, browser: Browser, tokens: Tokens
) -> None:
    admin = browser(tokens.admin).get("/nodes/C01").text
    assert "<h1>如意社区" in admin and "社区 community · C01" in admin
    assert "← LEADS" in admin and 'href="/nodes/PC01"' in admin
    assert "变更历史" in admin and "新建" in admin
    viewer = browser(tokens.viewer)
    person = viewer.get("/nodes/P11").text
    assert "冯*" in person and "冯强" not in person and "1380537" not in person
    assert "building_head" in person and 'href="/nodes/B01"' in person
    history = viewer.get("/nodes/P11/history")
    assert history.status_code == 200
    assert history.json()["node_id"] == "P11" and history.json()["entries"]
    assert "冯强" not in history.text
    scoped = browser(tokens.viewer_c01)
    assert scoped.get("/nodes/B01").status_code == 200
    assert scoped.get("/nodes/B04").status_code == 404
    assert scoped.get("/nodes/B04/history").status_code == 404
    nobody = browser(None).get("/nodes/C01/history")
    assert nobody.status_code == 401 and nobody.json()["error"] == "unauthorized"


# The need page


def test_editors_get_assign_buttons_that_post_a_form_of_this_site(
    fresh: Graph, browser: Browser, client: TestClient, tokens: Tokens
) -> None:
    viewer_page = browser(tokens.viewer).get("/needs/N07").text
    assert 'class="assign"' not in viewer_page
    editor = browser(tokens.editor)
    editor_page = editor.get("/needs/N07").text
    buttons = re.findall(r'name="resource_id" value="([^"]+)"', editor_page)
    assert buttons == ["SV05", "SV03"]
    assert 'action="/needs/N07/assign"' in editor_page
    assert "逐级呼叫" in editor_page and "Escalation route" in editor_page
    # No script reads the token: the buttons are forms with the CSRF token.
    assert "document.cookie" not in editor_page
    csrf = re.findall(r'name="csrf" value="([0-9a-f]{64})"', editor_page)
    assert csrf and len(set(csrf)) == 1
    form = {"resource_id": buttons[0], "csrf": csrf[0]}
    answer = editor.post("/needs/N07/assign", data=form, headers={"Origin": "http://testserver"})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/needs/N07?assigned=SV05"
    after = editor.get(answer.headers["location"]).text
    assert 'class="assign"' not in after and "已派单给 邻里帮跑腿" in after
    assert client.get("/api/needs/N07", headers=auth(tokens.editor)).json()["assigned_to"] == (
        "SV05"
    )


def test_errors_are_pages_too(small: Graph, browser: Browser, tokens: Tokens) -> None:
    page = browser(tokens.admin)
    both = page.get("/explore?center=B01&community=C01")
    assert both.status_code == 400 and "无法显示" in both.text
    missing = page.get("/needs/N99")
    assert missing.status_code == 404 and "N99" in missing.text
    bad_label = page.get("/explore?community=C01&labels=Nope")
    assert bad_label.status_code == 400 and "Nope" in bad_label.text
