"""Fixtures of the view tests: the sample community, raw and prepared, and a
builder for small hand-made views."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from tests.visualize.sample import sample_view
from visualize.model import ViewGraph, ViewKind, from_records
from visualize.transforms import prepare

Record = dict[str, Any]
MakeView = Callable[[Sequence[Record], Sequence[Record]], ViewGraph]


@pytest.fixture(scope="session")
def community() -> ViewGraph:
    """The sample community (647 nodes) with its audit findings."""
    return sample_view()


@pytest.fixture(scope="session")
def prepared(community: ViewGraph) -> ViewGraph:
    """The sample community, capped and laid out."""
    return prepare(community)


@pytest.fixture()
def make_view() -> MakeView:
    """Build a community view from node and relationship records."""

    def make(nodes: Sequence[Record], relationships: Sequence[Record]) -> ViewGraph:
        return from_records(
            nodes, relationships, title_zh="测试", title_en="Test", kind=ViewKind.COMMUNITY
        )

    return make
