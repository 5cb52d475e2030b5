"""The escalation route of a need (逐级呼叫、分级回应): the five organizations a
need is called up through, each with the secretary who answers for it.

area branch (小区党支部) → community committee (社区党委) → street working
committee (街道党工委) → the county department responsible for the need's
category (街呼县应) → county committee (县委). Each level is found by the place
hierarchy: the party organization that ``LEADS`` the residential area, the
community, the street, the county of the need's ancestry; the department is a
``CountyDepartment`` ``BASED_IN`` a place of that ancestry (normally the
county) whose ``domains`` hold the need's category or one of its ``BROADER``
ancestors (departments list top-level categories, needs carry narrower ones),
the nearest domain first, then by id. Each level's secretary is the person who
``HOLDS {post: secretary}`` there. A missing link is reported in place, never
skipped: no residential area above the need (raised at a community or a grid),
no organization leading the place, no secretary, no department for the
category. Where an organization's ``REPORTS_TO`` parent is not the one the place
hierarchy gives, the step says so (the chain is broken there, audit G15).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

from graph.connection import Graph
from graph.errors import NotFoundError
from graph.schema import ZH, OrgKind, PartyOrgLevel, PlaceKind
from queries.catalog import run


class RouteLevel(StrEnum):
    """The five levels of the route, bottom up."""

    AREA_BRANCH = PartyOrgLevel.AREA_BRANCH.value
    COMMUNITY_COMMITTEE = PartyOrgLevel.COMMUNITY_COMMITTEE.value
    STREET_WORKING_COMMITTEE = PartyOrgLevel.STREET_WORKING_COMMITTEE.value
    COUNTY_DEPARTMENT = OrgKind.COUNTY_DEPARTMENT.value
    COUNTY_COMMITTEE = PartyOrgLevel.COUNTY_COMMITTEE.value


LEVEL_ZH: dict[RouteLevel, str] = {level: ZH[level.value] for level in RouteLevel}
"""Each level in Chinese (小区党支部, 社区党委, 街道党工委, 县直部门, 县委)."""

LEVEL_EN: dict[RouteLevel, str] = {
    RouteLevel.AREA_BRANCH: "area branch",
    RouteLevel.COMMUNITY_COMMITTEE: "community committee",
    RouteLevel.STREET_WORKING_COMMITTEE: "street working committee",
    RouteLevel.COUNTY_DEPARTMENT: "county department",
    RouteLevel.COUNTY_COMMITTEE: "county committee",
}

_PARTY_LEVELS: dict[RouteLevel, tuple[PartyOrgLevel, PlaceKind]] = {
    RouteLevel.AREA_BRANCH: (PartyOrgLevel.AREA_BRANCH, PlaceKind.RESIDENTIAL_AREA),
    RouteLevel.COMMUNITY_COMMITTEE: (PartyOrgLevel.COMMUNITY_COMMITTEE, PlaceKind.COMMUNITY),
    RouteLevel.STREET_WORKING_COMMITTEE: (
        PartyOrgLevel.STREET_WORKING_COMMITTEE,
        PlaceKind.STREET,
    ),
    RouteLevel.COUNTY_COMMITTEE: (PartyOrgLevel.COUNTY_COMMITTEE, PlaceKind.COUNTY),
}


class Missing(StrEnum):
    """What a step of the route lacks."""

    PLACE = "no_place"
    """No place of the level's kind in the need's ancestry (raised at a community
    or a grid: no residential area, so no area branch)."""
    ORG = "no_org"
    """No party organization of the level leads the place (no branch, …)."""
    SECRETARY = "no_secretary"
    """The organization has no secretary."""
    DEPARTMENT = "no_department"
    """No county department's domains hold the need's category."""


@dataclass(frozen=True)
class RouteStep:
    """One level of the route.

    Attributes:
        level: the level.
        org_id: the organization answering at this level, if any.
        org_name: its name.
        secretary_id: its secretary, if any.
        secretary_name: the secretary's name.
        missing: what is missing here, if anything.
        place_id: the place this level answers for (the department's: none).
        place_name: its name.
        place_kind: its kind.
        notes_zh: remarks in Chinese (a REPORTS_TO chain that disagrees,
            several organizations or secretaries where one is expected).
        notes_en: the same in English.
        domain: for the department: the domain that matched the need's category.
        alternatives: for the department: other departments that also answer
            for the category.
    """

    level: RouteLevel
    org_id: str | None = None
    org_name: str | None = None
    secretary_id: str | None = None
    secretary_name: str | None = None
    missing: Missing | None = None
    place_id: str | None = None
    place_name: str | None = None
    place_kind: str | None = None
    notes_zh: tuple[str, ...] = ()
    notes_en: tuple[str, ...] = ()
    domain: str | None = None
    alternatives: tuple[str, ...] = ()

    @property
    def missing_zh(self) -> str | None:
        """What is missing, in Chinese."""
        level = LEVEL_ZH[self.level]
        match self.missing:
            case None:
                return None
            case Missing.PLACE:
                kind = ZH.get(_PARTY_LEVELS[self.level][1], "")
                return f"需求不在任何{kind}内，无{level}"
            case Missing.ORG:
                return f"{self.place_name or ''}未建{level}"
            case Missing.SECRETARY:
                return f"{self.org_name or level}无书记"
            case Missing.DEPARTMENT:
                return "无县直部门负责该需求类别"

    @property
    def missing_en(self) -> str | None:
        """What is missing, in English."""
        level = LEVEL_EN[self.level]
        match self.missing:
            case None:
                return None
            case Missing.PLACE:
                kind = _PARTY_LEVELS[self.level][1].value.replace("_", " ")
                return f"the need lies in no {kind}: no {level}"
            case Missing.ORG:
                return f"no {level} leads {self.place_name or 'the place'}"
            case Missing.SECRETARY:
                return f"{self.org_name or level} has no secretary"
            case Missing.DEPARTMENT:
                return "no county department answers for the need's category"

    def to_json(self) -> dict[str, Any]:
        """DESIGN's ``route`` step, plus the level in Chinese, the place and notes."""
        return {
            "level": self.level.value,
            "level_zh": LEVEL_ZH[self.level],
            "org_id": self.org_id,
            "org_name": self.org_name,
            "secretary_id": self.secretary_id,
            "secretary_name": self.secretary_name,
            "missing": self.missing.value if self.missing else None,
            "missing_zh": self.missing_zh,
            "missing_en": self.missing_en,
            "place_id": self.place_id,
            "place_name": self.place_name,
            "notes_zh": list(self.notes_zh),
            "notes_en": list(self.notes_en),
            "domain": self.domain,
            "alternatives": list(self.alternatives),
        }


@dataclass(frozen=True)
class Route:
    """A need's route.

    Attributes:
        need_id: the need.
        need_name: its title.
        status: its status.
        category_id: its category.
        category_zh: the category's Chinese name.
        category_en: the category's English name.
        steps: the five steps, bottom up.
    """

    need_id: str
    need_name: str
    status: str | None
    category_id: str | None
    category_zh: str | None
    category_en: str | None
    steps: tuple[RouteStep, ...] = field(default_factory=tuple)

    @property
    def complete(self) -> bool:
        """Whether every step has its organization and secretary."""
        return all(step.missing is None for step in self.steps)

    def to_json(self) -> dict[str, Any]:
        """DESIGN's ``route`` JSON shape, plus the need's context."""
        return {
            "need_id": self.need_id,
            "steps": [step.to_json() for step in self.steps],
            "need_name": self.need_name,
            "need_status": self.status,
            "category_id": self.category_id,
            "category_zh": self.category_zh,
            "category_en": self.category_en,
            "complete": self.complete,
        }


def route(graph: Graph, need_id: str, as_of: date | None = None) -> Route:
    """The escalation route of one need (``civicgraph route``).

    Args:
        graph: the connection.
        need_id: the need's id.
        as_of: the day the route is asked for (today when ``None``): the
            organizations existing then, their secretaries of that day.

    Raises:
        NotFoundError: no need has that id.
    """
    rows = run(graph, "route_need", {"need_id": need_id, "as_of": as_of})
    if not rows:
        raise NotFoundError(need_id, "need")
    return route_from_row(rows[0])


def route_from_row(row: Mapping[str, Any]) -> Route:
    """Build the five steps from the ``route_need`` row."""
    ancestry: Sequence[Mapping[str, Any]] = row["ancestry"]
    place: Mapping[str, Any] | None
    category_ids: Sequence[str] = row["category_ids"]
    by_kind: dict[str, Mapping[str, Any]] = {}
    for place in ancestry:
        by_kind.setdefault(place["kind"], place)

    party_steps: dict[RouteLevel, RouteStep] = {}
    chosen: dict[RouteLevel, str | None] = {}
    for level, (org_level, place_kind) in _PARTY_LEVELS.items():
        place = by_kind.get(place_kind.value)
        if place is None:
            party_steps[level] = RouteStep(level, missing=Missing.PLACE)
            chosen[level] = None
            continue
        orgs = [org for org in place["orgs"] if org["level"] == org_level.value]
        step = _party_step(level, place, orgs)
        party_steps[level] = step
        chosen[level] = step.org_id

    parents = {
        RouteLevel.AREA_BRANCH: RouteLevel.COMMUNITY_COMMITTEE,
        RouteLevel.COMMUNITY_COMMITTEE: RouteLevel.STREET_WORKING_COMMITTEE,
        RouteLevel.STREET_WORKING_COMMITTEE: RouteLevel.COUNTY_COMMITTEE,
    }
    for level, parent_level in parents.items():
        step = party_steps[level]
        expected = chosen[parent_level]
        if step.org_id is None or expected is None:
            continue
        org = _org_of(ancestry, step.org_id)
        reports_to = list(org["reports_to"]) if org else []
        if expected not in reports_to:
            actual = "、".join(reports_to) if reports_to else "无"
            actual_en = ", ".join(reports_to) if reports_to else "nothing"
            party_steps[level] = _with_note(
                step,
                f"隶属关系（REPORTS_TO）指向{actual}，而非上级{LEVEL_ZH[parent_level]}{expected}",
                f"REPORTS_TO {actual_en}, not the {LEVEL_EN[parent_level]} {expected} "
                "the place hierarchy gives",
            )

    department = _department_step(row["departments"], category_ids)
    return Route(
        need_id=row["need_id"],
        need_name=row["need_name"] or row["need_id"],
        status=row["status"],
        category_id=row["category_id"],
        category_zh=row["category_zh"],
        category_en=row["category_en"],
        steps=(
            party_steps[RouteLevel.AREA_BRANCH],
            party_steps[RouteLevel.COMMUNITY_COMMITTEE],
            party_steps[RouteLevel.STREET_WORKING_COMMITTEE],
            department,
            party_steps[RouteLevel.COUNTY_COMMITTEE],
        ),
    )


def _party_step(
    level: RouteLevel, place: Mapping[str, Any], orgs: Sequence[Mapping[str, Any]]
) -> RouteStep:
    located = {
        "place_id": place["place_id"],
        "place_name": place["place_name"],
        "place_kind": place["kind"],
    }
    if not orgs:
        return RouteStep(level, missing=Missing.ORG, **located)
    org = orgs[0]
    notes_zh: list[str] = []
    notes_en: list[str] = []
    if len(orgs) > 1:
        others = [other["org_id"] for other in orgs[1:]]
        notes_zh.append(f"另有{len(others)}个{LEVEL_ZH[level]}领导该地：{'、'.join(others)}")
        notes_en.append(
            f"{len(others)} more {LEVEL_EN[level]}(s) lead the place: {', '.join(others)}"
        )
    return _with_secretary(
        RouteStep(
            level,
            org_id=org["org_id"],
            org_name=org["org_name"],
            notes_zh=tuple(notes_zh),
            notes_en=tuple(notes_en),
            **located,
        ),
        org["secretaries"],
    )


def _department_step(
    departments: Sequence[Mapping[str, Any]], category_ids: Sequence[str]
) -> RouteStep:
    level = RouteLevel.COUNTY_DEPARTMENT
    if not departments:
        return RouteStep(level, missing=Missing.DEPARTMENT)

    def nearest_domain(department: Mapping[str, Any]) -> int:
        domains = set(department["domains"] or ())
        return min(index for index, category in enumerate(category_ids) if category in domains)

    ranked = sorted(departments, key=lambda d: (nearest_domain(d), d["org_id"]))
    chosen = ranked[0]
    return _with_secretary(
        RouteStep(
            level,
            org_id=chosen["org_id"],
            org_name=chosen["org_name"],
            domain=category_ids[nearest_domain(chosen)],
            alternatives=tuple(d["org_id"] for d in ranked[1:]),
        ),
        chosen["secretaries"],
    )


def _with_secretary(step: RouteStep, secretaries: Sequence[Mapping[str, Any]]) -> RouteStep:
    if not secretaries:
        return _replace(step, missing=Missing.SECRETARY)
    first = secretaries[0]
    updated = _replace(step, secretary_id=first["id"], secretary_name=first["name"])
    if len(secretaries) > 1:
        others = [s["id"] for s in secretaries[1:]]
        updated = _with_note(
            updated,
            f"另有书记：{'、'.join(others)}",
            f"more secretaries: {', '.join(others)}",
        )
    return updated


def _with_note(step: RouteStep, zh: str, en: str) -> RouteStep:
    return _replace(step, notes_zh=(*step.notes_zh, zh), notes_en=(*step.notes_en, en))


def _replace(step: RouteStep, **changes: Any) -> RouteStep:
    return replace(step, **changes)


def _org_of(ancestry: Sequence[Mapping[str, Any]], org_id: str) -> Mapping[str, Any] | None:
    for place in ancestry:
        for org in place["orgs"]:
            if org["org_id"] == org_id:
                return dict(org)
    return None
