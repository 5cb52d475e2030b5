"""Build one county of a scenario: every row of every workbook file, from the
county node down to the needs, with the seed figures exact and the governance
gaps planted.

The builder works in stages, each using what the previous ones made: places,
party organizations, organizations, people and posts, facilities, resources
(services and projects), needs. Each stage records the gaps it plants in
``gaps`` under the audit rule's id, so that the count is the number of findings
the rule should report on this county (G14 as of ``REFERENCE_DATE``). Rows are
tuples of strings in the workbook's column order; nothing is written here.

The module is long (about 1,400 lines) for a reason: it is one class whose
stages share one county's state and draw from one random stream, in a fixed
order that makes a scenario the same for the same seed. Each stage reads what
the ones before it left (the communities, the holders, the covered
categories); kept together, what a stage draws and leaves for the next stays
in sight. The profiles, texts and names it draws from are modules of their own.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from graph.schema import (
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
from loaders.scenario import names
from loaders.scenario.profiles import (
    NEEDS_SINCE,
    POSTS_SINCE,
    REFERENCE_DATE,
    SLA_DAYS,
    TERM_WARN_DAYS,
    TERM_YEARS,
    CountyProfile,
)
from loaders.scenario.texts import (
    DEPARTMENTS,
    LEAF_TEXTS,
    MICRO_ORG_TYPES,
    SOCIAL_ORG_TEMPLATES,
    UNIT_CATEGORIES,
    VOLUNTEER_THEMES,
    stationed_unit_pool,
)
from loaders.taxonomy import categories_by_id, children_of, parent_of

Row = tuple[str, ...]

TERM_POSTS = frozenset({Post.SECRETARY, Post.PART_TIME_MEMBER, Post.FIRST_SECRETARY})
"""The posts whose terms audit rule G20 watches."""


def term_end(since: date) -> date:
    """The day a term taken on ``since`` ends, :data:`TERM_YEARS` later (a
    term from 29 February ends on 28 February, as Cypher's date arithmetic
    has it)."""
    try:
        return since.replace(year=since.year + TERM_YEARS)
    except ValueError:
        return since.replace(year=since.year + TERM_YEARS, day=28)


COUNTY_FILES = (
    "places",
    "party_orgs",
    "organizations",
    "people",
    "posts",
    "facilities",
    "services",
    "projects",
    "needs",
)
"""The workbook files a county contributes rows to (categories are shared)."""

_TOP_WEIGHTS: dict[str, float] = {
    "cat_elderly_care": 12,
    "cat_child_care": 5,
    "cat_legal_aid": 3,
    "cat_dispute_mediation": 6,
    "cat_mental_health": 2,
    "cat_property_repair": 14,
    "cat_environment": 10,
    "cat_public_safety": 5,
    "cat_employment": 4,
    "cat_health": 7,
    "cat_culture_sports": 5,
    "cat_education": 4,
    "cat_disability_support": 2,
    "cat_hardship_relief": 5,
    "cat_policy_consultation": 8,
    "cat_proxy_services": 8,
}
"""How often residents raise needs in each field, relative to each other."""

_COMPLAINT_FIELDS = frozenset(
    {"cat_property_repair", "cat_environment", "cat_public_safety", "cat_dispute_mediation"}
)
_WISH_FIELDS = frozenset(
    {
        "cat_elderly_care",
        "cat_child_care",
        "cat_hardship_relief",
        "cat_education",
        "cat_culture_sports",
        "cat_disability_support",
        "cat_proxy_services",
    }
)

_URGENCY_WEIGHTS: dict[NeedKind, tuple[int, int, int]] = {
    NeedKind.COMPLAINT: (3, 5, 2),
    NeedKind.SERVICE_REQUEST: (6, 3, 1),
    NeedKind.MICRO_WISH: (6, 3, 1),
}
"""Relative weights of urgency 1, 2 and 3: complaints are more often pressing."""

_RECENT_AGES = (0, SLA_DAYS - 2)
_STALE_AGES = (SLA_DAYS + 3, 120)
"""Ages (days before the reference date) of open and assigned needs. None falls
within two days of the SLA, so that G14 counts the same whether an audit reads
"more than 30 days" as ``>`` or ``>=``."""


@dataclass
class _Community:
    id: str
    name: str
    street_id: str
    areas: list[_Area] = field(default_factory=list)
    grids: list[str] = field(default_factory=list)


@dataclass
class _Area:
    id: str
    name: str
    community: _Community
    buildings: list[_Building] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


@dataclass
class _Building:
    id: str
    name: str
    area: _Area
    grid_id: str = ""
    units: list[str] = field(default_factory=list)
    unit_households: list[int] = field(default_factory=list)


@dataclass
class _Resource:
    """A service or a project, as the matcher will see it.

    ``healthy`` marks the resources that open needs may rely on: services and
    active projects with room left. The planted over-capacity and full
    services, and planned or completed projects, are not, so every open need
    but the planted ones has a candidate however an audit reads project status.
    """

    id: str
    provider_id: str
    provider_kind: OrgKind
    category: str
    capacity: int
    coverage: tuple[str, ...]
    healthy: bool = True
    assigned: int = 0


@dataclass
class _Need:
    place_id: str
    category: str
    status: NeedStatus
    raised_on: date
    assigned_to: str = ""
    resolved_on: date | None = None
    kind: NeedKind | None = None
    chain: bool = False
    satisfaction: int | None = None


@dataclass
class CountyRows:
    """One county's contribution to a workbook.

    Attributes:
        county_id: the county's place id.
        name: the county's name.
        profile: the profile it was built from.
        rows: rows per workbook file (see :data:`COUNTY_FILES`), each a tuple
            of strings in the file's column order.
        gaps: planted findings per audit rule id.
    """

    county_id: str
    name: str
    profile: CountyProfile
    rows: dict[str, list[Row]]
    gaps: dict[str, int]


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _bool(value: bool) -> str:
    return "true" if value else "false"


class CountyBuilder:
    """Generates one county's rows from a profile and a random source.

    Args:
        profile: the county profile.
        code: the county's id prefix, e.g. ``ws``; every id starts with it.
        name: the county's Chinese name.
        street_names: its streets' names (as many as the profile has streets).
        city_id: the city it is part of, or ``""`` for none.
        rng: the county's own random source.
    """

    def __init__(
        self,
        profile: CountyProfile,
        code: str,
        name: str,
        street_names: Sequence[str],
        city_id: str,
        rng: random.Random,
    ) -> None:
        self.profile = profile
        self.code = code
        self.name = name
        self.short_name = name.removesuffix("县")
        self.street_names = list(street_names)
        self.city_id = city_id
        self.rng = rng
        self.rows: dict[str, list[Row]] = {file: [] for file in COUNTY_FILES}
        self.gaps: Counter[str] = Counter()
        self.county_id = code
        self.parent: dict[str, str] = {}
        self.place_name: dict[str, str] = {}
        self.streets: list[str] = []
        self.communities: list[_Community] = []
        self.areas: list[_Area] = []
        self.buildings: list[_Building] = []
        self.community_by_id: dict[str, _Community] = {}
        self.area_by_id: dict[str, _Area] = {}
        self.branch_of_area: dict[str, str] = {}
        self.party_org_of: dict[str, str] = {}
        self.no_secretary: set[str] = set()
        self.county_targets: set[str] = set()
        self.managed_by: dict[str, str] = {}
        self.firm_managing: dict[str, list[str]] = {}
        self.org_place: dict[str, str] = {}
        self.orgs_by_kind: dict[OrgKind, list[str]] = {kind: [] for kind in OrgKind}
        self.org_name: dict[str, str] = {}
        self.unit_type: dict[str, str] = {}
        self.resources: list[_Resource] = []
        self.needs: list[_Need] = []
        self.social_category: dict[str, str] = {}
        self.micro_category: dict[str, str] = {}
        self.team_category: dict[str, str] = {}
        self.department_services: dict[str, tuple[str, ...]] = {}
        self.project_status: dict[str, ProjectStatus] = {}
        self.red_managed_areas: set[str] = set()
        self.owners_committee_areas: set[str] = set()
        self.station_areas: set[str] = set()
        self.over_capacity: _Resource | None = None
        self.person_count = 0
        self.counters: Counter[str] = Counter()

    def build(self) -> CountyRows:
        """Run every stage.

        Returns:
            The county's rows and planted gaps.
        """
        self._build_places()
        self._build_party_orgs()
        self._build_organizations()
        self._build_people_and_posts()
        self._build_facilities()
        self._build_resources()
        self._build_needs()
        return CountyRows(
            county_id=self.county_id,
            name=self.name,
            profile=self.profile,
            rows=self.rows,
            gaps=dict(sorted(self.gaps.items())),
        )

    # -- helpers ----------------------------------------------------------

    def _next_id(self, kind: str, width: int) -> str:
        self.counters[kind] += 1
        return f"{self.code}-{kind}{self.counters[kind]:0{width}d}"

    def _fit_counts(self, total: int, slots: int, low: int, high: int) -> list[int]:
        """Random counts in ``[low, high]`` that sum to exactly ``total``."""
        if not slots * low <= total <= slots * high:
            raise ValueError(f"cannot split {total} into {slots} counts of {low}..{high}")
        counts = [self.rng.randint(low, high) for _ in range(slots)]
        surplus = sum(counts) - total
        step = -1 if surplus > 0 else 1
        movable = [
            i for i, count in enumerate(counts) if (count > low if step < 0 else count < high)
        ]
        while surplus != 0:
            position = self.rng.randrange(len(movable))
            index = movable[position]
            counts[index] += step
            surplus += step
            if counts[index] in (low, high):
                movable[position] = movable[-1]
                movable.pop()
        return counts

    def _since(self) -> date:
        span = (REFERENCE_DATE - POSTS_SINCE).days - 30
        return POSTS_SINCE + timedelta(days=self.rng.randrange(span))

    def _term_since(self, post: Post, target_id: str, since: date) -> date:
        """The ``since`` of a post with a term (G20), counting the terms due.

        A term is due when it ends (:data:`TERM_YEARS` after ``since``) no
        later than :data:`TERM_WARN_DAYS` after :data:`REFERENCE_DATE`. The
        county committee and the county departments, which lie in no street,
        changed their leaders a year later than drawn (换届), so that none of
        their terms is due: every term due lies in a street, where the audit
        of that street finds it.
        """
        if post not in TERM_POSTS:
            return since
        due = term_end(since) <= REFERENCE_DATE + timedelta(days=TERM_WARN_DAYS)
        if due and target_id in self.county_targets:
            return since + timedelta(days=365)
        if due:
            self.gaps["G20"] += 1
        return since

    def _person(self, *, party_member: bool, employer_id: str = "", phone: bool = True) -> str:
        self.person_count += 1
        person_id = f"{self.code}-p{self.person_count:06d}"
        self.rows["people"].append(
            (
                person_id,
                names.person_name(self.rng),
                names.fake_phone(self.person_count) if phone else "",
                _bool(party_member),
                employer_id,
            )
        )
        return person_id

    def _post(self, person_id: str, post: Post, target_id: str) -> None:
        since = self._term_since(post, target_id, self._since())
        self.rows["posts"].append((person_id, post.value, target_id, since.isoformat()))

    def _new_holder(
        self, post: Post, target_id: str, *, party_share: float, employer_id: str = ""
    ) -> str:
        person_id = self._person(
            party_member=self.rng.random() < party_share, employer_id=employer_id
        )
        self._post(person_id, post, target_id)
        return person_id

    def _community_of_place(self, place_id: str) -> _Community:
        while place_id not in self.community_by_id:
            place_id = self.parent[place_id]
        return self.community_by_id[place_id]

    # -- places -----------------------------------------------------------

    def _build_places(self) -> None:
        profile, rng = self.profile, self.rng
        self.parent[self.county_id] = self.city_id
        for index, street_name in enumerate(self.street_names, start=1):
            street_id = f"{self.code}-s{index}"
            self.streets.append(street_id)
            self.parent[street_id] = self.county_id
            self.place_name[street_id] = street_name

        community_words = names.pick_distinct(rng, names.COMMUNITY_WORDS, profile.communities)
        for index, word in enumerate(community_words, start=1):
            street_id = self.streets[(index - 1) * len(self.streets) // profile.communities]
            community = _Community(f"{self.code}-c{index:02d}", f"{word}社区", street_id)
            self.communities.append(community)
            self.community_by_id[community.id] = community
            self.parent[community.id] = street_id
            self.place_name[community.id] = community.name

        area_counts = self._fit_counts(
            profile.residential_areas, profile.communities, *profile.areas_per_community
        )
        area_names = names.area_names(rng, profile.residential_areas)
        for community, count in zip(self.communities, area_counts, strict=True):
            for index in range(1, count + 1):
                area = _Area(f"{community.id}-a{index:02d}", area_names.pop(), community)
                community.areas.append(area)
                self.areas.append(area)
                self.area_by_id[area.id] = area
                self.parent[area.id] = community.id
                self.place_name[area.id] = area.name

        self._plan_head_gaps()
        building_total = profile.buildings
        if profile.building_heads is not None:
            building_total = profile.building_heads + self.gaps["G05"]
        if building_total is None:
            raise ValueError(f"profile {profile.key} sets neither buildings nor building_heads")
        building_counts = self._fit_counts(
            building_total, len(self.areas), *profile.buildings_per_area
        )
        for area, count in zip(self.areas, building_counts, strict=True):
            for index in range(1, count + 1):
                building = _Building(f"{area.id}-b{index:02d}", f"{area.name}{index}号楼", area)
                area.buildings.append(building)
                self.buildings.append(building)
                self.parent[building.id] = area.id
                self.place_name[building.id] = building.name

        grid_counts = [
            min(rng.randint(*profile.grids_per_community), sum(len(a.buildings) for a in c.areas))
            for c in self.communities
        ]
        unit_counts = self._unit_counts(sum(grid_counts))
        for building, count in zip(self.buildings, unit_counts, strict=True):
            floors = rng.choice((5, 6, 6, 6, 7, 11, 18))
            for index in range(1, count + 1):
                unit_id = f"{building.id}-u{index}"
                building.units.append(unit_id)
                building.unit_households.append(floors * 2)
                self.parent[unit_id] = building.id
                self.place_name[unit_id] = f"{building.name}{index}单元"

        for community, grid_count in zip(self.communities, grid_counts, strict=True):
            buildings = [building for area in community.areas for building in area.buildings]
            for index in range(1, grid_count + 1):
                grid_id = f"{community.id}-g{index}"
                community.grids.append(grid_id)
                self.parent[grid_id] = community.id
                self.place_name[grid_id] = f"{community.name}第{index}网格"
            # Contiguous runs of buildings per grid: a grid is a walkable patch.
            for position, building in enumerate(buildings):
                building.grid_id = community.grids[position * grid_count // len(buildings)]

    def _plan_head_gaps(self) -> None:
        """How many grids, buildings and units are planted without a head (G04–G06).

        With a three-heads figure (Wenshang) the unit count is then sized so
        that the heads add up to it exactly; with a building-heads figure
        (Liangshan) the building count is.
        """
        rng = self.rng
        if self.profile.three_heads is not None:
            self.gaps["G04"] += rng.randint(3, 6)
            self.gaps["G05"] += rng.randint(12, 20)
            self.gaps["G06"] += rng.randint(40, 70)
        else:
            self.gaps["G04"] += rng.randint(1, 3)
            self.gaps["G05"] += rng.randint(15, 25)
            self.gaps["G06"] += rng.randint(20, 40)

    def _unit_counts(self, grid_total: int) -> list[int]:
        """Units per building; with a three-heads figure, sized so the heads add up."""
        profile, rng = self.profile, self.rng
        if profile.three_heads is None:
            return [rng.randint(*profile.units_per_building) for _ in self.buildings]
        heads_elsewhere = (len(self.buildings) - self.gaps["G05"]) + (grid_total - self.gaps["G04"])
        units = profile.three_heads - heads_elsewhere + self.gaps["G06"]
        return self._fit_counts(units, len(self.buildings), *profile.units_per_building)

    def _write_places(self) -> None:
        rng, profile = self.rng, self.profile
        well_run = [
            area
            for area in self.areas
            if area.id in self.branch_of_area
            and area.id in self.owners_committee_areas
            and area.id in self.red_managed_areas
            and area.id in self.station_areas
        ]
        smart = rng.sample(well_run, profile.smart_areas)
        model = rng.sample(well_run, profile.model_property_areas)
        for area in smart:
            area.tags.append(PlaceTag.SMART_AREA.value)
        for area in model:
            area.tags.append(PlaceTag.MODEL_PROPERTY_AREA.value)

        rows = self.rows["places"]
        rows.append((self.county_id, self.name, PlaceKind.COUNTY.value, self.city_id, "", "", ""))
        for street_id in self.streets:
            rows.append(
                (
                    street_id,
                    self.place_name[street_id],
                    PlaceKind.STREET.value,
                    self.county_id,
                    "",
                    "",
                    "",
                )
            )
        building_rows: list[Row] = []
        unit_rows: list[Row] = []
        area_rows: list[Row] = []
        grid_rows: list[Row] = []
        for community in self.communities:
            community_households = 0
            for area in community.areas:
                area_households = 0
                for building in area.buildings:
                    households = sum(building.unit_households)
                    area_households += households
                    building_rows.append(
                        (
                            building.id,
                            building.name,
                            PlaceKind.BUILDING.value,
                            area.id,
                            building.grid_id,
                            str(households),
                            "",
                        )
                    )
                    for unit_id, unit_households in zip(
                        building.units, building.unit_households, strict=True
                    ):
                        unit_rows.append(
                            (
                                unit_id,
                                self.place_name[unit_id],
                                PlaceKind.UNIT.value,
                                building.id,
                                "",
                                str(unit_households),
                                "",
                            )
                        )
                community_households += area_households
                area_rows.append(
                    (
                        area.id,
                        area.name,
                        PlaceKind.RESIDENTIAL_AREA.value,
                        community.id,
                        "",
                        str(area_households),
                        ";".join(area.tags),
                    )
                )
            grid_rows.extend(
                (grid_id, self.place_name[grid_id], PlaceKind.GRID.value, community.id, "", "", "")
                for grid_id in community.grids
            )
            rows.append(
                (
                    community.id,
                    community.name,
                    PlaceKind.COMMUNITY.value,
                    community.street_id,
                    "",
                    str(community_households),
                    "",
                )
            )
        rows.extend(area_rows)
        rows.extend(grid_rows)
        rows.extend(building_rows)
        rows.extend(unit_rows)

    # -- party organizations ----------------------------------------------

    def _party_org(
        self, org_id: str, name: str, level: PartyOrgLevel, place_id: str, parent_id: str
    ) -> None:
        self.rows["party_orgs"].append((org_id, name, level.value, place_id, parent_id))
        self.party_org_of[place_id] = org_id

    def _build_party_orgs(self) -> None:
        profile, rng = self.profile, self.rng
        county_org = f"{self.code}-po"
        self._party_org(
            county_org, f"中共{self.name}委员会", PartyOrgLevel.COUNTY_COMMITTEE, self.county_id, ""
        )
        for street_id in self.streets:
            self._party_org(
                f"{street_id}-po",
                f"中共{self.place_name[street_id]}工作委员会",
                PartyOrgLevel.STREET_WORKING_COMMITTEE,
                street_id,
                county_org,
            )
        for community in self.communities:
            self._party_org(
                f"{community.id}-po",
                f"中共{community.name}委员会",
                PartyOrgLevel.COMMUNITY_COMMITTEE,
                community.id,
                f"{community.street_id}-po",
            )

        without_branch = {area.id for area in rng.sample(self.areas, profile.areas_without_branch)}
        self.gaps["G01"] += len(without_branch)
        branch_areas = [area for area in self.areas if area.id not in without_branch]
        # Planted broken links (G15): one branch reporting straight to its
        # street, one building group with no parent at all, and one reporting
        # to the branch of a neighbouring area.
        wrong_level_area = rng.choice(branch_areas)
        group_buildings = [
            building
            for area in branch_areas
            for building in area.buildings
            if rng.random() < profile.building_group_share
        ]
        neighbour_branches = {
            area.id: [
                other
                for other in area.community.areas
                if other is not area and other.id not in without_branch
            ]
            for area in branch_areas
        }
        misplaced_group = rng.choice([b for b in group_buildings if neighbour_branches[b.area.id]])
        orphan_group = rng.choice([b for b in group_buildings if b is not misplaced_group])
        for area in branch_areas:
            community = area.community
            parent = (
                f"{community.street_id}-po" if area is wrong_level_area else f"{community.id}-po"
            )
            branch_id = f"{area.id}-po"
            self._party_org(
                branch_id, f"{area.name}党支部", PartyOrgLevel.AREA_BRANCH, area.id, parent
            )
            self.branch_of_area[area.id] = branch_id
        self.gaps["G15"] += 1
        for building in group_buildings:
            parent = self.branch_of_area[building.area.id]
            if building is orphan_group:
                parent = ""
                self.gaps["G15"] += 1
            elif building is misplaced_group:
                parent = self.branch_of_area[rng.choice(neighbour_branches[building.area.id]).id]
                self.gaps["G15"] += 1
            self._party_org(
                f"{building.id}-po",
                f"{building.name}党小组",
                PartyOrgLevel.BUILDING_GROUP,
                building.id,
                parent,
            )
        branches = list(self.branch_of_area.values())
        groups = [f"{building.id}-po" for building in group_buildings]
        self.no_secretary = set(rng.sample(branches, 2)) | set(rng.sample(groups, 2))
        self.gaps["G02"] += len(self.no_secretary)

    # -- organizations ----------------------------------------------------

    def _organization(
        self,
        kind: OrgKind,
        org_id: str,
        name: str,
        place_id: str,
        *,
        red_property: bool | None = None,
        manages: Sequence[str] = (),
        domains: Sequence[str] = (),
        fallback_org_id: str = "",
    ) -> str:
        self.rows["organizations"].append(
            (
                org_id,
                name,
                kind.value,
                place_id,
                "" if red_property is None else _bool(red_property),
                ";".join(manages),
                ";".join(domains),
                fallback_org_id,
            )
        )
        self.org_place[org_id] = place_id
        self.org_name[org_id] = name
        self.orgs_by_kind[kind].append(org_id)
        return org_id

    def _build_organizations(self) -> None:
        profile, rng = self.profile, self.rng
        for index, template in enumerate(DEPARTMENTS[: profile.departments], start=1):
            org_id = self._organization(
                OrgKind.COUNTY_DEPARTMENT,
                f"{self.code}-d{index:02d}",
                template.name.format(county=self.name),
                self.county_id,
                domains=template.domains,
            )
            self.department_services[org_id] = template.service_categories

        pool = stationed_unit_pool(self.name, self.street_names)
        for index, (name, unit_type) in enumerate(
            rng.sample(pool, profile.stationed_units), start=1
        ):
            community = rng.choice(self.communities)
            org_id = self._organization(
                OrgKind.STATIONED_UNIT, f"{self.code}-su{index:03d}", name, community.id
            )
            self.unit_type[org_id] = unit_type

        for index in range(1, profile.social_orgs + 1):
            pattern, category = SOCIAL_ORG_TEMPLATES[(index - 1) % len(SOCIAL_ORG_TEMPLATES)]
            brand = rng.choice(names.CARE_BRANDS)
            org_id = self._organization(
                OrgKind.SOCIAL_ORG,
                f"{self.code}-so{index:03d}",
                pattern.format(short=self.short_name, brand=brand),
                rng.choice(self.communities).id,
            )
            self.social_category[org_id] = category

        used_micro: dict[str, set[str]] = {area.id: set() for area in self.areas}
        for index in range(1, profile.micro_orgs + 1):
            area = rng.choice(
                [a for a in self.areas if len(used_micro[a.id]) < len(MICRO_ORG_TYPES)]
            )
            suffix, category = rng.choice(
                [kind for kind in MICRO_ORG_TYPES if kind[0] not in used_micro[area.id]]
            )
            used_micro[area.id].add(suffix)
            name = f"{area.name}{suffix}"
            org_id = self._organization(
                OrgKind.MICRO_ORG, f"{self.code}-mo{index:03d}", name, area.id
            )
            self.micro_category[org_id] = category

        # Each community gets each theme once before any gets a second team of it.
        pairings = [(c, theme) for c in self.communities for theme in VOLUNTEER_THEMES]
        rng.shuffle(pairings)
        for index in range(1, profile.volunteer_teams + 1):
            community, (theme, category) = pairings[(index - 1) % len(pairings)]
            name = f"{profile.volunteer_brand}{community.name}{theme}志愿服务队"
            round_number = (index - 1) // len(pairings) + 1
            if round_number > 1:
                name += f"{names.zh_number(round_number)}分队"
            org_id = self._organization(
                OrgKind.VOLUNTEER_TEAM, f"{self.code}-vt{index:03d}", name, community.id
            )
            self.team_category[org_id] = category

        self._build_property_and_owners()
        self._build_two_new()

    def _build_property_and_owners(self) -> None:
        profile, rng = self.profile, self.rng
        areas = list(self.areas)
        # Old open-plan areas with no property firm and no owners committee are
        # a few percent of a county seat's areas.
        unmanaged = {area.id for area in rng.sample(areas, max(2, len(areas) // 25))}
        without_committee = {area.id for area in rng.sample(areas, max(2, len(areas) // 20))}
        managed = [area for area in areas if area.id not in unmanaged]
        non_red_areas = rng.sample(managed, profile.non_red_firms * rng.randint(2, 3))
        non_red_ids = {area.id for area in non_red_areas}
        red_areas = [area for area in managed if area.id not in non_red_ids]
        red_firms = profile.property_firms - profile.non_red_firms
        brands = names.pick_distinct(rng, names.BRANDS, profile.property_firms)
        firm_areas: list[list[_Area]] = [[] for _ in range(profile.property_firms)]
        for position, area in enumerate(non_red_areas):
            firm_areas[red_firms + position % profile.non_red_firms].append(area)
        rng.shuffle(red_areas)
        for position, area in enumerate(red_areas):
            firm_areas[position % red_firms].append(area)
        for index, (brand, areas_of_firm) in enumerate(
            zip(brands, firm_areas, strict=True), start=1
        ):
            red = index <= red_firms
            firm_id = self._organization(
                OrgKind.PROPERTY_FIRM,
                f"{self.code}-pf{index:02d}",
                f"{self.short_name}{brand}物业服务有限公司",
                rng.choice(self.streets),
                red_property=red,
                manages=[area.id for area in areas_of_firm],
            )
            self.firm_managing[firm_id] = [area.id for area in areas_of_firm]
            for area in areas_of_firm:
                self.managed_by[area.id] = firm_id
        self.red_managed_areas = {area.id for area in red_areas}
        self.gaps["G10"] += len(non_red_ids)

        for area in self.areas:
            if area.id in without_committee:
                continue
            self._organization(
                OrgKind.OWNERS_COMMITTEE, f"{area.id}-oc", f"{area.name}业主委员会", area.id
            )
            self.owners_committee_areas.add(area.id)
        self.gaps["G09"] += sum(
            1
            for area in self.areas
            if area.id not in self.branch_of_area
            or area.id in unmanaged
            or area.id in without_committee
        )

    def _build_two_new(self) -> None:
        profile, rng = self.profile, self.rng
        total = profile.two_new_with_fallback + profile.two_new_without_fallback
        orphans = set(rng.sample(range(total), profile.two_new_without_fallback))
        self.gaps["G16"] += len(orphans)
        for index, name in enumerate(names.two_new_names(rng, self.short_name, total)):
            community = rng.choice(self.communities)
            place_id = community.id
            fallback = f"{community.id}-po"
            if rng.random() < 0.3:
                area = rng.choice(community.areas)
                place_id = area.id
                fallback = self.branch_of_area.get(area.id, fallback)
            self._organization(
                OrgKind.TWO_NEW_ORG,
                f"{self.code}-tn{index + 1:04d}",
                name,
                place_id,
                fallback_org_id="" if index in orphans else fallback,
            )

    # -- people and posts -------------------------------------------------

    def _build_people_and_posts(self) -> None:
        profile, rng = self.profile, self.rng
        departments = self.orgs_by_kind[OrgKind.COUNTY_DEPARTMENT]
        units = self.orgs_by_kind[OrgKind.STATIONED_UNIT]
        two_new = self.orgs_by_kind[OrgKind.TWO_NEW_ORG]
        self.county_targets = {self.party_org_of[self.county_id], *departments}

        for place_id, org_id in self.party_org_of.items():
            if org_id in self.no_secretary:
                continue
            employer = ""
            firm = self.managed_by.get(place_id)
            if firm and org_id == self.branch_of_area.get(place_id) and rng.random() < 0.25:
                employer = firm
            self._new_holder(Post.SECRETARY, org_id, party_share=1.0, employer_id=employer)
        for department in departments:
            self._new_holder(Post.SECRETARY, department, party_share=1.0, employer_id=department)

        committees = [f"{street}-po" for street in self.streets] + [
            f"{community.id}-po" for community in self.communities
        ]
        seats = self._fit_counts(profile.part_time_members, len(committees), 1, 12)
        for committee, count in zip(committees, seats, strict=True):
            for _ in range(count):
                roll = rng.random()
                pool = units if roll < 0.5 else two_new if roll < 0.8 else departments
                self._new_holder(
                    Post.PART_TIME_MEMBER, committee, party_share=1.0, employer_id=rng.choice(pool)
                )

        no_first = set(
            rng.sample(range(len(self.communities)), profile.communities_without_first_secretary)
        )
        no_weekend = set(
            rng.sample(
                [i for i in range(len(self.communities)) if i not in no_first],
                profile.communities_without_weekend_secretary,
            )
        )
        self.gaps["G07"] += len(no_first)
        self.gaps["G08"] += len(no_weekend)
        for index, community in enumerate(self.communities):
            if index not in no_first:
                self._new_holder(
                    Post.FIRST_SECRETARY,
                    community.id,
                    party_share=1.0,
                    employer_id=rng.choice(departments),
                )
            if index not in no_weekend:
                local_units = [unit for unit in units if self.org_place[unit] == community.id]
                self._new_holder(
                    Post.WEEKEND_SECRETARY,
                    community.id,
                    party_share=1.0,
                    employer_id=rng.choice(local_units or units),
                )

        self._build_grid_posts()
        self._build_head_posts()
        self._build_central_households()
        self._build_volunteers()

    def _build_grid_posts(self) -> None:
        rng = self.rng
        grids = [grid for community in self.communities for grid in community.grids]
        without_worker = set(rng.sample(grids, rng.randint(2, 4)))
        without_head = set(rng.sample(grids, self.gaps["G04"]))
        self.gaps["G03"] += len(without_worker)
        for grid in grids:
            if grid not in without_worker:
                for _ in range(2 if rng.random() < 0.15 else 1):
                    self._new_holder(Post.GRID_WORKER, grid, party_share=0.5)
            if grid not in without_head:
                self._new_holder(Post.GRID_HEAD, grid, party_share=0.7)

    def _build_head_posts(self) -> None:
        """Building and unit heads, with the planted gaps and single points of failure."""
        rng = self.rng
        headless_buildings = {b.id for b in rng.sample(self.buildings, self.gaps["G05"])}
        units = [unit for building in self.buildings for unit in building.units]
        headless_units = set(rng.sample(units, self.gaps["G06"]))
        # One person heads three neighbouring buildings, another three units
        # of one building: each the sole holder, so G19 finds both.
        areas_with_room = [
            area
            for area in self.areas
            if sum(1 for b in area.buildings if b.id not in headless_buildings) >= 3
        ]
        stretched_area = rng.choice(areas_with_room)
        stretched_buildings = [
            b.id for b in stretched_area.buildings if b.id not in headless_buildings
        ][:3]
        buildings_with_room = [
            b for b in self.buildings if sum(1 for u in b.units if u not in headless_units) >= 3
        ]
        stretched_building = rng.choice(buildings_with_room)
        stretched_units = [u for u in stretched_building.units if u not in headless_units][:3]
        self.gaps["G19"] += 2

        building_keeper = self._person(party_member=True)
        unit_keeper = self._person(party_member=False)
        for building in self.buildings:
            if building.id in stretched_buildings:
                self._post(building_keeper, Post.BUILDING_HEAD, building.id)
            elif building.id not in headless_buildings:
                self._new_holder(Post.BUILDING_HEAD, building.id, party_share=0.6)
            for unit in building.units:
                if unit in stretched_units:
                    self._post(unit_keeper, Post.UNIT_HEAD, unit)
                elif unit not in headless_units:
                    self._new_holder(Post.UNIT_HEAD, unit, party_share=0.4)

    def _build_central_households(self) -> None:
        rng = self.rng
        target = self.profile.central_households
        if target is None:
            target = len(self.buildings) // 2 + rng.randint(0, len(self.buildings) // 10)
        # Bigger buildings hold more party-member households.
        weights = [len(building.units) for building in self.buildings]
        chosen = rng.choices(range(len(self.buildings)), weights, k=target)
        for position in sorted(chosen):
            self._new_holder(Post.CENTRAL_HOUSEHOLD, self.buildings[position].id, party_share=1.0)

    def _build_volunteers(self) -> None:
        rng = self.rng
        teams_in: dict[str, list[str]] = {community.id: [] for community in self.communities}
        for team in (
            self.orgs_by_kind[OrgKind.VOLUNTEER_TEAM] + self.orgs_by_kind[OrgKind.SOCIAL_ORG]
        ):
            teams_in[self.org_place[team]].append(team)
        units = self.orgs_by_kind[OrgKind.STATIONED_UNIT]
        memberships: list[tuple[str, int]] = [
            (team, rng.randint(8, 20)) for team in self.orgs_by_kind[OrgKind.VOLUNTEER_TEAM]
        ]
        memberships += [(org, rng.randint(3, 8)) for org in self.orgs_by_kind[OrgKind.SOCIAL_ORG]]
        memberships += [(org, rng.randint(3, 8)) for org in self.orgs_by_kind[OrgKind.MICRO_ORG]]
        for org, size in memberships:
            community_id = self._community_of_place(self.org_place[org]).id
            for _ in range(size):
                employer = rng.choice(units) if rng.random() < 0.1 else ""
                person = self._person(
                    party_member=rng.random() < 0.35, employer_id=employer, phone=rng.random() < 0.5
                )
                self._post(person, Post.VOLUNTEER, org)
                others = [team for team in teams_in[community_id] if team != org]
                if others and rng.random() < 0.1:
                    self._post(person, Post.VOLUNTEER, rng.choice(others))

    # -- facilities -------------------------------------------------------

    def _facility(self, name: str, kind: FacilityKind, place_id: str) -> None:
        self.rows["facilities"].append((self._next_id("f", 4), name, kind.value, place_id))

    def _build_facilities(self) -> None:
        profile, rng = self.profile, self.rng
        for street_id in self.streets:
            self._facility(
                f"{self.place_name[street_id]}党群服务中心", FacilityKind.SERVICE_CENTER, street_id
            )
        for community in self.communities:
            self._facility(
                f"{community.name}党群服务中心", FacilityKind.SERVICE_CENTER, community.id
            )
            self._facility(
                f"{community.name}街坊议事厅", FacilityKind.DELIBERATION_HALL, community.id
            )
            if profile.secretary_studios_per_community:
                self._facility(
                    f"{community.name}书记工作室", FacilityKind.SECRETARY_STUDIO, community.id
                )
        station_areas = rng.sample(self.areas, profile.stations)
        self.station_areas = {area.id for area in station_areas}
        self.gaps["G17"] += len(self.areas) - len(station_areas)
        for area in self.areas:
            if area.id not in self.station_areas:
                continue
            # Some stations sit on a building's ground floor; the audit looks there too.
            station_place = area.buildings[0].id if rng.random() < 0.1 else area.id
            self._facility(f"{area.name}红帆驿站", FacilityKind.RED_SAIL_STATION, station_place)
            self._facility(f"{area.name}居民议事站", FacilityKind.DELIBERATION_POINT, area.id)
        if not profile.secretary_studios_per_community:
            for area in self.areas:
                if area.id in self.branch_of_area and rng.random() < 0.35:
                    self._facility(
                        f"{area.name}小区书记工作室", FacilityKind.SECRETARY_STUDIO, area.id
                    )
        self._write_places()

    # -- resources --------------------------------------------------------

    def _service(
        self,
        provider_id: str,
        provider_kind: OrgKind,
        category: str,
        capacity: int,
        covers: Sequence[str],
    ) -> _Resource:
        service_id = self._next_id("sv", 5)
        self.rows["services"].append(
            (
                service_id,
                f"{self.org_name[provider_id]}·{self._service_phrase(category)}",
                provider_id,
                category,
                str(capacity),
                ";".join(covers),
            )
        )
        resource = _Resource(
            service_id,
            provider_id,
            provider_kind,
            category,
            capacity,
            tuple(covers) or (self.org_place[provider_id],),
        )
        self.resources.append(resource)
        return resource

    @staticmethod
    def _service_phrase(category: str) -> str:
        text = LEAF_TEXTS.get(category)
        return text[0] if text else categories_by_id()[category].name_zh

    def _build_resources(self) -> None:
        rng = self.rng
        for department, categories in self.department_services.items():
            for category in categories:
                self._service(
                    department,
                    OrgKind.COUNTY_DEPARTMENT,
                    category,
                    rng.randint(15, 40),
                    [self.county_id],
                )
        for firm, areas in self.firm_managing.items():
            if areas:
                self._service(
                    firm, OrgKind.PROPERTY_FIRM, "cat_property_repair", rng.randint(10, 30), areas
                )
        for org in self.orgs_by_kind[OrgKind.SOCIAL_ORG]:
            first = self.social_category[org]
            offered = [first]
            if rng.random() < 0.4:
                family = parent_of(first) or first
                others = [leaf for leaf in children_of(family) if leaf != first]
                offered.append(rng.choice(others))
            for category in offered:
                self._service(
                    org, OrgKind.SOCIAL_ORG, category, rng.randint(8, 25), self._social_cover(org)
                )
        for team in self.orgs_by_kind[OrgKind.VOLUNTEER_TEAM]:
            community = self.community_by_id[self.org_place[team]]
            covers: list[str] = []
            if len(community.areas) >= 2 and rng.random() < 0.35:
                chosen = rng.sample(community.areas, rng.randint(2, min(5, len(community.areas))))
                covers = [area.id for area in chosen]
            self._service(
                team, OrgKind.VOLUNTEER_TEAM, self.team_category[team], rng.randint(5, 15), covers
            )
        for org in self.orgs_by_kind[OrgKind.MICRO_ORG]:
            if rng.random() < 0.85:
                self._service(
                    org, OrgKind.MICRO_ORG, self.micro_category[org], rng.randint(3, 8), []
                )
        self._build_projects()

        over = rng.choice(
            [
                resource
                for resource in self.resources
                if resource.provider_kind in (OrgKind.SOCIAL_ORG, OrgKind.VOLUNTEER_TEAM)
                and resource.capacity >= 3
            ]
        )
        over.healthy = False
        self.over_capacity = over
        self.gaps["G18"] += 1

    def _social_cover(self, org: str) -> list[str]:
        rng = self.rng
        community = self.community_by_id[self.org_place[org]]
        roll = rng.random()
        if roll < 0.3:
            return []
        if roll < 0.8:
            street_communities = [c for c in self.communities if c.street_id == community.street_id]
            others = [c for c in street_communities if c is not community]
            chosen = rng.sample(others, min(len(others), rng.randint(1, 3)))
            return [community.id] + [c.id for c in chosen]
        return [community.street_id]

    def _build_projects(self) -> None:
        profile, rng = self.profile, self.rng
        units = self.orgs_by_kind[OrgKind.STATIONED_UNIT]
        idle = set(rng.sample(units, profile.units_without_project))
        self.gaps["G11"] += len(idle)
        working = [unit for unit in units if unit not in idle]
        counts = self._fit_counts(profile.projects, len(working), 1, 4)
        statuses = (ProjectStatus.ACTIVE, ProjectStatus.COMPLETED, ProjectStatus.PLANNED)
        for unit, count in zip(working, counts, strict=True):
            home = self.community_by_id[self.org_place[unit]]
            neighbours = [c for c in self.communities if c.street_id == home.street_id]
            categories = UNIT_CATEGORIES[self.unit_type[unit]]
            for category in rng.sample(categories, min(count, len(categories))) + [
                rng.choice(categories) for _ in range(count - len(categories))
            ]:
                community = home if rng.random() < 0.8 else rng.choice(neighbours)
                status = rng.choices(statuses, (7, 2, 1))[0]
                capacity = rng.randint(5, 30)
                project_id = self._next_id("pj", 4)
                self.rows["projects"].append(
                    (
                        project_id,
                        f"{self.org_name[unit]}·{self._service_phrase(category)}共建项目",
                        unit,
                        community.id,
                        category,
                        str(capacity),
                        status.value,
                    )
                )
                self.resources.append(
                    _Resource(
                        project_id,
                        unit,
                        OrgKind.STATIONED_UNIT,
                        category,
                        capacity,
                        (community.id,),
                        healthy=status is ProjectStatus.ACTIVE,
                    )
                )
                self.project_status[project_id] = status

    # -- needs ------------------------------------------------------------

    @staticmethod
    def _leaves(category: str) -> tuple[str, ...]:
        return children_of(category) or (category,)

    def _covered_leaves(self, place_ids: Sequence[str], *, healthy_only: bool) -> dict[str, None]:
        """Leaf categories some resource covering one of these places matches."""
        covered: dict[str, None] = {}
        for resource in self.resources:
            if healthy_only and not resource.healthy:
                continue
            if any(place in place_ids for place in resource.coverage):
                covered.update(dict.fromkeys(self._leaves(resource.category)))
        return covered

    def _pick_place_under(self, place_id: str) -> str:
        """A place where a resident raises a need, at or below ``place_id``."""
        rng = self.rng
        if place_id == self.county_id:
            area = rng.choice(self.areas)
        elif place_id in self.community_by_id:
            community = self.community_by_id[place_id]
            if rng.random() < 0.1:
                return community.id
            area = rng.choice(community.areas)
        elif place_id in self.area_by_id:
            area = self.area_by_id[place_id]
        else:
            area = rng.choice([a for a in self.areas if a.community.street_id == place_id])
        roll = rng.random()
        if roll < 0.35:
            return area.id
        building = rng.choice(area.buildings)
        if roll < 0.8:
            return building.id
        return rng.choice(building.units)

    def _age_date(self, stale_share: float) -> date:
        stale = self.rng.random() < stale_share
        low, high = _STALE_AGES if stale else _RECENT_AGES
        return REFERENCE_DATE - timedelta(days=self.rng.randint(low, high))

    def _need_for(self, resource: _Resource, status: NeedStatus) -> _Need:
        rng = self.rng
        place = self._pick_place_under(rng.choice(resource.coverage))
        category = rng.choice(self._leaves(resource.category))
        if status is NeedStatus.RESOLVED:
            span = (REFERENCE_DATE - NEEDS_SINCE).days
            raised = NEEDS_SINCE + timedelta(days=rng.randrange(span))
            delay = min(
                rng.choice((0, 1, 1, 2, 3, 3, 5, 7, 10, 15, 21)), (REFERENCE_DATE - raised).days
            )
            need = _Need(
                place, category, status, raised, resource.id, raised + timedelta(days=delay)
            )
        else:
            need = _Need(place, category, status, self._age_date(0.2), resource.id)
            resource.assigned += 1
        self.needs.append(need)
        return need

    def _build_needs(self) -> None:
        profile, rng = self.profile, self.rng
        by_kind: dict[OrgKind, list[_Resource]] = {kind: [] for kind in OrgKind}
        for resource in self.resources:
            by_kind[resource.provider_kind].append(resource)
        volunteer_pool = by_kind[OrgKind.VOLUNTEER_TEAM] + by_kind[OrgKind.MICRO_ORG]
        project_pool = [
            r
            for r in by_kind[OrgKind.STATIONED_UNIT]
            if self.project_status[r.id] is not ProjectStatus.PLANNED
        ]
        resolved_plan: list[tuple[list[_Resource], int, bool]] = [
            (volunteer_pool, profile.resolved_by_volunteers, False),
            (by_kind[OrgKind.COUNTY_DEPARTMENT], profile.resolved_by_chain, True),
            (project_pool, profile.resolved_by_projects, False),
            (by_kind[OrgKind.SOCIAL_ORG], profile.resolved_by_social_orgs, False),
            (by_kind[OrgKind.PROPERTY_FIRM], profile.resolved_by_property_firms, False),
        ]
        for pool, count, chain in resolved_plan:
            for _ in range(count):
                need = self._need_for(rng.choice(pool), NeedStatus.RESOLVED)
                need.chain = chain

        for resource in list(self.resources):
            if resource.healthy and resource.capacity >= 2 and rng.random() < 0.35:
                for _ in range(rng.randint(1, max(1, resource.capacity // 3))):
                    self._need_for(resource, NeedStatus.ASSIGNED)
        over = self.over_capacity
        if over is None:
            raise RuntimeError("resources are built before needs")
        for _ in range(over.capacity + rng.randint(1, 2)):
            self._need_for(over, NeedStatus.ASSIGNED)

        self._plant_full_and_deserts()
        self._raise_open_needs(profile.open_needs)
        self._settle_kinds()
        self._write_needs()

    def _uncovered_pairs(self) -> list[tuple[_Community, str]]:
        leaves = [
            category.id for category in categories_by_id().values() if not children_of(category.id)
        ]
        pairs: list[tuple[_Community, str]] = []
        for community in self.communities:
            places = [self.county_id, community.street_id, community.id] + [
                a.id for a in community.areas
            ]
            covered = self._covered_leaves(places, healthy_only=False)
            pairs.extend((community, leaf) for leaf in leaves if leaf not in covered)
        return pairs

    def _open_need_in(self, community: _Community, category: str) -> None:
        self.needs.append(
            _Need(
                self._pick_place_under(community.id),
                category,
                NeedStatus.OPEN,
                self._age_date(0.15),
            )
        )

    def _plant_full_and_deserts(self) -> None:
        """Open needs with no candidate: behind a full service (G13), or with none at all (G12)."""
        profile, rng = self.profile, self.rng
        pairs = self._uncovered_pairs()
        chosen = rng.sample(pairs, profile.full_resources + profile.service_deserts)
        for community, category in chosen[: profile.full_resources]:
            local_teams = [
                team
                for team in self.orgs_by_kind[OrgKind.VOLUNTEER_TEAM]
                if self.org_place[team] == community.id
            ]
            provider = rng.choice(local_teams or self.orgs_by_kind[OrgKind.VOLUNTEER_TEAM])
            service = self._service(
                provider, OrgKind.VOLUNTEER_TEAM, category, rng.randint(2, 4), [community.id]
            )
            service.healthy = False
            for _ in range(service.capacity):
                self._need_for(service, NeedStatus.ASSIGNED)
            waiting = rng.randint(1, 2)
            for _ in range(waiting):
                self._open_need_in(community, category)
            self.gaps["G13"] += waiting
        for community, category in chosen[profile.full_resources :]:
            waiting = rng.randint(1, 3)
            for _ in range(waiting):
                self._open_need_in(community, category)
            self.gaps["G12"] += 1
            self.gaps["G13"] += waiting

    def _raise_open_needs(self, count: int) -> None:
        rng = self.rng
        covered_by_area: dict[str, tuple[list[str], list[float]]] = {}
        for area in self.areas:
            community = area.community
            places = [self.county_id, community.street_id, community.id, area.id]
            leaves = list(self._covered_leaves(places, healthy_only=True))
            weights = [self._leaf_weight(leaf) for leaf in leaves]
            covered_by_area[area.id] = (leaves, weights)
        for _ in range(count):
            area = rng.choice(self.areas)
            leaves, weights = covered_by_area[area.id]
            category = rng.choices(leaves, weights)[0]
            place = self._pick_place_under(area.id)
            self.needs.append(_Need(place, category, NeedStatus.OPEN, self._age_date(0.15)))

    @staticmethod
    def _leaf_weight(leaf: str) -> float:
        family = parent_of(leaf) or leaf
        return _TOP_WEIGHTS[family] / max(1, len(children_of(family)))

    def _settle_kinds(self) -> None:
        """Kinds by field; then, where the profile fixes it, exactly that many micro-wishes."""
        rng = self.rng
        for need in self.needs:
            family = parent_of(need.category) or need.category
            if need.chain:
                need.kind = NeedKind.COMPLAINT
            elif family in _COMPLAINT_FIELDS:
                need.kind = NeedKind.COMPLAINT if rng.random() < 0.55 else NeedKind.SERVICE_REQUEST
            elif family in _WISH_FIELDS:
                roll = rng.random()
                need.kind = (
                    NeedKind.MICRO_WISH
                    if roll < 0.3
                    else NeedKind.COMPLAINT
                    if roll < 0.35
                    else NeedKind.SERVICE_REQUEST
                )
            else:
                roll = rng.random()
                need.kind = (
                    NeedKind.MICRO_WISH
                    if roll < 0.05
                    else NeedKind.COMPLAINT
                    if roll < 0.25
                    else NeedKind.SERVICE_REQUEST
                )
        target = self.profile.micro_wishes
        if target is None:
            return
        wishes = [need for need in self.needs if need.kind is NeedKind.MICRO_WISH]
        if len(wishes) > target:
            for need in rng.sample(wishes, len(wishes) - target):
                need.kind = NeedKind.SERVICE_REQUEST
        elif len(wishes) < target:
            others = [
                need
                for need in self.needs
                if need.kind is NeedKind.SERVICE_REQUEST
                and (parent_of(need.category) or need.category) in _WISH_FIELDS
            ]
            for need in rng.sample(others, target - len(wishes)):
                need.kind = NeedKind.MICRO_WISH

    def _write_needs(self) -> None:
        rng, profile = self.rng, self.profile
        resolved = [need for need in self.needs if need.status is NeedStatus.RESOLVED]
        rated = [need for need in resolved if rng.random() < 0.92]
        low = set(rng.sample(range(len(rated)), round(len(rated) * profile.low_satisfaction_share)))
        for position, need in enumerate(rated):
            if position in low:
                need.satisfaction = rng.choices((1, 2, 3), (1, 2, 5))[0]
            else:
                need.satisfaction = rng.choices((4, 5), (3, 7))[0]
        self.gaps["G14"] += sum(
            1
            for need in self.needs
            if need.status is not NeedStatus.RESOLVED
            and (REFERENCE_DATE - need.raised_on).days > SLA_DAYS
        )
        order = sorted(
            ((need.raised_on, rng.random(), position) for position, need in enumerate(self.needs))
        )
        rows = self.rows["needs"]
        for _, _, position in order:
            need = self.needs[position]
            kind = need.kind or NeedKind.SERVICE_REQUEST
            phrase = rng.choice(LEAF_TEXTS[need.category][1])
            title = f"微心愿：{phrase}" if kind is NeedKind.MICRO_WISH else phrase
            urgency = rng.choices((1, 2, 3), _URGENCY_WEIGHTS[kind])[0]
            rows.append(
                (
                    self._next_id("n", 6),
                    title,
                    kind.value,
                    need.category,
                    need.place_id,
                    str(urgency),
                    need.raised_on.isoformat(),
                    need.status.value,
                    need.assigned_to,
                    _iso(need.resolved_on),
                    "" if need.satisfaction is None else str(need.satisfaction),
                )
            )
