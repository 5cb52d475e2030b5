"""Matching (匹配), as a token may see it: a need's candidates and escalation
route, the assignment of all open needs at once, co-building projects
against needs, and the need-handling KPIs. A scoped token sees its own needs
only; viewers see need titles and secretaries' names masked."""

from __future__ import annotations

from datetime import date

from api.deps import PageParams, masked, scoped_area
from api.errors import BadRequestError
from api.models import (
    AppliedPublic,
    AssignedPublic,
    AssignmentBase,
    AssignmentDocument,
    AssignmentItemPublic,
    AssignmentPublic,
    CandidatePublic,
    CandidatesBase,
    CandidatesDocument,
    CandidatesPublic,
    InactiveProjectPublic,
    KpiPublic,
    KpiRowPublic,
    ProjectPublic,
    ProjectsDocument,
    ProjectsPublic,
    RoutePublic,
    RouteStepPublic,
    SeedComparisonPublic,
    UncoveredCategoryPublic,
)
from api.tokens import ApiToken
from graph.connection import AsyncGraph, Graph
from graph.schema import Label
from queries.assignment import ApplyReport, Assignment, AssignmentPlan, apply_plan, plan_assignment
from queries.catalog import answer, answer_async
from queries.kpi import KpiReport, KpiRow, SeedComparison, kpi_report
from queries.masking import mask_need_candidates, mask_route
from queries.matching import (
    RESOURCE_KIND_ZH,
    Candidate,
    CategoryMatch,
    NeedCandidates,
    candidates_steps,
)
from queries.nodes import require_visible
from queries.projects import ProjectNeeds, ProjectsReport, UncoveredCategory, projects_report
from queries.route import LEVEL_ZH, Route, RouteStep, route


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
    graph: AsyncGraph, token: ApiToken, need_id: str, page: PageParams
) -> CandidatesPublic:
    """A page of a need's candidates, on the asynchronous connection (its
    query is merged with those of concurrent requests).

    Raises:
        NotFoundError: no need has the id, or it lies outside the scope.
    """
    found = await answer_async(graph, candidates_steps(need_id, token.scope_id))
    return candidates_public(_seen(found, token), page)


def need_candidates(
    graph: Graph, token: ApiToken, need_id: str, page: PageParams
) -> CandidatesPublic:
    """A page of a need's candidates (:func:`need_candidates_async`, on the
    connection of the routes that run in threads)."""
    found = answer(graph, candidates_steps(need_id, token.scope_id))
    return candidates_public(_seen(found, token), page)


def _seen(found: NeedCandidates, token: ApiToken) -> NeedCandidates:
    return mask_need_candidates(found) if masked(token) else found


def candidate_public(candidate: Candidate) -> CandidatePublic:
    """A candidate: DESIGN's entry, with names and reasons."""
    resource = candidate.resource
    return CandidatePublic(
        resource_id=resource.resource_id,
        resource_kind=resource.kind,
        resource_kind_zh=RESOURCE_KIND_ZH[resource.kind],
        provider_id=resource.provider_id,
        category_match=candidate.category_match,
        distance=candidate.distance,
        remaining=candidate.remaining,
        reason=candidate.reason,
        reason_zh=candidate.reason_zh,
        reason_en=candidate.reason_en,
        resource_name=resource.name,
        provider_name=resource.provider_name,
        category_id=resource.category_id,
        capacity=resource.capacity,
        covered_place_id=candidate.covered_place_id,
        covered_place_name=candidate.covered_place_name,
    )


def _candidates_base(found: NeedCandidates) -> CandidatesBase:
    need = found.need
    return CandidatesBase(
        need_id=need.need_id,
        need_name=need.name,
        need_status=need.status,
        need_kind=need.kind,
        urgency=need.urgency,
        category_id=need.category_id,
        category_zh=need.category_zh,
        category_en=need.category_en,
        place_id=need.place_id,
        place_name=need.place_name,
        assigned_to=need.assigned_to,
        note_zh=found.note_zh,
        note_en=found.note_en,
        full=[candidate_public(candidate) for candidate in found.full],
        inactive_projects=[
            InactiveProjectPublic(
                **dict(candidate_public(candidate)), status=candidate.resource.status
            )
            for candidate in found.inactive
        ],
    )


# ``dict(model)`` is a model's fields as they are (nested models stay models):
# a page and a whole document share their base without naming its fields again.


def candidates_public(found: NeedCandidates, page: PageParams) -> CandidatesPublic:
    """A need's candidates as the API answers them: a page of them."""
    return CandidatesPublic(
        **dict(_candidates_base(found)),
        items=[candidate_public(candidate) for candidate in page.slice(list(found.candidates))],
        total=len(found.candidates),
        offset=page.offset,
        limit=page.limit,
    )


def candidates_document(found: NeedCandidates) -> CandidatesDocument:
    """A need's candidates, all of them (``civicgraph candidates --json``)."""
    return CandidatesDocument(
        **dict(_candidates_base(found)),
        candidates=[candidate_public(candidate) for candidate in found.candidates],
    )


# --- the route --------------------------------------------------------------------


def need_route(graph: Graph, token: ApiToken, need_id: str) -> RoutePublic:
    """The escalation route of a need in the token's scope.

    Raises:
        NotFoundError: no need has the id, or it lies outside the scope.
    """
    require_visible(graph, need_id, token.scope_id, Label.NEED, "need")
    found = route(graph, need_id)
    return route_public(mask_route(found) if masked(token) else found)


def route_step_public(step: RouteStep) -> RouteStepPublic:
    """One level of the route: DESIGN's step, with the level in Chinese, the
    place and the notes."""
    return RouteStepPublic(
        level=step.level,
        level_zh=LEVEL_ZH[step.level],
        org_id=step.org_id,
        org_name=step.org_name,
        secretary_id=step.secretary_id,
        secretary_name=step.secretary_name,
        missing=step.missing,
        missing_zh=step.missing_zh,
        missing_en=step.missing_en,
        place_id=step.place_id,
        place_name=step.place_name,
        notes_zh=list(step.notes_zh),
        notes_en=list(step.notes_en),
        domain=step.domain,
        alternatives=list(step.alternatives),
    )


def route_public(found: Route) -> RoutePublic:
    """A need's route (the API's answer and ``civicgraph route --json``)."""
    return RoutePublic(
        need_id=found.need_id,
        need_name=found.need_name,
        need_status=found.status,
        category_id=found.category_id,
        category_zh=found.category_zh,
        category_en=found.category_en,
        complete=found.complete,
        steps=[route_step_public(step) for step in found.steps],
    )


# --- the assignment ---------------------------------------------------------------


def assignment(
    graph: Graph, token: ApiToken, community_id: str | None, apply: bool, page: PageParams
) -> AssignmentPublic:
    """The optimal assignment of the open needs (of a community in the
    scope): a dry run, or written when ``apply``.

    Raises:
        NotFoundError: the community lies outside the scope, or is none.
        BadRequestError: a street-scoped token named no community.
    """
    plan = plan_assignment(graph, community_of(graph, token, community_id))
    applied = apply_plan(graph, plan) if apply else None
    return assignment_public(plan, applied, page)


def assignment_item_public(item: Assignment) -> AssignmentItemPublic:
    """One need given to one resource."""
    return AssignmentItemPublic(
        need_id=item.need_id,
        resource_id=item.resource_id,
        urgency=item.urgency,
        distance=item.distance,
        category_match=CategoryMatch(item.category_match),
    )


def applied_public(written: ApplyReport) -> AppliedPublic:
    """What an applied plan wrote."""
    return AppliedPublic(
        assigned=[
            AssignedPublic(need_id=need_id, resource_id=resource_id)
            for need_id, resource_id in written.assigned
        ],
        skipped=list(written.skipped),
    )


def _assignment_base(plan: AssignmentPlan, written: ApplyReport | None) -> AssignmentBase:
    return AssignmentBase(
        unassigned=list(plan.unassigned),
        without_candidate=list(plan.without_candidate),
        needs=plan.needs,
        served=plan.served,
        greedy_served=plan.greedy_served,
        total_urgency=plan.total_urgency,
        greedy_urgency=plan.greedy_urgency,
        total_distance=plan.total_distance,
        components=plan.components,
        settled_directly=plan.settled_directly,
        community_id=plan.community_id,
        seconds={key: round(value, 3) for key, value in plan.seconds.items()},
        applied=applied_public(written) if written is not None else None,
    )


def assignment_public(
    plan: AssignmentPlan, written: ApplyReport | None, page: PageParams
) -> AssignmentPublic:
    """The assignment as the API answers it: a page of it."""
    return AssignmentPublic(
        **dict(_assignment_base(plan, written)),
        items=[assignment_item_public(item) for item in page.slice(plan.assignments)],
        total=len(plan.assignments),
        offset=page.offset,
        limit=page.limit,
    )


def assignment_document(plan: AssignmentPlan, written: ApplyReport | None) -> AssignmentDocument:
    """The assignment whole (``civicgraph assign --json``)."""
    return AssignmentDocument(
        **dict(_assignment_base(plan, written)),
        assignments=[assignment_item_public(item) for item in plan.assignments],
    )


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


def project_public(project: ProjectNeeds) -> ProjectPublic:
    """A project and the open needs it could serve."""
    return ProjectPublic(
        project_id=project.project_id,
        name=project.name,
        status=project.status,
        status_zh=project.status_zh,
        unit_id=project.unit_id,
        unit_name=project.unit_name,
        community_id=project.community_id,
        community_name=project.community_name,
        category_id=project.category_id,
        category_zh=project.category_zh,
        category_en=project.category_en,
        capacity=project.capacity,
        remaining=project.remaining,
        open_needs=project.open_needs,
        exact=project.exact,
        urgency=project.urgency,
        need_ids=list(project.need_ids),
    )


def uncovered_public(gap: UncoveredCategory) -> UncoveredCategoryPublic:
    """A category nothing covers in a community."""
    return UncoveredCategoryPublic(
        community_id=gap.community_id,
        community_name=gap.community_name,
        category_id=gap.category_id,
        category_zh=gap.category_zh,
        category_en=gap.category_en,
        open_needs=gap.open_needs,
        urgency=gap.urgency,
        need_ids=list(gap.need_ids),
        inactive_projects=list(gap.inactive_projects),
    )


def projects_public(report: ProjectsReport, page: PageParams) -> ProjectsPublic:
    """Projects against needs as the API answers them: a page of projects."""
    return ProjectsPublic(
        community_id=report.community_id,
        uncovered=[uncovered_public(gap) for gap in report.uncovered],
        items=[project_public(project) for project in page.slice(report.projects)],
        total=len(report.projects),
        offset=page.offset,
        limit=page.limit,
    )


def projects_document(report: ProjectsReport) -> ProjectsDocument:
    """Every project against needs (``civicgraph projects --json``)."""
    return ProjectsDocument(
        community_id=report.community_id,
        uncovered=[uncovered_public(gap) for gap in report.uncovered],
        projects=[project_public(project) for project in report.projects],
    )


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


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def kpi_row_public(row: KpiRow) -> KpiRowPublic:
    """One group's KPIs, rates rounded to 4 places."""
    return KpiRowPublic(
        group_id=row.group_id,
        group_name=row.group_name,
        raised=row.raised,
        open=row.open,
        assigned=row.assigned,
        resolved=row.resolved,
        resolution_rate=_rounded(row.resolution_rate),
        median_days=row.median_days,
        rated=row.rated,
        satisfied=row.satisfied,
        satisfaction_rate=_rounded(row.satisfaction_rate),
        micro_wishes=row.micro_wishes,
        micro_volunteer=row.micro_volunteer,
        chain_solved=row.chain_solved,
    )


def seed_comparison_public(comparison: SeedComparison) -> SeedComparisonPublic:
    """A seed figure beside the measured one."""
    return SeedComparisonPublic(
        key=comparison.figure.key,
        title_zh=comparison.figure.title_zh,
        title_en=comparison.figure.title_en,
        seed=comparison.figure.value,
        measured=_rounded(comparison.measured),
    )


def kpi_public(report: KpiReport) -> KpiPublic:
    """The KPIs (the API's answer and ``civicgraph kpi --json``)."""

    def rows(breakdown: str) -> list[KpiRowPublic]:
        return [kpi_row_public(row) for row in report.breakdowns.get(breakdown, [])]

    return KpiPublic(
        community_id=report.community_id,
        date_from=report.date_from,
        date_to=report.date_to,
        overall=kpi_row_public(report.overall),
        by_kind=rows("kind"),
        by_county=rows("county"),
        by_community=rows("community"),
        by_month=rows("month"),
        seed_liangshan=[seed_comparison_public(comparison) for comparison in report.seed],
        seed_note=report.seed_note,
    )
