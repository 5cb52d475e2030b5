"""Part 3 of the benchmark: how fast the explorer's pages settle in a browser.

The API and its pages are served by uvicorn on 127.0.0.1; headless Chromium
(Debian's, driven by Playwright) opens the overview of a county and the
organization tree of its largest community, and the time is taken from the
start of the navigation to the moment the page reports it is stable (its
``civicgraph:stabilized`` event; :func:`visualize.render.render_fragment`):
the view's queries, the audit, the rendering, the transfer and the drawing
together. Each page is opened once to warm the server up, then timed in a
fresh browser context each time; the median is reported.

The baseline is the same nodes and edges drawn by stock pyvis
(``pyvis.network.Network``, physics on, vis-network inlined), served as a
file from 127.0.0.1 and timed to the first of vis-network's
``stabilizationIterationsDone`` and ``stabilized`` events — the same rule the
explorer uses when it has no precomputed layout. pyvis' page also links
bootstrap from a CDN; those requests are blocked (no request leaves the
machine) and counted. The baseline's time includes no server work, so the
comparison favours it.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Route,
    sync_playwright,
)
from pyvis.network import Network

from api.main import create_app
from api.session import cookie_name
from api.tokens import Role, TokenStore
from bench.report import Metric
from graph.connection import Graph
from graph.settings import Settings, get_settings
from queries.catalog import run
from tests.browser import VIEWPORT, is_local, launch
from tests.serving import serving, serving_folder
from visualize.model import ViewGraph
from visualize.render import vis_network_js
from visualize.views import community_view, overview_rollups, overview_view

STABLE_TIMEOUT_MS = 600_000
"""How long a page may take to settle before the run fails (pyvis' physics
on a thousand-node community takes minutes)."""

SLOW_BASELINE_S = 10.0
"""A baseline slower than this is timed once rather than ``repeats`` times."""

RECORD_STABLE = """
window.__civicgraphStableAt = null;
document.addEventListener("civicgraph:stabilized", function () {
  if (window.__civicgraphStableAt === null) { window.__civicgraphStableAt = performance.now(); }
});
"""
"""Init script for the explorer: the moment the page reports it is stable."""

RECORD_PYVIS_STABLE = """
window.__civicgraphStableAt = null;
(function () {
  var held;
  function done() {
    if (window.__civicgraphStableAt === null) { window.__civicgraphStableAt = performance.now(); }
  }
  // pyvis assigns its network to the global "network": catch it as it is
  // made, before its stabilization (which runs in timers) can end.
  Object.defineProperty(window, "network", {
    configurable: true,
    get: function () { return held; },
    set: function (value) {
      held = value;
      value.once("stabilizationIterationsDone", done);
      value.once("stabilized", done);
    }
  });
}());
"""
"""Init script for pyvis' page: the first of its two stabilization events."""


def block_external(context: BrowserContext, blocked: list[str]) -> None:
    """Abort every request that would leave the machine, noting its URL."""

    def handle(route: Route) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", handle)


def wait_until_stable(page: Page) -> float:
    """Wait for the page's stable moment; seconds since navigation start."""
    page.wait_for_function(
        "() => window.__civicgraphStableAt !== null && window.__civicgraphStableAt !== undefined",
        timeout=STABLE_TIMEOUT_MS,
        polling=50,
    )
    return float(page.evaluate("window.__civicgraphStableAt")) / 1000.0


@contextmanager
def bench_site(graph: Graph, settings: Settings, home: Path) -> Iterator[tuple[str, str, str]]:
    """The API and its pages served on 127.0.0.1 with a throwaway token
    file; yields the base URL, an admin token and the cookie the pages
    keep it in."""
    home.mkdir(parents=True, exist_ok=True)
    site_settings = settings.model_copy(update={"civicgraph_home": home})
    _, token = TokenStore.for_settings(site_settings).create(Role.ADMIN, name="bench views")
    with serving(create_app(site_settings, graph=graph)) as base:
        yield base, token, cookie_name(home, urlsplit(base).port)


def pyvis_page(view: ViewGraph, path: Path) -> Path:
    """The same nodes and edges as stock pyvis draws them (physics on,
    vis-network inlined), written to ``path``."""
    network = Network(height="860px", width="100%", cdn_resources="in_line")
    for node in view.nodes:
        network.add_node(node.id, label=node.name, title=f"{node.name} ({node.label.value})")
    for edge in view.edges:
        network.add_edge(edge.source, edge.target, title=edge.type.value)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(network.generate_html(), encoding="utf-8")
    return path


def _timed(
    browser: Browser,
    url: str,
    init_script: str,
    repeats: int,
    cookie: tuple[str, str, str] | None = None,
) -> tuple[list[float], list[str], int]:
    """Open ``url`` ``repeats`` times, each in a fresh context; the seconds
    to the stable moment, the blocked URLs and the node count drawn."""
    times: list[float] = []
    blocked: list[str] = []
    nodes = 0
    for _ in range(repeats):
        context = browser.new_context(viewport=VIEWPORT)
        try:
            block_external(context, blocked)
            if cookie is not None:
                name, value, site = cookie
                context.add_cookies([{"name": name, "value": value, "url": site}])
            context.add_init_script(init_script)
            page = context.new_page()
            page.goto(url, wait_until="commit")
            times.append(wait_until_stable(page))
            count = page.evaluate(
                "window.civicgraphNodeCount !== undefined ? window.civicgraphNodeCount"
                " : (window.network ? window.network.body.data.nodes.length : 0)"
            )
            nodes = int(count)
        finally:
            context.close()
    return times, blocked, nodes


def _choose(graph: Graph) -> tuple[str, str]:
    """The first county, and its community with the most households."""
    rows = run(graph, "scorecard_communities", {"community_id": None, "street_id": None})
    counties = sorted({str(row["county_id"]) for row in rows if row["county_id"] is not None})
    if not counties:
        raise RuntimeError("the graph has no county with communities to view")
    _, rollups = overview_rollups(graph, counties[0], findings=False)
    largest = max(rollups, key=lambda rollup: (rollup.households or 0, rollup.id))
    return counties[0], largest.id


def bench_views(
    graph: Graph,
    work: Path,
    *,
    settings: Settings | None = None,
    overview_id: str | None = None,
    community_id: str | None = None,
    as_of: date | None = None,
    repeats: int = 3,
    say: Callable[[str], None] = print,
) -> list[Metric]:
    """Time the overview and a community view in headless Chromium, beside
    stock pyvis drawing the same nodes and edges.

    Args:
        graph: the connection, with a scenario loaded.
        work: a folder for the token file and the baseline's pages.
        settings: the settings the app is made with (the process's own).
        overview_id: the county (or city, street) of the overview; the first
            county by default.
        community_id: the community; the overview's with the most households
            by default.
        as_of: the audit's date (today when ``None``).
        repeats: timed loads of each page.
        say: where progress goes.

    Returns:
        ``view_overview_stable_s`` and ``view_community_stable_s``, each with
        its page's size in bytes and the baseline's in ``extra``.
    """
    chosen_overview, chosen_community = _choose(graph)
    overview_id = overview_id or chosen_overview
    community_id = community_id or chosen_community
    base_settings = settings or get_settings()
    dated = {"as_of": as_of.isoformat()} if as_of else {}
    views: list[tuple[str, str, dict[str, str], Callable[[], ViewGraph]]] = [
        (
            "view_overview_stable_s",
            "overview",
            {"overview": overview_id, **dated},
            lambda: overview_view(graph, overview_id, as_of=as_of),
        ),
        (
            "view_community_stable_s",
            "community",
            {"community": community_id, **dated},
            lambda: community_view(graph, community_id, as_of=as_of),
        ),
    ]
    script_bytes = len(vis_network_js().encode("utf-8"))
    metrics: list[Metric] = []
    with (
        bench_site(graph, base_settings, work / "views-home") as (base, token, cookie),
        serving_folder(work) as files,
        sync_playwright() as playwright,
    ):
        browser = launch(playwright)
        try:
            for name, kind, params, build in views:
                url = f"{base}/explore?{urlencode(params)}"
                say(f"  {kind}: {url}")
                # One untimed load: the server's query plans, the browser's start.
                _timed(browser, url, RECORD_STABLE, 1, (cookie, token, base))
                times, blocked, nodes = _timed(
                    browser, url, RECORD_STABLE, repeats, (cookie, token, base)
                )
                if blocked:
                    raise RuntimeError(f"the explorer asked for {blocked[0]}")
                started = time.perf_counter()
                view = build()
                build_seconds = time.perf_counter() - started
                page_bytes = _page_bytes(url, cookie, token)
                baseline_file = pyvis_page(view, work / "views-pyvis" / f"{kind}.html")
                baseline_url = f"{files}/{baseline_file.relative_to(work).as_posix()}"
                baseline_times, baseline_blocked, _ = _timed(
                    browser, baseline_url, RECORD_PYVIS_STABLE, 1
                )
                # A baseline that takes minutes is timed once: its spread is
                # small beside its size.
                if baseline_times[0] < SLOW_BASELINE_S and repeats > 1:
                    more, more_blocked, _ = _timed(
                        browser, baseline_url, RECORD_PYVIS_STABLE, repeats - 1
                    )
                    baseline_times += more
                    baseline_blocked += more_blocked
                value = statistics.median(times)
                baseline = statistics.median(baseline_times)
                say(
                    f"    {value:.2f} s ({nodes} nodes; pyvis {baseline:.2f} s, "
                    f"{len(set(baseline_blocked))} CDN URLs blocked)"
                )
                metrics.append(
                    Metric(
                        name,
                        value,
                        "s",
                        baseline=baseline,
                        goal="≤ 2 s",
                        note=(
                            f"{kind} {params.get(kind)}: {nodes} nodes drawn, navigation to "
                            f"stable in headless Chromium, median of {repeats} (server work "
                            f"included; view built in {build_seconds:.2f} s); baseline: stock "
                            "pyvis, physics on, same nodes and edges, its CDN requests blocked, "
                            f"median of {len(baseline_times)}"
                        ),
                        extra={
                            "page_bytes": float(page_bytes),
                            "script_bytes": float(script_bytes),
                            "baseline_page_bytes": float(baseline_file.stat().st_size),
                            "nodes": float(nodes),
                            "first_load_s": float(max(times)),
                            "baseline_blocked_requests": float(len(baseline_blocked)),
                        },
                    )
                )
        finally:
            browser.close()
    return metrics


def _page_bytes(url: str, cookie: str, token: str) -> int:
    """The HTML of an explorer page, in bytes (vis-network comes separately)."""
    answer = httpx.get(url, cookies={cookie: token}, timeout=120)
    answer.raise_for_status()
    return len(answer.content)
