"""The server's transport wrapper: what one turn of the event loop writes goes
to the socket at once, at the end of the turn; closing writes what is held."""

from __future__ import annotations

import asyncio
import socket

import pytest

from api.protocol import JoinedWrites


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
