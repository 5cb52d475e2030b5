"""Signing in to the planners' pages (登录): the token form at ``/session``,
the cookie that keeps the token, and the checks that keep other sites from
acting with it.

The token form checks a token against the token file and keeps it in a
cookie that scripts cannot read (``HttpOnly``, ``SameSite=Strict``). Its
name carries the instance — a digest of ``$CIVICGRAPH_HOME`` and the port
the server listens on — so that two civicgraph servers on one host keep
separate cookies (browsers do not separate cookies by port).

A page that changes something (派单, the order steps) does it with a form
posted to this site. Such a post is taken only when it is **same-origin**
(its ``Origin`` header, or failing that its ``Referer``, names this site) and
carries the **CSRF token** of the signed-in token: an HMAC of the token's
hash under a key kept in ``$CIVICGRAPH_HOME/session-key`` (mode 600). A page
on another site, or on another port of this host, can neither read the
cookie nor know the CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request

from api.errors import ForbiddenError
from api.tokens import ApiToken, TokenStore, TokenStoreError

SESSION_KEY_FILE = "session-key"
"""The file under ``$CIVICGRAPH_HOME`` that holds the key of the CSRF tokens."""

COOKIE_PREFIX = "civicgraph_"
"""What the cookie's name starts with; a digest of the instance follows."""

COOKIE_MAX_AGE = 30 * 24 * 3600
"""How long the browser keeps the token: a month."""

CSRF_FIELD = "csrf"
"""The form field that carries the CSRF token."""


def cookie_name(home: Path | str, port: int | None) -> str:
    """The cookie of the server whose home is ``home``, listening on ``port``.

    Args:
        home: ``$CIVICGRAPH_HOME``.
        port: the port the server listens on (``None`` when unknown).

    Returns:
        ``civicgraph_`` and ten hex digits.
    """
    instance = f"{Path(home).expanduser().resolve()}\0{port if port is not None else ''}"
    return COOKIE_PREFIX + hashlib.sha256(instance.encode("utf-8")).hexdigest()[:10]


def listening_port(request: Request) -> int | None:
    """The port the server took the request on."""
    server = request.scope.get("server")
    if not server or len(server) < 2 or server[1] is None:
        return None
    return int(server[1])


class Sessions:
    """The cookie and CSRF tokens of one server.

    Args:
        home: ``$CIVICGRAPH_HOME``, where the key is kept.
    """

    def __init__(self, home: Path | str) -> None:
        self.home = Path(home)
        self._key: bytes | None = None

    def cookie_name(self, request: Request) -> str:
        """The cookie this server keeps the token in."""
        return cookie_name(self.home, listening_port(request))

    def csrf_token(self, token: ApiToken) -> str:
        """The CSRF token of a signed-in token: the same for every page it opens."""
        digest = hmac.new(self._secret(), token.token_hash.encode("ascii"), hashlib.sha256)
        return digest.hexdigest()

    def csrf_matches(self, token: ApiToken, given: str | None) -> bool:
        """Whether ``given`` is the CSRF token of ``token``."""
        return bool(given) and hmac.compare_digest(self.csrf_token(token), str(given))

    def _secret(self) -> bytes:
        if self._key is None:
            self._key = _read_or_make_key(self.home / SESSION_KEY_FILE)
        return self._key


def _read_or_make_key(path: Path) -> bytes:
    """The key in ``path``, made (32 random bytes, mode 600) when it is missing."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            key = path.read_bytes()
        else:
            key = secrets.token_bytes(32)
            with open(descriptor, "wb") as handle:
                handle.write(key)
    except OSError as error:
        raise TokenStoreError(f"cannot keep the session key in {path}: {error}") from error
    if len(key) < 32:
        raise TokenStoreError(f"{path} is not a session key: delete it to make a new one")
    return key


def get_sessions(request: Request) -> Sessions:
    """The app's sessions."""
    sessions: Sessions = request.app.state.sessions
    return sessions


SessionsDep = Annotated[Sessions, Depends(get_sessions)]


def page_token(request: Request) -> ApiToken | None:
    """The token the form left in the cookie, or ``None`` when there is none
    or it is unknown or revoked."""
    sessions: Sessions = request.app.state.sessions
    store: TokenStore = request.app.state.tokens
    clear = request.cookies.get(sessions.cookie_name(request))
    return store.verify(clear) if clear else None


PageToken = Annotated[ApiToken | None, Depends(page_token)]


def same_origin(request: Request) -> bool:
    """Whether a browser sent the request from a page of this site.

    The ``Origin`` header decides when there is one (``null`` is another
    site); otherwise the ``Referer``; a request with neither comes from no
    page (a command-line client) and passes.
    """
    here = request.url.netloc.lower()
    origin = request.headers.get("origin")
    if origin is not None:
        return origin != "null" and urlsplit(origin).netloc.lower() == here
    referer = request.headers.get("referer")
    if referer is not None:
        return urlsplit(referer).netloc.lower() == here
    return True


def require_same_origin(request: Request) -> None:
    """Refuse a post a page of another site sent.

    Raises:
        ForbiddenError: the request came from another origin.
    """
    if not same_origin(request):
        raise ForbiddenError("请从本站提交 · submit the form from this site")


def require_page_action(
    request: Request, sessions: Sessions, token: ApiToken, csrf: str | None
) -> None:
    """Check a page's form that changes something: same origin, and the CSRF
    token of the signed-in token.

    Raises:
        ForbiddenError: another origin, or a missing or wrong CSRF token.
    """
    require_same_origin(request)
    if not sessions.csrf_matches(token, csrf):
        raise ForbiddenError("表单已过期，请刷新页面 · the form is stale: reload the page")
