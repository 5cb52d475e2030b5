"""Workbook commands: ``scenario``, ``template``, ``validate``, ``load``,
``export`` and ``stats``.

A rejected workbook prints every problem as ``file:row:column: message`` (or
a JSON list of them) and exits with status 2, having written nothing.

``scenario``, ``validate`` and ``load`` make millions of rows on a large
workbook, and pause Python's garbage collector meanwhile
(:func:`api.collector.collector_paused`): the command owns its process, so
the choice is its own, not the loader's.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.collector import collector_paused
from api.console import JsonOption, app, console, print_json, say
from graph.connection import get_graph
from graph.errors import ValidationError
from loaders.export import export_workbook
from loaders.load import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_WORKERS,
    StepProgress,
    known_nodes,
    load_workbook,
    validate_path,
)
from loaders.scenario import SCENARIOS, write_scenario
from loaders.seed_facts import FigureCheck, seed_check
from loaders.workbook import write_template
from queries.stats import GROUP_TITLES, collect_stats

PROGRESS_THRESHOLD = 20_000
"""Rows above which ``load`` shows a progress bar."""


def _problems_json(error: ValidationError) -> dict[str, Any]:
    return {
        "valid": False,
        "problems": [
            {"file": p.file, "row": p.row, "column": p.column, "message": p.message}
            for p in error.problems
        ],
    }


def _report_rejection(error: ValidationError, json_output: bool) -> None:
    if json_output:
        print_json(_problems_json(error))
    else:
        for problem in error.problems:
            sys.stderr.write(f"{problem}\n")
        count = len(error.problems)
        sys.stderr.write(
            f"civicgraph: workbook rejected: {count} problem(s); nothing was written\n"
        )
    raise typer.Exit(error.exit_code)


@app.command("scenario")
def scenario_command(
    name: Annotated[str, typer.Argument(help="wenshang, liangshan, jining or synthetic")],
    out: Annotated[Path, typer.Option("--out", help="folder to write the workbook to")],
    counties: Annotated[
        int | None, typer.Option(help="synthetic: how many counties (default 11)")
    ] = None,
    seed: Annotated[int, typer.Option(help="random seed; same seed, same workbook")] = 0,
    json_output: JsonOption = False,
) -> None:
    """Write a built-in scenario as a workbook (内置场景)."""
    with collector_paused():
        summary = write_scenario(name, out, counties=counties, seed=seed)
    if json_output:
        print_json(
            {
                "name": summary.name,
                "seed": summary.seed,
                "out": str(summary.out_dir),
                "rows": dict(summary.rows),
                "counties": [
                    {"id": county.county_id, "name": county.name, "figures": dict(county.figures)}
                    for county in summary.counties
                ],
            }
        )
        return
    info = SCENARIOS[summary.name]
    console.print(f"{info.zh} · {info.en}: {sum(summary.rows.values()):,} rows written to {out}")
    for file_name, count in summary.rows.items():
        console.print(f"  {file_name:<20} {count:>8,}")


@app.command("template")
def template_command(
    out: Annotated[Path, typer.Argument(help="the .xlsx file to write")],
) -> None:
    """Write an empty workbook with explained headers and allowed values (空白模板)."""
    write_template(out)
    console.print(f"template written to {out}")


@app.command("validate")
def validate_command(
    path: Annotated[Path, typer.Argument(help="a folder of CSV files or an .xlsx")],
    offline: Annotated[
        bool, typer.Option(help="check the workbook alone, without the database")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Check a workbook without writing anything (校验).

    References may name nodes already in the graph, so the database is asked
    unless --offline is given.
    """
    known = known_nodes(None if offline else get_graph(echo=say))
    try:
        with collector_paused():
            workbook = validate_path(path, known)
    except ValidationError as error:
        _report_rejection(error, json_output)
        return
    if json_output:
        print_json({"valid": True, "rows": workbook.row_count, "warnings": workbook.warnings})
    else:
        for warning in workbook.warnings:
            say(f"warning: {warning}")
        console.print(f"valid: {workbook.row_count:,} rows in {len(workbook.files)} file(s)")


@contextmanager
def _progress_bar(enabled: bool) -> Iterator[StepProgress | None]:
    if not enabled:
        yield None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        tasks: dict[str, TaskID] = {}

        def step(description: str, done: int, total: int) -> None:
            if total >= 0:
                tasks[description] = progress.add_task(description, total=total)
            elif description in tasks:
                progress.advance(tasks[description], done)

        yield step


@app.command("load")
def load_command(
    path: Annotated[Path, typer.Argument(help="a folder of CSV files or an .xlsx")],
    replace: Annotated[
        bool, typer.Option("--replace", help="make the graph equal to the workbook")
    ] = False,
    batch_size: Annotated[
        int, typer.Option(min=1, help="rows per transaction")
    ] = DEFAULT_BATCH_SIZE,
    workers: Annotated[
        int, typer.Option(min=1, max=16, help="transactions written at once")
    ] = DEFAULT_WORKERS,
    json_output: JsonOption = False,
) -> None:
    """Validate a workbook whole, then load it (导入). Loading twice changes nothing."""
    graph = get_graph(echo=say)
    show_progress = not json_output and _workbook_size(path) > PROGRESS_THRESHOLD
    try:
        with collector_paused(), _progress_bar(show_progress) as progress:
            report = load_workbook(
                graph,
                path,
                replace=replace,
                batch_size=batch_size,
                workers=workers,
                progress=progress,
            )
    except ValidationError as error:
        _report_rejection(error, json_output)
        return
    if json_output:
        print_json(report.to_json())
        return
    for warning in report.warnings:
        say(f"warning: {warning}")
    console.print(
        f"loaded {path}: {sum(report.nodes.values()):,} nodes and "
        f"{sum(report.relationships.values()):,} relationships written"
    )
    if replace:
        deleted = sum(report.deleted_nodes.values())
        console.print(f"replaced: {deleted:,} nodes and {report.deleted_posts:,} posts removed")


def _workbook_size(path: Path) -> int:
    """A cheap estimate of a workbook's rows: its CSV lines, or its size in rows of 100 bytes."""
    if path.is_dir():
        total = 0
        for csv_file in path.glob("*.csv"):
            with open(csv_file, "rb") as handle:
                total += sum(1 for _ in handle)
        return total
    return path.stat().st_size // 100 if path.is_file() else 0


@app.command("export")
def export_command(
    out: Annotated[Path, typer.Argument(help="a folder for CSV files, or a path ending .xlsx")],
    json_output: JsonOption = False,
) -> None:
    """Write the graph back as a workbook that loads into the same graph (导出)."""
    report = export_workbook(get_graph(echo=say), out)
    if json_output:
        print_json(report.to_json())
        return
    console.print(f"exported {sum(report.rows.values()):,} rows to {out}")


@app.command("stats")
def stats_command(
    seed_check_option: Annotated[
        bool,
        typer.Option("--seed-check", help="compare with the seed article's figures"),
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Counts by label, level, kind and post, per county (统计)."""
    stats = collect_stats(get_graph(echo=say))
    checks = seed_check(stats) if seed_check_option else []
    if json_output:
        value = stats.to_json()
        if seed_check_option:
            value["seed_check"] = [check.to_json() for check in checks]
        print_json(value)
        return
    if seed_check_option:
        _print_seed_check(checks)
        failed = [check for check in checks if check.holds is False]
        if failed:
            raise typer.Exit(1)
        return
    labels = Table(title="节点 · nodes by label")
    labels.add_column("label")
    labels.add_column("count", justify="right")
    for label, count in stats.labels.items():
        labels.add_row(label, f"{count:,}")
    console.print(labels)
    for county in stats.counties.values():
        table = Table(title=f"{county.name} ({county.county_id})")
        table.add_column("分组 · group")
        table.add_column("key")
        table.add_column("count", justify="right")
        for group, counts in county.groups.items():
            title_zh, title_en = GROUP_TITLES[group]
            for key, count in counts.items():
                table.add_row(f"{title_zh} · {title_en}", key, f"{count:,}")
        console.print(table)


def _print_seed_check(checks: list[FigureCheck]) -> None:
    table = Table(title="种子数据核对 · seed figures, expected and found")
    for column in ("县 · county", "指标 · figure", "expected", "found", ""):
        table.add_column(column)
    for check in checks:
        figure = check.figure
        if check.holds is None:
            verdict = "[dim]reported[/dim]"
        else:
            verdict = "[green]✓ holds[/green]" if check.holds else "[red]✗ differs[/red]"
        rule = {"exact": "=", "at_least": "≥", "every": "all", "reported": "~"}[figure.comparison]
        found = "—" if check.found is None else _number(check.found)
        table.add_row(
            figure.county,
            f"{figure.title_zh} · {figure.title_en}",
            f"{rule} {_number(figure.expected)}",
            found,
            verdict,
        )
    console.print(table)


def _number(value: float) -> str:
    if value == int(value) and value > 1:
        return f"{int(value):,}"
    return f"{value:.1%}" if value <= 1 else f"{value:,.2f}"
