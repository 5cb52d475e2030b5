"""Matching commands: ``need``, ``candidates``, ``assign``, ``route``,
``projects`` and ``kpi``.

``candidates NEED_ID`` ranks the resources that could take one need (候选资源);
``assign`` serves all open needs at once, optimally (统一派单), and writes the
plan with ``--apply``; ``route NEED_ID`` shows the five-level escalation route
(逐级呼叫); ``projects`` sets co-building projects against the open needs
(共驻共建); ``kpi`` reports how needs are handled (办理指标); ``need NEED_ID``
shows one need. Each takes ``--json``, which prints the API's model for the
same question (:mod:`api.models`), a list the API pages whole under DESIGN's
name for it; an unknown need or community is one line on standard error and a
non-zero exit.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from api.console import AsOfOption, JsonOption, app, as_of_day, console, open_graph, print_json
from api.services.matching import (
    assignment_document,
    candidates_document,
    kpi_public,
    projects_document,
    route_public,
)
from api.services.needs import need_public
from graph.changes import Actor, ChangeContext
from graph.errors import ConfigurationError
from graph.schema import ZH
from queries.assignment import apply_plan, plan_assignment
from queries.kpi import KpiRow, kpi_report
from queries.matching import candidates
from queries.needs import get_need
from queries.projects import projects_report
from queries.route import LEVEL_EN, LEVEL_ZH, route

NeedArgument = Annotated[str, typer.Argument(help="the need's id")]
CommunityOption = Annotated[
    str | None, typer.Option("--community", help="only this community (its id)")
]
SHOWN_ROWS = 20
"""Rows of a long list printed as text (``--json`` gives all)."""


@app.command("need")
def need_command(need_id: NeedArgument, json_output: JsonOption = False) -> None:
    """One need: its place, category, status and assignment (需求)."""
    record = get_need(open_graph(), need_id)
    if json_output:
        print_json(need_public(record).model_dump(mode="json"))
        return
    category = f"{record.category_zh or ''} {record.category_en or ''}".strip() or "—"
    status = f"{ZH.get(record.status or '', record.status or '—')} {record.status or ''}".strip()
    console.print(f"[bold]{record.id}[/bold] {record.title}", highlight=False)
    rows = (
        ("kind", record.kind),
        ("status", status),
        ("urgency", None if record.urgency is None else str(record.urgency)),
        ("category", category),
        ("place", f"{record.place_name or ''} ({record.place_id})" if record.place_id else None),
        ("raised on", record.raised_on),
        (
            "assigned to",
            f"{record.assigned_name or ''} ({record.assigned_to})" if record.assigned_to else None,
        ),
        ("resolved on", record.resolved_on),
        ("satisfaction", None if record.satisfaction is None else f"{record.satisfaction}/5"),
    )
    for label, value in rows:
        console.print(f"  {label:<12} {value or '—'}", highlight=False)


@app.command("candidates")
def candidates_command(
    need_id: NeedArgument, as_of: AsOfOption = None, json_output: JsonOption = False
) -> None:
    """The resources that could take a need, best first (候选资源)."""
    day = as_of_day(as_of)
    result = candidates(open_graph(), need_id, as_of=day)
    if json_output:
        print_json(candidates_document(result).model_dump(mode="json"))
        return
    need = result.need
    category = f"{need.category_zh or ''} {need.category_en or ''}".strip() or "—"
    status = f"{ZH.get(need.status, need.status)} {need.status}"
    console.print(
        f"[bold]{need.need_id}[/bold] {need.name} · {category} · "
        f"{need.place_name or '—'} · {status} · urgency {need.urgency}",
        highlight=False,
    )
    if result.note_zh:
        console.print(f"[yellow]{result.note_zh} · {result.note_en}[/yellow]", highlight=False)
    if not result.candidates:
        console.print("无候选资源 · no candidate", highlight=False)
    for rank, candidate in enumerate(result.candidates, start=1):
        resource = candidate.resource
        console.print(
            f"{rank:>2}. {resource.resource_id} {resource.name} "
            f"({resource.kind.value}, {resource.provider_name or resource.provider_id or '—'})",
            highlight=False,
        )
        console.print(f"    {candidate.reason_zh}", highlight=False)
        console.print(f"    {candidate.reason_en}", highlight=False)
    if result.full:
        full = ", ".join(c.resource.resource_id for c in result.full)
        console.print(f"名额已满 · full: {full}", highlight=False)
    if result.inactive:
        inactive = ", ".join(
            f"{c.resource.resource_id} ({c.resource.status})" for c in result.inactive
        )
        console.print(f"未启动或已结束的项目 · inactive projects: {inactive}", highlight=False)


@app.command("assign")
def assign_command(
    apply: Annotated[
        bool, typer.Option("--apply", help="write the assignments (one transaction)")
    ] = False,
    community: CommunityOption = None,
    json_output: JsonOption = False,
) -> None:
    """Assign all open needs at once, serving the most, the most urgent, the nearest (统一派单)."""
    graph = open_graph()
    plan = plan_assignment(graph, community)
    context = ChangeContext(actor=Actor.cli(), via="assign --apply")
    written = apply_plan(graph, plan, context=context) if apply else None
    if json_output:
        print_json(assignment_document(plan, written).model_dump(mode="json"))
        return
    console.print(
        f"待办需求 open needs: {plan.needs:,} · 可派 served: {plan.served:,} "
        f"(逐一派单 greedy: {plan.greedy_served:,}) · 未派 unassigned: {len(plan.unassigned):,} "
        f"(无候选 no candidate: {len(plan.without_candidate):,})",
        highlight=False,
    )
    console.print(
        f"紧急度合计 total urgency: {plan.total_urgency:,} (greedy {plan.greedy_urgency:,}) · "
        f"距离合计 total distance: {plan.total_distance:,} · "
        f"{sum(plan.seconds.values()):.2f} s",
        highlight=False,
    )
    table = Table(title="派单 · assignments")
    for column in ("need", "resource", "urgency", "distance", "match"):
        table.add_column(column)
    for assignment in plan.assignments[:SHOWN_ROWS]:
        table.add_row(
            assignment.need_id,
            assignment.resource_id,
            str(assignment.urgency),
            str(assignment.distance),
            assignment.category_match,
        )
    if plan.assignments:
        console.print(table)
    if len(plan.assignments) > SHOWN_ROWS:
        console.print(f"… {len(plan.assignments) - SHOWN_ROWS:,} more (--json for all)")
    if written is not None:
        console.print(
            f"已写入 written: {len(written.assigned):,} assigned, "
            f"{len(written.skipped):,} skipped (no longer open, or the resource filled up)",
            highlight=False,
        )
    else:
        console.print("(未写入 nothing written: add --apply)", highlight=False)


@app.command("route")
def route_command(
    need_id: NeedArgument, as_of: AsOfOption = None, json_output: JsonOption = False
) -> None:
    """The five-level escalation route of a need (逐级呼叫、分级回应)."""
    day = as_of_day(as_of)
    result = route(open_graph(), need_id, day)
    if json_output:
        print_json(route_public(result).model_dump(mode="json"))
        return
    category = f"{result.category_zh or ''} {result.category_en or ''}".strip() or "—"
    console.print(f"[bold]{result.need_id}[/bold] {result.need_name} · {category}", highlight=False)
    for number, step in enumerate(result.steps, start=1):
        label = f"{LEVEL_ZH[step.level]} · {LEVEL_EN[step.level]}"
        missing = f"[red]缺失 missing — {step.missing_zh} · {step.missing_en}[/red]"
        if step.org_id is None:
            console.print(f"{number}. {label}: {missing}", highlight=False)
            continue
        where = f" ({step.place_name})" if step.place_name else ""
        secretary = (
            f"书记 secretary {step.secretary_name} ({step.secretary_id})"
            if step.secretary_id
            else missing
        )
        console.print(
            f"{number}. {label}: {step.org_name} ({step.org_id}){where} — {secretary}",
            highlight=False,
        )
        for note_zh, note_en in zip(step.notes_zh, step.notes_en, strict=True):
            console.print(f"   [yellow]注 note: {note_zh} · {note_en}[/yellow]", highlight=False)


@app.command("projects")
def projects_command(community: CommunityOption = None, json_output: JsonOption = False) -> None:
    """Co-building projects against open needs, and the categories no one covers (共驻共建)."""
    report = projects_report(open_graph(), community)
    if json_output:
        print_json(projects_document(report).model_dump(mode="json"))
        return
    table = Table(title="共建项目可承接的需求 · open needs each co-building project could serve")
    for column in ("project", "status", "community", "category", "open needs", "exact", "left"):
        table.add_column(column)
    for project in report.projects[:SHOWN_ROWS]:
        table.add_row(
            f"{project.project_id} {project.name}",
            project.status or "—",
            project.community_name or "—",
            project.category_zh or project.category_id or "—",
            str(project.open_needs),
            str(project.exact),
            str(project.remaining),
        )
    console.print(table)
    if len(report.projects) > SHOWN_ROWS:
        console.print(f"… {len(report.projects) - SHOWN_ROWS:,} more (--json for all)")
    gaps = Table(title="无人覆盖的需求类别 · need categories nothing covers (ask for a project)")
    for column in ("community", "category", "open needs", "urgency", "inactive projects"):
        gaps.add_column(column)
    for gap in report.uncovered[:SHOWN_ROWS]:
        gaps.add_row(
            gap.community_name or gap.community_id or "—",
            f"{gap.category_zh or ''} {gap.category_en or gap.category_id or ''}".strip(),
            str(gap.open_needs),
            str(gap.urgency),
            ", ".join(gap.inactive_projects) or "—",
        )
    console.print(gaps)
    if len(report.uncovered) > SHOWN_ROWS:
        console.print(f"… {len(report.uncovered) - SHOWN_ROWS:,} more (--json for all)")


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ConfigurationError(f"{option}: not a date: {value!r}; write YYYY-MM-DD") from error


@app.command("kpi")
def kpi_command(
    community: CommunityOption = None,
    date_from: Annotated[
        str | None, typer.Option("--from", help="needs raised on or after (YYYY-MM-DD)")
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help="needs raised on or before (YYYY-MM-DD)")
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Needs raised and resolved, resolution time, satisfaction (办理指标)."""
    report = kpi_report(open_graph(), community, _day(date_from, "--from"), _day(date_to, "--to"))
    if json_output:
        print_json(kpi_public(report).model_dump(mode="json"))
        return
    titles = {
        "kind": "按类型 · by kind",
        "county": "按县 · by county",
        "community": "按社区 · by community",
        "month": "按月 · by month (raised)",
    }
    console.print(_kpi_table("总体 · overall", [report.overall]))
    for name, rows in report.breakdowns.items():
        if rows:
            console.print(_kpi_table(titles[name], rows))
    if report.seed:
        table = Table(title="梁山县：种子数据与实测 · Liangshan, seed article vs measured")
        for column in ("指标 · figure", "seed", "measured"):
            table.add_column(column)
        for comparison in report.seed:
            figure = comparison.figure
            table.add_row(
                f"{figure.title_zh} · {figure.title_en}",
                _figure(figure.key, figure.value),
                "—" if comparison.measured is None else _figure(figure.key, comparison.measured),
            )
        console.print(table)


def _kpi_table(title: str, rows: list[KpiRow]) -> Table:
    table = Table(title=title)
    columns = (
        "group",
        "raised",
        "resolved",
        "rate",
        "median days",
        "satisfaction",
        "微心愿",
        "微志愿",
        "chain",
    )
    for column in columns:
        table.add_column(column, justify="left" if column == "group" else "right")
    for row in rows:
        table.add_row(
            row.group_name or "all",
            f"{row.raised:,}",
            f"{row.resolved:,}",
            _percent(row.resolution_rate),
            "—" if row.median_days is None else f"{row.median_days:g}",
            _percent(row.satisfaction_rate),
            f"{row.micro_wishes:,}",
            f"{row.micro_volunteer:,}",
            f"{row.chain_solved:,}",
        )
    return table


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _figure(key: str, value: float) -> str:
    return f"{value:.1%}" if key.endswith("_rate") else f"{int(value):,}"
