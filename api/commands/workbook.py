"""Workbook commands: ``scenario``, ``template``, ``validate``, ``load``,
``recover``, ``export`` and ``stats``.

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
from api.console import (
    AsOfOption,
    JsonOption,
    app,
    as_of_day,
    console,
    open_graph,
    print_json,
    say,
)
from api.models import WorkbookProblemPublic
from api.services.stats import seed_checked_public, stats_public
from api.services.workbook import workbook_load_public
from graph.errors import CivicGraphError, ValidationError
from graph.loadmark import LoadInProgressError, read_mark
from loaders.export import export_workbook
from loaders.load import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_WORKERS,
    StepProgress,
    known_nodes,
    load_workbook,
    validate_path,
    workbook_digest,
)
from loaders.scenario import SCENARIOS, write_scenario
from loaders.workbook import write_template
from queries.export import export_rows
from queries.seed_facts import FigureCheck, seed_check
from queries.stats import GROUP_TITLES, collect_stats

PROGRESS_THRESHOLD = 20_000
"""Rows above which ``load`` shows a progress bar."""


def _problems_json(error: ValidationError) -> dict[str, Any]:
    # Each problem as the API's 422 answer lists it (ErrorPublic.problems).
    return {
        "valid": False,
        "problems": [
            WorkbookProblemPublic(
                file=p.file, row=p.row, column=p.column, message=p.message
            ).model_dump(mode="json")
            for p in error.problems
        ],
        "problem_count": error.count,
    }


def _report_rejection(error: ValidationError, json_output: bool) -> None:
    if json_output:
        print_json(_problems_json(error))
    else:
        for problem in error.problems:
            sys.stderr.write(f"{problem}\n")
        listed = len(error.problems)
        shown = f" (the first {listed:,} listed)" if listed < error.count else ""
        sys.stderr.write(
            f"civicgraph: workbook rejected: {error.count:,} problem(s){shown}; "
            "nothing was written\n"
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
    known = known_nodes(None if offline else open_graph())
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
    graph = open_graph()
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
        print_json(workbook_load_public(report).model_dump(mode="json"))
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
    if report.ended_posts:
        console.print(
            f"ended: {report.ended_posts:,} posts posts.csv no longer lists are held until "
            "today (离任); --replace would delete them"
        )
    if report.finished:
        console.print(
            f"the graph is whole again: this load finished the interrupted {report.finished}"
        )


class RecoverError(CivicGraphError):
    """An interrupted load cannot be finished from here: its workbook is gone
    or has changed since."""

    exit_code = 2


@app.command("recover")
def recover_command(json_output: JsonOption = False) -> None:
    """Finish a load that was interrupted (装载恢复): the graph is whole again.

    A load marks the graph before its first write; if it died half-way (the
    database or the loader stopped), the mark stays. This runs the same load
    again, from the same workbook, which completes it exactly.
    """
    graph = open_graph()
    mark = read_mark(graph)
    if mark is None:
        if json_output:
            print_json({"interrupted": None, "report": None})
        else:
            console.print("nothing to recover: no load was interrupted")
        return
    if mark.running():
        raise LoadInProgressError(
            f"a load is still writing: {mark.source} on {mark.host} (pid {mark.pid})"
        )
    workbook = Path(mark.workbook)
    if not workbook.exists() or workbook_digest(workbook) != mark.digest:
        raise RecoverError(
            f"the interrupted {mark.describe()}; its workbook is gone or has changed "
            f"since. Load the workbook that is the whole truth: civicgraph load PATH --replace"
        )
    say(f"finishing the interrupted {mark.describe()} ...")
    with collector_paused():
        report = load_workbook(
            graph, workbook, replace=mark.replace, source=f"recover {mark.source}"
        )
    if json_output:
        print_json(
            {
                "interrupted": mark.to_json(),
                "report": workbook_load_public(report).model_dump(mode="json"),
            }
        )
        return
    console.print(
        f"recovered: {workbook} loaded again ({report.entities:,} nodes and relationships "
        "written); the graph is whole again"
    )


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
    report = export_workbook(export_rows(open_graph()), out)
    if json_output:
        print_json(report.to_json())
        return
    for warning in report.warnings:
        say(f"warning: {warning}")
    console.print(
        f"exported {sum(report.rows.values()):,} rows to {out}; it holds personal data "
        f"(names, phones): its files are readable by you only (mode 600)"
    )


@app.command("stats")
def stats_command(
    seed_check_option: Annotated[
        bool,
        typer.Option("--seed-check", help="compare with the seed article's figures"),
    ] = False,
    as_of: AsOfOption = None,
    json_output: JsonOption = False,
) -> None:
    """Counts by label, level, kind and post, per county (统计)."""
    day = as_of_day(as_of)
    stats = collect_stats(open_graph(), day)
    checks = seed_check(stats) if seed_check_option else []
    if json_output:
        document = seed_checked_public(stats, checks) if seed_check_option else stats_public(stats)
        print_json(document.model_dump(mode="json"))
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
