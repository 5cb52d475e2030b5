"""The command line's ``--json`` and the API answer the same question with
the same JSON: each command runs as a user runs it (a child process, on the
tests' Neo4j holding the ``small`` workbook), and its document is compared
field by field with the API's answer for an unscoped admin (who, like the
command line, sees everything unmasked).

Where the API pages a list (``items``, ``total``, ``offset``, ``limit``), the
command prints it whole under DESIGN's name for it; every other field is the
same, and the whole list is the API's page of 500.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graph.connection import Graph
from tests.api.conftest import Tokens, auth

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
AS_OF = "2024-07-01"
NEEDS = ("N01", "N02", "N03", "N04", "N05", "N06", "N07")
"""Every need of the small workbook: open with candidates, assigned,
resolved, with none, with a route that lacks a secretary …"""

Document = dict[str, Any]


def civicgraph_json(*arguments: str) -> Document:
    """What ``civicgraph ARGUMENTS --json`` prints, parsed."""
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", *arguments, "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, (arguments, done.stderr)
    document: Document = json.loads(done.stdout)
    return document


def civicgraph_all(commands: Sequence[tuple[str, ...]]) -> dict[tuple[str, ...], Document]:
    """Several commands at once, each in its own process."""
    with ThreadPoolExecutor(max_workers=3) as pool:
        return dict(zip(commands, pool.map(lambda c: civicgraph_json(*c), commands), strict=True))


def whole_and_page(cli: Document, api: Document, listed: str) -> None:
    """The command's whole list ``listed`` is the API's page of it, and
    every other field is the same."""
    cli = dict(cli)
    api = dict(api)
    whole = cli.pop(listed)
    page = {key: api.pop(key) for key in ("items", "total", "offset", "limit")}
    assert page == {"items": whole, "total": len(whole), "offset": 0, "limit": 500}
    assert cli == api


@pytest.fixture(scope="module")
def cli(small: Graph) -> dict[tuple[str, ...], Document]:
    """Every command's document, run once for the module."""
    commands: list[tuple[str, ...]] = [
        ("stats",),
        ("audit", "--as-of", AS_OF),
        ("audit", "--as-of", AS_OF, "--community", "C02", "--rule", "G06", "--sla-days", "5"),
        ("audit", "--scorecard", "--as-of", AS_OF),
        ("assign",),
        ("assign", "--community", "C01"),
        ("projects",),
        ("projects", "--community", "C02"),
        ("kpi",),
        ("kpi", "--community", "C01", "--from", "2024-05-01", "--to", "2024-05-31"),
    ]
    for need_id in NEEDS:
        commands += [("need", need_id), ("candidates", need_id), ("route", need_id)]
    return civicgraph_all(commands)


def test_stats(client: TestClient, tokens: Tokens, cli: dict[tuple[str, ...], Document]) -> None:
    api = client.get("/api/stats", headers=auth(tokens.admin)).json()
    assert cli[("stats",)] == api
    assert api["counties"] and api["counties"][0]["place"]["community"] == 2


def test_audit(client: TestClient, tokens: Tokens, cli: dict[tuple[str, ...], Document]) -> None:
    cases = {
        ("audit", "--as-of", AS_OF): f"as_of={AS_OF}",
        (
            "audit",
            "--as-of",
            AS_OF,
            "--community",
            "C02",
            "--rule",
            "G06",
            "--sla-days",
            "5",
        ): f"as_of={AS_OF}&community_id=C02&rule=G06&sla_days=5",
    }
    for command, query in cases.items():
        document = dict(cli[command])
        api = client.get(f"/api/audit?{query}&limit=500", headers=auth(tokens.admin)).json()
        rules = document.pop("rules")
        assert [{k: v for k, v in rule.items() if k != "findings"} for rule in rules] == api.pop(
            "rules"
        )
        findings = [
            {**finding, "rule_id": rule["id"]} for rule in rules for finding in rule["findings"]
        ]
        assert findings, command
        page = {key: api.pop(key) for key in ("items", "total", "offset", "limit")}
        assert page == {"items": findings, "total": len(findings), "offset": 0, "limit": 500}
        assert document.pop("total") == len(findings)
        assert document == api


def test_scorecard(
    client: TestClient, tokens: Tokens, cli: dict[tuple[str, ...], Document]
) -> None:
    api = client.get(f"/api/scorecard?as_of={AS_OF}&limit=500", headers=auth(tokens.admin)).json()
    whole_and_page(cli[("audit", "--scorecard", "--as-of", AS_OF)], api, "communities")


@pytest.mark.parametrize("need_id", NEEDS)
def test_need_candidates_and_route(
    client: TestClient, tokens: Tokens, cli: dict[tuple[str, ...], Document], need_id: str
) -> None:
    admin = auth(tokens.admin)
    assert cli[("need", need_id)] == client.get(f"/api/needs/{need_id}", headers=admin).json()
    api = client.get(f"/api/needs/{need_id}/candidates?limit=500", headers=admin).json()
    whole_and_page(cli[("candidates", need_id)], api, "candidates")
    assert (
        cli[("route", need_id)] == client.get(f"/api/needs/{need_id}/route", headers=admin).json()
    )


def test_assignment_dry_run(
    client: TestClient, tokens: Tokens, cli: dict[tuple[str, ...], Document]
) -> None:
    for command, body in (
        (("assign",), {}),
        (("assign", "--community", "C01"), {"community_id": "C01"}),
    ):
        api = client.post(
            "/api/assignment?limit=500", json={**body, "apply": False}, headers=auth(tokens.admin)
        ).json()
        document = dict(cli[command])
        # How long each step took is the one thing two runs do not share.
        assert (
            set(document.pop("seconds")) == set(api.pop("seconds")) == {"read", "solve", "greedy"}
        )
        assert document["applied"] is None and document["assignments"]
        whole_and_page(document, api, "assignments")


def test_projects(client: TestClient, tokens: Tokens, cli: dict[tuple[str, ...], Document]) -> None:
    for command, query in (
        (("projects",), ""),
        (("projects", "--community", "C02"), "&community_id=C02"),
    ):
        api = client.get(f"/api/projects?limit=500{query}", headers=auth(tokens.admin)).json()
        whole_and_page(cli[command], api, "projects")


def test_kpi(client: TestClient, tokens: Tokens, cli: dict[tuple[str, ...], Document]) -> None:
    assert cli[("kpi",)] == client.get("/api/kpi", headers=auth(tokens.admin)).json()
    window = client.get(
        "/api/kpi?community_id=C01&from=2024-05-01&to=2024-05-31", headers=auth(tokens.admin)
    ).json()
    assert (window["from"], window["to"]) == ("2024-05-01", "2024-05-31")
    assert (
        cli[("kpi", "--community", "C01", "--from", "2024-05-01", "--to", "2024-05-31")] == window
    )


def test_the_need_command_reads_as_text(small: Graph) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "need", "N02"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "1号楼电梯频繁故障" in done.stdout and "PJ01" in done.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "api.cli", "need", "N99", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert missing.returncode != 0 and missing.stdout == ""
    assert missing.stderr.strip().splitlines() == ["civicgraph: error: need not found: N99"]
