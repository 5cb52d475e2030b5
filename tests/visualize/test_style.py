"""The style table and what is derived from it: every label drawn, the party
chain in reds, the legend read off the table, the gap colour scale."""

from __future__ import annotations

import pytest

from graph.schema import (
    EN,
    LABEL_EN,
    LABEL_ZH,
    ZH,
    FacilityKind,
    Label,
    NeedKind,
    PartyOrgLevel,
    RelType,
    Severity,
)
from visualize.model import Finding, ViewGraph, ViewKind, ViewNode
from visualize.style import (
    EDGE_STYLES,
    FINDING_BORDER,
    FINDING_BORDER_WIDTH,
    GAP_SCALE,
    NODE_STYLES,
    edge_legend,
    finding_legend,
    gap_color,
    gap_overlay,
    legend,
    node_style,
    size_scale,
    style_entry,
    term,
    term_text,
)


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def test_every_label_has_a_default_style() -> None:
    defaults = {entry.label for entry in NODE_STYLES if entry.kind is None}
    assert defaults == set(Label)


def test_style_rows_are_unique() -> None:
    keys = [(entry.label, entry.kind) for entry in NODE_STYLES]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
    ("label", "kinds"),
    [
        (Label.PARTY_ORG, list(PartyOrgLevel)),
        (Label.FACILITY, list(FacilityKind)),
        (Label.NEED, list(NeedKind)),
    ],
)
def test_kinds_that_matter_have_their_own_row(label: Label, kinds: list[str]) -> None:
    for kind in kinds:
        node = ViewNode(
            "x",
            label,
            "x",
            kind=None if label is Label.PARTY_ORG else kind,
            level=PartyOrgLevel(kind) if label is Label.PARTY_ORG else None,
        )
        assert style_entry(node).kind == kind


def test_party_orgs_are_a_red_family_darkest_at_the_top() -> None:
    rows = [
        style_entry(ViewNode("x", Label.PARTY_ORG, "x", level=level)) for level in PartyOrgLevel
    ]
    for row in rows:
        red, green, blue = _rgb(row.style.color)
        assert red > 1.5 * green and red > 1.5 * blue, row
    brightness = [sum(_rgb(row.style.color)) for row in rows]
    assert brightness == sorted(brightness)
    sizes = [row.style.size for row in rows]
    assert sizes == sorted(sizes, reverse=True)


def test_people_are_small() -> None:
    person = style_entry(ViewNode("x", Label.PERSON, "x")).style.size
    assert all(person <= entry.style.size for entry in NODE_STYLES)


def test_chinese_terms_come_from_the_schema() -> None:
    for entry in NODE_STYLES:
        expected = ZH[entry.kind] if entry.kind is not None else LABEL_ZH[entry.label]
        assert entry.zh == expected
        assert entry.en == (EN[entry.kind] if entry.kind is not None else LABEL_EN[entry.label])


def test_english_terms_cover_what_the_schema_names_in_chinese() -> None:
    assert set(EN) == set(ZH)
    assert set(LABEL_EN) == set(Label)
    assert term("building_head") == ("楼长", "building head")
    assert term(Label.RESIDENTIAL_AREA) == ("小区", "residential area")
    assert term("not a term") == ("not a term", "not a term")
    assert term_text("open") == "待办 open"
    assert term_text("楼道灯") == "楼道灯"


def test_every_relationship_type_has_a_style() -> None:
    assert set(EDGE_STYLES) == set(RelType)


def test_the_full_legend_is_the_table_plus_the_gap_borders() -> None:
    refined = {entry.label for entry in NODE_STYLES if entry.kind is not None}
    expected = [
        (entry.zh, entry.en, entry.style.color, entry.style.shape)
        for entry in NODE_STYLES
        if entry.kind is not None or entry.label not in refined
    ] + [(entry.zh, entry.en, entry.color, entry.shape) for entry in finding_legend()]
    assert [(item.zh, item.en, item.color, item.shape) for item in legend()] == expected


def test_a_views_legend_lists_only_what_it_draws(community: ViewGraph) -> None:
    entries = legend(community)
    drawn = {style_entry(node) for node in community.nodes}
    listed = {(entry.zh, entry.color) for entry in entries}
    assert {(row.zh, row.style.color) for row in drawn} <= listed
    assert (
        "县直部门",
        style_entry(ViewNode("x", Label.COUNTY_DEPARTMENT, "x")).style.color,
    ) not in (listed)
    assert any(entry.border == FINDING_BORDER for entry in entries)
    assert [entry.zh for entry in edge_legend(community)] == [
        style.zh
        for rel_type, style in EDGE_STYLES.items()
        if any(edge.type is rel_type for edge in community.edges)
    ]


def test_a_view_without_findings_has_no_border_legend() -> None:
    view = ViewGraph((ViewNode("B-1", Label.BUILDING, "1号楼"),), ())
    assert all(entry.border != FINDING_BORDER for entry in legend(view))


def test_node_style_scales_colours_and_dashes() -> None:
    unit = ViewNode("u", Label.UNIT, "1单元", kind="unit")
    base = node_style(unit)
    assert node_style(unit, 1.5).size == pytest.approx(base.size * 1.5, abs=0.1)
    aggregate = ViewNode("agg", Label.UNIT, "12 个单元", kind="unit", count=12, aggregate=True)
    assert node_style(aggregate).size > base.size
    assert node_style(aggregate).dashed and not base.dashed
    tinted = ViewNode("c", Label.COMMUNITY, "社区", color="#123456")
    assert node_style(tinted).color == "#123456"


def test_size_scale_grows_with_the_hint() -> None:
    assert size_scale(None, 100) == 1.0
    assert size_scale(100, 100) == pytest.approx(1.5)
    assert size_scale(0, 100) == pytest.approx(0.6)
    assert 0.6 < size_scale(25, 100) < size_scale(50, 100) < 1.5


def test_gap_overlay_borders_by_worst_severity() -> None:
    def finding(severity: Severity) -> Finding:
        return Finding("G05", "楼栋无楼长", "Building without a head", severity)

    plain = ViewNode("b", Label.BUILDING, "1号楼")
    style = node_style(plain)
    assert gap_overlay(style, plain) == style
    widths = []
    for severity in (Severity.LOW, Severity.MEDIUM, Severity.HIGH):
        node = ViewNode("b", Label.BUILDING, "1号楼", findings=(finding(severity),))
        overlaid = gap_overlay(style, node)
        assert overlaid.border == FINDING_BORDER
        assert overlaid.border_width == FINDING_BORDER_WIDTH[severity]
        widths.append(overlaid.border_width)
    assert widths == sorted(widths) and widths[0] < widths[-1]
    mixed = ViewNode("b", Label.BUILDING, "1号楼", findings=(finding(Severity.LOW),) * 2)
    assert gap_overlay(style, mixed).border_width == FINDING_BORDER_WIDTH[Severity.LOW]


def test_gap_scale_runs_green_amber_red() -> None:
    (zero, green), (amber_at, amber), (red_at, red) = GAP_SCALE
    assert gap_color(0) == green == gap_color(-1)
    assert gap_color(amber_at) == amber
    assert gap_color(red_at) == red == gap_color(red_at * 10)
    reds = [_rgb(gap_color(score / 10))[0] for score in range(0, int(amber_at * 10) + 1)]
    assert reds == sorted(reds)
    greens = [
        _rgb(gap_color(score / 10))[1] for score in range(int(amber_at * 10), int(red_at * 10) + 1)
    ]
    assert greens == sorted(greens, reverse=True)
    halfway = _rgb(gap_color((zero + amber_at) / 2))
    assert all(
        min(a, b) <= c <= max(a, b)
        for a, b, c in zip(_rgb(green), _rgb(amber), halfway, strict=True)
    )


def test_overview_communities_are_legended_by_the_gap_scale_not_the_table() -> None:
    tinted = ViewNode("c", Label.COMMUNITY, "社区", color="#43a047")
    street = ViewNode("s", Label.STREET, "街道")
    view = ViewGraph((tinted, street), (), kind=ViewKind.OVERVIEW)
    assert [entry.zh for entry in legend(view)] == ["街道"]
