"""The query catalog: every file parses, names itself, and compiles; shared
fragments are included where a query asks for them."""

from __future__ import annotations

import pytest

from graph.connection import Graph
from queries.catalog import (
    QueryCatalogError,
    expand_includes,
    load_query,
    parameters_of,
    parse_header,
    query_names,
    run,
    without_comments,
)

HEADER = """// name: sample
// audit: G01 · severity: high
// zh: 小区未建党支部 · en: Residential area without a party branch
// params: $community_id (optional)
// row: node_id, name — one residential area
//      that no area_branch LEADS
MATCH (n) WHERE n.id = $community_id // not $hidden
RETURN n.name AS name, '$not_a_parameter' AS text
"""


def test_header_fields_are_parsed_with_continuations() -> None:
    assert parse_header(HEADER) == {
        "name": "sample",
        "audit": "G01",
        "severity": "high",
        "zh": "小区未建党支部",
        "en": "Residential area without a party branch",
        "params": "$community_id (optional)",
        "row": "node_id, name — one residential area that no area_branch LEADS",
    }


def test_parameters_skip_strings_and_comments() -> None:
    assert parameters_of(HEADER) == {"community_id"}


def test_the_statement_leaves_out_comments_but_not_strings() -> None:
    text = HEADER + "\n  RETURN '// kept' AS url // dropped\n"
    assert without_comments(text) == (
        "MATCH (n) WHERE n.id = $community_id\n"
        "RETURN n.name AS name, '$not_a_parameter' AS text\n"
        "  RETURN '// kept' AS url"
    )


def test_the_catalog_is_not_empty() -> None:
    assert len(query_names()) >= 19


@pytest.mark.parametrize("name", query_names())
def test_every_query_names_itself_and_documents_its_rows(name: str) -> None:
    query = load_query(name)
    assert query.header["name"] == name
    assert query.header.get("row"), f"{name} has no `row:` line in its header"
    documented = query.header.get("params", "")
    for parameter in query.parameters:
        assert f"${parameter}" in documented, f"{name} uses ${parameter} without documenting it"


@pytest.mark.parametrize("name", query_names())
def test_every_query_compiles(graph: Graph, name: str) -> None:
    query = load_query(name)
    with graph.session() as session:
        session.run("EXPLAIN " + query.statement, dict.fromkeys(query.parameters)).consume()


def test_a_missing_parameter_is_refused_before_the_database(graph: Graph) -> None:
    name = next(name for name in query_names() if load_query(name).parameters)
    with pytest.raises(QueryCatalogError, match="needs parameters"):
        run(graph, name, {})


def test_an_unknown_query_is_a_clear_error() -> None:
    with pytest.raises(QueryCatalogError, match="no query named"):
        load_query("no_such_query")


def test_an_include_line_becomes_the_fragment_at_its_indentation() -> None:
    text = "CALL () {\n    // include: node_by_id(id=$wanted)\n}\nRETURN node"
    expanded = expand_includes(text, "sample")
    assert "    MATCH (node:Category {id: $wanted}) RETURN node\n    UNION\n" in expanded
    assert expanded.startswith("CALL () {\n    MATCH (node:Place {id: $wanted}) RETURN node\n")
    assert expanded.endswith("    MATCH (node:Need {id: $wanted}) RETURN node\n}\nRETURN node")
    assert parameters_of(expanded) == {"wanted"}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("// include: no_such_fragment(x=y)", "no fragment named 'no_such_fragment'"),
        ("// include: in_scope()", "include of in_scope must give node \\(it gives nothing\\)"),
        ("// include: in_scope(node=n, extra=m)", "must give node \\(it gives extra, node\\)"),
        ("// include: in_scope(node=n.id)", "'node=n.id' is not `argument=value`"),
    ],
)
def test_a_bad_include_is_a_clear_error(line: str, message: str) -> None:
    with pytest.raises(QueryCatalogError, match=f"^sample: .*{message}|^{message}"):
        expand_includes(f"MATCH (n)\nWHERE\n  {line}\nRETURN n", "sample")


@pytest.mark.parametrize("name", query_names())
def test_every_include_is_expanded(name: str) -> None:
    text = load_query(name).text
    assert "// include:" not in text
    assert "{{" not in text
