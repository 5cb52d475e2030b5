"""The workbook format as data: its ten files, their columns with Chinese
aliases and short explanations, and every word the reader accepts for an
enumerated value or a boolean.

The reader (:mod:`loaders.workbook`), the validator (:mod:`loaders.validate`),
the template and the documentation all consult these tables, so each header
and each term is spelled once. Headers match case-, space- and
underscore-insensitively, so ``Parent ID``, ``parent_id`` and ``上级编号`` all
name the same column; an enumerated value may be written in English, in the
Chinese term of :data:`graph.schema.ZH`, or as one of the synonyms a planner
would type (楼栋长 for ``building_head``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from graph.errors import MAX_REPORTED_PROBLEMS
from graph.schema import (
    ZH,
    FacilityKind,
    NeedKind,
    NeedStatus,
    OrgKind,
    PartyOrgLevel,
    PlaceKind,
    PlaceTag,
    Post,
    ProjectStatus,
)
from loaders.limits import LIMITS

EXPLANATION_MARKER = "※"
"""Every cell of the template's explanation row (row 2) starts with this mark;
a second row whose filled cells all start with it is skipped, not read as data."""

MANY_VALUE_SEPARATORS = (";", "；")
"""Separators of a many-valued cell: the ASCII and the full-width semicolon."""

AUXILIARY_SHEETS = frozenset({"allowed_values"})
"""Sheets the template writes for reading, which the reader skips silently."""


@dataclass(frozen=True)
class Column:
    """One column of a workbook file.

    Attributes:
        name: the canonical English header, e.g. ``parent_id``.
        zh: the documented Chinese alias, e.g. ``上级编号``.
        help_zh: a short explanation for planners, printed in the template.
        help_en: the same explanation in English, for the documentation.
        required: every row needs a value here, so the header must be present.
        aliases: further headers accepted for this column.
    """

    name: str
    zh: str
    help_zh: str
    help_en: str
    required: bool = False
    aliases: tuple[str, ...] = ()

    def headers(self) -> tuple[str, ...]:
        """Every header text that names this column."""
        return (self.name, self.zh, *self.aliases)


@dataclass(frozen=True)
class WorkbookFile:
    """One file of a workbook (a CSV file, or a sheet of an ``.xlsx``).

    Attributes:
        name: the file name, e.g. ``places.csv``.
        zh: the Chinese name, also accepted as a file or sheet name.
        help_en: what one row of the file describes.
        columns: the columns in canonical order.
        note: what the reference says of the file below its columns (Markdown).
    """

    name: str
    zh: str
    help_en: str
    columns: tuple[Column, ...]
    note: str = ""

    @property
    def sheet(self) -> str:
        """The sheet name in an ``.xlsx`` workbook: the file name without ``.csv``."""
        return self.name.removesuffix(".csv")

    @property
    def column_names(self) -> tuple[str, ...]:
        """The canonical column names in order."""
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> Column:
        """The column with this canonical name.

        Args:
            name: a canonical column name of this file.

        Raises:
            KeyError: when the file has no such column.
        """
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.name} has no column {name!r}")

    def header_index(self) -> dict[str, str]:
        """Normalized header text → canonical column name, for every alias."""
        return {
            normalize_header(header): column.name
            for column in self.columns
            for header in column.headers()
        }


def _id(zh_what: str, en_what: str) -> Column:
    return Column(
        "id",
        "编号",
        f"必填；{zh_what}编号，全图唯一",
        f"required; the {en_what}'s id, unique across the whole workbook and graph",
        required=True,
        aliases=("编码",),
    )


def _name(zh: str = "名称", aliases: tuple[str, ...] = ("名字",)) -> Column:
    return Column("name", zh, "必填；名称", "required; the name", required=True, aliases=aliases)


def _category() -> Column:
    return Column(
        "category",
        "类别",
        "必填；需求类别编号（见 categories）",
        "required; the id of a need category",
        required=True,
        aliases=("类别编号", "需求类别"),
    )


def _capacity() -> Column:
    return Column(
        "capacity",
        "容量",
        "必填；可同时承接的需求数，非负整数",
        "required; how many needs it can take at once, a whole number ≥ 0",
        required=True,
    )


def _established() -> Column:
    return Column(
        "established",
        "成立日期",
        "YYYY-MM-DD；空：一直存在",
        "the day it was established, YYYY-MM-DD; empty: it always existed",
        aliases=("设立日期", "建立日期"),
    )


def _dissolved() -> Column:
    return Column(
        "dissolved",
        "撤销日期",
        "YYYY-MM-DD，不早于成立日期；空：仍存在",
        "the day it was dissolved (merged, abolished), YYYY-MM-DD, not before established; "
        "empty: it exists now",
        aliases=("撤并日期", "注销日期"),
    )


PLACES = WorkbookFile(
    "places.csv",
    "地点",
    "a place: city, county, street, community, residential area, grid, building or unit",
    (
        _id("地点", "place"),
        _name(aliases=("地点名称", "名字")),
        Column(
            "kind",
            "类型",
            "必填；市/县/街道/社区/小区/网格/楼栋/单元",
            "required; city, county, street, community, residential_area, grid, building, unit",
            required=True,
            aliases=("地点类型",),
        ),
        Column(
            "parent_id",
            "上级编号",
            "所属上级地点：县→市，街道→县，社区→街道，小区/网格→社区，楼栋→小区，单元→楼栋",
            "the place it is part of: county→city, street→county, community→street, "
            "residential area or grid→community, building→residential area, unit→building; "
            "required below the county",
            aliases=("上级地点", "上级地点编号", "所属地点"),
        ),
        Column(
            "grid_id",
            "所属网格",
            "仅楼栋：所在网格编号，须与楼栋同一社区",
            "buildings only: the grid it lies in, in the same community",
            aliases=("网格编号",),
        ),
        Column(
            "households",
            "户数",
            "住户数，非负整数",
            "number of households, a whole number ≥ 0",
            aliases=("住户数",),
        ),
        Column(
            "tags",
            "标签",
            "多个用 ; 分隔：智慧小区 smart_area、物业示范小区 model_property_area",
            "`;`-separated: smart_area, model_property_area",
        ),
        _established(),
        _dissolved(),
    ),
)

PARTY_ORGS = WorkbookFile(
    "party_orgs.csv",
    "党组织",
    "a party organization of the five-level chain",
    (
        _id("党组织", "party organization"),
        _name(aliases=("党组织名称", "名字")),
        Column(
            "level",
            "层级",
            "必填；县委/街道党工委/社区党委/小区党支部/楼栋党小组",
            "required; county_committee, street_working_committee, community_committee, "
            "area_branch, building_group",
            required=True,
            aliases=("级别", "组织层级"),
        ),
        Column(
            "place_id",
            "所在地编号",
            "所领导的地点：县委→县，党工委→街道，社区党委→社区，支部→小区，党小组→楼栋",
            "the place it leads, of the kind its level leads",
            aliases=("领导地点", "地点编号"),
        ),
        Column(
            "parent_id",
            "上级编号",
            "上级党组织编号（通常高一级）",
            "the party organization it reports to, normally one level up",
            aliases=("上级党组织", "上级党组织编号"),
        ),
        _established(),
        _dissolved(),
    ),
)

ORGANIZATIONS = WorkbookFile(
    "organizations.csv",
    "组织",
    "an organization that is not a party organization",
    (
        _id("组织", "organization"),
        _name(aliases=("组织名称", "单位名称", "名字")),
        Column(
            "kind",
            "类型",
            "必填；县直部门/驻社区单位/社会组织/微组织/志愿服务队/物业企业/业委会/两新组织",
            "required; county_department, stationed_unit, social_org, micro_org, "
            "volunteer_team, property_firm, owners_committee, two_new_org",
            required=True,
            aliases=("组织类型",),
        ),
        Column(
            "place_id",
            "所在地编号",
            "所在地点编号",
            "the place it is based in",
            aliases=("地点编号",),
        ),
        Column(
            "red_property",
            "红色物业",
            "仅物业企业：是/否",
            "property firms only: true or false",
            aliases=("是否红色物业",),
        ),
        Column(
            "manages",
            "管理小区",
            "仅物业企业：所管小区编号，多个用 ; 分隔",
            "property firms only: `;`-separated ids of the residential areas it manages",
            aliases=("服务小区",),
        ),
        Column(
            "domains",
            "职责领域",
            "仅县直部门：负责的需求类别编号，多个用 ; 分隔",
            "county departments only: `;`-separated ids of the need categories it answers for",
            aliases=("职责类别",),
        ),
        Column(
            "fallback_org_id",
            "兜底党组织",
            "仅两新组织：兜底管理的党组织编号",
            "two-new organizations only: the party organization that falls back for it",
            aliases=("兜底党组织编号",),
        ),
        _established(),
        _dissolved(),
    ),
)

PEOPLE = WorkbookFile(
    "people.csv",
    "人员",
    "a person",
    (
        _id("人员", "person"),
        _name("姓名", aliases=("名称", "名字")),
        Column(
            "phone",
            "电话",
            "联系电话（个人信息）",
            "phone number (personal data)",
            aliases=("手机", "联系电话", "手机号"),
        ),
        Column(
            "party_member",
            "党员",
            "是/否",
            "true or false",
            aliases=("是否党员",),
        ),
        Column(
            "employer_id",
            "工作单位",
            "所在单位（组织）编号",
            "the id of the organization that employs the person",
            aliases=("工作单位编号", "单位编号"),
        ),
    ),
)

POSTS = WorkbookFile(
    "posts.csv",
    "职务",
    "a post a person holds at a place or organization",
    (
        Column(
            "person_id",
            "人员编号",
            "必填；任职人员编号",
            "required; the person's id",
            required=True,
        ),
        Column(
            "post",
            "职务",
            "必填；书记/兼职委员/第一书记/周末书记/网格员/网格长/楼长/单元长/党员中心户/志愿者",
            "required; secretary, part_time_member, first_secretary, weekend_secretary, "
            "grid_worker, grid_head, building_head, unit_head, central_household, volunteer",
            required=True,
            aliases=("岗位",),
        ),
        Column(
            "target_id",
            "任职对象",
            "必填；任职的党组织、组织或地点编号",
            "required; the id of the party organization, organization or place of the post",
            required=True,
            aliases=("任职对象编号", "对象编号"),
        ),
        Column(
            "since",
            "任职日期",
            "YYYY-MM-DD",
            "the date the post was taken, YYYY-MM-DD",
            aliases=("起始日期",),
        ),
        Column(
            "until",
            "离任日期",
            "YYYY-MM-DD，不早于任职日期；空：现任",
            "the day the person left the post or the term ended, YYYY-MM-DD, not before "
            "since; empty: holds it now",
            aliases=("任期截止", "截止日期"),
        ),
    ),
    note="""A later load whose `posts.csv` no longer lists a post held now **ends** it:
its `until` becomes the load's day (离任), so that the graph remembers who held
it and `--as-of` an earlier day still finds it; a post that was to begin after
that day is deleted. The posts considered are those of the persons, and at the
places and organizations, the workbook defines or names in `posts.csv`: a
street's own `posts.csv` ends nothing elsewhere, and a workbook without
`posts.csv` ends nothing. `load --replace` deletes such posts instead (the
workbook is the whole truth). The load's report says how many it ended
(`ended_posts`).""",
)

FACILITIES = WorkbookFile(
    "facilities.csv",
    "阵地",
    "a facility: service centre, red-sail station, deliberation hall or point, studio",
    (
        _id("阵地", "facility"),
        _name(aliases=("阵地名称", "名字")),
        Column(
            "kind",
            "类型",
            "必填；党群服务中心/红帆驿站/街坊议事厅/居民议事站/书记工作室",
            "required; service_center, red_sail_station, deliberation_hall, "
            "deliberation_point, secretary_studio",
            required=True,
            aliases=("阵地类型",),
        ),
        Column(
            "place_id",
            "所在地编号",
            "必填；所在地点编号",
            "required; the place it is located in",
            required=True,
            aliases=("地点编号",),
        ),
    ),
)

CATEGORIES = WorkbookFile(
    "categories.csv",
    "类别",
    "a need category of the taxonomy",
    (
        _id("类别", "category"),
        Column(
            "name_zh",
            "中文名",
            "必填；中文名称",
            "required; the Chinese name",
            required=True,
            aliases=("中文名称", "名称"),
        ),
        Column("name_en", "英文名", "英文名称", "the English name", aliases=("英文名称",)),
        Column(
            "parent_id",
            "上级编号",
            "上级（更宽）类别编号",
            "the broader category",
            aliases=("上级类别", "上级类别编号"),
        ),
    ),
)

SERVICES = WorkbookFile(
    "services.csv",
    "服务",
    "a service an organization or party organization offers",
    (
        _id("服务", "service"),
        _name(aliases=("服务名称", "名字")),
        Column(
            "provider_id",
            "提供方",
            "必填；提供服务的组织或党组织编号",
            "required; the organization or party organization that offers it",
            required=True,
            aliases=("提供方编号",),
        ),
        _category(),
        _capacity(),
        Column(
            "covers",
            "覆盖范围",
            "覆盖的地点编号，多个用 ; 分隔；空则为提供方所在地",
            "`;`-separated ids of the places it covers; empty: the provider's own place",
            aliases=("覆盖地点",),
        ),
    ),
)

PROJECTS = WorkbookFile(
    "projects.csv",
    "共建项目",
    "a co-building project a stationed unit runs for a community",
    (
        _id("项目", "project"),
        _name(aliases=("项目名称", "名字")),
        Column(
            "unit_id",
            "驻区单位",
            "必填；承办的驻社区单位编号",
            "required; the stationed unit that runs it",
            required=True,
            aliases=("驻社区单位", "共建单位"),
        ),
        Column(
            "community_id",
            "服务社区",
            "必填；服务的社区编号",
            "required; the community it serves",
            required=True,
            aliases=("社区编号",),
        ),
        _category(),
        _capacity(),
        Column(
            "status",
            "状态",
            "计划中/进行中/已完成",
            "planned, active, completed",
            aliases=("项目状态",),
        ),
    ),
)

NEEDS = WorkbookFile(
    "needs.csv",
    "需求",
    "a resident need: micro-wish, complaint or service request",
    (
        _id("需求", "need"),
        Column(
            "title",
            "标题",
            "必填；需求内容",
            "required; what is needed",
            required=True,
            aliases=("名称", "事项", "内容"),
        ),
        Column(
            "kind",
            "类型",
            "必填；微心愿/诉求/服务请求",
            "required; micro_wish, complaint, service_request",
            required=True,
            aliases=("需求类型",),
        ),
        _category(),
        Column(
            "place_id",
            "所在地编号",
            "必填；提出需求的地点编号",
            "required; the place it was raised in",
            required=True,
            aliases=("提出地点", "地点编号"),
        ),
        Column(
            "urgency",
            "紧急程度",
            "必填；1、2 或 3（3 最急）",
            "required; 1, 2 or 3 (3 most urgent)",
            required=True,
            aliases=("紧急度",),
        ),
        Column(
            "raised_on",
            "提出日期",
            "必填；YYYY-MM-DD",
            "required; the date it was raised, YYYY-MM-DD",
            required=True,
        ),
        Column(
            "status",
            "状态",
            "待办/已派单/已办结；空为待办",
            "open, assigned, resolved; empty means open",
            aliases=("办理状态",),
        ),
        Column(
            "assigned_to",
            "派单对象",
            "已派单时必填：服务或共建项目编号",
            "the service or project it is assigned to; required when assigned, "
            "not allowed when open",
            aliases=("承接资源",),
        ),
        Column(
            "resolved_on",
            "办结日期",
            "仅已办结：YYYY-MM-DD，不早于提出日期",
            "resolved needs only: YYYY-MM-DD, not before raised_on",
        ),
        Column(
            "satisfaction",
            "满意度",
            "仅已办结：1–5",
            "resolved needs only: 1 to 5",
        ),
    ),
)

FILES: tuple[WorkbookFile, ...] = (
    PLACES,
    PARTY_ORGS,
    ORGANIZATIONS,
    PEOPLE,
    POSTS,
    FACILITIES,
    CATEGORIES,
    SERVICES,
    PROJECTS,
    NEEDS,
)
"""The files of a workbook, in the order problems are reported and rows written."""

FILES_BY_NAME: dict[str, WorkbookFile] = {spec.name: spec for spec in FILES}


def normalize_header(text: str) -> str:
    """Fold a header or file name so that case, spaces, ``_`` and ``-`` do not matter.

    Args:
        text: a header cell, a sheet name or a file name without extension.

    Returns:
        The folded text, used only for comparison.
    """
    return re.sub(r"[\s_\-\ufeff]+", "", text.casefold()).translate(_QUOTES_REMOVED)


def file_for_name(stem: str) -> WorkbookFile | None:
    """The workbook file a file stem or sheet name stands for, if any.

    Args:
        stem: e.g. ``places``, ``Places``, ``地点`` or ``places.csv``.

    Returns:
        The matching file, or ``None`` for a name that is not part of the format.
    """
    folded = normalize_header(re.sub(r"\.csv$", "", stem, flags=re.IGNORECASE))
    return _FILES_BY_FOLDED_NAME.get(folded)


_QUOTES_REMOVED = str.maketrans("", "", "\"'“”‘’「」『』")

_FILES_BY_FOLDED_NAME: dict[str, WorkbookFile] = {
    normalize_header(name): spec for spec in FILES for name in (spec.sheet, spec.zh)
}


# --- enumerated values -------------------------------------------------------

ENUMERATIONS: dict[str, type[StrEnum]] = {
    "place_kind": PlaceKind,
    "place_tag": PlaceTag,
    "party_org_level": PartyOrgLevel,
    "org_kind": OrgKind,
    "post": Post,
    "facility_kind": FacilityKind,
    "need_kind": NeedKind,
    "need_status": NeedStatus,
    "project_status": ProjectStatus,
}
"""Every enumeration a workbook cell may hold, by the name the template prints."""

ENUMERATION_COLUMNS: dict[str, str] = {
    "place_kind": "places.kind",
    "place_tag": "places.tags",
    "party_org_level": "party_orgs.level",
    "org_kind": "organizations.kind",
    "post": "posts.post",
    "facility_kind": "facilities.kind",
    "need_kind": "needs.kind",
    "need_status": "needs.status",
    "project_status": "projects.status",
}
"""Where each enumeration is used, for the template's ``allowed_values`` sheet."""

SYNONYMS: dict[StrEnum, tuple[str, ...]] = {
    PlaceKind.CITY: ("城市", "地级市"),
    PlaceKind.COUNTY: ("县区", "区县", "县级"),
    PlaceKind.STREET: ("街道办", "街道办事处"),
    PlaceKind.COMMUNITY: ("居委会", "社区居委会"),
    PlaceKind.RESIDENTIAL_AREA: ("居民小区", "住宅小区", "area"),
    PlaceKind.BUILDING: ("楼宇", "楼"),
    PlaceTag.MODEL_PROPERTY_AREA: ("示范小区", "物业服务示范小区"),
    PartyOrgLevel.COUNTY_COMMITTEE: ("县委员会", "县党委"),
    PartyOrgLevel.STREET_WORKING_COMMITTEE: ("党工委", "街道党委"),
    PartyOrgLevel.COMMUNITY_COMMITTEE: ("社区党组织", "社区党总支"),
    PartyOrgLevel.AREA_BRANCH: ("党支部", "支部", "小区支部"),
    PartyOrgLevel.BUILDING_GROUP: ("党小组", "楼宇党小组"),
    OrgKind.COUNTY_DEPARTMENT: ("县直单位", "县直机关", "部门"),
    OrgKind.STATIONED_UNIT: ("驻区单位", "共建单位", "驻社区单位党组织"),
    OrgKind.VOLUNTEER_TEAM: ("志愿队", "志愿者队伍", "志愿服务团队"),
    OrgKind.PROPERTY_FIRM: ("物业公司", "物业"),
    OrgKind.OWNERS_COMMITTEE: ("业主委员会",),
    OrgKind.TWO_NEW_ORG: ("两新", "新经济组织", "新社会组织"),
    Post.SECRETARY: ("党组书记", "支部书记"),
    Post.PART_TIME_MEMBER: ("红色合伙人", "兼职委员会委员"),
    Post.GRID_WORKER: ("社区工作者", "专职网格员", "社工"),
    Post.BUILDING_HEAD: ("楼栋长",),
    Post.CENTRAL_HOUSEHOLD: ("中心户",),
    Post.VOLUNTEER: ("志愿服务者",),
    FacilityKind.SERVICE_CENTER: ("党群服务站", "党群中心"),
    FacilityKind.RED_SAIL_STATION: ("驿站",),
    FacilityKind.DELIBERATION_HALL: ("议事厅",),
    FacilityKind.DELIBERATION_POINT: ("议事站", "议事点", "居民议事点"),
    FacilityKind.SECRETARY_STUDIO: ("小区书记工作室",),
    NeedKind.COMPLAINT: ("投诉", "诉求事项"),
    NeedKind.SERVICE_REQUEST: ("服务需求", "服务申请"),
    NeedStatus.OPEN: ("待处理", "未处理", "未派单", "新建"),
    NeedStatus.ASSIGNED: ("处理中", "已分派", "办理中"),
    NeedStatus.RESOLVED: ("办结", "已解决", "已完成"),
    ProjectStatus.PLANNED: ("计划", "未开始"),
    ProjectStatus.ACTIVE: ("实施中", "在建"),
    ProjectStatus.COMPLETED: ("完成", "已结项"),
}
"""Extra words a planner types for a value, beyond its English value and the
Chinese term of :data:`graph.schema.ZH`."""

TRUE_WORDS = frozenset({"true", "yes", "y", "1", "是"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "否"})
"""Boolean cells, compared after case folding."""


def terms(member: StrEnum) -> tuple[str, ...]:
    """Every word accepted for an enumerated value, English value first.

    Args:
        member: a member of one of :data:`ENUMERATIONS`.
    """
    chinese = (ZH[member],) if member in ZH else ()
    return (member.value, *chinese, *SYNONYMS.get(member, ()))


def normalize_term(text: str) -> str:
    """Fold a cell holding an enumerated value for comparison.

    Case, surrounding space and quotes do not matter, and spaces or hyphens
    stand for underscores: ``Residential Area`` reads as ``residential_area``,
    ``“两新”组织`` as ``两新组织``.

    Args:
        text: the cell text.
    """
    folded = re.sub(r"[\s\-]+", "_", text.strip().casefold())
    return folded.translate(_QUOTES_REMOVED).strip("_")


EnumT = TypeVar("EnumT", bound=StrEnum)


def lookup_term(enum_type: type[EnumT], text: str) -> EnumT | None:
    """The member of ``enum_type`` that ``text`` names, in English or Chinese.

    Args:
        enum_type: one of :data:`ENUMERATIONS`.
        text: the cell text.

    Returns:
        The member, or ``None`` when ``text`` names none of its values.
    """
    table = _TERM_TABLES.get(enum_type)
    if table is None:
        table = {normalize_term(term): member for member in enum_type for term in terms(member)}
        _TERM_TABLES[enum_type] = table
    # Most cells already hold a canonical value; folding is the slow path.
    member = table.get(text) or table.get(normalize_term(text))
    return member if isinstance(member, enum_type) else None


def describe_values(enum_type: type[StrEnum]) -> str:
    """The allowed values of an enumeration with their Chinese terms, for messages.

    Args:
        enum_type: one of :data:`ENUMERATIONS`.
    """
    return ", ".join(
        f"{member.value} ({ZH[member]})" if member in ZH else member.value for member in enum_type
    )


_TERM_TABLES: dict[type[StrEnum], dict[str, StrEnum]] = {}


def reference_markdown() -> str:
    """The column reference as a Markdown document: every file, column, alias and meaning.

    Returns:
        Markdown text, one table per file, then the allowed values.
    """
    lines = ["# Workbook columns", ""]
    for spec in FILES:
        lines += [f"## `{spec.name}` ({spec.zh}) — {spec.help_en}", ""]
        lines += ["| column | 中文 | also accepted | meaning |", "|---|---|---|---|"]
        for column in spec.columns:
            aliases = ", ".join(column.aliases)
            lines.append(f"| `{column.name}` | {column.zh} | {aliases} | {column.help_en} |")
        lines.append("")
        if spec.note:
            lines += [*spec.note.split("\n"), ""]
    lines += ["## Allowed values", ""]
    lines += ["| enumeration | used in | value | 中文 | also accepted |", "|---|---|---|---|---|"]
    for enumeration, enum_type in ENUMERATIONS.items():
        for member in enum_type:
            chinese = ZH.get(member, "")
            synonyms = ", ".join(SYNONYMS.get(member, ()))
            where = ENUMERATION_COLUMNS[enumeration]
            lines.append(f"| {enumeration} | {where} | `{member.value}` | {chinese} | {synonyms} |")
    true_words = ", ".join(sorted(TRUE_WORDS))
    false_words = ", ".join(sorted(FALSE_WORDS))
    lines += ["", f"Booleans: true is any of {true_words}; false is any of {false_words}.", ""]
    lines += _READING.split("\n")
    lines += ["| limit | value | caps |", "|---|---|---|"]
    lines += [f"| `{limit.name}` | {limit.value} | {limit.meaning} |" for limit in LIMITS]
    lines.append("")
    return "\n".join(lines)


_READING = f"""## Lifetimes and terms (as of a day)

Places, party organizations and organizations may carry `established` and
`dissolved` (成立日期, 撤销日期); a post may carry `until` (离任日期) beside
`since`. Empty means "always existed", "exists now", "holds it now". A
`dissolved` before its `established`, or an `until` before its `since`, is a
problem of that cell, as a `resolved_on` before its `raised_on` is.

Every command that reads the graph judges it on one day, `--as-of DATE`
(the API's `as_of=`; today when absent):

- a post is **held** on day D when `since` is empty or on or before D, and
  `until` is empty or on or after D: a post with `until` D is still held on
  D, and no longer on the day after;
- a place or organization **exists** on day D when `established` is empty or
  on or before D, and `dissolved` is empty or after D: one dissolved on D no
  longer exists on D (the day of a merger belongs to the new division).

The audit's rules see only the posts held and the places and organizations
existing that day; G20 (任期将满) reports the posts of `secretary`,
`part_time_member` and `first_secretary` whose term ends within
`--term-warn-days` (90) of that day, a term lasting `--term-years` (5) from
`since` unless `until` says when it ends.

## Files as offices save them

- **CSV** in UTF-8, with or without BOM, or in GBK/GB18030, which is what
  Excel's plain "CSV (逗号分隔)" is on Chinese Windows: a file whose bytes are not
  UTF-8 is read as GB18030, and the load's warnings name it. UTF-16 ("Unicode
  text") is refused with a hint.
- **Excel**: `.xlsx` and `.xlsm`, and `.xls` (Excel 97–2003). A merged cell
  (a community's id merged down the rows of its areas) fills every cell it
  covers, in rows that hold something else.
- **A title above the header** (`XX社区小区信息表（2026年11月）`) and blank rows are
  skipped: the header is the first row with a cell that names a known column
  or alias. The warnings say which row was taken, and every problem names
  the row as the spreadsheet shows it.

## Limits

A workbook is read as a stream and stops at these caps (`loaders/limits.py`),
which leave room for five times the 11-county synthetic city of the
benchmark (345,171 rows; at most 99,440 in a file). A file past a cap is
refused with a problem that says so; the API answers an upload past its size
or memory limits with 413. A rejected workbook lists its first
{MAX_REPORTED_PROBLEMS:,} problems and counts the rest.
"""
