"""The explorer in a real browser: headless Chromium (Debian's, driven by
Playwright) against the app served by uvicorn on 127.0.0.1, with the
``jining`` scenario (the demo) loaded.

It signs in through the token form, opens a county's overview, follows a
community's link from the canvas to the community's organization tree, and
checks that each page settles (``window.civicgraphStable``), draws on its
canvas, draws as many nodes as the view query gave, and never asks for
anything beyond 127.0.0.1. The last test saves a screenshot; with
``CIVICGRAPH_README_PICTURE=1`` it is the README's picture,
``docs/explorer.png``, otherwise it goes to the test's temporary folder so that
a test run leaves the tree as it found it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import Browser, Page

from api.main import create_app
from api.session import cookie_name
from graph.connection import Graph
from graph.schema import Label
from graph.settings import Settings
from loaders.scenario.profiles import REFERENCE_DATE
from tests.api.conftest import Tokens
from tests.browser import STABLE, VIEWPORT, is_local
from tests.serving import serving
from visualize.views import community_graph, community_view, overview_view, parse_labels

pytestmark = pytest.mark.slow

AS_OF = REFERENCE_DATE
"""The scenario's own "today", so that only its planted stale needs are stale."""

README_PICTURE = Path(__file__).resolve().parents[2] / "docs" / "explorer.png"

PICTURE_COMMUNITY = "ws-c15"
"""幸福社区: areas without a branch, a branch without a secretary, buildings
without a head — gaps enough to show."""

PICTURE_LABELS = (
    "Community,ResidentialArea,Grid,Building,PartyOrg,Facility,"
    "PropertyFirm,OwnersCommittee,TwoNewOrg,StationedUnit"
)
"""The tree without units, people and services, so that it reads at 1400×900."""

CANVAS_INK = """
() => {
  const canvas = document.querySelector("#civicgraph .cg-canvas canvas");
  const context = canvas.getContext("2d");
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let index = 0; index < pixels.length; index += 4) {
    const alpha = pixels[index + 3];
    const light = pixels[index] > 240 && pixels[index + 1] > 240 && pixels[index + 2] > 240;
    if (alpha > 0 && !light) { inked += 1; }
  }
  return { inked: inked, total: canvas.width * canvas.height };
}
"""
"""How many of the canvas' pixels are drawn on (not transparent, not white)."""

NODE_ON_SCREEN = """
(nodeId) => {
  const network = window.civicgraphNetwork;
  const point = network.canvasToDOM(network.getPositions([nodeId])[nodeId]);
  const box = document.querySelector("#civicgraph .cg-canvas").getBoundingClientRect();
  return { x: box.left + point.x, y: box.top + point.y };
}
"""

VIEW_DATA = "() => JSON.parse(document.getElementById('civicgraph-data').textContent)"


@pytest.fixture(scope="module")
def site(jining: Graph, api_settings: Settings) -> Iterator[str]:
    """The app served on 127.0.0.1; its base URL."""
    with serving(create_app(api_settings, graph=jining)) as base:
        yield base


def settle(page: Page) -> None:
    page.wait_for_function(STABLE, timeout=60_000)


def inked(page: Page) -> int:
    found: dict[str, Any] = page.evaluate(CANVAS_INK)
    return int(found["inked"])


def test_overview_then_community_settle_draw_and_stay_local(
    site: str, browser: Browser, jining: Graph, tokens: Tokens
) -> None:
    context = browser.new_context(viewport=VIEWPORT)
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    try:
        # The page asks for a token once, then shows what was asked for.
        overview_url = f"{site}/explore?{urlencode({'overview': 'ws', 'as_of': AS_OF})}"
        page.goto(overview_url)
        page.fill("input[name=token]", tokens.admin)
        page.click("button[type=submit]")
        page.wait_for_url(overview_url)
        settle(page)
        overview = overview_view(jining, "ws", as_of=AS_OF)
        assert page.evaluate("window.civicgraphNodeCount") == len(overview.nodes) == 28
        assert inked(page) > 5_000
        assert page.title().startswith("汶上县 社区总览 · 汶上县: communities at a glance")

        # A community on the canvas leads to its organization tree, the
        # state in the URL.
        data = page.evaluate(VIEW_DATA)
        target = next(node for node in data["nodes"] if node["type"] == Label.COMMUNITY)
        spot = page.evaluate(NODE_ON_SCREEN, target["id"])
        page.mouse.click(spot["x"], spot["y"])
        page.wait_for_url("**/explore?community=**")
        query = parse_qs(urlsplit(page.url).query)
        assert query == {"community": [target["id"]], "as_of": [AS_OF.isoformat()]}
        settle(page)
        raw, _ = community_graph(jining, target["id"])
        drawn = community_view(jining, target["id"], as_of=AS_OF)
        assert page.evaluate("window.civicgraphNodeCount") == len(drawn.nodes)
        if len(raw.nodes) <= 1500:
            assert len(drawn.nodes) == len(raw.nodes)
        assert inked(page) > 5_000

        # A community below the cap: every node the query returned is drawn.
        page.goto(f"{site}/explore?{urlencode({'community': 'ws-c03', 'as_of': AS_OF})}")
        settle(page)
        raw, _ = community_graph(jining, "ws-c03")
        assert page.evaluate("window.civicgraphNodeCount") == len(raw.nodes) > 1000
        assert inked(page) > 5_000
    finally:
        context.close()
    assert requested, "the browser made no request"
    strays = [url for url in requested if not is_local(url)]
    assert not strays, strays


def test_the_readme_picture(
    site: str,
    browser: Browser,
    jining: Graph,
    tokens: Tokens,
    api_settings: Settings,
    tmp_path: Path,
) -> None:
    screenshot = (
        README_PICTURE if os.environ.get("CIVICGRAPH_README_PICTURE") else tmp_path / "explorer.png"
    )
    context = browser.new_context(viewport=VIEWPORT)
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    cookie = cookie_name(api_settings.civicgraph_home, urlsplit(site).port)
    context.add_cookies([{"name": cookie, "value": tokens.admin, "url": site}])
    page = context.new_page()
    try:
        params = {"community": PICTURE_COMMUNITY, "labels": PICTURE_LABELS, "as_of": AS_OF}
        page.goto(f"{site}/explore?{urlencode(params)}")
        settle(page)
        view = community_view(
            jining, PICTURE_COMMUNITY, labels=parse_labels(PICTURE_LABELS), as_of=AS_OF
        )
        assert page.evaluate("window.civicgraphNodeCount") == len(view.nodes)
        assert view.finding_count > 0
        # Hover over the residential area with the most findings (the highest
        # on the screen among equals): its tooltip names them.
        data = page.evaluate(VIEW_DATA)
        areas = [
            node
            for node in data["nodes"]
            if node["findings"] and node["type"] == Label.RESIDENTIAL_AREA
        ]
        assert areas, "the picture's community has no residential area with findings"
        shown = max(areas, key=lambda node: (node["findings"], -node["y"]))
        spot = page.evaluate(NODE_ON_SCREEN, shown["id"])
        page.mouse.move(spot["x"], spot["y"])
        page.wait_for_selector("div.vis-tooltip", state="visible", timeout=10_000)
        assert inked(page) > 5_000
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot))
    finally:
        context.close()
    assert screenshot.stat().st_size > 50_000
    assert all(is_local(url) for url in requested), requested
