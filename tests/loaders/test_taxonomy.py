"""The default category taxonomy: two levels, stable ids, zh and en names, and
every field DESIGN.md names present."""

from __future__ import annotations

import csv
import re
from importlib import resources

import pytest

from loaders import taxonomy
from loaders.scenario.texts import (
    DEPARTMENTS,
    LEAF_TEXTS,
    MICRO_ORG_TYPES,
    SOCIAL_ORG_TEMPLATES,
    UNIT_CATEGORIES,
    VOLUNTEER_THEMES,
)

REQUIRED_TOP_LEVEL = {
    "cat_elderly_care": "养老",
    "cat_child_care": "托育",
    "cat_legal_aid": "法律援助",
    "cat_dispute_mediation": "调解",
    "cat_mental_health": "心理",
    "cat_property_repair": "物业维修",
    "cat_environment": "环境",
    "cat_public_safety": "平安",
    "cat_employment": "就业",
    "cat_health": "医疗",
    "cat_culture_sports": "文体",
    "cat_education": "教育",
    "cat_disability_support": "助残",
    "cat_hardship_relief": "救助",
    "cat_policy_consultation": "政策咨询",
    "cat_proxy_services": "代办",
}


def _file_rows() -> list[dict[str, str]]:
    text = resources.files("loaders").joinpath("data", "categories.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def test_file_has_the_workbook_columns() -> None:
    text = resources.files("loaders").joinpath("data", "categories.csv").read_text("utf-8")
    assert text.splitlines()[0] == ",".join(taxonomy.CATEGORY_COLUMNS)


def test_ids_are_unique_stable_ascii() -> None:
    ids = taxonomy.all_category_ids()
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"cat_[a-z0-9]+(_[a-z0-9]+)*", category_id) for category_id in ids)


def test_two_levels_and_every_parent_exists() -> None:
    by_id = taxonomy.categories_by_id()
    for category in taxonomy.default_categories():
        if category.parent_id is not None:
            assert category.parent_id in by_id
            assert by_id[category.parent_id].parent_id is None, category.id


def test_parents_come_before_children() -> None:
    seen: set[str] = set()
    for category in taxonomy.default_categories():
        assert category.parent_id is None or category.parent_id in seen
        seen.add(category.id)


@pytest.mark.parametrize(("category_id", "zh_fragment"), sorted(REQUIRED_TOP_LEVEL.items()))
def test_required_top_level_category(category_id: str, zh_fragment: str) -> None:
    category = taxonomy.categories_by_id()[category_id]
    assert category.parent_id is None
    assert zh_fragment in category.name_zh
    assert category.name_en and category.name_en.isascii()
    assert len(taxonomy.children_of(category_id)) >= 3


def test_every_category_has_both_names() -> None:
    for category in taxonomy.default_categories():
        assert category.name_zh and not category.name_zh.isascii(), category.id
        assert category.name_en and category.name_en.isascii(), category.id


def test_examples_from_the_brief_sit_under_their_fields() -> None:
    assert {"cat_elderly_meal", "cat_elderly_visit", "cat_elderly_daycare"} <= set(
        taxonomy.children_of("cat_elderly_care")
    )
    assert {"cat_repair_utilities", "cat_repair_elevator", "cat_repair_leak"} <= set(
        taxonomy.children_of("cat_property_repair")
    )
    assert {"cat_env_garbage", "cat_env_greening"} <= set(taxonomy.children_of("cat_environment"))


def test_helpers_agree_with_the_file() -> None:
    rows = _file_rows()
    assert taxonomy.all_category_ids() == tuple(row["id"] for row in rows)
    assert taxonomy.top_level_ids() == tuple(row["id"] for row in rows if not row["parent_id"])
    assert taxonomy.category_rows() == [
        (row["id"], row["name_zh"], row["name_en"], row["parent_id"]) for row in rows
    ]
    parents = {row["parent_id"] for row in rows if row["parent_id"]}
    assert set(taxonomy.leaf_ids()) == {row["id"] for row in rows} - parents
    assert taxonomy.children_of("cat_elderly_meal") == ()
    assert taxonomy.children_of("no_such_category") == ()
    assert taxonomy.parent_of("cat_elderly_meal") == "cat_elderly_care"
    assert taxonomy.parent_of("cat_elderly_care") is None


def test_scenario_words_name_real_categories() -> None:
    ids = set(taxonomy.all_category_ids())
    top = set(taxonomy.top_level_ids())
    assert set(LEAF_TEXTS) == set(taxonomy.leaf_ids())
    for department in DEPARTMENTS:
        assert set(department.domains) <= top
        for category in department.service_categories:
            assert taxonomy.parent_of(category) in department.domains
    assert {domain for d in DEPARTMENTS[:17] for domain in d.domains} == top
    used = [c for cs in UNIT_CATEGORIES.values() for c in cs]
    used += [c for _, c in SOCIAL_ORG_TEMPLATES + VOLUNTEER_THEMES + MICRO_ORG_TYPES]
    assert set(used) <= ids
