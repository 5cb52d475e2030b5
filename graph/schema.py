"""The graph model of civicgraph as data: every label, relationship type and
enumerated value, each spelled once.

Everything else in the project refers to these enumerations. Labels and
relationship types are the only identifiers ever placed into Cypher text, and
only through :func:`quote_identifier`, so that no user input can reach the
query text. Each enumerated value carries its Chinese term, which the workbook
reader accepts as an alias and the reports print beside the English.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Label(StrEnum):
    """Node labels (DESIGN.md, "Graph model")."""

    PLACE = "Place"
    CITY = "City"
    COUNTY = "County"
    STREET = "Street"
    COMMUNITY = "Community"
    RESIDENTIAL_AREA = "ResidentialArea"
    GRID = "Grid"
    BUILDING = "Building"
    UNIT = "Unit"
    PARTY_ORG = "PartyOrg"
    ORGANIZATION = "Organization"
    COUNTY_DEPARTMENT = "CountyDepartment"
    STATIONED_UNIT = "StationedUnit"
    SOCIAL_ORG = "SocialOrg"
    MICRO_ORG = "MicroOrg"
    VOLUNTEER_TEAM = "VolunteerTeam"
    PROPERTY_FIRM = "PropertyFirm"
    OWNERS_COMMITTEE = "OwnersCommittee"
    TWO_NEW_ORG = "TwoNewOrg"
    PERSON = "Person"
    FACILITY = "Facility"
    CATEGORY = "Category"
    SERVICE = "Service"
    PROJECT = "Project"
    NEED = "Need"


class SystemLabel(StrEnum):
    """Labels of the nodes civicgraph keeps about the graph itself, beside
    the data: none of them is a place, an organization or anything a
    workbook holds, and none has an ``id``."""

    LOAD_MARK = "LoadMark"
    """A load that has begun writing and not finished (:mod:`graph.loadmark`)."""

    CHANGE_SET = "ChangeSet"
    """One write to the data: when, by whom, through what (:mod:`graph.changes`)."""

    CHANGE = "Change"
    """One node or relationship a change set updated or deleted, before and after."""

    AUDIT_RUN = "AuditRun"
    """A saved audit and its findings (:mod:`queries.audit_runs`); its key is
    ``run_id``, not ``id``."""


class RelType(StrEnum):
    """Relationship types (DESIGN.md, "Graph model")."""

    PART_OF = "PART_OF"
    IN_GRID = "IN_GRID"
    LEADS = "LEADS"
    REPORTS_TO = "REPORTS_TO"
    BASED_IN = "BASED_IN"
    MANAGES = "MANAGES"
    FALLBACK_FOR = "FALLBACK_FOR"
    HOLDS = "HOLDS"
    EMPLOYED_BY = "EMPLOYED_BY"
    LOCATED_IN = "LOCATED_IN"
    BROADER = "BROADER"
    OFFERS = "OFFERS"
    IN_CATEGORY = "IN_CATEGORY"
    COVERS = "COVERS"
    RUNS = "RUNS"
    SERVES = "SERVES"
    RAISED_IN = "RAISED_IN"
    ASSIGNED_TO = "ASSIGNED_TO"


class PlaceKind(StrEnum):
    """Kinds of place, from the top of the hierarchy down."""

    CITY = "city"
    COUNTY = "county"
    STREET = "street"
    COMMUNITY = "community"
    RESIDENTIAL_AREA = "residential_area"
    GRID = "grid"
    BUILDING = "building"
    UNIT = "unit"


class PartyOrgLevel(StrEnum):
    """The five-level chain of party organizations, top down."""

    COUNTY_COMMITTEE = "county_committee"
    STREET_WORKING_COMMITTEE = "street_working_committee"
    COMMUNITY_COMMITTEE = "community_committee"
    AREA_BRANCH = "area_branch"
    BUILDING_GROUP = "building_group"


class OrgKind(StrEnum):
    """Kinds of (non-party) organization."""

    COUNTY_DEPARTMENT = "county_department"
    STATIONED_UNIT = "stationed_unit"
    SOCIAL_ORG = "social_org"
    MICRO_ORG = "micro_org"
    VOLUNTEER_TEAM = "volunteer_team"
    PROPERTY_FIRM = "property_firm"
    OWNERS_COMMITTEE = "owners_committee"
    TWO_NEW_ORG = "two_new_org"


class Post(StrEnum):
    """Posts a person holds, each a ``HOLDS {post}`` relationship."""

    SECRETARY = "secretary"
    PART_TIME_MEMBER = "part_time_member"
    FIRST_SECRETARY = "first_secretary"
    WEEKEND_SECRETARY = "weekend_secretary"
    GRID_WORKER = "grid_worker"
    GRID_HEAD = "grid_head"
    BUILDING_HEAD = "building_head"
    UNIT_HEAD = "unit_head"
    CENTRAL_HOUSEHOLD = "central_household"
    VOLUNTEER = "volunteer"


class FacilityKind(StrEnum):
    """Kinds of facility."""

    SERVICE_CENTER = "service_center"
    RED_SAIL_STATION = "red_sail_station"
    DELIBERATION_HALL = "deliberation_hall"
    DELIBERATION_POINT = "deliberation_point"
    SECRETARY_STUDIO = "secretary_studio"


class NeedKind(StrEnum):
    """Kinds of resident need."""

    MICRO_WISH = "micro_wish"
    COMPLAINT = "complaint"
    SERVICE_REQUEST = "service_request"


class NeedStatus(StrEnum):
    """Life cycle of a need."""

    OPEN = "open"
    ASSIGNED = "assigned"
    RESOLVED = "resolved"


class ProjectStatus(StrEnum):
    """Life cycle of a co-building project."""

    PLANNED = "planned"
    ACTIVE = "active"
    COMPLETED = "completed"


class PlaceTag(StrEnum):
    """Tags a residential area may carry."""

    SMART_AREA = "smart_area"
    MODEL_PROPERTY_AREA = "model_property_area"


class Severity(StrEnum):
    """Severity of an audit rule, as the rule's query header states it."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """1 for low, 2 for medium, 3 for high: larger is worse."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3}


PLACE_LABELS: dict[PlaceKind, Label] = {
    PlaceKind.CITY: Label.CITY,
    PlaceKind.COUNTY: Label.COUNTY,
    PlaceKind.STREET: Label.STREET,
    PlaceKind.COMMUNITY: Label.COMMUNITY,
    PlaceKind.RESIDENTIAL_AREA: Label.RESIDENTIAL_AREA,
    PlaceKind.GRID: Label.GRID,
    PlaceKind.BUILDING: Label.BUILDING,
    PlaceKind.UNIT: Label.UNIT,
}

PLACE_PARENT: dict[PlaceKind, PlaceKind | None] = {
    PlaceKind.CITY: None,
    PlaceKind.COUNTY: PlaceKind.CITY,
    PlaceKind.STREET: PlaceKind.COUNTY,
    PlaceKind.COMMUNITY: PlaceKind.STREET,
    PlaceKind.RESIDENTIAL_AREA: PlaceKind.COMMUNITY,
    PlaceKind.GRID: PlaceKind.COMMUNITY,
    PlaceKind.BUILDING: PlaceKind.RESIDENTIAL_AREA,
    PlaceKind.UNIT: PlaceKind.BUILDING,
}
"""The kind of place each kind is ``PART_OF``. A county's city is optional."""

ORG_LABELS: dict[OrgKind, Label] = {
    OrgKind.COUNTY_DEPARTMENT: Label.COUNTY_DEPARTMENT,
    OrgKind.STATIONED_UNIT: Label.STATIONED_UNIT,
    OrgKind.SOCIAL_ORG: Label.SOCIAL_ORG,
    OrgKind.MICRO_ORG: Label.MICRO_ORG,
    OrgKind.VOLUNTEER_TEAM: Label.VOLUNTEER_TEAM,
    OrgKind.PROPERTY_FIRM: Label.PROPERTY_FIRM,
    OrgKind.OWNERS_COMMITTEE: Label.OWNERS_COMMITTEE,
    OrgKind.TWO_NEW_ORG: Label.TWO_NEW_ORG,
}

LEVEL_PLACE: dict[PartyOrgLevel, PlaceKind] = {
    PartyOrgLevel.COUNTY_COMMITTEE: PlaceKind.COUNTY,
    PartyOrgLevel.STREET_WORKING_COMMITTEE: PlaceKind.STREET,
    PartyOrgLevel.COMMUNITY_COMMITTEE: PlaceKind.COMMUNITY,
    PartyOrgLevel.AREA_BRANCH: PlaceKind.RESIDENTIAL_AREA,
    PartyOrgLevel.BUILDING_GROUP: PlaceKind.BUILDING,
}
"""The kind of place a party organization of each level ``LEADS``."""

LEVEL_PARENT: dict[PartyOrgLevel, PartyOrgLevel | None] = {
    PartyOrgLevel.COUNTY_COMMITTEE: None,
    PartyOrgLevel.STREET_WORKING_COMMITTEE: PartyOrgLevel.COUNTY_COMMITTEE,
    PartyOrgLevel.COMMUNITY_COMMITTEE: PartyOrgLevel.STREET_WORKING_COMMITTEE,
    PartyOrgLevel.AREA_BRANCH: PartyOrgLevel.COMMUNITY_COMMITTEE,
    PartyOrgLevel.BUILDING_GROUP: PartyOrgLevel.AREA_BRANCH,
}
"""The level a party organization ``REPORTS_TO``: one level up."""


@dataclass(frozen=True)
class PostRule:
    """Which nodes a post may be held at.

    Attributes:
        labels: the target must carry one of these labels.
        levels: for party-org targets, the allowed levels (empty: any level).
    """

    labels: tuple[Label, ...]
    levels: tuple[PartyOrgLevel, ...] = ()


POST_TARGETS: dict[Post, PostRule] = {
    Post.SECRETARY: PostRule((Label.PARTY_ORG, Label.COUNTY_DEPARTMENT)),
    Post.PART_TIME_MEMBER: PostRule(
        (Label.PARTY_ORG,),
        (PartyOrgLevel.STREET_WORKING_COMMITTEE, PartyOrgLevel.COMMUNITY_COMMITTEE),
    ),
    Post.FIRST_SECRETARY: PostRule((Label.COMMUNITY,)),
    Post.WEEKEND_SECRETARY: PostRule((Label.COMMUNITY,)),
    Post.GRID_WORKER: PostRule((Label.GRID,)),
    Post.GRID_HEAD: PostRule((Label.GRID,)),
    Post.BUILDING_HEAD: PostRule((Label.BUILDING,)),
    Post.UNIT_HEAD: PostRule((Label.UNIT,)),
    Post.CENTRAL_HOUSEHOLD: PostRule((Label.BUILDING,)),
    Post.VOLUNTEER: PostRule((Label.VOLUNTEER_TEAM, Label.SOCIAL_ORG, Label.MICRO_ORG)),
}

ZH: dict[str, str] = {
    # place kinds
    PlaceKind.CITY: "市",
    PlaceKind.COUNTY: "县",
    PlaceKind.STREET: "街道",
    PlaceKind.COMMUNITY: "社区",
    PlaceKind.RESIDENTIAL_AREA: "小区",
    PlaceKind.GRID: "网格",
    PlaceKind.BUILDING: "楼栋",
    PlaceKind.UNIT: "单元",
    # party-org levels
    PartyOrgLevel.COUNTY_COMMITTEE: "县委",
    PartyOrgLevel.STREET_WORKING_COMMITTEE: "街道党工委",
    PartyOrgLevel.COMMUNITY_COMMITTEE: "社区党委",
    PartyOrgLevel.AREA_BRANCH: "小区党支部",
    PartyOrgLevel.BUILDING_GROUP: "楼栋党小组",
    # organization kinds
    OrgKind.COUNTY_DEPARTMENT: "县直部门",
    OrgKind.STATIONED_UNIT: "驻社区单位",
    OrgKind.SOCIAL_ORG: "社会组织",
    OrgKind.MICRO_ORG: "微组织",
    OrgKind.VOLUNTEER_TEAM: "志愿服务队",
    OrgKind.PROPERTY_FIRM: "物业企业",
    OrgKind.OWNERS_COMMITTEE: "业委会",
    OrgKind.TWO_NEW_ORG: "两新组织",
    # posts
    Post.SECRETARY: "书记",
    Post.PART_TIME_MEMBER: "兼职委员",
    Post.FIRST_SECRETARY: "第一书记",
    Post.WEEKEND_SECRETARY: "周末书记",
    Post.GRID_WORKER: "网格员",
    Post.GRID_HEAD: "网格长",
    Post.BUILDING_HEAD: "楼长",
    Post.UNIT_HEAD: "单元长",
    Post.CENTRAL_HOUSEHOLD: "党员中心户",
    Post.VOLUNTEER: "志愿者",
    # facility kinds
    FacilityKind.SERVICE_CENTER: "党群服务中心",
    FacilityKind.RED_SAIL_STATION: "红帆驿站",
    FacilityKind.DELIBERATION_HALL: "街坊议事厅",
    FacilityKind.DELIBERATION_POINT: "居民议事站",
    FacilityKind.SECRETARY_STUDIO: "书记工作室",
    # need kinds and statuses
    NeedKind.MICRO_WISH: "微心愿",
    NeedKind.COMPLAINT: "诉求",
    NeedKind.SERVICE_REQUEST: "服务请求",
    NeedStatus.OPEN: "待办",
    NeedStatus.ASSIGNED: "已派单",
    NeedStatus.RESOLVED: "已办结",
    # project statuses
    ProjectStatus.PLANNED: "计划中",
    ProjectStatus.ACTIVE: "进行中",
    ProjectStatus.COMPLETED: "已完成",
    # place tags
    PlaceTag.SMART_AREA: "智慧小区",
    PlaceTag.MODEL_PROPERTY_AREA: "物业示范小区",
    # audit severities
    Severity.HIGH: "高",
    Severity.MEDIUM: "中",
    Severity.LOW: "低",
}
"""Chinese term of every enumerated value (keys are the English values)."""

LABEL_ZH: dict[Label, str] = {
    Label.PLACE: "地点",
    Label.CITY: "市",
    Label.COUNTY: "县",
    Label.STREET: "街道",
    Label.COMMUNITY: "社区",
    Label.RESIDENTIAL_AREA: "小区",
    Label.GRID: "网格",
    Label.BUILDING: "楼栋",
    Label.UNIT: "单元",
    Label.PARTY_ORG: "党组织",
    Label.ORGANIZATION: "组织",
    Label.COUNTY_DEPARTMENT: "县直部门",
    Label.STATIONED_UNIT: "驻社区单位",
    Label.SOCIAL_ORG: "社会组织",
    Label.MICRO_ORG: "微组织",
    Label.VOLUNTEER_TEAM: "志愿服务队",
    Label.PROPERTY_FIRM: "物业企业",
    Label.OWNERS_COMMITTEE: "业委会",
    Label.TWO_NEW_ORG: "两新组织",
    Label.PERSON: "人员",
    Label.FACILITY: "阵地",
    Label.CATEGORY: "类别",
    Label.SERVICE: "服务",
    Label.PROJECT: "共建项目",
    Label.NEED: "需求",
}

EN: dict[str, str] = {
    PlaceKind.CITY: "city",
    PlaceKind.COUNTY: "county",
    PlaceKind.STREET: "street",
    PlaceKind.COMMUNITY: "community",
    PlaceKind.RESIDENTIAL_AREA: "residential area",
    PlaceKind.GRID: "grid",
    PlaceKind.BUILDING: "building",
    PlaceKind.UNIT: "unit",
    PartyOrgLevel.COUNTY_COMMITTEE: "county party committee",
    PartyOrgLevel.STREET_WORKING_COMMITTEE: "street working committee",
    PartyOrgLevel.COMMUNITY_COMMITTEE: "community party committee",
    PartyOrgLevel.AREA_BRANCH: "residential-area party branch",
    PartyOrgLevel.BUILDING_GROUP: "building party group",
    OrgKind.COUNTY_DEPARTMENT: "county department",
    OrgKind.STATIONED_UNIT: "stationed unit",
    OrgKind.SOCIAL_ORG: "social organization",
    OrgKind.MICRO_ORG: "micro-organization",
    OrgKind.VOLUNTEER_TEAM: "volunteer team",
    OrgKind.PROPERTY_FIRM: "property firm",
    OrgKind.OWNERS_COMMITTEE: "owners committee",
    OrgKind.TWO_NEW_ORG: "two-new organization",
    Post.SECRETARY: "secretary",
    Post.PART_TIME_MEMBER: "part-time member",
    Post.FIRST_SECRETARY: "first secretary",
    Post.WEEKEND_SECRETARY: "weekend secretary",
    Post.GRID_WORKER: "grid worker",
    Post.GRID_HEAD: "grid head",
    Post.BUILDING_HEAD: "building head",
    Post.UNIT_HEAD: "unit head",
    Post.CENTRAL_HOUSEHOLD: "party-member central household",
    Post.VOLUNTEER: "volunteer",
    FacilityKind.SERVICE_CENTER: "party-mass service center",
    FacilityKind.RED_SAIL_STATION: "red-sail station",
    FacilityKind.DELIBERATION_HALL: "neighbourhood deliberation hall",
    FacilityKind.DELIBERATION_POINT: "residents' deliberation point",
    FacilityKind.SECRETARY_STUDIO: "secretary studio",
    NeedKind.MICRO_WISH: "micro-wish",
    NeedKind.COMPLAINT: "complaint",
    NeedKind.SERVICE_REQUEST: "service request",
    NeedStatus.OPEN: "open",
    NeedStatus.ASSIGNED: "assigned",
    NeedStatus.RESOLVED: "resolved",
    ProjectStatus.PLANNED: "planned",
    ProjectStatus.ACTIVE: "active",
    ProjectStatus.COMPLETED: "completed",
    PlaceTag.SMART_AREA: "smart residential area",
    PlaceTag.MODEL_PROPERTY_AREA: "model property area",
    Severity.HIGH: "high",
    Severity.MEDIUM: "medium",
    Severity.LOW: "low",
}
"""English term of every value :data:`ZH` names (same keys), for labels and reports."""

LABEL_EN: dict[Label, str] = {
    Label.PLACE: "place",
    Label.CITY: "city",
    Label.COUNTY: "county",
    Label.STREET: "street",
    Label.COMMUNITY: "community",
    Label.RESIDENTIAL_AREA: "residential area",
    Label.GRID: "grid",
    Label.BUILDING: "building",
    Label.UNIT: "unit",
    Label.PARTY_ORG: "party organization",
    Label.ORGANIZATION: "organization",
    Label.COUNTY_DEPARTMENT: "county department",
    Label.STATIONED_UNIT: "stationed unit",
    Label.SOCIAL_ORG: "social organization",
    Label.MICRO_ORG: "micro-organization",
    Label.VOLUNTEER_TEAM: "volunteer team",
    Label.PROPERTY_FIRM: "property firm",
    Label.OWNERS_COMMITTEE: "owners committee",
    Label.TWO_NEW_ORG: "two-new organization",
    Label.PERSON: "person",
    Label.FACILITY: "facility",
    Label.CATEGORY: "category",
    Label.SERVICE: "service",
    Label.PROJECT: "co-building project",
    Label.NEED: "need",
}
"""English term of every label (the Chinese is :data:`LABEL_ZH`)."""

PRIMARY_LABELS: tuple[Label, ...] = tuple(
    label for label in Label if label not in (Label.PLACE, Label.ORGANIZATION)
)
"""The labels that name what a node is; ``Place`` and ``Organization`` are
the families that group them."""

FAMILY: dict[Label, Label] = {
    **{label: Label.PLACE for label in PLACE_LABELS.values()},
    **{label: Label.ORGANIZATION for label in ORG_LABELS.values()},
}
"""The family label that a node of each kind carries as well."""


def quote_identifier(name: str) -> str:
    """Backtick-quote a label or relationship type for Cypher text.

    Only names from this module's enumerations are accepted: anything else is
    refused, so no user-supplied text can become part of a query.

    Args:
        name: a :class:`Label`, :class:`SystemLabel` or :class:`RelType` member.

    Returns:
        The name between backticks.

    Raises:
        ValueError: when ``name`` is not one of the schema's own names.
    """
    if name not in _IDENTIFIERS:
        raise ValueError(f"not a schema identifier: {name!r}")
    return f"`{name}`"


_IDENTIFIERS = frozenset({*Label, *SystemLabel, *RelType})


@dataclass(frozen=True)
class IndexSpec:
    """A range index on one property of a label or a relationship type."""

    target: Label | RelType | SystemLabel
    property: str


INDEXES: tuple[IndexSpec, ...] = (
    IndexSpec(Label.PARTY_ORG, "level"),
    IndexSpec(Label.FACILITY, "kind"),
    IndexSpec(Label.NEED, "status"),
    IndexSpec(Label.PROJECT, "status"),
    IndexSpec(RelType.HOLDS, "post"),
    IndexSpec(SystemLabel.CHANGE, "entity"),
    IndexSpec(SystemLabel.CHANGE, "other"),
    IndexSpec(SystemLabel.CHANGE, "changeset"),
    IndexSpec(SystemLabel.CHANGE_SET, "at"),
)
"""The indexes the queries anchor on, besides the ``id`` constraints. Each
index is paid for on every write of its label, so kinds that a label already
tells apart (a place's kind, an organization's kind) have none."""

SYSTEM_KEYS: dict[SystemLabel, str] = {SystemLabel.CHANGE_SET: "changeset"}
"""The system labels whose nodes are told apart by a key: one uniqueness
constraint each, so that concurrent transactions of one write meet on one node."""

SEARCH_INDEX = "civicgraph_names"
"""The full-text index (``cjk`` analyzer) over every node's ``name``."""

SEARCHABLE_LABELS: tuple[Label, ...] = (
    Label.CITY,
    Label.COUNTY,
    Label.STREET,
    Label.COMMUNITY,
    Label.RESIDENTIAL_AREA,
    Label.GRID,
    Label.BUILDING,
    Label.PARTY_ORG,
    Label.ORGANIZATION,
    Label.PERSON,
    Label.FACILITY,
    Label.CATEGORY,
    Label.SERVICE,
    Label.PROJECT,
)
"""What a planner finds by name. Units (“2单元”) and needs (found by id or
through their place) are left out: they are the most numerous nodes, and a
full-text index is the dearest index to keep up on every write."""
