"""The graph's counts (统计): by label, and per county by level, kind and post."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from api.models import CountyStatsPublic, SeedCheckedStatsPublic, SeedCheckPublic, StatsPublic
from api.tokens import ApiToken
from graph.connection import Graph
from queries.nodes import scope_counts
from queries.seed_facts import FigureCheck
from queries.stats import CountyStats, GraphStats, collect_stats


def stats(graph: Graph, token: ApiToken, as_of: date | None = None) -> StatsPublic:
    """The counts a token may see, as of a day (today when ``None``): the
    whole graph's, or for a scoped token the nodes per label within its scope
    (and no counties)."""
    if token.scope_id is not None:
        return StatsPublic(
            scope_id=token.scope_id, labels=scope_counts(graph, token.scope_id), counties=[]
        )
    return stats_public(collect_stats(graph, as_of))


def stats_public(counted: GraphStats) -> StatsPublic:
    """The whole graph's counts as answered (``civicgraph stats --json``)."""
    return StatsPublic(
        scope_id=None,
        labels=dict(counted.labels),
        counties=[county_public(county) for county in counted.counties.values()],
    )


def county_public(county: CountyStats) -> CountyStatsPublic:
    """One county's counts, each group a field of its own (an unknown group
    is refused: :class:`api.models.CountyStatsPublic`)."""
    return CountyStatsPublic.model_validate(
        {"id": county.county_id, "name": county.name, **county.groups}
    )


def seed_checked_public(
    counted: GraphStats, checks: Iterable[FigureCheck]
) -> SeedCheckedStatsPublic:
    """The counts with the seed article's figures beside them
    (``civicgraph stats --seed-check --json``)."""
    whole = stats_public(counted)
    return SeedCheckedStatsPublic(
        scope_id=whole.scope_id,
        labels=whole.labels,
        counties=whole.counties,
        seed_check=[
            SeedCheckPublic(
                county=check.figure.county,
                title_zh=check.figure.title_zh,
                title_en=check.figure.title_en,
                comparison=check.figure.comparison,
                expected=check.figure.expected,
                found=check.found,
                holds=check.holds,
            )
            for check in checks
        ],
    )
