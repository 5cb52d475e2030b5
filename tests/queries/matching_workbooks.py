"""Workbooks for the matching tests (candidates, assignment, route, projects,
KPIs): the ``tests/data/small`` fixture loaded as it is, or a copy edited cell
by cell in a temporary folder (the fixture itself is shared and left alone),
and a generator of small random worlds for the assignment's property tests.

The expected results are written out in the tests, derived by hand from the
small workbook's README and from these edits, never from the queries' output.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from graph.connection import Graph
from graph.introspect import delete_everything
from loaders.load import load_workbook
from tests.loaders.workbooks import SMALL, add_row, copy_small, read_table, write_table

__all__ = [
    "SMALL",
    "LoadedWorkbook",
    "World",
    "WorldNeed",
    "WorldService",
    "add_row",
    "copy_small",
    "edit_rows",
    "load_fresh",
    "write_world",
]


def edit_rows(folder: Path, file: str, key: str, value: str, **changes: str) -> None:
    """Set columns of the rows whose ``key`` column equals ``value``."""
    table = read_table(folder, file)
    header = table[0]
    for row in table[1:]:
        if row[header.index(key)] == value:
            for column, new in changes.items():
                row[header.index(column)] = new
    write_table(folder, file, table)


def load_fresh(graph: Graph, folder: Path) -> Graph:
    """Empty the database and load one workbook into it."""
    delete_everything(graph)
    load_workbook(graph, folder)
    return graph


class LoadedWorkbook:
    """Which workbook a test module has loaded, so that read-only tests share
    one load of the small workbook and a test that loads a variant makes the
    next read-only test load it again.

    A test module makes one per module (a module-scoped fixture): modules do
    not interleave, and every module starts by loading what it needs.
    """

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.current: Path | None = None

    def small(self) -> Graph:
        """The small workbook as it is."""
        return self.shared(SMALL)

    def shared(self, folder: Path) -> Graph:
        """A workbook that several read-only tests share: loaded unless it is already."""
        if self.current != folder:
            load_fresh(self.graph, folder)
            self.current = folder
        return self.graph

    def variant(self, folder: Path) -> Graph:
        """A variant (or any other workbook), loaded now."""
        self.current = folder
        return load_fresh(self.graph, folder)


# --- random worlds for the assignment's properties -------------------------------

TOP_CATEGORIES = ("cat_elderly_care", "cat_proxy_services")
"""Two families of the default taxonomy the worlds draw from."""

LEAF_CATEGORIES = {
    "cat_elderly_care": ("cat_elderly_meal", "cat_elderly_visit"),
    "cat_proxy_services": ("cat_proxy_errands", "cat_proxy_payments"),
}
"""Their children (the default taxonomy's ids)."""


def parent_category(category: str) -> str | None:
    """A world category's BROADER parent (``None`` for a top-level one)."""
    for top, leaves in LEAF_CATEGORIES.items():
        if category in leaves:
            return top
    return None


@dataclass(frozen=True)
class WorldService:
    """A service of a random world.

    Attributes:
        service_id: its id.
        provider_place: where its provider (a volunteer team) is BASED_IN.
        covers: the places it COVERS (empty: its provider's place).
        category: its category.
        capacity: its capacity.
    """

    service_id: str
    provider_place: str
    covers: tuple[str, ...]
    category: str
    capacity: int

    @property
    def coverage(self) -> tuple[str, ...]:
        """The places it covers, as DESIGN defines it."""
        return self.covers or (self.provider_place,)


@dataclass(frozen=True)
class WorldNeed:
    """A need of a random world.

    Attributes:
        need_id: its id.
        place: the place it is RAISED_IN.
        category: its category.
        urgency: 1 to 3.
        raised_on: the day it was raised.
        assigned_to: for an already assigned need, its service.
    """

    need_id: str
    place: str
    category: str
    urgency: int
    raised_on: date
    assigned_to: str | None = None


@dataclass
class World:
    """A small county: a places tree, services and needs.

    Attributes:
        parents: place id → parent id (the county ``W0`` has none).
        kinds: place id → kind.
        services: the services.
        needs: open and assigned needs.
    """

    parents: dict[str, str | None] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    services: list[WorldService] = field(default_factory=list)
    needs: list[WorldNeed] = field(default_factory=list)

    def ancestry(self, place: str) -> list[str]:
        """The place and its parents up to the county, nearest first."""
        chain = [place]
        while (parent := self.parents[chain[-1]]) is not None:
            chain.append(parent)
        return chain

    def candidate_edges(self) -> dict[str, dict[str, tuple[int, bool]]]:
        """Open need id → service id → (distance, exact), for services with room left.

        Written from DESIGN's definitions independently of queries.matching.
        """
        used: dict[str, int] = {}
        for need in self.needs:
            if need.assigned_to:
                used[need.assigned_to] = used.get(need.assigned_to, 0) + 1
        edges: dict[str, dict[str, tuple[int, bool]]] = {}
        for need in self.needs:
            if need.assigned_to:
                continue
            edges[need.need_id] = {}
            matching = {need.category, parent_category(need.category)} - {None}
            for service in self.services:
                if service.capacity - used.get(service.service_id, 0) <= 0:
                    continue
                if service.category not in matching:
                    continue
                distances = [
                    step
                    for step, place in enumerate(self.ancestry(need.place))
                    if place in service.coverage
                ]
                if distances:
                    edges[need.need_id][service.service_id] = (
                        min(distances),
                        service.category == need.category,
                    )
        return edges

    def remaining(self) -> dict[str, int]:
        """Service id → capacity minus its assigned needs."""
        left = {service.service_id: service.capacity for service in self.services}
        for need in self.needs:
            if need.assigned_to:
                left[need.assigned_to] -= 1
        return left


def write_world(world: World, folder: Path) -> Path:
    """Write a world as a workbook folder (places, organizations, services, needs)."""
    folder.mkdir(parents=True, exist_ok=True)
    _write(
        folder / "places.csv",
        ("id", "name", "kind", "parent_id"),
        [
            (place, f"地点{place}", world.kinds[place], world.parents[place] or "")
            for place in world.parents
        ],
    )
    providers = sorted({service.provider_place for service in world.services})
    _write(
        folder / "organizations.csv",
        ("id", "name", "kind", "place_id"),
        [(f"T{place}", f"志愿服务队{place}", "volunteer_team", place) for place in providers],
    )
    _write(
        folder / "services.csv",
        ("id", "name", "provider_id", "category", "capacity", "covers"),
        [
            (
                service.service_id,
                f"服务{service.service_id}",
                f"T{service.provider_place}",
                service.category,
                str(service.capacity),
                ";".join(service.covers),
            )
            for service in world.services
        ],
    )
    _write(
        folder / "needs.csv",
        (
            "id",
            "title",
            "kind",
            "category",
            "place_id",
            "urgency",
            "raised_on",
            "status",
            "assigned_to",
        ),
        [
            (
                need.need_id,
                f"需求{need.need_id}",
                "micro_wish",
                need.category,
                need.place,
                str(need.urgency),
                need.raised_on.isoformat(),
                "assigned" if need.assigned_to else "open",
                need.assigned_to or "",
            )
            for need in world.needs
        ],
    )
    return folder


def _write(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
