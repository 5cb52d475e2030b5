"""Errors as the API answers them: always JSON ``{"error": ..., "detail": ...}``
with the status a client can act on.

Every :class:`graph.errors.CivicGraphError` maps to a 4xx by its class (a node
outside the caller's scope is reported as not found, never as forbidden, so
that its existence is not revealed); FastAPI's request validation answers 422
with every problem; a rejected workbook answers 422 with each problem's file,
row and column. Only a bug, a database that cannot be reached or a token file
that cannot be read gives a 5xx; its answer says what failed and nothing
about the server (no address, no path), and the log says the rest.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.tokens import TokenStoreUnavailableError
from graph.errors import (
    AuthenticationError,
    CivicGraphError,
    ConfigurationError,
    DatabaseUnavailableError,
    NotFoundError,
    ValidationError,
)
from graph.loadmark import InterruptedLoadError, LoadInProgressError
from queries.audit import AuditInputError
from queries.audit_runs import AuditRunInputError
from queries.needs import NeedConflictError, NeedInputError
from queries.revert import RevertConflictError

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
    (RevertConflictError, 409, "conflict"),
    (LoadInProgressError, 409, "load_in_progress"),
    (InterruptedLoadError, 409, "incomplete_load"),
    (NeedInputError, 400, "bad_request"),
    (AuditRunInputError, 422, "invalid_request"),
    (AuditInputError, 400, "bad_request"),
    (TokenStoreUnavailableError, 503, "token_store_unavailable"),
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


PUBLIC_DETAIL = {
    "database_unavailable": (
        "数据库暂时无法访问 · the database cannot be reached: try again shortly"
    ),
    "token_store_unavailable": (
        "令牌库无法读取 · the token store cannot be read: an administrator must repair it"
    ),
    "configuration": "服务器配置有误 · the server is misconfigured: its log says how",
}
"""What a 5xx answer says, in place of a message that may name the server's
addresses or files."""


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


def public_error(request: Request, error: CivicGraphError) -> tuple[int, str, str]:
    """The status, name and detail an error is answered with; a 5xx is
    logged whole and answered with :data:`PUBLIC_DETAIL`."""
    status, name = status_of(error)
    detail = " ".join(str(error).split())
    if status >= 500:
        logger.error("%s %s: %s", request.method, request.url.path, detail)
        detail = PUBLIC_DETAIL.get(name, name)
    return status, name, detail


async def _civicgraph_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, CivicGraphError)
    status, name, detail = public_error(request, error)
    extra: dict[str, Any] = {}
    if isinstance(error, ValidationError):
        extra["problems"] = [
            {"file": p.file, "row": p.row, "column": p.column, "message": p.message}
            for p in error.problems
        ]
        extra["problem_count"] = error.count
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(error_body(name, detail, **extra), status, headers=headers)


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
