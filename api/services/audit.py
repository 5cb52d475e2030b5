"""The governance audit (治理体检) and the community scorecard (社区评分卡),
as a token may see them: within its street or community, people masked for
viewers. One audit, three representations: a page of findings
(:func:`audit_page`), every finding as CSV (:func:`audit_csv`), the printable
report (:func:`audit_html`); and the scorecard built on the whole audit."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from api.deps import PageParams, masked, paged, scoped_area
from api.models import (
    AuditComparisonPublic,
    AuditDocument,
    AuditPublic,
    AuditRunPublic,
    AuditRunsPublic,
    ScorecardDocument,
    ScorecardPublic,
)
from api.tokens import ApiToken
from graph.connection import Graph
from queries.audit import (
    DEFAULT_MIN_PLACES,
    DEFAULT_SLA_DAYS,
    DEFAULT_TERM_WARN_DAYS,
    DEFAULT_TERM_YEARS,
    AuditReport,
    community_names,
    csv_text,
    run_audit,
)
from queries.audit_runs import AuditRunNotFoundError, Scope, compare, save_run, visible_runs
from queries.masking import mask_report
from queries.report import render_html
from queries.scorecard import Scorecard, scorecard_from

CSV_FILENAME = "audit.csv"
"""The name an audit's CSV is downloaded as."""


@dataclass(frozen=True)
class AuditFilters:
    """What an audit is asked for.

    Attributes:
        rules: the rules to run, by id or name (``None``: every rule).
        community_id: one community only.
        street_id: one street only.
        as_of: the day judged (posts held, places and organizations
            existing then) and G14 measures needs' ages at (today when ``None``).
        sla_days: G14's limit.
        min_places: G19's threshold.
        term_warn_days: G20's warning period.
        term_years: G20's term length.
    """

    rules: tuple[str, ...] | None = None
    community_id: str | None = None
    street_id: str | None = None
    as_of: date | None = None
    sla_days: int = DEFAULT_SLA_DAYS
    min_places: int = DEFAULT_MIN_PLACES
    term_warn_days: int = DEFAULT_TERM_WARN_DAYS
    term_years: int = DEFAULT_TERM_YEARS


def audit_report(graph: Graph, token: ApiToken, filters: AuditFilters) -> AuditReport:
    """The audit a token may see: within its scope, masked for viewers.

    Raises:
        NotFoundError: a filter names a place outside the token's scope.
        AuditInputError: an unknown rule, a bad number of days.
    """
    report = _scoped_audit(graph, token, filters)
    return mask_report(report) if masked(token) else report


def _scoped_audit(graph: Graph, token: ApiToken, filters: AuditFilters) -> AuditReport:
    """The audit within the token's scope, unmasked."""
    area = scoped_area(graph, token, filters.community_id, filters.street_id)
    return run_audit(
        graph,
        list(filters.rules) if filters.rules is not None else None,
        community_id=area.community_id,
        street_id=area.street_id,
        as_of=filters.as_of,
        sla_days=filters.sla_days,
        min_places=filters.min_places,
        term_warn_days=filters.term_warn_days,
        term_years=filters.term_years,
    )


def audit_page(
    graph: Graph, token: ApiToken, filters: AuditFilters, page: PageParams
) -> AuditPublic:
    """Each rule's count and a page of the findings."""
    return audit_public(audit_report(graph, token, filters), page)


def audit_csv(graph: Graph, token: ApiToken, filters: AuditFilters) -> str:
    """Every finding as CSV (:func:`queries.audit.csv_text`)."""
    return csv_text(audit_report(graph, token, filters))


def audit_html(graph: Graph, token: ApiToken, filters: AuditFilters, nonce: str | None) -> str:
    """The printable report (:func:`queries.report.render_html`), its inline
    elements carrying ``nonce``."""
    report = audit_report(graph, token, filters)
    return render_html(report, community_names(graph), nonce=nonce)


def scorecard_page(
    graph: Graph, token: ApiToken, filters: AuditFilters, page: PageParams
) -> ScorecardPublic:
    """The scorecard of the whole audit (``filters.rules`` is not used): a
    page of its communities, every street and county."""
    card = scorecard_from(graph, audit_report(graph, token, replace(filters, rules=None)))
    return scorecard_public(card, page)


# --- the public models, from the records ---------------------------------------


def _audit_json(report: AuditReport) -> dict[str, Any]:
    """DESIGN's ``audit`` JSON (:meth:`AuditReport.to_json`) with how it was run."""
    return {
        "as_of": report.as_of,
        "sla_days": report.sla_days,
        "min_places": report.min_places,
        "term_warn_days": report.term_warn_days,
        "term_years": report.term_years,
        "community_id": report.community_id,
        "street_id": report.street_id,
        "total": report.total,
        **report.to_json(),
    }


def audit_public(report: AuditReport, page: PageParams) -> AuditPublic:
    """An audit as the API answers it: each rule's count, a page of the
    findings (each with its rule)."""
    findings = [
        {**finding.to_json(), "rule_id": result.rule.id}
        for result in report.results
        for finding in result.findings
    ]
    return paged(AuditPublic, {**_audit_json(report), "findings": findings}, "findings", page)


def audit_document(report: AuditReport) -> AuditDocument:
    """An audit whole, DESIGN's ``audit`` JSON: every rule with its findings."""
    return AuditDocument.model_validate(_audit_json(report))


def scorecard_public(card: Scorecard, page: PageParams) -> ScorecardPublic:
    """The scorecard as the API answers it: a page of communities."""
    return paged(ScorecardPublic, card.to_json(), "communities", page)


def scorecard_document(card: Scorecard) -> ScorecardDocument:
    """The scorecard whole (``civicgraph audit --scorecard --json``)."""
    return ScorecardDocument.model_validate(card.to_json())


# --- saved runs (审计存档) ------------------------------------------------------


def _scope(graph: Graph, token: ApiToken, filters: AuditFilters) -> Scope:
    area = scoped_area(graph, token, filters.community_id, filters.street_id)
    return Scope(area.community_id, area.street_id)


def save_audit_run(graph: Graph, token: ApiToken, filters: AuditFilters) -> AuditRunPublic:
    """Run the audit within the token's scope and keep it in the graph (not masked:
    masking is applied when a run is read)."""
    report = _scoped_audit(graph, token, filters)
    return AuditRunPublic.model_validate(save_run(graph, report).to_json())


def audit_runs(graph: Graph, token: ApiToken) -> AuditRunsPublic:
    """The saved runs comparable within the token's scope."""
    scope = _scope(graph, token, AuditFilters())
    return AuditRunsPublic.model_validate(
        {"runs": [found.to_json() for found in visible_runs(graph, scope)]}
    )


def audit_comparison(
    graph: Graph,
    token: ApiToken,
    from_reference: str | None,
    to_reference: str | None = None,
    as_of: date | None = None,
) -> AuditComparisonPublic:
    """What changed since a saved run, within the token's scope, masked for viewers."""
    found = compare(
        graph, from_reference, to_reference, _scope(graph, token, AuditFilters()), as_of
    )
    if masked(token):
        found = found.masked()
    return AuditComparisonPublic.model_validate(found.to_json())


@dataclass(frozen=True)
class SinceRun:
    """The audit page's line: what changed since the last saved run.

    Attributes:
        run_id: the run.
        saved_at: when it was saved (ISO, UTC).
        new: findings since.
        closed: findings closed since (已整改).
    """

    run_id: str
    saved_at: str
    new: int
    closed: int


def since_last_run(graph: Graph, token: ApiToken, filters: AuditFilters) -> SinceRun | None:
    """New and closed findings since the latest run comparable within the
    page's scope (``None`` when none is saved)."""
    try:
        found = compare(graph, None, None, _scope(graph, token, filters), filters.as_of)
    except AuditRunNotFoundError:
        return None
    return SinceRun(
        found.from_run.run_id,
        found.from_run.saved_at.isoformat(),
        len(found.new),
        len(found.closed),
    )
