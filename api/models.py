"""The API's request and response models (pydantic v2), in the families of
the full-stack FastAPI template: ``NeedCreate`` / ``NeedUpdate`` in,
``NeedPublic`` out, ``…sPublic`` for a page of a list (``items``, ``total``,
``offset``, ``limit``).

Reports whose rows are already JSON-shaped by :mod:`queries` (the scorecard,
the KPIs, a candidate's details) keep those rows as objects, documented by
their query module; everything a client sends is typed field by field.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from api.tokens import Role
from graph.errors import MAX_REPORTED_PROBLEMS
from graph.schema import NeedKind, NeedStatus
from graph.text import NAME_MAX_LENGTH, control_character_problem, normalize_line_ends


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


class ErrorPublic(BaseModel):
    """Every error answer."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"error": "not_found", "detail": "node not found: C99"}]}
    )

    error: str = Field(description="a short machine-readable name: not_found, conflict …")
    detail: str = Field(description="what went wrong, for a person")
    problems: list[dict[str, Any]] | None = Field(
        default=None,
        description="every problem: {file,row,column,message} for a rejected workbook "
        f"(the first {MAX_REPORTED_PROBLEMS:,}), {{location,message}} for an invalid request",
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


class StatsPublic(BaseModel):
    """Counts of the graph (``civicgraph stats``), or of the caller's scope."""

    scope_id: str | None = Field(description="the token's scope; counts are within it")
    labels: dict[str, int] = Field(description="nodes per label")
    counties: list[dict[str, Any]] = Field(
        description="per county: counts by group (place kind, party-org level, post …); "
        "empty for a scoped token"
    )


# --- nodes and search -----------------------------------------------------------


class NeighbourPublic(BaseModel):
    """One relationship of a node, with the node at its other end."""

    direction: Literal["out", "in"]
    type: str = Field(description="the relationship type, e.g. PART_OF, HOLDS")
    properties: dict[str, Any] = Field(description="the relationship's properties (post, since …)")
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
    properties: dict[str, Any]
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
    severity: Literal["high", "medium", "low"]
    title_zh: str
    title_en: str
    count: int


class FindingPublic(BaseModel):
    """One audit finding."""

    rule_id: str
    node_id: str
    name: str | None
    kind: str | None
    community_id: str | None
    detail: str


class AuditPublic(PagePublic):
    """The audit: every rule with its count, and a page of the findings."""

    as_of: date
    sla_days: int
    min_places: int
    community_id: str | None
    street_id: str | None
    rules: list[AuditRulePublic]
    items: list[FindingPublic]


class ScorecardPublic(PagePublic):
    """The community scorecard: a page of communities, with every street and
    county (rows as :meth:`queries.scorecard.ScorecardRow.to_json`)."""

    as_of: date
    measures: list[dict[str, Any]]
    rules: list[dict[str, Any]]
    streets: list[dict[str, Any]]
    counties: list[dict[str, Any]]
    items: list[dict[str, Any]] = Field(description="communities")


# --- matching -------------------------------------------------------------------


class CandidatesPublic(PagePublic):
    """A need's candidates, best first (:meth:`queries.matching.Candidate.to_json`)."""

    need_id: str
    need_name: str
    need_status: str | None
    category_id: str | None
    place_id: str | None
    place_name: str | None
    assigned_to: str | None
    note_zh: str | None
    note_en: str | None
    items: list[dict[str, Any]] = Field(description="candidates with room left, ranked")
    full: list[dict[str, Any]] = Field(description="covering resources with no room left")


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
    category_match: str


class AssignmentPublic(PagePublic):
    """The optimal assignment (a page of it), the greedy baseline, and what
    was written when ``apply`` was asked."""

    items: list[AssignmentItemPublic]
    unassigned: list[str]
    without_candidate: list[str]
    needs: int
    served: int
    greedy_served: int
    total_urgency: int
    greedy_urgency: int
    total_distance: int
    community_id: str | None
    applied: dict[str, Any] | None = Field(
        description="{assigned: [{need_id, resource_id}], skipped: [need ids]}; null for a dry run"
    )


class RoutePublic(BaseModel):
    """The escalation route of a need (:meth:`queries.route.Route.to_json`)."""

    need_id: str
    need_name: str
    need_status: str | None
    category_id: str | None
    category_zh: str | None
    category_en: str | None
    complete: bool
    steps: list[dict[str, Any]]


class KpiPublic(BaseModel):
    """Need-handling KPIs (:meth:`queries.kpi.KpiReport.to_json`)."""

    model_config = ConfigDict(extra="allow")

    community_id: str | None
    overall: dict[str, Any]


class ProjectsPublic(PagePublic):
    """Co-building projects against open needs (a page of projects), with the
    need categories nothing covers."""

    community_id: str | None
    items: list[dict[str, Any]] = Field(description="projects, most open needs first")
    uncovered: list[dict[str, Any]]


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


class NeedPublic(BaseModel):
    """A need with its place, category and assignment."""

    id: str
    title: str
    kind: str | None
    urgency: int | None
    status: str | None
    raised_on: str | None
    resolved_on: str | None
    satisfaction: int | None
    place_id: str | None
    place_name: str | None
    category_id: str | None
    category_zh: str | None
    category_en: str | None
    assigned_to: str | None
    assigned_name: str | None


# --- workbook -----------------------------------------------------------------------


class WorkbookLoadPublic(BaseModel):
    """What a workbook upload wrote (:meth:`loaders.load.LoadReport.to_json`)."""

    path: str
    files: list[str]
    nodes: dict[str, int]
    relationships: dict[str, int]
    deleted_nodes: dict[str, int]
    deleted_posts: int
    entities: int
    warnings: list[str]
    digest: str = Field(description="the workbook's sha256: digest")
    finished: str | None = Field(
        description="the interrupted load this one finished or replaced, if any"
    )


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
