"""Errors as the API answers them: always JSON ``{"error": ..., "detail": ...}``
with the status a client can act on.

Every :class:`graph.errors.CivicGraphError` maps to a 4xx by its class (a node
outside the caller's scope is reported as not found, never as forbidden, so
that its existence is not revealed); FastAPI's request validation answers 422
with every problem; a rejected workbook answers 422 with each problem's file,
row and column. Only a bug or a database that cannot be reached gives a 5xx.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.errors import (
    AuthenticationError,
    CivicGraphError,
    ConfigurationError,
    DatabaseUnavailableError,
    NotFoundError,
    ValidationError,
)
from queries.audit import AuditInputError
from queries.needs import NeedConflictError, NeedInputError

logger = logging.getLogger("civicgraph.api")


class ApiError(CivicGraphError):
    """An error the API itself raises, with its HTTP status.

    Attributes:
        status_code: the HTTP status.
        error: the short machine-readable name in the ``error`` field.
    """

    status_code = 400
    error = "bad_request"


class BadRequestError(ApiError):
    """The request cannot be served as asked (400)."""


class UnauthorizedError(ApiError):
    """No token, or one that is unknown or revoked (401)."""

    status_code = 401
    error = "unauthorized"


class ForbiddenError(ApiError):
    """The token's role may not do this (403)."""

    status_code = 403
    error = "forbidden"


class PayloadTooLargeError(ApiError):
    """An upload larger than the API takes (413)."""

    status_code = 413
    error = "payload_too_large"


_STATUS: tuple[tuple[type[CivicGraphError], int, str], ...] = (
    (NotFoundError, 404, "not_found"),
    (ValidationError, 422, "workbook_rejected"),
    (NeedConflictError, 409, "conflict"),
    (NeedInputError, 400, "bad_request"),
    (AuditInputError, 400, "bad_request"),
    (DatabaseUnavailableError, 503, "database_unavailable"),
    (AuthenticationError, 503, "database_unavailable"),
    (ConfigurationError, 500, "configuration"),
)

_REASONS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
}


def error_body(error: str, detail: str, **extra: Any) -> dict[str, Any]:
    """The JSON body of every error answer."""
    return {"error": error, "detail": detail, **extra}


def status_of(error: CivicGraphError) -> tuple[int, str]:
    """The HTTP status and error name of a civicgraph error."""
    if isinstance(error, ApiError):
        return error.status_code, error.error
    for kind, status, name in _STATUS:
        if isinstance(error, kind):
            return status, name
    # A civicgraph error the table does not name is still one a user can fix.
    return 400, "bad_request"


async def _civicgraph_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, CivicGraphError)
    status, name = status_of(error)
    extra: dict[str, Any] = {}
    if isinstance(error, ValidationError):
        extra["problems"] = [
            {"file": p.file, "row": p.row, "column": p.column, "message": p.message}
            for p in error.problems
        ]
        extra["problem_count"] = error.count
    if status >= 500:
        logger.error("%s %s: %s", request.method, request.url.path, error)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(
        error_body(name, " ".join(str(error).split()), **extra), status, headers=headers
    )


async def _request_validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = [
        {
            "location": ".".join(str(part) for part in problem.get("loc", ())),
            "message": str(problem.get("msg", "")),
        }
        for problem in error.errors()
    ]
    summary = "; ".join(f"{p['location']}: {p['message']}" for p in problems[:5])
    return JSONResponse(
        error_body("invalid_request", summary or "invalid request", problems=problems), 422
    )


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    name = _REASONS.get(error.status_code, "error")
    return JSONResponse(
        error_body(name, str(error.detail)),
        error.status_code,
        headers=getattr(error, "headers", None),
    )


async def _unexpected_error(request: Request, error: Exception) -> JSONResponse:
    logger.exception("%s %s failed", request.method, request.url.path, exc_info=error)
    return JSONResponse(
        error_body("internal", f"internal error (a bug): {type(error).__name__}"), 500
    )


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error in the ``{"error", "detail"}`` shape."""
    app.add_exception_handler(CivicGraphError, _civicgraph_error)
    app.add_exception_handler(RequestValidationError, _request_validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
