"""The query catalog: every question civicgraph asks of the graph is a
``.cypher`` file in ``queries/cypher/``, opened by a comment header that names
it and its parameters and says what one row means.

The files are package data, read with :mod:`importlib.resources`. The header
becomes the query's documentation; the ``$parameters`` its text uses are
found by parsing it, and :func:`run` refuses to send a query whose parameters
are not all supplied. Values only ever travel as parameters.

A header reads::

    // name: area_without_branch
    // audit: G01 · severity: high
    // zh: 小区未建党支部 · en: Residential area without a party branch
    // params: $community_id (optional: one community only)
    // row: node_id, name, kind, community_id, detail — one residential area
    //      that no area_branch LEADS

A row's values are maps, lists and scalars: a query returns a node's id and
properties, never the node itself (rows reach Python as the driver decoded
them, see :func:`graph.connection.row_of`).

A rule several queries share is written once, as a fragment in
``queries/cypher/fragments/``, and a query includes it with a line of its own::

    WHERE
      // include: in_scope(node=other)

The line becomes the fragment's text (its header left out) at the line's
indentation, each ``{{argument}}`` replaced by the value the line gives.

Every query that judges the graph on a day — which posts are held, which
places and organizations exist — takes it as ``$as_of`` and says so with the
fragments ``held_on`` and ``alive_on``; :func:`run` sends today when it is
not given (:data:`AS_OF`).

A question that the API answers on its event loop as well as elsewhere is
written once, as a generator of :class:`Ask` (see :data:`Steps`): it yields
each catalog query it needs, is sent the rows, and returns its answer.
:func:`answer` runs it on a :class:`~graph.connection.Graph`,
:func:`answer_async` on an :class:`~graph.async_connection.AsyncGraph`. An ask of
a query that answers for a list of ids can say how (:class:`Merge`); on the
asynchronous connection, concurrent asks of it are then answered by one query
(:meth:`~graph.async_connection.AsyncGraph.query_merged`).
"""

from __future__ import annotations

import re
from collections.abc import Generator, Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, TypeVar

import neo4j

from graph.async_connection import AsyncGraph, Split
from graph.connection import Graph, Record, row_of
from graph.errors import CivicGraphError

_HEADER_LINE = re.compile(r"^//\s?(.*)$")
_FIELD = re.compile(r"^([a-z_]+):\s*(.*)$")
_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_STRING_OR_COMMENT = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|//[^\n]*")
_INCLUDE = re.compile(
    r"^(?P<indent>[ \t]*)//\s*include:\s*(?P<name>[a-z_]+)\((?P<arguments>[^)]*)\)[ \t]*$", re.M
)
_ARGUMENT = re.compile(r"^\s*([a-z_]+)\s*=\s*(\$?[A-Za-z_][A-Za-z0-9_]*)\s*$")
_PLACEHOLDER = re.compile(r"\{\{([a-z_]+)\}\}")

T = TypeVar("T")


class QueryCatalogError(CivicGraphError):
    """A query file is missing, malformed, or called without its parameters."""


@dataclass(frozen=True)
class Query:
    """One query of the catalog.

    Attributes:
        name: the file's stem and the header's ``name``.
        text: the Cypher text, header included (comments are valid Cypher).
        header: the header's fields (``name``, ``audit``, ``zh``, ``params``, ``row`` …);
            a field continued on indented comment lines is joined with spaces.
        parameters: every ``$parameter`` the text uses.
        statement: what is sent to Neo4j: the text without its comments and
            blank lines. Neo4j reads the whole text of every query it is sent
            and keys its plan cache on it, so the header would cost it time
            on every call.
    """

    name: str
    text: str
    header: Mapping[str, str] = field(default_factory=dict)
    parameters: frozenset[str] = frozenset()
    statement: str = ""

    @property
    def doc(self) -> str:
        """The header as one readable paragraph, for docstrings and ``--help``."""
        return "\n".join(f"{key}: {value}" for key, value in self.header.items())


def parse_header(text: str) -> dict[str, str]:
    """The ``// key: value`` fields at the top of a query file."""
    header: dict[str, str] = {}
    last_key: str | None = None
    for line in text.splitlines():
        match = _HEADER_LINE.match(line.strip())
        if match is None:
            break
        content = match.group(1)
        # A field line may carry several "key: value" pairs joined by " · ".
        parts = [part.strip() for part in content.split(" · ")]
        field_match = _FIELD.match(parts[0])
        if field_match and field_match.group(1) in _KNOWN_FIELDS:
            for part in parts:
                pair = _FIELD.match(part)
                if pair is None:
                    if last_key is not None:
                        header[last_key] += " · " + part
                    continue
                last_key = pair.group(1)
                header[last_key] = pair.group(2).strip()
        elif last_key is not None and content.strip():
            header[last_key] += " " + content.strip()
    return header


_KNOWN_FIELDS = frozenset(
    {"name", "audit", "severity", "zh", "en", "params", "row", "note", "fragment", "args"}
)


def without_comments(text: str) -> str:
    """A Cypher text with its ``//`` comments (not those in strings) and its
    blank lines left out."""
    code = _STRING_OR_COMMENT.sub(
        lambda found: "" if found.group().startswith("//") else found.group(), text
    )
    return "\n".join(line.rstrip() for line in code.splitlines() if line.strip())


def parameters_of(text: str) -> frozenset[str]:
    """The ``$parameters`` a Cypher text uses (not those in strings or comments)."""
    code = _STRING_OR_COMMENT.sub(" ", text)
    return frozenset(_PARAMETER.findall(code))


@cache
def load_query(name: str) -> Query:
    """Read ``queries/cypher/<name>.cypher``.

    Raises:
        QueryCatalogError: no such file, or its header names another query.
    """
    resource = resources.files("queries").joinpath("cypher", f"{name}.cypher")
    if not resource.is_file():
        raise QueryCatalogError(f"no query named {name!r} in queries/cypher/")
    text = resource.read_text(encoding="utf-8")
    header = parse_header(text)
    if header.get("name") != name:
        raise QueryCatalogError(
            f"queries/cypher/{name}.cypher: its header names {header.get('name')!r}"
        )
    text = expand_includes(text, f"queries/cypher/{name}.cypher")
    return Query(
        name=name,
        text=text,
        header=header,
        parameters=parameters_of(text),
        statement=without_comments(text),
    )


@cache
def load_fragment(name: str) -> tuple[frozenset[str], str]:
    """Read ``queries/cypher/fragments/<name>.cypher``: its arguments (the
    ``{{placeholders}}`` its text uses) and its text without the header.

    Raises:
        QueryCatalogError: no such fragment, or its header names another.
    """
    where = f"queries/cypher/fragments/{name}.cypher"
    resource = resources.files("queries").joinpath("cypher", "fragments", f"{name}.cypher")
    if not resource.is_file():
        raise QueryCatalogError(f"no fragment named {name!r} in queries/cypher/fragments/")
    text = resource.read_text(encoding="utf-8")
    if parse_header(text).get("fragment") != name:
        raise QueryCatalogError(f"{where}: its header must say `// fragment: {name}`")
    lines = text.splitlines()
    while lines and _HEADER_LINE.match(lines[0].strip()):
        lines.pop(0)
    body = "\n".join(lines).strip("\n")
    return frozenset(_PLACEHOLDER.findall(body)), body


def expand_includes(text: str, where: str) -> str:
    """Replace each ``// include: fragment(argument=value, …)`` line of ``text``.

    Raises:
        QueryCatalogError: an unknown fragment, or arguments that are not
            exactly the fragment's.
    """

    def included(match: re.Match[str]) -> str:
        name = match.group("name")
        placeholders, body = load_fragment(name)
        given: dict[str, str] = {}
        for argument in filter(None, (part.strip() for part in match["arguments"].split(","))):
            pair = _ARGUMENT.match(argument)
            if pair is None:
                raise QueryCatalogError(
                    f"{where}: include of {name}: {argument!r} is not `argument=value`"
                )
            given[pair.group(1)] = pair.group(2)
        if given.keys() != placeholders:
            raise QueryCatalogError(
                f"{where}: include of {name} must give {', '.join(sorted(placeholders))}"
                f" (it gives {', '.join(sorted(given)) or 'nothing'})"
            )
        filled = _PLACEHOLDER.sub(lambda placeholder: given[placeholder.group(1)], body)
        return "\n".join(match["indent"] + line if line else line for line in filled.split("\n"))

    return _INCLUDE.sub(included, text)


def query_names() -> list[str]:
    """Every query in the catalog, sorted."""
    folder = resources.files("queries").joinpath("cypher")
    return sorted(
        entry.name.removesuffix(".cypher")
        for entry in folder.iterdir()
        if entry.name.endswith(".cypher")
    )


AS_OF = "as_of"
"""The parameter of the day a query judges the graph on (the fragments
``held_on`` and ``alive_on``): a :class:`datetime.date`; when it is not
given, or ``None``, the catalog sends today."""


def _checked(query: Query, parameters: Mapping[str, Any]) -> dict[str, Any]:
    if AS_OF in query.parameters and parameters.get(AS_OF) is None:
        parameters = {**parameters, AS_OF: date.today()}
    missing = query.parameters - parameters.keys()
    if missing:
        raise QueryCatalogError(
            f"query {query.name} needs parameters it was not given: {', '.join(sorted(missing))}"
        )
    return {key: value for key, value in parameters.items() if key in query.parameters}


def run(graph: Graph, name: str, parameters: Mapping[str, Any] | None = None) -> list[Record]:
    """Run a catalog query in a read transaction and return its rows.

    Args:
        graph: the connection.
        name: the query's name.
        parameters: its values; every ``$parameter`` it uses must be present
            (``None`` is a value: "not given" for optional filters).

    Raises:
        QueryCatalogError: unknown query or missing parameters.
    """
    query = load_query(name)
    return graph.query(query.statement, _checked(query, parameters or {}))


def run_in(
    tx: neo4j.ManagedTransaction, name: str, parameters: Mapping[str, Any] | None = None
) -> list[Record]:
    """Run a catalog query inside a transaction the caller manages (e.g. to
    read and write in one transaction)."""
    query = load_query(name)
    return [row_of(record) for record in tx.run(query.statement, _checked(query, parameters or {}))]


def write(graph: Graph, name: str, parameters: Mapping[str, Any] | None = None) -> list[Record]:
    """Run a catalog query that writes, in a write transaction."""
    query = load_query(name)
    return graph.query(query.statement, _checked(query, parameters or {}), write=True)


@dataclass(frozen=True)
class Merge:
    """How asks of a query that answers for a list of values may share one
    query: their lists joined, the other parameters being equal.

    Attributes:
        parameter: the list parameter.
        split: each value's rows among the rows of the shared query.
    """

    parameter: str
    split: Split


def rows_by(column: str) -> Split:
    """A :attr:`Merge.split` for a query whose rows name their value in
    ``column``."""

    def split(rows: list[Record]) -> dict[Hashable, list[Record]]:
        by_value: dict[Hashable, list[Record]] = {}
        for row in rows:
            by_value.setdefault(row[column], []).append(row)
        return by_value

    return split


async def run_async(
    graph: AsyncGraph,
    name: str,
    parameters: Mapping[str, Any] | None = None,
    merge: Merge | None = None,
) -> list[Record]:
    """:func:`run` on an asynchronous connection; with ``merge``, concurrent
    asks share a query (:meth:`~graph.async_connection.AsyncGraph.query_merged`)."""
    query = load_query(name)
    checked = _checked(query, parameters or {})
    if merge is None:
        return await graph.query(query.statement, checked)
    return await graph.query_merged(query.statement, checked, merge.parameter, merge.split)


@dataclass(frozen=True)
class Ask:
    """One catalog query a question asks, with its values.

    Attributes:
        name: the query's name.
        parameters: its values.
        merge: how concurrent asks of it may share one query, if they may.
    """

    name: str
    parameters: Mapping[str, Any]
    merge: Merge | None = None


Steps = Generator[Ask, list[Record], T]
"""A question: it yields each :class:`Ask`, is sent that query's rows, and
returns its answer. Each query is one read."""


def answer(graph: Graph, steps: Steps[T]) -> T:
    """Run a question's queries on ``graph``, one after the other, and return
    its answer (or raise what it raises)."""
    try:
        ask = next(steps)
        while True:
            ask = steps.send(run(graph, ask.name, ask.parameters))
    except StopIteration as finished:
        result: T = finished.value
        return result


async def answer_async(graph: AsyncGraph, steps: Steps[T]) -> T:
    """:func:`answer` on an asynchronous connection."""
    try:
        ask = next(steps)
        while True:
            ask = steps.send(await run_async(graph, ask.name, ask.parameters, ask.merge))
    except StopIteration as finished:
        result: T = finished.value
        return result
