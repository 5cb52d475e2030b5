"""``civicgraph audit``: the governance audit (治理体检) and the community
scorecard (社区评分卡).

By default it prints a table of the rules with their Chinese and English
titles and counts, then the first findings of each rule; ``--json`` prints the
``audit`` JSON of DESIGN.md (:class:`api.models.AuditDocument`: the API's
``/api/audit`` with each rule's findings whole), ``--csv`` and ``--html`` also
write the findings to files, and ``--scorecard`` prints the coverage ratios per
community, street and county instead (``--json``:
:class:`api.models.ScorecardDocument`). Bad input (an unknown rule, a malformed date) is an
:class:`queries.audit.AuditInputError`, printed as one line.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

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
from api.models import AuditComparisonPublic, AuditRunsPublic
from api.services.audit import audit_document, scorecard_document
from queries.audit import (
    DEFAULT_MIN_PLACES,
    DEFAULT_SLA_DAYS,
    DEFAULT_TERM_WARN_DAYS,
    DEFAULT_TERM_YEARS,
    SEVERITY_ZH,
    AuditInputError,
    AuditReport,
    community_names,
    run_audit,
    select_rules,
    write_csv,
)
from queries.audit_runs import Comparison, Scope, compare, list_runs, save_run
from queries.report import kind_label, write_html
from queries.scorecard import MEASURES, Ratio, Scorecard, ScorecardRow, scorecard_from

SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "dim"}


@app.command("audit")
def audit_command(
    rule: Annotated[
        list[str] | None,
        typer.Option("--rule", help="a rule to run, by id (G05) or name; repeatable"),
    ] = None,
    community: Annotated[
        str | None, typer.Option("--community", help="only this community's findings")
    ] = None,
    street: Annotated[
        str | None, typer.Option("--street", help="only this street's findings")
    ] = None,
    as_of: AsOfOption = None,
    sla_days: Annotated[
        int, typer.Option("--sla-days", help="days a need may stay open (G14)")
    ] = DEFAULT_SLA_DAYS,
    min_places: Annotated[
        int, typer.Option("--min-places", help="targets that make a sole holder a risk (G19)")
    ] = DEFAULT_MIN_PLACES,
    term_warn_days: Annotated[
        int, typer.Option("--term-warn-days", help="days before a term's end to warn (G20)")
    ] = DEFAULT_TERM_WARN_DAYS,
    term_years: Annotated[
        int, typer.Option("--term-years", help="years of a term without an until (G20)")
    ] = DEFAULT_TERM_YEARS,
    csv_path: Annotated[
        Path | None, typer.Option("--csv", help="also write every finding to this CSV file")
    ] = None,
    html_path: Annotated[
        Path | None, typer.Option("--html", help="also write a printable HTML report")
    ] = None,
    scorecard: Annotated[
        bool, typer.Option("--scorecard", help="print the community scorecard instead")
    ] = False,
    limit: Annotated[int, typer.Option("--limit", help="findings shown per rule in the table")] = 5,
    save: Annotated[
        bool, typer.Option("--save", help="keep this audit in the graph, to compare with later")
    ] = False,
    compare_runs: Annotated[
        bool,
        typer.Option("--compare", help="list findings new, closed and persisting since a run"),
    ] = False,
    from_run: Annotated[
        str | None,
        typer.Option(
            "--from", help="--compare: a run id or a day YYYY-MM-DD (default: the latest run)"
        ),
    ] = None,
    to_run: Annotated[
        str | None,
        typer.Option("--to", help="--compare: a later run id or day (default: the audit now)"),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Find coverage gaps, rule by rule (治理体检: 发现覆盖空白)."""
    day = as_of_day(as_of)
    if compare_runs:
        found = compare(open_graph(), from_run, to_run, Scope(community, street), as_of=day)
        if json_output:
            print_json(
                AuditComparisonPublic.model_validate(found.to_json()).model_dump(mode="json")
            )
        else:
            _print_comparison(found)
        return
    if from_run is not None or to_run is not None:
        raise AuditInputError("--from and --to go with --compare")
    chosen = select_rules(rule)
    if scorecard and rule:
        say("--scorecard runs every rule; --rule is ignored")
    graph = open_graph()
    report = run_audit(
        graph,
        None if scorecard else chosen,
        community_id=community,
        street_id=street,
        as_of=day,
        sla_days=sla_days,
        min_places=min_places,
        term_warn_days=term_warn_days,
        term_years=term_years,
    )
    names = community_names(graph) if html_path or not json_output else {}
    if csv_path is not None:
        with _writing("--csv", csv_path):
            written = write_csv(report, csv_path)
        say(f"wrote {written} findings to {csv_path}")
    if html_path is not None:
        with _writing("--html", html_path):
            write_html(report, html_path, names)
        say(f"wrote the report to {html_path}")
    # The scorecard counts its change from the run before this one.
    card = scorecard_from(graph, report) if scorecard else None
    if save:
        saved = save_run(graph, report)
        say(f"saved audit run {saved.run_id} ({saved.total} findings)")
    if card is not None:
        if json_output:
            print_json(scorecard_document(card).model_dump(mode="json"))
        else:
            _print_scorecard(card)
        return
    if json_output:
        print_json(audit_document(report).model_dump(mode="json"))
    else:
        _print_report(report, names, limit)


@contextmanager
def _writing(option: str, path: Path) -> Iterator[None]:
    """Report a file that cannot be written as the user's error, in one line."""
    try:
        yield
    except OSError as error:
        raise AuditInputError(f"{option}: cannot write {path}: {error.strerror}") from error


def _print_report(report: AuditReport, names: dict[str, str], limit: int) -> None:
    scope = " ".join(
        part
        for part in (
            f"community {report.community_id}" if report.community_id else "",
            f"street {report.street_id}" if report.street_id else "",
        )
        if part
    )
    summary = Table(
        title=f"治理体检 · audit as of {report.as_of.isoformat()}"
        + (f" ({scope})" if scope else ""),
        title_justify="left",
    )
    summary.add_column("规则 ID")
    summary.add_column("级别 Severity")
    summary.add_column("规则 Rule")
    summary.add_column("发现 Count", justify="right")
    for result in report.results:
        rule = result.rule
        summary.add_row(
            rule.id,
            f"[{SEVERITY_STYLE[rule.severity]}]{SEVERITY_ZH[rule.severity]} {rule.severity}[/]",
            f"{rule.title_zh}\n[dim]{rule.title_en}[/dim]",
            str(result.count),
        )
    console.print(summary)
    console.print(f"{report.total} findings in {report.seconds:.2f} s")
    for result in report.results:
        if not result.findings or limit <= 0:
            continue
        table = Table(
            title=f"{result.rule.id} {result.rule.title_zh} · {result.rule.title_en} "
            f"({result.count})",
            title_justify="left",
        )
        for column in ("ID", "名称 Name", "类型 Kind", "社区 Community", "说明 Detail"):
            table.add_column(column)
        for finding in result.findings[:limit]:
            community = finding.community_id or ""
            if community and community in names:
                community = f"{community} {names[community]}"
            table.add_row(
                finding.node_id,
                finding.name or "",
                kind_label(finding.kind),
                community,
                finding.detail,
            )
        if result.count > limit:
            table.caption = f"… {result.count - limit} more (--limit, --csv, --json)"
        console.print(table)


def _percent(ratio: Ratio) -> str:
    share = ratio.ratio
    return "—" if share is None else f"{share:.0%}"


def _print_scorecard(card: Scorecard) -> None:
    for title, rows in (
        ("县 County", card.counties),
        ("街道 Street", card.streets),
        ("社区 Community", card.communities),
    ):
        table = Table(title=f"社区评分卡 · scorecard: {title}", title_justify="left")
        table.add_column(title)
        for measure in MEASURES:
            table.add_column(f"{measure.short_zh}\n{measure.short_en}", justify="right")
        table.add_column("发现\nfindings", justify="right")
        if card.since_run is not None:
            table.add_column("较上次 新增/整改\nsince last: new/closed", justify="right")
        for row in rows:
            change = [] if row.change is None else [f"+{row.change.new} / −{row.change.closed}"]
            table.add_row(
                _row_label(row),
                *(_percent(row.measures[measure.key]) for measure in MEASURES),
                str(sum(row.findings.values())),
                *change,
            )
        console.print(table)
    console.print(f"as of {card.as_of.isoformat()}; numerators and denominators: --json")
    if card.since_run is not None:
        console.print(
            f"since the last saved run 自上次保存的审计 {card.since_run.run_id} "
            f"({card.since_run.saved_at.isoformat()}): new findings / closed (已整改)",
            highlight=False,
        )
    for measure in MEASURES:
        console.print(
            f"  {measure.short_zh} {measure.short_en}: {measure.title_zh} · {measure.title_en}"
            f" (= total − {measure.rule_id})",
            highlight=False,
        )


def _row_label(row: ScorecardRow) -> str:
    if row.id is None:
        return "—"
    return f"{row.id} {row.name or ''}".strip()


@app.command("audit-runs")
def audit_runs_command(json_output: JsonOption = False) -> None:
    """List the saved audit runs, oldest first (审计存档)."""
    runs = list_runs(open_graph())
    if json_output:
        document = AuditRunsPublic.model_validate({"runs": [found.to_json() for found in runs]})
        print_json(document.model_dump(mode="json"))
        return
    table = Table(title="审计存档 · saved audit runs", title_justify="left")
    for column in ("ID", "保存于 Saved", "截至 As of", "范围 Scope", "发现 Findings"):
        table.add_column(column)
    for found in runs:
        table.add_row(
            found.run_id,
            found.saved_at.isoformat(),
            found.as_of.isoformat(),
            found.community_id or found.street_id or "—",
            str(found.total),
        )
    console.print(table)


def _print_comparison(found: Comparison) -> None:
    later = found.to_run.run_id if found.to_run else "now 当前"
    console.print(
        f"审计对比 · since run {found.from_run.run_id} → {later}: "
        f"新增 {len(found.new)} new, 已整改 {len(found.closed)} closed, "
        f"持续 {len(found.persisting)} persisting",
        highlight=False,
    )
    table = Table(title="按规则 · by rule", title_justify="left")
    for column in ("规则 Rule", "新增 New", "已整改 Closed", "持续 Persisting"):
        table.add_column(column)
    for rule_id, counts in found.by_rule().items():
        table.add_row(rule_id, str(counts["new"]), str(counts["closed"]), str(counts["persisting"]))
    console.print(table)
    for title, items in (("新增 new", found.new), ("已整改 closed", found.closed)):
        if not items:
            continue
        listing = Table(title=title, title_justify="left")
        for column in ("规则 Rule", "ID", "名称 Name", "社区 Community", "说明 Detail"):
            listing.add_column(column)
        for item in items:
            finding = item.finding
            listing.add_row(
                item.rule_id,
                finding.node_id,
                finding.name or "",
                finding.community_id or "",
                finding.detail,
            )
        console.print(listing)
