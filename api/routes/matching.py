"""Matching (匹配): a need's candidates and escalation route, the assignment
of all open needs at once (dry run or applied), co-building projects against
needs, and the need-handling KPIs."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from api.deps import (
    AsyncGraphDep,
    EditorToken,
    GraphDep,
    PageParams,
    Paging,
    ViewerToken,
    masked,
    scoped_area,
)
from api.errors import BadRequestError
from api.models import (
    AssignmentItemPublic,
    AssignmentPublic,
    AssignmentRequest,
    CandidatesPublic,
    KpiPublic,
    ProjectsPublic,
    RoutePublic,
)
from api.routes.common import AUTH_RESPONSES, BAD_REQUEST, NOT_FOUND, json_response, require_need
from api.tokens import ApiToken
from graph.connection import Graph
from queries.assignment import apply_plan, plan_assignment
from queries.catalog import answer_async
from queries.kpi import kpi_report
from queries.masking import mask_person_name, mask_text
from queries.matching import NeedCandidates, candidates_steps
from queries.projects import projects_report
from queries.route import route

router = APIRouter(tags=["matching"], responses={**AUTH_RESPONSES, **NOT_FOUND})

NeedId = Annotated[str, Path(min_length=1, max_length=200, description="the need's id")]
CommunityQuery = Annotated[
    str | None, Query(min_length=1, max_length=200, description="only this community")
]


def _community(graph: Graph, token: ApiToken, community_id: str | None) -> str | None:
    """The community a needs report is limited to, with the token's scope.

    The assignment, projects and KPIs take a community, not a street: a
    street-scoped token names one of its communities.

    Raises:
        NotFoundError: the community lies outside the scope.
        BadRequestError: a street-scoped token named no community.
    """
    area = scoped_area(graph, token, community_id)
    if area.street_id is not None and area.community_id is None:
        raise BadRequestError(
            "a street-scoped token must name one of its communities (community_id)"
        )
    return area.community_id


@router.get(
    "/needs/{need_id}/candidates",
    response_model=CandidatesPublic,
    summary="候选资源 · Candidates for a need",
)
async def need_candidates(
    graph: AsyncGraphDep, token: ViewerToken, need_id: NeedId, page: Paging
) -> Response:
    """The services and projects that cover the need's place in its category
    with room left, best first (distance, exact before broader, room, id),
    each with a one-line reason; and those that would but are full."""
    found = await answer_async(graph, candidates_steps(need_id, token.scope_id))
    return json_response(candidates_public(found, token, page))


def candidates_public(found: NeedCandidates, token: ApiToken, page: PageParams) -> CandidatesPublic:
    """A need's candidates as the API gives them: one page, the need's name
    masked for viewers."""
    result = found.to_json()
    name = str(result["need_name"])
    ranked: list[dict[str, Any]] = result["candidates"]
    return CandidatesPublic(
        need_id=result["need_id"],
        need_name=mask_text(name) if masked(token) else name,
        need_status=result["need_status"],
        category_id=result["category_id"],
        place_id=result["place_id"],
        place_name=result["place_name"],
        assigned_to=result["assigned_to"],
        note_zh=result["note_zh"],
        note_en=result["note_en"],
        items=page.slice(ranked),
        total=len(ranked),
        offset=page.offset,
        limit=page.limit,
        full=result["full"],
    )


@router.get(
    "/needs/{need_id}/route", response_model=RoutePublic, summary="逐级呼叫 · Escalation route"
)
def need_route(graph: GraphDep, token: ViewerToken, need_id: NeedId) -> RoutePublic:
    """Area branch → community committee → street working committee → county
    department for the category → county committee, each with its secretary;
    a missing link is reported in place."""
    require_need(graph, token, need_id)
    value = route(graph, need_id).to_json()
    steps: list[dict[str, Any]] = value["steps"]
    name = str(value["need_name"])
    if masked(token):
        name = mask_text(name)
        steps = [
            {
                **step,
                "secretary_name": (
                    mask_person_name(step["secretary_name"]) if step["secretary_name"] else None
                ),
            }
            for step in steps
        ]
    return RoutePublic(
        need_id=value["need_id"],
        need_name=name,
        need_status=value["need_status"],
        category_id=value["category_id"],
        category_zh=value["category_zh"],
        category_en=value["category_en"],
        complete=value["complete"],
        steps=steps,
    )


@router.post(
    "/assignment",
    response_model=AssignmentPublic,
    summary="统一派单 · Assign all open needs",
    responses=BAD_REQUEST,
)
def assignment(
    graph: GraphDep, token: EditorToken, request: AssignmentRequest, page: Paging
) -> AssignmentPublic:
    """Assign every open need (of a community) at once: the most needs served,
    then the most urgency, then the least distance (min-cost flow). A dry run
    unless ``apply`` is true; then the plan is written in one transaction,
    each resource's capacity re-checked. Beside it, the greedy baseline."""
    community_id = _community(graph, token, request.community_id)
    plan = plan_assignment(graph, community_id)
    applied = apply_plan(graph, plan).to_json() if request.apply else None
    value = plan.to_json()
    items = [AssignmentItemPublic(**item) for item in value["assignments"]]
    return AssignmentPublic(
        items=page.slice(items),
        total=len(items),
        offset=page.offset,
        limit=page.limit,
        unassigned=value["unassigned"],
        without_candidate=value["without_candidate"],
        needs=value["needs"],
        served=value["served"],
        greedy_served=value["greedy_served"],
        total_urgency=value["total_urgency"],
        greedy_urgency=value["greedy_urgency"],
        total_distance=value["total_distance"],
        community_id=value["community_id"],
        applied=applied,
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
    chosen = _community(graph, token, community_id)
    value = projects_report(graph, chosen).to_json()
    rows: list[dict[str, Any]] = value["projects"]
    return ProjectsPublic(
        community_id=value["community_id"],
        items=page.slice(rows),
        total=len(rows),
        offset=page.offset,
        limit=page.limit,
        uncovered=value["uncovered"],
    )


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
    if date_from and date_to and date_from > date_to:
        raise BadRequestError(f"from {date_from.isoformat()} is after to {date_to.isoformat()}")
    chosen = _community(graph, token, community_id)
    return KpiPublic(**kpi_report(graph, chosen, date_from, date_to).to_json())
