"""What the audit should find in the small workbook (``tests/data/small``),
rule by rule, derived by hand from its README and CSV files; shared by the
audit's test modules."""

from __future__ import annotations

from queries.audit import AuditReport

DETAILED = {"G09", "G10", "G12", "G13", "G14", "G15", "G18", "G19", "G20"}
"""Rules whose detail says what is wrong; the others' findings are compared by kind."""

Found = set[tuple[str, str | None, str | None]]

EXPECTED_SMALL: dict[str, Found] = {
    "G01": {("A02", "C01", "residential_area")},
    "G02": {("PA03", "C02", "area_branch"), ("PB01", "C01", "building_group")},
    "G03": {("G03", "C02", "grid")},
    "G04": set(),
    "G05": {("B03", "C01", "building")},
    "G06": {("U02", "C01", "unit"), ("U03", "C02", "unit")},
    "G07": set(),
    "G08": {("C02", "C02", "community")},
    "G09": {
        ("A02", "C01", "missing: branch, owners committee"),
        ("A03", "C02", "missing: owners committee"),
    },
    "G10": {("A03", "C02", "managed by O09 安居物业管理有限公司 (not red property)")},
    "G11": {("O04", "C02", "stationed_unit")},
    # PJ02 (hardship relief for C02) is only planned: it takes no needs yet.
    "G12": {
        (
            "C01",
            "C01",
            "cat_dispute_neighbour 邻里纠纷调解 / Neighbour disputes: "
            "1 open need nothing covers: N04",
        ),
        (
            "C02",
            "C02",
            "cat_hardship_relief 困难救助 / Hardship relief: 1 open need nothing covers: N05",
        ),
    },
    "G13": {
        ("N04", "C01", "nothing covers it in its category"),
        ("N05", "C02", "nothing covers it in its category"),
    },
    # As of 2024-07-01: every open or assigned need, aged from its raised_on.
    "G14": {
        ("N01", "C01", "open 56 days since 2024-05-06 (limit 30 days)"),
        ("N02", "C01", "assigned 74 days since 2024-04-18 (limit 30 days)"),
        ("N04", "C01", "open 52 days since 2024-05-10 (limit 30 days)"),
        ("N05", "C02", "open 50 days since 2024-05-12 (limit 30 days)"),
        ("N06", "C02", "open 47 days since 2024-05-15 (limit 30 days)"),
        ("N07", "C01", "open 42 days since 2024-05-20 (limit 30 days)"),
    },
    "G15": {
        ("PA03", "C02", "parent PS01 is a street_working_committee, not a community_committee")
    },
    # O12 is based in the street S01: in no community.
    "G16": {("O12", None, "two_new_org")},
    "G17": {("A02", "C01", "residential_area")},
    "G18": set(),
    # P09's grids G01, G02 lie in C01, G03 in C02: in no one community.
    "G19": {("P09", None, "sole grid_head at 3 targets: G01, G02, G03")},
    # As of 2024-07-01 every term (five years from 2020-12 at the earliest)
    # ends after the warning period.
    "G20": set(),
}


def found(report: AuditReport, rule_id: str) -> Found:
    """A rule's findings as ``(node_id, community_id, detail or kind)``."""
    detailed = rule_id in DETAILED
    return {
        (finding.node_id, finding.community_id, finding.detail if detailed else finding.kind)
        for finding in report.result(rule_id).findings
    }
