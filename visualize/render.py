"""The renderer: a view as one self-contained HTML page, or as a fragment to
embed in a server-rendered page.

:func:`vis_data` turns a view into the node, edge and option objects that
vis-network draws (styles, gap overlay, tooltips); it is pure and is where
the tests look. :func:`render_html` puts them into the Jinja2 templates in
``visualize/templates`` together with the vendored vis-network
(``visualize/static/vis-network.min.js``, inlined), so the page loads nothing
from the network: it works from a file, offline, and behind any proxy. pyvis
is not used: every one of its modes fetches vis-network and bootstrap from
CDNs.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import asdict
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from visualize.graphml import to_graphml
from visualize.model import ViewGraph, ViewKind
from visualize.style import (
    EDGE_STYLES,
    GAP_SCORE_NOTE,
    LegendEntry,
    edge_legend,
    gap_overlay,
    gap_scale_legend,
    legend,
    node_style,
    size_scale,
    term_text,
)
from visualize.transforms import tooltip

__all__ = [
    "FONT_FACE",
    "VIS_NETWORK_VERSION",
    "library_style_hashes",
    "render_fragment",
    "render_html",
    "script_json",
    "to_graphml",
    "vis_data",
    "vis_network_js",
    "write_html",
]

VIS_NETWORK_VERSION = "9.1.13"
"""The vendored vis-network (see ``visualize/static/VIS-NETWORK-LICENSE.txt``)."""

FONT_FACE = (
    '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif'
)
"""Fonts the page asks for: installed ones only, never a web font."""

_PHYSICS_OPTIONS: dict[str, Any] = {
    "enabled": True,
    "solver": "barnesHut",
    "barnesHut": {
        "gravitationalConstant": -4000,
        "springLength": 90,
        "springConstant": 0.04,
        "damping": 0.35,
        "avoidOverlap": 0.1,
    },
    "minVelocity": 1.5,
}

_PHYSICS_BUDGET = 60_000
"""Node-iterations of stabilization: a Barnes-Hut iteration costs about a
millisecond per 1,000 nodes, so this keeps a view settling within a second or
two whatever its size (fewer iterations, rougher layout, for larger views)."""


def _physics(node_count: int) -> dict[str, Any]:
    """Physics for a view without precomputed positions (a view that skipped
    :func:`visualize.transforms.prepare`): a bounded stabilization, after
    which the page turns physics off."""
    iterations = min(300, max(30, _PHYSICS_BUDGET // max(node_count, 1)))
    return {
        **_PHYSICS_OPTIONS,
        "stabilization": {
            "enabled": True,
            "iterations": iterations,
            "updateInterval": 25,
            "fit": True,
        },
    }


_MANY_NODES = 600
"""Above this many nodes, edges are hidden while dragging and zooming, which
keeps panning smooth."""


def vis_data(view: ViewGraph) -> dict[str, Any]:
    """The vis-network data of a view: nodes, edges, options and a summary.

    Each node gets its style (:func:`visualize.style.node_style`, sized by
    its size hint relative to the largest of its label) with the gap overlay,
    its position when the view has one, a structured tooltip (``tip``) that
    the page turns into text nodes, its ``url`` and its finding count. Physics
    is off when every node has a position.

    Args:
        view: the view, capped and laid out.

    Returns:
        A JSON-ready mapping with ``nodes``, ``edges``, ``options`` and
        ``meta`` (titles, kind, counts).
    """
    largest: dict[str, int] = {}
    for node in view.nodes:
        if node.size_hint is not None:
            largest[node.label] = max(largest.get(node.label, 0), node.size_hint)
    # An empty view counts as laid out: with physics on it would never
    # report that it stabilized.
    positioned = all(node.x is not None and node.y is not None for node in view.nodes)
    nodes = []
    for node in view.nodes:
        style = gap_overlay(
            node_style(node, size_scale(node.size_hint, largest.get(node.label))), node
        )
        item: dict[str, Any] = {
            "id": node.id,
            "label": node.name,
            "shape": style.shape,
            "size": style.size,
            "color": {
                "background": style.color,
                "border": style.border,
                "highlight": {"background": style.color, "border": "#000000"},
                "hover": {"background": style.color, "border": "#37474f"},
            },
            "borderWidth": style.border_width,
            "borderWidthSelected": style.border_width + 1.5,
            "tip": asdict(tooltip(node)),
            "type": node.label.value,
            "findings": node.finding_count,
        }
        if style.dashed:
            item["shapeProperties"] = {"borderDashes": [4, 3]}
        if node.aggregate:
            item["aggregate"] = True
        if node.url:
            item["url"] = node.url
        if node.layout_level is not None:
            item["level"] = node.layout_level
        if positioned:
            item["x"] = node.x
            item["y"] = node.y
        nodes.append(item)
    edges = []
    for number, edge in enumerate(view.edges):
        edge_style = EDGE_STYLES[edge.type]
        caption = f"{edge_style.zh} {edge_style.en}"
        if edge.post:
            caption += f" · {term_text(edge.post)}"
        if edge.count > 1:
            caption += f" ×{edge.count}"
        edges.append(
            {
                "id": f"e{number}",
                "from": edge.source,
                "to": edge.target,
                "color": {"color": edge_style.color, "highlight": "#263238", "hover": "#546e7a"},
                "width": edge_style.width,
                "dashes": edge_style.dashed,
                "title": caption,
                "type": edge.type.value,
            }
        )
    many = len(nodes) > _MANY_NODES
    options: dict[str, Any] = {
        "autoResize": True,
        "nodes": {
            "font": {
                "size": 12,
                "face": FONT_FACE,
                "color": "#263238",
                "strokeWidth": 3,
                "strokeColor": "#ffffff",
            },
            "shadow": False,
        },
        "edges": {"smooth": False, "selectionWidth": 1.5, "hoverWidth": 0.5},
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": many,
            "hideEdgesOnZoom": many,
            "keyboard": False,
        },
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "physics": {"enabled": False} if positioned else _physics(len(nodes)),
    }
    meta = {
        "title_zh": view.title_zh,
        "title_en": view.title_en,
        "kind": view.kind.value,
        "node_count": len(view.nodes),
        "edge_count": len(view.edges),
        "represented_count": view.represented_count,
        "finding_count": view.finding_count,
        "nodes_with_findings": sum(1 for node in view.nodes if node.findings),
        "positioned": positioned,
    }
    return {"nodes": nodes, "edges": edges, "options": options, "meta": meta}


_SCRIPT_UNSAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def script_json(value: Any) -> Markup:
    """JSON that is safe inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` only occur inside JSON strings, where their
    ``\\u`` escapes mean the same, so a name like ``</script>`` cannot end
    the element; the line and paragraph separators are escaped for old
    JavaScript parsers.

    Args:
        value: a JSON-ready value.

    Returns:
        The JSON text, marked safe for the template.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return Markup(re.sub("[<>&\u2028\u2029]", lambda match: _SCRIPT_UNSAFE[match.group()], text))


@cache
def vis_network_js() -> str:
    """The vendored vis-network script, ready to inline in a ``<script>`` element."""
    source = resources.files("visualize").joinpath("static/vis-network.min.js").read_text("utf-8")
    # The build holds no "</script", but an inlined script must never end early.
    return source.replace("</script", "<\\/script")


_STYLE_INJECTOR = re.compile(r"function ([\w$]+)\([\w$,]*\)\{")
_STRING_ARGUMENT = r"""\((?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\)"""
_JS_ESCAPE = re.compile(r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|(.))", re.S)
_JS_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


@cache
def library_style_hashes() -> tuple[str, ...]:
    """The CSP hash sources (``sha256-…``) of the style sheets vis-network adds
    to a page's head as it loads.

    The library carries its CSS as string literals passed to one function
    that makes a ``<style>`` element of each. A page whose policy admits
    styles by nonce only must admit these by their hashes; the browser test
    of the pages fails on any style the policy blocks, so a new build of the
    library that adds its styles otherwise is noticed. The library puts each
    ``<style>`` element in the head empty before it adds the text, so the
    empty sheet's hash comes first.
    """
    source = vis_network_js()
    made = source.find('createElement("style")')
    definitions = list(_STYLE_INJECTOR.finditer(source, 0, max(made, 0)))
    if made < 0 or not definitions:
        return ()
    injector = definitions[-1].group(1)
    calls = re.finditer(r"(?<![\w$.])" + re.escape(injector) + _STRING_ARGUMENT, source)
    hashes = [_style_hash("")]
    for call in calls:
        css = _js_string(call.group(1) if call.group(1) is not None else call.group(2))
        hashes.append(_style_hash(css))
    return tuple(dict.fromkeys(hashes))


def _style_hash(css: str) -> str:
    digest = hashlib.sha256(css.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def _js_string(body: str) -> str:
    """The value of a JavaScript string literal, given what is between its quotes."""

    def unescape(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2)
        if code is not None:
            return chr(int(code, 16))
        escaped = match.group(3)
        return _JS_SIMPLE_ESCAPES.get(escaped, "" if escaped == "\n" else escaped)

    return _JS_ESCAPE.sub(unescape, body)


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("visualize", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _context(
    view: ViewGraph,
    *,
    dom_id: str,
    page: bool,
    include_library: bool,
    show_title: bool,
    nonce: str | None = None,
    node_base: str | None = None,
) -> dict[str, Any]:
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", dom_id):
        raise ValueError(f"dom_id must be a plain HTML id, not {dom_id!r}")
    data = vis_data(view)
    entries: list[LegendEntry] = list(legend(view))
    if view.kind is ViewKind.OVERVIEW:
        entries = [*gap_scale_legend(), *entries]
    return {
        "view": view,
        "meta": data["meta"],
        "data_json": script_json(data),
        "legend": entries,
        "legend_note": GAP_SCORE_NOTE if view.kind is ViewKind.OVERVIEW else None,
        "edge_legend": edge_legend(view),
        "dom_id": dom_id,
        "dom_id_json": script_json(dom_id),
        "vis_js": Markup(vis_network_js()) if page else None,
        "fragment_library": Markup(vis_network_js()) if include_library and not page else None,
        "show_title": show_title,
        "font_face": FONT_FACE,
        "nonce": nonce,
        "node_base_json": script_json(node_base),
    }


def render_html(view: ViewGraph) -> str:
    """The whole page of a view: one self-contained HTML document.

    Args:
        view: the view, capped and laid out (:func:`visualize.transforms.prepare`).

    Returns:
        The HTML text, with vis-network inlined and no external reference.
    """
    template = _environment().get_template("view.html")
    return template.render(
        **_context(view, dom_id="civicgraph", page=True, include_library=False, show_title=True)
    )


def render_fragment(
    view: ViewGraph,
    *,
    dom_id: str = "civicgraph",
    include_library: bool = False,
    show_title: bool = True,
    nonce: str | None = None,
    node_base: str | None = None,
) -> str:
    """The network part of the page, to embed in a server-rendered page.

    The fragment holds its styles, the legend, the search box, the canvas,
    the data and the script that draws it. The host page must load
    vis-network before it (e.g. inline :func:`vis_network_js` once, or serve
    it), unless ``include_library`` is set.

    Args:
        view: the view, capped and laid out.
        dom_id: the id of the fragment's root element; several fragments on
            one page need different ids.
        include_library: inline vis-network in the fragment as well.
        show_title: include the title bar.
        nonce: the Content-Security-Policy nonce of the page it goes into,
            put on the fragment's ``<style>`` and ``<script>`` elements.
        node_base: where the host serves node pages (``/nodes/``): the side
            panel then links the selected node's page and shows its latest
            changes, read from ``{node_base}{id}/history``.

    Returns:
        The HTML fragment.

    Raises:
        ValueError: ``dom_id`` is not a plain HTML id.
    """
    template = _environment().get_template("network.html")
    return template.render(
        **_context(
            view,
            dom_id=dom_id,
            page=False,
            include_library=include_library,
            show_title=show_title,
            nonce=nonce,
            node_base=node_base,
        )
    )


def write_html(view: ViewGraph, path: str | Path) -> Path:
    """Write the page of a view to a file (UTF-8), creating its folder.

    Args:
        view: the view, capped and laid out.
        path: where to write it.

    Returns:
        The path written.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_html(view), encoding="utf-8")
    return target
