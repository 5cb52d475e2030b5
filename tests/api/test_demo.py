"""``civicgraph demo`` as a newcomer runs it (without serving at the end):
an empty database gets the scenario, the audit summary is printed, the
overview page is written, and the admin token printed once works."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from api.tokens import Role, TokenStore
from graph.connection import Graph
from graph.introspect import check_nodes, delete_everything
from graph.schema import Label
from graph.settings import get_settings


@pytest.mark.slow
def test_demo_loads_an_empty_database_audits_writes_the_overview_and_makes_a_token(
    graph: Graph,
) -> None:
    delete_everything(graph)
    command = [sys.executable, "-m", "api.cli", "demo", "--no-serve", "--scenario", "liangshan"]

    first = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    second = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)

    assert first.returncode == 0, first.stderr
    assert "loading the" in first.stderr and "already holds" in second.stderr
    assert check_nodes(graph, Label.COUNTY, ["name"]) == {("梁山县",)}
    assert "治理体检 · audit summary" in first.stdout and "G19" in first.stdout
    overview = Path(get_settings().civicgraph_home) / "demo" / "overview.html"
    page = overview.read_text(encoding="utf-8")
    assert "梁山县" in page
    assert 'src="http' not in page and "<link" not in page
    token = next(
        word
        for line in first.stdout.splitlines()
        if "admin token" in line
        for word in line.split()
        if word.startswith("cg_")
    )
    verified = TokenStore.for_settings(get_settings()).verify(token)
    assert verified is not None and verified.role == Role.ADMIN
