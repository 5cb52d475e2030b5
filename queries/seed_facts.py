"""The seed article's figures (``shared/seeds/SEED-FACTS.md``) as data, and the
check that compares them with what a loaded graph holds.

``civicgraph stats --seed-check`` prints each figure, expected and found. A
figure is ``exact`` (must equal), ``at_least`` (must reach), ``every`` (every
community of the county has it) or ``reported`` (shown beside the measured
value, not judged: a ratio or a count the model records only in part).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from graph.schema import FacilityKind, NeedKind, OrgKind, PartyOrgLevel, PlaceKind, PlaceTag, Post
from queries.stats import CountyStats, GraphStats


class Comparison(StrEnum):
    """How a found value is judged against the seed's."""

    EXACT = "exact"
    AT_LEAST = "at_least"
    EVERY = "every"
    REPORTED = "reported"


@dataclass(frozen=True)
class SeedFigure:
    """One figure of the seed article.

    Attributes:
        county: the county's name, 汶上县 or 梁山县.
        title_zh: the figure in Chinese.
        title_en: the figure in English.
        expected: the article's value.
        comparison: how the found value is judged.
        measure: how the value is counted in the graph.
    """

    county: str
    title_zh: str
    title_en: str
    expected: float
    comparison: Comparison
    measure: Callable[[CountyStats], float]


@dataclass(frozen=True)
class FigureCheck:
    """A figure, expected and found.

    Attributes:
        figure: the figure.
        found: the value counted in the graph; ``None`` when the county is absent.
        holds: whether it holds; ``None`` for reported figures.
    """

    figure: SeedFigure
    found: float | None
    holds: bool | None

    def to_json(self) -> dict[str, Any]:
        """The check as a JSON-ready dict."""
        return {
            "county": self.figure.county,
            "title_zh": self.figure.title_zh,
            "title_en": self.figure.title_en,
            "comparison": self.figure.comparison.value,
            "expected": self.figure.expected,
            "found": self.found,
            "holds": self.holds,
        }


WENSHANG = "汶上县"
LIANGSHAN = "梁山县"


def _count(group: str, key: str) -> Callable[[CountyStats], float]:
    return lambda county: county.count(group, key)


def _every_community_has(post: Post) -> Callable[[CountyStats], float]:
    def share(county: CountyStats) -> float:
        communities = county.count("place", PlaceKind.COMMUNITY)
        with_post = county.count("community_with_post", post)
        return 1.0 if communities and with_post == communities else with_post / max(communities, 1)

    return share


def _three_heads(county: CountyStats) -> float:
    return sum(
        county.count("post", post) for post in (Post.BUILDING_HEAD, Post.UNIT_HEAD, Post.GRID_HEAD)
    )


def _resolved_by(
    need_kind: NeedKind | None, *provider_kinds: OrgKind
) -> Callable[[CountyStats], float]:
    def count(county: CountyStats) -> float:
        return sum(
            value
            for key, value in county.groups.get("resolved_by_provider", {}).items()
            if key.split("/")[1] in provider_kinds
            and (need_kind is None or key.split("/")[0] == need_kind)
        )

    return count


def _satisfaction_rate(county: CountyStats) -> float:
    ratings = county.groups.get("satisfaction", {})
    rated = sum(ratings.values())
    satisfied = ratings.get("4", 0) + ratings.get("5", 0)
    return round(satisfied / rated, 4) if rated else 0.0


SEED_FIGURES: tuple[SeedFigure, ...] = (
    SeedFigure(
        WENSHANG,
        "城市社区（调整后）",
        "urban communities (after re-division)",
        26,
        Comparison.EXACT,
        _count("place", PlaceKind.COMMUNITY),
    ),
    SeedFigure(
        WENSHANG,
        "小区党支部",
        "residential-area party branches",
        88,
        Comparison.EXACT,
        _count("party_org_level", PartyOrgLevel.AREA_BRANCH),
    ),
    SeedFigure(
        WENSHANG,
        "领导小组县直部门",
        "county departments in the leading group",
        19,
        Comparison.EXACT,
        _count("organization_kind", OrgKind.COUNTY_DEPARTMENT),
    ),
    SeedFigure(
        WENSHANG,
        "兼职委员（红色合伙人）",
        "part-time committee members (red partners)",
        126,
        Comparison.EXACT,
        _count("post", Post.PART_TIME_MEMBER),
    ),
    SeedFigure(
        WENSHANG,
        "兜底管理的两新组织",
        "two-new organizations under fallback management",
        600,
        Comparison.AT_LEAST,
        _count("two_new_with_fallback", "two_new_org"),
    ),
    SeedFigure(
        WENSHANG,
        "定岗网格的社区工作者",
        "community workers on grids",
        70,
        Comparison.AT_LEAST,
        _count("post", Post.GRID_WORKER),
    ),
    SeedFigure(
        WENSHANG,
        "楼长、单元长、网格长（三长）",
        "building, unit and grid heads",
        6029,
        Comparison.EXACT,
        _three_heads,
    ),
    SeedFigure(
        WENSHANG,
        "驻社区单位党组织",
        "stationed-unit party organizations",
        129,
        Comparison.EXACT,
        _count("organization_kind", OrgKind.STATIONED_UNIT),
    ),
    SeedFigure(
        WENSHANG,
        "共建项目",
        "co-building projects",
        258,
        Comparison.EXACT,
        lambda county: sum(county.groups.get("project_status", {}).values()),
    ),
    SeedFigure(
        WENSHANG,
        "培育社会组织",
        "social organizations cultivated",
        30,
        Comparison.AT_LEAST,
        _count("organization_kind", OrgKind.SOCIAL_ORG),
    ),
    SeedFigure(
        WENSHANG,
        "智慧小区",
        "smart residential areas",
        15,
        Comparison.EXACT,
        _count("tag", PlaceTag.SMART_AREA),
    ),
    SeedFigure(
        WENSHANG,
        "物业示范小区",
        "model property areas",
        8,
        Comparison.EXACT,
        _count("tag", PlaceTag.MODEL_PROPERTY_AREA),
    ),
    SeedFigure(
        WENSHANG,
        "每个社区配第一书记",
        "a first secretary in every community",
        1,
        Comparison.EVERY,
        _every_community_has(Post.FIRST_SECRETARY),
    ),
    SeedFigure(
        WENSHANG,
        "每个社区配周末书记",
        "a weekend secretary in every community",
        1,
        Comparison.EVERY,
        _every_community_has(Post.WEEKEND_SECRETARY),
    ),
    SeedFigure(
        LIANGSHAN, "街道", "streets", 2, Comparison.EXACT, _count("place", PlaceKind.STREET)
    ),
    SeedFigure(
        LIANGSHAN, "社区", "communities", 8, Comparison.EXACT, _count("place", PlaceKind.COMMUNITY)
    ),
    SeedFigure(
        LIANGSHAN,
        "小区党支部",
        "residential-area party branches",
        89,
        Comparison.EXACT,
        _count("party_org_level", PartyOrgLevel.AREA_BRANCH),
    ),
    SeedFigure(
        LIANGSHAN,
        "楼栋长",
        "building heads",
        781,
        Comparison.EXACT,
        _count("post", Post.BUILDING_HEAD),
    ),
    SeedFigure(
        LIANGSHAN,
        "党员中心户",
        "party-member central households",
        2109,
        Comparison.EXACT,
        _count("post", Post.CENTRAL_HOUSEHOLD),
    ),
    SeedFigure(
        LIANGSHAN,
        "微组织",
        "micro-organizations",
        263,
        Comparison.EXACT,
        _count("organization_kind", OrgKind.MICRO_ORG),
    ),
    SeedFigure(
        LIANGSHAN,
        "红心公益志愿服务队",
        "volunteer teams",
        146,
        Comparison.EXACT,
        _count("organization_kind", OrgKind.VOLUNTEER_TEAM),
    ),
    SeedFigure(
        LIANGSHAN,
        "认领微心愿",
        "micro-wishes taken",
        614,
        Comparison.EXACT,
        _count("need_kind", NeedKind.MICRO_WISH),
    ),
    SeedFigure(
        LIANGSHAN,
        "红帆驿站",
        "red-sail stations",
        89,
        Comparison.EXACT,
        _count("facility_kind", FacilityKind.RED_SAIL_STATION),
    ),
    SeedFigure(
        LIANGSHAN,
        "街坊议事厅",
        "neighbourhood deliberation halls",
        8,
        Comparison.EXACT,
        _count("facility_kind", FacilityKind.DELIBERATION_HALL),
    ),
    SeedFigure(
        LIANGSHAN,
        "居民议事站",
        "residents' deliberation points",
        89,
        Comparison.EXACT,
        _count("facility_kind", FacilityKind.DELIBERATION_POINT),
    ),
    SeedFigure(
        LIANGSHAN,
        "社区书记工作室",
        "community secretary studios",
        8,
        Comparison.EXACT,
        _count("facility_kind", FacilityKind.SECRETARY_STUDIO),
    ),
    SeedFigure(
        LIANGSHAN,
        "开展微志愿服务",
        "micro-volunteer services given",
        4263,
        Comparison.REPORTED,
        _resolved_by(None, OrgKind.VOLUNTEER_TEAM, OrgKind.MICRO_ORG),
    ),
    SeedFigure(
        LIANGSHAN,
        "五级联动解决治理难题",
        "problems solved by the five-level call chain",
        82,
        Comparison.REPORTED,
        _resolved_by(NeedKind.COMPLAINT, OrgKind.COUNTY_DEPARTMENT),
    ),
    SeedFigure(
        LIANGSHAN,
        "群众满意度",
        "satisfaction with resolution",
        0.989,
        Comparison.REPORTED,
        _satisfaction_rate,
    ),
)


def seed_check(stats: GraphStats) -> list[FigureCheck]:
    """Every seed figure, expected and found in the graph's counts."""
    checks: list[FigureCheck] = []
    for figure in SEED_FIGURES:
        county = stats.county_named(figure.county)
        if county is None:
            checks.append(FigureCheck(figure, None, None if _reported(figure) else False))
            continue
        found = figure.measure(county)
        checks.append(FigureCheck(figure, found, _holds(figure, found)))
    return checks


def _reported(figure: SeedFigure) -> bool:
    return figure.comparison == Comparison.REPORTED


def _holds(figure: SeedFigure, found: float) -> bool | None:
    match figure.comparison:
        case Comparison.EXACT | Comparison.EVERY:
            return found == figure.expected
        case Comparison.AT_LEAST:
            return found >= figure.expected
        case Comparison.REPORTED:
            return None
