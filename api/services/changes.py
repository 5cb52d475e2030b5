"""The change sets (变更记录): the list of writes, one node's history, and
reverting one write. The change log spans every place, so listing and
reverting take an unscoped token; a node's history is read within the
token's scope, masked for viewers as the node is."""

from __future__ import annotations

from datetime import date

from api.deps import masked
from api.errors import ForbiddenError
from api.models import ChangesPublic, NodeHistoryPublic, RevertPublic
from api.tokens import ApiToken
from graph.changes import ChangeContext
from graph.connection import Graph
from graph.errors import NotFoundError
from queries.changes import NodeHistory, list_changes, node_history
from queries.masking import mask_history
from queries.nodes import visible_nodes
from queries.revert import revert_changeset


def _unscoped(token: ApiToken) -> None:
    if token.scope_id is not None:
        raise ForbiddenError("the change log spans every place: an unscoped token is needed")


def changes_public(
    graph: Graph,
    *,
    since: date | None = None,
    until: date | None = None,
    actor: str | None = None,
    place_id: str | None = None,
    limit: int,
) -> ChangesPublic:
    """The change sets, newest first (the API's answer and ``changes --json``)."""
    found = list_changes(
        graph, since=since, until=until, actor=actor, place_id=place_id, limit=limit
    )
    return ChangesPublic.model_validate({"changesets": [c.to_json() for c in found]})


def changes(
    graph: Graph,
    token: ApiToken,
    *,
    since: date | None,
    until: date | None,
    actor: str | None,
    place_id: str | None,
    limit: int,
) -> ChangesPublic:
    """The change sets, for an unscoped token.

    Raises:
        ForbiddenError: the token is scoped.
    """
    _unscoped(token)
    return changes_public(
        graph, since=since, until=until, actor=actor, place_id=place_id, limit=limit
    )


def history_public(found: NodeHistory) -> NodeHistoryPublic:
    """A node's history as answered (and as ``history --json`` prints it)."""
    return NodeHistoryPublic.model_validate(found.to_json())


def history(graph: Graph, token: ApiToken, node_id: str) -> NodeHistoryPublic:
    """A node's history within the token's scope; a deleted node's only for
    an unscoped token.

    Raises:
        NotFoundError: no node has (or had) the id, or it lies outside the scope.
    """
    if token.scope_id is not None and node_id not in visible_nodes(
        graph, [node_id], token.scope_id
    ):
        raise NotFoundError(node_id, "node")
    found = node_history(graph, node_id)
    return history_public(mask_history(found) if masked(token) else found)


def revert(graph: Graph, token: ApiToken, changeset: str, context: ChangeContext) -> RevertPublic:
    """Revert one change set, for an unscoped token.

    Raises:
        ForbiddenError: the token is scoped.
        NotFoundError: no change set has the key.
        RevertConflictError: later change sets touched the same entities.
    """
    _unscoped(token)
    return RevertPublic(revert_changeset(graph, changeset, context=context))
