"""The connection to Neo4j: one driver per process, read and write helpers,
and the translation of driver errors into civicgraph's.

With ``NEO4J_URI`` set, the driver goes there (``bolt://``, ``neo4j://`` or
``neo4j+s://``: a server, a cluster or Aura, unchanged). With it unset, the
project's local Neo4j is used, started first if it is not running. Reads go
in read sessions, so that a cluster routes them to its readers.

A read of one query runs as an auto-commit transaction: it costs the server
less than an explicit one (no separate commit), and a single read needs no
more. Writes run in managed transactions. Both are retried on transient
errors within the connection's :class:`Budget` (the driver retries the managed
ones, :func:`retry_delays` the reads). A batch job (``civicgraph load``) waits
out a database that is restarting (:data:`BATCH_BUDGET`); a server answers
its callers at once that the database is down (:data:`SERVER_BUDGET`).

The asynchronous connection the API opens beside this one, and its merged
reads, are in :mod:`graph.async_connection`.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

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

if TYPE_CHECKING:
    from graph.async_connection import AsyncGraph

P = ParamSpec("P")
T = TypeVar("T")

Record = dict[str, Any]
"""One result row: its columns by name."""

_SERVER_VERSION = "CALL dbms.components() YIELD versions RETURN versions[0] AS version"

_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


@dataclass(frozen=True)
class Budget:
    """How long a connection waits for the database before it gives up.

    Attributes:
        connection_timeout: seconds to open one connection (TCP, TLS and the
            Bolt handshake).
        acquisition_timeout: seconds to get a connection from the pool,
            opening one included.
        retry_seconds: how long a query is retried on transient errors (a
            leader switch, a server not yet up, a pooled connection that a
            restart broke) before its error is reported.
        first_retry: seconds before the first retry of a read; each next
            pause is twice as long.
    """

    connection_timeout: float
    acquisition_timeout: float
    retry_seconds: float
    first_retry: float

    def driver_options(self) -> dict[str, Any]:
        """The options of a driver with this budget, synchronous or not."""
        return {
            "connection_timeout": self.connection_timeout,
            "connection_acquisition_timeout": self.acquisition_timeout,
            "max_transaction_retry_time": self.retry_seconds,
            "user_agent": "civicgraph",
            "notifications_min_severity": "OFF",
        }


BATCH_BUDGET = Budget(
    connection_timeout=10.0, acquisition_timeout=30.0, retry_seconds=30.0, first_retry=0.5
)
"""A batch job's (the command line's): a load that meets a restarting
database waits for it rather than fail half-way."""

SERVER_BUDGET = Budget(
    connection_timeout=1.0, acquisition_timeout=1.5, retry_seconds=0.1, first_retry=0.1
)
"""A server's: its callers are better told at once that the database is down
(503, which they may retry) than held for the half-minute a batch job waits.

A read gets one more attempt a tenth of a second after a transient error:
enough for a connection that a database restart left broken in the pool,
since the driver then drops the pool's other connections to that server. The
driver retries a managed write once, about a second later (its own first
pause), however small ``retry_seconds`` is. With the database's process
stopped (connections refused), a request answers 503 in about a second at
most; with its host gone silent, each attempt waits ``connection_timeout``
more."""


class QueryError(CivicGraphError):
    """The database refused a query (a bug in civicgraph, or a constraint)."""


@dataclass
class Graph:
    """An open connection: the driver and the database to use.

    Attributes:
        driver: the official driver.
        database: the database name, or ``None`` for the server's default.
        uri: where the driver points, for messages.
        auth: the user and password, for :meth:`open_async`.
        budget: how long it waits for the database (its driver was opened
            with the same budget).
    """

    driver: neo4j.Driver
    database: str | None
    uri: str
    auth: tuple[str, str] = field(default=("", ""), repr=False)
    budget: Budget = BATCH_BUDGET
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
        """Run one query and return its rows as dicts: a read as an
        auto-commit transaction in a read session, a write in a managed write
        transaction; both retried on transient errors.

        Args:
            text: the Cypher text: a query file's or the schema's, never user input.
            parameters: the values, always passed as parameters.
            write: run it as a write transaction.
        """
        params = dict(parameters or {})
        if write:
            return self.write(lambda tx: [row_of(record) for record in tx.run(text, params)])
        budget = self.budget
        return self._read(text, params, retry_delays(budget.retry_seconds, budget.first_retry))

    def collected(self, text: str, parameters: Mapping[str, Any] | None = None) -> list[Record]:
        """Run one reading query whose single row holds every result as a
        list of maps in its ``rows`` column (it ends ``RETURN collect({…})
        AS rows``), and return that list.

        The driver reads each row of a result as a message of its own, at
        some 40 µs a row; one row holding a list of 200,000 maps arrives
        some forty times faster. For the reads that fetch a whole label or
        a load's worth of rows.
        """
        found = self.query(text, parameters)
        return list(found[0]["rows"]) if found else []

    def _read(
        self, text: str, params: dict[str, Any], delays: Iterator[float | None]
    ) -> list[Record]:
        with translated_errors(self.uri):
            for delay in delays:
                try:
                    with self.driver.session(
                        database=self.database, default_access_mode=neo4j.READ_ACCESS
                    ) as session:
                        return [row_of(record) for record in session.run(text, params)]
                except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as error:
                    if delay is None or not error.is_retryable():
                        raise
                time.sleep(delay)
        raise AssertionError("retry_delays() ends with None")

    def open_async(self) -> AsyncGraph:
        """An :class:`~graph.async_connection.AsyncGraph` to the same
        database, with the same user and budget.

        Its driver makes its connections in the event loop that first uses it:
        use it from one loop only, and close it there.
        """
        # Imported here: the asynchronous module builds on this one.
        from graph.async_connection import AsyncGraph

        driver = neo4j.AsyncGraphDatabase.driver(
            self.uri, auth=self.auth, **self.budget.driver_options()
        )
        return AsyncGraph(driver=driver, database=self.database, uri=self.uri, budget=self.budget)

    @contextmanager
    def session(self) -> Iterator[neo4j.Session]:
        """A session on the configured database."""
        with self.driver.session(database=self.database) as session:
            yield session

    def server_version(self, *, retry: bool = True) -> str:
        """The Neo4j version the server reports.

        Args:
            retry: retry on transient errors within the budget; ``False``
                asks once, as a health check does: a check that waits for
                the database to come back tells its caller nothing sooner.
        """
        delays = retry_delays(self.budget.retry_seconds if retry else 0.0, self.budget.first_retry)
        rows = self._read(_SERVER_VERSION, {}, delays)
        return str(rows[0]["version"])

    def close(self) -> None:
        """Close the driver (idempotent)."""
        if not self._closed:
            self.driver.close()
            self._closed = True


def row_of(record: neo4j.Record) -> Record:
    """A result row as a dict of the values the driver decoded.

    Queries return maps, lists and scalars, never nodes, relationships or
    paths, so nothing needs converting: ``Record.data()`` would walk every
    nested value looking for them, 40 µs on one row of a node's neighbours.
    """
    return dict(zip(record.keys(), record, strict=True))


def retry_delays(
    seconds: float = BATCH_BUDGET.retry_seconds, first: float = 0.5, jitter: float = 0.2
) -> Iterator[float | None]:
    """The pauses between attempts of a query retried on transient errors:
    doubling from ``first`` (each within ``jitter`` of its value) while the
    attempts have taken less than ``seconds``, then ``None`` for the last.

    The caller tries once per value, sleeping the value after a transient
    failure; ``None`` means the attempt just made was the last.
    """
    started = time.monotonic()
    delay = first
    while time.monotonic() - started < seconds:
        yield delay * (1 + jitter * (2 * random.random() - 1))
        delay *= 2
    yield None


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


def connect(
    settings: Settings | None = None,
    echo: Echo | None = None,
    *,
    budget: Budget = BATCH_BUDGET,
) -> Graph:
    """Open a verified connection as the settings say.

    With ``NEO4J_URI`` unset, the local Neo4j is used (and started if it is
    not running; it is then left running).

    Args:
        settings: the settings; the process's own by default.
        echo: where to say that the local Neo4j is being started.
        budget: how long its queries wait for the database: a batch job's
            by default, :data:`SERVER_BUDGET` for a server.

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
        driver = neo4j.GraphDatabase.driver(uri, auth=(user, password), **budget.driver_options())
    except (ValueError, neo4j_errors.ConfigurationError) as error:
        raise ConfigurationError(f"NEO4J_URI={uri!r}: {_first_line(error)}") from error
    graph = Graph(
        driver=driver,
        database=settings.neo4j_database or None,
        uri=uri,
        auth=(user, password),
        budget=budget,
    )
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


def to_date(value: Any) -> date | None:
    """A date from the driver (``neo4j.time.Date``) or ``None``."""
    if value is None:
        return None
    if isinstance(value, date):
        return value
    native = value.to_native()
    assert isinstance(native, date)
    return native
