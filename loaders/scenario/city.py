"""Seed-calibrated scenarios: complete workbooks generated from the two counties
of the seed article, for demos, tests and benchmarks.

``wenshang`` and ``liangshan`` reproduce every exact figure of their rows of
``SEED-FACTS.md`` (counted within the county), ``jining`` puts both under
济宁市, and ``synthetic`` builds a city of any number of counties that
alternate the two profiles, for benchmarks (11 counties give more than 10,000
open needs). Each county carries a realistic share of governance gaps, planted
so that every audit rule G01–G20 has findings except where a seed figure rules
the gap out; :class:`ScenarioSummary` reports how many findings each rule should
return, and every county's seed figures as counted from its rows. The output is
deterministic per seed: each county draws from its own ``random.Random`` seeded
by the scenario seed and the county's id prefix, and "today" is the fixed
:data:`REFERENCE_DATE`.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import ConfigurationError
from graph.schema import (
    FacilityKind,
    NeedKind,
    NeedStatus,
    OrgKind,
    PartyOrgLevel,
    PlaceKind,
    PlaceTag,
    Post,
)
from loaders.scenario.builder import COUNTY_FILES, CountyBuilder, CountyRows, Row
from loaders.scenario.names import zh_number
from loaders.scenario.profiles import (
    LIANGSHAN,
    WENSHANG,
    CountyProfile,
)
from loaders.taxonomy import category_rows
from loaders.workbook_format import FILES

WORKBOOK_COLUMNS: dict[str, tuple[str, ...]] = {spec.sheet: spec.column_names for spec in FILES}
"""Every workbook file (without ``.csv``) and its canonical columns, in order
(DESIGN.md, "The workbook"), as :mod:`loaders.workbook_format` defines them."""

DEFAULT_SYNTHETIC_COUNTIES = 11
"""Counties of the ``synthetic`` scenario when none is asked for: the benchmark's."""


@dataclass(frozen=True)
class ScenarioInfo:
    """A scenario's name and what it holds.

    Attributes:
        name: the name ``write_scenario`` takes.
        zh: a one-line Chinese description.
        en: a one-line English description.
    """

    name: str
    zh: str
    en: str


SCENARIOS: dict[str, ScenarioInfo] = {
    info.name: info
    for info in (
        ScenarioInfo(
            "wenshang",
            "汶上县“四个体系”：26个社区、88个小区党支部、19个县直部门、6029名“三长”",
            "Wenshang County's four systems: 26 communities, 88 area branches, "
            "19 county departments, 6,029 building, unit and grid heads",
        ),
        ScenarioInfo(
            "liangshan",
            "梁山县：2个街道、8个社区、263个微组织、146支红心公益志愿服务队和一年的群众诉求",
            "Liangshan County: 2 streets, 8 communities, 263 micro-organizations, "
            "146 volunteer teams and a year of residents' needs",
        ),
        ScenarioInfo(
            "jining",
            "济宁市：汶上县与梁山县两县合一",
            "Jining City: Wenshang and Liangshan counties together",
        ),
        ScenarioInfo(
            "synthetic",
            "样本市：按两县比例交替生成的若干县，供基准测试使用",
            "A synthetic city of N counties alternating the two county profiles, for benchmarks",
        ),
    )
}
"""The scenarios by name."""


def scenario_names() -> tuple[str, ...]:
    """The names ``write_scenario`` accepts.

    Returns:
        ``wenshang``, ``liangshan``, ``jining``, ``synthetic``.
    """
    return tuple(SCENARIOS)


@dataclass(frozen=True)
class CountySummary:
    """What one county of a scenario holds.

    Attributes:
        county_id: the county's place id (its id prefix), e.g. ``ws``.
        name: the county's name, e.g. ``汶上县``.
        profile: ``wenshang`` or ``liangshan``.
        figures: counts named as in :func:`count_figures`, from the county's rows.
        kpis: rates from the county's needs (``satisfaction_rate``: share of
            rated resolutions rated 4 or 5).
        gaps: findings each audit rule should report on the county, by rule id
            (G14 as of :data:`REFERENCE_DATE` with :data:`SLA_DAYS`; G19 with
            :data:`SINGLE_POINT_MIN_PLACES`).
    """

    county_id: str
    name: str
    profile: str
    figures: Mapping[str, int]
    kpis: Mapping[str, float]
    gaps: Mapping[str, int]


@dataclass(frozen=True)
class ScenarioSummary:
    """What a generated scenario holds.

    Attributes:
        name: the scenario's name.
        seed: the seed it was generated with.
        out_dir: where it was written (``None`` when only generated).
        rows: data rows per workbook file (``places`` …, without ``.csv``).
        counties: one summary per county, in order.
        gaps: findings each audit rule should report on the whole workbook.
    """

    name: str
    seed: int
    out_dir: Path | None
    rows: Mapping[str, int]
    counties: tuple[CountySummary, ...]
    gaps: Mapping[str, int] = field(default_factory=dict)

    def county(self, name_or_id: str) -> CountySummary:
        """The summary of one county.

        Args:
            name_or_id: the county's name (``汶上县``) or id (``ws``).

        Returns:
            That county's summary.

        Raises:
            KeyError: when no county has that name or id.
        """
        for county in self.counties:
            if name_or_id in (county.name, county.county_id):
                return county
        raise KeyError(name_or_id)


@dataclass(frozen=True)
class GeneratedScenario:
    """A scenario in memory, before or instead of being written.

    Attributes:
        rows: rows per workbook file, in :data:`WORKBOOK_COLUMNS` order.
        summary: its summary (``out_dir`` is ``None``).
    """

    rows: Mapping[str, Sequence[Row]]
    summary: ScenarioSummary


@dataclass(frozen=True)
class _CountyPlan:
    profile: CountyProfile
    code: str
    name: str
    street_names: tuple[str, ...]


_SYNTHETIC_STREETS = ("城东街道", "城西街道", "城南街道", "城北街道", "滨河街道", "开发区街道")


def _plan(name: str, counties: int | None) -> tuple[tuple[str, str] | None, list[_CountyPlan]]:
    wenshang = _CountyPlan(WENSHANG, "ws", WENSHANG.name, WENSHANG.street_names)
    liangshan = _CountyPlan(LIANGSHAN, "ls", LIANGSHAN.name, LIANGSHAN.street_names)
    if name not in SCENARIOS:
        known = ", ".join(SCENARIOS)
        raise ConfigurationError(f"scenario: unknown scenario {name!r} (known: {known})")
    if name != "synthetic" and counties is not None:
        raise ConfigurationError(
            f"counties: only the synthetic scenario takes a county count, not {name!r}"
        )
    if name == "wenshang":
        return None, [wenshang]
    if name == "liangshan":
        return None, [liangshan]
    if name == "jining":
        return ("jn", "济宁市"), [wenshang, liangshan]
    count = DEFAULT_SYNTHETIC_COUNTIES if counties is None else counties
    if not 1 <= count <= 99:
        raise ConfigurationError(f"counties: must be between 1 and 99, not {count}")
    plans = []
    for index in range(1, count + 1):
        profile = WENSHANG if index % 2 else LIANGSHAN
        streets = tuple(
            _SYNTHETIC_STREETS[(index + offset) % len(_SYNTHETIC_STREETS)]
            for offset in range(len(profile.street_names))
        )
        plans.append(_CountyPlan(profile, f"k{index:02d}", f"样本{zh_number(index)}县", streets))
    return ("sy", "样本市"), plans


def generate_scenario(
    name: str, *, counties: int | None = None, seed: int = 0
) -> GeneratedScenario:
    """Generate a scenario's workbook rows in memory.

    Args:
        name: one of :func:`scenario_names`.
        counties: for ``synthetic`` only: how many counties (default 11).
        seed: the random seed; the same seed gives the same rows.

    Returns:
        The rows of every workbook file and the scenario's summary.

    Raises:
        ConfigurationError: for an unknown name, or a county count where it
            does not apply or is out of range.
    """
    city, plans = _plan(name, counties)
    rows: dict[str, list[Row]] = {file: [] for file in WORKBOOK_COLUMNS}
    rows["categories"] = list(category_rows())
    if city is not None:
        city_id, city_name = city
        rows["places"].append(_padded("places", (city_id, city_name, PlaceKind.CITY.value)))
    county_summaries = []
    gaps: Counter[str] = Counter()
    for plan in plans:
        rng = random.Random(f"civicgraph-scenario:{seed}:{plan.code}")
        county = CountyBuilder(
            plan.profile, plan.code, plan.name, plan.street_names, city[0] if city else "", rng
        ).build()
        for file in COUNTY_FILES:
            county.rows[file] = [_padded(file, row) for row in county.rows[file]]
            rows[file].extend(county.rows[file])
        county_summaries.append(_summarize(county))
        gaps.update(county.gaps)
    summary = ScenarioSummary(
        name=name,
        seed=seed,
        out_dir=None,
        rows={file: len(file_rows) for file, file_rows in rows.items()},
        counties=tuple(county_summaries),
        gaps=dict(sorted(gaps.items())),
    )
    return GeneratedScenario(rows=rows, summary=summary)


def write_scenario(
    name: str, out_dir: Path, *, counties: int | None = None, seed: int = 0
) -> ScenarioSummary:
    """Generate a scenario and write it as a workbook folder of CSV files.

    Each file is UTF-8 (no BOM), with the canonical English header of
    :data:`WORKBOOK_COLUMNS`; many-valued cells are ``;``-separated, dates ISO,
    booleans ``true``/``false``, and an absent value an empty cell. Existing
    files of the same names are replaced; other files are left alone.

    Args:
        name: one of :func:`scenario_names`.
        out_dir: the folder to write; created if missing.
        counties: for ``synthetic`` only: how many counties (default 11).
        seed: the random seed; the same seed gives byte-identical files.

    Returns:
        The scenario's summary, with ``out_dir`` set.

    Raises:
        ConfigurationError: for an unknown name, or a county count where it
            does not apply or is out of range.
    """
    generated = generate_scenario(name, counties=counties, seed=seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    for file, columns in WORKBOOK_COLUMNS.items():
        with (out_dir / f"{file}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows(generated.rows[file])
    summary = generated.summary
    return ScenarioSummary(
        name=summary.name,
        seed=summary.seed,
        out_dir=out_dir,
        rows=summary.rows,
        counties=summary.counties,
        gaps=summary.gaps,
    )


def _padded(file: str, row: Row) -> Row:
    """A row with empty cells for the columns it leaves out at its end (the
    lifetimes and terms the generator does not plant: ``established``,
    ``dissolved``, ``until``)."""
    return row + ("",) * (len(WORKBOOK_COLUMNS[file]) - len(row))


def _records(rows: Mapping[str, Sequence[Row]], file: str) -> list[dict[str, str]]:
    columns = WORKBOOK_COLUMNS[file]
    return [dict(zip(columns, row, strict=True)) for row in rows[file]]


def _summarize(county: CountyRows) -> CountySummary:
    ratings = [
        int(need["satisfaction"])
        for need in _records(county.rows, "needs")
        if need["status"] == NeedStatus.RESOLVED and need["satisfaction"]
    ]
    satisfied = sum(1 for rating in ratings if rating >= 4)
    return CountySummary(
        county_id=county.county_id,
        name=county.name,
        profile=county.profile.key,
        figures=count_figures(county.rows),
        kpis={"satisfaction_rate": satisfied / len(ratings) if ratings else 0.0},
        gaps=county.gaps,
    )


def count_figures(rows: Mapping[str, Sequence[Row]]) -> dict[str, int]:
    """Count the seed figures (and a few more) in one county's rows.

    The names, and the seed figure each matches: ``streets``, ``communities``,
    ``residential_areas``, ``grids``, ``buildings``, ``units``; ``area_branches``
    (小区党支部), ``building_groups``; ``county_departments``,
    ``stationed_units``, ``projects`` (共建项目), ``social_orgs``, ``micro_orgs``,
    ``volunteer_teams``, ``property_firms``, ``red_property_firms``,
    ``owners_committees``, ``two_new_orgs``, ``two_new_orgs_with_fallback``;
    one per post (``part_time_members`` the red partners, ``grid_workers``,
    ``grid_heads``, ``building_heads``, ``unit_heads``, ``central_households``,
    ``first_secretaries``, ``weekend_secretaries``, ``secretaries``,
    ``volunteers``) and ``three_heads`` (三长: building + unit + grid heads);
    ``communities_with_first_secretary``, ``communities_with_weekend_secretary``;
    ``smart_areas``, ``model_property_areas``; one per facility kind
    (``red_sail_stations``, ``deliberation_halls``, ``deliberation_points``,
    ``secretary_studios``, ``service_centers``); ``needs``, ``open_needs``,
    ``assigned_needs``, ``resolved_needs``, ``micro_wishes``, ``complaints``;
    ``micro_volunteer_services`` (微志愿: resolved needs taken by a volunteer
    team's or a micro-organization's service) and ``chain_solved_problems``
    (problems solved by the call chain: resolved complaints taken by a county
    department's service); ``people``.

    Args:
        rows: the rows of one county (or of a whole workbook), per file, in
            :data:`WORKBOOK_COLUMNS` order.

    Returns:
        Each figure under its name.
    """
    places, party_orgs, organizations, posts_table, facilities_table, services, needs = (
        _records(rows, file)
        for file in (
            "places",
            "party_orgs",
            "organizations",
            "posts",
            "facilities",
            "services",
            "needs",
        )
    )
    place_kinds = Counter(place["kind"] for place in places)
    tags = Counter(tag for place in places for tag in place["tags"].split(";") if tag)
    levels = Counter(org["level"] for org in party_orgs)
    org_kinds = Counter(org["kind"] for org in organizations)
    posts = Counter(post["post"] for post in posts_table)
    facilities = Counter(facility["kind"] for facility in facilities_table)
    need_status = Counter(need["status"] for need in needs)
    need_kinds = Counter(need["kind"] for need in needs)
    org_kind_of = {org["id"]: org["kind"] for org in organizations}
    provider_kind = {
        service["id"]: org_kind_of.get(service["provider_id"], "") for service in services
    }
    community_posts = {
        post: len({row["target_id"] for row in posts_table if row["post"] == post})
        for post in (Post.FIRST_SECRETARY, Post.WEEKEND_SECRETARY)
    }
    resolved = [need for need in needs if need["status"] == NeedStatus.RESOLVED]
    figures = {
        "streets": place_kinds[PlaceKind.STREET],
        "communities": place_kinds[PlaceKind.COMMUNITY],
        "residential_areas": place_kinds[PlaceKind.RESIDENTIAL_AREA],
        "grids": place_kinds[PlaceKind.GRID],
        "buildings": place_kinds[PlaceKind.BUILDING],
        "units": place_kinds[PlaceKind.UNIT],
        "area_branches": levels[PartyOrgLevel.AREA_BRANCH],
        "building_groups": levels[PartyOrgLevel.BUILDING_GROUP],
        "county_departments": org_kinds[OrgKind.COUNTY_DEPARTMENT],
        "stationed_units": org_kinds[OrgKind.STATIONED_UNIT],
        "projects": len(rows["projects"]),
        "social_orgs": org_kinds[OrgKind.SOCIAL_ORG],
        "micro_orgs": org_kinds[OrgKind.MICRO_ORG],
        "volunteer_teams": org_kinds[OrgKind.VOLUNTEER_TEAM],
        "property_firms": org_kinds[OrgKind.PROPERTY_FIRM],
        "red_property_firms": sum(
            1
            for org in organizations
            if org["kind"] == OrgKind.PROPERTY_FIRM and org["red_property"] == "true"
        ),
        "owners_committees": org_kinds[OrgKind.OWNERS_COMMITTEE],
        "two_new_orgs": org_kinds[OrgKind.TWO_NEW_ORG],
        "two_new_orgs_with_fallback": sum(
            1
            for org in organizations
            if org["kind"] == OrgKind.TWO_NEW_ORG and org["fallback_org_id"]
        ),
        "part_time_members": posts[Post.PART_TIME_MEMBER],
        "grid_workers": posts[Post.GRID_WORKER],
        "grid_heads": posts[Post.GRID_HEAD],
        "building_heads": posts[Post.BUILDING_HEAD],
        "unit_heads": posts[Post.UNIT_HEAD],
        "three_heads": posts[Post.BUILDING_HEAD] + posts[Post.UNIT_HEAD] + posts[Post.GRID_HEAD],
        "central_households": posts[Post.CENTRAL_HOUSEHOLD],
        "first_secretaries": posts[Post.FIRST_SECRETARY],
        "weekend_secretaries": posts[Post.WEEKEND_SECRETARY],
        "secretaries": posts[Post.SECRETARY],
        "volunteers": posts[Post.VOLUNTEER],
        "communities_with_first_secretary": community_posts[Post.FIRST_SECRETARY],
        "communities_with_weekend_secretary": community_posts[Post.WEEKEND_SECRETARY],
        "smart_areas": tags[PlaceTag.SMART_AREA],
        "model_property_areas": tags[PlaceTag.MODEL_PROPERTY_AREA],
        "red_sail_stations": facilities[FacilityKind.RED_SAIL_STATION],
        "deliberation_halls": facilities[FacilityKind.DELIBERATION_HALL],
        "deliberation_points": facilities[FacilityKind.DELIBERATION_POINT],
        "secretary_studios": facilities[FacilityKind.SECRETARY_STUDIO],
        "service_centers": facilities[FacilityKind.SERVICE_CENTER],
        "needs": len(rows["needs"]),
        "open_needs": need_status[NeedStatus.OPEN],
        "assigned_needs": need_status[NeedStatus.ASSIGNED],
        "resolved_needs": need_status[NeedStatus.RESOLVED],
        "micro_wishes": need_kinds[NeedKind.MICRO_WISH],
        "complaints": need_kinds[NeedKind.COMPLAINT],
        "micro_volunteer_services": sum(
            1
            for need in resolved
            if provider_kind.get(need["assigned_to"]) in (OrgKind.VOLUNTEER_TEAM, OrgKind.MICRO_ORG)
        ),
        "chain_solved_problems": sum(
            1
            for need in resolved
            if need["kind"] == NeedKind.COMPLAINT
            and provider_kind.get(need["assigned_to"]) == OrgKind.COUNTY_DEPARTMENT
        ),
        "people": len(rows["people"]),
    }
    return figures
