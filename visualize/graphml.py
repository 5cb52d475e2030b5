"""GraphML export of a view, for Gephi, yEd or networkx.

Every node carries its display name as ``label`` (the attribute Gephi shows),
its primary label as ``type``, and its name, kind, level, community, size
hint, aggregate count, findings and position as typed data keys; its other
properties follow under their own names. Each key has one GraphML type, chosen
from the values it takes in the view (boolean, long, double, else string), so
that networkx and Gephi read the numbers as numbers.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping

from graph.schema import FAMILY
from visualize.model import PropertyValue, ViewGraph, ViewNode
from visualize.style import node_style

GRAPHML_NAMESPACE = "http://graphml.graphdrawing.org/xmlns"

_Value = PropertyValue | None


def to_graphml(view: ViewGraph) -> str:
    """The view as a GraphML document.

    Args:
        view: the view.

    Returns:
        The GraphML text (UTF-8 declared), a directed graph with one ``node``
        per view node and one ``edge`` per view edge.
    """
    node_rows = [_node_row(node) for node in view.nodes]
    edge_rows = [
        {"type": edge.type.value, "count": edge.count, **_prefixed(edge.properties, _EDGE_FIXED)}
        for edge in view.edges
    ]
    root = ET.Element("graphml", {"xmlns": GRAPHML_NAMESPACE})
    node_keys = _declare(root, "node", node_rows, "n")
    edge_keys = _declare(root, "edge", edge_rows, "e")
    graph = ET.SubElement(root, "graph", {"id": "G", "edgedefault": "directed"})
    for key, value in (("title_zh", view.title_zh), ("title_en", view.title_en)):
        if value:
            ET.SubElement(graph, "desc").text = _xml_text(f"{key}: {value}")
    for node, row in zip(view.nodes, node_rows, strict=True):
        element = ET.SubElement(graph, "node", {"id": _xml_text(node.id)})
        _write_data(element, row, node_keys)
    for number, (edge, row) in enumerate(zip(view.edges, edge_rows, strict=True)):
        element = ET.SubElement(
            graph,
            "edge",
            {
                "id": f"e{number}",
                "source": _xml_text(edge.source),
                "target": _xml_text(edge.target),
            },
        )
        _write_data(element, row, edge_keys)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


_NODE_FIXED = (
    "label",
    "type",
    "labels",
    "name",
    "name_en",
    "kind",
    "level",
    "community_id",
    "size_hint",
    "count",
    "aggregate",
    "finding_count",
    "findings",
    "worst_severity",
    "color",
    "url",
    "layout_level",
    "x",
    "y",
)
_EDGE_FIXED = ("type", "count")


def _node_row(node: ViewNode) -> dict[str, _Value]:
    family = FAMILY.get(node.label)
    row: dict[str, _Value] = {
        "label": node.name,
        "type": node.label.value,
        "labels": ";".join(label.value for label in (family, node.label) if label is not None),
        "name": node.name,
        "name_en": node.name_en or None,
        "kind": node.kind,
        "level": node.level.value if node.level is not None else None,
        "community_id": node.community_id,
        "size_hint": node.size_hint,
        "count": node.count,
        "aggregate": node.aggregate,
        "finding_count": node.finding_count,
        "findings": ";".join(finding.rule_id for finding in node.findings) or None,
        "worst_severity": node.worst_severity.value if node.worst_severity else None,
        "color": node_style(node).color,
        "url": node.url,
        "layout_level": node.layout_level,
        "x": node.x,
        "y": node.y,
    }
    row.update(_prefixed(node.properties, _NODE_FIXED))
    return row


def _prefixed(
    properties: Mapping[str, PropertyValue], reserved: Iterable[str]
) -> dict[str, _Value]:
    taken = set(reserved)
    return {
        (f"property_{key}" if key in taken else key): value for key, value in properties.items()
    }


def _graphml_type(values: Iterable[_Value]) -> str:
    present = [value for value in values if value is not None]
    if present and all(isinstance(value, bool) for value in present):
        return "boolean"
    if present and all(isinstance(value, int) and not isinstance(value, bool) for value in present):
        return "long"
    if present and all(
        isinstance(value, int | float) and not isinstance(value, bool) for value in present
    ):
        return "double"
    return "string"


def _declare(
    root: ET.Element, scope: str, rows: list[dict[str, _Value]], prefix: str
) -> dict[str, tuple[str, str]]:
    names: list[str] = []
    for row in rows:
        names.extend(name for name in row if name not in names)
    keys: dict[str, tuple[str, str]] = {}
    for number, name in enumerate(names):
        kind = _graphml_type(row.get(name) for row in rows)
        key_id = f"{prefix}{number}"
        keys[name] = (key_id, kind)
        ET.SubElement(
            root,
            "key",
            {"id": key_id, "for": scope, "attr.name": _xml_text(name), "attr.type": kind},
        )
    return keys


def _write_data(
    element: ET.Element, row: Mapping[str, _Value], keys: Mapping[str, tuple[str, str]]
) -> None:
    for name, value in row.items():
        if value is None:
            continue
        key_id, kind = keys[name]
        data = ET.SubElement(element, "data", {"key": key_id})
        data.text = _format(value, kind)


def _format(value: PropertyValue, kind: str) -> str:
    if isinstance(value, tuple):
        return _xml_text(";".join(str(item) for item in value))
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "double":
        return repr(float(value))
    return _xml_text(str(value))


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """Text without the control characters XML 1.0 cannot carry."""
    return _XML_INVALID.sub("", text)
