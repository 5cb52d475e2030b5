"""The bulk-import reference: the same workbook through Neo4j's own offline
importer (``neo4j-admin database import full``), run from the jars the local
Neo4j already resolved, into a separate store.

The workbook is first converted to the importer's CSV format (one node file
per label with ``:ID`` and typed property columns, one relationship file per
type); only the importer's run is timed, as its documentation measures it.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from graph.schema import FAMILY, Label, RelType
from graph.server.local import JVM_FLAGS, LocalNeo4j
from loaders.records import KnownNode, ValidatedWorkbook
from loaders.rows import labels_by_id, node_rows, post_rows, relationship_rows


@dataclass(frozen=True)
class BulkResult:
    """One run of the importer.

    Attributes:
        nodes: nodes it imported.
        relationships: relationships it imported.
        seconds: the importer's wall time.
    """

    nodes: int
    relationships: int
    seconds: float

    @property
    def entities_per_second(self) -> float:
        """Nodes and relationships per second."""
        return (self.nodes + self.relationships) / self.seconds


def _column_type(values: Iterable[Any]) -> str:
    for value in values:
        if value is None:
            continue
        if isinstance(value, bool):
            return ":boolean"
        if isinstance(value, int):
            return ":long"
        if isinstance(value, date):
            return ":date"
        if isinstance(value, list):
            return ":string[]"
        return ""
    return ""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(item) for item in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_import_files(
    workbooks: Iterable[ValidatedWorkbook], known: Mapping[str, KnownNode], folder: Path
) -> tuple[list[Path], list[Path], int, int]:
    """Convert workbooks into the importer's CSV files.

    Returns:
        The node files, the relationship files, and how many nodes and
        relationships they hold.
    """
    folder.mkdir(parents=True, exist_ok=True)
    nodes_by_label: dict[Label, dict[str, dict[str, Any]]] = {}
    relationships: dict[RelType, list[tuple[str, str, dict[str, Any]]]] = {}
    for workbook in workbooks:
        labels = labels_by_id(workbook, known)
        for label, rows in node_rows(workbook):
            # A workbook may repeat the default taxonomy: one node per id.
            nodes_by_label.setdefault(label, {}).update((row["id"], row["props"]) for row in rows)
        for spec, owner_rows in relationship_rows(workbook, labels):
            for owner, targets in owner_rows:
                for target, _ in targets:
                    start, end = (owner, target) if spec.forward else (target, owner)
                    relationships.setdefault(spec.type, []).append((start, end, {}))
        for post in post_rows(workbook, labels):
            relationships.setdefault(RelType.HOLDS, []).append(
                (post["person"], post["target"], {"post": post["post"], "since": post["since"]})
            )

    node_files: list[Path] = []
    for label, by_id in nodes_by_label.items():
        node_props = list(by_id.values())
        keys = sorted({key for row in node_props for key in row} - {"id"})
        types = {key: _column_type(row.get(key) for row in node_props) for key in keys}
        path = folder / f"nodes-{label.value}.csv"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id:ID", ":LABEL", *(f"{key}{types[key]}" for key in keys)])
            node_labels = ";".join(filter(None, (label.value, FAMILY.get(label))))
            for row in node_props:
                writer.writerow([row["id"], node_labels, *(_cell(row.get(key)) for key in keys)])
        node_files.append(path)

    relationship_files: list[Path] = []
    for rel_type, triples in relationships.items():
        keys = sorted({key for _, _, props in triples for key in props})
        types = {key: _column_type(props.get(key) for _, _, props in triples) for key in keys}
        path = folder / f"relationships-{rel_type.value}.csv"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([":START_ID", ":END_ID", ":TYPE", *(f"{k}{types[k]}" for k in keys)])
            for start, end, props in triples:
                writer.writerow([start, end, rel_type.value, *(_cell(props.get(k)) for k in keys)])
        relationship_files.append(path)
    node_count = sum(len(by_id) for by_id in nodes_by_label.values())
    relationship_count = sum(len(triples) for triples in relationships.values())
    return node_files, relationship_files, node_count, relationship_count


def run_bulk_import(
    local: LocalNeo4j,
    workbooks: Iterable[ValidatedWorkbook],
    known: Mapping[str, KnownNode],
    work: Path,
) -> BulkResult:
    """Import the workbooks with ``neo4j-admin database import full`` into a
    fresh store under ``work`` and time it."""
    home = work / "bulk-home"
    shutil.rmtree(home, ignore_errors=True)
    (home / "conf").mkdir(parents=True)
    (home / "conf" / "neo4j.conf").write_text("", encoding="utf-8")
    node_files, relationship_files, nodes, relationships = write_import_files(
        workbooks, known, work / "bulk-csv"
    )
    java = local.install()
    command = [
        str(java.java),
        f"-Xmx{local.settings.civicgraph_neo4j_heap}",
        *JVM_FLAGS,
        "-cp",
        str(local.lib / "*"),
        "org.neo4j.cli.AdminTool",
        "database",
        "import",
        "full",
        "neo4j",
        f"--report-file={work / 'import.report'}",
        *(f"--nodes={path}" for path in node_files),
        *(f"--relationships={path}" for path in relationship_files),
    ]
    environment = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    started = time.perf_counter()
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        tail = " | ".join(result.stdout.splitlines()[-5:] + result.stderr.splitlines()[-5:])
        raise RuntimeError(f"neo4j-admin database import failed: {tail}")
    return BulkResult(nodes=nodes, relationships=relationships, seconds=seconds)
