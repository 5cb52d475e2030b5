"""Saved audits and their comparison (审计存档与对比).

``civicgraph audit --save`` keeps an audit in the graph as one
``:AuditRun`` node (a :class:`graph.schema.SystemLabel`: no ``id``, left out
of counts, search, views, exports and the audit). The node holds how the
audit was run (as-of day, scope, ``sla_days``, ``min_places``, its rules,
when it was saved) and every finding, as parallel list properties — one
element per finding — so that a run of a whole city (some 16,000 findings)
is written and read as one node, in one round trip.

A finding's identity, for comparison, is its rule, its node and, for the
rules that report one node several times, what tells those apart: the
category of G12 (a community's several uncovered categories), the post of
G19 (a person alone in several posts) and the post and holder of G20 (an
organization's several terms due). The detail text is not part of it:
G14's counts days and G09's lists what is still missing, and a finding whose
detail changed is the same finding, persisting.

:func:`compare` lists what is new, closed and persisting from one run to
another, or to the audit of the graph now (run with the earlier run's rules
and parameters). When the runs' scopes differ, the comparison is over the
narrower one, and each side's findings are kept by the community (or, for a
street, the community's street) they lie in; findings outside any community
then take no part.
"""

from __future__ import annotations

import re
import secrets
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from graph.connection import Graph
from graph.errors import NotFoundError
from queries.audit import AuditInputError, AuditReport, Finding, all_rules, run_audit
from queries.catalog import run, write
from queries.masking import mask_finding

_DATE_LIKE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")

_KEY_WORDS = {"G12": (0, 1), "G19": (1, 2), "G20": (0, 2)}
"""For the rules that report one node several times, which words of the
detail tell those findings apart (G12: the category id; G19: the post;
G20: the post and its holder's id)."""

_LISTS = ("f_rule", "f_node", "f_key", "f_name", "f_kind", "f_community", "f_street", "f_detail")


class AuditRunNotFoundError(NotFoundError):
    """No saved run has the id given (or none is visible in the caller's scope)."""

    exit_code = 2


class AuditRunInputError(AuditInputError):
    """A run was asked for with a malformed date."""


@dataclass(frozen=True)
class RunFinding:
    """A finding with its rule and street, as a run keeps it.

    Attributes:
        rule_id: the rule that found it.
        finding: the finding.
        street_id: the street its community lies in (``None`` outside any).
    """

    rule_id: str
    finding: Finding
    street_id: str | None = None

    @property
    def identity(self) -> tuple[str, str, str]:
        """``(rule id, node id, key)``: what makes it the same finding in two runs."""
        return (self.rule_id, self.finding.node_id, finding_key(self.rule_id, self.finding))

    def to_json(self) -> dict[str, Any]:
        """The finding as the API's audit gives it: DESIGN's shape and its rule."""
        return {**self.finding.to_json(), "rule_id": self.rule_id}


def finding_key(rule_id: str, finding: Finding) -> str:
    """What tells apart several findings of one rule about one node ("" for
    rules that report a node once)."""
    span = _KEY_WORDS.get(rule_id)
    if span is None:
        return ""
    words = finding.detail.split()
    return " ".join(words[span[0] : span[1]]) if len(words) >= span[1] else finding.detail


@dataclass(frozen=True)
class AuditRun:
    """A saved audit.

    Attributes:
        run_id: its id, ``r`` + the UTC time it was saved + 4 hex digits.
        saved_at: when it was saved (UTC).
        as_of: the audit's as-of day.
        sla_days: G14's limit.
        min_places: G19's threshold.
        community_id: the community it was limited to, if any.
        street_id: the street it was limited to, if any.
        rules: the ids of the rules it ran.
        total: how many findings it holds.
        findings: its findings (empty when only listed).
    """

    run_id: str
    saved_at: datetime
    as_of: date
    sla_days: int
    min_places: int
    community_id: str | None
    street_id: str | None
    rules: tuple[str, ...]
    total: int
    findings: tuple[RunFinding, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The run without its findings."""
        return {
            "run_id": self.run_id,
            "saved_at": self.saved_at.isoformat(),
            "as_of": self.as_of.isoformat(),
            "sla_days": self.sla_days,
            "min_places": self.min_places,
            "community_id": self.community_id,
            "street_id": self.street_id,
            "rules": list(self.rules),
            "total": self.total,
        }


@dataclass(frozen=True)
class Comparison:
    """What changed between two audits.

    Attributes:
        from_run: the earlier, saved run.
        to_run: the later saved run, or ``None`` for the audit of the graph now.
        new: findings of the later audit the earlier lacked.
        closed: findings of the earlier audit the later lacks (已整改).
        persisting: findings in both, by rule id and community.
        community_id: the community compared over, if any.
        street_id: the street compared over, if any.
    """

    from_run: AuditRun
    to_run: AuditRun | None
    new: tuple[RunFinding, ...]
    closed: tuple[RunFinding, ...]
    persisting: tuple[RunFinding, ...]
    community_id: str | None = None
    street_id: str | None = None

    def by_rule(self) -> dict[str, dict[str, int]]:
        """``{rule id: {"new", "closed", "persisting"}}`` for rules with any."""
        return _tally(self, lambda item: item.rule_id)

    def by_community(self) -> dict[str, dict[str, int]]:
        """The same per community id (``""``: outside any community)."""
        return _tally(self, lambda item: item.finding.community_id or "")

    def masked(self) -> Comparison:
        """The comparison as a viewer sees it (:func:`queries.masking.mask_finding`)."""

        def mask(items: tuple[RunFinding, ...]) -> tuple[RunFinding, ...]:
            return tuple(RunFinding(i.rule_id, mask_finding(i.finding), i.street_id) for i in items)

        return Comparison(
            self.from_run,
            self.to_run,
            mask(self.new),
            mask(self.closed),
            self.persisting,
            self.community_id,
            self.street_id,
        )

    def to_json(self) -> dict[str, Any]:
        """``{"from_run", "to_run", "new", "closed", "persisting", ...}``:
        ``to_run`` is ``null`` for the audit of the graph now; ``persisting``
        is a count; ``by_rule`` and ``by_community`` tally all three."""
        return {
            "from_run": self.from_run.to_json(),
            "to_run": None if self.to_run is None else self.to_run.to_json(),
            "community_id": self.community_id,
            "street_id": self.street_id,
            "new": [item.to_json() for item in self.new],
            "closed": [item.to_json() for item in self.closed],
            "persisting": len(self.persisting),
            "by_rule": self.by_rule(),
            "by_community": self.by_community(),
        }


def _tally(comparison: Comparison, key: Any) -> dict[str, dict[str, int]]:
    counts: dict[str, Counter[str]] = {}
    for name, items in (
        ("new", comparison.new),
        ("closed", comparison.closed),
        ("persisting", comparison.persisting),
    ):
        for item in items:
            counts.setdefault(key(item), Counter())[name] += 1
    return {
        group: {name: found[name] for name in ("new", "closed", "persisting")}
        for group, found in sorted(counts.items())
    }


def community_streets(graph: Graph) -> dict[str, str | None]:
    """Every community's street id."""
    return {row["community_id"]: row["street_id"] for row in run(graph, "audit_community_streets")}


def run_findings(report: AuditReport, streets: Mapping[str, str | None]) -> tuple[RunFinding, ...]:
    """An audit's findings, each with its rule and its community's street."""
    return tuple(
        RunFinding(
            result.rule.id,
            finding,
            streets.get(finding.community_id) if finding.community_id else None,
        )
        for result in report.results
        for finding in result.findings
    )


def save_run(graph: Graph, report: AuditReport, now: datetime | None = None) -> AuditRun:
    """Keep an audit in the graph.

    Returns:
        The run saved (with its findings).
    """
    saved_at = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    run_id = f"r{saved_at:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
    findings = run_findings(report, community_streets(graph))
    saved = AuditRun(
        run_id=run_id,
        saved_at=saved_at,
        as_of=report.as_of,
        sla_days=report.sla_days,
        min_places=report.min_places,
        community_id=report.community_id,
        street_id=report.street_id,
        rules=tuple(result.rule.id for result in report.results),
        total=len(findings),
        findings=findings,
    )
    properties: dict[str, Any] = {
        **saved.to_json(),
        "f_rule": [item.rule_id for item in findings],
        "f_node": [item.finding.node_id for item in findings],
        "f_key": [finding_key(item.rule_id, item.finding) for item in findings],
        "f_name": [item.finding.name or "" for item in findings],
        "f_kind": [item.finding.kind or "" for item in findings],
        "f_community": [item.finding.community_id or "" for item in findings],
        "f_street": [item.street_id or "" for item in findings],
        "f_detail": [item.finding.detail for item in findings],
    }
    write(graph, "audit_run_save", {"run": properties})
    return saved


def _run_of(properties: Mapping[str, Any], with_findings: bool) -> AuditRun:
    findings: tuple[RunFinding, ...] = ()
    if with_findings:
        columns = [list(properties.get(name) or []) for name in _LISTS]
        findings = tuple(
            RunFinding(
                rule,
                Finding(
                    node_id=node,
                    name=name or None,
                    kind=kind or None,
                    community_id=community or None,
                    detail=detail,
                ),
                street or None,
            )
            for rule, node, _key, name, kind, community, street, detail in zip(
                *columns, strict=True
            )
        )
    return AuditRun(
        run_id=str(properties["run_id"]),
        saved_at=datetime.fromisoformat(str(properties["saved_at"])),
        as_of=date.fromisoformat(str(properties["as_of"])),
        sla_days=int(properties["sla_days"]),
        min_places=int(properties["min_places"]),
        community_id=properties.get("community_id"),
        street_id=properties.get("street_id"),
        rules=tuple(properties.get("rules") or ()),
        total=int(properties.get("total") or 0),
        findings=findings,
    )


def list_runs(graph: Graph) -> list[AuditRun]:
    """Every saved run, oldest first, without findings."""
    return [_run_of(row["run"], False) for row in run(graph, "audit_run_list")]


def get_run(graph: Graph, run_id: str) -> AuditRun:
    """A saved run with its findings.

    Raises:
        AuditRunNotFoundError: no run has that id.
    """
    rows = run(graph, "audit_run_get", {"run_id": run_id})
    if not rows:
        raise AuditRunNotFoundError(run_id, "audit run")
    return _run_of(rows[0]["run"], True)


@dataclass(frozen=True)
class Scope:
    """A community, a street, or everything (both ``None``)."""

    community_id: str | None = None
    street_id: str | None = None

    def holds(self, other: Scope, streets: Mapping[str, str | None]) -> bool:
        """Whether ``other`` lies within this scope."""
        if self.community_id is not None:
            return other.community_id == self.community_id
        if self.street_id is not None:
            if other.community_id is not None:
                return streets.get(other.community_id) == self.street_id
            return other.street_id == self.street_id
        return True

    def keeps(self, item: RunFinding) -> bool:
        """Whether a finding lies in this scope, by its community and street."""
        if self.community_id is not None:
            return item.finding.community_id == self.community_id
        if self.street_id is not None:
            return item.street_id == self.street_id
        return True


def scope_of(run_or_report: AuditRun | AuditReport) -> Scope:
    """The scope a run or a report was limited to."""
    return Scope(run_or_report.community_id, run_or_report.street_id)


def narrower(first: Scope, second: Scope, streets: Mapping[str, str | None]) -> Scope | None:
    """The narrower of two nested scopes; ``None`` when neither holds the other."""
    if first.holds(second, streets):
        return second
    if second.holds(first, streets):
        return first
    return None


def visible_runs(graph: Graph, scope: Scope) -> list[AuditRun]:
    """The runs comparable within a scope (their scope holds it or lies in it), oldest first."""
    streets = community_streets(graph)
    return [found for found in list_runs(graph) if narrower(scope_of(found), scope, streets)]


def resolve_run(
    graph: Graph, reference: str | None, scope: Scope, before: AuditRun | None = None
) -> AuditRun:
    """The run a reference names, with its findings.

    Args:
        graph: the connection.
        reference: a run id; a date (``YYYY-MM-DD``: the latest run saved on
            or before that day, UTC); or ``None``: the latest run (saved
            before ``before``, when given).
        scope: the caller's scope: only runs comparable within it are found.
        before: the later run of a comparison of two saved runs.

    Raises:
        AuditRunNotFoundError: no such run within the scope.
        AuditRunInputError: a reference that looks like a date and is none.
    """
    runs = visible_runs(graph, scope)
    if before is not None:
        runs = [
            found
            for found in runs
            if (found.saved_at, found.run_id) < (before.saved_at, before.run_id)
        ]
    if reference is None:
        if not runs:
            raise AuditRunNotFoundError("no saved run", "audit run")
        return get_run(graph, runs[-1].run_id)
    wanted = reference.strip()
    if _DATE_LIKE.match(wanted):
        try:
            day = date.fromisoformat(wanted)
        except ValueError:
            raise AuditRunInputError(f"not a date (YYYY-MM-DD): {reference!r}") from None
        on_or_before = [found for found in runs if found.saved_at.astimezone(UTC).date() <= day]
        if not on_or_before:
            raise AuditRunNotFoundError(f"saved on or before {day.isoformat()}", "audit run")
        return get_run(graph, on_or_before[-1].run_id)
    if not any(found.run_id == wanted for found in runs):
        raise AuditRunNotFoundError(wanted, "audit run")
    return get_run(graph, wanted)


def compare(
    graph: Graph,
    from_reference: str | None = None,
    to_reference: str | None = None,
    scope: Scope | None = None,
    as_of: date | None = None,
    report: AuditReport | None = None,
) -> Comparison:
    """Compare a saved run with a later one, or with the audit now.

    Args:
        graph: the connection.
        from_reference: the earlier run (:func:`resolve_run`; ``None``: the
            run before the later one).
        to_reference: the later run; ``None``: the audit of the graph now.
        scope: the caller's scope (everything when ``None``).
        as_of: the as-of day of the audit now (today when ``None``).
        report: the audit now, when the caller has run it already (its
            scope must be ``scope``).

    Raises:
        AuditRunNotFoundError: an unknown run, or none saved.
        AuditRunInputError: a malformed date.
    """
    wanted = scope or Scope()
    streets = community_streets(graph)
    later = resolve_run(graph, to_reference, wanted) if to_reference is not None else None
    earlier = resolve_run(graph, from_reference, wanted, before=later)
    sides: list[Scope] = [scope_of(earlier), wanted] + ([scope_of(later)] if later else [])
    common = wanted
    for side in sides:
        found = narrower(common, side, streets)
        if found is None:
            raise AuditRunNotFoundError(earlier.run_id, "audit run")
        common = found
    known = {rule.id for rule in all_rules()}
    rules = [rule for rule in earlier.rules if rule in known]
    if later is not None:
        rules = [rule for rule in rules if rule in later.rules]
        after = later.findings
        after_scope = scope_of(later)
    else:
        if report is None or scope_of(report) != common:
            report = run_audit(
                graph,
                rules,
                community_id=common.community_id,
                street_id=common.street_id,
                as_of=as_of,
                sla_days=earlier.sla_days,
                min_places=earlier.min_places,
            )
        after = run_findings(report, streets)
        after_scope = common
    chosen = set(rules)
    before_items = [item for item in earlier.findings if item.rule_id in chosen]
    after_items = [item for item in after if item.rule_id in chosen]
    if scope_of(earlier) != common or after_scope != common:
        before_items = [item for item in before_items if common.keeps(item)]
        after_items = [item for item in after_items if common.keeps(item)]
    return _difference(earlier, later, before_items, after_items, common)


def _difference(
    earlier: AuditRun,
    later: AuditRun | None,
    before: Sequence[RunFinding],
    after: Sequence[RunFinding],
    scope: Scope,
) -> Comparison:
    before_ids = {item.identity for item in before}
    after_ids = {item.identity for item in after}
    return Comparison(
        from_run=earlier,
        to_run=later,
        new=_sorted(item for item in after if item.identity not in before_ids),
        closed=_sorted(item for item in before if item.identity not in after_ids),
        persisting=_sorted(item for item in after if item.identity in before_ids),
        community_id=scope.community_id,
        street_id=scope.street_id,
    )


def _sorted(items: Iterable[RunFinding]) -> tuple[RunFinding, ...]:
    return tuple(sorted(items, key=lambda item: (item.rule_id, *item.finding.sort_key())))


def latest_comparable(graph: Graph, scope: Scope) -> AuditRun | None:
    """The latest run comparable within a scope, with its findings, or ``None``."""
    runs = visible_runs(graph, scope)
    return get_run(graph, runs[-1].run_id) if runs else None
