"""Writing resident needs one at a time (需求登记、修改、派单、办结): what a
planner does through the API between two workbook loads.

Each function checks what it is given against the graph — the need, the
place, the category, the resource must exist within the caller's scope (a
street or community id; ``None`` for none), exactly as
:mod:`queries.nodes` sees it — then writes with one catalog query (``need_*``).
Assigning to a resource takes only a candidate of the need
(:func:`queries.matching.candidates`) with capacity left, and the write
re-counts that capacity under the resource's lock, as the bulk assignment does.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

import neo4j

from graph.changes import ChangeContext, recorded_write
from graph.connection import Graph
from graph.errors import CivicGraphError, NotFoundError
from graph.schema import Label, NeedKind, NeedStatus
from queries.catalog import run, run_in
from queries.matching import candidates
from queries.nodes import id_taken, plain, visible_nodes, visible_nodes_in

NEED_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")
"""What a need id given to :func:`create_need` looks like."""

MAX_TITLE = 200
"""The longest need title accepted."""


class NeedInputError(CivicGraphError):
    """A need was given a value it cannot take (a title too long, an urgency
    outside 1–3, a resolution before the need was raised …)."""

    exit_code = 2


class NeedConflictError(CivicGraphError):
    """The change conflicts with the graph as it is: the id is taken, the
    resource is full, the need is already resolved."""


@dataclass(frozen=True)
class NeedRecord:
    """A need with its place, category and assignment.

    Attributes:
        id: its id.
        title: its title.
        kind: micro_wish, complaint or service_request.
        urgency: 1 to 3.
        status: open, assigned or resolved.
        raised_on: the day it was raised (ISO).
        resolved_on: the day it was resolved (ISO), if it was.
        satisfaction: the resident's rating 1–5, if given.
        place_id: where it was raised.
        place_name: that place's name.
        category_id: its category.
        category_zh: the category's Chinese name.
        category_en: the category's English name.
        assigned_to: the service or project it is assigned to, if any.
        assigned_name: that resource's name.
    """

    id: str
    title: str
    kind: str | None
    urgency: int | None
    status: str | None
    raised_on: str | None
    resolved_on: str | None
    satisfaction: int | None
    place_id: str | None
    place_name: str | None
    category_id: str | None
    category_zh: str | None
    category_en: str | None
    assigned_to: str | None
    assigned_name: str | None

    def to_json(self) -> dict[str, Any]:
        """The need as a JSON-ready dict."""
        return dict(self.__dict__)


def _record(row: dict[str, Any]) -> NeedRecord:
    values = plain(row)
    return NeedRecord(
        id=str(values["id"]),
        title=str(values["title"] or values["id"]),
        kind=values["kind"],
        urgency=values["urgency"],
        status=values["status"],
        raised_on=values["raised_on"],
        resolved_on=values["resolved_on"],
        satisfaction=values["satisfaction"],
        place_id=values["place_id"],
        place_name=values["place_name"],
        category_id=values["category_id"],
        category_zh=values["category_zh"],
        category_en=values["category_en"],
        assigned_to=values["assigned_to"],
        assigned_name=values["assigned_name"],
    )


def _require_need(graph: Graph, need_id: str, scope_id: str | None) -> NeedRecord:
    if Label.NEED.value not in visible_nodes(graph, [need_id], scope_id).get(need_id, []):
        raise NotFoundError(need_id, "need")
    rows = run(graph, "need_get", {"need_id": need_id})
    if not rows:
        raise NotFoundError(need_id, "need")
    return _record(rows[0])


def get_need(graph: Graph, need_id: str, scope_id: str | None = None) -> NeedRecord:
    """A need by id.

    Raises:
        NotFoundError: no need has the id, or it lies outside the scope.
    """
    return _require_need(graph, need_id, scope_id)


def new_need_id(today: date) -> str:
    """A fresh need id: ``N`` + the date + 8 random hex digits."""
    return f"N{today:%Y%m%d}-{secrets.token_hex(4)}"


def _check_title(title: str) -> str:
    cleaned = " ".join(title.split())
    if not cleaned:
        raise NeedInputError("title: must not be empty")
    if len(cleaned) > MAX_TITLE:
        raise NeedInputError(f"title: at most {MAX_TITLE} characters")
    return cleaned


def _check_urgency(urgency: int) -> int:
    if not 1 <= urgency <= 3:
        raise NeedInputError(f"urgency: must be 1, 2 or 3, not {urgency}")
    return urgency


def create_need(
    graph: Graph,
    *,
    title: str,
    kind: NeedKind,
    category_id: str,
    place_id: str,
    urgency: int = 2,
    raised_on: date | None = None,
    need_id: str | None = None,
    scope_id: str | None = None,
    context: ChangeContext,
) -> NeedRecord:
    """Register a new, open need, recorded as a change set.

    Args:
        graph: the connection.
        title: what the resident asks for.
        kind: micro_wish, complaint or service_request.
        category_id: its category.
        place_id: where it was raised (any place within the scope).
        urgency: 1 to 3.
        raised_on: the day it was raised (today when ``None``).
        need_id: its id (a fresh one when ``None``).
        scope_id: the caller's scope.
        context: who registers it, through what.

    Raises:
        NeedInputError: a malformed id, an empty title, an urgency outside 1–3.
        NotFoundError: the place or the category does not exist (in the scope).
        NeedConflictError: a node already has the id.
    """
    day = raised_on or date.today()
    cleaned = _check_title(title)
    _check_urgency(urgency)
    chosen_id = need_id if need_id is not None else new_need_id(day)
    if not NEED_ID.match(chosen_id):
        raise NeedInputError(
            f"id: {chosen_id!r} is not an id (letters, digits, '_', '.', ':', '-'; at most 64)"
        )

    def work(tx: neo4j.ManagedTransaction) -> None:
        found = visible_nodes_in(tx, [place_id, category_id], scope_id)
        if Label.PLACE.value not in found.get(place_id, []):
            raise NotFoundError(place_id, "place")
        if Label.CATEGORY.value not in found.get(category_id, []):
            raise NotFoundError(category_id, "category")
        if id_taken(tx, chosen_id):
            raise NeedConflictError(f"id already taken: {chosen_id}")
        run_in(
            tx,
            "need_create",
            {
                "need_id": chosen_id,
                "title": cleaned,
                "kind": kind.value,
                "urgency": urgency,
                "raised_on": day,
                "place_id": place_id,
                "category_id": category_id,
            },
        )

    recorded_write(graph, context, [(Label.NEED, chosen_id)], work)
    return _require_need(graph, chosen_id, None)


def update_need(
    graph: Graph,
    need_id: str,
    *,
    title: str | None = None,
    urgency: int | None = None,
    category_id: str | None = None,
    status: NeedStatus | None = None,
    scope_id: str | None = None,
    today: date | None = None,
    context: ChangeContext,
) -> NeedRecord:
    """Change a need's title, urgency, category or status.

    Status changes: ``open`` drops the assignment and the resolution (the need
    waits again); ``assigned`` needs an existing assignment and drops the
    resolution; ``resolved`` keeps the assignment and records ``today`` as
    the day when the need has no ``resolved_on`` yet (use :func:`resolve_need`
    to give the day and the satisfaction).

    Raises:
        NotFoundError: the need or the category does not exist (in the scope).
        NeedInputError: an empty title, an urgency outside 1–3.
        NeedConflictError: ``assigned`` asked for a need assigned to nothing.
    """
    need = _require_need(graph, need_id, scope_id)
    cleaned = _check_title(title) if title is not None else None
    if urgency is not None:
        _check_urgency(urgency)
    if category_id is not None and Label.CATEGORY.value not in visible_nodes(
        graph, [category_id], scope_id
    ).get(category_id, []):
        raise NotFoundError(category_id, "category")
    if status is NeedStatus.ASSIGNED and need.assigned_to is None:
        raise NeedConflictError(
            f"need {need_id} is assigned to no resource: assign it (POST …/assign) instead"
        )
    parameters = {
        "need_id": need_id,
        "title": cleaned,
        "urgency": urgency,
        "status": status.value if status else None,
        "category_id": category_id,
        "drop_assignment": status is NeedStatus.OPEN,
        "clear_resolution": status in (NeedStatus.OPEN, NeedStatus.ASSIGNED),
        "resolved_on": today or date.today(),
    }
    recorded_write(
        graph, context, [(Label.NEED, need_id)], lambda tx: run_in(tx, "need_update", parameters)
    )
    return _require_need(graph, need_id, None)


def assign_need(
    graph: Graph,
    need_id: str,
    resource_id: str,
    scope_id: str | None = None,
    *,
    context: ChangeContext,
) -> NeedRecord:
    """Assign a need to one of its candidates that has capacity left.

    Raises:
        NotFoundError: the need or the resource does not exist (in the scope).
        NeedConflictError: the need is resolved; the resource is not a
            candidate of the need (it does not cover it in its category, or
            is a project not active); the resource is full.
    """
    need = _require_need(graph, need_id, scope_id)
    found = visible_nodes(graph, [resource_id], scope_id).get(resource_id, [])
    if Label.SERVICE.value not in found and Label.PROJECT.value not in found:
        raise NotFoundError(resource_id, "resource")
    if need.status == NeedStatus.RESOLVED:
        raise NeedConflictError(f"need {need_id} is resolved; reopen it first")
    if need.assigned_to == resource_id:
        return need
    ranked = candidates(graph, need_id)
    if any(c.resource.resource_id == resource_id for c in ranked.full):
        raise NeedConflictError(f"resource {resource_id} is full: no capacity left")
    if not any(c.resource.resource_id == resource_id for c in ranked.candidates):
        raise NeedConflictError(
            f"resource {resource_id} is not a candidate of need {need_id}: it does not "
            "cover the need's place in its category, or it takes no needs"
        )
    parameters = {"need_id": need_id, "resource_id": resource_id}
    rows = recorded_write(
        graph, context, [(Label.NEED, need_id)], lambda tx: run_in(tx, "need_assign", parameters)
    )
    if not rows or not rows[0]["assigned"]:
        raise NeedConflictError(f"resource {resource_id} is full: no capacity left")
    return _require_need(graph, need_id, None)


def resolve_need(
    graph: Graph,
    need_id: str,
    *,
    satisfaction: int,
    resolved_on: date | None = None,
    scope_id: str | None = None,
    context: ChangeContext,
) -> NeedRecord:
    """Mark a need resolved, with the resident's satisfaction (1–5).

    Raises:
        NotFoundError: the need does not exist (in the scope).
        NeedInputError: a satisfaction outside 1–5, a day before the need
            was raised.
        NeedConflictError: the need is already resolved.
    """
    need = _require_need(graph, need_id, scope_id)
    if not 1 <= satisfaction <= 5:
        raise NeedInputError(f"satisfaction: must be 1 to 5, not {satisfaction}")
    day = resolved_on or date.today()
    if need.raised_on is not None and day.isoformat() < need.raised_on:
        raise NeedInputError(
            f"resolved_on: {day.isoformat()} is before the need was raised ({need.raised_on})"
        )
    if need.status == NeedStatus.RESOLVED:
        raise NeedConflictError(f"need {need_id} is already resolved")
    parameters = {"need_id": need_id, "resolved_on": day, "satisfaction": satisfaction}
    recorded_write(
        graph, context, [(Label.NEED, need_id)], lambda tx: run_in(tx, "need_resolve", parameters)
    )
    return _require_need(graph, need_id, None)
