"""Reading one row of each workbook file into its typed record
(:mod:`loaders.records`): :class:`Cells` gives typed access to a raw row's
cells and turns every bad value into a problem at its ``file:row:column``;
one ``parse_*`` function per file checks what a single row can tell (a
required value, an enumerated kind, a grid only on buildings). What needs
other rows or the graph is :mod:`loaders.validate`'s job.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from typing import TypeVar

from graph.errors import Problem
from graph.schema import (
    PLACE_PARENT,
    ZH,
    FacilityKind,
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
from loaders.records import (
    CategoryRow,
    FacilityRow,
    NeedRow,
    OrganizationRow,
    PartyOrgRow,
    PersonRow,
    PlaceRow,
    PostRow,
    ProjectRow,
    ServiceRow,
)
from loaders.workbook import CellValue, RawRow, cell_text
from loaders.workbook_format import (
    FALSE_WORDS,
    MANY_VALUE_SEPARATORS,
    TRUE_WORDS,
    describe_values,
    lookup_term,
)

# --- reading typed values from a row -----------------------------------------

EnumT = TypeVar("EnumT", bound=StrEnum)

_DATE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
_SEPARATOR = re.compile("|".join(re.escape(mark) for mark in MANY_VALUE_SEPARATORS))
_WHOLE_NUMBER = re.compile(r"[+-]?\d+(?:\.0*)?")


class Cells:
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
def with_article(word: str) -> str:
    """``word`` with its indefinite article: an area_branch, a Unit."""
    lowered = word.lower()
    sounds_like_a_vowel = lowered[:1] in "aeiou" and not lowered.startswith(("uni", "use"))
    return f"an {word}" if sounds_like_a_vowel else f"a {word}"


@cache
def kind_words(member: StrEnum) -> str:
    return f"{member.value} ({ZH[member]})" if member in ZH else member.value


def lifetime(cells: Cells) -> tuple[date | None, date | None]:
    """A place's or organization's ``established`` and ``dissolved`` days;
    ``dissolved`` may not come before ``established``."""
    established = cells.day("established")
    dissolved = cells.day("dissolved")
    if established is not None and dissolved is not None and dissolved < established:
        cells.report(
            "dissolved",
            f"dissolved {dissolved.isoformat()} is before established {established.isoformat()}",
        )
    return established, dissolved


def parse_place(cells: Cells) -> PlaceRow | None:
    node_id = cells.identifier("id", required=True)
    name = cells.text("name", required=True)
    kind = cells.choice("kind", PlaceKind, required=True)
    parent_id = cells.identifier("parent_id")
    grid_id = cells.identifier("grid_id")
    households = cells.whole_number("households", low=0)
    tags = cells.choices("tags", PlaceTag)
    established, dissolved = lifetime(cells)
    if kind is PlaceKind.CITY and parent_id is not None:
        cells.report("parent_id", f"a city has no parent, got {parent_id!r}")
    elif kind is not None and kind is not PlaceKind.COUNTY and not cells.has("parent_id"):
        parent_kind = PLACE_PARENT[kind]
        if parent_kind is not None:
            cells.report(
                "parent_id",
                f"missing required value: {with_article(kind_words(kind))} needs the "
                f"{kind_words(parent_kind)} it is part of",
            )
    if grid_id is not None and kind is not None and kind is not PlaceKind.BUILDING:
        cells.report(
            "grid_id", f"grid_id is for buildings only; this is {with_article(kind_words(kind))}"
        )
    if node_id is None or name is None or kind is None:
        return None
    return PlaceRow(
        node_id,
        name,
        kind,
        parent_id,
        grid_id,
        households,
        tags,
        cells.row,
        established=established,
        dissolved=dissolved,
    )


def parse_party_org(cells: Cells) -> PartyOrgRow | None:
    node_id = cells.identifier("id", required=True)
    name = cells.text("name", required=True)
    level = cells.choice("level", PartyOrgLevel, required=True)
    place_id = cells.identifier("place_id")
    parent_id = cells.identifier("parent_id")
    established, dissolved = lifetime(cells)
    if node_id is None or name is None or level is None:
        return None
    return PartyOrgRow(
        node_id,
        name,
        level,
        place_id,
        parent_id,
        cells.row,
        established=established,
        dissolved=dissolved,
    )


def parse_organization(cells: Cells) -> OrganizationRow | None:
    node_id = cells.identifier("id", required=True)
    name = cells.text("name", required=True)
    kind = cells.choice("kind", OrgKind, required=True)
    place_id = cells.identifier("place_id")
    red_property = cells.boolean("red_property")
    manages = cells.identifiers("manages")
    domains = cells.identifiers("domains")
    fallback_org_id = cells.identifier("fallback_org_id")
    established, dissolved = lifetime(cells)
    if kind is None:
        return None
    this_kind = with_article(kind_words(kind))
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
        established=established,
        dissolved=dissolved,
    )


def parse_person(cells: Cells) -> PersonRow | None:
    node_id = cells.identifier("id", required=True)
    name = cells.text("name", required=True)
    phone = cells.text("phone")
    party_member = cells.boolean("party_member")
    employer_id = cells.identifier("employer_id")
    if node_id is None or name is None:
        return None
    return PersonRow(node_id, name, phone, party_member, employer_id, cells.row)


def parse_post(cells: Cells) -> PostRow | None:
    person_id = cells.identifier("person_id", required=True)
    post = cells.choice("post", Post, required=True)
    target_id = cells.identifier("target_id", required=True)
    since = cells.day("since")
    until = cells.day("until")
    if since is not None and until is not None and until < since:
        cells.report("until", f"until {until.isoformat()} is before since {since.isoformat()}")
    if person_id is None or post is None or target_id is None:
        return None
    return PostRow(person_id, post, target_id, since, cells.row, until=until)


def parse_facility(cells: Cells) -> FacilityRow | None:
    node_id = cells.identifier("id", required=True)
    name = cells.text("name", required=True)
    kind = cells.choice("kind", FacilityKind, required=True)
    place_id = cells.identifier("place_id", required=True)
    if node_id is None or name is None or kind is None or place_id is None:
        return None
    return FacilityRow(node_id, name, kind, place_id, cells.row)


def parse_category(cells: Cells) -> CategoryRow | None:
    node_id = cells.identifier("id", required=True)
    name_zh = cells.text("name_zh", required=True)
    name_en = cells.text("name_en")
    parent_id = cells.identifier("parent_id")
    if node_id is None or name_zh is None:
        return None
    return CategoryRow(node_id, name_zh, name_en, parent_id, cells.row)


def parse_service(cells: Cells) -> ServiceRow | None:
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


def parse_project(cells: Cells) -> ProjectRow | None:
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


def parse_need(cells: Cells) -> NeedRow | None:
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
