"""The asynchronous connection to Neo4j, for code that runs on an event loop,
and the merged reads that let concurrent asks of one query share it.

The API opens an :class:`AsyncGraph` beside its :class:`~graph.connection.Graph`
(:meth:`Graph.open_async <graph.connection.Graph.open_async>`): its hottest
routes run on the event loop without a thread. It asks the same catalog
queries the same way, with the same retry budget and the same translation of
the driver's errors, and can answer concurrent asks of one query with one
query (:meth:`AsyncGraph.query_merged`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import neo4j
from neo4j import exceptions as neo4j_errors

from graph.connection import BATCH_BUDGET, Budget, Record, retry_delays, row_of, translated_errors

IDLE_SESSIONS = 64
"""Read sessions an :class:`AsyncGraph` keeps between queries, at most."""

MERGED_IN_FLIGHT = 3
"""Merged queries (:meth:`AsyncGraph.query_merged`) an :class:`AsyncGraph`
has running at once. A merged query waits for one of them to finish, and
the asks that come meanwhile join it: under load, the batches grow by
themselves; alone, an ask goes at once."""

MERGED_MAX_VALUES = 64
"""Values one merged query carries at most; more start the next one."""

Split = Callable[[list[Record]], Mapping[Hashable, list[Record]]]
"""How a merged query's rows fall to the values it was asked for: each value
with its rows (a value with none is missing)."""


@dataclass
class _Merged:
    """A merged query being gathered: the values asked so far (in order,
    once each), and the future of its rows by value."""

    text: str
    shared: dict[str, Any]
    merge_on: str
    split: Split
    values: dict[Any, None] = field(default_factory=dict)
    rows: asyncio.Future[Mapping[Hashable, list[Record]]] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


@dataclass
class AsyncGraph:
    """An open asynchronous connection, for code that runs on an event loop.

    A read session is kept for the next query once its result is read whole
    (at most :data:`IDLE_SESSIONS` of them): an idle session holds no
    connection, and making one costs the driver about a twentieth of a short
    query. A session whose query failed or was cancelled is closed, not kept.

    Attributes:
        driver: the official asynchronous driver.
        database: the database name, or ``None`` for the server's default.
        uri: where the driver points, for messages.
        budget: how long it waits for the database (its driver was opened
            with the same budget).
    """

    driver: neo4j.AsyncDriver
    database: str | None
    uri: str
    budget: Budget = BATCH_BUDGET
    _idle: list[neo4j.AsyncSession] = field(default_factory=list, repr=False)
    _gathering: dict[Hashable, _Merged] = field(default_factory=dict, repr=False)
    _merged_slots: asyncio.Semaphore = field(
        default_factory=lambda: asyncio.Semaphore(MERGED_IN_FLIGHT), repr=False
    )
    _sending: set[asyncio.Task[None]] = field(default_factory=set, repr=False)
    merged_queries: int = 0
    """Merged queries sent so far."""

    async def query(self, text: str, parameters: Mapping[str, Any] | None = None) -> list[Record]:
        """Run one reading query and return its rows as dicts, as
        :meth:`Graph.query <graph.connection.Graph.query>` does."""
        params = dict(parameters or {})
        with translated_errors(self.uri):
            for delay in retry_delays(self.budget.retry_seconds, self.budget.first_retry):
                session = self._idle.pop() if self._idle else self._session()
                try:
                    result = await session.run(text, params)
                    rows = [row_of(record) async for record in result]
                except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as error:
                    await session.close()
                    if delay is None or not error.is_retryable():
                        raise
                except BaseException:
                    await session.close()
                    raise
                else:
                    if len(self._idle) < IDLE_SESSIONS:
                        self._idle.append(session)
                    else:
                        await session.close()
                    return rows
                await asyncio.sleep(delay)
        raise AssertionError("retry_delays() ends with None")

    def _session(self) -> neo4j.AsyncSession:
        return self.driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS)

    async def query_merged(
        self, text: str, parameters: Mapping[str, Any], merge_on: str, split: Split
    ) -> list[Record]:
        """Run one reading query as part of a merged one, and return its rows.

        The parameter ``merge_on`` is a list of values (ids, say), and the
        query answers for each of them. Asks of the same text whose other
        parameters are equal are answered by one query, with their values
        joined, while it waits for a slot (:data:`MERGED_IN_FLIGHT`). Neo4j
        and the driver spend most of a short query's time on the query
        itself, not on its rows: eight asks for a node's neighbours, merged,
        cost them about a third of eight queries.

        Args:
            text: the query.
            parameters: its values; ``parameters[merge_on]`` is a list.
            merge_on: the list parameter that asks are merged on.
            split: each value's rows among the merged query's rows.

        Returns:
            The rows of this ask's values, in their order.
        """
        values = list(parameters[merge_on])
        shared = {key: value for key, value in parameters.items() if key != merge_on}
        try:
            key: Hashable = (text, merge_on, frozenset(shared.items()))
        except TypeError:  # a list or map among the other values
            return await self.query(text, parameters)
        merged = self._gathering.get(key)
        if merged is None or len(merged.values) >= MERGED_MAX_VALUES:
            merged = _Merged(text, shared, merge_on, split)
            self._gathering[key] = merged
            task = asyncio.get_running_loop().create_task(self._send_merged(key, merged))
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)
        merged.values.update(dict.fromkeys(values))
        # Shielded: a caller that gives up must not cancel the others' answer.
        by_value = await asyncio.shield(merged.rows)
        return [row for value in dict.fromkeys(values) for row in by_value.get(value, ())]

    async def _send_merged(self, key: Hashable, merged: _Merged) -> None:
        try:
            async with self._merged_slots:
                if self._gathering.get(key) is merged:
                    del self._gathering[key]
                self.merged_queries += 1
                rows = await self.query(
                    merged.text, {**merged.shared, merged.merge_on: list(merged.values)}
                )
                merged.rows.set_result(merged.split(rows))
        except BaseException as error:
            if self._gathering.get(key) is merged:
                del self._gathering[key]
            if not merged.rows.done():
                if isinstance(error, asyncio.CancelledError):
                    merged.rows.cancel()
                else:
                    merged.rows.set_exception(error)
            if not isinstance(error, Exception):
                raise
        finally:
            # Nobody may be left to read the rows (every asker gave up).
            if merged.rows.done() and not merged.rows.cancelled():
                merged.rows.exception()

    async def close(self) -> None:
        """Close the kept sessions and the driver; merged queries still
        being sent are cancelled."""
        for task in list(self._sending):
            task.cancel()
        await asyncio.gather(*self._sending, return_exceptions=True)
        while self._idle:
            await self._idle.pop().close()
        await self.driver.close()
