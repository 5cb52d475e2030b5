"""GraphML export: well-formed, typed keys, readable by networkx (and so by
Gephi)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import networkx as nx

from graph.schema import Label
from tests.visualize.conftest import MakeView
from visualize.graphml import GRAPHML_NAMESPACE, to_graphml
from visualize.model import ViewGraph
from visualize.transforms import cap

NS = {"g": GRAPHML_NAMESPACE}


def test_graphml_parses_with_elementtree(prepared: ViewGraph) -> None:
    root = ET.fromstring(to_graphml(prepared).encode("utf-8"))
    assert root.tag == f"{{{GRAPHML_NAMESPACE}}}graphml"
    graph = root.find("g:graph", NS)
    assert graph is not None and graph.get("edgedefault") == "directed"
    assert len(graph.findall("g:node", NS)) == len(prepared.nodes)
    assert len(graph.findall("g:edge", NS)) == len(prepared.edges)
    keys = {
        (key.get("for"), key.get("attr.name")): key.get("attr.type")
        for key in root.findall("g:key", NS)
    }
    assert keys[("node", "label")] == "string"
    assert keys[("node", "type")] == "string"
    assert keys[("node", "households")] == "long"
    assert keys[("node", "x")] == "double"
    assert keys[("node", "aggregate")] == "boolean"
    assert keys[("node", "party_member")] == "boolean"
    assert keys[("edge", "type")] == "string"
    assert keys[("edge", "post")] == "string"


def test_graphml_reads_back_with_networkx(prepared: ViewGraph) -> None:
    graph = nx.read_graphml(io.BytesIO(to_graphml(prepared).encode("utf-8")))
    assert graph.number_of_nodes() == len(prepared.nodes)
    assert graph.number_of_edges() == len(prepared.edges)
    area = graph.nodes["A-6"]
    assert area["label"] == "阳光新城"
    assert area["type"] == Label.RESIDENTIAL_AREA.value
    assert area["labels"] == "Place;ResidentialArea"
    assert area["findings"] == "G01;G17"
    assert area["worst_severity"] == "high"
    assert isinstance(area["households"], int)
    assert isinstance(area["x"], float)
    branch = graph.nodes["PO-A1"]
    assert branch["level"] == "area_branch"
    holds = [data for _, _, data in graph.edges(data=True) if data["type"] == "HOLDS"]
    assert any(data.get("post") == "building_head" for data in holds)


def test_graphml_carries_aggregates(community: ViewGraph) -> None:
    capped = cap(community, 100)
    graph = nx.read_graphml(io.BytesIO(to_graphml(capped).encode("utf-8")))
    counts = [data["count"] for _, data in graph.nodes(data=True)]
    assert sum(counts) == community.represented_count
    assert any(data["aggregate"] for _, data in graph.nodes(data=True))


def test_graphml_survives_awkward_text(make_view: MakeView) -> None:
    view = make_view(
        [
            {
                "id": "B-1",
                "labels": ["Building"],
                "name": "</graph> & \x01 1号楼",
                "count": "x",
                "note": "a\tb",
            },
            {"id": "A-1", "labels": ["ResidentialArea"], "name": "<小区>"},
        ],
        [{"source": "B-1", "target": "A-1", "type": "PART_OF", "since": "2024-01-01"}],
    )
    graph = nx.read_graphml(io.BytesIO(to_graphml(view).encode("utf-8")))
    assert graph.nodes["B-1"]["label"] == "</graph> &  1号楼"
    assert graph.nodes["B-1"]["property_count"] == "x"
    assert graph.nodes["A-1"]["name"] == "<小区>"
    assert graph.edges["B-1", "A-1"]["since"] == "2024-01-01"
