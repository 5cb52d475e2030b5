"""``as_of`` through the API and the command line: every reading route takes
the day, answers as of it, and refuses a malformed one with 422; the
command line refuses one in a line, with exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from graph.connection import Graph
from tests.api.conftest import Tokens, auth

ROOT = Path(__file__).resolve().parents[2]

READING_ROUTES = [
    "/api/stats",
    "/api/audit",
    "/api/scorecard",
    "/api/needs/N01/candidates",
    "/api/needs/N01/route",
]


@pytest.mark.parametrize("path", READING_ROUTES)
def test_a_malformed_day_is_422(
    client: TestClient, small: Graph, tokens: Tokens, path: str
) -> None:
    answer = client.get(path, params={"as_of": "2024-13-01"}, headers=auth(tokens.viewer))
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]


@pytest.mark.parametrize("path", READING_ROUTES)
def test_a_day_is_taken(client: TestClient, small: Graph, tokens: Tokens, path: str) -> None:
    answer = client.get(path, params={"as_of": "2024-07-01"}, headers=auth(tokens.viewer))
    assert answer.status_code == 200, answer.text


def test_the_audit_answers_as_of_the_day_with_g20s_parameters(
    client: TestClient, small: Graph, tokens: Tokens
) -> None:
    answer = client.get(
        "/api/audit",
        params={"rule": "G20", "as_of": "2026-03-01", "term_warn_days": 0, "term_years": 5},
        headers=auth(tokens.viewer),
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["as_of"], body["term_warn_days"], body["term_years"]) == ("2026-03-01", 0, 5)
    assert [(item["rule_id"], item["node_id"]) for item in body["items"]] == [("G20", "O01")]
    wider = client.get(
        "/api/audit",
        params={"rule": "G20", "as_of": "2026-03-01"},
        headers=auth(tokens.viewer),
    ).json()
    assert {item["node_id"] for item in wider["items"]} == {"O01", "PC01", "PC02"}
    assert wider["term_warn_days"] == 90


@pytest.mark.parametrize(
    "params", [{"term_warn_days": -1}, {"term_years": 0}, {"term_years": "five"}]
)
def test_bad_term_parameters_are_422(
    client: TestClient, small: Graph, tokens: Tokens, params: dict[str, object]
) -> None:
    answer = client.get("/api/audit", params=params, headers=auth(tokens.viewer))
    assert answer.status_code == 422, answer.text


def test_the_counts_are_of_the_day(client: TestClient, small: Graph, tokens: Tokens) -> None:
    def secretaries(day: str) -> int:
        answer = client.get("/api/stats", params={"as_of": day}, headers=auth(tokens.admin))
        (county,) = answer.json()["counties"]
        return int(county["post"].get("secretary", 0))

    # The small workbook's six secretaries took their posts in 2020–2022.
    assert secretaries("2019-01-01") == 0
    assert secretaries("2021-04-01") == 3
    assert secretaries("2024-07-01") == 6


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        ["stats"],
        ["audit"],
        ["candidates", "N01"],
        ["route", "N01"],
        ["explore", "--community", "C01", "--out", "{tmp}/view.html"],
    ],
)
def test_the_command_line_refuses_a_malformed_day_in_one_line(
    tmp_path: Path, command: list[str]
) -> None:
    arguments = [argument.format(tmp=tmp_path) for argument in command]
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", *arguments, "--as-of", "2024-02-30"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert "--as-of: not a date (YYYY-MM-DD): '2024-02-30'" in lines[0]
