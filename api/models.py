"""The API's request and response models (pydantic v2), in the families of
the full-stack FastAPI template: ``NeedCreate`` / ``NeedUpdate`` in,
``NeedPublic`` out, ``…sPublic`` for a page of a list (``items``, ``total``,
``offset``, ``limit``).

These are also what ``civicgraph … --json`` prints (``model_dump(mode="json")``),
so that the OpenAPI document, the command line's JSON and DESIGN.md's JSON
shapes are one thing. Where the API pages a list, the command line prints it
whole under DESIGN's name for it: ``CandidatesPublic`` (a page, in ``items``)
and ``CandidatesDocument`` (every candidate, in ``candidates``) share every
other field through ``CandidatesBase``, and their items are the same model.
The same goes for the audit (each rule's ``findings``), the scorecard
(``communities``), the assignment (``assignments``) and the projects
(``projects``).

Every answer is typed field by field; the one open-ended map is a node's or
relationship's properties (:data:`PropertyValue`). The models are built from
the query layer's records in one place each, in :mod:`api.services`; a need
is :class:`queries.needs.NeedRecord` itself (:class:`NeedPublic`).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, AliasChoices, BaseModel, ConfigDict, Field, RootModel

from api.tokens import Role
from graph.errors import MAX_REPORTED_PROBLEMS
from graph.schema import NeedKind, NeedStatus
from graph.text import NAME_MAX_LENGTH, control_character_problem, normalize_line_ends
from queries.audit import Severity
from queries.changes import ChangeSetRecord, HistoryEntry
from queries.matching import CategoryMatch, ResourceKind
from queries.needs import NeedRecord
from queries.revert import RevertReport
from queries.route import Missing, RouteLevel
from queries.scorecard import Level
from queries.seed_facts import Comparison


def plain_text(value: str) -> str:
    """A text a client sent, Windows line ends made newlines.

    Raises:
        ValueError: it holds a control character (:mod:`graph.text`), which
            answers 422.
    """
    value = normalize_line_ends(value)
    problem = control_character_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


PlainText = Annotated[str, AfterValidator(plain_text)]
"""Any text a client sends: no control characters."""

IdText = Annotated[PlainText, Field(min_length=1, max_length=200)]
"""A node's id as a client names it."""

NameText = Annotated[PlainText, Field(min_length=1, max_length=NAME_MAX_LENGTH)]
"""A name or a title."""

# Graph properties are open-ended: a workbook's columns and the loaders decide
# which a node has, and a client reads them all. What they can hold is not:
# Neo4j stores a scalar or a list of scalars of one type (never a map), and
# queries.nodes.plain turns its dates and times into ISO strings; a masked
# property may be null. So a property value is typed exactly that, not Any.
PropertyScalar = str | bool | int | float
"""One stored value."""

PropertyValue = PropertyScalar | list[str] | list[bool] | list[int] | list[float] | None
"""A node's or relationship's property as JSON: a scalar, a list of one type, or null."""


# --- errors ---------------------------------------------------------------------


class WorkbookProblemPublic(BaseModel):
    """One problem of a rejected workbook, located as a spreadsheet shows it."""

    file: str = Field(description="the file or sheet, e.g. places.csv")
    row: int = Field(description="the spreadsheet row (the header is row 1); 0: the whole file")
    column: str = Field(description="the canonical column; empty: the whole row or file")
    message: str


class RequestProblemPublic(BaseModel):
    """One problem of an invalid request."""

    location: str = Field(description="where: query.limit, body.title …")
    message: str


class ErrorPublic(BaseModel):
    """Every error answer."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"error": "not_found", "detail": "node not found: C99"}]}
    )

    error: str = Field(description="a short machine-readable name: not_found, conflict …")
    detail: str = Field(description="what went wrong, for a person")
    problems: list[WorkbookProblemPublic] | list[RequestProblemPublic] | None = Field(
        default=None,
        description="every problem: of a rejected workbook "
        f"(the first {MAX_REPORTED_PROBLEMS:,}), or of an invalid request",
    )
    problem_count: int | None = Field(
        default=None, description="a rejected workbook: how many problems it has in all"
    )


class PagePublic(BaseModel):
    """What every page of a list carries besides its items."""

    total: int = Field(description="items in the whole list")
    offset: int = Field(description="items skipped")
    limit: int = Field(description="items per page asked for")


# --- health, stats ------------------------------------------------------------


class HealthPublic(BaseModel):
    """Whether the API and its database are up."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"status": "ok", "database": "reachable", "neo4j_version": "5.26.30"}]
        }
    )

    status: Literal["ok"]
    database: Literal["reachable"]
    neo4j_version: str


Counts = dict[str, int]
"""Key (a kind, level, post, status …) → how many."""


class CountyStatsPublic(BaseModel):
    """One county's counts, group by group (:data:`queries.stats.GROUP_TITLES`)."""

    # A group the query adds must be added here too: forbidding the unknown
    # makes that fail loudly rather than vanish from the answer.
    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    place: Counts = Field(default_factory=dict, description="places by kind")
    tag: Counts = Field(default_factory=dict, description="residential-area tags")
    party_org_level: Counts = Field(default_factory=dict, description="party orgs by level")
    organization_kind: Counts = Field(default_factory=dict, description="organizations by kind")
    two_new_with_fallback: Counts = Field(
        default_factory=dict, description="two-new organizations a party org falls back for"
    )
    post: Counts = Field(default_factory=dict, description="posts held")
    community_with_post: Counts = Field(
        default_factory=dict, description="communities with at least one holder of the post"
    )
    facility_kind: Counts = Field(default_factory=dict, description="facilities by kind")
    project_status: Counts = Field(default_factory=dict, description="projects by status")
    need_kind: Counts = Field(default_factory=dict, description="needs by kind")
    need_status: Counts = Field(default_factory=dict, description="needs by status")
    satisfaction: Counts = Field(default_factory=dict, description="ratings 1–5")
    resolved_by_provider: Counts = Field(
        default_factory=dict, description="resolved needs by the kind of their provider"
    )


class StatsPublic(BaseModel):
    """Counts of the graph (``civicgraph stats``), or of the caller's scope."""

    scope_id: str | None = Field(description="the token's scope; counts are within it")
    labels: Counts = Field(description="nodes per label")
    counties: list[CountyStatsPublic] = Field(
        description="per county: counts by group; empty for a scoped token"
    )


class SeedCheckPublic(BaseModel):
    """A figure of the seed article, expected and found (``stats --seed-check``)."""

    county: str
    title_zh: str
    title_en: str
    comparison: Comparison
    expected: float
    found: float | None = Field(description="null when the county is not loaded")
    holds: bool | None = Field(description="null for figures only reported")


class SeedCheckedStatsPublic(StatsPublic):
    """``civicgraph stats --seed-check --json``: the counts and the seed figures."""

    seed_check: list[SeedCheckPublic]


# --- nodes and search -----------------------------------------------------------


class NeighbourPublic(BaseModel):
    """One relationship of a node, with the node at its other end."""

    direction: Literal["out", "in"]
    type: str = Field(description="the relationship type, e.g. PART_OF, HOLDS")
    properties: dict[str, PropertyValue] = Field(
        description="the relationship's properties (post, since …)"
    )
    id: str
    name: str | None
    labels: list[str]


class NeighboursPublic(PagePublic):
    """A page of a node's relationships."""

    items: list[NeighbourPublic]


class NodePublic(BaseModel):
    """A node with a page of its neighbours."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "C01",
                    "name": "如意社区",
                    "labels": ["Community", "Place"],
                    "properties": {"id": "C01", "name": "如意社区", "kind": "community"},
                    "neighbours": {
                        "items": [
                            {
                                "direction": "in",
                                "type": "LEADS",
                                "properties": {},
                                "id": "PC01",
                                "name": "中共如意社区委员会",
                                "labels": ["PartyOrg"],
                            }
                        ],
                        "total": 1,
                        "offset": 0,
                        "limit": 50,
                    },
                }
            ]
        }
    )

    id: str
    name: str | None
    labels: list[str]
    properties: dict[str, PropertyValue] = Field(description="the node's properties, as stored")
    neighbours: NeighboursPublic


class SearchHitPublic(BaseModel):
    """A node found by name or id."""

    id: str
    name: str | None
    labels: list[str]
    score: float = Field(description="full-text score; 1000 for an exact id match")


class SearchHitsPublic(PagePublic):
    """A page of search results."""

    query: str
    items: list[SearchHitPublic]


# --- audit and scorecard --------------------------------------------------------


class AuditRulePublic(BaseModel):
    """One audit rule and how many findings it has."""

    id: str = Field(examples=["G01"])
    name: str = Field(examples=["area_without_branch"])
    severity: Severity
    title_zh: str
    title_en: str
    count: int


class FindingPublic(BaseModel):
    """One audit finding (DESIGN's ``findings`` entry)."""

    node_id: str = Field(description="the node found (for G12, the community)")
    name: str | None
    kind: str | None = Field(description="a place kind, party-org level, person, need …")
    community_id: str | None = Field(description="the community it lies in, if one")
    detail: str = Field(description="what exactly is wrong")


class AuditFindingPublic(FindingPublic):
    """A finding in the API's one list of them, with its rule."""

    rule_id: str = Field(examples=["G05"])


class AuditRuleFindingsPublic(AuditRulePublic):
    """A rule with all its findings (``civicgraph audit --json``)."""

    findings: list[FindingPublic]


class AuditBase(BaseModel):
    """How an audit was run."""

    as_of: date = Field(
        description="the day judged: posts held and places and organizations existing "
        "then; G14 measured needs' ages at it"
    )
    sla_days: int = Field(description="G14's limit")
    min_places: int = Field(description="G19's threshold")
    term_warn_days: int = Field(description="G20's warning period, in days")
    term_years: int = Field(description="G20's term of office, in years")
    community_id: str | None = Field(description="the community it was limited to")
    street_id: str | None = Field(description="the street it was limited to")


class AuditPublic(AuditBase, PagePublic):
    """The audit: every rule with its count, and a page of the findings."""

    rules: list[AuditRulePublic]
    items: list[AuditFindingPublic]


class AuditDocument(AuditBase):
    """The audit whole (``civicgraph audit --json``): DESIGN's ``rules``, each
    with its ``findings``."""

    total: int = Field(description="findings of every rule")
    rules: list[AuditRuleFindingsPublic]


class AuditRunPublic(BaseModel):
    """A saved audit run (审计存档), without its findings."""

    run_id: str = Field(examples=["r20261203-160512-1a2b"])
    saved_at: str = Field(description="when it was saved (ISO, UTC)")
    as_of: date = Field(description="the audit's as-of day")
    sla_days: int
    min_places: int
    community_id: str | None
    street_id: str | None
    rules: list[str] = Field(description="the rules it ran")
    total: int = Field(description="how many findings it holds")


class AuditRunsPublic(BaseModel):
    """The saved runs within the caller's scope, oldest first."""

    runs: list[AuditRunPublic]


class ChangeCounts(BaseModel):
    """New, closed and persisting findings of one rule or community."""

    new: int
    closed: int
    persisting: int


class AuditComparisonPublic(BaseModel):
    """What changed since a saved run (审计对比): ``to_run`` null is the audit now."""

    from_run: AuditRunPublic
    to_run: AuditRunPublic | None = Field(description="null: the audit of the graph now")
    community_id: str | None = Field(description="the community compared over")
    street_id: str | None = Field(description="the street compared over")
    new: list[AuditFindingPublic] = Field(description="findings the earlier run lacked")
    closed: list[AuditFindingPublic] = Field(description="findings since closed (已整改)")
    persisting: int = Field(description="how many findings are in both")
    by_rule: dict[str, ChangeCounts]
    by_community: dict[str, ChangeCounts] = Field(description='"": outside any community')


class RatioPublic(BaseModel):
    """A numerator over a denominator."""

    numerator: int
    denominator: int
    ratio: float | None = Field(description="rounded to 4 places; null when nothing to count")


class MeasurePublic(BaseModel):
    """One ratio of the scorecard: a column."""

    key: str = Field(examples=["areas_with_branch"])
    title_zh: str
    title_en: str
    rule: str = Field(description="the audit rule whose findings fall short", examples=["G01"])


class ScorecardRulePublic(BaseModel):
    """An audit rule whose findings the scorecard counts."""

    id: str
    name: str
    title_zh: str
    title_en: str


class ScorecardRowPublic(BaseModel):
    """One community, street or county of the scorecard."""

    level: Level
    id: str | None = Field(description="its place id (null: communities in none)")
    name: str | None
    street_id: str | None = Field(description="communities: the street they lie in")
    county_id: str | None = Field(description="communities and streets: their county")
    communities: int = Field(description="how many communities it sums")
    measures: dict[str, RatioPublic] = Field(description="each measure's ratio, by its key")
    findings: Counts = Field(description="audit findings per rule id, zeros included")
    change: ChangeCounts | None = Field(
        description="its findings new, closed and persisting since `since_run` (null: no saved run)"
    )


class ScorecardBase(BaseModel):
    """The scorecard's columns, and its streets and counties."""

    as_of: date
    since_run: AuditRunPublic | None = Field(
        description="the last saved audit run comparable within the scorecard's scope, "
        "which each row's change counts from (null: none saved)"
    )
    measures: list[MeasurePublic]
    rules: list[ScorecardRulePublic]
    streets: list[ScorecardRowPublic]
    counties: list[ScorecardRowPublic]


class ScorecardPublic(ScorecardBase, PagePublic):
    """The community scorecard: a page of communities, with every street and county."""

    items: list[ScorecardRowPublic] = Field(description="communities")


class ScorecardDocument(ScorecardBase):
    """The scorecard whole (``civicgraph audit --scorecard --json``)."""

    communities: list[ScorecardRowPublic]


# --- matching -------------------------------------------------------------------


class CandidatePublic(BaseModel):
    """A resource that covers a need in its category (DESIGN's ``candidates``
    entry, with names and the reason in both languages)."""

    resource_id: str
    resource_kind: ResourceKind
    resource_kind_zh: str
    provider_id: str | None
    category_match: CategoryMatch
    distance: int = Field(description="steps up from the need's place to the covered place")
    remaining: int = Field(description="capacity minus needs assigned")
    reason: str = Field(description="both reasons on one line")
    reason_zh: str
    reason_en: str
    resource_name: str
    provider_name: str | None
    category_id: str | None
    capacity: int
    covered_place_id: str
    covered_place_name: str


class InactiveProjectPublic(CandidatePublic):
    """A planned or completed project that would cover the need."""

    status: str | None


class CandidatesBase(BaseModel):
    """A need, and the resources it could be given."""

    need_id: str
    need_name: str
    need_status: str
    need_kind: str | None
    urgency: int = Field(description="1 to 3; 0 when unrecorded")
    category_id: str | None
    category_zh: str | None
    category_en: str | None
    place_id: str | None
    place_name: str | None
    assigned_to: str | None
    note_zh: str | None = Field(description="why the list is for reference only (not open)")
    note_en: str | None
    full: list[CandidatePublic] = Field(description="covering resources with no room left")
    inactive_projects: list[InactiveProjectPublic]


class CandidatesPublic(CandidatesBase, PagePublic):
    """A need's candidates, best first: a page of them."""

    items: list[CandidatePublic] = Field(description="candidates with room left, ranked")


class CandidatesDocument(CandidatesBase):
    """A need's candidates, all of them (``civicgraph candidates --json``)."""

    candidates: list[CandidatePublic] = Field(description="candidates with room left, ranked")


class AssignmentRequest(BaseModel):
    """Assign all open needs at once."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"apply": False, "community_id": "C01"}]}
    )

    apply: bool = Field(default=False, description="write the assignments (else a dry run)")
    community_id: IdText | None = Field(default=None, description="only this community's needs")


class AssignmentItemPublic(BaseModel):
    """One need given to one resource."""

    need_id: str
    resource_id: str
    urgency: int
    distance: int
    category_match: CategoryMatch


class AssignedPublic(BaseModel):
    """A need now assigned to a resource."""

    need_id: str
    resource_id: str


class AppliedPublic(BaseModel):
    """What an applied assignment wrote."""

    assigned: list[AssignedPublic]
    skipped: list[str] = Field(description="needs no longer open, or whose resource filled up")


class AssignmentBase(BaseModel):
    """The optimal assignment's totals, the greedy baseline, and what was
    written when ``apply`` was asked."""

    unassigned: list[str]
    without_candidate: list[str]
    needs: int = Field(description="open needs considered")
    served: int
    greedy_served: int
    total_urgency: int
    greedy_urgency: int
    total_distance: int
    components: int = Field(description="independent parts solved by min-cost flow")
    settled_directly: int = Field(description="needs settled before the flow")
    community_id: str | None
    seconds: dict[str, float] = Field(description="time spent reading, solving, in greedy")
    applied: AppliedPublic | None = Field(description="null for a dry run")


class AssignmentPublic(AssignmentBase, PagePublic):
    """The optimal assignment: a page of it."""

    items: list[AssignmentItemPublic]


class AssignmentDocument(AssignmentBase):
    """The optimal assignment whole (``civicgraph assign --json``)."""

    assignments: list[AssignmentItemPublic]


class RouteStepPublic(BaseModel):
    """One level of the escalation route (DESIGN's ``steps`` entry)."""

    level: RouteLevel
    level_zh: str
    org_id: str | None
    org_name: str | None
    secretary_id: str | None
    secretary_name: str | None
    missing: Missing | None = Field(description="what is missing here, if anything")
    missing_zh: str | None
    missing_en: str | None
    place_id: str | None
    place_name: str | None
    notes_zh: list[str]
    notes_en: list[str]
    domain: str | None = Field(description="the department's domain that matched")
    alternatives: list[str] = Field(description="other departments for the category")


class RoutePublic(BaseModel):
    """The escalation route of a need."""

    need_id: str
    need_name: str
    need_status: str | None
    category_id: str | None
    category_zh: str | None
    category_en: str | None
    complete: bool = Field(description="every step has its organization and secretary")
    steps: list[RouteStepPublic]


class KpiRowPublic(BaseModel):
    """The KPIs of one group of needs."""

    group_id: str | None = Field(description="kind, county, community or month; null: all")
    group_name: str | None
    raised: int
    open: int
    assigned: int
    resolved: int
    resolution_rate: float | None
    median_days: float | None
    rated: int
    satisfied: int
    satisfaction_rate: float | None
    micro_wishes: int
    micro_volunteer: int
    chain_solved: int


class SeedComparisonPublic(BaseModel):
    """A figure of the seed article beside the measured one."""

    key: str
    title_zh: str
    title_en: str
    seed: float
    measured: float | None


class KpiPublic(BaseModel):
    """Need-handling KPIs: overall, by kind, county, community and month."""

    # "from" is a Python keyword: the fields have other names, and the JSON
    # keeps the short ones (read either way, written as "from" and "to").
    model_config = ConfigDict(serialize_by_alias=True)

    community_id: str | None
    date_from: date | None = Field(
        validation_alias=AliasChoices("from", "date_from"),
        serialization_alias="from",
        description="needs raised on or after",
    )
    date_to: date | None = Field(
        validation_alias=AliasChoices("to", "date_to"),
        serialization_alias="to",
        description="needs raised on or before",
    )
    overall: KpiRowPublic
    by_kind: list[KpiRowPublic]
    by_county: list[KpiRowPublic]
    by_community: list[KpiRowPublic]
    by_month: list[KpiRowPublic]
    seed_liangshan: list[SeedComparisonPublic]
    seed_note: str | None


class ProjectPublic(BaseModel):
    """A co-building project and the open needs it could serve."""

    project_id: str
    name: str
    status: str | None
    status_zh: str | None
    unit_id: str | None
    unit_name: str | None
    community_id: str | None
    community_name: str | None
    category_id: str | None
    category_zh: str | None
    category_en: str | None
    capacity: int
    remaining: int
    open_needs: int
    exact: int = Field(description="of the open needs, exact category matches")
    urgency: int = Field(description="the open needs' total urgency")
    need_ids: list[str]


class UncoveredCategoryPublic(BaseModel):
    """A need category with open needs nothing covers, in one community."""

    community_id: str | None
    community_name: str | None
    category_id: str | None
    category_zh: str | None
    category_en: str | None
    open_needs: int
    urgency: int
    need_ids: list[str]
    inactive_projects: list[str] = Field(description="planned or completed projects that would")


class ProjectsBase(BaseModel):
    """The categories nothing covers, beside the projects."""

    community_id: str | None
    uncovered: list[UncoveredCategoryPublic]


class ProjectsPublic(ProjectsBase, PagePublic):
    """Co-building projects against open needs: a page of projects."""

    items: list[ProjectPublic] = Field(description="projects, most open needs first")


class ProjectsDocument(ProjectsBase):
    """Every project against open needs (``civicgraph projects --json``)."""

    projects: list[ProjectPublic] = Field(description="projects, most open needs first")


# --- needs ------------------------------------------------------------------------


class NeedCreate(BaseModel):
    """A new need, registered open."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "title": "独居老人需要助餐",
                    "kind": "micro_wish",
                    "category_id": "cat_elderly_meal",
                    "place_id": "U01",
                    "urgency": 2,
                    "raised_on": "2024-05-06",
                }
            ]
        },
    )

    id: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$",
        description="its id; a fresh one when absent",
    )
    title: NameText
    kind: NeedKind
    category_id: IdText
    place_id: IdText
    urgency: int = Field(default=2, ge=1, le=3)
    raised_on: date | None = Field(default=None, description="today when absent")


class NeedUpdate(BaseModel):
    """A change to a need; fields left out stay as they are."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"urgency": 3, "status": "open"}]}
    )

    title: NameText | None = None
    urgency: int | None = Field(default=None, ge=1, le=3)
    category_id: IdText | None = None
    status: NeedStatus | None = Field(
        default=None,
        description="open drops the assignment and resolution; assigned needs an assignment; "
        "resolved records today unless already resolved",
    )


class NeedAssign(BaseModel):
    """Assign a need to a resource."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"resource_id": "SV02"}]}
    )

    resource_id: IdText


class NeedResolve(BaseModel):
    """Resolve a need."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"satisfaction": 5, "resolved_on": "2024-05-20"}]},
    )

    satisfaction: int = Field(ge=1, le=5, description="the resident's rating, 1 to 5")
    resolved_on: date | None = Field(default=None, description="today when absent")


class NeedPublic(RootModel[NeedRecord]):
    """A need with its place, category and assignment.

    Its fields are those of :class:`queries.needs.NeedRecord`, written once
    there: the answer is the record itself (its title masked for viewers).
    """


# --- change sets --------------------------------------------------------------------


class ChangeSetPublic(RootModel[ChangeSetRecord]):
    """One write (变更记录): when, by whom, through what, and its counts
    (:class:`queries.changes.ChangeSetRecord`)."""


class ChangesPublic(BaseModel):
    """The change sets, newest first (``GET /api/changes``, ``civicgraph changes --json``)."""

    changesets: list[ChangeSetPublic]


class HistoryEntryPublic(RootModel[HistoryEntry]):
    """One change to a node or to one of its relationships, before → after
    (:class:`queries.changes.HistoryEntry`)."""


class NodeHistoryPublic(BaseModel):
    """A node's history, oldest first (``GET /api/nodes/{id}/history``,
    ``civicgraph history --json``)."""

    node_id: str
    labels: list[str]
    exists: bool = Field(description="the node is in the graph now (false: it was deleted)")
    entries: list[HistoryEntryPublic]


class RevertPublic(RootModel[RevertReport]):
    """What a revert did (``POST /api/changes/{id}/revert``, ``civicgraph revert --json``)."""


# --- workbook -----------------------------------------------------------------------


class WorkbookLoadPublic(BaseModel):
    """What a workbook load wrote (``POST /api/workbook``, ``civicgraph load --json``)."""

    path: str
    files: list[str]
    nodes: Counts
    relationships: Counts
    deleted_nodes: Counts
    deleted_posts: int
    ended_posts: int = Field(
        description="posts held until the load's day because posts.csv no longer lists them"
    )
    entities: int
    warnings: list[str]
    digest: str = Field(description="the workbook's sha256: digest")
    finished: str | None = Field(
        description="the interrupted load this one finished or replaced, if any"
    )
    changeset: str | None = Field(
        description="the change set recording what the load changed; null: it changed nothing"
    )
    changes: Counts = Field(description="that change set's created, updated and deleted counts")


# --- tokens -------------------------------------------------------------------------


class TokenCreate(BaseModel):
    """A new token."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"role": "viewer", "scope_id": "C01", "name": "如意社区"}]},
    )

    role: Role
    scope_id: IdText | None = Field(default=None, description="a street or community id")
    name: Annotated[PlainText, Field(max_length=NAME_MAX_LENGTH)] = ""


class TokenPublic(BaseModel):
    """A token, without its secret."""

    id: str
    name: str
    role: Role
    scope_id: str | None
    scope_kind: str | None
    created: str


class TokenCreated(TokenPublic):
    """A token just made, with its secret (shown this once)."""

    token: str = Field(description="the bearer token; kept nowhere in clear")


class TokensPublic(PagePublic):
    """A page of tokens."""

    items: list[TokenPublic]
