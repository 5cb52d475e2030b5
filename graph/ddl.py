"""The schema's DDL: uniqueness constraints on ``id``, the indexes the queries
need, and the full-text search index — all ``IF NOT EXISTS``, so that
:func:`ensure_schema` is safe to call any number of times.

Names come from :mod:`graph.schema` only, quoted by its own helper.
"""

from __future__ import annotations

from graph.connection import Graph, translated_errors
from graph.schema import (
    INDEXES,
    SEARCH_INDEX,
    SEARCHABLE_LABELS,
    SYSTEM_KEYS,
    IndexSpec,
    Label,
    RelType,
    quote_identifier,
)


def constraint_name(label: Label) -> str:
    """The name of the uniqueness constraint on ``label``'s ``id``."""
    return f"{label.value.lower()}_id_unique"


def index_name(spec: IndexSpec) -> str:
    """The name of a property index."""
    return f"{spec.target.value.lower()}_{spec.property}"


def schema_statements() -> dict[str, str]:
    """Every DDL statement :func:`ensure_schema` runs, in order, by the name of
    the constraint or index it creates."""
    statements = {
        constraint_name(label): (
            f"CREATE CONSTRAINT {constraint_name(label)} IF NOT EXISTS "
            f"FOR (n:{quote_identifier(label)}) REQUIRE n.id IS UNIQUE"
        )
        for label in Label
    }
    for system, key in SYSTEM_KEYS.items():
        name = f"{system.value.lower()}_{key}_unique"
        statements[name] = (
            f"CREATE CONSTRAINT {name} IF NOT EXISTS "
            f"FOR (n:{quote_identifier(system)}) REQUIRE n.{key} IS UNIQUE"
        )
    for spec in INDEXES:
        target = quote_identifier(spec.target)
        pattern = f"()-[n:{target}]-()" if isinstance(spec.target, RelType) else f"(n:{target})"
        statements[index_name(spec)] = (
            f"CREATE INDEX {index_name(spec)} IF NOT EXISTS FOR {pattern} ON (n.{spec.property})"
        )
    labels = "|".join(quote_identifier(label) for label in SEARCHABLE_LABELS)
    statements[SEARCH_INDEX] = (
        f"CREATE FULLTEXT INDEX {SEARCH_INDEX} IF NOT EXISTS FOR (n:{labels}) ON EACH [n.name] "
        "OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}"
    )
    return statements


def ensure_schema(graph: Graph) -> None:
    """Create the constraints and indexes that do not exist yet, then wait for
    the indexes to come online."""
    with graph.session() as session, translated_errors(graph.uri):
        present = {record["name"] for record in session.run("SHOW CONSTRAINTS YIELD name")}
        present |= {record["name"] for record in session.run("SHOW INDEXES YIELD name")}
        for name, statement in schema_statements().items():
            if name not in present:
                session.run(statement).consume()
        session.run("CALL db.awaitIndexes(300)").consume()
