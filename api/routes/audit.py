"""``GET /api/audit`` and ``GET /api/scorecard``: the governance audit (体检)
as JSON, CSV or a printable HTML page, and the community scorecard. A scoped
token's audit is limited to its street or community."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import (
    AreaFilter,
    GraphDep,
    PageParams,
    Paging,
    ViewerToken,
    masked,
    scoped_area,
)
from api.models import AuditPublic, AuditRulePublic, FindingPublic, ScorecardPublic
from api.routes.common import AUTH_RESPONSES, BAD_REQUEST, NOT_FOUND
from api.security import csp_nonce
from api.tokens import ApiToken
from graph.connection import Graph
from queries.audit import (
    DEFAULT_MIN_PLACES,
    DEFAULT_SLA_DAYS,
    AuditReport,
    community_names,
    csv_text,
    run_audit,
)
from queries.masking import mask_report
from queries.report import render_html
from queries.scorecard import scorecard_from

router = APIRouter(tags=["audit"], responses={**AUTH_RESPONSES, **NOT_FOUND, **BAD_REQUEST})

CommunityQuery = Annotated[
    str | None, Query(min_length=1, max_length=200, description="only this community")
]
StreetQuery = Annotated[
    str | None, Query(min_length=1, max_length=200, description="only this street")
]
AsOfQuery = Annotated[
    date | None, Query(description="the day G14 measures need ages at (today when absent)")
]
SlaQuery = Annotated[
    int, Query(ge=0, le=36_500, description="days a need may stay open or assigned (G14)")
]
MinPlacesQuery = Annotated[
    int, Query(ge=1, le=10_000, description="targets at which a sole holder is reported (G19)")
]


def audit_for(
    graph: Graph,
    token: ApiToken,
    rule: str | None = None,
    community_id: str | None = None,
    street_id: str | None = None,
    as_of: date | None = None,
    sla_days: int = DEFAULT_SLA_DAYS,
    min_places: int = DEFAULT_MIN_PLACES,
) -> AuditReport:
    """The audit a token may see: within its scope, masked for viewers."""
    area = scoped_area(graph, token, community_id, street_id)
    return _audit(graph, token, [rule] if rule else None, area, as_of, sla_days, min_places)


def _audit(
    graph: Graph,
    token: ApiToken,
    rules: list[str] | None,
    area: AreaFilter,
    as_of: date | None,
    sla_days: int,
    min_places: int,
) -> AuditReport:
    report = run_audit(
        graph,
        rules,
        community_id=area.community_id,
        street_id=area.street_id,
        as_of=as_of,
        sla_days=sla_days,
        min_places=min_places,
    )
    return mask_report(report) if masked(token) else report


@router.get(
    "/audit",
    response_model=AuditPublic,
    summary="治理体检 · Governance audit",
    responses={
        200: {
            "content": {"text/csv": {}, "text/html": {}},
            "description": "JSON (a page of findings), CSV or HTML (every finding)",
        }
    },
)
def audit(
    request: Request,
    graph: GraphDep,
    token: ViewerToken,
    page: Paging,
    rule: Annotated[
        str | None,
        Query(min_length=1, max_length=100, description="one rule, by id (G05) or name"),
    ] = None,
    community_id: CommunityQuery = None,
    street_id: StreetQuery = None,
    as_of: AsOfQuery = None,
    sla_days: SlaQuery = DEFAULT_SLA_DAYS,
    min_places: MinPlacesQuery = DEFAULT_MIN_PLACES,
    format: Annotated[
        Literal["json", "csv", "html"], Query(description="json, csv or html")
    ] = "json",
) -> AuditPublic | Response:
    """Every rule (G01–G19) or one, with its findings: JSON gives each rule's
    count and a page of the findings, CSV every finding (UTF-8 with a BOM, for
    Excel), HTML the printable report."""
    report = audit_for(graph, token, rule, community_id, street_id, as_of, sla_days, min_places)
    if format == "csv":
        return csv_answer(report)
    if format == "html":
        return HTMLResponse(
            render_html(report, community_names(graph), nonce=csp_nonce(request.state))
        )
    return audit_public(report, page)


def csv_answer(report: AuditReport) -> Response:
    """Every finding of an audit as a CSV download (:func:`queries.audit.csv_text`)."""
    return Response(
        csv_text(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )


def audit_public(report: AuditReport, page: PageParams) -> AuditPublic:
    """An audit as the API answers it: each rule's count, a page of findings."""
    findings = [
        FindingPublic(rule_id=result.rule.id, **finding.to_json())
        for result in report.results
        for finding in result.findings
    ]
    return AuditPublic(
        as_of=report.as_of,
        sla_days=report.sla_days,
        min_places=report.min_places,
        community_id=report.community_id,
        street_id=report.street_id,
        rules=[
            AuditRulePublic(
                id=result.rule.id,
                name=result.rule.name,
                severity=result.rule.severity,
                title_zh=result.rule.title_zh,
                title_en=result.rule.title_en,
                count=result.count,
            )
            for result in report.results
        ],
        items=page.slice(findings),
        total=len(findings),
        offset=page.offset,
        limit=page.limit,
    )


@router.get(
    "/scorecard", response_model=ScorecardPublic, summary="社区评分卡 · Community scorecard"
)
def scorecard(
    graph: GraphDep,
    token: ViewerToken,
    page: Paging,
    community_id: CommunityQuery = None,
    street_id: StreetQuery = None,
    as_of: AsOfQuery = None,
    sla_days: SlaQuery = DEFAULT_SLA_DAYS,
    min_places: MinPlacesQuery = DEFAULT_MIN_PLACES,
) -> ScorecardPublic:
    """Per community the coverage ratios (areas with a branch, grids with a
    worker …) and the audit's findings per rule, rolled up per street and
    county; a page of the communities, every street and county."""
    area = scoped_area(graph, token, community_id, street_id)
    report = _audit(graph, token, None, area, as_of, sla_days, min_places)
    card = scorecard_from(graph, report).to_json()
    communities = card["communities"]
    return ScorecardPublic(
        as_of=report.as_of,
        measures=card["measures"],
        rules=card["rules"],
        streets=card["streets"],
        counties=card["counties"],
        items=page.slice(communities),
        total=len(communities),
        offset=page.offset,
        limit=page.limit,
    )
