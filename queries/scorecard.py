"""The community scorecard (社区治理评分卡): per community the coverage ratios a
planner reports upward, and the audit's findings per rule, rolled up per
street and per county.

Each ratio is (things of a kind in the community − the audit's findings about
them) / (things of that kind), so that the scorecard and the audit can never
disagree: "areas with a branch" is the community's residential areas minus its
G01 findings, "open needs with a candidate" its open needs minus its G13
findings, and so on (:data:`MEASURES`). The denominators come from one query
(``scorecard_communities``). Streets and counties add up their communities'
numerators and denominators and divide the sums: a street's ratio is not the
average of its communities' ratios. Findings that lie in no community (a
street-level stationed unit, a person whose posts span communities) are in the
audit but in no scorecard row.

Beside each row, the change since the last saved audit run comparable with
it (:mod:`queries.audit_runs`): how many of its findings are new, closed (已整改)
and persisting since then — the progress a planner reports month by month.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from graph.connection import Graph, Record
from queries.audit import (
    DEFAULT_MIN_PLACES,
    DEFAULT_SLA_DAYS,
    AuditReport,
    Rule,
    run_audit,
)
from queries.audit_runs import AuditRun, AuditRunNotFoundError, Comparison, compare, scope_of
from queries.catalog import run

Level = Literal["community", "street", "county"]


@dataclass(frozen=True)
class Measure:
    """One coverage ratio of the scorecard.

    Attributes:
        key: its name in JSON, e.g. ``areas_with_branch``.
        title_zh: the Chinese column title.
        title_en: the English column title.
        denominator: the ``scorecard_communities`` column that counts the things.
        rule_id: the audit rule whose findings are the things that fall short.
        short_zh: a column heading of a few characters, for narrow tables.
        short_en: the same in English.
    """

    key: str
    title_zh: str
    title_en: str
    denominator: str
    rule_id: str
    short_zh: str
    short_en: str


MEASURES: tuple[Measure, ...] = (
    Measure(
        "areas_with_branch",
        "建有党支部的小区",
        "areas with a party branch",
        "areas",
        "G01",
        "支部",
        "branch",
    ),
    Measure(
        "grids_with_worker",
        "配有网格员的网格",
        "grids with a grid worker",
        "grids",
        "G03",
        "网格员",
        "worker",
    ),
    Measure(
        "grids_with_head",
        "配有网格长的网格",
        "grids with a grid head",
        "grids",
        "G04",
        "网格长",
        "grid head",
    ),
    Measure(
        "buildings_with_head",
        "配有楼长的楼栋",
        "buildings with a building head",
        "buildings",
        "G05",
        "楼长",
        "bldg head",
    ),
    Measure(
        "units_with_head",
        "配有单元长的单元",
        "units with a unit head",
        "units",
        "G06",
        "单元长",
        "unit head",
    ),
    Measure(
        "areas_with_troika",
        "“三驾马车”齐全的小区",
        "areas with all three carriages",
        "areas",
        "G09",
        "三驾马车",
        "troika",
    ),
    Measure(
        "areas_with_station",
        "有红帆驿站或居民议事站的小区",
        "areas with a station or deliberation point",
        "areas",
        "G17",
        "驿站",
        "station",
    ),
    Measure(
        "open_needs_with_candidate",
        "有可匹配资源的待办需求",
        "open needs with a candidate",
        "open_needs",
        "G13",
        "需求可派",
        "matchable",
    ),
)
"""The ratios, in column order."""


@dataclass(frozen=True)
class Ratio:
    """A numerator over a denominator.

    Attributes:
        numerator: how many have it.
        denominator: how many there are.
    """

    numerator: int
    denominator: int

    @property
    def ratio(self) -> float | None:
        """The share, ``None`` when there is nothing to count."""
        return self.numerator / self.denominator if self.denominator else None

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.numerator + other.numerator, self.denominator + other.denominator)

    def to_json(self) -> dict[str, Any]:
        """``{"numerator", "denominator", "ratio"}`` (ratio rounded to 4 places)."""
        share = self.ratio
        return {
            "numerator": self.numerator,
            "denominator": self.denominator,
            "ratio": None if share is None else round(share, 4),
        }


@dataclass(frozen=True)
class Change:
    """A row's findings since the last saved run.

    Attributes:
        new: findings the run did not have.
        closed: the run's findings that are gone (已整改).
        persisting: findings in both.
    """

    new: int = 0
    closed: int = 0
    persisting: int = 0

    def __add__(self, other: Change) -> Change:
        return Change(
            self.new + other.new,
            self.closed + other.closed,
            self.persisting + other.persisting,
        )

    def to_json(self) -> dict[str, int]:
        """``{"new", "closed", "persisting"}``."""
        return {"new": self.new, "closed": self.closed, "persisting": self.persisting}


@dataclass(frozen=True)
class ScorecardRow:
    """One community, street or county of the scorecard.

    Attributes:
        level: ``community``, ``street`` or ``county``.
        id: its place id (``None`` for communities in no street or county).
        name: its name.
        street_id: the street it lies in (communities only).
        county_id: the county it lies in (communities and streets).
        communities: how many communities it sums (1 for a community).
        measures: each :class:`Measure`'s ratio, by key.
        findings: audit findings per rule id (every rule, zeros included).
        change: its findings since the last saved run (``None``: no run).
    """

    level: Level
    id: str | None
    name: str | None
    street_id: str | None = None
    county_id: str | None = None
    communities: int = 1
    measures: dict[str, Ratio] = field(default_factory=dict)
    findings: dict[str, int] = field(default_factory=dict)
    change: Change | None = None

    def to_json(self) -> dict[str, Any]:
        """The row as JSON."""
        return {
            "level": self.level,
            "id": self.id,
            "name": self.name,
            "street_id": self.street_id,
            "county_id": self.county_id,
            "communities": self.communities,
            "measures": {key: ratio.to_json() for key, ratio in self.measures.items()},
            "findings": dict(self.findings),
            "change": None if self.change is None else self.change.to_json(),
        }


@dataclass(frozen=True)
class Scorecard:
    """Communities, streets and counties, each with the same measures.

    Attributes:
        communities: one row per community, by county, street, id.
        streets: one row per street, summing its communities.
        counties: one row per county, summing its communities.
        rules: the audit rules counted in ``findings``, in id order.
        as_of: the date of the audit behind it.
        since_run: the saved run each row's ``change`` counts from (``None``:
            none is saved within the scorecard's scope).
    """

    communities: tuple[ScorecardRow, ...]
    streets: tuple[ScorecardRow, ...]
    counties: tuple[ScorecardRow, ...]
    rules: tuple[Rule, ...]
    as_of: date
    since_run: AuditRun | None = None

    def to_json(self) -> dict[str, Any]:
        """The scorecard as JSON: the column titles, then the three levels."""
        return {
            "as_of": self.as_of.isoformat(),
            "since_run": None if self.since_run is None else self.since_run.to_json(),
            "measures": [
                {"key": m.key, "title_zh": m.title_zh, "title_en": m.title_en, "rule": m.rule_id}
                for m in MEASURES
            ],
            "rules": [
                {"id": r.id, "name": r.name, "title_zh": r.title_zh, "title_en": r.title_en}
                for r in self.rules
            ],
            "communities": [row.to_json() for row in self.communities],
            "streets": [row.to_json() for row in self.streets],
            "counties": [row.to_json() for row in self.counties],
        }

    def community_names(self) -> dict[str, str]:
        """Community id → name, for reports that only hold ids."""
        return {row.id: row.name or "" for row in self.communities if row.id is not None}


def community_scorecard(
    graph: Graph,
    community_id: str | None = None,
    street_id: str | None = None,
    as_of: date | None = None,
    sla_days: int = DEFAULT_SLA_DAYS,
    min_places: int = DEFAULT_MIN_PLACES,
) -> Scorecard:
    """Run the whole audit and build the scorecard from it.

    Args:
        graph: the connection.
        community_id: one community only.
        street_id: one street's communities only.
        as_of: the audit's date (G14; today when ``None``).
        sla_days: G14's limit.
        min_places: G19's threshold.

    Raises:
        AuditInputError: a bad ``sla_days`` or ``min_places``.
        NotFoundError: no community or street has the id given.
    """
    report = run_audit(
        graph,
        community_id=community_id,
        street_id=street_id,
        as_of=as_of,
        sla_days=sla_days,
        min_places=min_places,
    )
    return scorecard_from(graph, report)


def scorecard_from(graph: Graph, report: AuditReport) -> Scorecard:
    """The scorecard of an audit that has already run (with every rule the
    measures need), over the same communities, with each row's change since
    the last saved run comparable within the audit's scope.

    Raises:
        ValueError: the report lacks a rule a measure needs.
    """
    run_ids = {result.rule.id for result in report.results}
    lacking = sorted({m.rule_id for m in MEASURES} - run_ids)
    if lacking:
        raise ValueError(f"the scorecard needs the audit's rules {', '.join(lacking)}")
    rows = run(
        graph,
        "scorecard_communities",
        {
            "community_id": report.community_id,
            "street_id": report.street_id,
            "as_of": report.as_of,
        },
    )
    try:
        since: Comparison | None = compare(
            graph, scope=scope_of(report), as_of=report.as_of, report=report
        )
    except AuditRunNotFoundError:
        since = None
    return build_scorecard(rows, report, since)


def build_scorecard(
    rows: Iterable[Record], report: AuditReport, since: Comparison | None = None
) -> Scorecard:
    """Combine ``scorecard_communities`` rows with an audit's findings (pure).

    Args:
        rows: the denominators, one row per community.
        report: the audit.
        since: the audit compared with the last saved run, if one is.
    """
    rules = tuple(result.rule for result in report.results)
    counts = report.counts_by_community()
    changes = (
        {key: Change(**tally) for key, tally in since.by_community().items()}
        if since is not None
        else None
    )
    communities = []
    street_names: dict[str | None, str | None] = {}
    county_names: dict[str | None, str | None] = {}
    for row in rows:
        found = counts.get(row["community_id"], Counter[str]())
        street_names[row["street_id"]] = row["street_name"]
        county_names[row["county_id"]] = row["county_name"]
        communities.append(
            ScorecardRow(
                level="community",
                id=row["community_id"],
                name=row["community_name"],
                street_id=row["street_id"],
                county_id=row["county_id"],
                measures={
                    m.key: Ratio(
                        max(0, int(row[m.denominator]) - found[m.rule_id]),
                        int(row[m.denominator]),
                    )
                    for m in MEASURES
                },
                findings={rule.id: found[rule.id] for rule in rules},
                change=None if changes is None else changes.get(row["community_id"], Change()),
            )
        )
    return Scorecard(
        communities=tuple(communities),
        streets=_roll_up(communities, "street", _street_of, street_names),
        counties=_roll_up(communities, "county", _county_of, county_names),
        rules=rules,
        as_of=report.as_of,
        since_run=None if since is None else since.from_run,
    )


def _street_of(row: ScorecardRow) -> str | None:
    return row.street_id


def _county_of(row: ScorecardRow) -> str | None:
    return row.county_id


def _roll_up(
    communities: Iterable[ScorecardRow],
    level: Level,
    key: Callable[[ScorecardRow], str | None],
    names: Mapping[str | None, str | None],
) -> tuple[ScorecardRow, ...]:
    """Sum communities' numerators, denominators and findings by ``key``."""
    groups: dict[str | None, list[ScorecardRow]] = {}
    for row in communities:
        groups.setdefault(key(row), []).append(row)
    rolled = []
    for group_id, members in groups.items():
        findings: Counter[str] = Counter()
        for row in members:
            findings.update(row.findings)
        rolled.append(
            ScorecardRow(
                level=level,
                id=group_id,
                name=names.get(group_id),
                county_id=members[0].county_id if level == "street" else None,
                communities=len(members),
                measures={
                    m.key: sum_ratios(row.measures[m.key] for row in members) for m in MEASURES
                },
                findings={rule_id: findings[rule_id] for rule_id in members[0].findings},
                change=_sum_changes(row.change for row in members),
            )
        )
    rolled.sort(key=lambda row: (row.county_id or "", row.id or ""))
    return tuple(rolled)


def _sum_changes(changes: Iterable[Change | None]) -> Change | None:
    """Members' changes added up; ``None`` when there is no run to count from."""
    total: Change | None = None
    for change in changes:
        if change is not None:
            total = change if total is None else total + change
    return total


def sum_ratios(ratios: Iterable[Ratio]) -> Ratio:
    """Numerators and denominators added up."""
    total = Ratio(0, 0)
    for ratio in ratios:
        total = total + ratio
    return total
