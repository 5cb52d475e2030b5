"""The two county profiles of the seed article, and the fixed calendar of every
scenario.

A :class:`CountyProfile` says how big a county is and which figures must come
out exactly: Wenshang (汶上县, the "four systems") and Liangshan (梁山县, micro-
organizations, volunteer teams and a year of needs) each reproduce their rows of
``SEED-FACTS.md``; a synthetic county reuses one of the two. Where the article
gives no figure, the numbers are chosen to look like a county seat of that size,
and the planted governance gaps are a few percent of what they could be.

The needs of every scenario are raised during the year that ends on
:data:`REFERENCE_DATE` (2025-11-01 to 2026-10-31). Nothing depends on the day
the generator runs: audit a scenario "as of" the reference date to find exactly
the planted stale needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

REFERENCE_DATE = date(2026, 10, 31)
"""The scenario's "today": the last day needs are raised and the date as of
which ``ScenarioSummary.gaps["G14"]`` counts stale needs."""

NEEDS_SINCE = date(2025, 11, 1)
"""The first day needs are raised: one year before :data:`REFERENCE_DATE`."""

POSTS_SINCE = date(2021, 3, 1)
"""The earliest ``since`` of a post: the communities were re-divided in 2021."""

SLA_DAYS = 30
"""Audit rule G14's default: a need open or assigned longer than this is stale."""

SINGLE_POINT_MIN_PLACES = 3
"""Audit rule G19's default: a sole holder at this many targets is a risk."""

TERM_YEARS = 5
"""Audit rule G20's default: the years of a term of office (任期)."""

TERM_WARN_DAYS = 90
"""Audit rule G20's default: a term ending this many days after the audit's
day, or earlier, is reported."""


@dataclass(frozen=True)
class CountyProfile:
    """How one county of a scenario is built.

    Exact seed figures are fields (``area_branches``, ``three_heads`` …); a
    field set to ``None`` has no seed figure and is drawn instead. Ranges are
    inclusive ``(low, high)`` pairs.

    Attributes:
        key: ``wenshang`` or ``liangshan``: the profile's name.
        name: the county's Chinese name when the scenario names it.
        street_names: the county's streets (街道).
        communities: how many communities (社区).
        areas_per_community: residential areas per community.
        area_branches: residential areas led by an area party branch (exact).
        areas_without_branch: residential areas planted without a branch (G01).
        buildings: total buildings, or ``None`` to derive it from
            ``building_heads``.
        buildings_per_area: buildings per residential area.
        building_heads: building-head posts (exact), or ``None``.
        three_heads: building + unit + grid heads (exact), or ``None``.
        units_per_building: units per building.
        grids_per_community: grids per community.
        building_group_share: share of buildings with a party group (党小组).
        central_households: central-household posts (exact), or ``None`` to
            draw about one for every two buildings.
        departments: county departments of the leading group.
        part_time_members: part-time committee members, the red partners.
        two_new_with_fallback: two-new organizations with a fallback party org.
        two_new_without_fallback: two-new organizations planted without (G16).
        stationed_units: stationed units (驻社区单位).
        projects: co-building projects between them.
        units_without_project: stationed units planted with no project (G11).
        social_orgs: social organizations.
        micro_orgs: micro-organizations of residential areas.
        volunteer_teams: volunteer teams.
        volunteer_brand: prefix of the teams' names (``红心公益·`` in Liangshan).
        property_firms: property-management firms.
        non_red_firms: of those, firms that are not red property (G10).
        smart_areas: residential areas tagged ``smart_area``.
        model_property_areas: residential areas tagged ``model_property_area``.
        stations: areas with a red-sail station and a deliberation point; the
            others are planted without (G17).
        secretary_studios_per_community: ``True`` for one community secretary
            studio each (Liangshan), ``False`` for area secretary studios in
            about a third of the branch areas (Wenshang's 小区书记工作室).
        communities_without_first_secretary: planted G07 gaps.
        communities_without_weekend_secretary: planted G08 gaps.
        open_needs: open needs that some resource can take.
        resolved_by_volunteers: resolved needs taken by volunteer teams and
            micro-organizations (微志愿).
        resolved_by_chain: resolved complaints taken by a county department's
            service: the problems solved by the call chain.
        resolved_by_projects: resolved needs taken by co-building projects.
        resolved_by_social_orgs: resolved needs taken by social organizations.
        resolved_by_property_firms: resolved needs taken by property firms.
        micro_wishes: needs of kind ``micro_wish`` (exact), or ``None``.
        low_satisfaction_share: share of rated resolutions rated 1 to 3.
        service_deserts: (community, category) pairs planted with open needs
            and no resource (G12).
        full_resources: small services planted full, the only cover of a few
            open needs (G13).
    """

    key: str
    name: str
    street_names: tuple[str, ...]
    communities: int
    areas_per_community: tuple[int, int]
    area_branches: int
    areas_without_branch: int
    buildings: int | None
    buildings_per_area: tuple[int, int]
    building_heads: int | None
    three_heads: int | None
    units_per_building: tuple[int, int]
    grids_per_community: tuple[int, int]
    building_group_share: float
    central_households: int | None
    departments: int
    part_time_members: int
    two_new_with_fallback: int
    two_new_without_fallback: int
    stationed_units: int
    projects: int
    units_without_project: int
    social_orgs: int
    micro_orgs: int
    volunteer_teams: int
    volunteer_brand: str
    property_firms: int
    non_red_firms: int
    smart_areas: int
    model_property_areas: int
    stations: int
    secretary_studios_per_community: bool
    communities_without_first_secretary: int
    communities_without_weekend_secretary: int
    open_needs: int
    resolved_by_volunteers: int
    resolved_by_chain: int
    resolved_by_projects: int
    resolved_by_social_orgs: int
    resolved_by_property_firms: int
    micro_wishes: int | None
    low_satisfaction_share: float
    service_deserts: int
    full_resources: int

    @property
    def residential_areas(self) -> int:
        """All residential areas: those with a branch and those without."""
        return self.area_branches + self.areas_without_branch


WENSHANG = CountyProfile(
    key="wenshang",
    name="汶上县",
    street_names=("中都街道", "汶上街道"),
    communities=26,
    areas_per_community=(2, 6),
    area_branches=88,
    areas_without_branch=4,
    buildings=1300,
    buildings_per_area=(6, 24),
    building_heads=None,
    three_heads=6029,
    units_per_building=(2, 4),
    grids_per_community=(4, 8),
    building_group_share=0.12,
    central_households=None,
    departments=19,
    part_time_members=126,
    two_new_with_fallback=612,
    two_new_without_fallback=16,
    stationed_units=129,
    projects=258,
    units_without_project=6,
    social_orgs=34,
    micro_orgs=64,
    volunteer_teams=42,
    volunteer_brand="",
    property_firms=16,
    non_red_firms=2,
    smart_areas=15,
    model_property_areas=8,
    stations=87,
    secretary_studios_per_community=False,
    communities_without_first_secretary=0,
    communities_without_weekend_secretary=0,
    open_needs=1150,
    resolved_by_volunteers=1500,
    resolved_by_chain=96,
    resolved_by_projects=2500,
    resolved_by_social_orgs=500,
    resolved_by_property_firms=450,
    micro_wishes=None,
    low_satisfaction_share=0.025,
    service_deserts=5,
    full_resources=2,
)
"""汶上县: every exact figure of the Wenshang table of SEED-FACTS.md. The article
says every community has a first and a weekend secretary, so none lacks one."""

LIANGSHAN = CountyProfile(
    key="liangshan",
    name="梁山县",
    street_names=("水泊街道", "梁山街道"),
    communities=8,
    areas_per_community=(8, 16),
    area_branches=89,
    areas_without_branch=4,
    buildings=None,
    buildings_per_area=(5, 16),
    building_heads=781,
    three_heads=None,
    units_per_building=(2, 4),
    grids_per_community=(6, 8),
    building_group_share=0.12,
    central_households=2109,
    departments=17,
    part_time_members=36,
    two_new_with_fallback=168,
    two_new_without_fallback=7,
    stationed_units=46,
    projects=84,
    units_without_project=4,
    social_orgs=14,
    micro_orgs=263,
    volunteer_teams=146,
    volunteer_brand="红心公益·",
    property_firms=11,
    non_red_firms=1,
    smart_areas=6,
    model_property_areas=4,
    stations=89,
    secretary_studios_per_community=True,
    communities_without_first_secretary=1,
    communities_without_weekend_secretary=1,
    open_needs=960,
    resolved_by_volunteers=4263,
    resolved_by_chain=82,
    resolved_by_projects=600,
    resolved_by_social_orgs=300,
    resolved_by_property_firms=350,
    micro_wishes=614,
    low_satisfaction_share=0.011,
    service_deserts=3,
    full_resources=2,
)
"""梁山县: every exact figure of the Liangshan table of SEED-FACTS.md; 4,263
micro-volunteer services are the needs resolved by volunteer teams and
micro-organizations, and 82 problems solved by the call chain are complaints
resolved by a county department's service. The article does not speak of first
or weekend secretaries in Liangshan, so one community lacks each."""

PROFILES: dict[str, CountyProfile] = {WENSHANG.key: WENSHANG, LIANGSHAN.key: LIANGSHAN}
"""The profiles by key."""
