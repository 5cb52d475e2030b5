"""The seed-calibrated scenarios, checked from the CSV files they write.

The files are read back with the ``csv`` module alone, and every figure and gap
is counted here with plain logic, independently of the generator: the seed
figures of SEED-FACTS.md per county, the references between files, the
matching rules of DESIGN.md for needs, determinism, and the planted findings of
every audit rule G01–G20.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path

import pytest

from graph.errors import ConfigurationError
from graph.schema import (
    LEVEL_PARENT,
    LEVEL_PLACE,
    ORG_LABELS,
    PLACE_LABELS,
    PLACE_PARENT,
    POST_TARGETS,
    FacilityKind,
    Label,
    NeedKind,
    NeedStatus,
    OrgKind,
    PartyOrgLevel,
    PlaceKind,
    PlaceTag,
    Post,
    ProjectStatus,
)
from loaders.scenario import (
    NEEDS_SINCE,
    REFERENCE_DATE,
    SCENARIOS,
    SINGLE_POINT_MIN_PLACES,
    SLA_DAYS,
    TERM_WARN_DAYS,
    TERM_YEARS,
    WORKBOOK_COLUMNS,
    ScenarioSummary,
    generate_scenario,
    scenario_names,
    write_scenario,
)

WENSHANG_EXACT = {
    "communities": 26,
    "area_branches": 88,
    "county_departments": 19,
    "part_time_members": 126,
    "three_heads": 6029,
    "stationed_units": 129,
    "projects": 258,
    "smart_areas": 15,
    "model_property_areas": 8,
    "communities_with_first_secretary": 26,
    "communities_with_weekend_secretary": 26,
}
WENSHANG_AT_LEAST = {"two_new_orgs_with_fallback": 600, "grid_workers": 70, "social_orgs": 30}
LIANGSHAN_EXACT = {
    "streets": 2,
    "communities": 8,
    "area_branches": 89,
    "building_heads": 781,
    "central_households": 2109,
    "micro_orgs": 263,
    "volunteer_teams": 146,
    "micro_wishes": 614,
    "red_sail_stations": 89,
    "deliberation_halls": 8,
    "deliberation_points": 89,
    "secretary_studios": 8,
}
SEED_EXACT = {"汶上县": WENSHANG_EXACT, "梁山县": LIANGSHAN_EXACT}
SEED_AT_LEAST: dict[str, dict[str, int]] = {"汶上县": WENSHANG_AT_LEAST, "梁山县": {}}
RULES = [f"G{number:02d}" for number in range(1, 21)]
RULED_OUT = {"汶上县": {"G07", "G08"}, "梁山县": set()}
"""Rules a seed figure rules out: every Wenshang community has both secretaries."""

Record = dict[str, str]


@dataclass
class Workbook:
    """A workbook folder read back with the csv module, with a few indexes."""

    folder: Path
    files: dict[str, list[Record]]

    @classmethod
    def read(cls, folder: Path) -> Workbook:
        files = {}
        for file, columns in WORKBOOK_COLUMNS.items():
            with (folder / f"{file}.csv").open(encoding="utf-8", newline="") as handle:
                reader = csv.DictReader(handle)
                assert tuple(reader.fieldnames or ()) == columns, file
                files[file] = list(reader)
        return cls(folder, files)

    @cached_property
    def places(self) -> dict[str, Record]:
        return {row["id"]: row for row in self.files["places"]}

    @cached_property
    def party_orgs(self) -> dict[str, Record]:
        return {row["id"]: row for row in self.files["party_orgs"]}

    @cached_property
    def orgs(self) -> dict[str, Record]:
        return {row["id"]: row for row in self.files["organizations"]}

    @cached_property
    def categories(self) -> dict[str, Record]:
        return {row["id"]: row for row in self.files["categories"]}

    @cached_property
    def resources(self) -> dict[str, Record]:
        return {row["id"]: row for row in self.files["services"] + self.files["projects"]}

    def ancestry(self, place_id: str) -> list[str]:
        """The place, then its parents up to the county (DESIGN.md, matching)."""
        chain = [place_id]
        while self.places[chain[-1]]["kind"] != PlaceKind.COUNTY:
            chain.append(self.places[chain[-1]]["parent_id"])
        return chain

    def category_line(self, category_id: str) -> list[str]:
        """The category, then its broader categories."""
        line = [category_id]
        while self.categories[line[-1]]["parent_id"]:
            line.append(self.categories[line[-1]]["parent_id"])
        return line

    def place_of(self, node_id: str) -> str:
        if node_id in self.places:
            return node_id
        if node_id in self.party_orgs:
            return self.party_orgs[node_id]["place_id"]
        if node_id in self.resources:
            resource = self.resources[node_id]
            return resource.get("community_id") or self.place_of(resource["provider_id"])
        return self.orgs[node_id]["place_id"]

    def county_of(self, node_id: str) -> str:
        place = self.ancestry(self.place_of(node_id))[-1]
        return self.places[place]["name"]

    def community_of(self, place_id: str) -> str:
        for place in self.ancestry(place_id):
            if self.places[place]["kind"] == PlaceKind.COMMUNITY:
                return place
        raise AssertionError(f"{place_id} lies in no community")

    def kind_label(self, node_id: str) -> tuple[Label, str]:
        """The primary label of a node and, for party orgs, its level."""
        if node_id in self.places:
            return PLACE_LABELS[PlaceKind(self.places[node_id]["kind"])], ""
        if node_id in self.party_orgs:
            return Label.PARTY_ORG, self.party_orgs[node_id]["level"]
        return ORG_LABELS[OrgKind(self.orgs[node_id]["kind"])], ""

    def coverage(self, resource_id: str) -> list[str]:
        resource = self.resources[resource_id]
        if "unit_id" in resource:
            return [resource["community_id"]]
        covers = [place for place in resource["covers"].split(";") if place]
        return covers or [self.orgs[resource["provider_id"]]["place_id"]]

    @cached_property
    def cover_index(self) -> dict[tuple[str, str], list[str]]:
        index: dict[tuple[str, str], list[str]] = defaultdict(list)
        for resource_id, resource in self.resources.items():
            for place in self.coverage(resource_id):
                index[(place, resource["category"])].append(resource_id)
        return index

    def covering(self, need: Record) -> list[str]:
        """Resources that cover a need and match its category, capacity aside."""
        return [
            resource
            for place in self.ancestry(need["place_id"])
            for category in self.category_line(need["category"])
            for resource in self.cover_index.get((place, category), [])
        ]

    @cached_property
    def assigned_count(self) -> Counter[str]:
        return Counter(
            need["assigned_to"]
            for need in self.files["needs"]
            if need["status"] == NeedStatus.ASSIGNED
        )

    def remaining(self, resource_id: str) -> int:
        return int(self.resources[resource_id]["capacity"]) - self.assigned_count[resource_id]

    @cached_property
    def holders(self) -> dict[tuple[str, str], set[str]]:
        holders: dict[tuple[str, str], set[str]] = defaultdict(set)
        for post in self.files["posts"]:
            holders[(post["post"], post["target_id"])].add(post["person_id"])
        return holders

    def places_of_kind(self, kind: PlaceKind) -> list[str]:
        return [place for place, row in self.places.items() if row["kind"] == kind]


@pytest.fixture(scope="module")
def written(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, tuple[ScenarioSummary, Workbook]]:
    scenarios = {}
    for name in ("wenshang", "liangshan", "jining"):
        folder = tmp_path_factory.mktemp(name)
        summary = write_scenario(name, folder)
        scenarios[name] = (summary, Workbook.read(folder))
    return scenarios


NAMED = ["wenshang", "liangshan", "jining"]


def count_figures(workbook: Workbook) -> dict[str, Counter[str]]:
    """The seed figures per county name, counted from the CSV rows."""
    figures: dict[str, Counter[str]] = defaultdict(Counter)
    for place in workbook.files["places"]:
        if place["kind"] in (PlaceKind.CITY, PlaceKind.COUNTY):
            continue
        county = workbook.county_of(place["id"])
        figures[county][f"places:{place['kind']}"] += 1
        for tag in filter(None, place["tags"].split(";")):
            figures[county][f"tag:{tag}"] += 1
    for org in workbook.files["party_orgs"]:
        figures[workbook.county_of(org["id"])][f"level:{org['level']}"] += 1
    for org in workbook.files["organizations"]:
        county = workbook.county_of(org["id"])
        figures[county][f"org:{org['kind']}"] += 1
        fallback = org["fallback_org_id"]
        if org["kind"] == OrgKind.TWO_NEW_ORG and fallback in workbook.party_orgs:
            figures[county]["two_new_with_fallback"] += 1
    communities_with: dict[str, set[str]] = defaultdict(set)
    for post in workbook.files["posts"]:
        figures[workbook.county_of(post["target_id"])][f"post:{post['post']}"] += 1
        communities_with[post["post"]].add(post["target_id"])
    for facility in workbook.files["facilities"]:
        figures[workbook.county_of(facility["place_id"])][f"facility:{facility['kind']}"] += 1
    for project in workbook.files["projects"]:
        figures[workbook.county_of(project["unit_id"])]["projects"] += 1
    for need in workbook.files["needs"]:
        figures[workbook.county_of(need["place_id"])][f"need:{need['kind']}"] += 1
        figures[workbook.county_of(need["place_id"])][f"status:{need['status']}"] += 1
    named: dict[str, Counter[str]] = {}
    for county, counts in figures.items():
        communities = [
            place
            for place in workbook.places_of_kind(PlaceKind.COMMUNITY)
            if workbook.county_of(place) == county
        ]
        named[county] = Counter(
            {
                "streets": counts[f"places:{PlaceKind.STREET}"],
                "communities": counts[f"places:{PlaceKind.COMMUNITY}"],
                "area_branches": counts[f"level:{PartyOrgLevel.AREA_BRANCH}"],
                "county_departments": counts[f"org:{OrgKind.COUNTY_DEPARTMENT}"],
                "part_time_members": counts[f"post:{Post.PART_TIME_MEMBER}"],
                "two_new_orgs_with_fallback": counts["two_new_with_fallback"],
                "grid_workers": counts[f"post:{Post.GRID_WORKER}"],
                "three_heads": counts[f"post:{Post.BUILDING_HEAD}"]
                + counts[f"post:{Post.UNIT_HEAD}"]
                + counts[f"post:{Post.GRID_HEAD}"],
                "building_heads": counts[f"post:{Post.BUILDING_HEAD}"],
                "central_households": counts[f"post:{Post.CENTRAL_HOUSEHOLD}"],
                "stationed_units": counts[f"org:{OrgKind.STATIONED_UNIT}"],
                "projects": counts["projects"],
                "social_orgs": counts[f"org:{OrgKind.SOCIAL_ORG}"],
                "micro_orgs": counts[f"org:{OrgKind.MICRO_ORG}"],
                "volunteer_teams": counts[f"org:{OrgKind.VOLUNTEER_TEAM}"],
                "smart_areas": counts[f"tag:{PlaceTag.SMART_AREA}"],
                "model_property_areas": counts[f"tag:{PlaceTag.MODEL_PROPERTY_AREA}"],
                "communities_with_first_secretary": sum(
                    1 for c in communities if c in communities_with[Post.FIRST_SECRETARY]
                ),
                "communities_with_weekend_secretary": sum(
                    1 for c in communities if c in communities_with[Post.WEEKEND_SECRETARY]
                ),
                "micro_wishes": counts[f"need:{NeedKind.MICRO_WISH}"],
                "red_sail_stations": counts[f"facility:{FacilityKind.RED_SAIL_STATION}"],
                "deliberation_halls": counts[f"facility:{FacilityKind.DELIBERATION_HALL}"],
                "deliberation_points": counts[f"facility:{FacilityKind.DELIBERATION_POINT}"],
                "secretary_studios": counts[f"facility:{FacilityKind.SECRETARY_STUDIO}"],
                "open_needs": counts[f"status:{NeedStatus.OPEN}"],
            }
        )
    return named


# -- seed figures -------------------------------------------------------------


@pytest.mark.parametrize("name", NAMED)
def test_seed_figures_hold_in_each_county(
    name: str, written: dict[str, tuple[ScenarioSummary, Workbook]]
) -> None:
    summary, workbook = written[name]
    figures = count_figures(workbook)
    expected_counties = {
        "wenshang": {"汶上县"},
        "liangshan": {"梁山县"},
        "jining": {"汶上县", "梁山县"},
    }
    assert set(figures) == expected_counties[name]
    for county, counts in figures.items():
        for figure, value in SEED_EXACT[county].items():
            assert counts[figure] == value, (county, figure)
            assert summary.county(county).figures[figure] == value, (county, figure)
        for figure, minimum in SEED_AT_LEAST[county].items():
            assert counts[figure] >= minimum, (county, figure)
            assert summary.county(county).figures[figure] == counts[figure], (county, figure)


def test_county_and_city_names(written: dict[str, tuple[ScenarioSummary, Workbook]]) -> None:
    for name, (_, workbook) in written.items():
        counties = {
            row["name"] for row in workbook.files["places"] if row["kind"] == PlaceKind.COUNTY
        }
        cities = [row for row in workbook.files["places"] if row["kind"] == PlaceKind.CITY]
        assert (
            counties
            == {"wenshang": {"汶上县"}, "liangshan": {"梁山县"}, "jining": {"汶上县", "梁山县"}}[
                name
            ]
        )
        if name == "jining":
            assert [city["name"] for city in cities] == ["济宁市"]
            county_rows = [
                row for row in workbook.files["places"] if row["kind"] == PlaceKind.COUNTY
            ]
            assert {row["parent_id"] for row in county_rows} == {cities[0]["id"]}
        else:
            assert cities == []


def test_liangshan_reported_figures(written: dict[str, tuple[ScenarioSummary, Workbook]]) -> None:
    summary, workbook = written["liangshan"]
    needs = workbook.files["needs"]
    provider_kind = {
        service["id"]: workbook.orgs[service["provider_id"]]["kind"]
        for service in workbook.files["services"]
    }
    resolved = [need for need in needs if need["status"] == NeedStatus.RESOLVED]
    ratings = [int(need["satisfaction"]) for need in resolved if need["satisfaction"]]
    satisfaction = sum(1 for rating in ratings if rating >= 4) / len(ratings)
    assert satisfaction == pytest.approx(0.989, abs=0.001)
    assert summary.county("梁山县").kpis["satisfaction_rate"] == pytest.approx(satisfaction)
    chain = [
        need
        for need in resolved
        if need["kind"] == NeedKind.COMPLAINT
        and provider_kind.get(need["assigned_to"]) == OrgKind.COUNTY_DEPARTMENT
    ]
    assert len(chain) == 82
    volunteer = [
        need
        for need in resolved
        if provider_kind.get(need["assigned_to"]) in (OrgKind.VOLUNTEER_TEAM, OrgKind.MICRO_ORG)
    ]
    assert len(volunteer) == 4263
    figures = summary.county("梁山县").figures
    assert figures["chain_solved_problems"] == 82
    assert figures["micro_volunteer_services"] == 4263


# -- references ---------------------------------------------------------------


@pytest.mark.parametrize("name", NAMED)
def test_ids_are_unique_across_the_workbook(
    name: str, written: dict[str, tuple[ScenarioSummary, Workbook]]
) -> None:
    _, workbook = written[name]
    ids = [row["id"] for file, rows in workbook.files.items() if file != "posts" for row in rows]
    duplicates = [node_id for node_id, count in Counter(ids).items() if count > 1]
    assert duplicates == []
    assert all(node_id and node_id.isascii() and " " not in node_id for node_id in ids)


@pytest.mark.parametrize("name", NAMED)
def test_places_nest_by_kind(
    name: str, written: dict[str, tuple[ScenarioSummary, Workbook]]
) -> None:
    _, workbook = written[name]
    for place in workbook.files["places"]:
        kind = PlaceKind(place["kind"])
        parent = place["parent_id"]
        if kind in (PlaceKind.CITY, PlaceKind.COUNTY) and not parent:
            continue
        assert workbook.places[parent]["kind"] == PLACE_PARENT[kind], place["id"]
        if kind is PlaceKind.BUILDING:
            grid = workbook.places[place["grid_id"]]
            assert grid["kind"] == PlaceKind.GRID
            assert grid["parent_id"] == workbook.community_of(place["id"]), place["id"]
        else:
            assert place["grid_id"] == ""
        if place["tags"]:
            assert kind is PlaceKind.RESIDENTIAL_AREA
            assert set(place["tags"].split(";")) <= set(PlaceTag)
        if place["households"]:
            assert int(place["households"]) > 0


@pytest.mark.parametrize("name", NAMED)
def test_party_orgs_lead_their_kind_of_place(
    name: str, written: dict[str, tuple[ScenarioSummary, Workbook]]
) -> None:
    summary, workbook = written[name]
    broken = 0
    for org in workbook.files["party_orgs"]:
        level = PartyOrgLevel(org["level"])
        assert workbook.places[org["place_id"]]["kind"] == LEVEL_PLACE[level], org["id"]
        if org["parent_id"]:
            assert org["parent_id"] in workbook.party_orgs, org["id"]
        if level is PartyOrgLevel.COUNTY_COMMITTEE:
            assert org["parent_id"] == ""
        elif _chain_is_broken(workbook, org):
            broken += 1
    assert broken == summary.gaps["G15"]
    led = Counter(org["place_id"] for org in workbook.files["party_orgs"])
    assert max(led.values()) == 1


@pytest.mark.parametrize("name", NAMED)
def test_organizations_reference_the_right_kinds(
    name: str, written: dict[str, tuple[ScenarioSummary, Workbook]]
) -> None:
    _, workbook = written[name]
    top_level = {row["id"] for row in workbook.files["categories"] if not row["parent_id"]}
    county_domains: dict[str, set[str]] = defaultdict(set)
    for org in workbook.files["organizations"]:
        kind = OrgKind(org["kind"])
        assert org["place_id"] in workbook.places, org["id"]
        if kind is OrgKind.PROPERTY_FIRM:
            assert org["red_property"] in ("true", "false")
            for area in org["manages"].split(";"):
                assert workbook.places[area]["kind"] == PlaceKind.RESIDENTIAL_AREA
        else:
            assert org["red_property"] == "" and org["manages"] == ""
        if kind is OrgKind.COUNTY_DEPARTMENT:
            assert workbook.places[org["place_id"]]["kind"] == PlaceKind.COUNTY
            domains = set(org["domains"].split(";"))
            assert domains <= top_level
            county_domains[org["place_id"]] |= domains
        else:
            assert org["domains"] == ""
        if org["fallback_org_id"]:
            assert kind is OrgKind.TWO_NEW_ORG
            fallback = workbook.party_orgs[org["fallback_org_id"]]
            assert fallback["level"] in (
                PartyOrgLevel.COMMUNITY_COMMITTEE,
                PartyOrgLevel.AREA_BRANCH,
            )
            assert workbook.community_of(fallback["place_id"]) == workbook.community_of(
                org["place_id"]
            )
    assert all(domains == top_level for domains in county_domains.values())


@pytest.mark.parametrize("name", NAMED)
def test_people_and_posts_reference_the_right_kinds(
    name: str, written: dict[str, tuple[ScenarioSummary, Workbook]]
) -> None:
    _, workbook = written[name]
    people = {row["id"]: row for row in workbook.files["people"]}
    for person in people.values():
        assert person["party_member"] in ("true", "false")
        assert person["employer_id"] == "" or person["employer_id"] in workbook.orgs
        assert person["phone"] == "" or (
            person["phone"].startswith("1990000") and len(person["phone"]) == 11
        )
    held = set()
    for post in workbook.files["posts"]:
        assert post["person_id"] in people
        rule = POST_TARGETS[Post(post["post"])]
        label, level = workbook.kind_label(post["target_id"])
        assert label in rule.labels, post
        if rule.levels and label is Label.PARTY_ORG:
            assert level in rule.levels, post
        assert date.fromisoformat(post["since"]) <= REFERENCE_DATE
        held.add(post["person_id"])
    assert held == set(people)
    for department in (
        o for o in workbook.files["organizations"] if o["kind"] == OrgKind.COUNTY_DEPARTMENT
    ):
        assert workbook.holders[(Post.SECRETARY, department["id"])], department["id"]


@pytest.mark.parametrize("name", NAMED)
def test_facilities_services_and_projects_reference_the_right_kinds(
    name: str, written: dict[str, tuple[ScenarioSummary, Workbook]]
) -> None:
    _, workbook = written[name]
    for facility in workbook.files["facilities"]:
        FacilityKind(facility["kind"])
        assert facility["place_id"] in workbook.places
    for service in workbook.files["services"]:
        assert service["provider_id"] in workbook.orgs
        assert service["category"] in workbook.categories
        assert int(service["capacity"]) > 0
        assert all(place in workbook.places for place in filter(None, service["covers"].split(";")))
    units_with_projects = set()
    for project in workbook.files["projects"]:
        assert workbook.orgs[project["unit_id"]]["kind"] == OrgKind.STATIONED_UNIT
        assert workbook.places[project["community_id"]]["kind"] == PlaceKind.COMMUNITY
        assert project["category"] in workbook.categories
        assert int(project["capacity"]) > 0
        ProjectStatus(project["status"])
        units_with_projects.add(project["unit_id"])
    per_unit = Counter(project["unit_id"] for project in workbook.files["projects"])
    assert max(per_unit.values()) >= 3


@pytest.mark.parametrize("name", NAMED)
def test_needs_follow_the_matching_rules(
    name: str, written: dict[str, tuple[ScenarioSummary, Workbook]]
) -> None:
    summary, workbook = written[name]
    for need in workbook.files["needs"]:
        NeedKind(need["kind"])
        status = NeedStatus(need["status"])
        assert need["title"]
        assert need["category"] in workbook.categories
        assert need["place_id"] in workbook.places
        assert need["urgency"] in ("1", "2", "3")
        raised = date.fromisoformat(need["raised_on"])
        assert NEEDS_SINCE <= raised <= REFERENCE_DATE
        if status is NeedStatus.OPEN:
            assert need["assigned_to"] == ""
        else:
            assert need["assigned_to"] in workbook.covering(need), need["id"]
        if status is NeedStatus.RESOLVED:
            assert raised <= date.fromisoformat(need["resolved_on"]) <= REFERENCE_DATE
            assert need["satisfaction"] in ("", "1", "2", "3", "4", "5")
        else:
            assert need["resolved_on"] == "" and need["satisfaction"] == ""
    over = [resource for resource in workbook.resources if workbook.remaining(resource) < 0]
    assert len(over) == summary.gaps["G18"]


def test_open_needs_leave_work_for_matching(
    written: dict[str, tuple[ScenarioSummary, Workbook]],
) -> None:
    _, workbook = written["jining"]
    needs = workbook.files["needs"]
    status = Counter(need["status"] for need in needs)
    assert status[NeedStatus.OPEN] >= 0.1 * len(needs)
    assert status[NeedStatus.ASSIGNED] > 0
    open_needs = [need for need in needs if need["status"] == NeedStatus.OPEN]
    matchable = [
        need
        for need in open_needs
        if any(workbook.remaining(r) > 0 for r in workbook.covering(need))
    ]
    assert len(matchable) >= 0.95 * len(open_needs)


# -- determinism and scale ----------------------------------------------------


def _file_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.csv"))}


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    first = write_scenario("liangshan", tmp_path / "first", seed=7)
    second = write_scenario("liangshan", tmp_path / "second", seed=7)
    other = write_scenario("liangshan", tmp_path / "other", seed=8)
    assert _file_bytes(tmp_path / "first") == _file_bytes(tmp_path / "second")
    assert first.gaps == second.gaps
    assert (
        _file_bytes(tmp_path / "first")["needs.csv"] != _file_bytes(tmp_path / "other")["needs.csv"]
    )
    assert other.county("梁山县").figures["micro_orgs"] == 263


def test_files_are_plain_utf8_with_the_canonical_header(
    written: dict[str, tuple[ScenarioSummary, Workbook]],
) -> None:
    summary, workbook = written["wenshang"]
    for file, columns in WORKBOOK_COLUMNS.items():
        raw = (workbook.folder / f"{file}.csv").read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        assert raw.decode("utf-8").splitlines()[0] == ",".join(columns)
        assert summary.rows[file] == len(workbook.files[file])
    assert summary.out_dir == workbook.folder


def test_synthetic_counties_keep_the_proportions(tmp_path: Path) -> None:
    summary = write_scenario("synthetic", tmp_path, counties=2, seed=3)
    workbook = Workbook.read(tmp_path)
    figures = count_figures(workbook)
    assert len(figures) == 2
    cities = [row for row in workbook.files["places"] if row["kind"] == PlaceKind.CITY]
    assert len(cities) == 1
    profiles = {county.name: county.profile for county in summary.counties}
    assert sorted(profiles.values()) == ["liangshan", "wenshang"]
    for county, counts in figures.items():
        seed_name = {"wenshang": "汶上县", "liangshan": "梁山县"}[profiles[county]]
        for figure, value in SEED_EXACT[seed_name].items():
            assert counts[figure] == value, (county, figure)
        for figure, minimum in SEED_AT_LEAST[seed_name].items():
            assert counts[figure] >= minimum, (county, figure)
    open_needs = sum(counts["open_needs"] for counts in figures.values())
    assert open_needs >= 10_000 / 11 * 2
    assert all(summary.gaps[rule] > 0 for rule in RULES)


@pytest.mark.slow
def test_eleven_counties_generate_enough_open_needs() -> None:
    generated = generate_scenario("synthetic", counties=11)
    assert len(generated.summary.counties) == 11
    assert sum(county.figures["open_needs"] for county in generated.summary.counties) >= 10_000


def test_names_and_errors(tmp_path: Path) -> None:
    assert scenario_names() == ("wenshang", "liangshan", "jining", "synthetic")
    assert all(info.zh and info.en for info in SCENARIOS.values())
    with pytest.raises(ConfigurationError, match="unknown scenario"):
        write_scenario("nowhere", tmp_path)
    with pytest.raises(ConfigurationError, match="counties"):
        write_scenario("wenshang", tmp_path, counties=3)
    with pytest.raises(ConfigurationError, match="counties"):
        generate_scenario("synthetic", counties=0)


# -- planted gaps -------------------------------------------------------------


def _chain_is_broken(workbook: Workbook, org: Record) -> bool:
    parent = workbook.party_orgs.get(org["parent_id"])
    if parent is None:
        return True
    if parent["level"] != LEVEL_PARENT[PartyOrgLevel(org["level"])]:
        return True
    return parent["place_id"] not in workbook.ancestry(org["place_id"])


def _sole_holder_findings(workbook: Workbook, *, per_post: bool) -> set[str]:
    sole_targets: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (post, target), people in workbook.holders.items():
        if len(people) == 1:
            (person,) = people
            sole_targets[(person, post if per_post else "")].add(target)
    return {
        person
        for (person, _), targets in sole_targets.items()
        if len(targets) >= SINGLE_POINT_MIN_PLACES
    }


def count_gaps(workbook: Workbook) -> dict[str, Counter[str]]:
    """Findings per county and audit rule, counted with plain logic from the CSVs."""
    gaps: dict[str, Counter[str]] = defaultdict(Counter)

    def find(rule: str, nodes: Iterable[str]) -> None:
        for node in nodes:
            gaps[workbook.county_of(node)][rule] += 1

    places = workbook.places
    areas = workbook.places_of_kind(PlaceKind.RESIDENTIAL_AREA)
    led = {(org["level"], org["place_id"]) for org in workbook.files["party_orgs"]}
    held = {(post["post"], post["target_id"]) for post in workbook.files["posts"]}
    orgs = workbook.files["organizations"]
    committees = {org["place_id"] for org in orgs if org["kind"] == OrgKind.OWNERS_COMMITTEE}
    managers: dict[str, list[bool]] = defaultdict(list)
    for org in orgs:
        if org["kind"] == OrgKind.PROPERTY_FIRM:
            for area in org["manages"].split(";"):
                managers[area].append(org["red_property"] == "true")

    def without(post: Post, kind: PlaceKind) -> list[str]:
        return [place for place in workbook.places_of_kind(kind) if (post, place) not in held]

    find("G01", (a for a in areas if (PartyOrgLevel.AREA_BRANCH, a) not in led))
    find("G02", (o for o in workbook.party_orgs if (Post.SECRETARY, o) not in held))
    find("G03", without(Post.GRID_WORKER, PlaceKind.GRID))
    find("G04", without(Post.GRID_HEAD, PlaceKind.GRID))
    find("G05", without(Post.BUILDING_HEAD, PlaceKind.BUILDING))
    find("G06", without(Post.UNIT_HEAD, PlaceKind.UNIT))
    find("G07", without(Post.FIRST_SECRETARY, PlaceKind.COMMUNITY))
    find("G08", without(Post.WEEKEND_SECRETARY, PlaceKind.COMMUNITY))
    find(
        "G09",
        (
            a
            for a in areas
            if (PartyOrgLevel.AREA_BRANCH, a) not in led or a not in committees or a not in managers
        ),
    )
    find("G10", (a for a in areas if managers.get(a) and not any(managers[a])))
    running = {project["unit_id"] for project in workbook.files["projects"]}
    find(
        "G11",
        (o["id"] for o in orgs if o["kind"] == OrgKind.STATIONED_UNIT and o["id"] not in running),
    )

    open_needs = [need for need in workbook.files["needs"] if need["status"] == NeedStatus.OPEN]
    deserts = {
        (workbook.community_of(need["place_id"]), need["category"])
        for need in open_needs
        if not workbook.covering(need)
    }
    find("G12", (community for community, _ in deserts))
    find(
        "G13",
        (
            need["place_id"]
            for need in open_needs
            if not any(workbook.remaining(resource) > 0 for resource in workbook.covering(need))
        ),
    )
    find(
        "G14",
        (
            need["place_id"]
            for need in workbook.files["needs"]
            if need["status"] != NeedStatus.RESOLVED
            and (REFERENCE_DATE - date.fromisoformat(need["raised_on"])).days > SLA_DAYS
        ),
    )
    find(
        "G15",
        (
            o["id"]
            for o in workbook.files["party_orgs"]
            if o["level"] != PartyOrgLevel.COUNTY_COMMITTEE and _chain_is_broken(workbook, o)
        ),
    )
    find(
        "G16",
        (o["id"] for o in orgs if o["kind"] == OrgKind.TWO_NEW_ORG and not o["fallback_org_id"]),
    )
    stations: dict[str, set[str]] = defaultdict(set)
    for facility in workbook.files["facilities"]:
        place = facility["place_id"]
        area = place if places[place]["kind"] != PlaceKind.BUILDING else places[place]["parent_id"]
        stations[area].add(facility["kind"])
    station_kinds = {FacilityKind.RED_SAIL_STATION, FacilityKind.DELIBERATION_POINT}
    find("G17", (a for a in areas if not stations[a] & station_kinds))
    find("G18", (r for r in workbook.resources if workbook.remaining(r) < 0))
    for person in _sole_holder_findings(workbook, per_post=True):
        target = next(
            post["target_id"] for post in workbook.files["posts"] if post["person_id"] == person
        )
        gaps[workbook.county_of(target)]["G19"] += 1
    due_by = REFERENCE_DATE + timedelta(days=TERM_WARN_DAYS)
    term_posts = {Post.SECRETARY, Post.PART_TIME_MEMBER, Post.FIRST_SECRETARY}
    find(
        "G20",
        (
            post["target_id"]
            for post in workbook.files["posts"]
            if post["post"] in term_posts and _term_end(post["since"]) <= due_by
        ),
    )
    return gaps


def _term_end(since: str) -> date:
    """The end of a term taken on ``since`` (28 February for one from 29 February)."""
    taken = date.fromisoformat(since)
    years_later = taken.year + TERM_YEARS
    if (taken.month, taken.day) == (2, 29):
        return date(years_later, 2, 28)
    return taken.replace(year=years_later)


@pytest.mark.parametrize("name", NAMED)
def test_planted_gaps_are_what_the_audit_should_find(
    name: str, written: dict[str, tuple[ScenarioSummary, Workbook]]
) -> None:
    summary, workbook = written[name]
    gaps = count_gaps(workbook)
    for county in summary.counties:
        counted = {rule: gaps[county.name][rule] for rule in RULES}
        assert counted == {rule: county.gaps.get(rule, 0) for rule in RULES}, county.name
        for rule in RULES:
            if rule in RULED_OUT[county.name]:
                assert counted[rule] == 0, (county.name, rule)
            else:
                assert counted[rule] > 0, (county.name, rule)
    total = Counter[str]()
    for county in summary.counties:
        total.update(county.gaps)
    assert {rule: summary.gaps.get(rule, 0) for rule in RULES} == {
        rule: total[rule] for rule in RULES
    }


def test_gap_counts_do_not_hang_on_rule_readings(
    written: dict[str, tuple[ScenarioSummary, Workbook]],
) -> None:
    """Where DESIGN.md can be read two ways, both readings find the same nodes."""
    _, workbook = written["jining"]
    assert _sole_holder_findings(workbook, per_post=True) == _sole_holder_findings(
        workbook, per_post=False
    )
    needs = workbook.files["needs"]
    ages = [
        (REFERENCE_DATE - date.fromisoformat(need["raised_on"])).days
        for need in needs
        if need["status"] != NeedStatus.RESOLVED
    ]
    assert not any(SLA_DAYS - 1 <= age <= SLA_DAYS + 1 for age in ages)
    kinds_by_area: dict[str, set[str]] = defaultdict(set)
    for facility in workbook.files["facilities"]:
        place = workbook.places[facility["place_id"]]
        area = place["id"] if place["kind"] != PlaceKind.BUILDING else place["parent_id"]
        kinds_by_area[area].add(facility["kind"])
    station_kinds = {FacilityKind.RED_SAIL_STATION.value, FacilityKind.DELIBERATION_POINT.value}
    for area in workbook.places_of_kind(PlaceKind.RESIDENTIAL_AREA):
        assert len(kinds_by_area[area] & station_kinds) in (0, 2), area
    assert _unmatched(workbook, active_projects_only=True) == _unmatched(
        workbook, active_projects_only=False
    )


def _unmatched(workbook: Workbook, *, active_projects_only: bool) -> list[str]:
    """Open needs with no candidate; optionally counting only active projects."""

    def usable(resource_id: str) -> bool:
        status = workbook.resources[resource_id].get("status", ProjectStatus.ACTIVE)
        if active_projects_only and status != ProjectStatus.ACTIVE:
            return False
        return workbook.remaining(resource_id) > 0

    return [
        need["id"]
        for need in workbook.files["needs"]
        if need["status"] == NeedStatus.OPEN and not any(map(usable, workbook.covering(need)))
    ]
