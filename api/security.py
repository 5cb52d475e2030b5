"""The security headers of every answer (安全响应头).

Every answer carries ``X-Content-Type-Options: nosniff``,
``Referrer-Policy: same-origin``, ``X-Frame-Options: DENY`` and a
Content-Security-Policy with ``frame-ancestors 'none'``. An HTML page's
policy admits only this site's scripts and styles and the inline ones that
carry the request's **nonce** (``request.state.csp_nonce``, which the pages
put on their ``<script>`` and ``<style>`` elements), plus the style sheets
vis-network injects, by their hashes (:func:`visualize.render.library_style_hashes`).
Any other answer's policy admits nothing at all.

It is plain ASGI middleware: the headers are added as the answer starts,
without reading or buffering its body.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

NONCE_KEY = "csp_nonce"
"""Where the request's nonce is kept in ``request.state``."""

COMMON_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
)

NON_PAGE_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
"""The policy of an answer that is not a page (JSON, CSV, scripts)."""

ExtraHeaders = Callable[[], Iterable[tuple[bytes, bytes]]]
"""Headers to add to every answer, asked for as each answer starts."""


def page_policy(nonce: str, style_hashes: Iterable[str] = ()) -> str:
    """The Content-Security-Policy of an HTML page.

    Args:
        nonce: the request's nonce.
        style_hashes: ``sha256-…`` sources of inline style sheets a library adds.
    """
    styles = " ".join(f"'{source}'" for source in style_hashes)
    return "; ".join(
        (
            "default-src 'none'",
            f"script-src 'self' 'nonce-{nonce}'",
            f"style-src 'self' 'nonce-{nonce}'" + (f" {styles}" if styles else ""),
            "img-src 'self' data: blob:",
            "font-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        )
    )


class SecurityHeaders:
    """Add the security headers to every HTTP answer of ``app``.

    Args:
        app: the ASGI app.
        style_hashes: hash sources the pages' style policy admits.
        extra: further headers, asked for as each answer starts.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        style_hashes: Iterable[str] = (),
        extra: ExtraHeaders | None = None,
    ) -> None:
        self.app = app
        self.style_hashes = tuple(style_hashes)
        self.extra = extra
        self._non_page = (
            *COMMON_HEADERS,
            (b"content-security-policy", NON_PAGE_POLICY.encode("ascii")),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(18)
        scope.setdefault("state", {})[NONCE_KEY] = nonce

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                if _is_html(headers):
                    policy = page_policy(nonce, self.style_hashes).encode("ascii")
                    headers += [*COMMON_HEADERS, (b"content-security-policy", policy)]
                else:
                    headers += self._non_page
                if self.extra is not None:
                    headers += self.extra()
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _is_html(headers: Iterable[tuple[bytes, bytes]]) -> bool:
    for name, value in headers:
        if name.lower() == b"content-type":
            return value.lower().startswith(b"text/html")
    return False


def csp_nonce(request_state: object) -> str | None:
    """The nonce of a request (its ``request.state``), for the inline
    ``<script>`` and ``<style>`` elements of the page it answers."""
    nonce = getattr(request_state, NONCE_KEY, None)
    return nonce if isinstance(nonce, str) else None
