"""``civicgraph changes``, ``history`` and ``revert``: the change sets
(变更记录, 操作日志) — every load, API write, ``assign --apply`` and revert,
with who made it, when and through what — one node's history, and undoing
one write. ``--json`` prints the API's models (:class:`api.models.ChangesPublic`,
:class:`api.models.NodeHistoryPublic`, :class:`api.models.RevertPublic`)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from api.console import JsonOption, app, console, open_graph, print_json, say
from api.models import RevertPublic
from api.services.changes import changes_public, history_public
from graph.changes import Actor, ChangeContext
from queries.audit import parse_date
from queries.changes import MAX_CHANGE_SETS, node_history
from queries.revert import revert_changeset

OP_ZH = {"create": "新建", "update": "修改", "delete": "删除"}


@app.command("changes")
def changes_command(
    since: Annotated[
        str | None, typer.Option("--since", help="made on or after this day, YYYY-MM-DD (UTC)")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="made on or before this day, YYYY-MM-DD (UTC)")
    ] = None,
    actor: Annotated[
        str | None, typer.Option("--actor", help="an actor's id (cli:wang, t_1a2b3c4d) or name")
    ] = None,
    community: Annotated[
        str | None,
        typer.Option("--community", help="only those that touched this community (or street)"),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=MAX_CHANGE_SETS)] = 100,
    json_output: JsonOption = False,
) -> None:
    """The change sets, newest first (变更记录): who, when, through what, and counts."""
    first = parse_date(since, "--since") if since else None
    last = parse_date(until, "--until") if until else None
    found = changes_public(
        open_graph(), since=first, until=last, actor=actor, place_id=community, limit=limit
    )
    if json_output:
        print_json(found.model_dump(mode="json"))
        return
    if not found.changesets:
        say("没有变更记录 · no change sets")
        return
    table = Table(
        "变更 changeset", "时间 at (UTC)", "操作人 actor", "途径 via", "新建", "修改", "删除"
    )
    for item in found.changesets:
        record = item.root
        table.add_row(
            record.changeset,
            record.at[:19],
            record.actor,
            record.via,
            f"{record.created:,}",
            f"{record.updated:,}",
            f"{record.deleted:,}",
        )
    console.print(table)


def show(line: str) -> None:
    """One line of the answer, on standard output."""
    console.print(line, highlight=False, markup=False)


def _properties(values: dict[str, Any] | None) -> str:
    if values is None:
        return "—"
    return json.dumps(values, ensure_ascii=False, sort_keys=True)


@app.command("history")
def history_command(
    node_id: Annotated[str, typer.Argument(help="the node's id")],
    json_output: JsonOption = False,
) -> None:
    """Every change to one node and its relationships, oldest first (变更历史)."""
    found = history_public(node_history(open_graph(), node_id))
    if json_output:
        print_json(found.model_dump(mode="json"))
        return
    state = "" if found.exists else " · 已删除 deleted"
    show(f"{node_id} ({', '.join(found.labels)}){state}: {len(found.entries)} 条变更 changes")
    for item in found.entries:
        entry = item.root
        what = (
            entry.label
            if entry.kind == "node"
            else f"{entry.label} {entry.entity}→{entry.other}"
            + (f" ({entry.key})" if entry.key else "")
        )
        show(
            f"{entry.at[:19]}  {OP_ZH[entry.op]} {entry.op}  {what}  "
            f"· {entry.actor} · {entry.via} · {entry.changeset}"
        )
        if entry.op == "update" and entry.before is not None and entry.after is not None:
            for key in sorted(set(entry.before) | set(entry.after)):
                old, new = entry.before.get(key), entry.after.get(key)
                if old != new:
                    show(f"      {key}: {old!r} → {new!r}")
        elif entry.op == "create":
            show(f"      {_properties(entry.after)}")
        else:
            show(f"      {_properties(entry.before)}")


@app.command("revert")
def revert_command(
    changeset: Annotated[str, typer.Argument(help="the change set's key (cs-…)")],
    json_output: JsonOption = False,
) -> None:
    """Restore the graph as it was before one change set (撤销变更), whole or not at all."""
    context = ChangeContext(actor=Actor.cli(), via=f"revert {changeset}")
    report = RevertPublic(revert_changeset(open_graph(), changeset, context=context))
    if json_output:
        print_json(report.model_dump(mode="json"))
        return
    done = report.root
    show(
        f"已撤销 reverted {done.reverted}: 删除 deleted {done.deleted}, "
        f"恢复 restored {done.restored}, 重建 recreated {done.recreated}"
        + (f" · 记录为 recorded as {done.changeset}" if done.changeset else "")
    )
