"""The audit as a printable HTML page (体检报告): one self-contained file with
its CSS inline and no external assets or links, that a planner opens offline
or prints. It holds a summary by rule, a summary by community, then every
rule's findings; each rule's title appears in Chinese and English.

The page is rendered from ``queries/templates/audit_report.html`` with Jinja2,
autoescaped, from an :class:`queries.audit.AuditReport` (no database access).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2

from graph.schema import ZH
from queries.audit import SEVERITIES, SEVERITY_ZH, AuditReport, Severity

DEFAULT_FINDINGS_PER_RULE = 500
"""Findings listed per rule in the page; the CSV export has them all."""


@dataclass(frozen=True)
class CommunitySummary:
    """One line of the summary by community.

    Attributes:
        id: the community's id (``None``: findings outside any community).
        name: its name, when known.
        by_severity: findings per severity.
        by_rule: findings per rule id.
    """

    id: str | None
    name: str
    by_severity: Mapping[Severity, int]
    by_rule: Mapping[str, int]

    @property
    def total(self) -> int:
        """All its findings."""
        return sum(self.by_severity.values())


def community_summaries(
    report: AuditReport, community_names: Mapping[str, str] | None = None
) -> list[CommunitySummary]:
    """Findings per community, most findings first (then by id); findings
    outside any community last."""
    names = community_names or {}
    severity_of = {result.rule.id: result.rule.severity for result in report.results}
    summaries = []
    for community_id, by_rule in report.counts_by_community().items():
        by_severity: Counter[Severity] = Counter()
        for rule_id, count in by_rule.items():
            by_severity[severity_of[rule_id]] += count
        summaries.append(
            CommunitySummary(
                id=community_id,
                name=names.get(community_id or "", ""),
                by_severity={severity: by_severity[severity] for severity in SEVERITIES},
                by_rule={result.rule.id: by_rule[result.rule.id] for result in report.results},
            )
        )
    summaries.sort(key=lambda row: (row.id is None, -row.total, row.id or ""))
    return summaries


def kind_label(kind: str | None) -> str:
    """A finding's kind with its Chinese term: ``residential_area 小区``."""
    if not kind:
        return ""
    zh = ZH.get(kind)
    return f"{kind} {zh}" if zh else kind


def render_html(
    report: AuditReport,
    community_names: Mapping[str, str] | None = None,
    findings_per_rule: int = DEFAULT_FINDINGS_PER_RULE,
    *,
    nonce: str | None = None,
) -> str:
    """The report as one self-contained HTML page.

    Args:
        report: the audit.
        community_names: community id → name, to print beside ids.
        findings_per_rule: how many findings of each rule to list.
        nonce: the Content-Security-Policy nonce of the answer that serves
            it, put on its ``<style>`` element.
    """
    names = dict(community_names or {})
    scope = (
        ", ".join(
            part
            for part in (
                f"社区 community {report.community_id}" if report.community_id else "",
                f"街道 street {report.street_id}" if report.street_id else "",
            )
            if part
        )
        or "全部 everything"
    )
    return _template().render(
        report=report,
        scope=scope,
        severities=SEVERITIES,
        severity_zh=SEVERITY_ZH,
        communities=community_summaries(report, names),
        rules_with_findings=[result.rule for result in report.results if result.count],
        community_names=names,
        kind_label=kind_label,
        limit=findings_per_rule,
        nonce=nonce,
    )


def write_html(
    report: AuditReport, path: Path, community_names: Mapping[str, str] | None = None
) -> None:
    """Write :func:`render_html` to ``path`` (UTF-8)."""
    path.write_text(render_html(report, community_names), encoding="utf-8")


@cache
def _template() -> jinja2.Template:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("queries", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template("audit_report.html")
