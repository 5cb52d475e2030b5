"""Validating a raw workbook into typed rows a writer can trust.

Each file's rows become typed, normalized records (canonical English enum
values, ``int``, ``bool``, ``date``, ``list[str]``), and the whole workbook is
checked across files: ids unique in one id space shared by every file,
references that name an existing node of the right kind (in the workbook or in
the graph already loaded, see :class:`KnownNode`), posts held at the right kind
of target, grids in the building's own community, no cycles in the place,
category or party hierarchies. Every problem is collected before anything is
reported, so a planner fixes the workbook in one pass.

Governance gaps are not problems: a party organization with no parent or a
parent at the wrong level, a residential area with no branch, a grid with no
worker all load, and the audit finds them.

Decisions where DESIGN.md is silent:

* ``parent_id`` is required for places below the county; a city has none; a
  county's is optional (the city is the optional top).
* A need's blank ``status`` means ``open``. An ``open`` need may not name
  ``assigned_to``; an ``assigned`` one must. ``resolved_on`` and
  ``satisfaction`` belong to ``resolved`` needs only, but a resolved need
  without ``resolved_on`` is accepted (the date is often not recorded).
* ``red_property`` true on anything but a property firm is a problem; false is
  accepted there and dropped.
* Services and projects need a ``capacity``: without one they could never take
  a need. ``urgency`` and ``raised_on`` are required of needs.
* The same post (person, post, target) given twice is a problem.
* A workbook id that already exists in the graph updates that node, unless the
  graph holds it as a different kind of node (a place id reused for a person).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TypeVar

from graph.errors import Problem, ValidationError
from graph.schema import (
    FAMILY,
    LABEL_ZH,
    LEVEL_PLACE,
    ORG_LABELS,
    PLACE_LABELS,
    PLACE_PARENT,
    POST_TARGETS,
    PRIMARY_LABELS,
    ZH,
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
from graph.text import control_character_problem, length_problem, normalize_line_ends
from loaders.workbook import CellValue, RawRow, RawWorkbook, cell_text, read_workbook
from loaders.workbook_format import (
    CATEGORIES,
    FACILITIES,
    FALSE_WORDS,
    FILES,
    MANY_VALUE_SEPARATORS,
    NEEDS,
    ORGANIZATIONS,
    PARTY_ORGS,
    PEOPLE,
    PLACES,
    POSTS,
    PROJECTS,
    SERVICES,
    TRUE_WORDS,
    WorkbookFile,
    describe_values,
    file_for_name,
    lookup_term,
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
    """

    id: str
    name: str
    kind: PlaceKind
    parent_id: str | None
    grid_id: str | None
    households: int | None
    tags: list[PlaceTag]
    row: int

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
    """

    id: str
    name: str
    level: PartyOrgLevel
    place_id: str | None
    parent_id: str | None
    row: int


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
    """A post (``posts.csv``): ``(person)-[:HOLDS {post, since}]->(target)``.

    Attributes:
        person_id: who holds it.
        post: which post.
        target_id: the party organization, organization or place it is held at.
        since: when it was taken.
        row: the spreadsheet row it came from.
    """

    person_id: str
    post: Post
    target_id: str
    since: date | None
    row: int


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


# --- entry points ------------------------------------------------------------


def load_and_validate(
    path: Path | str, known: Mapping[str, KnownNode] | None = None
) -> ValidatedWorkbook:
    """Read and validate a workbook folder or ``.xlsx`` file.

    Args:
        path: a folder of ``.csv`` files or an ``.xlsx`` file.
        known: nodes already in the graph that the workbook may refer to.

    Returns:
        The validated workbook.

    Raises:
        ValidationError: with every problem found, when there is any.
    """
    return validate(read_workbook(path), known)


def validate(raw: RawWorkbook, known: Mapping[str, KnownNode] | None = None) -> ValidatedWorkbook:
    """Validate a raw workbook as a whole, collecting every problem.

    Args:
        raw: the workbook as read by :func:`loaders.workbook.read_workbook`;
            its problems of form are reported with the others.
        known: nodes already in the graph (and the default category taxonomy)
            that references may name. ``None`` means the workbook stands
            alone.

    Returns:
        The typed, normalized rows.

    Raises:
        ValidationError: with every problem found, sorted by file (in the
            order of :data:`loaders.workbook_format.FILES`), row and column.
    """
    validator = _Validator(raw, known)
    workbook = validator.run()
    if validator.problems:
        raise ValidationError(sort_problems(validator.problems))
    return workbook


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in reading order: by file (workbook order), row, then column order.

    Problems about the workbook as a whole come first.

    Args:
        problems: problems in any order.
    """
    return sorted(problems, key=_problem_order)


def _problem_order(problem: Problem) -> tuple[int, str, int, int, str, str]:
    spec = file_for_name(problem.file)
    if spec is None:
        return (-1, problem.file, problem.row, -1, problem.column, problem.message)
    names = spec.column_names
    if problem.column in names:
        column_rank = names.index(problem.column)
    else:
        column_rank = -1 if not problem.column else len(names)
    return (FILES.index(spec), "", problem.row, column_rank, problem.column, problem.message)


# --- reading typed values from a row -----------------------------------------

EnumT = TypeVar("EnumT", bound=StrEnum)
RowT = TypeVar("RowT")

_DATE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
_SEPARATOR = re.compile("|".join(re.escape(mark) for mark in MANY_VALUE_SEPARATORS))
_WHOLE_NUMBER = re.compile(r"[+-]?\d+(?:\.0*)?")


class _Cells:
    """Typed access to the cells of one raw row; every bad value becomes a problem.

    A column the file's header lacks reads as absent without a problem: the
    reader has already reported a missing required column once, at row 1.
    """

    def __init__(
        self, source: str, header: frozenset[str], raw_row: RawRow, problems: list[Problem]
    ) -> None:
        self._source = source
        self._header = header
        self._cells = raw_row.cells
        self._problems = problems
        self.row = raw_row.number

    def report(self, column: str, message: str) -> None:
        """Record a problem in this row."""
        self._problems.append(Problem(self._source, self.row, column, message))

    def has(self, column: str) -> bool:
        """Whether the cell holds a value (right or wrong)."""
        return column in self._cells

    def _value(self, column: str, required: bool) -> CellValue | None:
        value = self._cells.get(column)
        if value is None and required and column in self._header:
            self.report(column, f"missing required value: {column}")
        return value

    def text(self, column: str, *, required: bool = False) -> str | None:
        """The cell as text, Windows line ends made newlines.

        A control character is a problem (:mod:`graph.text`), and so is a
        name or title longer than :data:`graph.text.NAME_MAX_LENGTH`; the
        text is still returned, so that the rest of the row is checked as if
        it were right.
        """
        value = self._value(column, required)
        if value is None:
            return None
        text = normalize_line_ends(cell_text(value))
        problem = control_character_problem(text)
        if problem is not None:
            self.report(column, f"{problem}: remove it (a spreadsheet cannot hold it)")
        if column in _NAME_COLUMNS:
            too_long = length_problem(text)
            if too_long is not None:
                self.report(column, f"{column} too long: {too_long}")
        return text

    def identifier(self, column: str, *, required: bool = False) -> str | None:
        """One id; a cell holding several ``;``-separated ids is a problem."""
        text = self.text(column, required=required)
        if text is not None and _SEPARATOR.search(text) is not None:
            self.report(column, f"one id expected, got {text!r}: ';' separates several ids")
            return None
        return text

    def identifiers(self, column: str) -> list[str]:
        """A many-valued cell of ids, split on ``;`` or ``；``, without empties or repeats."""
        text = self.text(column)
        if text is None:
            return []
        for mark in MANY_VALUE_SEPARATORS[1:]:
            text = text.replace(mark, MANY_VALUE_SEPARATORS[0])
        parts = (part.strip() for part in text.split(MANY_VALUE_SEPARATORS[0]))
        return list(dict.fromkeys(part for part in parts if part))

    def choice(
        self, column: str, enum_type: type[EnumT], *, required: bool = False
    ) -> EnumT | None:
        """An enumerated value, written in English or Chinese."""
        text = self.text(column, required=required)
        return None if text is None else self._lookup(column, enum_type, text)

    def choices(self, column: str, enum_type: type[EnumT]) -> list[EnumT]:
        """A many-valued cell of enumerated values."""
        members = (self._lookup(column, enum_type, text) for text in self.identifiers(column))
        return [member for member in members if member is not None]

    def _lookup(self, column: str, enum_type: type[EnumT], text: str) -> EnumT | None:
        member = lookup_term(enum_type, text)
        if member is None:
            allowed = describe_values(enum_type)
            self.report(column, f"unknown {column} {text!r}; allowed: {allowed}")
        return member

    def boolean(self, column: str) -> bool | None:
        """A boolean: true/false, yes/no, 是/否, 1/0, y/n, or an XLSX boolean cell."""
        value = self._value(column, required=False)
        if value is None or isinstance(value, bool):
            return value
        text = cell_text(value).casefold()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        self.report(column, f"not a boolean: {text!r}; write true/false, 是/否, yes/no or 1/0")
        return None

    def whole_number(
        self,
        column: str,
        *,
        low: int,
        high: int | None = None,
        required: bool = False,
    ) -> int | None:
        """A whole number in ``low``..``high``; XLSX floats such as ``3.0`` are accepted.

        With no ``high``, the bound is what the database stores as an integer
        (64 bits): a larger number would fail the write, not the check.
        """
        high = _LARGEST_STORED_INTEGER if high is None else high
        value = self._value(column, required)
        if value is None:
            return None
        number = _whole_number(value)
        if number is None:
            self.report(column, f"not a whole number: {cell_text(value)!r}")
            return None
        if number < low or number > high:
            unbounded = high == _LARGEST_STORED_INTEGER
            bounds = f"at least {low}" if unbounded else f"from {low} to {high}"
            too_large = " (too large to store)" if unbounded and number > high else ""
            self.report(column, f"{column} must be {bounds}, got {number}{too_large}")
            return None
        return number

    def day(self, column: str, *, required: bool = False) -> date | None:
        """A date: ``YYYY-MM-DD`` (``YYYY/M/D`` too), or an XLSX date cell."""
        value = self._value(column, required)
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = cell_text(value)
        if len(text) == 10 and text[4] == text[7] == "-":
            try:
                return date.fromisoformat(text)
            except ValueError:
                pass
        match = _DATE.fullmatch(text)
        if match is None:
            self.report(column, f"not a date: {text!r}; write YYYY-MM-DD")
            return None
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            self.report(column, f"not a real date: {text!r}")
            return None


_LARGEST_STORED_INTEGER = 2**63 - 1

_NAME_COLUMNS = frozenset({"name", "title", "name_zh", "name_en"})
"""The columns that hold a name or a title, limited in length."""


def _whole_number(value: CellValue) -> int | None:
    if isinstance(value, bool | date):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = value.replace(" ", "")
    if _WHOLE_NUMBER.fullmatch(text) is None:
        return None
    return int(text.split(".")[0])


# --- one row of each file ----------------------------------------------------


@cache
def _a(word: str) -> str:
    """``word`` with its indefinite article: an area_branch, a Unit."""
    lowered = word.lower()
    sounds_like_a_vowel = lowered[:1] in "aeiou" and not lowered.startswith(("uni", "use"))
    return f"an {word}" if sounds_like_a_vowel else f"a {word}"


@cache
def _kind_words(member: StrEnum) -> str:
    return f"{member.value} ({ZH[member]})" if member in ZH else member.value


def _parse_place(cells: _Cells) -> PlaceRow | None:
    node_id = cells.identifier("id", required=True)
    name = cells.text("name", required=True)
    kind = cells.choice("kind", PlaceKind, required=True)
    parent_id = cells.identifier("parent_id")
    grid_id = cells.identifier("grid_id")
    households = cells.whole_number("households", low=0)
    tags = cells.choices("tags", PlaceTag)
    if kind is PlaceKind.CITY and parent_id is not None:
        cells.report("parent_id", f"a city has no parent, got {parent_id!r}")
    elif kind is not None and kind is not PlaceKind.COUNTY and not cells.has("parent_id"):
        parent_kind = PLACE_PARENT[kind]
        if parent_kind is not None:
            cells.report(
                "parent_id",
                f"missing required value: {_a(_kind_words(kind))} needs the "
                f"{_kind_words(parent_kind)} it is part of",
            )
    if grid_id is not None and kind is not None and kind is not PlaceKind.BUILDING:
        cells.report("grid_id", f"grid_id is for buildings only; this is {_a(_kind_words(kind))}")
    if node_id is None or name is None or kind is None:
        return None
    return PlaceRow(node_id, name, kind, parent_id, grid_id, households, tags, cells.row)


def _parse_party_org(cells: _Cells) -> PartyOrgRow | None:
    node_id = cells.identifier("id", required=True)
    name = cells.text("name", required=True)
    level = cells.choice("level", PartyOrgLevel, required=True)
    place_id = cells.identifier("place_id")
    parent_id = cells.identifier("parent_id")
    if node_id is None or name is None or level is None:
        return None
    return PartyOrgRow(node_id, name, level, place_id, parent_id, cells.row)


def _parse_organization(cells: _Cells) -> OrganizationRow | None:
    node_id = cells.identifier("id", required=True)
    name = cells.text("name", required=True)
    kind = cells.choice("kind", OrgKind, required=True)
    place_id = cells.identifier("place_id")
    red_property = cells.boolean("red_property")
    manages = cells.identifiers("manages")
    domains = cells.identifiers("domains")
    fallback_org_id = cells.identifier("fallback_org_id")
    if kind is None:
        return None
    this_kind = _a(_kind_words(kind))
    if kind is not OrgKind.PROPERTY_FIRM:
        # "false" says nothing wrong about a non-firm; only a claim to be a
        # red property firm contradicts the kind.
        if red_property:
            cells.report("red_property", f"red_property is for property firms; this is {this_kind}")
        red_property = None
        if manages:
            given = ";".join(manages)
            cells.report(
                "manages", f"manages ({given!r}) is for property firms; this is {this_kind}"
            )
    if domains and kind is not OrgKind.COUNTY_DEPARTMENT:
        given = ";".join(domains)
        cells.report(
            "domains", f"domains ({given!r}) are for county departments; this is {this_kind}"
        )
    if fallback_org_id is not None and kind is not OrgKind.TWO_NEW_ORG:
        cells.report(
            "fallback_org_id",
            f"fallback_org_id ({fallback_org_id!r}) is for two-new organizations; "
            f"this is {this_kind}",
        )
    if node_id is None or name is None:
        return None
    return OrganizationRow(
        node_id,
        name,
        kind,
        place_id,
        red_property,
        manages,
        domains,
        fallback_org_id,
        cells.row,
    )


def _parse_person(cells: _Cells) -> PersonRow | None:
    node_id = cells.identifier("id", required=True)
    name = cells.text("name", required=True)
    phone = cells.text("phone")
    party_member = cells.boolean("party_member")
    employer_id = cells.identifier("employer_id")
    if node_id is None or name is None:
        return None
    return PersonRow(node_id, name, phone, party_member, employer_id, cells.row)


def _parse_post(cells: _Cells) -> PostRow | None:
    person_id = cells.identifier("person_id", required=True)
    post = cells.choice("post", Post, required=True)
    target_id = cells.identifier("target_id", required=True)
    since = cells.day("since")
    if person_id is None or post is None or target_id is None:
        return None
    return PostRow(person_id, post, target_id, since, cells.row)


def _parse_facility(cells: _Cells) -> FacilityRow | None:
    node_id = cells.identifier("id", required=True)
    name = cells.text("name", required=True)
    kind = cells.choice("kind", FacilityKind, required=True)
    place_id = cells.identifier("place_id", required=True)
    if node_id is None or name is None or kind is None or place_id is None:
        return None
    return FacilityRow(node_id, name, kind, place_id, cells.row)


def _parse_category(cells: _Cells) -> CategoryRow | None:
    node_id = cells.identifier("id", required=True)
    name_zh = cells.text("name_zh", required=True)
    name_en = cells.text("name_en")
    parent_id = cells.identifier("parent_id")
    if node_id is None or name_zh is None:
        return None
    return CategoryRow(node_id, name_zh, name_en, parent_id, cells.row)


def _parse_service(cells: _Cells) -> ServiceRow | None:
    node_id = cells.identifier("id", required=True)
    name = cells.text("name", required=True)
    provider_id = cells.identifier("provider_id", required=True)
    category = cells.identifier("category", required=True)
    capacity = cells.whole_number("capacity", low=0, required=True)
    covers = cells.identifiers("covers")
    if (
        node_id is None
        or name is None
        or provider_id is None
        or category is None
        or capacity is None
    ):
        return None
    return ServiceRow(node_id, name, provider_id, category, capacity, covers, cells.row)


def _parse_project(cells: _Cells) -> ProjectRow | None:
    node_id = cells.identifier("id", required=True)
    name = cells.text("name", required=True)
    unit_id = cells.identifier("unit_id", required=True)
    community_id = cells.identifier("community_id", required=True)
    category = cells.identifier("category", required=True)
    capacity = cells.whole_number("capacity", low=0, required=True)
    status = cells.choice("status", ProjectStatus)
    if (
        node_id is None
        or name is None
        or unit_id is None
        or community_id is None
        or category is None
        or capacity is None
    ):
        return None
    return ProjectRow(node_id, name, unit_id, community_id, category, capacity, status, cells.row)


def _parse_need(cells: _Cells) -> NeedRow | None:
    node_id = cells.identifier("id", required=True)
    title = cells.text("title", required=True)
    kind = cells.choice("kind", NeedKind, required=True)
    category = cells.identifier("category", required=True)
    place_id = cells.identifier("place_id", required=True)
    urgency = cells.whole_number("urgency", low=1, high=3, required=True)
    raised_on = cells.day("raised_on", required=True)
    status = cells.choice("status", NeedStatus)
    assigned_to = cells.identifier("assigned_to")
    resolved_on = cells.day("resolved_on")
    satisfaction = cells.whole_number("satisfaction", low=1, high=5)
    if not cells.has("status"):
        status = NeedStatus.OPEN
    if status is NeedStatus.OPEN and assigned_to is not None:
        cells.report(
            "assigned_to",
            f"an open need cannot be assigned (got {assigned_to!r}); "
            "set status to assigned (已派单) or clear assigned_to",
        )
    if status is NeedStatus.ASSIGNED and assigned_to is None:
        cells.report("assigned_to", "missing required value: an assigned need needs assigned_to")
    if status is not None and status is not NeedStatus.RESOLVED:
        if resolved_on is not None:
            cells.report(
                "resolved_on",
                f"only a resolved need has resolved_on; this one is {status.value}, "
                f"got {resolved_on.isoformat()}",
            )
        if satisfaction is not None:
            cells.report(
                "satisfaction",
                f"only a resolved need has a satisfaction; this one is {status.value}, "
                f"got {satisfaction}",
            )
    if resolved_on is not None and raised_on is not None and resolved_on < raised_on:
        cells.report(
            "resolved_on",
            f"resolved_on {resolved_on.isoformat()} is before raised_on {raised_on.isoformat()}",
        )
    if (
        node_id is None
        or title is None
        or kind is None
        or category is None
        or place_id is None
        or urgency is None
        or raised_on is None
        or status is None
    ):
        return None
    return NeedRow(
        node_id,
        title,
        kind,
        category,
        place_id,
        urgency,
        raised_on,
        status,
        assigned_to,
        resolved_on,
        satisfaction,
        cells.row,
    )


# --- the whole workbook ------------------------------------------------------

_FAMILY_OF_FILE: dict[str, Label] = {
    PLACES.name: Label.PLACE,
    PARTY_ORGS.name: Label.PARTY_ORG,
    ORGANIZATIONS.name: Label.ORGANIZATION,
    PEOPLE.name: Label.PERSON,
    FACILITIES.name: Label.FACILITY,
    CATEGORIES.name: Label.CATEGORY,
    SERVICES.name: Label.SERVICE,
    PROJECTS.name: Label.PROJECT,
    NEEDS.name: Label.NEED,
}
"""The label every node of a file carries, whatever its kind; posts have no nodes."""


@dataclass
class _Origin:
    source: str
    row: int

    def __str__(self) -> str:
        return f"{self.source}:{self.row}"


class _Validator:
    """One validation run: the problems found and the nodes the workbook defines."""

    def __init__(self, raw: RawWorkbook, known: Mapping[str, KnownNode] | None) -> None:
        self.raw = raw
        self.problems: list[Problem] = list(raw.problems)
        self.known: Mapping[str, KnownNode] = known if known is not None else {}
        self.graph_given = known is not None
        self.nodes: dict[str, KnownNode] = {}
        self.origins: dict[str, _Origin] = {}

    def run(self) -> ValidatedWorkbook:
        workbook = ValidatedWorkbook(
            places=self.parse(PLACES, _parse_place),
            party_orgs=self.parse(PARTY_ORGS, _parse_party_org),
            organizations=self.parse(ORGANIZATIONS, _parse_organization),
            people=self.parse(PEOPLE, _parse_person),
            posts=self.parse(POSTS, _parse_post),
            facilities=self.parse(FACILITIES, _parse_facility),
            categories=self.parse(CATEGORIES, _parse_category),
            services=self.parse(SERVICES, _parse_service),
            projects=self.parse(PROJECTS, _parse_project),
            needs=self.parse(NEEDS, _parse_need),
            files=frozenset(self.raw.files),
            warnings=list(self.raw.warnings),
        )
        self.register_nodes(workbook)
        self.check_places(workbook.places)
        self.check_party_orgs(workbook.party_orgs)
        self.check_organizations(workbook.organizations)
        self.check_people(workbook.people)
        self.check_posts(workbook.posts)
        self.check_facilities(workbook.facilities)
        self.check_categories(workbook.categories)
        self.check_services(workbook.services)
        self.check_projects(workbook.projects)
        self.check_needs(workbook.needs)
        self.check_cycles(PLACES, Label.PLACE, "PART_OF", workbook.places)
        self.check_cycles(PARTY_ORGS, Label.PARTY_ORG, "REPORTS_TO", workbook.party_orgs)
        self.check_cycles(CATEGORIES, Label.CATEGORY, "BROADER", workbook.categories)
        return workbook

    def parse(self, spec: WorkbookFile, parse_row: Callable[[_Cells], RowT | None]) -> list[RowT]:
        raw_file = self.raw.files.get(spec.name)
        if raw_file is None:
            return []
        source, header = raw_file.source, frozenset(raw_file.columns)
        parsed = (
            parse_row(_Cells(source, header, raw_row, self.problems)) for raw_row in raw_file.rows
        )
        return [row for row in parsed if row is not None]

    def source(self, spec: WorkbookFile) -> str:
        raw_file = self.raw.files.get(spec.name)
        return raw_file.source if raw_file is not None else spec.name

    def report(self, spec: WorkbookFile, row: int, column: str, message: str) -> None:
        self.problems.append(Problem(self.source(spec), row, column, message))

    # --- ids ---

    def register_nodes(self, workbook: ValidatedWorkbook) -> None:
        """Enter every id of the workbook into one id space, reporting repeats.

        Rows that failed to parse still claim their id (with only their file's
        family label), so that references to them do not add false
        "no such id" problems to the real one.
        """
        parsed: dict[tuple[str, int], KnownNode] = {
            (spec_name, row): node for spec_name, row, _, node in workbook.nodes_by_row()
        }
        for spec in FILES:
            raw_file = self.raw.files.get(spec.name)
            if raw_file is None or spec.name not in _FAMILY_OF_FILE:
                continue
            fallback = KnownNode(frozenset({_FAMILY_OF_FILE[spec.name]}))
            for raw_row in raw_file.rows:
                value = raw_row.cells.get("id")
                if value is None:
                    continue
                node_id = cell_text(value)
                node = parsed.get((spec.name, raw_row.number), fallback)
                self.register(node_id, node, _Origin(raw_file.source, raw_row.number))

    def register(self, node_id: str, node: KnownNode, origin: _Origin) -> None:
        first = self.origins.get(node_id)
        if first is not None:
            message = f"duplicate id {node_id!r}: already used at {first}"
            self.problems.append(Problem(origin.source, origin.row, "id", message))
            return
        self.origins[node_id] = origin
        self.nodes[node_id] = node
        in_graph = self.known.get(node_id)
        if in_graph is None:
            return
        graph_label, workbook_label = in_graph.primary_label, node.primary_label
        if graph_label is not None and workbook_label is not None and graph_label != workbook_label:
            message = (
                f"id {node_id!r} is already in the graph as {_a(_label_words(graph_label))}; "
                f"it cannot also be {_a(_label_words(workbook_label))}"
            )
            self.problems.append(Problem(origin.source, origin.row, "id", message))

    def node(self, node_id: str) -> KnownNode | None:
        return self.nodes.get(node_id) or self.known.get(node_id)

    # --- references ---

    def reference(
        self,
        spec: WorkbookFile,
        row: int,
        column: str,
        target_id: str,
        expected: Sequence[Label],
        requirement: str,
    ) -> KnownNode | None:
        """Check that ``target_id`` names a node carrying one of ``expected``.

        Returns:
            The node when it fits (or its kind cannot be told because its own
            row is broken), else ``None`` after reporting a problem.
        """
        node = self.node(target_id)
        if node is None:
            where = "the workbook or the graph" if self.graph_given else "the workbook"
            self.report(spec, row, column, f"{target_id!r} is not an id in {where}")
            return None
        fits = _fits(node, expected)
        if fits is False:
            message = (
                f"{target_id!r} is {_describe_node(node)}; "
                f"{requirement} {_describe_expected(expected)}"
            )
            self.report(spec, row, column, message)
            return None
        return node

    def community_of(self, place_id: str) -> str | None:
        """The community a place lies in (itself, for a community), if it can be told."""
        current: str | None = place_id
        for _ in range(len(PlaceKind)):
            if current is None:
                return None
            node = self.node(current)
            if node is None or Label.PLACE not in node.labels:
                return None
            if Label.COMMUNITY in node.labels:
                return current
            current = node.parent_id
        return None

    # --- per file ---

    def check_places(self, places: Sequence[PlaceRow]) -> None:
        for place in places:
            parent_kind = PLACE_PARENT[place.kind]
            if place.parent_id is not None and parent_kind is not None:
                self.reference(
                    PLACES,
                    place.row,
                    "parent_id",
                    place.parent_id,
                    (PLACE_LABELS[parent_kind],),
                    f"the parent of {_a(_kind_words(place.kind))} must be",
                )
            if place.grid_id is not None and place.kind is PlaceKind.BUILDING:
                grid = self.reference(
                    PLACES,
                    place.row,
                    "grid_id",
                    place.grid_id,
                    (Label.GRID,),
                    "grid_id must name",
                )
                if grid is not None:
                    self.check_grid_community(place, place.grid_id)

    def check_grid_community(self, building: PlaceRow, grid_id: str) -> None:
        building_community = self.community_of(building.id)
        grid_community = self.community_of(grid_id)
        if (
            building_community is not None
            and grid_community is not None
            and building_community != grid_community
        ):
            message = (
                f"grid {grid_id!r} lies in community {grid_community!r}, but building "
                f"{building.id!r} lies in community {building_community!r}"
            )
            self.report(PLACES, building.row, "grid_id", message)

    def check_party_orgs(self, party_orgs: Sequence[PartyOrgRow]) -> None:
        for party_org in party_orgs:
            if party_org.place_id is not None:
                place_kind = LEVEL_PLACE[party_org.level]
                self.reference(
                    PARTY_ORGS,
                    party_org.row,
                    "place_id",
                    party_org.place_id,
                    (PLACE_LABELS[place_kind],),
                    f"the place {_a(_kind_words(party_org.level))} leads must be",
                )
            if party_org.parent_id is not None:
                # Any level will do: a parent at the wrong level is a governance
                # gap (audit rule G15), which must load so the audit can find it.
                self.reference(
                    PARTY_ORGS,
                    party_org.row,
                    "parent_id",
                    party_org.parent_id,
                    (Label.PARTY_ORG,),
                    "parent_id must name",
                )

    def check_organizations(self, organizations: Sequence[OrganizationRow]) -> None:
        for organization in organizations:
            row = organization.row
            if organization.place_id is not None:
                self.reference(
                    ORGANIZATIONS,
                    row,
                    "place_id",
                    organization.place_id,
                    (Label.PLACE,),
                    "place_id must name",
                )
            if organization.kind is OrgKind.PROPERTY_FIRM:
                for area_id in organization.manages:
                    self.reference(
                        ORGANIZATIONS,
                        row,
                        "manages",
                        area_id,
                        (Label.RESIDENTIAL_AREA,),
                        "a property firm manages",
                    )
            if organization.kind is OrgKind.COUNTY_DEPARTMENT:
                for category_id in organization.domains:
                    self.reference(
                        ORGANIZATIONS,
                        row,
                        "domains",
                        category_id,
                        (Label.CATEGORY,),
                        "domains must name",
                    )
            if organization.fallback_org_id is not None:
                self.reference(
                    ORGANIZATIONS,
                    row,
                    "fallback_org_id",
                    organization.fallback_org_id,
                    (Label.PARTY_ORG,),
                    "fallback_org_id must name",
                )

    def check_people(self, people: Sequence[PersonRow]) -> None:
        for person in people:
            if person.employer_id is not None:
                self.reference(
                    PEOPLE,
                    person.row,
                    "employer_id",
                    person.employer_id,
                    (Label.ORGANIZATION,),
                    "employer_id must name",
                )

    def check_posts(self, posts: Sequence[PostRow]) -> None:
        first_row: dict[tuple[str, Post, str], int] = {}
        for post in posts:
            self.reference(
                POSTS, post.row, "person_id", post.person_id, (Label.PERSON,), "person_id must name"
            )
            rule = POST_TARGETS[post.post]
            target = self.reference(
                POSTS,
                post.row,
                "target_id",
                post.target_id,
                rule.labels,
                f"{_a(_kind_words(post.post))} post is held at",
            )
            if (
                target is not None
                and rule.levels
                and Label.PARTY_ORG in target.labels
                and target.level is not None
                and target.level not in rule.levels
            ):
                allowed = " or ".join(_kind_words(level) for level in rule.levels)
                message = (
                    f"{post.target_id!r} is {_describe_node(target)}; "
                    f"{_a(_kind_words(post.post))} post is held at a party organization "
                    f"of level {allowed}"
                )
                self.report(POSTS, post.row, "target_id", message)
            key = (post.person_id, post.post, post.target_id)
            if key in first_row:
                message = (
                    f"{post.person_id!r} already holds {post.post.value} at "
                    f"{post.target_id!r} (row {first_row[key]})"
                )
                self.report(POSTS, post.row, "", message)
            else:
                first_row[key] = post.row

    def check_facilities(self, facilities: Sequence[FacilityRow]) -> None:
        for facility in facilities:
            self.reference(
                FACILITIES,
                facility.row,
                "place_id",
                facility.place_id,
                (Label.PLACE,),
                "place_id must name",
            )

    def check_categories(self, categories: Sequence[CategoryRow]) -> None:
        for category in categories:
            if category.parent_id is not None:
                self.reference(
                    CATEGORIES,
                    category.row,
                    "parent_id",
                    category.parent_id,
                    (Label.CATEGORY,),
                    "parent_id must name",
                )

    def check_services(self, services: Sequence[ServiceRow]) -> None:
        for service in services:
            self.reference(
                SERVICES,
                service.row,
                "provider_id",
                service.provider_id,
                (Label.ORGANIZATION, Label.PARTY_ORG),
                "provider_id must name",
            )
            self.reference(
                SERVICES,
                service.row,
                "category",
                service.category,
                (Label.CATEGORY,),
                "category must name",
            )
            for place_id in service.covers:
                self.reference(
                    SERVICES, service.row, "covers", place_id, (Label.PLACE,), "covers must name"
                )

    def check_projects(self, projects: Sequence[ProjectRow]) -> None:
        for project in projects:
            self.reference(
                PROJECTS,
                project.row,
                "unit_id",
                project.unit_id,
                (Label.STATIONED_UNIT,),
                "unit_id must name",
            )
            self.reference(
                PROJECTS,
                project.row,
                "community_id",
                project.community_id,
                (Label.COMMUNITY,),
                "community_id must name",
            )
            self.reference(
                PROJECTS,
                project.row,
                "category",
                project.category,
                (Label.CATEGORY,),
                "category must name",
            )

    def check_needs(self, needs: Sequence[NeedRow]) -> None:
        for need in needs:
            self.reference(
                NEEDS, need.row, "category", need.category, (Label.CATEGORY,), "category must name"
            )
            self.reference(
                NEEDS, need.row, "place_id", need.place_id, (Label.PLACE,), "place_id must name"
            )
            if need.assigned_to is not None:
                self.reference(
                    NEEDS,
                    need.row,
                    "assigned_to",
                    need.assigned_to,
                    (Label.SERVICE, Label.PROJECT),
                    "assigned_to must name",
                )

    # --- cycles ---

    def check_cycles(
        self,
        spec: WorkbookFile,
        family: Label,
        relationship: str,
        rows: Sequence[PlaceRow] | Sequence[PartyOrgRow] | Sequence[CategoryRow],
    ) -> None:
        """Report each cycle through ``parent_id`` once, at its earliest row."""
        parent_of: dict[str, str | None] = {
            node_id: node.parent_id for node_id, node in self.known.items() if family in node.labels
        }
        row_of: dict[str, int] = {}
        for row in rows:
            # A repeated id is already a problem; its first row is the node.
            if row.id not in row_of:
                parent_of[row.id] = row.parent_id
                row_of[row.id] = row.row
        for cycle in _cycles([row.id for row in rows], parent_of):
            members_in_workbook = [member for member in cycle if member in row_of]
            if not members_in_workbook:
                continue
            first = min(members_in_workbook, key=row_of.__getitem__)
            start = cycle.index(first)
            ordered = [*cycle[start:], *cycle[:start], first]
            message = f"{relationship} cycle: {' → '.join(ordered)}"
            self.report(spec, row_of[first], "parent_id", message)


def _cycles(starts: Sequence[str], parent_of: Mapping[str, str | None]) -> list[list[str]]:
    """Every cycle reachable from ``starts`` in a graph where each node has ≤ 1 parent."""
    on_path, done = 1, 2
    state: dict[str, int] = {}
    cycles: list[list[str]] = []
    for start in starts:
        path: list[str] = []
        current: str | None = start
        while current is not None and current not in state:
            state[current] = on_path
            path.append(current)
            current = parent_of.get(current)
        if current is not None and state[current] == on_path:
            cycles.append(path[path.index(current) :])
        for member in path:
            state[member] = done
    return cycles


def _fits(node: KnownNode, expected: Sequence[Label]) -> bool | None:
    """Whether a node carries one of the expected labels; ``None`` when it cannot be told.

    A row whose kind failed to parse is known only by its family label
    (``Place``); whether it fits an expected ``Grid`` cannot be told, and its
    own row already carries a problem.
    """
    if node.labels.intersection(expected):
        return True
    if node.primary_label is None:
        families = {FAMILY.get(label, label) for label in expected}
        if node.labels.intersection(families):
            return None
    return False


@cache
def _label_words(label: Label) -> str:
    return f"{label.value} ({LABEL_ZH[label]})"


def _describe_node(node: KnownNode) -> str:
    label = node.primary_label
    if label is None:
        names = sorted(label.value for label in node.labels)
        return f"a node labelled {', '.join(names) or 'nothing'}"
    text = _a(_label_words(label))
    if label is Label.PARTY_ORG and node.level is not None:
        text += f" of level {_kind_words(node.level)}"
    return text


def _describe_expected(expected: Sequence[Label]) -> str:
    words = [_label_words(label) for label in expected]
    if len(words) == 1:
        return _a(words[0])
    return _a(", ".join(words[:-1]) + " or " + words[-1])
