"""Validating a raw workbook into typed rows a writer can trust.

Each file's rows become typed, normalized records (:mod:`loaders.records`,
read one row at a time by :mod:`loaders.parse`), and the whole workbook is
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

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeVar

from graph.errors import Problem, ValidationError
from graph.schema import (
    FAMILY,
    LABEL_ZH,
    LEVEL_PLACE,
    PLACE_LABELS,
    PLACE_PARENT,
    POST_TARGETS,
    Label,
    OrgKind,
    PlaceKind,
    Post,
)
from loaders.parse import (
    Cells,
    kind_words,
    parse_category,
    parse_facility,
    parse_need,
    parse_organization,
    parse_party_org,
    parse_person,
    parse_place,
    parse_post,
    parse_project,
    parse_service,
    with_article,
)
from loaders.records import (
    CategoryRow,
    FacilityRow,
    KnownNode,
    NeedRow,
    OrganizationRow,
    PartyOrgRow,
    PersonRow,
    PlaceRow,
    PostRow,
    ProjectRow,
    ServiceRow,
    ValidatedWorkbook,
)
from loaders.workbook import RawWorkbook, cell_text, read_workbook
from loaders.workbook_format import (
    CATEGORIES,
    FACILITIES,
    FILES,
    NEEDS,
    ORGANIZATIONS,
    PARTY_ORGS,
    PEOPLE,
    PLACES,
    POSTS,
    PROJECTS,
    SERVICES,
    WorkbookFile,
    file_for_name,
)

RowT = TypeVar("RowT")

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
    return check(parse(raw), known)


@dataclass(frozen=True)
class ParsedWorkbook:
    """A workbook's rows parsed one by one, before the checks across rows
    and files: what :func:`check` runs on, as often as needed.

    Attributes:
        raw: the workbook as read.
        workbook: its typed rows (those that parsed).
        problems: the reader's problems of form and the rows' own.
    """

    raw: RawWorkbook
    workbook: ValidatedWorkbook
    problems: tuple[Problem, ...]


def parse(raw: RawWorkbook) -> ParsedWorkbook:
    """Parse every row of a raw workbook on its own (cells, types, values)."""
    problems: list[Problem] = list(raw.problems)

    def rows(spec: WorkbookFile, parse_row: Callable[[Cells], RowT | None]) -> list[RowT]:
        raw_file = raw.files.get(spec.name)
        if raw_file is None:
            return []
        source, header = raw_file.source, frozenset(raw_file.columns)
        parsed = (parse_row(Cells(source, header, raw_row, problems)) for raw_row in raw_file.rows)
        return [row for row in parsed if row is not None]

    workbook = ValidatedWorkbook(
        places=rows(PLACES, parse_place),
        party_orgs=rows(PARTY_ORGS, parse_party_org),
        organizations=rows(ORGANIZATIONS, parse_organization),
        people=rows(PEOPLE, parse_person),
        posts=rows(POSTS, parse_post),
        facilities=rows(FACILITIES, parse_facility),
        categories=rows(CATEGORIES, parse_category),
        services=rows(SERVICES, parse_service),
        projects=rows(PROJECTS, parse_project),
        needs=rows(NEEDS, parse_need),
        files=frozenset(raw.files),
        warnings=list(raw.warnings),
    )
    return ParsedWorkbook(raw, workbook, tuple(problems))


def check(
    parsed: ParsedWorkbook, known: Mapping[str, KnownNode] | None = None
) -> ValidatedWorkbook:
    """Check a parsed workbook as a whole: ids, references, hierarchies.

    Args:
        parsed: the rows (:func:`parse`); they are not changed, so one
            parse may be checked against several ``known``.
        known: as for :func:`validate`.

    Returns:
        The typed, normalized rows.

    Raises:
        ValidationError: with every problem found, the rows' own included.
    """
    validator = _Validator(parsed, known)
    validator.run()
    if validator.problems:
        raise ValidationError(sort_problems(validator.problems))
    return parsed.workbook


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

    def __init__(self, parsed: ParsedWorkbook, known: Mapping[str, KnownNode] | None) -> None:
        self.raw = parsed.raw
        self.workbook = parsed.workbook
        self.problems: list[Problem] = list(parsed.problems)
        self.known: Mapping[str, KnownNode] = known if known is not None else {}
        self.graph_given = known is not None
        self.nodes: dict[str, KnownNode] = {}
        self.origins: dict[str, _Origin] = {}

    def run(self) -> None:
        workbook = self.workbook
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
                f"id {node_id!r} is already in the graph as "
                f"{with_article(_label_words(graph_label))}; "
                f"it cannot also be {with_article(_label_words(workbook_label))}"
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
                    f"the parent of {with_article(kind_words(place.kind))} must be",
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
                    f"the place {with_article(kind_words(party_org.level))} leads must be",
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
                f"{with_article(kind_words(post.post))} post is held at",
            )
            if (
                target is not None
                and rule.levels
                and Label.PARTY_ORG in target.labels
                and target.level is not None
                and target.level not in rule.levels
            ):
                allowed = " or ".join(kind_words(level) for level in rule.levels)
                message = (
                    f"{post.target_id!r} is {_describe_node(target)}; "
                    f"{with_article(kind_words(post.post))} post is held at a party organization "
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
    text = with_article(_label_words(label))
    if label is Label.PARTY_ORG and node.level is not None:
        text += f" of level {kind_words(node.level)}"
    return text


def _describe_expected(expected: Sequence[Label]) -> str:
    words = [_label_words(label) for label in expected]
    if len(words) == 1:
        return with_article(words[0])
    return with_article(", ".join(words[:-1]) + " or " + words[-1])
