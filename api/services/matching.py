"""Matching (匹配), as a token may see it: a need's candidates and escalation
route, the assignment of all open needs at once, co-building projects
against needs, and the need-handling KPIs. A scoped token sees its own needs
only; viewers see need titles and secretaries' names masked."""

from __future__ import annotations

from datetime import date
from typing import Any

from api.deps import PageParams, masked, paged, scoped_area
from api.errors import BadRequestError
from api.models import (
    AssignmentDocument,
    AssignmentPublic,
    CandidatesDocument,
    CandidatesPublic,
    KpiPublic,
    ProjectsDocument,
    ProjectsPublic,
    RoutePublic,
)
from api.tokens import ApiToken
from graph.async_connection import AsyncGraph
from graph.changes import ChangeContext
from graph.connection import Graph
from graph.schema import Label
from queries.assignment import ApplyReport, AssignmentPlan, apply_plan, plan_assignment
from queries.catalog import answer, answer_async
from queries.kpi import KpiReport, kpi_report
from queries.masking import mask_need_candidates, mask_route
from queries.matching import (
    NeedCandidates,
    candidates_steps,
)
from queries.nodes import require_visible
from queries.projects import ProjectsReport, projects_report
from queries.route import Route, route


def community_of(graph: Graph, token: ApiToken, community_id: str | None) -> str | None:
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


# --- candidates -------------------------------------------------------------------


async def need_candidates_async(
    graph: AsyncGraph,
    token: ApiToken,
    need_id: str,
    page: PageParams,
    as_of: date | None = None,
) -> CandidatesPublic:
    """A page of a need's candidates, on the asynchronous connection (its
    query is merged with those of concurrent requests).

    Raises:
        NotFoundError: no need has the id, or it lies outside the scope.
    """
    found = await answer_async(graph, candidates_steps(need_id, token.scope_id, as_of))
    return candidates_public(_seen(found, token), page)


def need_candidates(
    graph: Graph,
    token: ApiToken,
    need_id: str,
    page: PageParams,
    as_of: date | None = None,
) -> CandidatesPublic:
    """A page of a need's candidates (:func:`need_candidates_async`, on the
    connection of the routes that run in threads)."""
    found = answer(graph, candidates_steps(need_id, token.scope_id, as_of))
    return candidates_public(_seen(found, token), page)


def _seen(found: NeedCandidates, token: ApiToken) -> NeedCandidates:
    return mask_need_candidates(found) if masked(token) else found


def candidates_public(found: NeedCandidates, page: PageParams) -> CandidatesPublic:
    """A need's candidates as the API answers them: a page of them."""
    return paged(CandidatesPublic, found.to_json(), "candidates", page)


def candidates_document(found: NeedCandidates) -> CandidatesDocument:
    """A need's candidates, all of them (``civicgraph candidates --json``)."""
    return CandidatesDocument.model_validate(found.to_json())


# --- the route --------------------------------------------------------------------


def need_route(
    graph: Graph, token: ApiToken, need_id: str, as_of: date | None = None
) -> RoutePublic:
    """The escalation route of a need in the token's scope.

    Raises:
        NotFoundError: no need has the id, or it lies outside the scope.
    """
    require_visible(graph, need_id, token.scope_id, Label.NEED, "need")
    found = route(graph, need_id, as_of)
    return route_public(mask_route(found) if masked(token) else found)


def route_public(found: Route) -> RoutePublic:
    """A need's route (the API's answer and ``civicgraph route --json``)."""
    return RoutePublic.model_validate(found.to_json())


# --- the assignment ---------------------------------------------------------------


def assignment(
    graph: Graph,
    token: ApiToken,
    community_id: str | None,
    apply: bool,
    page: PageParams,
    context: ChangeContext,
) -> AssignmentPublic:
    """The optimal assignment of the open needs (of a community in the
    scope): a dry run, or written when ``apply``.

    Raises:
        NotFoundError: the community lies outside the scope, or is none.
        BadRequestError: a street-scoped token named no community.
    """
    plan = plan_assignment(graph, community_of(graph, token, community_id))
    applied = apply_plan(graph, plan, context=context) if apply else None
    return assignment_public(plan, applied, page)


def _assignment_json(plan: AssignmentPlan, written: ApplyReport | None) -> dict[str, Any]:
    return {**plan.to_json(), "applied": written.to_json() if written is not None else None}


def assignment_public(
    plan: AssignmentPlan, written: ApplyReport | None, page: PageParams
) -> AssignmentPublic:
    """The assignment as the API answers it: a page of it."""
    return paged(AssignmentPublic, _assignment_json(plan, written), "assignments", page)


def assignment_document(plan: AssignmentPlan, written: ApplyReport | None) -> AssignmentDocument:
    """The assignment whole (``civicgraph assign --json``)."""
    return AssignmentDocument.model_validate(_assignment_json(plan, written))


# --- projects -----------------------------------------------------------------------


def projects(
    graph: Graph, token: ApiToken, community_id: str | None, page: PageParams
) -> ProjectsPublic:
    """A page of the co-building projects (of a community in the scope)
    against open needs, and the categories nothing covers.

    Raises:
        NotFoundError: the community lies outside the scope, or is none.
        BadRequestError: a street-scoped token named no community.
    """
    report = projects_report(graph, community_of(graph, token, community_id))
    return projects_public(report, page)


def projects_public(report: ProjectsReport, page: PageParams) -> ProjectsPublic:
    """Projects against needs as the API answers them: a page of projects."""
    return paged(ProjectsPublic, report.to_json(), "projects", page)


def projects_document(report: ProjectsReport) -> ProjectsDocument:
    """Every project against needs (``civicgraph projects --json``)."""
    return ProjectsDocument.model_validate(report.to_json())


# --- KPIs ---------------------------------------------------------------------------


def kpi(
    graph: Graph,
    token: ApiToken,
    community_id: str | None,
    date_from: date | None,
    date_to: date | None,
) -> KpiPublic:
    """The KPIs of the needs raised in a window (of a community in the scope).

    Raises:
        BadRequestError: ``date_from`` is after ``date_to``, or a
            street-scoped token named no community.
        NotFoundError: the community lies outside the scope, or is none.
    """
    if date_from and date_to and date_from > date_to:
        raise BadRequestError(f"from {date_from.isoformat()} is after to {date_to.isoformat()}")
    chosen = community_of(graph, token, community_id)
    return kpi_public(kpi_report(graph, chosen, date_from, date_to))


def kpi_public(report: KpiReport) -> KpiPublic:
    """The KPIs (the API's answer and ``civicgraph kpi --json``)."""
    return KpiPublic.model_validate(report.to_json())
