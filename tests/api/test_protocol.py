"""The server's transport wrapper: what one turn of the event loop writes goes
to the socket at once, at the end of the turn; closing writes what is held.
And uvicorn, pinned, is still the uvicorn it was written for."""

from __future__ import annotations

import asyncio
import socket
import tomllib
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from api.protocol import JoinedWrites, JoinedWritesProtocol


async def joined_pair() -> tuple[JoinedWrites, socket.socket]:
    """A JoinedWrites on one end of a socket pair, and the other end."""
    ours, theirs = socket.socketpair()
    theirs.setblocking(False)
    transport, _ = await asyncio.get_running_loop().connect_accepted_socket(asyncio.Protocol, ours)
    return JoinedWrites(transport), theirs


def test_the_writes_of_one_turn_go_out_together_at_its_end() -> None:
    async def main() -> tuple[bytes, bytes]:
        joined, theirs = await joined_pair()
        joined.write(b"HTTP/1.1 200 OK\r\n\r\n")
        joined.write(b'{"ok": true}')
        with pytest.raises(BlockingIOError):
            theirs.recv(1024)
        await asyncio.sleep(0)
        first = theirs.recv(1024)
        joined.write(b"next")
        await asyncio.sleep(0)
        second = theirs.recv(1024)
        joined.close()
        theirs.close()
        return first, second

    assert asyncio.run(main()) == (b'HTTP/1.1 200 OK\r\n\r\n{"ok": true}', b"next")


def test_closing_writes_what_is_held_first() -> None:
    async def main() -> bytes:
        joined, theirs = await joined_pair()
        joined.write(b"last words")
        joined.close()
        await asyncio.sleep(0.05)
        received = b""
        while chunk := theirs.recv(1024):
            received += chunk
        theirs.close()
        return received

    assert asyncio.run(main()) == b"last words"


PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_uvicorn_is_the_version_joined_writes_was_written_for() -> None:
    # JoinedWritesProtocol subclasses uvicorn's private httptools protocol:
    # a new uvicorn must be checked against it by hand, then pinned here.
    dependencies = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["dependencies"]
    pins = [dependency for dependency in dependencies if dependency.startswith("uvicorn")]
    assert pins == [f"uvicorn=={uvicorn.__version__}"], (
        f"uvicorn {uvicorn.__version__} is installed but pyproject.toml has {pins}: "
        "check api/protocol.py against uvicorn.protocols.http.httptools_impl, then pin it"
    )
    assert issubclass(JoinedWritesProtocol, HttpToolsProtocol)


class CountedWrites:
    """A transport that counts the writes that reach it (a real one beneath)."""

    def __init__(self, transport: asyncio.Transport) -> None:
        self.transport = transport
        self.writes = 0

    def write(self, data: bytes) -> None:
        self.writes += 1
        self.transport.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.transport, name)


async def hello(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """An ASGI app that answers every request with one body."""
    body = b'{"ok": true}'
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), (b"content-length", b"12")],
        }
    )
    await send({"type": "http.response.body", "body": body})


def test_uvicorn_writes_an_answer_through_joined_writes_in_one_write() -> None:
    async def main() -> tuple[bytes, int]:
        loop = asyncio.get_running_loop()
        ours, theirs = socket.socketpair()
        theirs.setblocking(False)
        transport, _ = await loop.connect_accepted_socket(asyncio.Protocol, ours)
        counted = CountedWrites(transport)
        config = uvicorn.Config(hello, http=JoinedWritesProtocol, lifespan="off")
        config.load()
        protocol = config.http_protocol_class(  # type: ignore[call-arg]
            config=config, server_state=ServerState(), app_state={}
        )
        transport.set_protocol(protocol)
        protocol.connection_made(counted)  # type: ignore[arg-type]
        await loop.sock_sendall(theirs, b"GET / HTTP/1.1\r\nHost: test\r\n\r\n")
        answer = b""
        async with asyncio.timeout(10):
            while not answer.endswith(b'{"ok": true}'):
                answer += await loop.sock_recv(theirs, 4096)
        writes = counted.writes
        transport.close()
        theirs.close()
        return answer, writes

    answer, writes = asyncio.run(main())
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
    # uvicorn writes the head and the body apart; they reach the socket as one.
    assert writes == 1
