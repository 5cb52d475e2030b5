"""Co-building projects against open needs (共驻共建 × 群众需求): what each
stationed unit's project could take on, and which need categories no project
or service reaches yet — the next project to ask the stationed units for.

For each project: the open needs it covers in a matching category, capacity
aside (matching semantics of :mod:`queries.matching`: the project covers the
community it ``SERVES``, so every need raised in that community or below it),
with how many are exact matches, their urgency, and the places it has left.
Planned and completed projects are listed too, with their status: a planned
project that could serve many waiting needs is worth starting; only active
ones take needs.

For each community: the need categories with open needs that **no** resource
covers (no service, no active project; capacity aside), with the number of
such needs and their total urgency, most pressing first (urgency, then count).
This is the need-level reading of audit G12 (service desert): a need is
uncovered when nothing covers a place of its ancestry in its category; the
uncovered needs are grouped by their community and their own category. Planned
or completed projects that would cover them are named beside the gap.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import neo4j

from graph.connection import Graph, Record
from graph.schema import ZH
from queries.catalog import run_in
from queries.matching import Coverage, ResourceKind, ensure_community, read_coverage


@dataclass(frozen=True)
class ProjectNeeds:
    """One project and the open needs it could serve.

    Attributes:
        project_id: the project.
        name: its name.
        status: planned, active, completed (or ``None``: unset, counted active).
        unit_id: the stationed unit that RUNS it.
        unit_name: that unit's name.
        community_id: the community it SERVES.
        community_name: that community's name.
        category_id: its category.
        category_zh: the category's Chinese name.
        category_en: the category's English name.
        capacity: its capacity.
        assigned: needs assigned to it now.
        need_ids: open needs it covers in a matching category, by id.
        exact: how many of them are exact category matches.
        urgency: their total urgency.
    """

    project_id: str
    name: str
    status: str | None
    unit_id: str | None
    unit_name: str | None
    community_id: str | None
    community_name: str | None
    category_id: str | None
    category_zh: str | None
    category_en: str | None
    capacity: int
    assigned: int
    need_ids: tuple[str, ...] = ()
    exact: int = 0
    urgency: int = 0

    @property
    def remaining(self) -> int:
        """Places left: capacity minus assigned needs."""
        return self.capacity - self.assigned

    @property
    def open_needs(self) -> int:
        """How many open needs it could serve."""
        return len(self.need_ids)

    @property
    def status_zh(self) -> str | None:
        """Its status in Chinese (计划, 进行中 …), if it has one."""
        return ZH.get(self.status or "", None)

    def to_json(self) -> dict[str, Any]:
        """The project as a JSON-ready dict."""
        return {
            "project_id": self.project_id,
            "name": self.name,
            "status": self.status,
            "status_zh": self.status_zh,
            "unit_id": self.unit_id,
            "unit_name": self.unit_name,
            "community_id": self.community_id,
            "community_name": self.community_name,
            "category_id": self.category_id,
            "category_zh": self.category_zh,
            "category_en": self.category_en,
            "capacity": self.capacity,
            "remaining": self.remaining,
            "open_needs": self.open_needs,
            "exact": self.exact,
            "urgency": self.urgency,
            "need_ids": list(self.need_ids),
        }


@dataclass(frozen=True)
class UncoveredCategory:
    """A need category with open needs no resource covers, in one community.

    Attributes:
        community_id: the community (``None`` for needs raised above any community).
        community_name: its name.
        category_id: the needs' category.
        category_zh: its Chinese name.
        category_en: its English name.
        need_ids: the uncovered open needs, by id.
        urgency: their total urgency.
        inactive_projects: planned or completed projects that would cover some of them.
    """

    community_id: str | None
    community_name: str | None
    category_id: str | None
    category_zh: str | None
    category_en: str | None
    need_ids: tuple[str, ...]
    urgency: int
    inactive_projects: tuple[str, ...] = ()

    @property
    def open_needs(self) -> int:
        """How many open needs wait in this category."""
        return len(self.need_ids)

    def to_json(self) -> dict[str, Any]:
        """The gap as a JSON-ready dict."""
        return {
            "community_id": self.community_id,
            "community_name": self.community_name,
            "category_id": self.category_id,
            "category_zh": self.category_zh,
            "category_en": self.category_en,
            "open_needs": self.open_needs,
            "urgency": self.urgency,
            "need_ids": list(self.need_ids),
            "inactive_projects": list(self.inactive_projects),
        }


@dataclass
class ProjectsReport:
    """Projects against needs.

    Attributes:
        projects: every project (of the community, if one was asked for),
            most open needs first, then by id.
        uncovered: need categories no resource covers, per community, most
            pressing first.
        community_id: the community the report is limited to, if any.
    """

    projects: list[ProjectNeeds] = field(default_factory=list)
    uncovered: list[UncoveredCategory] = field(default_factory=list)
    community_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The report as a JSON-ready dict."""
        return {
            "community_id": self.community_id,
            "projects": [project.to_json() for project in self.projects],
            "uncovered": [gap.to_json() for gap in self.uncovered],
        }


def projects_report(graph: Graph, community_id: str | None = None) -> ProjectsReport:
    """Projects against open needs (``civicgraph projects``).

    Args:
        graph: the connection.
        community_id: only this community's projects and open needs.

    Raises:
        NotFoundError: ``community_id`` names no community.
    """
    ensure_community(graph, community_id)

    def work(tx: neo4j.ManagedTransaction) -> tuple[Coverage, list[Record]]:
        rows = run_in(tx, "match_open_needs", {"community_id": community_id})
        coverage = read_coverage(tx, [row["need_id"] for row in rows])
        projects = run_in(tx, "projects_list", {"community_id": community_id})
        return coverage, projects

    coverage, project_rows = graph.read(work)
    return build_report(coverage, project_rows, community_id)


def build_report(
    coverage: Coverage, project_rows: list[Record], community_id: str | None = None
) -> ProjectsReport:
    """Pair the projects with the needs they cover, and group the uncovered needs."""
    needs_of: dict[str, list[str]] = defaultdict(list)
    exact_of: dict[str, int] = defaultdict(int)
    urgency_of: dict[str, int] = defaultdict(int)
    gaps: dict[tuple[str | None, str | None], list[str]] = defaultdict(list)
    inactive_for_gap: dict[tuple[str | None, str | None], set[str]] = defaultdict(set)
    needs = {need.need_id: need for need in coverage.needs}
    for need in coverage.needs:
        covering = coverage.covering.get(need.need_id, [])
        dormant = coverage.dormant.get(need.need_id, [])
        for candidate in covering + dormant:
            if candidate.resource.kind is ResourceKind.PROJECT:
                project_id = candidate.resource.resource_id
                needs_of[project_id].append(need.need_id)
                exact_of[project_id] += 1 if candidate.is_exact else 0
                urgency_of[project_id] += need.urgency
        if not covering:
            key = (need.community_id, need.category_id)
            gaps[key].append(need.need_id)
            inactive_for_gap[key].update(c.resource.resource_id for c in dormant)

    projects = [
        ProjectNeeds(
            project_id=row["project_id"],
            name=row["name"] or row["project_id"],
            status=row["status"],
            unit_id=row["unit_id"],
            unit_name=row["unit_name"],
            community_id=row["community_id"],
            community_name=row["community_name"],
            category_id=row["category_id"],
            category_zh=row["category_zh"],
            category_en=row["category_en"],
            capacity=int(row["capacity"]),
            assigned=int(row["assigned"]),
            need_ids=tuple(sorted(needs_of.get(row["project_id"], ()))),
            exact=exact_of.get(row["project_id"], 0),
            urgency=urgency_of.get(row["project_id"], 0),
        )
        for row in project_rows
    ]
    projects.sort(key=lambda project: (-project.open_needs, project.project_id))

    uncovered: list[UncoveredCategory] = []
    for (gap_community, category_id), need_ids in gaps.items():
        first = needs[need_ids[0]]
        uncovered.append(
            UncoveredCategory(
                community_id=gap_community,
                community_name=first.community_name,
                category_id=category_id,
                category_zh=first.category_zh,
                category_en=first.category_en,
                need_ids=tuple(sorted(need_ids)),
                urgency=sum(needs[need_id].urgency for need_id in need_ids),
                inactive_projects=tuple(sorted(inactive_for_gap[(gap_community, category_id)])),
            )
        )
    uncovered.sort(
        key=lambda gap: (
            -gap.urgency,
            -gap.open_needs,
            gap.community_id or "",
            gap.category_id or "",
        )
    )
    return ProjectsReport(projects=projects, uncovered=uncovered, community_id=community_id)
