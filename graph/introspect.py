"""Looking at the graph as a whole: what constraints and indexes exist, which
nodes and relationships a label or type holds, and wiping the database.

The tests assert with these (sets of tuples, as cartography's tests do), the
``stats`` command counts with them, and ``load --replace`` wipes with them.
Labels and types come from :mod:`graph.schema` only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graph.connection import Graph
from graph.schema import Label, RelType, SystemLabel, quote_identifier


def delete_everything(graph: Graph, batch_size: int = 10_000) -> None:
    """Delete every node and relationship, in batches (schema is kept)."""
    with graph.session() as session:
        session.run(
            "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF $batch_size ROWS",
            {"batch_size": batch_size},
        ).consume()


def constraint_names(graph: Graph) -> set[str]:
    """The names of the database's constraints."""
    return {row["name"] for row in graph.query("SHOW CONSTRAINTS YIELD name RETURN name")}


def index_names(graph: Graph) -> set[str]:
    """The names of the database's indexes (constraint-backed ones included)."""
    return {row["name"] for row in graph.query("SHOW INDEXES YIELD name RETURN name")}


def check_nodes(graph: Graph, label: Label, properties: Sequence[str]) -> set[tuple[Any, ...]]:
    """Every node of ``label`` as a tuple of the given properties."""
    rows = graph.query(
        f"MATCH (n:{quote_identifier(label)}) RETURN [key IN $keys | n[key]] AS values",
        {"keys": list(properties)},
    )
    return {tuple(row["values"]) for row in rows}


def check_rels(
    graph: Graph,
    source: Label,
    rel_type: RelType,
    target: Label,
    properties: Sequence[str] = (),
) -> set[tuple[Any, ...]]:
    """Every ``(source)-[rel_type]->(target)`` as ``(source id, target id, *properties)``."""
    rows = graph.query(
        f"MATCH (a:{quote_identifier(source)})-[r:{quote_identifier(rel_type)}]->"
        f"(b:{quote_identifier(target)}) "
        "RETURN a.id AS source, b.id AS target, [key IN $keys | r[key]] AS values",
        {"keys": list(properties)},
    )
    return {(row["source"], row["target"], *row["values"]) for row in rows}


def count_nodes(graph: Graph, label: Label | None = None) -> int:
    """How many nodes carry ``label`` (all the data's nodes when ``None``:
    the system's own, such as change records, left out)."""
    if label is not None:
        text = f"MATCH (n:{quote_identifier(label)}) RETURN count(n) AS count"
    else:
        system = "|".join(quote_identifier(name) for name in SystemLabel)
        text = f"MATCH (n) WHERE NOT n:{system} RETURN count(n) AS count"
    return int(graph.query(text)[0]["count"])


def count_relationships(graph: Graph, rel_type: RelType | None = None) -> int:
    """How many relationships of ``rel_type`` exist (all when ``None``)."""
    pattern = f"()-[r:{quote_identifier(rel_type)}]->()" if rel_type else "()-[r]->()"
    return int(graph.query(f"MATCH {pattern} RETURN count(r) AS count")[0]["count"])
