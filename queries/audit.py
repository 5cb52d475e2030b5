"""The governance audit: rules G01–G19 of DESIGN.md ("Audit rules") and G20
(term_due, issue F), each one query of the catalog, run together into one
report of findings.

A rule is any catalog query whose header carries an ``audit:`` field; its id,
severity and zh/en titles are read from that header, so they are written once,
next to the Cypher that implements them. Every rule returns rows of
``node_id, name, kind, community_id, detail`` and takes the same filters
(``$community_id``, ``$street_id``) and judge the graph on one day,
``$as_of`` (today unless given): only the posts held that day and the
places and organizations that exist that day count (the fragments
``held_on`` and ``alive_on``), and G14 measures ages at it. G14 also takes
``$sla_days``, G15 the level chain of :data:`graph.schema.LEVEL_PARENT`, G19
``$min_places``, G20 ``$term_warn_days`` and ``$term_years``.
:func:`run_audit` runs them and returns an :class:`AuditReport`, whose
:meth:`AuditReport.to_json` is the ``audit`` JSON shape of DESIGN.md
("Command line").
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal

from graph.connection import Graph, Record
from graph.errors import CivicGraphError, NotFoundError
from graph.schema import LEVEL_PARENT
from queries.catalog import QueryCatalogError, load_query, query_names, run
from queries.tabular import report_csv, write_report_csv

Severity = Literal["high", "medium", "low"]

SEVERITIES: tuple[Severity, ...] = ("high", "medium", "low")
"""The severities, most serious first."""

SEVERITY_ZH: dict[Severity, str] = {"high": "高", "medium": "中", "low": "低"}
"""The Chinese word for each severity, for reports."""

DEFAULT_SLA_DAYS = 30
"""Days a need may stay open or assigned before G14 reports it."""

DEFAULT_MIN_PLACES = 3
"""Targets at which one sole holder makes G19 report a single point of failure."""

DEFAULT_TERM_WARN_DAYS = 90
"""Days before a term's end at which G20 reports it."""

DEFAULT_TERM_YEARS = 5
"""Years of a term of office (任期), counted from a post's ``since`` (G20)."""

CSV_COLUMNS: tuple[str, ...] = (
    "rule_id",
    "rule_name",
    "severity",
    "title_zh",
    "title_en",
    "node_id",
    "name",
    "kind",
    "community_id",
    "detail",
)
"""The columns of :func:`write_csv`, one row per finding."""

_RULE_ID = re.compile(r"^G\d{2}$")


class AuditInputError(CivicGraphError):
    """An audit was asked for with a bad value: an unknown rule, a malformed
    date, a negative number of days."""

    exit_code = 2


@dataclass(frozen=True)
class Rule:
    """One audit rule, as its query's header describes it.

    Attributes:
        id: ``G01`` … ``G20``.
        name: the rule's name, e.g. ``area_without_branch`` (also its query's).
        severity: ``high``, ``medium`` or ``low``.
        title_zh: the Chinese title, e.g. 小区未建党支部.
        title_en: the English title.
        query: the catalog query that implements it.
        note: why it has its severity.
    """

    id: str
    name: str
    severity: Severity
    title_zh: str
    title_en: str
    query: str
    note: str = ""

    @property
    def title(self) -> str:
        """Both titles, Chinese first: ``小区未建党支部 · Residential area …``."""
        return f"{self.title_zh} · {self.title_en}"


@dataclass(frozen=True)
class Finding:
    """One node a rule found.

    Attributes:
        node_id: the node's id (for G12, the community's).
        name: the node's name.
        kind: what the node is: a place kind, a party-org level, an
            organization kind, ``person``, ``need``, ``service``, ``project``.
        community_id: the community it lies in; ``None`` above the community
            level or when it spans several.
        detail: what exactly is wrong, in one line.
    """

    node_id: str
    name: str | None
    kind: str | None
    community_id: str | None
    detail: str

    def to_json(self) -> dict[str, Any]:
        """The finding in DESIGN.md's JSON shape."""
        return {
            "node_id": self.node_id,
            "name": self.name,
            "kind": self.kind,
            "community_id": self.community_id,
            "detail": self.detail,
        }

    def sort_key(self) -> tuple[bool, str, str, str]:
        """Communities in id order (findings outside any community last), then
        node id, then detail."""
        return (self.community_id is None, self.community_id or "", self.node_id, self.detail)


@dataclass(frozen=True)
class RuleResult:
    """What one rule found.

    Attributes:
        rule: the rule.
        findings: its findings, sorted (:meth:`Finding.sort_key`).
        seconds: how long its query took, wall clock.
    """

    rule: Rule
    findings: tuple[Finding, ...]
    seconds: float = 0.0

    @property
    def count(self) -> int:
        """How many findings."""
        return len(self.findings)

    def to_json(self) -> dict[str, Any]:
        """The rule's entry of the ``rules`` list (DESIGN.md), with its titles."""
        return {
            "id": self.rule.id,
            "name": self.rule.name,
            "severity": self.rule.severity,
            "count": self.count,
            "findings": [finding.to_json() for finding in self.findings],
            "title_zh": self.rule.title_zh,
            "title_en": self.rule.title_en,
        }


@dataclass(frozen=True)
class AuditReport:
    """The findings of one audit run, rule by rule in id order.

    Attributes:
        results: one per rule run.
        as_of: the day the audit judged the graph on (and G14 measured ages at).
        sla_days: G14's limit.
        min_places: G19's threshold.
        term_warn_days: G20's warning period.
        term_years: G20's term length.
        community_id: the community the audit was limited to, if any.
        street_id: the street the audit was limited to, if any.
    """

    results: tuple[RuleResult, ...]
    as_of: date
    sla_days: int = DEFAULT_SLA_DAYS
    min_places: int = DEFAULT_MIN_PLACES
    community_id: str | None = None
    street_id: str | None = None
    term_warn_days: int = DEFAULT_TERM_WARN_DAYS
    term_years: int = DEFAULT_TERM_YEARS

    @property
    def total(self) -> int:
        """Findings of every rule together."""
        return sum(result.count for result in self.results)

    @property
    def seconds(self) -> float:
        """Time spent in the rules' queries."""
        return sum(result.seconds for result in self.results)

    def result(self, rule: str) -> RuleResult:
        """The result of one rule, by id or name.

        Raises:
            KeyError: when that rule was not run.
        """
        for result in self.results:
            if rule in (result.rule.id, result.rule.name):
                return result
        raise KeyError(rule)

    def counts_by_community(self) -> dict[str | None, Counter[str]]:
        """Findings per community (``None``: outside any), per rule id."""
        counts: dict[str | None, Counter[str]] = {}
        for result in self.results:
            for finding in result.findings:
                counts.setdefault(finding.community_id, Counter())[result.rule.id] += 1
        return counts

    def to_json(self) -> dict[str, Any]:
        """The ``audit`` JSON shape of DESIGN.md: ``{"rules": [{"id", "name",
        "severity", "count", "findings": [...]}]}``; each rule also carries
        ``title_zh`` and ``title_en``."""
        return {"rules": [result.to_json() for result in self.results]}

    def rows(self) -> list[dict[str, Any]]:
        """One flat row per finding, with its rule (the CSV's rows)."""
        return [
            {
                "rule_id": result.rule.id,
                "rule_name": result.rule.name,
                "severity": result.rule.severity,
                "title_zh": result.rule.title_zh,
                "title_en": result.rule.title_en,
                **finding.to_json(),
            }
            for result in self.results
            for finding in result.findings
        ]


@cache
def all_rules() -> tuple[Rule, ...]:
    """Every audit rule of the catalog, in id order.

    Raises:
        QueryCatalogError: a rule's header lacks a field, or names a severity
            or an id that is not one of the allowed.
    """
    found: list[Rule] = []
    for name in query_names():
        query = load_query(name)
        rule_id = query.header.get("audit")
        if rule_id is None:
            continue
        header = query.header
        missing = [key for key in ("severity", "zh", "en") if not header.get(key)]
        if missing:
            raise QueryCatalogError(
                f"queries/cypher/{name}.cypher: audit rule header lacks {', '.join(missing)}"
            )
        severity = header["severity"]
        if severity not in SEVERITIES:
            raise QueryCatalogError(
                f"queries/cypher/{name}.cypher: severity {severity!r} is not one of "
                + ", ".join(SEVERITIES)
            )
        if not _RULE_ID.match(rule_id):
            raise QueryCatalogError(
                f"queries/cypher/{name}.cypher: audit id {rule_id!r} is not like G01"
            )
        found.append(
            Rule(
                id=rule_id,
                name=name,
                severity=severity,
                title_zh=header["zh"],
                title_en=header["en"],
                query=name,
                note=header.get("note", ""),
            )
        )
    found.sort(key=lambda rule: rule.id)
    ids = [rule.id for rule in found]
    duplicates = sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1})
    if duplicates:
        raise QueryCatalogError(f"audit ids used by several queries: {', '.join(duplicates)}")
    return tuple(found)


def find_rule(key: str) -> Rule:
    """A rule by id (``G05``, ``g05``) or name (``building_without_head``).

    Raises:
        AuditInputError: no rule has that id or name.
    """
    wanted = key.strip()
    for rule in all_rules():
        if wanted.upper() == rule.id or wanted == rule.name:
            return rule
    known = ", ".join(rule.id for rule in all_rules())
    raise AuditInputError(f"unknown audit rule {key!r}: give an id ({known}) or a rule's name")


def select_rules(keys: Iterable[str | Rule] | None) -> tuple[Rule, ...]:
    """The rules named (all when ``None`` or empty), each once, in id order.

    Raises:
        AuditInputError: a key names no rule.
    """
    chosen = [key if isinstance(key, Rule) else find_rule(key) for key in keys or ()]
    if not chosen:
        return all_rules()
    return tuple(sorted(set(chosen), key=lambda rule: rule.id))


def parse_date(text: str, option: str = "--as-of") -> date:
    """An ISO date (``YYYY-MM-DD``) given on the command line.

    Raises:
        AuditInputError: the text is not such a date.
    """
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise AuditInputError(f"{option}: not a date (YYYY-MM-DD): {text!r}") from None


def run_audit(
    graph: Graph,
    rules: Iterable[str | Rule] | None = None,
    community_id: str | None = None,
    street_id: str | None = None,
    as_of: date | None = None,
    sla_days: int = DEFAULT_SLA_DAYS,
    min_places: int = DEFAULT_MIN_PLACES,
    term_warn_days: int = DEFAULT_TERM_WARN_DAYS,
    term_years: int = DEFAULT_TERM_YEARS,
) -> AuditReport:
    """Run audit rules and collect their findings.

    Args:
        graph: the connection.
        rules: ids or names of the rules to run (all when ``None``).
        community_id: only findings in this community.
        street_id: only findings in this street.
        as_of: the day every rule judges the graph on, and G14 measures
            ages at (today when ``None``).
        sla_days: days a need may stay open or assigned (G14).
        min_places: targets a sole holder must hold a post at (G19).
        term_warn_days: days before a term's end that G20 reports it.
        term_years: years of a term without an ``until`` (G20).

    Returns:
        The report, rules in id order, findings sorted.

    Raises:
        AuditInputError: an unknown rule, a negative ``sla_days`` or
            ``term_warn_days``, a ``min_places`` or ``term_years`` below 1.
        NotFoundError: no community or street has the id given.
    """
    chosen = select_rules(rules)
    if sla_days < 0:
        raise AuditInputError(f"--sla-days: must be 0 or more, not {sla_days}")
    if min_places < 1:
        raise AuditInputError(f"--min-places: must be 1 or more, not {min_places}")
    if term_warn_days < 0:
        raise AuditInputError(f"--term-warn-days: must be 0 or more, not {term_warn_days}")
    if term_years < 1:
        raise AuditInputError(f"--term-years: must be 1 or more, not {term_years}")
    scope = {"community_id": community_id, "street_id": street_id}
    _check_scope(graph, scope)
    day = as_of or date.today()
    parameters: dict[str, Any] = {
        **scope,
        "as_of": day,
        "sla_days": sla_days,
        "min_places": min_places,
        "term_warn_days": term_warn_days,
        "term_years": term_years,
        "level_parent": level_parent_map(),
    }
    results = []
    for rule in chosen:
        started = time.perf_counter()
        rows = run(graph, rule.query, parameters)
        elapsed = time.perf_counter() - started
        results.append(RuleResult(rule, findings_of(rows), elapsed))
    return AuditReport(
        results=tuple(results),
        as_of=day,
        sla_days=sla_days,
        min_places=min_places,
        community_id=community_id,
        street_id=street_id,
        term_warn_days=term_warn_days,
        term_years=term_years,
    )


def level_parent_map() -> dict[str, str | None]:
    """:data:`graph.schema.LEVEL_PARENT` as G15's ``$level_parent`` parameter."""
    return {level.value: parent.value if parent else None for level, parent in LEVEL_PARENT.items()}


def findings_of(rows: Sequence[Record]) -> tuple[Finding, ...]:
    """A rule query's rows as sorted findings."""
    findings = [
        Finding(
            node_id=str(row["node_id"]),
            name=row["name"],
            kind=row["kind"],
            community_id=row["community_id"],
            detail=row["detail"] or "",
        )
        for row in rows
    ]
    return tuple(sorted(findings, key=Finding.sort_key))


def write_csv(report: AuditReport, path: Path) -> int:
    """Write one row per finding, with its rule's id, name, severity and
    titles (:data:`CSV_COLUMNS`), safe to open in Excel
    (:mod:`queries.tabular`).

    Returns:
        How many findings were written.
    """
    return write_report_csv(path, CSV_COLUMNS, report.rows())


def csv_text(report: AuditReport) -> str:
    """The rows of :func:`write_csv` as CSV text."""
    return report_csv(CSV_COLUMNS, report.rows())


def _check_scope(graph: Graph, scope: Mapping[str, str | None]) -> None:
    if scope["community_id"] is None and scope["street_id"] is None:
        return
    found = run(graph, "audit_scope", scope)[0]
    if not found["community_found"]:
        raise NotFoundError(str(scope["community_id"]), "community")
    if not found["street_found"]:
        raise NotFoundError(str(scope["street_id"]), "street")


def community_names(graph: Graph) -> dict[str, str]:
    """Every community's name by id, for reports that print findings' communities."""
    return {row["community_id"]: row["name"] for row in run(graph, "audit_community_names")}
