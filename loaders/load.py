"""Loading a workbook into the graph: validate the whole workbook first, then
write it in batches, idempotently.

The order is fixed: constraints and the default category taxonomy first,
then every node, then every relationship (rows may refer forward, within a
file and across files). A workbook with any problem writes nothing. A
workbook of only some files merges into the graph, its references checked
against the graph as well as the workbook. ``replace`` makes the graph equal
to the workbook (plus the default taxonomy): nodes and posts it does not hold
are deleted after it is written. Nodes the graph holds already are merged and
new ones created (:mod:`graph.write`), only where a row differs from the
graph, and everything written is recorded as one change set
(:mod:`graph.changes`; a load that changes nothing records none). If the
database fails mid-load, running the same load again completes it exactly. Batches are written on
:data:`DEFAULT_WORKERS` sessions at once, nodes before relationships.

A load marks the graph before its first write and clears the mark after its
last (:mod:`graph.loadmark`). While an interrupted load's mark is open, a
load of the same workbook finishes it, a ``replace`` load of any workbook
replaces it, and any other load is refused: it would mix a third state into
a graph that holds neither the old data nor the new.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from graph.changes import (
    CREATED_IN,
    Actor,
    ChangeContext,
    comparable,
    creation_of,
    read_totals,
)
from graph.connection import Graph, to_date
from graph.ddl import ensure_schema
from graph.errors import ValidationError
from graph.loadmark import (
    InterruptedLoadError,
    LoadMark,
    marked,
    read_mark,
)
from graph.schema import PRIMARY_LABELS, Label, RelType
from graph.write import (
    BatchWriter,
    ElementIds,
    RelationshipSpec,
    Row,
    all_node_ids,
    all_posts,
    created,
    current_properties,
    delete_nodes,
    delete_posts,
    end_posts,
    find_element_ids,
    known_node_rows,
    merge_nodes,
    merge_posts,
    refresh_plans,
    replace_relationships,
    updated_nodes,
)
from loaders.records import KnownNode, ValidatedWorkbook
from loaders.rows import OwnerRows, labels_by_id, node_rows, post_rows, relationship_rows
from loaders.validate import check, load_and_validate, parse, validate
from loaders.workbook import read_workbook
from loaders.workbook_format import POSTS

DEFAULT_BATCH_SIZE = 5000
DEFAULT_WORKERS = 2
"""Transactions a load writes at once: one per core of a small server."""

StepProgress = Callable[[str, int, int], None]
"""Told ``(step description, rows done in this call, rows in the step)``."""


@dataclass
class LoadReport:
    """What a load wrote.

    Attributes:
        path: the workbook.
        files: the files it held.
        nodes: nodes written, per primary label.
        relationships: relationships written (or confirmed), per type.
        deleted_nodes: nodes removed by ``replace``, per label.
        deleted_posts: posts removed by ``replace``.
        ended_posts: posts held until the load's day because its
            ``posts.csv`` no longer lists them (:func:`end_dropped_posts`).
        warnings: what the reader ignored.
        digest: the workbook's ``sha256:`` digest.
        finished: the interrupted load this one finished or replaced, if any
            (:meth:`graph.loadmark.LoadMark.describe`).
        changeset: the change set recording what the load changed (``None``:
            it changed nothing).
        changes: that change set's ``created``, ``updated`` and ``deleted``
            counts.
    """

    path: str
    files: list[str] = field(default_factory=list)
    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    deleted_nodes: dict[str, int] = field(default_factory=dict)
    deleted_posts: int = 0
    ended_posts: int = 0
    warnings: list[str] = field(default_factory=list)
    digest: str = ""
    finished: str | None = None
    changeset: str | None = None
    changes: dict[str, int] = field(default_factory=dict)

    @property
    def entities(self) -> int:
        """Nodes and relationships written."""
        return sum(self.nodes.values()) + sum(self.relationships.values())

    def to_json(self) -> dict[str, Any]:
        """The report as a JSON-ready dict."""
        return {
            "path": self.path,
            "files": self.files,
            "nodes": self.nodes,
            "relationships": self.relationships,
            "deleted_nodes": self.deleted_nodes,
            "deleted_posts": self.deleted_posts,
            "ended_posts": self.ended_posts,
            "entities": self.entities,
            "warnings": self.warnings,
            "digest": self.digest,
            "finished": self.finished,
            "changeset": self.changeset,
            "changes": self.changes,
        }


def default_taxonomy() -> ValidatedWorkbook:
    """The default zh/en category taxonomy that ships with civicgraph."""
    folder = resources.files("loaders").joinpath("data")
    with resources.as_file(folder) as path:
        return load_and_validate(Path(path))


def known_from_graph(graph: Graph, ids: Iterable[str] | None = None) -> dict[str, KnownNode]:
    """The graph's nodes as the validator needs to know them: every one, or
    those with these ``ids`` and every node above them."""
    return {
        row["id"]: KnownNode.from_graph(row["labels"], row["level"], row["parent_id"])
        for row in known_node_rows(graph, ids)
    }


def known_nodes(graph: Graph | None, *, replace: bool = False) -> dict[str, KnownNode]:
    """What a workbook may refer to besides itself: the graph's nodes (unless
    the graph is about to be replaced) and the default taxonomy."""
    known: dict[str, KnownNode] = {}
    if graph is not None and not replace:
        known.update(known_from_graph(graph))
    known.update(default_taxonomy().known_nodes())
    return known


class _Asked(Mapping[str, KnownNode]):
    """Known nodes that remember every id the validator looked up."""

    def __init__(self, known: Mapping[str, KnownNode]) -> None:
        self.known = known
        self.asked: set[str] = set()

    def __getitem__(self, node_id: str) -> KnownNode:
        self.asked.add(node_id)
        return self.known[node_id]

    def __contains__(self, node_id: object) -> bool:
        if isinstance(node_id, str):
            self.asked.add(node_id)
        return node_id in self.known

    def __iter__(self) -> Iterator[str]:
        return iter(self.known)

    def __len__(self) -> int:
        return len(self.known)


WHOLE_GRAPH_SHARE = 0.25
"""When a workbook's validation asks about more ids than this share of the
graph's nodes, the graph is read whole rather than id by id."""


def validate_against_graph(
    graph: Graph | None, path: Path | str, *, replace: bool = False
) -> tuple[ValidatedWorkbook, dict[str, KnownNode]]:
    """Read a workbook and validate it against the graph (and the default
    taxonomy); a ``replace`` load's references are checked against the
    workbook and the taxonomy alone.

    The graph is asked only about the ids the workbook names and the nodes
    above them, not read whole, so that this month's ``needs.csv`` costs the
    same in a city as in a county: the validator runs once with what is
    known so far, recording every id it looks up, and again once those are
    fetched, until it asks about nothing new (twice, unless a node found
    leads it to further ones); the rows are parsed once. A workbook naming
    a large share of the graph (:data:`WHOLE_GRAPH_SHARE`) has the graph
    read whole instead.

    Returns:
        The workbook, and what the graph holds of the ids the load needs:
        its own ids, those it refers to and the nodes above them, and the
        default taxonomy's.

    Raises:
        ValidationError: with every problem found.
    """
    raw = read_workbook(path)
    if raw.problems and not raw.files:
        raise ValidationError(raw.problems)
    taxonomy = default_taxonomy().known_nodes()
    parsed = parse(raw)
    if graph is None:
        return check(parsed, taxonomy), {}
    fetch = _Fetcher(graph)
    fetch(taxonomy.keys())
    if replace:
        workbook = check(parsed, taxonomy)
        fetch(node_id for _, _, node_id, _ in workbook.nodes_by_row())
        return workbook, fetch.found
    while True:
        asked = _Asked({**fetch.found, **taxonomy})
        try:
            workbook = check(parsed, asked)
        except ValidationError:
            if not fetch(asked.asked):
                raise
        else:
            if not fetch(asked.asked):
                return workbook, fetch.found


class _Fetcher:
    """What the graph holds of the ids asked so far, fetched id by id or,
    once a call asks about a large share of the graph, whole."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        # Every node, the system's own included: the count store answers
        # at once, where leaving them out would scan the graph.
        self.size = int(graph.query("MATCH (n) RETURN count(n) AS count")[0]["count"])
        self.found: dict[str, KnownNode] = {}
        self.tried: set[str] = set()
        self.whole = False

    def __call__(self, ids: Iterable[str]) -> bool:
        """Fetch these ids and the nodes above them; whether any was new."""
        if self.whole:
            return False
        new = set(ids) - self.tried
        if not new:
            return False
        if len(new) > WHOLE_GRAPH_SHARE * self.size:
            self.found = known_from_graph(self.graph)
            self.whole = True
        else:
            self.found.update(known_from_graph(self.graph, new))
            self.tried |= new | self.found.keys()
        return True


def validate_path(path: Path | str, known: Mapping[str, KnownNode]) -> ValidatedWorkbook:
    """Read and validate a workbook.

    Args:
        path: a folder of CSV files or an ``.xlsx``.
        known: the nodes it may refer to besides its own (:func:`known_nodes`).

    Raises:
        ValidationError: with every problem found.
    """
    raw = read_workbook(path)
    if raw.problems and not raw.files:
        raise ValidationError(raw.problems)
    return validate(raw, known)


def workbook_digest(path: Path | str) -> str:
    """``sha256:`` and the hex digest of a workbook: of the file, or of a
    folder's CSV files (names and contents, in name order)."""
    source = Path(path)
    digest = hashlib.sha256()
    files = sorted(source.glob("*.csv")) if source.is_dir() else [source]
    for file in files:
        if source.is_dir():
            digest.update(file.name.encode("utf-8") + b"\0")
        with file.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    return "sha256:" + digest.hexdigest()


def check_interrupted(mark: LoadMark | None, digest: str, replace: bool) -> str | None:
    """What a load of a workbook with ``digest`` does to an open mark: the
    interrupted load it finishes or replaces (``None`` with no mark).

    Raises:
        InterruptedLoadError: the load would do neither.
    """
    if mark is None or mark.running():
        return None
    if mark.digest == digest or replace:
        return mark.describe()
    raise InterruptedLoadError(
        f"the graph is mid-load: {mark.describe()}. Run `civicgraph recover` to finish it, "
        "or load a workbook that is the whole truth with --replace"
    )


def load_workbook(
    graph: Graph,
    path: Path | str,
    *,
    replace: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    workers: int = DEFAULT_WORKERS,
    progress: StepProgress | None = None,
    source: str | None = None,
    actor: Actor | None = None,
    day: date | None = None,
) -> LoadReport:
    """Validate a workbook whole, then write what differs from the graph,
    recorded as one change set (none when nothing differs).

    Args:
        graph: the connection.
        path: a folder of CSV files or an ``.xlsx``.
        replace: make the graph equal to the workbook (and the default taxonomy).
        batch_size: rows per transaction.
        workers: transactions written at once.
        progress: told of each step's progress.
        source: how the load describes itself in its mark and its change set
            (``load`` and the file's name by default).
        actor: who loads it (the command line's user by default).
        day: the load's day, on which the posts its ``posts.csv`` drops end
            (today by default).

    Raises:
        ValidationError: the workbook has problems; nothing was written.
        InterruptedLoadError: the graph is mid-load of another workbook and
            this is no ``replace`` load; nothing was written.
        LoadInProgressError: another load is writing (:mod:`graph.loadmark`).
    """
    ensure_schema(graph)
    # A graph about to be replaced is no place for references to point to;
    # its nodes are still updated in place rather than created again.
    workbook, in_graph = validate_against_graph(graph, path, replace=replace)
    known = known_nodes(None) | ({} if replace else in_graph)
    digest = workbook_digest(path)
    finished = check_interrupted(read_mark(graph), digest, replace)
    report = LoadReport(
        path=str(path),
        files=sorted(workbook.files),
        warnings=workbook.warnings,
        digest=digest,
        finished=finished,
    )
    described = source or f"load {Path(path).name}"
    context = ChangeContext(actor=actor or Actor.cli(), via=f"{described} {digest}")
    with marked(
        graph,
        workbook=str(Path(path).resolve()),
        source=described,
        digest=digest,
        replace=replace,
    ):
        taxonomy = default_taxonomy()
        write_workbook(
            graph, taxonomy, known, in_graph.keys(), batch_size=batch_size, context=context
        )
        existing = in_graph.keys() | taxonomy.known_nodes().keys()
        write_workbook(
            graph,
            workbook,
            known,
            existing,
            batch_size=batch_size,
            workers=workers,
            progress=progress,
            report=report,
            context=context,
        )
        if replace:
            _remove_what_the_workbook_lacks(graph, workbook, report, batch_size, context)
        elif POSTS.name in workbook.files:
            end_dropped_posts(graph, workbook, report, day or date.today(), context)
    report.changeset, report.changes = read_totals(graph, context.changeset)
    created = sum(1 for _, _, node_id, _ in workbook.nodes_by_row() if node_id not in existing)
    if plans_outgrown(len(existing), created + sum(report.deleted_nodes.values())):
        refresh_plans(graph)
    return report


PLAN_REFRESH_NODES = 10_000
"""The graph size from which a load that changed its shape replans the
queries (:func:`graph.write.refresh_plans`): below it, any plan is quick."""

PLAN_REFRESH_SHARE = 0.1
"""The share of the graph's nodes a load must create or delete to replan."""


def plans_outgrown(before: int, moved: int) -> bool:
    """Whether the cached query plans may no longer suit the graph: it holds
    :data:`PLAN_REFRESH_NODES` nodes or more after a load that created or
    deleted ``moved`` of them, a tenth of what it held before or more.

    Clearing Neo4j's plan cache makes every query of every client be planned
    again; after a small load (this month's needs) the plans still suit the
    graph, and on a small graph a poor plan costs nothing to speak of.
    """
    return before + moved >= PLAN_REFRESH_NODES and moved >= PLAN_REFRESH_SHARE * before


def write_workbook(
    graph: Graph,
    workbook: ValidatedWorkbook,
    known: Mapping[str, KnownNode],
    existing: Container[str],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    workers: int = DEFAULT_WORKERS,
    progress: StepProgress | None = None,
    report: LoadReport | None = None,
    context: ChangeContext | None = None,
) -> LoadReport:
    """Write a validated workbook: all nodes, then all relationships; only
    what differs from the graph is written, and recorded in ``context``'s
    change set.

    Args:
        graph: the connection.
        workbook: the validated rows.
        known: the nodes outside the workbook it refers to (:func:`known_nodes`).
        existing: the ids the graph holds already; the others are created.
        batch_size: rows per transaction.
        workers: transactions written at once.
        progress: told of each step's progress.
        report: the report to fill; a new one by default.
        context: the change set the writes are recorded in (none: unrecorded).
    """
    report = report or LoadReport(path="")
    element_ids: ElementIds = {}
    stamp = {CREATED_IN: context.changeset} if context is not None else {}
    with BatchWriter(graph, batch_size=batch_size, workers=workers, context=context) as writer:
        for label, rows in node_rows(workbook):
            description = f"{label.value} nodes"
            _step(progress, description, len(rows))
            told = _told(progress, description)
            for new, part in _split(rows, existing, lambda row: row["id"]):
                if new:
                    fresh = [{"id": row["id"], "props": {**row["props"], **stamp}} for row in part]
                    merge_nodes(
                        writer,
                        label,
                        fresh,
                        element_ids,
                        new=True,
                        progress=told,
                        record=created(label),
                    )
                else:
                    changed = _changed_nodes(graph, label, part)
                    merge_nodes(
                        writer,
                        label,
                        changed,
                        element_ids,
                        progress=told,
                        record=updated_nodes(label),
                    )
                    if told is not None:
                        told(len(part) - len(changed))
            _add(report.nodes, label.value, len(rows))

        # The relationships' rows are made while the nodes are written; they
        # are handed over once both their ends are. New owners' relationships
        # find their ends by element id: the ends this load does not write are
        # looked up once.
        labels = labels_by_id(workbook, known)
        relationships = [
            (spec, _split(owner_rows, existing, lambda row: row[0]))
            for spec, owner_rows in relationship_rows(workbook, labels)
            if owner_rows
        ]
        posts = _split(post_rows(workbook, labels), existing, lambda row: row["person"])
        writer.drain()
        element_ids.update(
            find_element_ids(graph, _ends_outside(relationships, posts, element_ids))
        )

        for spec, parts in relationships:
            _step(progress, _describe(spec), sum(len(part) for _, part in parts))
            written_rels = sum(len(targets) for _, part in parts for _, targets in part)
            _add(report.relationships, spec.type.value, written_rels)
        if posts:
            _step(progress, "HOLDS posts", sum(len(part) for _, part in posts))
            _add(report.relationships, RelType.HOLDS.value, sum(len(part) for _, part in posts))
        # New owners' first: an existing owner's relationships are replaced
        # behind a drain (the old ones are removed first), which would
        # otherwise leave the writers idle while more could be written.
        for written_new in (True, False):
            for spec, parts in relationships:
                told = _told(progress, _describe(spec))
                for new, owners in parts:
                    if new is written_new:
                        replace_relationships(
                            writer, spec, owners, element_ids, new=new, progress=told
                        )
            for new, held in posts:
                if new is written_new:
                    told = _told(progress, "HOLDS posts")
                    merge_posts(writer, held, element_ids, new=new, progress=told)
    return report


def _changed_nodes(graph: Graph, label: Label, rows: Sequence[Row]) -> list[dict[str, Any]]:
    """The rows about nodes in the graph whose properties they change, each
    with what the node holds now (``before``); the node keeps the change set
    that created it."""
    current = current_properties(graph, label, [row["id"] for row in rows])
    changed = []
    for row in rows:
        before = current.get(row["id"])
        if before is None or comparable(before) != comparable(row["props"]):
            kept = {**row["props"], **creation_of(before)}
            changed.append({"id": row["id"], "props": kept, "before": before})
    return changed


def _describe(spec: RelationshipSpec) -> str:
    return f"{spec.type.value} of {spec.owner.value}"


def _ends_outside(
    relationships: Sequence[tuple[RelationshipSpec, list[tuple[bool, OwnerRows]]]],
    posts: Sequence[tuple[bool, list[dict[str, Any]]]],
    written: Container[str],
) -> dict[Label, set[str]]:
    """The ends of new owners' relationships and posts whose element ids the
    load has not learnt (``written``: the ids it has), by primary label."""
    ends = [
        target
        for _, parts in relationships
        for new, part in parts
        if new
        for _, targets in part
        for target in targets
    ]
    ends += [(row["target"], row["label"]) for new, part in posts if new for row in part]
    outside: dict[Label, set[str]] = {}
    for node_id, label in ends:
        if node_id not in written:
            outside.setdefault(label, set()).add(node_id)
    return outside


RowT = TypeVar("RowT")


def _split(
    rows: Sequence[RowT], existing: Container[str], key: Callable[[RowT], str]
) -> list[tuple[bool, list[RowT]]]:
    """The rows about nodes the graph already holds, then those about new ones."""
    old: list[RowT] = []
    new: list[RowT] = []
    for row in rows:
        (old if key(row) in existing else new).append(row)
    return [(flag, part) for flag, part in ((False, old), (True, new)) if part]


def _add(counts: dict[str, int], key: str, amount: int) -> None:
    counts[key] = counts.get(key, 0) + amount


def _remove_what_the_workbook_lacks(
    graph: Graph,
    workbook: ValidatedWorkbook,
    report: LoadReport,
    batch_size: int,
    context: ChangeContext,
) -> None:
    keep = {node_id for _, _, node_id, _ in workbook.nodes_by_row()}
    keep |= {node_id for _, _, node_id, _ in default_taxonomy().nodes_by_row()}
    wanted = {(post.person_id, post.post.value, post.target_id) for post in workbook.posts}
    with BatchWriter(graph, batch_size=batch_size, context=context) as writer:
        stale_posts = {key: held for key, held in all_posts(graph).items() if key not in wanted}
        if stale_posts:
            delete_posts(writer, stale_posts)
            writer.drain()
        report.deleted_posts = len(stale_posts)
        recorded: set[str] = set()
        for label in PRIMARY_LABELS:
            stale = all_node_ids(graph, label) - keep
            if stale:
                delete_nodes(writer, label, stale, recorded)
                writer.drain()
                report.deleted_nodes[label.value] = len(stale)


def end_dropped_posts(
    graph: Graph,
    workbook: ValidatedWorkbook,
    report: LoadReport,
    day: date,
    context: ChangeContext,
) -> None:
    """End on ``day`` the posts held then that ``posts.csv`` no longer lists,
    of every person and at every organization or place the workbook speaks
    of (defines, or names in a post): a person who left a post keeps it in
    the graph's memory, held until the load's day, where a ``replace`` load
    deletes it. A post that was to begin after ``day`` is deleted."""
    listed = {(post.person_id, post.post.value, post.target_id) for post in workbook.posts}
    spoken_of = {node_id for _, _, node_id, _ in workbook.nodes_by_row()}
    spoken_of |= {post.person_id for post in workbook.posts}
    spoken_of |= {post.target_id for post in workbook.posts}
    dropped = {
        key: held
        for key, held in all_posts(graph).items()
        if key not in listed
        and (key[0] in spoken_of or key[2] in spoken_of)
        and _held_after(held, day)
    }
    if not dropped:
        return
    with BatchWriter(graph, context=context) as writer:
        ended, deleted = end_posts(writer, dropped, day)
    report.ended_posts = ended
    report.deleted_posts += deleted


def _held_after(post: Mapping[str, Any], day: date) -> bool:
    """Whether a post is held after ``day`` (it has no ``until``, or a later one)."""
    until = to_date(post.get("until"))
    return until is None or until > day


def _step(progress: StepProgress | None, description: str, total: int) -> None:
    if progress is not None:
        progress(description, 0, total)


def _told(progress: StepProgress | None, description: str) -> Callable[[int], None] | None:
    if progress is None:
        return None
    step_progress = progress

    def told(done: int) -> None:
        step_progress(description, done, -1)

    return told
