"""The connection to Neo4j: one driver per process, read and write helpers on
managed transactions, and the translation of driver errors into civicgraph's.

With ``NEO4J_URI`` set, the driver goes there (``bolt://``, ``neo4j://`` or
``neo4j+s://``: a server, a cluster or Aura, unchanged). With it unset, the
project's local Neo4j is used, started first if it is not running. Reads go
through ``execute_read`` so that a cluster routes them to its readers; both
kinds are retried by the driver on transient errors.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Concatenate, ParamSpec, TypeVar

import neo4j
from neo4j import exceptions as neo4j_errors

from graph.errors import (
    AuthenticationError,
    CivicGraphError,
    ConfigurationError,
    DatabaseUnavailableError,
)
from graph.server.local import LOCAL_USER, Echo, LocalNeo4j
from graph.settings import Settings, get_settings

P = ParamSpec("P")
T = TypeVar("T")

Record = dict[str, Any]

_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


class QueryError(CivicGraphError):
    """The database refused a query (a bug in civicgraph, or a constraint)."""


@dataclass
class Graph:
    """An open connection: the driver and the database to use.

    Attributes:
        driver: the official driver.
        database: the database name, or ``None`` for the server's default.
        uri: where the driver points, for messages.
    """

    driver: neo4j.Driver
    database: str | None
    uri: str
    _closed: bool = field(default=False, repr=False)

    def read(
        self,
        work: Callable[Concatenate[neo4j.ManagedTransaction, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run ``work(tx, ...)`` in a managed read transaction (retried)."""
        with self.session() as session, translated_errors(self.uri):
            return session.execute_read(work, *args, **kwargs)

    def write(
        self,
        work: Callable[Concatenate[neo4j.ManagedTransaction, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run ``work(tx, ...)`` in a managed write transaction (retried)."""
        with self.session() as session, translated_errors(self.uri):
            return session.execute_write(work, *args, **kwargs)

    def query(
        self, text: str, parameters: Mapping[str, Any] | None = None, *, write: bool = False
    ) -> list[Record]:
        """Run one query in a managed transaction and return its rows as dicts.

        Args:
            text: the Cypher text: a query file's or the schema's, never user input.
            parameters: the values, always passed as parameters.
            write: run it as a write transaction.
        """
        params = dict(parameters or {})

        def work(tx: neo4j.ManagedTransaction) -> list[Record]:
            return [record.data() for record in tx.run(text, params)]

        return self.write(work) if write else self.read(work)

    @contextmanager
    def session(self) -> Iterator[neo4j.Session]:
        """A session on the configured database."""
        with self.driver.session(database=self.database) as session:
            yield session

    def server_version(self) -> str:
        """The Neo4j version the server reports."""
        rows = self.query("CALL dbms.components() YIELD versions RETURN versions[0] AS version")
        return str(rows[0]["version"])

    def close(self) -> None:
        """Close the driver (idempotent)."""
        if not self._closed:
            self.driver.close()
            self._closed = True


@contextmanager
def translated_errors(uri: str) -> Iterator[None]:
    """Turn driver exceptions into civicgraph's, naming the URI."""
    try:
        yield
    except neo4j_errors.AuthError as error:
        raise AuthenticationError(
            f"Neo4j at {uri} refused the user name or password (check NEO4J_USER and "
            f"NEO4J_PASSWORD): {error.message or error}"
        ) from error
    except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired) as error:
        raise DatabaseUnavailableError(
            f"cannot reach Neo4j at {uri}: {_first_line(error)} (is it running? check NEO4J_URI)"
        ) from error
    except neo4j_errors.ConfigurationError as error:
        raise ConfigurationError(f"NEO4J_URI={uri}: {_first_line(error)}") from error
    except neo4j_errors.ClientError as error:
        if error.code and "DatabaseNotFound" in error.code:
            raise ConfigurationError(
                f"NEO4J_DATABASE names a database that does not exist at {uri}: {error.message}"
            ) from error
        raise QueryError(f"Neo4j refused a query: {error.message}") from error
    except neo4j_errors.Neo4jError as error:
        raise QueryError(f"Neo4j failed a query: {error.message or error}") from error
    except neo4j_errors.DriverError as error:
        raise DatabaseUnavailableError(f"Neo4j at {uri}: {_first_line(error)}") from error


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


def connect(settings: Settings | None = None, echo: Echo | None = None) -> Graph:
    """Open a verified connection as the settings say.

    With ``NEO4J_URI`` unset, the local Neo4j is used (and started if it is
    not running; it is then left running).

    Args:
        settings: the settings; the process's own by default.
        echo: where to say that the local Neo4j is being started.

    Raises:
        ConfigurationError: a malformed URI or a missing setting.
        AuthenticationError: wrong user or password.
        DatabaseUnavailableError: the server cannot be reached.
    """
    settings = settings or get_settings()
    if settings.neo4j_uri:
        uri = settings.neo4j_uri.strip()
        user = settings.neo4j_user
        password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else ""
        scheme = uri.split("://", 1)[0].lower() if "://" in uri else ""
        if scheme not in _SCHEMES:
            raise ConfigurationError(
                f"NEO4J_URI={uri!r} is not a Neo4j URI: expected one of "
                + ", ".join(f"{name}://" for name in _SCHEMES)
            )
    else:
        local = LocalNeo4j(settings)
        status = local.start(echo) if echo is not None else local.start()
        assert status.uri is not None
        uri, user, password = status.uri, LOCAL_USER, local.password()
    try:
        driver = neo4j.GraphDatabase.driver(
            uri,
            auth=(user, password),
            connection_timeout=10.0,
            connection_acquisition_timeout=30.0,
            max_transaction_retry_time=30.0,
            user_agent="civicgraph",
            notifications_min_severity="OFF",
        )
    except (ValueError, neo4j_errors.ConfigurationError) as error:
        raise ConfigurationError(f"NEO4J_URI={uri!r}: {_first_line(error)}") from error
    graph = Graph(driver=driver, database=settings.neo4j_database or None, uri=uri)
    try:
        with translated_errors(uri):
            driver.verify_connectivity()
            graph.driver.execute_query("RETURN 1", database_=graph.database)
    except CivicGraphError:
        graph.close()
        raise
    return graph


_shared: Graph | None = None
_shared_lock = threading.Lock()


def get_graph(settings: Settings | None = None, echo: Echo | None = None) -> Graph:
    """The process's one connection, opened on first use."""
    global _shared
    with _shared_lock:
        if _shared is None or _shared._closed:
            _shared = connect(settings, echo)
        return _shared


def close_graph() -> None:
    """Close the process's connection, if open."""
    global _shared
    with _shared_lock:
        if _shared is not None:
            _shared.close()
            _shared = None
