"""Several server processes on one port, the connections dealt out in turn.

``civicgraph serve --workers N`` runs N uvicorn processes. When they all wait
on one listening socket, the kernel gives a new connection to whichever
process wakes first, which can leave one process with most of the keep-alive
connections and their clients waiting several times as long. Here the parent
process alone accepts, and hands each connection, by its file
descriptor over a Unix socket, to the next worker in turn, so that N workers
hold the connections N ways evenly. A worker serves the connections it is
handed with uvicorn's own HTTP protocol, exactly as if it had accepted them.

A worker that dies is replaced; one that cannot start (Neo4j unreachable, say)
stops the whole server. Ctrl-C or SIGTERM stops the parent from accepting,
closes the workers' channels (each worker then finishes its requests and
exits), and waits for them.

Each server process also keeps Python's cyclic garbage collector off the
objects built at startup and runs it less often (:func:`steady_collector`):
a collection that walks every object of the application delays every request
waiting behind it.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import multiprocessing
import os
import signal
import socket
import threading
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

import uvicorn

from api.main import create_app
from api.protocol import JoinedWritesProtocol
from graph.errors import CivicGraphError, ConfigurationError

COLLECTOR_THRESHOLDS = (20_000, 50, 1_000)
"""``gc.set_threshold`` of a server process: allocations before a young
collection (700 by default), and young collections per older one."""

STOP_GRACE = 30.0
"""Seconds a worker has to finish its requests before it is terminated."""

_ACCEPT_WAKE = 0.5
"""Seconds the accepting loop waits before it looks at its workers again."""

_HANDED = b"c"


def steady_collector() -> None:
    """Keep the collector off every object alive now, and collect less often.

    Called once the application is built: its modules, routes and schemas stay
    alive as long as the process, and no collection needs to walk them.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)


class HandedServer(uvicorn.Server):
    """A uvicorn server without a listening socket: it serves the connections
    whose descriptors arrive on ``channel``, and exits when the channel closes."""

    def __init__(self, config: uvicorn.Config, channel: socket.socket) -> None:
        super().__init__(config)
        self._channel = channel
        self._tasks: set[asyncio.Task[Any]] = set()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=[])
        self._channel.setblocking(False)
        asyncio.get_running_loop().add_reader(self._channel.fileno(), self._receive)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        asyncio.get_running_loop().remove_reader(self._channel.fileno())
        await super().shutdown(sockets)

    def _protocol(self) -> asyncio.Protocol:
        protocol: asyncio.Protocol = self.config.http_protocol_class(  # type: ignore[call-arg]
            config=self.config,
            server_state=self.server_state,
            app_state=self.lifespan.state,
        )
        return protocol

    def _receive(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                message, descriptors, _, _ = socket.recv_fds(self._channel, 16, 16)
            except BlockingIOError:
                return
            except OSError:
                message, descriptors = b"", []
            if not message and not descriptors:
                # The parent closed the channel: stop serving.
                loop.remove_reader(self._channel.fileno())
                self.should_exit = True
                return
            for descriptor in descriptors:
                connection = socket.socket(fileno=descriptor)
                task = loop.create_task(loop.connect_accepted_socket(self._protocol, connection))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)


@dataclass(frozen=True)
class _Logging:
    """What a worker logs: uvicorn's level, and whether a line per request."""

    level: str
    access: bool


def _work(channel: socket.socket, log: _Logging) -> None:
    """A worker process: build the app, then serve what the channel hands over."""
    app = create_app()
    steady_collector()
    # Ctrl-C reaches the whole process group; uvicorn has shut down by the time
    # it raises KeyboardInterrupt again.
    with contextlib.suppress(KeyboardInterrupt):
        config = uvicorn.Config(
            app, http=JoinedWritesProtocol, log_level=log.level, access_log=log.access
        )
        HandedServer(config, channel).run()


@dataclass
class _Worker:
    process: BaseProcess
    channel: socket.socket
    connections: int = 0

    @classmethod
    def start(cls, log: _Logging) -> _Worker:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        process = multiprocessing.get_context("spawn").Process(
            target=_work, args=(theirs, log), daemon=False
        )
        process.start()
        theirs.close()
        return cls(process, ours)

    def hand(self, connection: socket.socket) -> bool:
        """Pass ``connection`` on; False when the worker is gone."""
        try:
            socket.send_fds(self.channel, [_HANDED], [connection.fileno()])
        except OSError:
            return False
        self.connections += 1
        return True

    def stop(self) -> None:
        self.channel.close()


class WorkerStartupError(CivicGraphError):
    """A worker exited before it served anything (its own log says why)."""


def serve_workers(
    host: str, port: int, workers: int, log_level: str = "info", *, access_log: bool = False
) -> None:
    """Accept on ``host:port`` and deal the connections to ``workers`` processes
    until SIGINT or SIGTERM; ``access_log``: each logs a line per request.

    Raises:
        ConfigurationError: the address cannot be listened on.
        WorkerStartupError: a worker could not start.
    """
    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
        listener.listen(2048)
    except OSError as error:
        listener.close()
        raise ConfigurationError(f"cannot listen on {host}:{port}: {error.strerror}") from error
    listener.settimeout(_ACCEPT_WAKE)
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    log = _Logging(log_level, access_log)
    pool = [_Worker.start(log) for _ in range(workers)]
    turn = 0
    try:
        while not stopping.is_set():
            _replace_dead(pool, log)
            try:
                connection, _ = listener.accept()
            except (TimeoutError, InterruptedError):
                continue
            with connection:
                for _ in range(len(pool)):
                    worker = pool[turn % len(pool)]
                    turn += 1
                    if worker.hand(connection):
                        break
    finally:
        listener.close()
        for worker in pool:
            worker.stop()
        _wait(pool)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _replace_dead(pool: list[_Worker], log: _Logging) -> None:
    for index, worker in enumerate(pool):
        code = worker.process.exitcode
        if code is None:
            continue
        if code != 0 and not worker.connections:
            raise WorkerStartupError(
                f"a server process exited with code {code} before serving; see the lines above"
            )
        worker.stop()
        pool[index] = _Worker.start(log)


def _wait(pool: list[_Worker]) -> None:
    for worker in pool:
        worker.process.join(STOP_GRACE)
        if worker.process.exitcode is None and worker.process.pid is not None:
            os.kill(worker.process.pid, signal.SIGTERM)
            worker.process.join(STOP_GRACE)
        if worker.process.exitcode is None:
            worker.process.kill()
            worker.process.join()
