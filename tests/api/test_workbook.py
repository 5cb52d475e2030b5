"""Uploading a workbook: a good one (CSV files zipped, or an .xlsx) is
loaded; a bad one answers 422 with every problem located by file, row and
column, and writes nothing; what is not a workbook answers 400."""

from __future__ import annotations

import csv
import io
import shutil
import struct
import zipfile
from pathlib import Path

from fastapi.testclient import TestClient

from graph.connection import Graph
from graph.errors import MAX_REPORTED_PROBLEMS
from graph.introspect import delete_everything
from loaders.export import export_workbook
from queries.export import export_rows
from tests.api.conftest import SMALL, Tokens, auth, graph_counts, load_small

OFFICE_XLS = SMALL.parent / "small-office.xls"


def _zip(folder: Path, prefix: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.glob("*.csv")):
            archive.write(path, prefix + path.name)
    return buffer.getvalue()


def _set_cell(path: Path, row: int, column: str, value: str) -> None:
    """Set a cell, rows numbered as a spreadsheet shows them (header = 1)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[row - 2][column] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_good_zip_is_loaded(client: TestClient, graph: Graph, tokens: Tokens) -> None:
    delete_everything(graph)
    answer = client.post(
        "/api/workbook",
        files={"file": ("small.zip", _zip(SMALL, "small/"), "application/zip")},
        headers=auth(tokens.admin),
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["path"] == "small.zip"
    assert body["nodes"]["Need"] == 7 and body["nodes"]["Person"] == 14
    assert "needs.csv" in body["files"]
    loaded = graph_counts(graph)
    again = client.post(
        "/api/workbook",
        files={"file": ("small.zip", _zip(SMALL), "application/zip")},
        headers=auth(tokens.admin),
    )
    assert again.status_code == 200
    assert graph_counts(graph) == loaded
    assert client.get("/api/nodes/N01", headers=auth(tokens.admin)).status_code == 200


def test_xlsx_is_loaded(client: TestClient, graph: Graph, tokens: Tokens, tmp_path: Path) -> None:
    delete_everything(graph)
    client.post(
        "/api/workbook",
        files={"file": ("small.zip", _zip(SMALL), "application/zip")},
        headers=auth(tokens.admin),
    )
    loaded = graph_counts(graph)
    export_workbook(export_rows(graph), tmp_path / "small.xlsx")
    delete_everything(graph)
    answer = client.post(
        "/api/workbook",
        files={
            "file": (
                "small.xlsx",
                (tmp_path / "small.xlsx").read_bytes(),
                "application/octet-stream",
            )
        },
        headers=auth(tokens.admin),
    )
    assert answer.status_code == 200, answer.text
    assert graph_counts(graph) == loaded


def test_bad_workbook_is_rejected_whole(
    client: TestClient, fresh: Graph, tokens: Tokens, tmp_path: Path
) -> None:
    folder = tmp_path / "bad"
    shutil.copytree(SMALL, folder)
    _set_cell(folder / "places.csv", 3, "kind", "village")
    _set_cell(folder / "needs.csv", 2, "urgency", "9")
    _set_cell(folder / "people.csv", 2, "id", "N99")
    before = graph_counts(fresh)
    answer = client.post(
        "/api/workbook",
        files={"file": ("bad.zip", _zip(folder), "application/zip")},
        headers=auth(tokens.admin),
    )
    assert answer.status_code == 422
    body = answer.json()
    assert body["error"] == "workbook_rejected"
    located = {(p["file"], p["row"], p["column"]) for p in body["problems"]}
    assert ("places.csv", 3, "kind") in located
    assert ("needs.csv", 2, "urgency") in located
    assert all(set(p) == {"file", "row", "column", "message"} for p in body["problems"])
    assert graph_counts(fresh) == before
    assert client.get("/api/nodes/N99", headers=auth(tokens.admin)).status_code == 404


def test_what_is_not_a_workbook(client: TestClient, fresh: Graph, tokens: Tokens) -> None:
    before = graph_counts(fresh)
    admin = auth(tokens.admin)
    text = client.post(
        "/api/workbook", files={"file": ("notes.txt", b"hello", "text/plain")}, headers=admin
    )
    assert text.status_code == 400
    empty_zip = io.BytesIO()
    with zipfile.ZipFile(empty_zip, "w") as archive:
        archive.writestr("readme.md", "nothing here")
    nothing = client.post(
        "/api/workbook",
        files={"file": ("empty.zip", empty_zip.getvalue(), "application/zip")},
        headers=admin,
    )
    assert nothing.status_code == 400
    escaping = io.BytesIO()
    with zipfile.ZipFile(escaping, "w") as archive:
        archive.writestr("../../places.csv", (SMALL / "places.csv").read_text(encoding="utf-8"))
    answer = client.post(
        "/api/workbook",
        files={"file": ("escape.zip", escaping.getvalue(), "application/zip")},
        headers=admin,
    )
    assert answer.status_code in (200, 422)
    missing = client.post("/api/workbook", headers=admin)
    assert missing.status_code == 422
    assert graph_counts(fresh) == before


def _corrupt_deflate(archive_bytes: bytes) -> bytes:
    """The zip with its first member's deflate data made invalid (a block of
    the reserved type), its directory left intact: what a truncated or
    damaged download looks like to ``zipfile``."""
    data = bytearray(archive_bytes)
    name_length, extra_length = struct.unpack("<HH", data[26:30])
    start = 30 + name_length + extra_length
    data[start : start + 4] = b"\xff\xff\xff\xff"
    return bytes(data)


def test_a_zip_with_corrupt_deflate_data_is_a_bad_request(
    client: TestClient, fresh: Graph, tokens: Tokens
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(SMALL / "places.csv", "places.csv")
    before = graph_counts(fresh)

    answer = client.post(
        "/api/workbook",
        files={"file": ("damaged.zip", _corrupt_deflate(buffer.getvalue()), "application/zip")},
        headers=auth(tokens.admin),
    )

    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert body["error"] == "bad_request"
    assert "places.csv" in body["detail"] and "damaged" in body["detail"]
    assert graph_counts(fresh) == before


def test_a_problem_of_a_whole_file_is_located_by_the_file_alone(
    client: TestClient, fresh: Graph, tokens: Tokens, tmp_path: Path
) -> None:
    folder = tmp_path / "utf16"
    shutil.copytree(SMALL, folder)
    text = (folder / "needs.csv").read_text(encoding="utf-8")
    (folder / "needs.csv").write_bytes(text.encode("utf-16"))

    answer = client.post(
        "/api/workbook",
        files={"file": ("utf16.zip", _zip(folder), "application/zip")},
        headers=auth(tokens.admin),
    )

    assert answer.status_code == 422
    body = answer.json()
    assert body["detail"].startswith("workbook rejected: needs.csv: the file is UTF-16")
    assert body["problems"][0]["file"] == "needs.csv"
    assert body["problem_count"] == 1


def test_a_rejected_workbook_lists_its_first_problems_and_counts_the_rest(
    client: TestClient, fresh: Graph, tokens: Tokens, tmp_path: Path
) -> None:
    folder = tmp_path / "junk"
    shutil.copytree(SMALL, folder)
    with (folder / "facilities.csv").open("a", encoding="utf-8", newline="") as handle:
        junk = ([f"F{index:05}", "x", "castle", "A01"] for index in range(1500))
        csv.writer(handle).writerows(junk)

    answer = client.post(
        "/api/workbook",
        files={"file": ("junk.zip", _zip(folder), "application/zip")},
        headers=auth(tokens.admin),
    )

    assert answer.status_code == 422
    body = answer.json()
    assert len(body["problems"]) == MAX_REPORTED_PROBLEMS
    assert body["problem_count"] == 1500
    assert "(and 1499 more)" in body["detail"]


def test_an_office_xls_is_loaded(client: TestClient, graph: Graph, tokens: Tokens) -> None:
    load_small(graph)
    loaded = graph_counts(graph)
    delete_everything(graph)

    answer = client.post(
        "/api/workbook",
        files={"file": ("小区信息.xls", OFFICE_XLS.read_bytes(), "application/vnd.ms-excel")},
        headers=auth(tokens.admin),
    )

    assert answer.status_code == 200, answer.text
    assert graph_counts(graph) == loaded
    assert answer.json()["warnings"][0].startswith("places: row 3 is the header")


def test_gbk_csv_files_are_loaded_and_the_summary_says_so(
    client: TestClient, graph: Graph, tokens: Tokens, tmp_path: Path
) -> None:
    load_small(graph)
    loaded = graph_counts(graph)
    delete_everything(graph)
    folder = tmp_path / "gbk"
    shutil.copytree(SMALL, folder)
    for path in folder.glob("*.csv"):
        text = path.read_text(encoding="utf-8").replace("\n", "\r\n")
        path.write_bytes(text.encode("gb18030"))

    answer = client.post(
        "/api/workbook",
        files={"file": ("gbk.zip", _zip(folder), "application/zip")},
        headers=auth(tokens.admin),
    )

    assert answer.status_code == 200, answer.text
    assert graph_counts(graph) == loaded
    warnings = answer.json()["warnings"]
    assert len(warnings) == 1 and "read as GBK/GB18030" in warnings[0]
