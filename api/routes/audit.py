"""``GET /api/audit`` and ``GET /api/scorecard``: the governance audit (体检)
as JSON, CSV or a printable HTML page, and the community scorecard. A scoped
token's audit is limited to its street or community.

``/api/audit`` gives three representations of one audit, chosen by
``format``: the route answers a :class:`~fastapi.Response` whatever the
format, each made by its own function of :mod:`api.services.audit` (a page
of findings as :class:`~api.models.AuditPublic`, every finding as CSV, the
printable report), so no function here answers "a model or a response".
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import EditorToken, GraphDep, Paging, ViewerToken
from api.models import (
    AuditComparisonPublic,
    AuditPublic,
    AuditRunPublic,
    AuditRunsPublic,
    ScorecardPublic,
)
from api.routes.common import (
    AUTH_RESPONSES,
    BAD_REQUEST,
    NOT_FOUND,
    AsOfQuery,
    csv_response,
    json_response,
)
from api.security import csp_nonce
from api.services import audit as audit_service
from api.services.audit import AuditFilters
from queries.audit import (
    DEFAULT_MIN_PLACES,
    DEFAULT_SLA_DAYS,
    DEFAULT_TERM_WARN_DAYS,
    DEFAULT_TERM_YEARS,
)

router = APIRouter(tags=["audit"], responses={**AUTH_RESPONSES, **NOT_FOUND, **BAD_REQUEST})

CommunityQuery = Annotated[
    str | None, Query(min_length=1, max_length=200, description="only this community")
]
StreetQuery = Annotated[
    str | None, Query(min_length=1, max_length=200, description="only this street")
]
SlaQuery = Annotated[
    int, Query(ge=0, le=36_500, description="days a need may stay open or assigned (G14)")
]
MinPlacesQuery = Annotated[
    int, Query(ge=1, le=10_000, description="targets at which a sole holder is reported (G19)")
]
TermWarnQuery = Annotated[
    int, Query(ge=0, le=36_500, description="days before a term's end to report it (G20)")
]
TermYearsQuery = Annotated[
    int, Query(ge=1, le=100, description="years of a term without an until (G20)")
]
RuleQuery = Annotated[
    str | None,
    Query(min_length=1, max_length=100, description="one rule, by id (G05) or name"),
]


def audit_filters(
    rule: RuleQuery = None,
    community_id: CommunityQuery = None,
    street_id: StreetQuery = None,
    as_of: AsOfQuery = None,
    sla_days: SlaQuery = DEFAULT_SLA_DAYS,
    min_places: MinPlacesQuery = DEFAULT_MIN_PLACES,
    term_warn_days: TermWarnQuery = DEFAULT_TERM_WARN_DAYS,
    term_years: TermYearsQuery = DEFAULT_TERM_YEARS,
) -> AuditFilters:
    """The audit's query parameters."""
    return AuditFilters(
        rules=(rule,) if rule else None,
        community_id=community_id,
        street_id=street_id,
        as_of=as_of,
        sla_days=sla_days,
        min_places=min_places,
        term_warn_days=term_warn_days,
        term_years=term_years,
    )


Filters = Annotated[AuditFilters, Depends(audit_filters)]


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
    filters: Filters,
    format: Annotated[
        Literal["json", "csv", "html"], Query(description="json, csv or html")
    ] = "json",
) -> Response:
    """Every rule (G01–G20) or one, with its findings: JSON gives each rule's
    count and a page of the findings, CSV every finding (UTF-8 with a BOM, for
    Excel), HTML the printable report."""
    if format == "csv":
        text = audit_service.audit_csv(graph, token, filters)
        return csv_response(text, audit_service.CSV_FILENAME)
    if format == "html":
        nonce = csp_nonce(request.state)
        return HTMLResponse(audit_service.audit_html(graph, token, filters, nonce))
    return json_response(audit_service.audit_page(graph, token, filters, page))


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
    filters = AuditFilters(
        community_id=community_id,
        street_id=street_id,
        as_of=as_of,
        sla_days=sla_days,
        min_places=min_places,
    )
    return audit_service.scorecard_page(graph, token, filters, page)


@router.post(
    "/audit/runs",
    response_model=AuditRunPublic,
    status_code=201,
    summary="保存审计 · Save an audit run",
)
def save_audit_run(graph: GraphDep, token: EditorToken, filters: Filters) -> Response:
    """Run the audit (within the token's scope) and keep it and every finding in
    the graph, to compare later audits with."""
    saved = audit_service.save_audit_run(graph, token, filters)
    response = json_response(saved)
    response.status_code = 201
    return response


@router.get("/audit/runs", response_model=AuditRunsPublic, summary="审计存档 · Saved audit runs")
def audit_runs(graph: GraphDep, token: ViewerToken) -> AuditRunsPublic:
    """The saved runs comparable within the token's scope, oldest first."""
    return audit_service.audit_runs(graph, token)


RunReference = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=100,
        description="a run id, or a day (YYYY-MM-DD: the latest run saved on or before it)",
    ),
]


@router.get(
    "/audit/compare",
    response_model=AuditComparisonPublic,
    summary="审计对比 · Findings new, closed and persisting since a saved run",
)
def audit_compare(
    graph: GraphDep,
    token: ViewerToken,
    from_: Annotated[RunReference, Query(alias="from")] = None,
    to: RunReference = None,
    as_of: AsOfQuery = None,
) -> Response:
    """New, closed and persisting findings from a saved run (default: the latest)
    to another (``to``) or to the audit of the graph now."""
    return json_response(audit_service.audit_comparison(graph, token, from_, to, as_of))
