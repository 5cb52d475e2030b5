"""Counting the graph: nodes by label, and per county the counts by party-org
level, organization kind, post, facility kind, need kind and status, place kind
and tag, which ``civicgraph stats`` prints and the seed check compares with the
seed article's figures."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graph.connection import Graph
from graph.schema import SystemLabel
from queries.catalog import run

GROUP_TITLES: dict[str, tuple[str, str]] = {
    "place": ("地点", "places by kind"),
    "tag": ("小区标签", "residential-area tags"),
    "party_org_level": ("党组织", "party organizations by level"),
    "organization_kind": ("组织", "organizations by kind"),
    "two_new_with_fallback": ("兜底管理的两新组织", "two-new organizations under fallback"),
    "post": ("职务", "posts"),
    "community_with_post": ("配备该职务的社区", "communities with the post"),
    "facility_kind": ("阵地", "facilities by kind"),
    "project_status": ("共建项目", "co-building projects by status"),
    "need_kind": ("需求类型", "needs by kind"),
    "need_status": ("需求状态", "needs by status"),
    "satisfaction": ("满意度评分", "satisfaction ratings"),
    "resolved_by_provider": ("办结需求（按提供方）", "resolved needs by provider kind"),
}
"""Each count group's zh and en title, in the order they are printed."""


@dataclass
class CountyStats:
    """The counts of one county.

    Attributes:
        county_id: the county's id.
        name: its name, e.g. 汶上县.
        groups: group → key → count (see :data:`GROUP_TITLES`).
    """

    county_id: str
    name: str
    groups: dict[str, dict[str, int]] = field(default_factory=dict)

    def count(self, group: str, key: str) -> int:
        """One count, 0 when absent."""
        return self.groups.get(group, {}).get(key, 0)


@dataclass
class GraphStats:
    """The whole graph's counts.

    Attributes:
        labels: nodes per label.
        counties: per county counts, by county id.
    """

    labels: dict[str, int]
    counties: dict[str, CountyStats]

    def county_named(self, name: str) -> CountyStats | None:
        """The county with this name, if the graph holds it."""
        return next((county for county in self.counties.values() if county.name == name), None)

    def to_json(self) -> dict[str, Any]:
        """The counts as a JSON-ready dict."""
        return {
            "labels": self.labels,
            "counties": [
                {"id": county.county_id, "name": county.name, **county.groups}
                for county in self.counties.values()
            ],
        }


def collect_stats(graph: Graph, as_of: date | None = None) -> GraphStats:
    """Count the graph (two read queries) as it stands on ``as_of`` (today
    when ``None``): places and organizations existing then, posts held then.
    """
    system = {label.value for label in SystemLabel}
    labels = {
        row["label"]: row["count"]
        for row in run(graph, "stats_labels", {"as_of": as_of})
        if row["label"] not in system
    }
    counties: dict[str, CountyStats] = {}
    sums: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for row in run(graph, "stats_by_county", {"as_of": as_of}):
        county_id = row["county_id"]
        counties.setdefault(county_id, CountyStats(county_id, row["county_name"]))
        group = sums[county_id][row["group"]]
        group[row["key"]] = group.get(row["key"], 0) + int(row["count"])
    for county_id, groups in sums.items():
        counties[county_id].groups = {
            name: dict(sorted(groups[name].items())) for name in GROUP_TITLES if name in groups
        }
    return GraphStats(labels=labels, counties=counties)
