"""The token form (登录): ``GET /session`` asks for a token, ``POST /session``
checks it and keeps it in the instance's cookie (:mod:`api.session`),
``POST /session/end`` forgets it. Both posts are taken only from a page of
this site."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.pages import render_page
from api.session import COOKIE_MAX_AGE, PageToken, SessionsDep, same_origin
from api.tokens import TokenStore

router = APIRouter(tags=["pages"], include_in_schema=False)


def local_path(target: str) -> str:
    """``target`` when it is a path on this site, else ``/``: the form's
    ``next`` must not send anyone elsewhere."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def ask_for_token(request: Request, message: str | None = None) -> HTMLResponse:
    """The token form, in place of a page that needs a token (401)."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return render_page(
        request,
        "pages/token.html",
        token=None,
        status_code=401,
        next_url=local_path(target),
        message=message,
    )


@router.get("/session", response_class=HTMLResponse)
def token_form(request: Request, next: str = "/") -> HTMLResponse:
    """The token form."""
    return render_page(
        request, "pages/token.html", token=None, next_url=local_path(next), message=None
    )


@router.post("/session")
def token_submit(
    request: Request,
    sessions: SessionsDep,
    token: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the token and keep it in the cookie; back to the page asked for."""
    if not same_origin(request):
        return ask_for_token(request, "请从本站提交 · submit the form from this site")
    clear = token.strip()
    store: TokenStore = request.app.state.tokens
    if store.verify(clear) is None:
        return render_page(
            request,
            "pages/token.html",
            token=None,
            status_code=401,
            next_url=local_path(next),
            message="令牌无效或已吊销 · unknown or revoked token",
        )
    response = RedirectResponse(local_path(next), status_code=303)
    response.set_cookie(
        sessions.cookie_name(request),
        clear,
        max_age=COOKIE_MAX_AGE,
        path="/",
        samesite="strict",
        secure=request.url.scheme == "https",
        httponly=True,
    )
    return response


@router.post("/session/end")
def token_forget(request: Request, sessions: SessionsDep, token: PageToken) -> Response:
    """Forget the token (sign out); only from a page of this site."""
    if not same_origin(request):
        return render_page(
            request,
            "pages/error.html",
            token=token,
            status_code=403,
            error="forbidden",
            detail="请从本站提交 · submit the form from this site",
            back="/",
        )
    response = RedirectResponse("/session", status_code=303)
    response.delete_cookie(
        sessions.cookie_name(request), path="/", samesite="strict", httponly=True
    )
    return response
