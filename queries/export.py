"""The graph as the rows of a workbook (导出): one catalog query per workbook
file (``queries/cypher/export_<sheet>.cypher``), whose columns are the
file's canonical columns, rows sorted by id. :mod:`loaders.export` writes
them as CSV files or an ``.xlsx``."""

from __future__ import annotations

from graph.connection import Graph, Record
from queries.catalog import query_names, run

EXPORT_PREFIX = "export_"
"""What the name of every export query starts with; the sheet's name follows."""


def export_rows(graph: Graph) -> dict[str, list[Record]]:
    """Every workbook file's rows as the graph holds them, by sheet name
    (``places``, ``people`` …)."""
    return {
        name.removeprefix(EXPORT_PREFIX): run(graph, name)
        for name in query_names()
        if name.startswith(EXPORT_PREFIX)
    }
