"""A hand-built, realistic community for the view tests and for looking at a
rendered page: records shaped as the community query returns them, and the
audit's findings on them.

春晖社区 has 6 residential areas, 60 buildings, 200 units, 4 grids, the party
chain from the county committee down to 30 building party groups, 300 people
holding posts, stationed units, social and micro-organizations, volunteer
teams, property firms, owners committees, two-new organizations, facilities,
co-building projects and needs. Gaps are planted where the audit would find
them: an area without a branch, a branch without a secretary, a grid without
a worker, buildings without a head, units without a head, a stationed unit
without a project, an unmanaged two-new organization, areas without a
red-sail station. Everything is deterministic.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from graph.schema import Label, PartyOrgLevel, Post, RelType, Severity
from visualize.model import CommunityRollup, Finding, ViewGraph, ViewKind, from_records
from visualize.transforms import attach_findings

Record = dict[str, Any]

_SURNAMES = "王张李刘孙陈杨赵徐马高朱郭吴周胡韩田孔曹宋魏程董"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧建国红梅玉兰志刚海燕桂英"
AREA_NAMES = ("锦绣花园", "春晖小区", "翰林苑", "丽景家园", "幸福里", "阳光新城")
COMMUNITY_ID = "C-CH"

RULES: dict[str, tuple[str, str, Severity]] = {
    "G01": ("小区未建党支部", "Residential area without a party branch", Severity.HIGH),
    "G02": ("党组织无书记", "Party organization without a secretary", Severity.HIGH),
    "G03": ("网格无网格员", "Grid without a grid worker", Severity.MEDIUM),
    "G05": ("楼栋无楼长", "Building without a building head", Severity.MEDIUM),
    "G06": ("单元无单元长", "Unit without a unit head", Severity.LOW),
    "G11": ("驻社区单位无共建项目", "Stationed unit without a project", Severity.LOW),
    "G16": ("两新组织无兜底管理", "Two-new organization without fallback", Severity.MEDIUM),
    "G17": ("小区无红帆驿站或议事站", "Residential area without a station", Severity.MEDIUM),
}


class _Builder:
    def __init__(self) -> None:
        self.nodes: list[Record] = []
        self.relationships: list[Record] = []
        self.findings: dict[str, list[str]] = {rule: [] for rule in RULES}
        self.random = random.Random(20240501)
        self.people = 0

    def node(self, node_id: str, labels: Sequence[str], name: str, **properties: Any) -> str:
        self.nodes.append(
            {"id": node_id, "labels": [str(label) for label in labels], "name": name, **properties}
        )
        return node_id

    def rel(self, source: str, rel_type: RelType, target: str, **properties: Any) -> None:
        self.relationships.append(
            {"source": source, "target": target, "type": rel_type.value, **properties}
        )

    def person(self, post: Post, target: str) -> str:
        self.people += 1
        name = self.random.choice(_SURNAMES) + "".join(
            self.random.choice(_GIVEN) for _ in range(self.random.choice((1, 2)))
        )
        person_id = self.node(
            f"P{self.people:03d}",
            [Label.PERSON],
            name,
            phone=f"1990000{self.people:04d}",
            party_member=post is not Post.VOLUNTEER,
        )
        self.rel(person_id, RelType.HOLDS, target, post=post.value, since="2022-03-01")
        return person_id

    def gap(self, rule: str, node_id: str) -> None:
        self.findings[rule].append(node_id)


def _build() -> _Builder:
    b = _Builder()
    place, org, party = [Label.PLACE], [Label.ORGANIZATION], [Label.PARTY_ORG]
    county_committee = b.node(
        "PO-WS", party, "中共汶上县委", level=PartyOrgLevel.COUNTY_COMMITTEE.value
    )
    street_committee = b.node(
        "PO-ZD", party, "中都街道党工委", level=PartyOrgLevel.STREET_WORKING_COMMITTEE.value
    )
    committee = b.node(
        "PO-CH", party, "春晖社区党委", level=PartyOrgLevel.COMMUNITY_COMMITTEE.value
    )
    b.rel(street_committee, RelType.REPORTS_TO, county_committee)
    b.rel(committee, RelType.REPORTS_TO, street_committee)
    b.person(Post.SECRETARY, county_committee)
    b.person(Post.SECRETARY, street_committee)
    community = b.node(
        COMMUNITY_ID, [*place, Label.COMMUNITY], "春晖社区", community_id=COMMUNITY_ID
    )
    b.rel(committee, RelType.LEADS, community)
    b.person(Post.SECRETARY, committee)
    for _ in range(4):
        b.person(Post.PART_TIME_MEMBER, committee)
    b.person(Post.FIRST_SECRETARY, community)
    b.person(Post.WEEKEND_SECRETARY, community)

    grids = []
    for number in range(1, 5):
        grid = b.node(
            f"G-{number}", [*place, Label.GRID], f"第{number}网格", community_id=COMMUNITY_ID
        )
        b.rel(grid, RelType.PART_OF, community)
        b.person(Post.GRID_HEAD, grid)
        if number < 4:
            b.person(Post.GRID_WORKER, grid)
        else:
            b.gap("G03", grid)
        grids.append(grid)

    unit_number = 0
    building_number = 0
    for area_index, area_name in enumerate(AREA_NAMES, start=1):
        area = b.node(
            f"A-{area_index}",
            [*place, Label.RESIDENTIAL_AREA],
            area_name,
            community_id=COMMUNITY_ID,
            tags=["smart_area"] if area_index in (1, 2) else [],
        )
        b.rel(area, RelType.PART_OF, community)
        branch = None
        if area_index <= 5:
            branch = b.node(
                f"PO-A{area_index}",
                party,
                f"{area_name}党支部",
                level=PartyOrgLevel.AREA_BRANCH.value,
            )
            b.rel(branch, RelType.REPORTS_TO, committee)
            b.rel(branch, RelType.LEADS, area)
            if area_index != 5:
                b.person(Post.SECRETARY, branch)
            else:
                b.gap("G02", branch)
        else:
            b.gap("G01", area)
        if area_index >= 5:
            b.gap("G17", area)
        area_households = 0
        for building_in_area in range(1, 11):
            building_number += 1
            building = b.node(
                f"B-{building_number:02d}",
                [*place, Label.BUILDING],
                f"{building_in_area}号楼",
                community_id=COMMUNITY_ID,
            )
            b.rel(building, RelType.PART_OF, area)
            b.rel(building, RelType.IN_GRID, grids[(area_index - 1) * 4 // 6])
            if branch is not None and area_index <= 3:
                group = b.node(
                    f"PO-B{building_number:02d}",
                    party,
                    f"{area_name}{building_in_area}号楼党小组",
                    level=PartyOrgLevel.BUILDING_GROUP.value,
                )
                b.rel(group, RelType.REPORTS_TO, branch)
                b.rel(group, RelType.LEADS, building)
                b.person(Post.SECRETARY, group)
            if building_number % 8 != 0:
                b.person(Post.BUILDING_HEAD, building)
            else:
                b.gap("G05", building)
            if building_number % 2 == 0:
                b.person(Post.CENTRAL_HOUSEHOLD, building)
            units = 4 if building_number % 3 == 0 else 3
            for unit_in_building in range(1, units + 1):
                unit_number += 1
                households = 12 + (unit_number * 7) % 25
                area_households += households
                unit = b.node(
                    f"U-{unit_number:03d}",
                    [*place, Label.UNIT],
                    f"{unit_in_building}单元",
                    community_id=COMMUNITY_ID,
                    households=households,
                )
                b.rel(unit, RelType.PART_OF, building)
                if unit_number % 4 != 0 and b.people < 278:
                    b.person(Post.UNIT_HEAD, unit)
                else:
                    b.gap("G06", unit)
        b.nodes[[n["id"] for n in b.nodes].index(area)]["households"] = area_households

    stationed = [
        ("SU-1", "汶上县人民医院"),
        ("SU-2", "国家税务总局汶上县税务局"),
        ("SU-3", "中国银行汶上支行"),
        ("SU-4", "汶上县实验小学"),
    ]
    for number, (unit_id, name) in enumerate(stationed, start=1):
        b.node(unit_id, [*org, Label.STATIONED_UNIT], name)
        b.rel(unit_id, RelType.BASED_IN, community)
        if number < 4:
            project = b.node(
                f"PRJ-{number}",
                [Label.PROJECT],
                ("义诊进小区", "税法宣传角", "金融知识课堂")[number - 1],
                status="active",
                capacity=20 * number,
            )
            b.rel(unit_id, RelType.RUNS, project)
            b.rel(project, RelType.SERVES, community)
        else:
            b.gap("G11", unit_id)
    for number, name in enumerate(("春晖社工服务中心", "汶上县心理健康协会"), start=1):
        b.node(f"SO-{number}", [*org, Label.SOCIAL_ORG], name)
        b.rel(f"SO-{number}", RelType.BASED_IN, community)
    for number, name in enumerate(("银发互助队", "邻里调解会", "四点半课堂"), start=1):
        b.node(f"MO-{number}", [*org, Label.MICRO_ORG], name)
        b.rel(f"MO-{number}", RelType.BASED_IN, f"A-{number}")
    teams = []
    for number, name in enumerate(("红心公益志愿服务队", "春晖巾帼志愿队"), start=1):
        teams.append(b.node(f"VT-{number}", [*org, Label.VOLUNTEER_TEAM], name))
        b.rel(f"VT-{number}", RelType.BASED_IN, community)
    for number in range(300 - b.people):
        b.person(Post.VOLUNTEER, teams[number % 2])
    for number, (name, red) in enumerate(
        (("鑫源物业", True), ("安居物业", True), ("宏达物业", False)), start=1
    ):
        firm = b.node(f"PF-{number}", [*org, Label.PROPERTY_FIRM], name, red_property=red)
        b.rel(firm, RelType.MANAGES, f"A-{number}")
        if number == 3:
            b.rel(firm, RelType.MANAGES, "A-4")
    for number in range(1, 4):
        b.node(f"OC-{number}", [*org, Label.OWNERS_COMMITTEE], f"{AREA_NAMES[number - 1]}业委会")
        b.rel(f"OC-{number}", RelType.BASED_IN, f"A-{number}")
    for number, name in enumerate(("汶上县快递服务站", "春晖电商协会"), start=1):
        b.node(f"TN-{number}", [*org, Label.TWO_NEW_ORG], name)
        b.rel(f"TN-{number}", RelType.BASED_IN, community)
        if number == 1:
            b.rel(committee, RelType.FALLBACK_FOR, f"TN-{number}")
        else:
            b.gap("G16", f"TN-{number}")

    facilities = [
        ("F-C1", "春晖社区党群服务中心", "service_center", community),
        ("F-C2", "书记工作室", "secretary_studio", community),
        ("F-C3", "街坊议事厅", "deliberation_hall", community),
    ]
    facilities += [
        (f"F-R{n}", f"{AREA_NAMES[n - 1]}红帆驿站", "red_sail_station", f"A-{n}")
        for n in range(1, 5)
    ]
    facilities += [
        (f"F-D{n}", f"{AREA_NAMES[n - 1]}居民议事站", "deliberation_point", f"A-{n}")
        for n in range(1, 4)
    ]
    for facility_id, name, kind, where in facilities:
        b.node(facility_id, [Label.FACILITY], name, kind=kind)
        b.rel(facility_id, RelType.LOCATED_IN, where)

    needs = [
        ("N-1", "楼道灯维修", "service_request", "B-03", "open"),
        ("N-2", "独居老人助餐", "micro_wish", "A-2", "assigned"),
        ("N-3", "停车纠纷", "complaint", "A-5", "open"),
        ("N-4", "儿童托管", "micro_wish", "A-1", "open"),
        ("N-5", "广场舞噪音", "complaint", "A-6", "resolved"),
        ("N-6", "法律咨询", "service_request", "A-3", "open"),
    ]
    for need_id, title, kind, where, status in needs:
        b.node(need_id, [Label.NEED], title, kind=kind, status=status, urgency=2)
        b.rel(need_id, RelType.RAISED_IN, where)
    return b


def sample_records() -> tuple[list[Record], list[Record]]:
    """The community's node and relationship records, as a query returns them."""
    built = _build()
    return built.nodes, built.relationships


def sample_audit() -> list[Record]:
    """The audit's output on the community, in the shape of ``audit --json``."""
    built = _build()
    return [
        {
            "id": rule_id,
            "name": rule_id.lower(),
            "severity": severity.value,
            "title_zh": title_zh,
            "title_en": title_en,
            "count": len(built.findings[rule_id]),
            "findings": [
                {"node_id": node_id, "name": "", "kind": "", "community_id": COMMUNITY_ID}
                for node_id in built.findings[rule_id]
            ],
        }
        for rule_id, (title_zh, title_en, severity) in RULES.items()
    ]


def sample_view() -> ViewGraph:
    """The community as a view, with the audit's findings attached."""
    nodes, relationships = sample_records()
    view = from_records(
        nodes,
        relationships,
        title_zh="春晖社区 组织架构",
        title_en="Chunhui Community: organization network",
        kind=ViewKind.COMMUNITY,
    )
    return attach_findings(view, sample_audit())


def sample_rollups() -> list[CommunityRollup]:
    """Twelve communities of two streets, from no gaps (green) to many (red)."""
    streets = (("S-ZD", "中都街道"), ("S-ZS", "中山街道"))
    names = (
        "春晖",
        "东关",
        "西关",
        "南门",
        "北门",
        "金城",
        "锦华",
        "如意",
        "和平",
        "宝相",
        "文庙",
        "龙泉",
    )
    rollups = []
    for number, name in enumerate(names):
        street_id, street_name = streets[number % 2]
        households = 1500 + 350 * number
        high = number // 2
        findings = tuple(
            finding
            for finding in (
                Finding("G01", *RULES["G01"][:2], Severity.HIGH, high) if high else None,
                Finding("G06", *RULES["G06"][:2], Severity.LOW, 3 * number) if number else None,
                Finding("G05", *RULES["G05"][:2], Severity.MEDIUM, 6 * number)
                if number >= 10
                else None,
            )
            if finding is not None
        )
        rollups.append(
            CommunityRollup(
                id=f"C-{number:02d}",
                name=f"{name}社区",
                households=households,
                street_id=street_id,
                street_name=street_name,
                areas=3 + number % 4,
                branches=3 + number % 4 - (1 if high else 0),
                grids=4 + number % 3,
                open_needs=number * 2,
                findings=findings,
            )
        )
    return rollups
