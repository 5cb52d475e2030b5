"""The transform of a load: validated records (:mod:`loaders.records`) in,
the rows the generic writers of :mod:`graph.write` take out — each label's
nodes as ``{"id", "props"}``, each relationship column as its owners with
their targets, each post as a ``HOLDS`` row. Pure: no database, no I/O;
:mod:`loaders.load` writes what it returns.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from graph.schema import PRIMARY_LABELS, Label, RelType
from graph.write import RelationshipSpec, Target
from loaders.records import KnownNode, OrganizationRow, PlaceRow, ValidatedWorkbook


def _props(**values: Any) -> dict[str, Any]:
    """Node or relationship properties without the absent (``None``) ones."""
    return {key: value for key, value in values.items() if value is not None and value != []}


NodeRows = list[dict[str, Any]]
"""Nodes of one label as ``{"id", "props"}`` rows."""


def _by_label(
    nodes: Iterable[tuple[Label, str, dict[str, Any]]],
) -> Iterator[tuple[Label, NodeRows]]:
    rows: dict[Label, NodeRows] = {}
    for label, node_id, props in nodes:
        rows.setdefault(label, []).append({"id": node_id, "props": {"id": node_id, **props}})
    yield from rows.items()


def node_rows(workbook: ValidatedWorkbook) -> Iterator[tuple[Label, NodeRows]]:
    """Each label's node rows, made one file of the workbook at a time, so that
    the first are written while the next are made."""
    yield from _by_label(
        (
            place.label,
            place.id,
            _props(
                name=place.name,
                kind=place.kind.value,
                households=place.households,
                tags=[tag.value for tag in place.tags],
                established=place.established,
                dissolved=place.dissolved,
            ),
        )
        for place in workbook.places
    )
    yield from _by_label(
        (
            Label.PARTY_ORG,
            org.id,
            _props(
                name=org.name,
                level=org.level.value,
                established=org.established,
                dissolved=org.dissolved,
            ),
        )
        for org in workbook.party_orgs
    )
    yield from _by_label(
        (
            org.label,
            org.id,
            _props(
                name=org.name,
                kind=org.kind.value,
                red_property=org.red_property,
                domains=org.domains,
                established=org.established,
                dissolved=org.dissolved,
            ),
        )
        for org in workbook.organizations
    )
    yield from _by_label(
        (
            Label.PERSON,
            person.id,
            _props(name=person.name, phone=person.phone, party_member=person.party_member),
        )
        for person in workbook.people
    )
    yield from _by_label(
        (Label.FACILITY, facility.id, _props(name=facility.name, kind=facility.kind.value))
        for facility in workbook.facilities
    )
    yield from _by_label(
        (
            Label.CATEGORY,
            category.id,
            _props(name=category.name, name_zh=category.name_zh, name_en=category.name_en),
        )
        for category in workbook.categories
    )
    yield from _by_label(
        (Label.SERVICE, service.id, _props(name=service.name, capacity=service.capacity))
        for service in workbook.services
    )
    yield from _by_label(
        (
            Label.PROJECT,
            project.id,
            _props(
                name=project.name,
                capacity=project.capacity,
                status=project.status.value if project.status else None,
            ),
        )
        for project in workbook.projects
    )
    yield from _by_label(
        (
            Label.NEED,
            need.id,
            _props(
                name=need.title,
                title=need.title,
                kind=need.kind.value,
                urgency=need.urgency,
                raised_on=need.raised_on,
                status=need.status.value,
                resolved_on=need.resolved_on,
                satisfaction=need.satisfaction,
            ),
        )
        for need in workbook.needs
    )


def post_rows(workbook: ValidatedWorkbook, labels: Mapping[str, Label]) -> list[dict[str, Any]]:
    """Every post as ``{"person", "post", "target", "label", "since", "until"}``."""
    return [
        {
            "person": post.person_id,
            "post": post.post.value,
            "target": post.target_id,
            "label": labels[post.target_id],
            "since": post.since,
            "until": post.until,
        }
        for post in workbook.posts
    ]


def labels_by_id(workbook: ValidatedWorkbook, known: Mapping[str, KnownNode]) -> dict[str, Label]:
    """The primary label of every node the workbook defines or may refer to."""
    labels = {
        node_id: node.primary_label
        for node_id, node in known.items()
        if node.primary_label is not None
    }
    for _, _, node_id, node in workbook.nodes_by_row():
        if node.primary_label is not None:
            labels[node_id] = node.primary_label
    return labels


def _targets(ids: Iterable[str | None], labels: Mapping[str, Label]) -> list[Target]:
    return [(node_id, labels[node_id]) for node_id in ids if node_id]


OwnerRows = list[tuple[str, list[Target]]]
"""Each owner's id with the ends of its relationships."""


def relationship_rows(
    workbook: ValidatedWorkbook, labels: Mapping[str, Label]
) -> list[tuple[RelationshipSpec, OwnerRows]]:
    """For every relationship a workbook column writes: each owner and its targets."""

    def owned(
        spec: RelationshipSpec, pairs: Iterable[tuple[str, Sequence[str | None]]]
    ) -> tuple[RelationshipSpec, OwnerRows]:
        return spec, [(owner, _targets(targets, labels)) for owner, targets in pairs]

    def one(value: str | None) -> list[str | None]:
        return [value]

    places_by_label: dict[Label, list[PlaceRow]] = {}
    for place in workbook.places:
        places_by_label.setdefault(place.label, []).append(place)
    organizations_by_label: dict[Label, list[OrganizationRow]] = {}
    for organization in workbook.organizations:
        organizations_by_label.setdefault(organization.label, []).append(organization)

    result: list[tuple[RelationshipSpec, OwnerRows]] = []
    for label in PRIMARY_LABELS:
        places = places_by_label.get(label, [])
        if places:
            result.append(
                owned(
                    RelationshipSpec(RelType.PART_OF, label),
                    ((p.id, one(p.parent_id)) for p in places),
                )
            )
            if label == Label.BUILDING:
                result.append(
                    owned(
                        RelationshipSpec(RelType.IN_GRID, label),
                        ((p.id, one(p.grid_id)) for p in places),
                    )
                )
        organizations = organizations_by_label.get(label, [])
        if organizations:
            result.append(
                owned(
                    RelationshipSpec(RelType.BASED_IN, label),
                    ((o.id, one(o.place_id)) for o in organizations),
                )
            )
            if label == Label.PROPERTY_FIRM:
                result.append(
                    owned(
                        RelationshipSpec(RelType.MANAGES, label),
                        ((o.id, o.manages) for o in organizations),
                    )
                )
            if label == Label.TWO_NEW_ORG:
                result.append(
                    owned(
                        RelationshipSpec(RelType.FALLBACK_FOR, label, forward=False),
                        ((o.id, one(o.fallback_org_id)) for o in organizations),
                    )
                )
    party_orgs = workbook.party_orgs
    result += [
        owned(
            RelationshipSpec(RelType.LEADS, Label.PARTY_ORG),
            ((o.id, one(o.place_id)) for o in party_orgs),
        ),
        owned(
            RelationshipSpec(RelType.REPORTS_TO, Label.PARTY_ORG),
            ((o.id, one(o.parent_id)) for o in party_orgs),
        ),
        owned(
            RelationshipSpec(RelType.EMPLOYED_BY, Label.PERSON),
            ((p.id, one(p.employer_id)) for p in workbook.people),
        ),
        owned(
            RelationshipSpec(RelType.LOCATED_IN, Label.FACILITY),
            ((f.id, one(f.place_id)) for f in workbook.facilities),
        ),
        owned(
            RelationshipSpec(RelType.BROADER, Label.CATEGORY),
            ((c.id, one(c.parent_id)) for c in workbook.categories),
        ),
        owned(
            RelationshipSpec(RelType.OFFERS, Label.SERVICE, forward=False),
            ((s.id, one(s.provider_id)) for s in workbook.services),
        ),
        owned(
            RelationshipSpec(RelType.IN_CATEGORY, Label.SERVICE),
            ((s.id, one(s.category)) for s in workbook.services),
        ),
        owned(
            RelationshipSpec(RelType.COVERS, Label.SERVICE),
            ((s.id, s.covers) for s in workbook.services),
        ),
        owned(
            RelationshipSpec(RelType.RUNS, Label.PROJECT, forward=False),
            ((p.id, one(p.unit_id)) for p in workbook.projects),
        ),
        owned(
            RelationshipSpec(RelType.SERVES, Label.PROJECT),
            ((p.id, one(p.community_id)) for p in workbook.projects),
        ),
        owned(
            RelationshipSpec(RelType.IN_CATEGORY, Label.PROJECT),
            ((p.id, one(p.category)) for p in workbook.projects),
        ),
        owned(
            RelationshipSpec(RelType.RAISED_IN, Label.NEED),
            ((n.id, one(n.place_id)) for n in workbook.needs),
        ),
        owned(
            RelationshipSpec(RelType.IN_CATEGORY, Label.NEED),
            ((n.id, one(n.category)) for n in workbook.needs),
        ),
        owned(
            RelationshipSpec(RelType.ASSIGNED_TO, Label.NEED),
            ((n.id, one(n.assigned_to)) for n in workbook.needs),
        ),
    ]
    return result
