"""Candidate resources for a resident need (候选资源): which services and
co-building projects cover the need's place, in its category, with room left,
ranked the way a planner would take them.

The semantics are DESIGN.md's ("Matching (exact semantics)"). The need's
**ancestry** is its place, then the ``PART_OF`` parents up to and including the
first county (at most seven steps). A resource **covers** the need when a place
of the ancestry is in its coverage: a service's ``COVERS`` places, or its
provider's own place (``BASED_IN``; ``LEADS`` for a party organization) when it
lists none; a project's ``SERVES`` community, while the project is active
(status ``active`` or unset: a planned project has not started and a completed
one has ended, so neither takes needs). **distance** is how many steps up the
ancestry the nearest covered place is. The **category match** is ``exact`` when
the resource's category is the need's, ``broader`` when it is a ``BROADER``
ancestor of it. **remaining** is capacity minus the needs ``ASSIGNED_TO`` the
resource with status ``assigned``. A **candidate** is a covering, matching
resource with remaining > 0; candidates are ranked by distance, exact before
broader, remaining (more first), then id.

One catalog query (``match_candidates``) fetches, for any list of needs, their
ancestries and matching categories and every resource that covers a place of
them; this module keeps the category matches and ranks them. The same code
serves one need (``civicgraph candidates``) and all open needs at once (the
assignment of :mod:`queries.assignment`), so the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

import neo4j

from graph.connection import Graph, Record, to_date
from graph.errors import NotFoundError
from graph.schema import ZH, Label, NeedStatus, ProjectStatus
from queries.catalog import Ask, Merge, Steps, answer, run, run_in
from queries.nodes import visible_nodes_steps


class CategoryMatch(StrEnum):
    """How a resource's category matches a need's."""

    EXACT = "exact"
    BROADER = "broader"


class ResourceKind(StrEnum):
    """What kind of resource takes needs."""

    SERVICE = "service"
    PROJECT = "project"


RESOURCE_KIND_ZH: dict[ResourceKind, str] = {
    ResourceKind.SERVICE: "服务",
    ResourceKind.PROJECT: "共建项目",
}
"""Each kind of resource in Chinese."""


@dataclass(frozen=True)
class Resource:
    """A service or a co-building project, with its load.

    Attributes:
        resource_id: its id.
        kind: service or project.
        name: its name.
        provider_id: the organization (or party organization) that OFFERS or RUNS it.
        provider_name: that provider's name.
        category_id: the category it is IN.
        category_zh: that category's Chinese name.
        category_en: that category's English name.
        capacity: how many assigned needs it can carry.
        assigned: needs ASSIGNED_TO it with status ``assigned``.
        status: a project's status (``None`` for services and unset).
    """

    resource_id: str
    kind: ResourceKind
    name: str
    provider_id: str | None
    provider_name: str | None
    category_id: str | None
    category_zh: str | None
    category_en: str | None
    capacity: int
    assigned: int
    status: str | None = None

    @property
    def takes_needs(self) -> bool:
        """Whether it can be given needs at all: every service; a project
        while it is active (status ``active`` or unset)."""
        return self.kind is ResourceKind.SERVICE or self.status in (None, ProjectStatus.ACTIVE)

    @property
    def remaining(self) -> int:
        """Capacity left: capacity minus assigned needs (negative when over)."""
        return self.capacity - self.assigned


@dataclass(frozen=True)
class NeedContext:
    """What matching needs to know of a need.

    Attributes:
        need_id: its id.
        name: its title.
        status: open, assigned or resolved.
        kind: micro_wish, complaint or service_request.
        urgency: 1 to 3 (0 when unrecorded).
        raised_on: the day it was raised.
        category_id: its category (``None`` when it has none).
        category_zh: that category's Chinese name.
        category_en: that category's English name.
        matching_category_ids: its category, then each BROADER ancestor, nearest first.
        ancestry: place ids from its own place up to its county; the index is the distance.
        place_name: the name of the place it was raised in.
        community_id: the community of its ancestry, if any.
        community_name: that community's name.
        assigned_to: the resource it is assigned to, if any.
    """

    need_id: str
    name: str
    status: str
    kind: str | None
    urgency: int
    raised_on: date | None
    category_id: str | None
    category_zh: str | None
    category_en: str | None
    matching_category_ids: tuple[str, ...]
    ancestry: tuple[str, ...]
    place_name: str | None
    community_id: str | None
    community_name: str | None
    assigned_to: str | None

    @property
    def place_id(self) -> str | None:
        """The place it was raised in."""
        return self.ancestry[0] if self.ancestry else None

    @property
    def is_open(self) -> bool:
        """Whether it still waits for a resource."""
        return self.status == NeedStatus.OPEN


@dataclass(frozen=True)
class Candidate:
    """A resource that covers a need in its category (full or not).

    Attributes:
        resource: the resource and its load.
        category_match: exact or broader.
        distance: steps up from the need's place to the nearest covered place.
        covered_place_id: that place.
        covered_place_name: its name.
    """

    resource: Resource
    category_match: CategoryMatch
    distance: int
    covered_place_id: str
    covered_place_name: str

    @property
    def remaining(self) -> int:
        """The resource's capacity left."""
        return self.resource.remaining

    @property
    def is_exact(self) -> bool:
        """Whether the categories are the same."""
        return self.category_match is CategoryMatch.EXACT

    @property
    def reason_zh(self) -> str:
        """The one-line reason in Chinese: 覆盖春晖社区，上一级；类别完全匹配；尚余2个名额."""
        if self.is_exact:
            match = "类别完全匹配"
        else:
            match = f"上位类别匹配（{self.resource.category_zh or self.resource.category_id}）"
        left = f"尚余{self.remaining}个名额" if self.remaining > 0 else "名额已满"
        return f"覆盖{self.covered_place_name}，{_steps_zh(self.distance)}；{match}；{left}"

    @property
    def reason_en(self) -> str:
        """The one-line reason in English: covers 春晖社区, one step up; exact category; …"""
        if self.is_exact:
            match = "exact category"
        else:
            match = f"broader category ({self.resource.category_en or self.resource.category_id})"
        if self.remaining <= 0:
            left = "full"
        else:
            left = f"{self.remaining} place{'s' if self.remaining != 1 else ''} left"
        return f"covers {self.covered_place_name}, {_steps_en(self.distance)}; {match}; {left}"

    @property
    def reason(self) -> str:
        """Both reasons on one line."""
        return f"{self.reason_zh} / {self.reason_en}"

    def to_json(self) -> dict[str, Any]:
        """The candidate as DESIGN's ``candidates`` JSON entry, plus names and reasons."""
        resource = self.resource
        return {
            "resource_id": resource.resource_id,
            "resource_kind": resource.kind.value,
            "resource_kind_zh": RESOURCE_KIND_ZH[resource.kind],
            "provider_id": resource.provider_id,
            "category_match": self.category_match.value,
            "distance": self.distance,
            "remaining": self.remaining,
            "reason": self.reason,
            "reason_zh": self.reason_zh,
            "reason_en": self.reason_en,
            "resource_name": resource.name,
            "provider_name": resource.provider_name,
            "category_id": resource.category_id,
            "capacity": resource.capacity,
            "covered_place_id": self.covered_place_id,
            "covered_place_name": self.covered_place_name,
        }


def rank_key(candidate: Candidate, remaining: int | None = None) -> tuple[int, int, int, str]:
    """The ranking: distance, exact before broader, remaining (more first), id.

    Args:
        candidate: the candidate.
        remaining: the capacity left to rank by, when it differs from the
            resource's recorded load (the greedy baseline assigns as it goes).
    """
    left = candidate.remaining if remaining is None else remaining
    return (
        candidate.distance,
        0 if candidate.is_exact else 1,
        -left,
        candidate.resource.resource_id,
    )


@dataclass(frozen=True)
class NeedCandidates:
    """One need with the resources that cover it.

    Attributes:
        need: the need.
        candidates: covering, category-matching resources with room left, ranked.
        full: those that cover and match but have no room left, ranked.
        inactive: planned or completed projects that would cover and match, ranked.
    """

    need: NeedContext
    candidates: tuple[Candidate, ...]
    full: tuple[Candidate, ...] = ()
    inactive: tuple[Candidate, ...] = ()

    @property
    def note_zh(self) -> str | None:
        """Why the list is only for reference (the need is not open), in Chinese."""
        need = self.need
        if need.is_open:
            return None
        status = ZH.get(need.status, need.status)
        where = f"（{need.assigned_to}）" if need.assigned_to else ""
        return f"该需求状态为“{status}”{where}，不再等待派单；以下候选仅供参考"

    @property
    def note_en(self) -> str | None:
        """Why the list is only for reference (the need is not open), in English."""
        need = self.need
        if need.is_open:
            return None
        where = f" (to {need.assigned_to})" if need.assigned_to else ""
        return f"the need is {need.status}{where}, not waiting; candidates for reference only"

    def to_json(self) -> dict[str, Any]:
        """DESIGN's ``candidates`` JSON shape, plus the need's context."""
        need = self.need
        return {
            "need_id": need.need_id,
            "candidates": [candidate.to_json() for candidate in self.candidates],
            "need_name": need.name,
            "need_status": need.status,
            "need_kind": need.kind,
            "urgency": need.urgency,
            "category_id": need.category_id,
            "category_zh": need.category_zh,
            "category_en": need.category_en,
            "place_id": need.place_id,
            "place_name": need.place_name,
            "assigned_to": need.assigned_to,
            "note_zh": self.note_zh,
            "note_en": self.note_en,
            "full": [candidate.to_json() for candidate in self.full],
            "inactive_projects": [
                {**candidate.to_json(), "status": candidate.resource.status}
                for candidate in self.inactive
            ],
        }


@dataclass
class Coverage:
    """Needs with every resource that covers them in their category.

    Attributes:
        needs: the needs, in the order asked for.
        resources: every resource that covers at least one of them, by id.
        covering: need id → the resources that cover it in a matching
            category and take needs (any load), unranked.
        dormant: need id → the projects that would cover it but do not take
            needs (planned or completed).
    """

    needs: list[NeedContext] = field(default_factory=list)
    resources: dict[str, Resource] = field(default_factory=dict)
    covering: dict[str, list[Candidate]] = field(default_factory=dict)
    dormant: dict[str, list[Candidate]] = field(default_factory=dict)

    def of(self, need_id: str) -> NeedCandidates:
        """One need's ranked candidates and full resources."""
        need = next(need for need in self.needs if need.need_id == need_id)
        ranked = sorted(self.covering.get(need_id, ()), key=rank_key)
        return NeedCandidates(
            need=need,
            candidates=tuple(c for c in ranked if c.remaining > 0),
            full=tuple(c for c in ranked if c.remaining <= 0),
            inactive=tuple(sorted(self.dormant.get(need_id, ()), key=rank_key)),
        )


def read_coverage(
    tx: neo4j.ManagedTransaction, need_ids: Sequence[str], *, details: bool = True
) -> Coverage:
    """The coverage of some needs, read in the caller's transaction (one query).

    Args:
        tx: a read (or write) transaction.
        need_ids: the needs; ids that name no need are left out.
        details: also read the needs' names, status, kind, place and community
            (what a person reads); without them, only what the assignment
            needs travels, which matters for ten thousand needs at once.
    """
    rows = run_in(tx, "match_candidates", {"need_ids": list(need_ids), "details": details})
    return coverage_from_row(rows[0] if rows else None)


def coverage_from_row(row: Record | None) -> Coverage:
    """Turn the ``match_candidates`` row into needs, resources and their matches."""
    coverage = Coverage()
    if row is None:
        return coverage
    coverage.resources = {entry["resource_id"]: _resource(entry) for entry in row["resources"]}
    # place → (name, category → resources), so that a need looks up only its
    # own categories at each place of its ancestry.
    covering_by_place: dict[str, _PlaceCoverage] = {}
    for entry in row["places"]:
        by_category: dict[str | None, list[Resource]] = {}
        for resource_id in entry["resource_ids"]:
            resource = coverage.resources.get(resource_id)
            if resource is not None:
                by_category.setdefault(resource.category_id, []).append(resource)
        covering_by_place[entry["place_id"]] = (entry["place_name"], by_category)
    for entry in row["needs"]:
        need = _need(entry)
        coverage.needs.append(need)
        matches = list(_matches(need, covering_by_place))
        coverage.covering[need.need_id] = [c for c in matches if c.resource.takes_needs]
        coverage.dormant[need.need_id] = [c for c in matches if not c.resource.takes_needs]
    return coverage


def coverage_rows_by_need(rows: list[Record]) -> dict[Hashable, list[Record]]:
    """The ``match_candidates`` row of several needs as one row per need:
    the need, the covered places of its ancestry and the resources covering
    them (a :class:`~queries.catalog.Merge` split).

    A need's row may list resources of other needs' categories at its
    places; its candidates are the same, since a need looks up only its own
    categories.
    """
    if not rows:
        return {}
    places = {entry["place_id"]: entry for entry in rows[0]["places"]}
    resources = {entry["resource_id"]: entry for entry in rows[0]["resources"]}
    by_need: dict[Hashable, list[Record]] = {}
    for need in rows[0]["needs"]:
        own_places = [places[place_id] for place_id in need["ancestry"] if place_id in places]
        own_resources = {
            resource_id: resources[resource_id]
            for place in own_places
            for resource_id in place["resource_ids"]
            if resource_id in resources
        }
        by_need[need["need_id"]] = [
            {"needs": [need], "places": own_places, "resources": list(own_resources.values())}
        ]
    return by_need


_PlaceCoverage = tuple[str | None, dict[str | None, list[Resource]]]
"""A covered place's name, and the resources covering it by category."""


def _matches(
    need: NeedContext, covering_by_place: Mapping[str, _PlaceCoverage]
) -> Iterable[Candidate]:
    """The need's covering resources in a matching category, each at its
    nearest covered place (the ancestry is walked upwards, so the first place
    a resource is met at is the nearest)."""
    if need.category_id is None:
        return
    seen: set[str] = set()
    for distance, place_id in enumerate(need.ancestry):
        covered = covering_by_place.get(place_id)
        if covered is None:
            continue
        place_name, by_category = covered
        for category_id in need.matching_category_ids:
            for resource in by_category.get(category_id, ()):
                if resource.resource_id in seen:
                    continue
                seen.add(resource.resource_id)
                exact = category_id == need.category_id
                yield Candidate(
                    resource=resource,
                    category_match=CategoryMatch.EXACT if exact else CategoryMatch.BROADER,
                    distance=distance,
                    covered_place_id=place_id,
                    covered_place_name=place_name or place_id,
                )


def candidates(
    graph: Graph, need_id: str, scope_id: str | None = None, as_of: date | None = None
) -> NeedCandidates:
    """The ranked candidates of one need (``civicgraph candidates``):
    :func:`candidates_steps` on ``graph``."""
    return answer(graph, candidates_steps(need_id, scope_id, as_of))


def candidates_steps(
    need_id: str, scope_id: str | None = None, as_of: date | None = None
) -> Steps[NeedCandidates]:
    """The ranked candidates of one need.

    A need that is not open still gets its list, with a note saying it is for
    reference only (``note_zh``/``note_en``); the resource it is assigned to
    counts that need in its load like any other.

    Args:
        need_id: the need's id.
        scope_id: the caller's street or community (``None``: no scope); a
            need outside it is treated as one that does not exist.
        as_of: the day asked for (today when ``None``): a resource whose
            provider does not exist that day covers nothing.

    Raises:
        NotFoundError: no need has that id, or it lies outside the scope.
    """
    if scope_id is not None:
        visible = yield from visible_nodes_steps([need_id], scope_id)
        if Label.NEED.value not in visible.get(need_id, []):
            raise NotFoundError(need_id, "need")
    rows = yield Ask(
        "match_candidates",
        {"need_ids": [need_id], "details": True, "as_of": as_of},
        merge=Merge("need_ids", coverage_rows_by_need),
    )
    coverage = coverage_from_row(rows[0] if rows else None)
    if not coverage.needs:
        raise NotFoundError(need_id, "need")
    return coverage.of(need_id)


def ensure_community(graph: Graph, community_id: str | None) -> None:
    """Check that a community filter names a community.

    Raises:
        NotFoundError: ``community_id`` is given and no :Community has it.
    """
    if community_id is not None and not run(
        graph, "match_community", {"community_id": community_id}
    ):
        raise NotFoundError(community_id, "community")


def _resource(entry: Mapping[str, Any]) -> Resource:
    return Resource(
        resource_id=entry["resource_id"],
        kind=ResourceKind(entry["resource_kind"]),
        name=entry["resource_name"] or entry["resource_id"],
        provider_id=entry["provider_id"],
        provider_name=entry["provider_name"],
        category_id=entry["category_id"],
        category_zh=entry["category_zh"],
        category_en=entry["category_en"],
        capacity=int(entry["capacity"]),
        assigned=int(entry["assigned"]),
        status=entry["status"],
    )


def _need(entry: Mapping[str, Any]) -> NeedContext:
    # Without details, only the keys the assignment uses are present.
    return NeedContext(
        need_id=entry["need_id"],
        name=entry.get("need_name") or entry["need_id"],
        status=entry.get("status") or NeedStatus.OPEN.value,
        kind=entry.get("kind"),
        urgency=int(entry["urgency"] or 0),
        raised_on=to_date(entry["raised_on"]),
        category_id=entry["category_id"],
        category_zh=entry.get("category_zh"),
        category_en=entry.get("category_en"),
        matching_category_ids=tuple(entry["matching_category_ids"]),
        ancestry=tuple(entry["ancestry"]),
        place_name=entry.get("place_name"),
        community_id=entry.get("community_id"),
        community_name=entry.get("community_name"),
        assigned_to=entry.get("assigned_to"),
    )


_ZH_STEPS = ("", "一", "两", "三", "四", "五", "六", "七")
_EN_STEPS = ("", "one", "two", "three", "four", "five", "six", "seven")


def _steps_zh(distance: int) -> str:
    if distance == 0:
        return "即需求所在地"
    word = _ZH_STEPS[distance] if distance < len(_ZH_STEPS) else str(distance)
    return f"上{word}级"


def _steps_en(distance: int) -> str:
    if distance == 0:
        return "the need's own place"
    word = _EN_STEPS[distance] if distance < len(_EN_STEPS) else str(distance)
    return f"{word} step{'s' if distance != 1 else ''} up"
