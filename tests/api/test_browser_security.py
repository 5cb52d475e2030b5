"""The pages' defences in a real browser: headless Chromium against the app
served on 127.0.0.1, with the ``small`` workbook.

- every page works under its Content-Security-Policy: the browser reports
  no violation, and the explorer still draws;
- a page served from another port of the same host (what a red-team run
  used) can neither read the token's cookie nor sign the planner out;
- the need page's assign button works, as a form of this site.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page

from api.main import create_app
from graph.connection import Graph
from graph.settings import Settings
from tests.api.conftest import Tokens
from tests.browser import STABLE, VIEWPORT
from tests.serving import serving, serving_folder

pytestmark = pytest.mark.slow

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline")
    + " " + (event.sample || ""));
});
"""
"""Collects every CSP violation the page reports, from its first script on."""

LIBRARY_SHEETS = """
() => {
  const sheets = [...document.querySelectorAll("head style")]
    .filter((element) => !element.nonce && element.textContent.includes(".vis"));
  return {
    count: sheets.length,
    applied: sheets.filter((element) => element.sheet && element.sheet.cssRules.length).length,
  };
}
"""
"""The style sheets vis-network adds to the head, and how many the browser applied."""

PAGES = (
    "/",
    "/?q=如意",
    "/audit",
    "/needs/N07",
    "/explore",
    "/explore?community=C01&needs=1",
    "/explore?center=B01&depth=2",
    "/explore?overview=S01",
    "/audit/report",
    "/nodes/C01",
    "/nodes/P01",
    "/api/docs",
)


@pytest.fixture(scope="module")
def site(small: Graph, api_settings: Settings) -> Iterator[str]:
    """The app served on 127.0.0.1; its base URL."""
    with serving(create_app(api_settings, graph=small)) as base:
        yield base


def sign_in(page: Page, site: str, token: str, target: str = "/") -> None:
    page.goto(f"{site}/session?next={target}")
    page.fill("input[name=token]", token)
    page.click("button[type=submit]")
    page.wait_for_url(f"{site}{target}")


def violations(page: Page) -> list[str]:
    found: list[str] = page.evaluate("window.__violations || []")
    return found


def test_every_page_works_under_its_content_security_policy(
    site: str, browser: Browser, tokens: Tokens
) -> None:
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(RECORD_VIOLATIONS)
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    try:
        sign_in(page, site, tokens.editor)
        for path in PAGES:
            answer = page.goto(f"{site}{path}")
            assert answer is not None and answer.ok, path
            policy = answer.headers["content-security-policy"]
            assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in policy
            if path.startswith("/explore?"):
                page.wait_for_function(STABLE, timeout=60_000)
                assert page.evaluate("window.civicgraphNodeCount") > 0
                # vis-network's own style sheets were admitted by their hashes.
                sheets = page.evaluate(LIBRARY_SHEETS)
                assert sheets["count"] >= 7 and sheets["applied"] == sheets["count"], sheets
            assert violations(page) == [], (path, violations(page))
        assert errors == [], errors
    finally:
        context.close()


def test_an_inline_script_without_the_nonce_is_refused(
    site: str, browser: Browser, tokens: Tokens
) -> None:
    """The policy is in force: a script the page did not carry cannot run."""
    context = browser.new_context()
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    try:
        sign_in(page, site, tokens.viewer)
        ran: Any = page.evaluate(
            """() => {
              window.__ran = false;
              const script = document.createElement("script");
              script.textContent = "window.__ran = true;";
              document.body.appendChild(script);
              return window.__ran;
            }"""
        )
        assert ran is False
        assert any("script-src" in violation for violation in violations(page))
    finally:
        context.close()


def test_a_page_on_another_port_can_neither_read_the_token_nor_sign_out(
    site: str, browser: Browser, tokens: Tokens, tmp_path: Path
) -> None:
    (tmp_path / "steal.html").write_text(
        "<!doctype html><meta charset=utf-8><title>other</title>"
        "<script>window.stolen = document.cookie;</script>",
        encoding="utf-8",
    )
    (tmp_path / "sign-out.html").write_text(
        "<!doctype html><meta charset=utf-8><title>other</title>"
        f'<form id=f method=post action="{site}/session/end"></form>'
        "<script>document.getElementById('f').submit();</script>",
        encoding="utf-8",
    )
    context = browser.new_context()
    page = context.new_page()
    try:
        sign_in(page, site, tokens.admin)
        with serving_folder(tmp_path) as other:
            assert other.split(":")[-1] != site.split(":")[-1]
            page.goto(f"{other}/steal.html")
            assert page.evaluate("window.stolen") == ""
            assert page.evaluate("document.cookie") == ""
            page.goto(f"{other}/sign-out.html")
            page.wait_for_load_state("load")
        # The planner is still signed in.
        answer = page.goto(f"{site}/audit")
        assert answer is not None and answer.status == 200
        assert "退出" in page.content()
        # The browser holds the cookie, but no script of the site can read it.
        cookies = [cookie for cookie in context.cookies() if cookie["value"] == tokens.admin]
        assert cookies and all(cookie["httpOnly"] for cookie in cookies)
        assert page.evaluate("document.cookie") == ""
    finally:
        context.close()


def test_the_assign_button_assigns_from_the_page(
    site: str, browser: Browser, tokens: Tokens, fresh: Graph
) -> None:
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    try:
        sign_in(page, site, tokens.editor, "/needs/N07")
        page.click("form.assign button")
        page.wait_for_url(f"{site}/needs/N07?assigned=SV05")
        assert (
            "已派单给 邻里帮跑腿" in page.content() and 'form class="assign"' not in page.content()
        )
        assert violations(page) == []
    finally:
        context.close()


def test_the_explorers_side_panel_shows_the_selected_nodes_history(
    site: str, browser: Browser, tokens: Tokens, fresh: Graph
) -> None:
    changed = httpx.patch(
        f"{site}/api/needs/N07",
        json={"urgency": 3},
        headers={"Authorization": f"Bearer {tokens.editor}"},
    )
    assert changed.status_code == 200, changed.text
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    try:
        sign_in(page, site, tokens.viewer, "/explore?center=N07")
        page.wait_for_function(STABLE, timeout=60_000)
        page.evaluate("window.location.hash = 'node=N07'")
        page.wait_for_selector(".cg-selected .cg-history[data-loaded=true]", timeout=10_000)
        lines = page.locator(".cg-selected .cg-history li").all_inner_texts()
        assert lines[0].endswith("api PATCH /api/needs/N07")
        assert "修改 updated · urgency: 1 → 3" in lines[0]
        assert "新建 created" in lines[-1]
        page.click(".cg-selected a")
        page.wait_for_url(f"{site}/nodes/N07")
        assert "urgency: 1 → 3" in page.content()
        assert violations(page) == []
    finally:
        context.close()
