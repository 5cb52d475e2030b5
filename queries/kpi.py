"""Need-handling KPIs (需求办理指标): how many needs were raised and resolved,
how fast, and how satisfied residents were — overall, by need kind, by county,
by community and month by month, with the seed article's Liangshan figures
beside the measured ones where 梁山县 is loaded.

The needs counted are those raised in the window (``raised_on`` between
``from`` and ``to``, both inclusive; all when unset), optionally only those of
one community: a cohort, so every rate is about the same needs.

* **resolution rate** = resolved / raised.
* **median days to resolve** = median of ``resolved_on − raised_on`` over the
  resolved needs that carry both dates.
* **satisfaction rate** = share of ratings 4 or 5 among resolved needs with a
  ``satisfaction``.
* **微志愿** (micro-volunteer services) = resolved needs ``ASSIGNED_TO`` a service
  a volunteer team or a micro-organization offers.
* **chain-solved problems** (五级呼叫链解决的问题) = resolved complaints
  ``ASSIGNED_TO`` a service a county department offers.

Both last definitions are how the scenario generator represents the seed's
figures (``loaders/scenario_profiles.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graph.connection import Graph
from graph.errors import ConfigurationError
from graph.schema import ZH
from queries.catalog import run
from queries.matching import ensure_community

BREAKDOWNS: tuple[str, ...] = ("kind", "county", "community", "month")
"""The groupings the report gives, besides the whole set."""

LIANGSHAN = "梁山县"
"""The county whose KPIs the seed article reports."""


@dataclass(frozen=True)
class SeedFigure:
    """A KPI figure of the seed article (``shared/seeds/SEED-FACTS.md``).

    Attributes:
        key: the measured KPI it stands beside.
        title_zh: the figure in Chinese.
        title_en: the figure in English.
        value: the article's value (a count, or a share for rates).
    """

    key: str
    title_zh: str
    title_en: str
    value: float


LIANGSHAN_SEED: tuple[SeedFigure, ...] = (
    SeedFigure("micro_wishes", "认领微心愿", "micro-wishes taken", 614),
    SeedFigure("micro_volunteer", "微志愿服务", "micro-volunteer services (微志愿)", 4263),
    SeedFigure(
        "chain_solved", "五级呼叫链解决问题", "problems solved by the 5-level call chain", 82
    ),
    SeedFigure("satisfaction_rate", "群众满意度", "satisfaction with resolution", 0.989),
)
"""梁山县's KPI figures in the seed article."""


@dataclass(frozen=True)
class KpiRow:
    """The KPIs of one group of needs.

    Attributes:
        group_id: the kind, county id, community id or month (``YYYY-MM``);
            ``None`` for the whole set.
        group_name: a readable name for it.
        raised: needs raised.
        open: of those, still open.
        assigned: of those, assigned.
        resolved: of those, resolved.
        median_days: median days from raised to resolved (``None``: none resolved with dates).
        rated: resolved needs with a satisfaction rating.
        satisfied: of those, rated 4 or 5.
        micro_wishes: needs of kind ``micro_wish`` (微心愿).
        micro_volunteer: 微志愿: resolved by a volunteer team's or micro-org's service.
        chain_solved: resolved complaints taken by a county department's service.
    """

    group_id: str | None
    group_name: str | None
    raised: int
    open: int
    assigned: int
    resolved: int
    median_days: float | None
    rated: int
    satisfied: int
    micro_wishes: int
    micro_volunteer: int
    chain_solved: int

    @property
    def resolution_rate(self) -> float | None:
        """Resolved / raised (``None`` when nothing was raised)."""
        return self.resolved / self.raised if self.raised else None

    @property
    def satisfaction_rate(self) -> float | None:
        """Share of ratings 4–5 among rated resolved needs (``None``: none rated)."""
        return self.satisfied / self.rated if self.rated else None

    def value(self, key: str) -> float | None:
        """A KPI by name (a field or a rate)."""
        result = getattr(self, key)
        return None if result is None else float(result)

    def to_json(self) -> dict[str, Any]:
        """The row as a JSON-ready dict, rates rounded to 4 places."""
        return {
            "group_id": self.group_id,
            "group_name": self.group_name,
            "raised": self.raised,
            "open": self.open,
            "assigned": self.assigned,
            "resolved": self.resolved,
            "resolution_rate": _rounded(self.resolution_rate),
            "median_days": self.median_days,
            "rated": self.rated,
            "satisfied": self.satisfied,
            "satisfaction_rate": _rounded(self.satisfaction_rate),
            "micro_wishes": self.micro_wishes,
            "micro_volunteer": self.micro_volunteer,
            "chain_solved": self.chain_solved,
        }


@dataclass(frozen=True)
class SeedComparison:
    """A seed figure beside the measured value.

    Attributes:
        figure: the seed figure.
        measured: the value measured for 梁山县 (``None``: nothing to measure).
    """

    figure: SeedFigure
    measured: float | None

    def to_json(self) -> dict[str, Any]:
        """The comparison as a JSON-ready dict."""
        return {
            "key": self.figure.key,
            "title_zh": self.figure.title_zh,
            "title_en": self.figure.title_en,
            "seed": self.figure.value,
            "measured": _rounded(self.measured),
        }


@dataclass
class KpiReport:
    """The KPIs of a window of needs.

    Attributes:
        overall: the whole set.
        breakdowns: ``kind``, ``county``, ``community``, ``month`` → rows, by group id.
        seed: 梁山县's seed figures beside the measured ones (empty when 梁山县
            is not loaded).
        community_id: the community the report is limited to, if any.
        date_from: the first day of the window, if any.
        date_to: the last day of the window, if any.
    """

    overall: KpiRow
    breakdowns: dict[str, list[KpiRow]] = field(default_factory=dict)
    seed: list[SeedComparison] = field(default_factory=list)
    community_id: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def to_json(self) -> dict[str, Any]:
        """The report as a JSON-ready dict."""
        return {
            "community_id": self.community_id,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "overall": self.overall.to_json(),
            **{
                f"by_{name}": [row.to_json() for row in rows]
                for name, rows in self.breakdowns.items()
            },
            "seed_liangshan": [comparison.to_json() for comparison in self.seed],
            "seed_note": self.seed_note,
        }

    @property
    def seed_note(self) -> str | None:
        """What the seed comparison measures, when there is one."""
        if not self.seed:
            return None
        return (
            "measured on the needs loaded for 梁山县 within the filters; the seed "
            "article's figures are for the whole county"
        )


def kpi_report(
    graph: Graph,
    community_id: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> KpiReport:
    """The KPIs (``civicgraph kpi``): one query, every breakdown in one pass.

    Args:
        graph: the connection.
        community_id: only the needs raised in this community (or below it).
        date_from: only needs raised on or after this day.
        date_to: only needs raised on or before this day.

    Raises:
        NotFoundError: ``community_id`` names no community.
        ConfigurationError: ``date_from`` is after ``date_to``.
    """
    if date_from and date_to and date_from > date_to:
        raise ConfigurationError(
            f"--from {date_from.isoformat()} is after --to {date_to.isoformat()}"
        )
    ensure_community(graph, community_id)
    rows = run(graph, "kpi_needs", {"community_id": community_id, "from": date_from, "to": date_to})
    overall_rows = [row for row in rows if row["breakdown"] == "all"]
    overall = _row(overall_rows[0]) if overall_rows else _empty()
    breakdowns = {
        name: [_row(row) for row in rows if row["breakdown"] == name] for name in BREAKDOWNS
    }
    for row_list in breakdowns.values():
        row_list.sort(key=lambda row: (row.group_id is None, row.group_id or ""))
    report = KpiReport(
        overall=overall,
        breakdowns=breakdowns,
        community_id=community_id,
        date_from=date_from,
        date_to=date_to,
    )
    liangshan = next((row for row in breakdowns["county"] if row.group_name == LIANGSHAN), None)
    if liangshan is not None:
        report.seed = [
            SeedComparison(figure, liangshan.value(figure.key)) for figure in LIANGSHAN_SEED
        ]
    return report


def _row(record: Mapping[str, Any]) -> KpiRow:
    group_id = record["group_id"]
    group_name = record["group_name"]
    if group_id is not None and group_name == group_id and group_id in ZH:
        group_name = f"{ZH[group_id]} {group_id}"
    median = record["median_days"]
    return KpiRow(
        group_id=group_id,
        group_name=group_name,
        raised=int(record["raised"]),
        open=int(record["open"]),
        assigned=int(record["assigned"]),
        resolved=int(record["resolved"]),
        median_days=None if median is None else float(median),
        rated=int(record["rated"]),
        satisfied=int(record["satisfied"]),
        micro_wishes=int(record["micro_wishes"]),
        micro_volunteer=int(record["micro_volunteer"]),
        chain_solved=int(record["chain_solved"]),
    )


def _empty() -> KpiRow:
    return KpiRow(None, None, 0, 0, 0, 0, None, 0, 0, 0, 0, 0)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
