"""No workbook upload takes the server down: files made to cost gigabytes to
read — a zip of CSV files just under the unpacked limit, millions of junk
rows, an ``.xlsx`` with a huge shared-strings table or a sheet claiming
16,384 columns — are sent to a real ``civicgraph serve``. Each costs one
413 or 422 with a clear message; the server's memory stays within 1 GiB of
what it was, and ``/api/health`` answers right after.

The files are made here, in the test's temporary folder, not kept."""

from __future__ import annotations

import io
import socket
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
import pytest

from api.tokens import Role, TokenStore
from graph.connection import Graph
from graph.settings import get_settings
from loaders.limits import MAX_DATA_ROWS, MAX_UNPACKED_BYTES, MiB
from loaders.workbook_format import FILES
from tests.loaders.workbooks import SHEET_START, minimal_xlsx

GiB = 1024 * MiB

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Server:
    """A running ``civicgraph serve``."""

    process: subprocess.Popen[bytes]
    base: str
    token: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(server: Server, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"civicgraph serve exited:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{server.base}/api/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("civicgraph serve did not answer in time")


@pytest.fixture(scope="module")
def server(graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``civicgraph serve`` as a planner starts it, with an admin token."""
    _, token = TokenStore.for_settings(get_settings()).create(Role.ADMIN, name="upload limits")
    port = _free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    running = Server(process, f"http://127.0.0.1:{port}", token)
    try:
        _wait_until_up(running, log)
        yield running
    finally:
        process.terminate()
        process.wait(timeout=90)


class _PeakMemory:
    """The largest resident size of a process while the block runs, sampled."""

    def __init__(self, pid: int) -> None:
        self._process = psutil.Process(pid)
        self._stop = threading.Event()
        self.peak = self._process.memory_info().rss
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self._process.memory_info().rss)

    def __enter__(self) -> _PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def _post(server: Server, name: str, content: bytes) -> httpx.Response:
    return httpx.post(
        f"{server.base}/api/workbook",
        files={"file": (name, content, "application/octet-stream")},
        headers={"Authorization": f"Bearer {server.token}"},
        timeout=900,
    )


# --- the files -------------------------------------------------------------------


def _zip_of_junk_csv() -> bytes:
    """The ten CSV files, of junk rows, unpacking to just under the limit:
    each is past the row cap, and all of them together take more memory to
    read than the reader has."""
    each = (MAX_UNPACKED_BYTES - MiB) // len(FILES)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name in (spec.name for spec in FILES):
            with archive.open(name, "w", force_zip64=True) as member:
                member.write(b"id,name,kind,parent_id\n")
                line = b"X1,junk,castle,nowhere\n"
                block = line * (MiB // len(line))
                for _ in range(each // len(block)):
                    member.write(block)
    return buffer.getvalue()


def _junk_lines() -> bytes:
    """8 MiB of junk: two million short lines."""
    return b"1,2\n" * (2 * 1024 * 1024)


def _shared_strings_bomb() -> bytes:
    """A shared-strings table of millions of entries, just under the part limit,
    each used by a cell."""
    count = 5_500_000
    entries = b"".join(b"<si><t>%d</t></si>" % index for index in range(count))
    table = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'count="%d" uniqueCount="%d">' % (count, count) + entries + b"</sst>"
    )
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="s"><v>%d</v></c></row>' % (row, row, row - 1)
        for row in range(1, 200_001)
    )
    sheet = SHEET_START + b"<sheetData>" + rows + b"</sheetData></worksheet>"
    return minimal_xlsx(sheet, table)


def _dimension_bomb() -> bytes:
    """A sheet that claims every cell of Excel and has 200,000 rows reaching
    its last column."""
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c>'
        b'<c r="BM%d" t="inlineStr"><is><t>x</t></is></c>'
        b'<c r="XFD%d" t="inlineStr"><is><t>x</t></is></c></row>' % (row, row, row, row)
        for row in range(2, 200_002)
    )
    header = b'<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row>'
    sheet = (
        SHEET_START
        + b'<dimension ref="A1:XFD1048576"/><sheetData>'
        + header
        + rows
        + b"</sheetData></worksheet>"
    )
    return minimal_xlsx(sheet)


# --- the test ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make", "statuses", "message"),
    [
        ("junk.zip", _zip_of_junk_csv, {413}, "needs more than 3 GiB of memory to read"),
        ("places.csv", _junk_lines, {422}, f"more than {MAX_DATA_ROWS:,} rows of data"),
        ("strings.xlsx", _shared_strings_bomb, {422}, "missing required column id"),
        ("dimension.xlsx", _dimension_bomb, {422}, "values after column BL were not read"),
    ],
)
def test_a_costly_upload_costs_one_answer_and_never_the_server(
    server: Server, name: str, make: object, statuses: set[int], message: str
) -> None:
    assert callable(make)
    content = make()
    assert isinstance(content, bytes)
    # The first upload brings the reader's modules into the server; the
    # baseline is taken after one.
    _post(server, "warm.csv", b"id,name,kind\n")
    baseline = psutil.Process(server.process.pid).memory_info().rss

    with _PeakMemory(server.process.pid) as memory:
        answer = _post(server, name, content)

    assert answer.status_code in statuses, answer.text[:2000]
    body = answer.json()
    assert body["error"] in {"workbook_rejected", "payload_too_large"}
    assert message in answer.text
    assert memory.peak - baseline < 1 * GiB, (baseline, memory.peak)
    before, peak = baseline / MiB, memory.peak / MiB
    print(f"{name}: {answer.status_code}; server RSS {before:.0f} MiB, peak {peak:.0f} MiB")
    assert httpx.get(f"{server.base}/api/health", timeout=5).status_code == 200
    assert server.process.poll() is None
