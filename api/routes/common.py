"""What the route modules share: the documented error answers, the checks
that a scoped caller may see a need, and the direct JSON answer."""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response
from pydantic import BaseModel

from api.models import ErrorPublic
from api.tokens import ApiToken
from graph.connection import Graph
from graph.schema import Label
from queries.nodes import require_visible

AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorPublic, "description": "no token, or an unknown or revoked one"},
    403: {"model": ErrorPublic, "description": "the token's role may not do this"},
    422: {"model": ErrorPublic, "description": "the request is malformed"},
}
"""The answers every route with a token may give."""

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorPublic, "description": "no such node, or outside the token's scope"},
}
BAD_REQUEST: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorPublic, "description": "a value the route cannot take"},
}
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorPublic, "description": "conflicts with the graph as it is"},
}


def require_need(graph: Graph, token: ApiToken, need_id: str) -> None:
    """Check that the need exists within the token's scope.

    Raises:
        NotFoundError: it does not.
    """
    require_visible(graph, need_id, token.scope_id, Label.NEED, "need")


def json_response(model: BaseModel) -> Response:
    """``model`` as the JSON answer, written by pydantic in one step.

    A route that builds its answer as its ``response_model`` returns this, and
    FastAPI sends it as it is rather than validating and converting the model
    once more; the OpenAPI document still describes the route's model.
    """
    return Response(model.model_dump_json(), media_type="application/json")
