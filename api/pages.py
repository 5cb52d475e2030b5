"""Rendering the planners' pages: the Jinja2 templates of ``api/templates``
with the helpers they share, and :func:`render_page`, which gives every page
what its frame needs — the request's CSP nonce for its inline ``<style>`` and
``<script>`` elements, the CSRF token of the signed-in token for its forms,
and the notice of a load that did not finish."""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from api.loadwatch import LoadWatch
from api.models import ChangeCounts, RatioPublic
from api.security import csp_nonce
from api.session import CSRF_FIELD, Sessions
from api.tokens import ROLE_ZH, ApiToken
from graph.schema import EN, LABEL_EN, LABEL_ZH, ZH
from queries.audit import SEVERITY_ZH
from visualize.model import primary_label
from visualize.views import MAX_DEPTH

VIS_NETWORK_URL = "/static/vis-network.min.js"
"""Where the pages load vis-network from: this site (:mod:`api.routes.static`)."""


def url(path: str, **params: Any) -> str:
    """A site URL with a query string of the parameters that have a value."""
    query = {
        key: value
        for key, value in params.items()
        if value is not None and value is not False and value != ""
    }
    return f"{path}?{urlencode(query)}" if query else path


def _path_part(value: str) -> str:
    """An id as one segment of a URL's path."""
    return quote(str(value), safe="")


def _term(value: str | None) -> str:
    """``"楼栋 building"`` for an enumerated value; the value itself otherwise."""
    if not value:
        return ""
    if value in ZH:
        return f"{ZH[value]} {EN.get(value, value)}"
    return value


def _label_term(labels: Any) -> str:
    """``"社区 community"`` for a node's labels."""
    label = primary_label([labels] if isinstance(labels, str) else labels or ())
    return f"{LABEL_ZH[label]} {LABEL_EN[label]}" if label is not None else ""


def _percent(ratio: RatioPublic | None) -> str:
    share = None if ratio is None else ratio.ratio
    return "—" if share is None else f"{share:.0%}"


def _change(change: ChangeCounts | None) -> str:
    """``"+2 / −5"``: findings new and closed since the last saved run."""
    return "—" if change is None else f"+{change.new} / −{change.closed}"


@cache
def environment() -> Environment:
    """The pages' templates."""
    made = Environment(
        loader=PackageLoader("api", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    made.filters["path_part"] = _path_part
    made.globals.update(
        url=url,
        term=_term,
        label_term=_label_term,
        percent=_percent,
        change=_change,
        severity_zh=SEVERITY_ZH,
        role_zh=ROLE_ZH,
        max_depth=MAX_DEPTH,
        vis_network_url=VIS_NETWORK_URL,
        csrf_field=CSRF_FIELD,
    )
    return made


def render_page(
    request: Request,
    template: str,
    *,
    token: ApiToken | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A page, rendered for the request.

    Args:
        request: the request it answers.
        template: the template's name under ``api/templates``.
        token: the signed-in token, if any.
        status_code: the answer's status.
        context: the template's values.
    """
    sessions: Sessions = request.app.state.sessions
    watch: LoadWatch | None = getattr(request.app.state, "load_watch", None)
    html = (
        environment()
        .get_template(template)
        .render(
            token=token,
            csp_nonce=csp_nonce(request.state),
            csrf=sessions.csrf_token(token) if token is not None else None,
            interrupted_load=watch.interrupted if watch is not None else None,
            **context,
        )
    )
    return HTMLResponse(html, status_code=status_code)
