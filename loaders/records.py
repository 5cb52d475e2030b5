"""The records a validated workbook is made of: one typed, normalized row
dataclass per workbook file (canonical English enum values, ``int``,
``bool``, ``date``, ``list[str]``), :class:`ValidatedWorkbook` holding them
all, and :class:`KnownNode`, what validation knows of a node the graph (or
the workbook) already holds. :mod:`loaders.parse` makes the rows,
:mod:`loaders.validate` checks them across files, :mod:`loaders.rows` turns
them into the rows the writers take.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from graph.schema import (
    FAMILY,
    ORG_LABELS,
    PLACE_LABELS,
    PRIMARY_LABELS,
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
from loaders.workbook_format import (
    CATEGORIES,
    FACILITIES,
    NEEDS,
    ORGANIZATIONS,
    PARTY_ORGS,
    PEOPLE,
    PLACES,
    PROJECTS,
    SERVICES,
)

# --- what the graph already holds --------------------------------------------


@dataclass
class KnownNode:
    """A node already in the graph, as much as validation needs to know of it.

    The caller fills a mapping ``id → KnownNode`` from the database, and adds
    the default category taxonomy, so that a workbook holding only this
    month's ``needs.csv`` may name places, categories and resources loaded
    before. A workbook row with the same id replaces the known node for the
    checks (it will update it when written).

    Attributes:
        labels: every label of the node, e.g. ``{Place, Building}``,
            ``{PartyOrg}``, ``{Category}``.
        level: a party organization's level.
        parent_id: one step up the node's own hierarchy: the ``PART_OF``
            parent of a place, the ``BROADER`` category of a category, the
            ``REPORTS_TO`` organization of a party organization. It lets the
            validator find a building's or grid's community and find cycles
            that run through the graph.
    """

    labels: frozenset[Label]
    level: PartyOrgLevel | None = None
    parent_id: str | None = None

    @classmethod
    def of(
        cls,
        label: Label,
        level: PartyOrgLevel | None = None,
        parent_id: str | None = None,
    ) -> KnownNode:
        """A known node of one primary label, with its family label added.

        Args:
            label: the primary label, e.g. ``Label.GRID``.
            level: a party organization's level.
            parent_id: see the class attributes.
        """
        return cls(_LABELS_OF[label], level, parent_id)

    @classmethod
    def from_graph(
        cls,
        labels: Iterable[str],
        level: str | None = None,
        parent_id: str | None = None,
    ) -> KnownNode:
        """A known node from what a query returns: label and level strings.

        Labels and levels that are not part of the schema are ignored.

        Args:
            labels: ``labels(n)``.
            level: ``n.level``, for party organizations.
            parent_id: the id of the node one step up (see the class attributes).
        """
        known_labels = frozenset(Label(name) for name in labels if name in _LABEL_VALUES)
        known_level = PartyOrgLevel(level) if level in _LEVEL_VALUES else None
        return cls(known_labels, known_level, parent_id)

    @property
    def primary_label(self) -> Label | None:
        """The label that says what the node is (``Building``), if known."""
        try:
            return _PRIMARY_OF[self.labels]
        except KeyError:
            primary = next((label for label in PRIMARY_LABELS if label in self.labels), None)
            _PRIMARY_OF[self.labels] = primary
            return primary


_LABEL_VALUES = frozenset(label.value for label in Label)
_LABELS_OF = {
    label: frozenset({label, FAMILY[label]}) if label in FAMILY else frozenset({label})
    for label in Label
}
_PRIMARY_OF: dict[frozenset[Label], Label | None] = {}
"""The primary label of each set of labels seen so far."""
_LEVEL_VALUES = frozenset(level.value for level in PartyOrgLevel)


# --- the typed rows ----------------------------------------------------------

# The rows, like the other records here, are plain dataclasses: a frozen one
# sets each field through ``object.__setattr__``, and building a large
# workbook's rows took about a tenth longer that way.


@dataclass
class PlaceRow:
    """A place (``places.csv``): ``:Place`` plus the label of its kind.

    Attributes:
        id: unique id.
        name: name.
        kind: city … unit.
        parent_id: the place it is ``PART_OF``; ``None`` only for a city or county.
        grid_id: for a building, the grid it is ``IN_GRID``.
        households: number of households.
        tags: e.g. ``smart_area``.
        row: the spreadsheet row it came from.
        established: the day it was established; ``None``: it always existed.
        dissolved: the day it was dissolved; ``None``: it exists now.
    """

    id: str
    name: str
    kind: PlaceKind
    parent_id: str | None
    grid_id: str | None
    households: int | None
    tags: list[PlaceTag]
    row: int
    established: date | None = None
    dissolved: date | None = None

    @property
    def label(self) -> Label:
        """The label of its kind, e.g. ``Label.BUILDING``."""
        return PLACE_LABELS[self.kind]


@dataclass
class PartyOrgRow:
    """A party organization (``party_orgs.csv``): ``:PartyOrg {level}``.

    Attributes:
        id: unique id.
        name: name.
        level: its level in the five-level chain.
        place_id: the place it ``LEADS``.
        parent_id: the party organization it ``REPORTS_TO`` (any level: a
            wrong level is a governance gap for the audit, not an input error).
        row: the spreadsheet row it came from.
        established: the day it was established; ``None``: it always existed.
        dissolved: the day it was dissolved; ``None``: it exists now.
    """

    id: str
    name: str
    level: PartyOrgLevel
    place_id: str | None
    parent_id: str | None
    row: int
    established: date | None = None
    dissolved: date | None = None


@dataclass
class OrganizationRow:
    """An organization (``organizations.csv``): ``:Organization`` plus its kind's label.

    Attributes:
        id: unique id.
        name: name.
        kind: county_department … two_new_org.
        place_id: the place it is ``BASED_IN``.
        red_property: for property firms, whether it is a red property firm (红色物业);
            ``None`` when not given, and always for other kinds.
        manages: for property firms, the residential areas it ``MANAGES``.
        domains: for county departments, the category ids it answers for.
        fallback_org_id: for two-new organizations, the party organization
            that is ``FALLBACK_FOR`` it.
        row: the spreadsheet row it came from.
        established: the day it was established; ``None``: it always existed.
        dissolved: the day it was dissolved; ``None``: it exists now.
    """

    id: str
    name: str
    kind: OrgKind
    place_id: str | None
    red_property: bool | None
    manages: list[str]
    domains: list[str]
    fallback_org_id: str | None
    row: int
    established: date | None = None
    dissolved: date | None = None

    @property
    def label(self) -> Label:
        """The label of its kind, e.g. ``Label.PROPERTY_FIRM``."""
        return ORG_LABELS[self.kind]


@dataclass
class PersonRow:
    """A person (``people.csv``): ``:Person``.

    Attributes:
        id: unique id.
        name: name.
        phone: phone number (personal data).
        party_member: whether the person is a party member.
        employer_id: the organization the person is ``EMPLOYED_BY``.
        row: the spreadsheet row it came from.
    """

    id: str
    name: str
    phone: str | None
    party_member: bool | None
    employer_id: str | None
    row: int


@dataclass
class PostRow:
    """A post (``posts.csv``): ``(person)-[:HOLDS {post, since, until}]->(target)``.

    Attributes:
        person_id: who holds it.
        post: which post.
        target_id: the party organization, organization or place it is held at.
        since: when it was taken.
        row: the spreadsheet row it came from.
        until: the day the person left it or its term ended; ``None``: held now.
    """

    person_id: str
    post: Post
    target_id: str
    since: date | None
    row: int
    until: date | None = None


@dataclass
class FacilityRow:
    """A facility (``facilities.csv``): ``:Facility {kind}``, ``LOCATED_IN`` a place.

    Attributes:
        id: unique id.
        name: name.
        kind: service_center … secretary_studio.
        place_id: the place it is ``LOCATED_IN``.
        row: the spreadsheet row it came from.
    """

    id: str
    name: str
    kind: FacilityKind
    place_id: str
    row: int


@dataclass
class CategoryRow:
    """A need category (``categories.csv``): ``:Category``.

    Attributes:
        id: unique id.
        name_zh: Chinese name; also the node's ``name``.
        name_en: English name.
        parent_id: the category it is ``BROADER`` than… is narrower than:
            ``(category)-[:BROADER]->(parent)``.
        row: the spreadsheet row it came from.
    """

    id: str
    name_zh: str
    name_en: str | None
    parent_id: str | None
    row: int

    @property
    def name(self) -> str:
        """The node's ``name``: the Chinese name."""
        return self.name_zh


@dataclass
class ServiceRow:
    """A service (``services.csv``): ``(provider)-[:OFFERS]->(:Service)``.

    Attributes:
        id: unique id.
        name: name.
        provider_id: the organization or party organization that ``OFFERS`` it.
        category: the category it is ``IN_CATEGORY``.
        capacity: how many assigned needs it can carry.
        covers: the places it ``COVERS``; empty means the provider's own place.
        row: the spreadsheet row it came from.
    """

    id: str
    name: str
    provider_id: str
    category: str
    capacity: int
    covers: list[str]
    row: int


@dataclass
class ProjectRow:
    """A co-building project (``projects.csv``): ``(stationed unit)-[:RUNS]->(:Project)``.

    Attributes:
        id: unique id.
        name: name.
        unit_id: the stationed unit that ``RUNS`` it.
        community_id: the community it ``SERVES``.
        category: the category it is ``IN_CATEGORY``.
        capacity: how many assigned needs it can carry.
        status: planned, active or completed, when given.
        row: the spreadsheet row it came from.
    """

    id: str
    name: str
    unit_id: str
    community_id: str
    category: str
    capacity: int
    status: ProjectStatus | None
    row: int


@dataclass
class NeedRow:
    """A resident need (``needs.csv``): ``:Need``.

    Attributes:
        id: unique id.
        title: what is needed; also the node's ``name``.
        kind: micro_wish, complaint or service_request.
        category: the category it is ``IN_CATEGORY``.
        place_id: the place it was ``RAISED_IN``.
        urgency: 1 to 3.
        raised_on: the date it was raised.
        status: open, assigned or resolved (a blank cell reads as open).
        assigned_to: the service or project it is ``ASSIGNED_TO``.
        resolved_on: the date it was resolved.
        satisfaction: 1 to 5, for resolved needs.
        row: the spreadsheet row it came from.
    """

    id: str
    title: str
    kind: NeedKind
    category: str
    place_id: str
    urgency: int
    raised_on: date
    status: NeedStatus
    assigned_to: str | None
    resolved_on: date | None
    satisfaction: int | None
    row: int

    @property
    def name(self) -> str:
        """The node's ``name``: the title."""
        return self.title


@dataclass
class ValidatedWorkbook:
    """A workbook that passed validation: typed rows per file, in workbook order.

    Every reference in it names a node of the right kind, either in the
    workbook or in the ``known`` graph it was validated against. A writer
    should create all nodes before their relationships, since rows may refer
    to rows later in the same file or in later files.

    Attributes:
        places: rows of ``places.csv``.
        party_orgs: rows of ``party_orgs.csv``.
        organizations: rows of ``organizations.csv``.
        people: rows of ``people.csv``.
        posts: rows of ``posts.csv``.
        facilities: rows of ``facilities.csv``.
        categories: rows of ``categories.csv``.
        services: rows of ``services.csv``.
        projects: rows of ``projects.csv``.
        needs: rows of ``needs.csv``.
        files: the canonical names of the files the workbook held (a file that
            is present but has no rows is listed; an absent one is not).
        warnings: things the reader ignored that may be mistakes.
    """

    places: list[PlaceRow] = field(default_factory=list)
    party_orgs: list[PartyOrgRow] = field(default_factory=list)
    organizations: list[OrganizationRow] = field(default_factory=list)
    people: list[PersonRow] = field(default_factory=list)
    posts: list[PostRow] = field(default_factory=list)
    facilities: list[FacilityRow] = field(default_factory=list)
    categories: list[CategoryRow] = field(default_factory=list)
    services: list[ServiceRow] = field(default_factory=list)
    projects: list[ProjectRow] = field(default_factory=list)
    needs: list[NeedRow] = field(default_factory=list)
    files: frozenset[str] = frozenset()
    warnings: list[str] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        """The number of rows in all files."""
        return sum(
            len(rows)
            for rows in (
                self.places,
                self.party_orgs,
                self.organizations,
                self.people,
                self.posts,
                self.facilities,
                self.categories,
                self.services,
                self.projects,
                self.needs,
            )
        )

    def known_nodes(self) -> dict[str, KnownNode]:
        """Every node of this workbook as a :class:`KnownNode`.

        Lets a later workbook be validated against this one without a
        database, e.g. the default taxonomy (read as a workbook) before a
        county's needs.

        Returns:
            id → known node, for every row that has an id.
        """
        return {node_id: node for _, _, node_id, node in self.nodes_by_row()}

    def nodes_by_row(self) -> Iterator[tuple[str, int, str, KnownNode]]:
        """Every row that defines a node, as (file name, row, id, known node).

        Yields:
            One tuple per row with an id, in workbook order.
        """
        for place in self.places:
            node = KnownNode.of(place.label, parent_id=place.parent_id)
            yield PLACES.name, place.row, place.id, node
        for party_org in self.party_orgs:
            node = KnownNode.of(Label.PARTY_ORG, party_org.level, party_org.parent_id)
            yield PARTY_ORGS.name, party_org.row, party_org.id, node
        for organization in self.organizations:
            node = KnownNode.of(organization.label)
            yield ORGANIZATIONS.name, organization.row, organization.id, node
        for person in self.people:
            yield PEOPLE.name, person.row, person.id, KnownNode.of(Label.PERSON)
        for facility in self.facilities:
            yield FACILITIES.name, facility.row, facility.id, KnownNode.of(Label.FACILITY)
        for category in self.categories:
            node = KnownNode.of(Label.CATEGORY, parent_id=category.parent_id)
            yield CATEGORIES.name, category.row, category.id, node
        for service in self.services:
            yield SERVICES.name, service.row, service.id, KnownNode.of(Label.SERVICE)
        for project in self.projects:
            yield PROJECTS.name, project.row, project.id, KnownNode.of(Label.PROJECT)
        for need in self.needs:
            yield NEEDS.name, need.row, need.id, KnownNode.of(Label.NEED)
