"""The renderer: one self-contained page per view, with vis-network inlined,
nothing fetched from the network, and data that cannot break out of its
script element."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from graph.schema import Label, RelType, Severity
from tests.visualize.conftest import MakeView
from tests.visualize.sample import sample_rollups
from visualize.model import ViewGraph, ViewKind
from visualize.render import (
    VIS_NETWORK_VERSION,
    render_fragment,
    render_html,
    script_json,
    vis_data,
    vis_network_js,
    write_html,
)
from visualize.style import FINDING_BORDER, FINDING_BORDER_WIDTH
from visualize.transforms import overview, prepare

HOSTILE_NAME = "</script><b>x"

_EXTERNAL = re.compile(
    r"""(?:\b(?:src|href|action|poster|srcset)\s*=\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:url\(\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:@import)|(?:@font-face)""",
    re.IGNORECASE,
)


def _data(html: str, dom_id: str = "civicgraph") -> dict[str, Any]:
    match = re.search(
        rf'<script type="application/json" id="{dom_id}-data">(.*?)</script>', html, re.DOTALL
    )
    assert match, "the page embeds its data"
    data: dict[str, Any] = json.loads(match.group(1))
    return data


@pytest.fixture(scope="module")
def page(prepared: ViewGraph) -> str:
    return render_html(prepared)


@pytest.fixture()
def hostile(make_view: MakeView) -> ViewGraph:
    view = make_view(
        [
            {"id": "B-1", "labels": ["Place", "Building"], "name": HOSTILE_NAME},
            {"id": "A-1", "labels": ["Place", "ResidentialArea"], "name": "锦绣花园 & <i>"},
        ],
        [{"source": "B-1", "target": "A-1", "type": "PART_OF"}],
    )
    return prepare(replace(view, title_zh="<b>标题</b>", title_en="Title & <script>"))


def test_the_vendored_library_is_the_pinned_vis_network() -> None:
    static = resources.files("visualize").joinpath("static")
    script = static.joinpath("vis-network.min.js").read_text("utf-8")
    assert f"@version {VIS_NETWORK_VERSION}" in script[:1000]
    licence = static.joinpath("VIS-NETWORK-LICENSE.txt").read_text("utf-8")
    assert VIS_NETWORK_VERSION in licence
    assert "MIT License" in licence and "Apache License" in licence


def test_the_page_inlines_vis_network(page: str) -> None:
    assert vis_network_js() in page
    assert f"@version {VIS_NETWORK_VERSION}" in page


def test_the_page_references_nothing_outside_itself(page: str) -> None:
    assert _EXTERNAL.findall(page) == []
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.IGNORECASE)
    assert not re.search(r"<link\b", page, re.IGNORECASE)
    assert not re.search(r"<(?:img|iframe|object|embed)\b", page, re.IGNORECASE)


def test_the_page_is_written_by_us_not_pyvis(page: str) -> None:
    assert "cdnjs" not in page and "jsdelivr" not in page and "bootstrap" not in page.lower()


def test_the_embedded_data_is_valid_json_for_every_node(page: str, prepared: ViewGraph) -> None:
    data = _data(page)
    assert [node["id"] for node in data["nodes"]] == [node.id for node in prepared.nodes]
    assert [node["label"] for node in data["nodes"]] == [node.name for node in prepared.nodes]
    assert len(data["edges"]) == len(prepared.edges)
    assert data["meta"]["finding_count"] == prepared.finding_count
    assert data["meta"]["node_count"] == len(prepared.nodes)


def test_names_cannot_break_out_of_the_script(hostile: ViewGraph) -> None:
    html = render_html(hostile)
    assert html.count("</script") == 3, "the library, the data and the script"
    ours = html.replace(vis_network_js(), "")
    assert HOSTILE_NAME not in ours
    assert "<b>x" not in ours and "<i>" not in ours
    assert ours.count("</script>") == len(re.findall(r"<script\b", ours)) == 3
    names = {node["label"] for node in _data(html)["nodes"]}
    assert names == {HOSTILE_NAME, "锦绣花园 & <i>"}


def test_titles_are_escaped(hostile: ViewGraph) -> None:
    html = render_html(hostile)
    assert "&lt;b&gt;标题&lt;/b&gt;" in html
    assert "Title &amp; &lt;script&gt;" in html
    assert "<b>标题" not in html


def test_script_json_escapes_what_html_would_read() -> None:
    text = str(script_json({"name": "</script><!-- & \u2028"}))
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"name": "</script><!-- & \u2028"}


def test_the_page_exposes_what_a_browser_test_waits_for(page: str) -> None:
    for hook in (
        "window.civicgraphNetwork = network",
        "window.civicgraphStable = true",
        "window.civicgraphNodeCount = data.nodes.length",
        '"civicgraph:stabilized"',
    ):
        assert hook in page, hook
    assert 'params.set("node", nodeId)' in page
    assert "hashchange" in page


def test_the_page_has_titles_legend_search_and_counts(page: str, prepared: ViewGraph) -> None:
    assert "<title>春晖社区 组织架构 · Chunhui Community: organization network</title>" in page
    assert 'lang="zh-CN"' in page
    assert "图例 · Legend" in page
    assert "社区党委" in page and "community party committee" in page
    assert "楼栋党小组" in page and "building party group" in page
    assert 'placeholder="查找名称 · find by name"' in page
    assert f"问题 {prepared.finding_count} 项" in page
    assert f"{prepared.finding_count} findings" in page


def test_vis_data_draws_findings_with_red_borders(prepared: ViewGraph) -> None:
    data = vis_data(prepared)
    by_id = {node["id"]: node for node in data["nodes"]}
    area = by_id["A-6"]
    assert area["color"]["border"] == FINDING_BORDER
    assert area["borderWidth"] == FINDING_BORDER_WIDTH[Severity.HIGH]
    assert area["findings"] == 2
    assert "G01 小区未建党支部" in area["tip"]["findings"][0]
    assert by_id["A-1"]["color"]["border"] != FINDING_BORDER


def test_vis_data_turns_physics_off_for_laid_out_views(
    prepared: ViewGraph, community: ViewGraph
) -> None:
    laid_out = vis_data(prepared)
    assert laid_out["options"]["physics"] == {"enabled": False}
    assert all("x" in node and "y" in node for node in laid_out["nodes"])
    free = vis_data(community)
    physics = free["options"]["physics"]
    assert physics["enabled"] is True
    assert 30 <= physics["stabilization"]["iterations"] <= 300
    assert all("x" not in node for node in free["nodes"])


def test_edges_carry_their_type_and_post(prepared: ViewGraph) -> None:
    data = vis_data(prepared)
    holds = [edge for edge in data["edges"] if edge["type"] == RelType.HOLDS.value]
    assert any(edge["title"] == "任职 holds post · 楼长 building head" for edge in holds)


def test_overview_nodes_link_to_their_community_view() -> None:
    view = overview(sample_rollups(), title_zh="汶上县 社区总览", title_en="Wenshang County")
    html = render_html(view)
    data = _data(html)
    communities = [node for node in data["nodes"] if node["type"] == Label.COMMUNITY.value]
    assert communities and all(node["url"].startswith("community-C-") for node in communities)
    assert "缺口指数" in html and "gap score" in html
    assert data["meta"]["kind"] == ViewKind.OVERVIEW.value
    assert _EXTERNAL.findall(html) == []


def test_fragment_is_embeddable(prepared: ViewGraph) -> None:
    fragment = render_fragment(prepared, dom_id="view-2")
    assert not re.search(r"<(?:html|head|body)\b", fragment)
    assert vis_network_js() not in fragment
    assert 'id="view-2"' in fragment
    assert len(_data(fragment, "view-2")["nodes"]) == len(prepared.nodes)
    with_library = render_fragment(prepared, include_library=True, show_title=False)
    assert vis_network_js() in with_library
    assert "<h1>" not in with_library
    with pytest.raises(ValueError, match="plain HTML id"):
        render_fragment(prepared, dom_id='x" onload="alert(1)')


def test_the_page_and_the_fragment_share_the_network_part(prepared: ViewGraph) -> None:
    page = render_html(prepared)
    fragment = render_fragment(prepared)
    assert fragment.strip() in page


def test_write_html(tmp_path: Path, prepared: ViewGraph) -> None:
    target = write_html(prepared, tmp_path / "views" / "community.html")
    assert target.read_text("utf-8") == render_html(prepared)


def test_an_empty_view_renders_and_reports_stable() -> None:
    empty = ViewGraph((), (), title_zh="空", title_en="Empty")
    data = _data(render_html(empty))
    assert data["nodes"] == [] and data["options"]["physics"] == {"enabled": False}
