"""Candidates of a need (``queries.matching``) on the small workbook and on
variants of it, against expectations worked out by hand from its README:
the exact order, distance, category match and remaining places."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

from graph.connection import Graph
from graph.errors import NotFoundError
from queries.catalog import answer_async, run
from queries.matching import NeedCandidates, candidates, candidates_steps
from tests.queries.matching_workbooks import LoadedWorkbook, add_row, copy_small, edit_rows

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def loaded(graph: Graph) -> LoadedWorkbook:
    """What this module has loaded."""
    return LoadedWorkbook(graph)


@pytest.fixture()
def small(loaded: LoadedWorkbook) -> Graph:
    """The small workbook (loaded again only after a variant)."""
    return loaded.small()


def ranked(result: NeedCandidates) -> list[tuple[str, str, int, int]]:
    """(resource id, category match, distance, remaining) in rank order."""
    return [
        (c.resource.resource_id, c.category_match.value, c.distance, c.remaining)
        for c in result.candidates
    ]


def test_meal_assistance_is_found_three_steps_up(small: Graph) -> None:
    # N01 at U01 → B01 → A01 → C01: SV02 covers C01, same category, 2 places.
    result = candidates(small, "N01")
    assert ranked(result) == [("SV02", "exact", 3, 2)]
    only = result.candidates[0]
    assert only.resource.provider_id == "O05"
    assert only.covered_place_id == "C01"
    assert only.reason_zh == "覆盖如意社区，上三级；类别完全匹配；尚余2个名额"
    assert only.reason_en == "covers 如意社区, three steps up; exact category; 2 places left"


def test_nearer_exact_service_ranks_before_a_farther_broader_one(small: Graph) -> None:
    # N07 at B01 → A01: SV05 covers A01 (errands, exact); SV03 lists no
    # coverage, so it covers its provider O07's place C01 (proxy services, broader).
    result = candidates(small, "N07")
    assert ranked(result) == [("SV05", "exact", 1, 1), ("SV03", "broader", 2, 3)]
    assert result.candidates[1].covered_place_id == "C01"
    assert result.candidates[1].reason_en == (
        "covers 如意社区, two steps up; broader category (Proxy services (red proxy)); "
        "3 places left"
    )


def test_a_party_org_can_provide_a_service(small: Graph) -> None:
    # N06 at grid G03 → C02: SV04 (offered by party org PC02) covers C02.
    result = candidates(small, "N06")
    assert ranked(result) == [("SV04", "exact", 1, 1)]
    assert result.candidates[0].resource.provider_id == "PC02"


def test_no_resource_covers_a_neighbour_dispute(small: Graph) -> None:
    result = candidates(small, "N04")
    assert result.candidates == ()
    assert result.full == ()


def test_a_planned_project_is_not_a_candidate_but_is_named(small: Graph) -> None:
    # N05 at U03 → B04 → A03 → C02: PJ02 serves C02 in its category but is
    # only planned, so it takes no needs yet (the README lists it as N05's
    # candidate: the status decision here says otherwise).
    result = candidates(small, "N05")
    assert result.candidates == ()
    assert [(c.resource.resource_id, c.distance) for c in result.inactive] == [("PJ02", 3)]
    assert result.to_json()["inactive_projects"][0]["status"] == "planned"


def test_a_need_that_is_not_open_still_gets_its_list_with_a_note(small: Graph) -> None:
    # N02 (A02 → C01) is assigned to PJ01 (property repair, broader than
    # elevator repair): PJ01 has 2 places, N02 holds one.
    result = candidates(small, "N02")
    assert ranked(result) == [("PJ01", "broader", 1, 1)]
    assert result.candidates[0].resource.kind.value == "project"
    assert result.note_en is not None and "assigned" in result.note_en
    assert result.note_zh is not None and "已派单" in result.note_zh
    # N03 is resolved: its assignment to SV01 no longer counts against it.
    resolved = candidates(small, "N03")
    assert ranked(resolved) == [("SV01", "broader", 3, 5)]


def test_json_has_the_designed_keys(small: Graph) -> None:
    value = candidates(small, "N07").to_json()
    assert value["need_id"] == "N07"
    assert value["note_en"] is None
    first = value["candidates"][0]
    required = {
        "resource_id",
        "resource_kind",
        "provider_id",
        "category_match",
        "distance",
        "remaining",
        "reason",
    }
    assert required <= first.keys()
    assert (first["resource_id"], first["resource_kind"], first["provider_id"]) == (
        "SV05",
        "service",
        "O06",
    )
    assert first["reason"] == f"{first['reason_zh']} / {first['reason_en']}"


def test_an_unknown_need_is_not_found(small: Graph) -> None:
    with pytest.raises(NotFoundError, match="need not found: N99"):
        candidates(small, "N99")


def test_a_need_outside_the_scope_is_not_found(small: Graph) -> None:
    # N01 is raised in C01 (street S01); N05 in C02.
    assert candidates(small, "N01", "C01") == candidates(small, "N01")
    assert candidates(small, "N01", "S01") == candidates(small, "N01")
    with pytest.raises(NotFoundError, match="need not found: N05"):
        candidates(small, "N05", "C01")


def test_the_event_loop_asks_the_same_question_alike(small: Graph) -> None:
    # The API answers candidates on its event loop (candidates_steps on the
    # asynchronous connection): the same answer, the same scope rule.
    async def ask(need_id: str, scope_id: str | None) -> NeedCandidates | str:
        twin = small.open_async()
        try:
            return await answer_async(twin, candidates_steps(need_id, scope_id))
        except NotFoundError as error:
            return str(error)
        finally:
            await twin.close()

    assert asyncio.run(ask("N07", "S01")) == candidates(small, "N07", "S01")
    assert asyncio.run(ask("N01", None)) == candidates(small, "N01")
    assert asyncio.run(ask("N05", "C01")) == "need not found: N05"
    assert asyncio.run(ask("N99", None)) == "need not found: N99"


def test_concurrent_asks_share_a_query_and_each_gets_its_own_answer(small: Graph) -> None:
    # On the event loop, concurrent asks of candidates are answered by merged
    # queries; each need's answer is the one it gets alone.
    need_ids = [row["need_id"] for row in run(small, "match_open_needs", {"community_id": None})]
    asked = [*need_ids, "N99", *need_ids]

    async def ask_all() -> tuple[list[NeedCandidates | str], int]:
        twin = small.open_async()

        async def ask(need_id: str) -> NeedCandidates | str:
            try:
                return await answer_async(twin, candidates_steps(need_id))
            except NotFoundError as error:
                return str(error)

        try:
            answers = await asyncio.gather(*(ask(need_id) for need_id in asked))
            return list(answers), twin.merged_queries
        finally:
            await twin.close()

    answers, queries = asyncio.run(ask_all())
    assert len(need_ids) >= 5
    assert queries == 1
    for need_id, got in zip(asked, answers, strict=True):
        if need_id == "N99":
            assert got == "need not found: N99"
        else:
            assert got == candidates(small, need_id)


# --- variants ---------------------------------------------------------------------


def test_a_full_resource_disappears(loaded: LoadedWorkbook, tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    # SV05 has one place; an assigned need in A01 takes it.
    add_row(
        folder,
        "needs.csv",
        id="N08",
        title="代买药品",
        kind="micro_wish",
        category="cat_proxy_errands",
        place_id="B02",
        urgency="2",
        raised_on="2024-05-21",
        status="assigned",
        assigned_to="SV05",
    )
    graph = loaded.variant(folder)
    result = candidates(graph, "N07")
    assert ranked(result) == [("SV03", "broader", 2, 3)]
    assert [(c.resource.resource_id, c.remaining) for c in result.full] == [("SV05", 0)]
    assert result.full[0].reason_en.endswith("; full")


def test_ranking_distance_then_exact_then_remaining_then_id(
    loaded: LoadedWorkbook, tmp_path: Path
) -> None:
    folder = copy_small(tmp_path)
    services = (
        # broader at distance 1, with more room than SV05: still after the exact ones
        ("SV06", "cat_proxy_services", "9", "A01"),
        # exact at distance 1 with 3 places: before SV05 (1 place)
        ("SV07", "cat_proxy_errands", "3", "A01"),
        # the same as SV07 but a later id
        ("SV08", "cat_proxy_errands", "3", "A01"),
        # exact at distance 0 (the building itself), 1 place: first
        ("SV09", "cat_proxy_errands", "1", "B01"),
        # exact, but it covers the city above the county: outside the ancestry
        ("SV10", "cat_proxy_errands", "9", "JN"),
    )
    for service_id, category, capacity, covers in services:
        add_row(
            folder,
            "services.csv",
            id=service_id,
            name=f"服务{service_id}",
            provider_id="O07",
            category=category,
            capacity=capacity,
            covers=covers,
        )
    add_row(folder, "places.csv", id="JN", name="济宁市", kind="city")
    edit_rows(folder, "places.csv", "id", "X01", parent_id="JN")
    graph = loaded.variant(folder)
    assert ranked(candidates(graph, "N07")) == [
        ("SV09", "exact", 0, 1),
        ("SV07", "exact", 1, 3),
        ("SV08", "exact", 1, 3),
        ("SV05", "exact", 1, 1),
        ("SV06", "broader", 1, 9),
        ("SV03", "broader", 2, 3),
    ]
    assert (
        candidates(graph, "N07")
        .candidates[0]
        .reason_en.startswith("covers 如意花园1号楼, the need's own place;")
    )


def test_the_providers_own_place_is_the_default_coverage(
    loaded: LoadedWorkbook, tmp_path: Path
) -> None:
    folder = copy_small(tmp_path)
    # A service of area branch PA01 (which LEADS A01) and one of micro org O06
    # (BASED_IN A01), neither listing coverage; and one of O06 that lists C02,
    # so its provider's place no longer counts.
    for service_id, provider, covers in (
        ("SV11", "PA01", ""),
        ("SV12", "O06", ""),
        ("SV13", "O06", "C02"),
    ):
        add_row(
            folder,
            "services.csv",
            id=service_id,
            name=f"服务{service_id}",
            provider_id=provider,
            category="cat_elderly_care",
            capacity="2",
            covers=covers,
        )
    graph = loaded.variant(folder)
    # N01 at U01 → B01 → A01 (2 steps up) → C01 (3).
    assert ranked(candidates(graph, "N01")) == [
        ("SV11", "broader", 2, 2),
        ("SV12", "broader", 2, 2),
        ("SV02", "exact", 3, 2),
    ]


def test_a_completed_project_is_excluded_an_active_one_is_not(
    loaded: LoadedWorkbook, tmp_path: Path
) -> None:
    folder = copy_small(tmp_path)
    # An open elevator complaint in A02, which PJ01 (C01, property repair) covers.
    add_row(
        folder,
        "needs.csv",
        id="N09",
        title="电梯异响",
        kind="complaint",
        category="cat_repair_elevator",
        place_id="B03",
        urgency="2",
        raised_on="2024-05-22",
        status="open",
    )
    # PJ02 becomes active (N05's candidate), a project with no status counts as active.
    edit_rows(folder, "projects.csv", "id", "PJ02", status="active")
    add_row(
        folder,
        "projects.csv",
        id="PJ03",
        name="电梯维保",
        unit_id="O04",
        community_id="C01",
        category="cat_repair_elevator",
        capacity="1",
    )
    graph = loaded.variant(folder)
    assert ranked(candidates(graph, "N09")) == [
        ("PJ03", "exact", 2, 1),
        ("PJ01", "broader", 2, 1),
    ]
    assert ranked(candidates(graph, "N05")) == [("PJ02", "exact", 3, 1)]

    edit_rows(folder, "projects.csv", "id", "PJ01", status="completed")
    graph = loaded.variant(folder)
    result = candidates(graph, "N09")
    assert ranked(result) == [("PJ03", "exact", 2, 1)]
    assert [c.resource.resource_id for c in result.inactive] == ["PJ01"]


# --- command line -------------------------------------------------------------------


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``civicgraph`` in a child process, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_cli_candidates_json(small: Graph) -> None:
    done = cli("candidates", "N07", "--json")
    assert done.returncode == 0, done.stderr
    value = json.loads(done.stdout)
    assert value["need_id"] == "N07"
    assert [
        (c["resource_id"], c["category_match"], c["distance"], c["remaining"])
        for c in value["candidates"]
    ] == [("SV05", "exact", 1, 1), ("SV03", "broader", 2, 3)]


@pytest.mark.slow
def test_cli_candidates_text(small: Graph) -> None:
    done = cli("candidates", "N01")
    assert done.returncode == 0, done.stderr
    assert "SV02" in done.stdout
    assert "覆盖如意社区，上三级；类别完全匹配；尚余2个名额" in done.stdout


@pytest.mark.slow
def test_cli_unknown_need_is_one_line_on_stderr(small: Graph) -> None:
    done = cli("candidates", "N99", "--json")
    assert done.returncode != 0
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert lines == ["civicgraph: error: need not found: N99"]
    assert "Traceback" not in done.stderr
