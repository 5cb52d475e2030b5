"""The site's static files (``/static/``): the vendored vis-network, served
to the pages so that they load nothing from another host, and the site's
icon. No token: they are public."""

from __future__ import annotations

import hashlib
from functools import cache

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.pages import VIS_NETWORK_URL
from visualize.render import vis_network_js

router = APIRouter(tags=["pages"], include_in_schema=False)


@cache
def _vis_network() -> tuple[bytes, str]:
    body = vis_network_js().encode("utf-8")
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@router.get(VIS_NETWORK_URL)
def vis_network(request: Request) -> Response:
    """The vendored vis-network script, cached by its ETag."""
    body, etag = _vis_network()
    headers = {"ETag": etag, "Cache-Control": "public, max-age=86400"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="text/javascript; charset=utf-8", headers=headers)


FAVICON_URL = "/static/favicon.svg"

_FAVICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    '<rect width="32" height="32" rx="6" fill="#b71c1c"/>'
    '<circle cx="16" cy="9" r="3.2" fill="#fff"/>'
    '<circle cx="8" cy="22" r="3.2" fill="#fff"/>'
    '<circle cx="24" cy="22" r="3.2" fill="#fff"/>'
    '<path d="M16 9 8 22h16z" fill="none" stroke="#fff" stroke-width="1.8"/>'
    "</svg>"
).encode("ascii")
"""The site's icon: three linked nodes, white on the header's red."""


@router.get(FAVICON_URL)
@router.get("/favicon.ico")
def favicon() -> Response:
    """The site's icon."""
    return Response(
        _FAVICON, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"}
    )
