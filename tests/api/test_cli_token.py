"""``civicgraph token create / list / revoke`` through the command line."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from graph.connection import Graph
from graph.server.local import LOCAL_USER, LocalNeo4j
from graph.settings import get_settings
from tests.api.conftest import auth

pytestmark = pytest.mark.slow

CLI = [sys.executable, "-m", "api.cli"]


def _environment(home: Path, graph: Graph) -> dict[str, str]:
    """The tests' environment with a throwaway token home, pointed at the
    running database (the local one's home is not the token home)."""
    environment = dict(os.environ, CIVICGRAPH_HOME=str(home))
    if not environment.get("NEO4J_URI"):
        environment.update(
            NEO4J_URI=graph.uri,
            NEO4J_USER=LOCAL_USER,
            NEO4J_PASSWORD=LocalNeo4j(get_settings()).password(),
        )
    return environment


def _run(environment: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *arguments], capture_output=True, text=True, env=environment, timeout=120
    )


def test_token_commands(tmp_path: Path, graph: Graph) -> None:
    from tests.api.conftest import load_small

    load_small(graph)
    environment = _environment(tmp_path, graph)
    made = _run(environment, "token", "create", "--role", "editor", "--name", "网格员", "--json")
    assert made.returncode == 0, made.stderr
    token = json.loads(made.stdout)
    assert token["role"] == "editor" and token["token"].startswith("cg_")
    scoped = _run(environment, "token", "create", "--role", "viewer", "--scope", "C01")
    assert scoped.returncode == 0, scoped.stderr
    clear = scoped.stdout.strip()
    assert clear.startswith("cg_") and len(clear.splitlines()) == 1
    path = tmp_path / "tokens.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert token["token"] not in path.read_text() and clear not in path.read_text()

    listed = _run(environment, "token", "list", "--json")
    assert listed.returncode == 0
    entries = json.loads(listed.stdout)
    assert [(e["role"], e["scope_id"], e["scope_kind"]) for e in entries] == [
        ("editor", None, None),
        ("viewer", "C01", "community"),
    ]
    assert token["token"] not in listed.stdout and clear not in listed.stdout
    table = _run(environment, "token", "list")
    assert token["id"] in table.stdout and "cg_" not in table.stdout

    bad_scope = _run(environment, "token", "create", "--role", "viewer", "--scope", "A01")
    assert bad_scope.returncode != 0 and "A01" in bad_scope.stderr
    bad_role = _run(environment, "token", "create", "--role", "root")
    assert bad_role.returncode != 0

    revoked = _run(environment, "token", "revoke", token["id"])
    assert revoked.returncode == 0
    remaining = json.loads(_run(environment, "token", "list", "--json").stdout)
    assert [e["id"] for e in remaining] == [entries[1]["id"]]
    again = _run(environment, "token", "revoke", token["id"])
    assert again.returncode != 0 and "not found" in again.stderr
    assert auth(clear)["Authorization"].endswith(clear)
