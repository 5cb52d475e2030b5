"""The explorer's views (探索), within the caller's scope and masked for viewers."""

from __future__ import annotations

from api.deps import masked
from api.tokens import ApiToken
from graph.connection import Graph
from visualize.model import ViewGraph
from visualize.views import ViewChoice, build_view


def explore_view(
    graph: Graph, token: ApiToken, choice: ViewChoice, community_url: str
) -> ViewGraph:
    """The view asked for, as the token may see it (titles and tooltips
    masked for viewers); an overview's communities link to ``community_url``."""
    return build_view(
        graph, choice, scope_id=token.scope_id, masked=masked(token), community_url=community_url
    )
