"""What the route modules share: the documented error answers, and the
answers a route writes itself (JSON in one step, a CSV download)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Query
from fastapi.responses import Response
from pydantic import BaseModel

from api.models import ErrorPublic

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


AsOfQuery = Annotated[
    date | None,
    Query(
        description="the day to judge the graph on, YYYY-MM-DD: the posts held and the "
        "places and organizations existing that day (today when absent); "
        "not a date: 422"
    ),
]
"""The ``as_of`` parameter of every route that reads the graph."""


def json_response(model: BaseModel) -> Response:
    """``model`` as the JSON answer, written by pydantic in one step.

    A route that builds its answer as its ``response_model`` returns this, and
    FastAPI sends it as it is rather than validating and converting the model
    once more; the OpenAPI document still describes the route's model.
    """
    return Response(model.model_dump_json(by_alias=True), media_type="application/json")


def csv_response(text: str, filename: str) -> Response:
    """A CSV download (UTF-8; ``text`` brings the BOM Excel needs)."""
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
