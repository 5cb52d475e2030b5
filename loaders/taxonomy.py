"""The default need-category taxonomy that ships with civicgraph.

Two levels: broad fields of community service (养老服务, 物业维修, 代办服务 …)
and, under each, the concrete kinds of need residents raise (助餐, 电梯维修,
证件代办 …). The table lives in ``loaders/data/categories.csv`` in the
workbook's own ``categories.csv`` format, so a planner can copy, extend and load
it like any other workbook file; this module reads it as package data and
answers the few questions the scenario generator and the matcher ask of it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

CATEGORIES_FILE = "categories.csv"
"""The file name of the taxonomy, both as package data and in a workbook."""

CATEGORY_COLUMNS = ("id", "name_zh", "name_en", "parent_id")
"""The columns of ``categories.csv``, in order."""


@dataclass(frozen=True)
class Category:
    """One category of resident need.

    Attributes:
        id: stable ASCII id, ``cat_`` then snake case, e.g. ``cat_elderly_meal``.
        name_zh: the Chinese name, e.g. ``助餐服务``.
        name_en: the English name, e.g. ``Meal assistance``.
        parent_id: the broader category, or ``None`` at the top level.
    """

    id: str
    name_zh: str
    name_en: str
    parent_id: str | None


@cache
def default_categories() -> tuple[Category, ...]:
    """Read the default taxonomy, in file order (each parent before its children).

    Returns:
        Every category of ``loaders/data/categories.csv``.
    """
    text = resources.files("loaders").joinpath("data", CATEGORIES_FILE).read_text("utf-8")
    reader = csv.DictReader(io.StringIO(text))
    return tuple(
        Category(
            id=row["id"],
            name_zh=row["name_zh"],
            name_en=row["name_en"],
            parent_id=row["parent_id"] or None,
        )
        for row in reader
    )


@cache
def categories_by_id() -> dict[str, Category]:
    """Index the default taxonomy by id.

    Returns:
        Each category under its id.
    """
    return {category.id: category for category in default_categories()}


def all_category_ids() -> tuple[str, ...]:
    """Every category id of the default taxonomy, in file order.

    Returns:
        The ids, top-level and children alike.
    """
    return tuple(category.id for category in default_categories())


def top_level_ids() -> tuple[str, ...]:
    """The ids of the broad, top-level categories, in file order.

    Returns:
        The ids of categories without a parent.
    """
    return tuple(category.id for category in default_categories() if category.parent_id is None)


@cache
def _children_index() -> dict[str, tuple[str, ...]]:
    children: dict[str, list[str]] = {}
    for category in default_categories():
        if category.parent_id is not None:
            children.setdefault(category.parent_id, []).append(category.id)
    return {parent: tuple(ids) for parent, ids in children.items()}


def children_of(category_id: str) -> tuple[str, ...]:
    """The direct children of a category, in file order.

    Args:
        category_id: any category id.

    Returns:
        The ids of the categories whose parent it is; empty for a leaf or an
        unknown id.
    """
    return _children_index().get(category_id, ())


def leaf_ids() -> tuple[str, ...]:
    """The ids of the categories with no children, in file order.

    Returns:
        The concrete need categories.
    """
    index = _children_index()
    return tuple(category.id for category in default_categories() if category.id not in index)


def parent_of(category_id: str) -> str | None:
    """The broader category of a category.

    Args:
        category_id: a category id of the default taxonomy.

    Returns:
        The parent's id, or ``None`` for a top-level category.

    Raises:
        KeyError: when the id is not in the default taxonomy.
    """
    return categories_by_id()[category_id].parent_id


def category_rows() -> list[tuple[str, str, str, str]]:
    """The taxonomy as ``categories.csv`` rows, in :data:`CATEGORY_COLUMNS` order.

    Returns:
        One tuple per category; an absent parent is an empty string.
    """
    return [
        (category.id, category.name_zh, category.name_en, category.parent_id or "")
        for category in default_categories()
    ]
