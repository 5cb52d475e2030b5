"""The audit's outputs on the small workbook: the CSV and HTML files, and the
``civicgraph audit`` command run as a user runs it (a separate process)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from graph.connection import Graph
from loaders.load import load_workbook
from queries.audit import CSV_COLUMNS, AuditReport, all_rules, run_audit, write_csv
from queries.report import render_html, write_html

SMALL = Path(__file__).resolve().parents[1] / "data" / "small"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def small(empty_graph: Graph) -> Graph:
    load_workbook(empty_graph, SMALL)
    return empty_graph


@pytest.fixture()
def report(small: Graph) -> AuditReport:
    return run_audit(small, as_of=date(2024, 7, 1))


def civicgraph(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=180,
        check=False,
    )


def test_the_csv_has_one_row_per_finding_with_its_rule(report: AuditReport, tmp_path: Path) -> None:
    path = tmp_path / "audit.csv"
    assert write_csv(report, path) == report.total
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to show Chinese
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == report.total
    g10 = [row for row in rows if row["rule_id"] == "G10"]
    assert g10 == [
        {
            "rule_id": "G10",
            "rule_name": "area_without_red_property",
            "severity": report.result("G10").rule.severity,
            "title_zh": "小区物业非红色物业",
            "title_en": "Residential area managed by no red property firm",
            "node_id": "A03",
            "name": "宝相小区",
            "kind": "residential_area",
            "community_id": "C02",
            "detail": "managed by O09 安居物业管理有限公司 (not red property)",
        }
    ]
    g16 = next(row for row in rows if row["rule_id"] == "G16")
    assert g16["community_id"] == ""


def test_the_html_is_self_contained_and_names_every_rule_in_both_languages(
    report: AuditReport, tmp_path: Path
) -> None:
    path = tmp_path / "audit.html"
    write_html(report, path, {"C01": "如意社区", "C02": "宝相社区"})
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "http" not in page.lower()
    assert "<link" not in page and "<script" not in page and "src=" not in page
    assert "<style>" in page and "@media print" in page
    for rule in all_rules():
        assert rule.title_zh in page, rule.id
        assert rule.title_en in page, rule.id
    assert "按社区汇总" in page and "Summary by community" in page
    assert "C01</code> 如意社区" in page
    assert "managed by O09 安居物业管理有限公司 (not red property)" in page


def test_the_html_escapes_what_it_prints(report: AuditReport) -> None:
    page = render_html(report, {"C01": "<b>如意</b>"})
    assert "<b>如意</b>" not in page
    assert "&lt;b&gt;如意&lt;/b&gt;" in page


@pytest.mark.slow
def test_the_command_prints_designs_json(small: Graph) -> None:
    result = civicgraph("audit", "--json", "--as-of", "2024-07-01")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    counts = {rule["id"]: rule["count"] for rule in document["rules"]}
    assert counts["G06"] == 2 and counts["G14"] == 6 and counts["G04"] == 0
    g01 = next(rule for rule in document["rules"] if rule["id"] == "G01")
    assert g01["findings"] == [
        {
            "node_id": "A02",
            "name": "锦绣家园",
            "kind": "residential_area",
            "community_id": "C01",
            "detail": "no area branch leads it",
        }
    ]


@pytest.mark.slow
def test_the_command_takes_rules_filters_and_writes_files(small: Graph, tmp_path: Path) -> None:
    csv_path, html_path = tmp_path / "out.csv", tmp_path / "out.html"
    result = civicgraph(
        "audit",
        "--rule",
        "G06",
        "--rule",
        "grid_without_worker",
        "--community",
        "C02",
        "--csv",
        str(csv_path),
        "--html",
        str(html_path),
        "--json",
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    found = [(rule["id"], [f["node_id"] for f in rule["findings"]]) for rule in document["rules"]]
    assert found == [
        ("G03", ["G03"]),
        ("G06", ["U03"]),
    ]
    assert csv_path.exists() and "宝相社区" in html_path.read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_command_prints_a_table_by_default(small: Graph) -> None:
    result = civicgraph("audit", "--as-of", "2024-07-01", "--street", "S01")
    assert result.returncode == 0, result.stderr
    for rule in all_rules():
        assert rule.title_zh in result.stdout, rule.id
    assert "锦绣家园" in result.stdout


@pytest.mark.slow
def test_the_command_prints_the_scorecard(small: Graph) -> None:
    result = civicgraph("audit", "--scorecard", "--json", "--as-of", "2024-07-01")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert [row["id"] for row in document["communities"]] == ["C01", "C02"]
    assert document["counties"][0]["measures"]["areas_with_branch"]["numerator"] == 2
    table = civicgraph("audit", "--scorecard")
    assert table.returncode == 0, table.stderr
    assert "如意社区" in table.stdout and "建有党支部的小区" in table.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--rule", "G99"), "unknown audit rule 'G99'"),
        (("--as-of", "2024-02-30"), "--as-of: not a date"),
        (("--sla-days", "-3"), "--sla-days: must be 0 or more"),
        (("--csv", "/nonexistent/folder/audit.csv"), "--csv: cannot write"),
    ],
)
def test_bad_input_is_one_line_without_a_traceback(
    graph: Graph, args: tuple[str, ...], message: str
) -> None:
    result = civicgraph("audit", *args)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("civicgraph: error:") and message in lines[0]
    assert result.stdout == ""
