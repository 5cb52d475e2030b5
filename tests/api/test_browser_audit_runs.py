"""The audit page's line "since the last saved run", in headless Chromium
against the app served on 127.0.0.1, with the jining scenario loaded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from api.main import create_app
from graph.connection import Graph
from graph.settings import Settings
from queries.audit import run_audit
from queries.audit_runs import save_run
from tests.api.conftest import Tokens
from tests.browser import VIEWPORT
from tests.serving import serving

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(jining: Graph, api_settings: Settings) -> Iterator[str]:
    with serving(create_app(api_settings, graph=jining)) as base:
        yield base


def test_the_audit_page_says_what_changed_since_the_last_run(
    site: str, browser: Browser, jining: Graph, tokens: Tokens
) -> None:
    jining.query("MATCH (run:AuditRun) DELETE run", write=True)
    lacking = run_audit(jining, ["G07"]).results[0].findings[0].node_id
    row = jining.query(
        "MATCH (person:Person)-[held:HOLDS {post: 'first_secretary'}]->(community:Community) "
        "RETURN person.id AS person, community.id AS community ORDER BY community LIMIT 1"
    )[0]
    saved = save_run(jining, run_audit(jining))
    move = (
        "MATCH (person:Person {id: $person})-[held:HOLDS {post: 'first_secretary'}]->"
        "(:Community {id: $source}) MATCH (target:Community {id: $target}) "
        "CREATE (person)-[:HOLDS {post: 'first_secretary'}]->(target) DELETE held"
    )
    jining.query(
        move, {"person": row["person"], "source": row["community"], "target": lacking}, write=True
    )
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        page.goto(f"{site}/audit")
        page.fill("input[name=token]", tokens.viewer)
        page.click("button[type=submit]")
        page.wait_for_url(f"{site}/audit")
        line = page.locator("#since-run").inner_text()
        assert line.startswith("自上次保存的审计以来：新增 1，已整改 1")
        assert "since the last saved run: 1 new, 1 closed" in line
        assert saved.run_id in line
    finally:
        context.close()
        jining.query(
            move,
            {"person": row["person"], "source": lacking, "target": row["community"]},
            write=True,
        )
        jining.query("MATCH (run:AuditRun) DELETE run", write=True)
