"""The HTTP protocol the server speaks: uvicorn's (on httptools), with each
answer written to its socket at once.

uvicorn writes an answer's head when the application starts it and its body
when the application sends it: two system calls, two segments to the client,
which wakes up twice. Here what a connection writes during one turn of the
event loop is held and written together at the end of that turn, so an answer
whose body comes in one piece (every answer of the API and the pages) costs
one write.

It subclasses uvicorn's private ``httptools_impl`` module, so uvicorn is
pinned exactly in ``pyproject.toml``, and ``tests/api/test_protocol.py``
fails when the installed uvicorn is not the pinned one or no longer writes an
answer through the transport it is given. Paired trials (one server, the
joining switched on and off every 6 s, 32 clients, 2 × 12 windows) measured
it still paying with uvicorn 0.54: 6 to 10 % less server CPU per request,
more requests/s in 9 and 10 of 12 pairs.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class JoinedWrites:
    """A transport whose writes wait for the end of the event loop's turn,
    then go out as one; everything else is the wrapped transport's."""

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        self._held: list[bytes] = []
        self._loop = asyncio.get_running_loop()

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Hold ``data`` until the end of this turn of the event loop."""
        if not self._held:
            self._loop.call_soon(self.flush)
        self._held.append(bytes(data))

    def writelines(self, lines: Any) -> None:
        """Hold each of ``lines``."""
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        """Write what is held, unless the transport is closing."""
        if not self._held:
            return
        data = b"".join(self._held)
        self._held.clear()
        if not self._transport.is_closing():
            self._transport.write(data)

    def close(self) -> None:
        """Write what is held, then close."""
        self.flush()
        self._transport.close()

    def write_eof(self) -> None:
        """Write what is held, then end the stream."""
        self.flush()
        self._transport.write_eof()

    def abort(self) -> None:
        """Drop what is held and close at once."""
        self._held.clear()
        self._transport.abort()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class JoinedWritesProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol on a :class:`JoinedWrites` transport."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        joined = JoinedWrites(cast(asyncio.Transport, transport))
        super().connection_made(cast(asyncio.Transport, joined))
