"""Matching (匹配): a need's candidates and escalation route, the assignment
of all open needs at once (dry run or applied), co-building projects against
needs, and the need-handling KPIs. Each route reads its request and calls
:mod:`api.services.matching`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from api.deps import AsyncGraphDep, EditorToken, GraphDep, Paging, ViewerToken, api_change
from api.models import (
    AssignmentPublic,
    AssignmentRequest,
    CandidatesPublic,
    KpiPublic,
    ProjectsPublic,
    RoutePublic,
)
from api.routes.common import AUTH_RESPONSES, BAD_REQUEST, NOT_FOUND, AsOfQuery, json_response
from api.services import matching

router = APIRouter(tags=["matching"], responses={**AUTH_RESPONSES, **NOT_FOUND})

NeedId = Annotated[str, Path(min_length=1, max_length=200, description="the need's id")]
CommunityQuery = Annotated[
    str | None, Query(min_length=1, max_length=200, description="only this community")
]


@router.get(
    "/needs/{need_id}/candidates",
    response_model=CandidatesPublic,
    summary="候选资源 · Candidates for a need",
)
async def need_candidates(
    graph: AsyncGraphDep,
    token: ViewerToken,
    need_id: NeedId,
    page: Paging,
    as_of: AsOfQuery = None,
) -> Response:
    """The services and projects that cover the need's place in its category
    with room left, best first (distance, exact before broader, room, id),
    each with a one-line reason; and those that would but are full. As of
    ``as_of`` (today when absent): a resource whose provider does not exist
    that day covers nothing."""
    # On the event loop, its query merged with concurrent ones, its model
    # written in one step: one of the two routes other systems call most.
    found = await matching.need_candidates_async(graph, token, need_id, page, as_of)
    return json_response(found)


@router.get(
    "/needs/{need_id}/route", response_model=RoutePublic, summary="逐级呼叫 · Escalation route"
)
def need_route(
    graph: GraphDep, token: ViewerToken, need_id: NeedId, as_of: AsOfQuery = None
) -> RoutePublic:
    """Area branch → community committee → street working committee → county
    department for the category → county committee, each with its secretary;
    a missing link is reported in place. As of ``as_of`` (today when absent):
    the organizations existing that day, their secretaries of that day."""
    return matching.need_route(graph, token, need_id, as_of)


@router.post(
    "/assignment",
    response_model=AssignmentPublic,
    summary="统一派单 · Assign all open needs",
    responses=BAD_REQUEST,
)
def assignment(
    graph: GraphDep,
    token: EditorToken,
    request: AssignmentRequest,
    page: Paging,
    http: Request,
) -> AssignmentPublic:
    """Assign every open need (of a community) at once: the most needs served,
    then the most urgency, then the least distance (min-cost flow). A dry run
    unless ``apply`` is true; then the plan is written in one transaction,
    each resource's capacity re-checked. Beside it, the greedy baseline."""
    return matching.assignment(
        graph, token, request.community_id, request.apply, page, api_change(token, http)
    )


@router.get(
    "/projects",
    response_model=ProjectsPublic,
    summary="共建项目与需求 · Projects against needs",
    responses=BAD_REQUEST,
)
def projects(
    graph: GraphDep, token: ViewerToken, page: Paging, community_id: CommunityQuery = None
) -> ProjectsPublic:
    """Each co-building project with the open needs it could take, most first;
    and per community the need categories that nothing covers yet."""
    return matching.projects(graph, token, community_id, page)


@router.get(
    "/kpi",
    response_model=KpiPublic,
    summary="需求办理指标 · Need-handling KPIs",
    responses=BAD_REQUEST,
)
def kpi(
    graph: GraphDep,
    token: ViewerToken,
    community_id: CommunityQuery = None,
    date_from: Annotated[
        date | None, Query(alias="from", description="needs raised on or after this day")
    ] = None,
    date_to: Annotated[
        date | None, Query(alias="to", description="needs raised on or before this day")
    ] = None,
) -> KpiPublic:
    """Needs raised and resolved, resolution and satisfaction rates, median
    days to resolve — overall, by kind, county, community and month."""
    return matching.kpi(graph, token, community_id, date_from, date_to)
