"""The governance audit (治理体检) and the community scorecard (社区评分卡),
as a token may see them: within its street or community, people masked for
viewers. One audit, three representations: a page of findings
(:func:`audit_page`), every finding as CSV (:func:`audit_csv`), the printable
report (:func:`audit_html`); and the scorecard built on the whole audit."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from api.deps import PageParams, masked, scoped_area
from api.models import (
    AuditBase,
    AuditDocument,
    AuditFindingPublic,
    AuditPublic,
    AuditRuleFindingsPublic,
    AuditRulePublic,
    FindingPublic,
    MeasurePublic,
    RatioPublic,
    ScorecardBase,
    ScorecardDocument,
    ScorecardPublic,
    ScorecardRowPublic,
    ScorecardRulePublic,
)
from api.tokens import ApiToken
from graph.connection import Graph
from queries.audit import (
    DEFAULT_MIN_PLACES,
    DEFAULT_SLA_DAYS,
    AuditReport,
    Finding,
    RuleResult,
    community_names,
    csv_text,
    run_audit,
)
from queries.masking import mask_report
from queries.report import render_html
from queries.scorecard import MEASURES, Ratio, Scorecard, ScorecardRow, scorecard_from

CSV_FILENAME = "audit.csv"
"""The name an audit's CSV is downloaded as."""


@dataclass(frozen=True)
class AuditFilters:
    """What an audit is asked for.

    Attributes:
        rules: the rules to run, by id or name (``None``: every rule).
        community_id: one community only.
        street_id: one street only.
        as_of: the day G14 measures needs' ages at (today when ``None``).
        sla_days: G14's limit.
        min_places: G19's threshold.
    """

    rules: tuple[str, ...] | None = None
    community_id: str | None = None
    street_id: str | None = None
    as_of: date | None = None
    sla_days: int = DEFAULT_SLA_DAYS
    min_places: int = DEFAULT_MIN_PLACES


def audit_report(graph: Graph, token: ApiToken, filters: AuditFilters) -> AuditReport:
    """The audit a token may see: within its scope, masked for viewers.

    Raises:
        NotFoundError: a filter names a place outside the token's scope.
        AuditInputError: an unknown rule, a bad number of days.
    """
    area = scoped_area(graph, token, filters.community_id, filters.street_id)
    report = run_audit(
        graph,
        list(filters.rules) if filters.rules is not None else None,
        community_id=area.community_id,
        street_id=area.street_id,
        as_of=filters.as_of,
        sla_days=filters.sla_days,
        min_places=filters.min_places,
    )
    return mask_report(report) if masked(token) else report


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


def rule_public(result: RuleResult) -> AuditRulePublic:
    """A rule with its count."""
    rule = result.rule
    return AuditRulePublic(
        id=rule.id,
        name=rule.name,
        severity=rule.severity,
        title_zh=rule.title_zh,
        title_en=rule.title_en,
        count=result.count,
    )


def finding_public(finding: Finding) -> FindingPublic:
    """A finding in DESIGN's shape."""
    return FindingPublic(
        node_id=finding.node_id,
        name=finding.name,
        kind=finding.kind,
        community_id=finding.community_id,
        detail=finding.detail,
    )


def _audit_base(report: AuditReport) -> AuditBase:
    return AuditBase(
        as_of=report.as_of,
        sla_days=report.sla_days,
        min_places=report.min_places,
        community_id=report.community_id,
        street_id=report.street_id,
    )


# ``dict(model)`` is a model's fields as they are (nested models stay models),
# so a model of a wider family is made from a narrower one without copying
# its fields by name once more.


def audit_public(report: AuditReport, page: PageParams) -> AuditPublic:
    """An audit as the API answers it: each rule's count, a page of the
    findings (each with its rule)."""
    findings = [
        (result.rule.id, finding) for result in report.results for finding in result.findings
    ]
    return AuditPublic(
        **dict(_audit_base(report)),
        rules=[rule_public(result) for result in report.results],
        items=[
            AuditFindingPublic(**dict(finding_public(finding)), rule_id=rule_id)
            for rule_id, finding in page.slice(findings)
        ],
        total=len(findings),
        offset=page.offset,
        limit=page.limit,
    )


def audit_document(report: AuditReport) -> AuditDocument:
    """An audit whole, DESIGN's ``audit`` JSON: every rule with its findings."""
    return AuditDocument(
        **dict(_audit_base(report)),
        total=report.total,
        rules=[
            AuditRuleFindingsPublic(
                **dict(rule_public(result)),
                findings=[finding_public(finding) for finding in result.findings],
            )
            for result in report.results
        ],
    )


def ratio_public(ratio: Ratio) -> RatioPublic:
    """A ratio, its share rounded to 4 places."""
    share = ratio.ratio
    return RatioPublic(
        numerator=ratio.numerator,
        denominator=ratio.denominator,
        ratio=None if share is None else round(share, 4),
    )


def scorecard_row_public(row: ScorecardRow) -> ScorecardRowPublic:
    """One community, street or county of the scorecard."""
    return ScorecardRowPublic(
        level=row.level,
        id=row.id,
        name=row.name,
        street_id=row.street_id,
        county_id=row.county_id,
        communities=row.communities,
        measures={key: ratio_public(ratio) for key, ratio in row.measures.items()},
        findings=dict(row.findings),
    )


def _scorecard_base(card: Scorecard) -> ScorecardBase:
    return ScorecardBase(
        as_of=card.as_of,
        measures=[
            MeasurePublic(key=m.key, title_zh=m.title_zh, title_en=m.title_en, rule=m.rule_id)
            for m in MEASURES
        ],
        rules=[
            ScorecardRulePublic(id=r.id, name=r.name, title_zh=r.title_zh, title_en=r.title_en)
            for r in card.rules
        ],
        streets=[scorecard_row_public(row) for row in card.streets],
        counties=[scorecard_row_public(row) for row in card.counties],
    )


def scorecard_public(card: Scorecard, page: PageParams) -> ScorecardPublic:
    """The scorecard as the API answers it: a page of communities."""
    return ScorecardPublic(
        **dict(_scorecard_base(card)),
        items=[scorecard_row_public(row) for row in page.slice(list(card.communities))],
        total=len(card.communities),
        offset=page.offset,
        limit=page.limit,
    )


def scorecard_document(card: Scorecard) -> ScorecardDocument:
    """The scorecard whole (``civicgraph audit --scorecard --json``)."""
    return ScorecardDocument(
        **dict(_scorecard_base(card)),
        communities=[scorecard_row_public(row) for row in card.communities],
    )
