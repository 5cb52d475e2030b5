"""The planners' pages (规划人员页面): server-rendered HTML in Chinese with
English, at the site's root — home and search ``/``, the audit ``/audit``, a
need ``/needs/{id}`` and the explorer ``/explore`` — plus the token form.

A page asks for a token once: the form at ``/session`` checks it against the
token file and keeps it in a cookie (``SameSite=Strict``), which every page
reads. Pages get their data by calling the API's own route functions with
that token, so a page shows exactly what ``/api/...`` answers the same token:
the same scope, the same masking for viewers. The explorer draws a view of
:mod:`visualize.views` with :func:`visualize.render.render_fragment`, people's
names masked for viewers before the view is capped. The one script a page
loads, vis-network, is served from this site (``/static/``); nothing comes
from another host. The assign button of the need page, shown to editors,
posts to ``/api/needs/{id}/assign`` from the page with the same token as a
bearer token. Every view's state is in its URL's query string (the selected
node in its fragment), so a page can be bookmarked or sent as a link.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from functools import cache
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from api.deps import GraphDep, PageParams, TokenStoreDep, masked
from api.errors import status_of
from api.masking import mask_name
from api.routes import audit as audit_routes
from api.routes import matching as matching_routes
from api.routes import needs as needs_routes
from api.routes import search as search_routes
from api.routes import stats as stats_routes
from api.tokens import ROLE_ZH, ApiToken, Role
from graph.errors import CivicGraphError
from graph.schema import EN, LABEL_EN, LABEL_ZH, ZH, Label
from queries.audit import SEVERITY_ZH, all_rules
from queries.matching import candidates
from queries.nodes import MAX_PAGE
from visualize.model import ViewGraph, primary_label
from visualize.render import render_fragment, vis_network_js
from visualize.transforms import DEFAULT_MAX_NODES, MIN_MAX_NODES
from visualize.views import MAX_DEPTH, ViewChoice, build_view, parse_labels

PREFIX = ""
"""The pages live at the site's root, beside ``/api``."""

router = APIRouter(tags=["pages"], include_in_schema=False)

TOKEN_COOKIE = "civicgraph_token"
"""The cookie the token form sets. Not ``HttpOnly``: the need page's assign
button sends it to the API as a bearer token."""

COOKIE_MAX_AGE = 30 * 24 * 3600
"""How long the browser keeps the token: a month."""

VIS_NETWORK_URL = "/static/vis-network.min.js"
"""Where the pages load vis-network from: this site."""

AUDIT_PAGE_SIZE = 200
"""Findings one audit page lists."""

SEARCH_LIMIT = 30
"""Search results the home page lists."""

COMMUNITY_PAGE_URL = "/explore?community={id}"
"""Where an overview's community links lead on the site."""


# Templates


def _url(path: str, **params: Any) -> str:
    """A site URL with a query string of the parameters that have a value."""
    query = {
        key: value
        for key, value in params.items()
        if value is not None and value is not False and value != ""
    }
    return f"{path}?{urlencode(query)}" if query else path


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


def _percent(ratio: Mapping[str, Any] | None) -> str:
    share = None if ratio is None else ratio.get("ratio")
    return "—" if share is None else f"{share:.0%}"


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("api", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals.update(
        url=_url,
        term=_term,
        label_term=_label_term,
        percent=_percent,
        severity_zh=SEVERITY_ZH,
        role_zh=ROLE_ZH,
        max_depth=MAX_DEPTH,
        vis_network_url=VIS_NETWORK_URL,
    )
    return environment


def _page(
    template: str, *, token: ApiToken | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    html = _environment().get_template(template).render(token=token, **context)
    return HTMLResponse(html, status_code=status_code)


def _error_page(error: CivicGraphError, token: ApiToken | None, back: str) -> HTMLResponse:
    status_code, name = status_of(error)
    return _page(
        "pages/error.html",
        token=token,
        status_code=status_code,
        error=name,
        detail=" ".join(str(error).split()),
        back=back,
    )


# The token


def page_token(request: Request, store: TokenStoreDep) -> ApiToken | None:
    """The token the form left in the cookie, or ``None`` when there is none
    or it is unknown or revoked."""
    clear = request.cookies.get(TOKEN_COOKIE)
    return store.verify(clear) if clear else None


PageToken = Annotated[ApiToken | None, Depends(page_token)]


def _ask_for_token(request: Request, message: str | None = None) -> HTMLResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return _page("pages/token.html", token=None, status_code=401, next_url=target, message=message)


def _local_path(target: str) -> str:
    """``target`` when it is a path on this site, else ``/``: the form's
    ``next`` must not send anyone elsewhere."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/session", response_class=HTMLResponse)
def token_form(request: Request, next: str = "/") -> HTMLResponse:
    """The token form."""
    return _page("pages/token.html", token=None, next_url=_local_path(next), message=None)


@router.post("/session")
def token_submit(
    request: Request,
    store: TokenStoreDep,
    token: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the token and keep it in the cookie; back to the page asked for."""
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != request.url.netloc:
        return _ask_for_token(request, "请从本站提交 · submit the form from this site")
    clear = token.strip()
    if store.verify(clear) is None:
        return _page(
            "pages/token.html",
            token=None,
            status_code=401,
            next_url=_local_path(next),
            message="令牌无效或已吊销 · unknown or revoked token",
        )
    response = RedirectResponse(_local_path(next), status_code=303)
    response.set_cookie(
        TOKEN_COOKIE,
        clear,
        max_age=COOKIE_MAX_AGE,
        path="/",
        samesite="strict",
        secure=request.url.scheme == "https",
        httponly=False,
    )
    return response


@router.post("/session/end")
def token_forget() -> Response:
    """Forget the token (sign out)."""
    response = RedirectResponse("/session", status_code=303)
    response.delete_cookie(TOKEN_COOKIE, path="/", samesite="strict")
    return response


# vis-network, from this site


@cache
def _vis_network() -> tuple[bytes, str]:
    body = vis_network_js().encode("utf-8")
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@router.get(VIS_NETWORK_URL)
def vis_network(request: Request) -> Response:
    """The vendored vis-network script (no token: it is public code)."""
    body, etag = _vis_network()
    headers = {"ETag": etag, "Cache-Control": "public, max-age=86400"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="text/javascript; charset=utf-8", headers=headers)


# Home


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request,
    graph: GraphDep,
    token: PageToken,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    """Home (首页): search, counts, the scorecard and the overviews."""
    if token is None:
        return _ask_for_token(request)
    try:
        hits = (
            search_routes.search(graph, token, PageParams(0, SEARCH_LIMIT), q.strip())
            if q and q.strip()
            else None
        )
        counts = stats_routes.stats(graph, token)
        card = audit_routes.scorecard(graph, token, PageParams(0, MAX_PAGE))
    except CivicGraphError as error:
        return _error_page(error, token, "/")
    known = {label.value: label for label in Label}
    labels = sorted(
        ((known[name], count) for name, count in counts.labels.items() if name in known),
        key=lambda item: list(Label).index(item[0]),
    )
    return _page(
        "pages/home.html",
        token=token,
        q=q or "",
        hits=hits,
        labels=[(LABEL_ZH[label], LABEL_EN[label], count) for label, count in labels],
        card=card,
    )


# Audit


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    graph: GraphDep,
    token: PageToken,
    rule: Annotated[str | None, Query(max_length=100)] = None,
    community: Annotated[str | None, Query(max_length=200)] = None,
    street: Annotated[str | None, Query(max_length=200)] = None,
    as_of: date | None = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> HTMLResponse:
    """The audit (治理体检): every rule's count, and its findings grouped by
    rule, each linking to the explorer centred on it."""
    if token is None:
        return _ask_for_token(request)
    filters = {
        "rule": rule or None,
        "community": community or None,
        "street": street or None,
        "as_of": as_of.isoformat() if as_of else None,
    }
    try:
        report = audit_routes.audit(
            graph,
            token,
            PageParams(offset, AUDIT_PAGE_SIZE),
            rule=filters["rule"],
            community_id=filters["community"],
            street_id=filters["street"],
            as_of=as_of,
        )
    except CivicGraphError as error:
        return _error_page(error, token, "/audit")
    assert not isinstance(report, Response)
    titles = {item.id: item for item in report.rules}
    groups: dict[str, list[Any]] = {}
    for finding in report.items:
        groups.setdefault(finding.rule_id, []).append(finding)
    previous_offset = max(0, offset - AUDIT_PAGE_SIZE) if offset > 0 else None
    next_offset = offset + AUDIT_PAGE_SIZE if offset + AUDIT_PAGE_SIZE < report.total else None
    return _page(
        "pages/audit.html",
        token=token,
        report=report,
        rules=all_rules(),
        groups=[(titles[rule_id], findings) for rule_id, findings in groups.items()],
        filters=filters,
        offset=offset,
        page_size=AUDIT_PAGE_SIZE,
        previous_offset=previous_offset,
        next_offset=next_offset,
    )


# A need


@router.get("/needs/{need_id}", response_class=HTMLResponse)
def need_page(request: Request, graph: GraphDep, token: PageToken, need_id: str) -> HTMLResponse:
    """A need (需求): what it is, its candidates with their reasons, its
    escalation route; editors may assign it to a candidate."""
    if token is None:
        return _ask_for_token(request)
    try:
        need = needs_routes.read(graph, token, need_id)
        found = matching_routes.candidates_public(
            candidates(graph, need_id, token.scope_id), token, PageParams(0, MAX_PAGE)
        )
        route = matching_routes.need_route(graph, token, need_id)
    except CivicGraphError as error:
        return _error_page(error, token, "/")
    return _page(
        "pages/need.html",
        token=token,
        need=need,
        found=found,
        route=route,
        can_assign=token.role.allows(Role.EDITOR) and need.status == "open",
    )


# The explorer


def _masking(token: ApiToken) -> Callable[[ViewGraph], ViewGraph] | None:
    """For a viewer, people's names and need titles masked as the API masks
    them; nothing for editors and admins."""
    if not masked(token):
        return None

    def redact(view: ViewGraph) -> ViewGraph:
        nodes = tuple(
            replace(node, name=mask_name([node.label.value], node.name) or node.name)
            for node in view.nodes
        )
        return replace(view, nodes=nodes)

    return redact


@router.get("/explore", response_class=HTMLResponse)
def explore_page(
    request: Request,
    graph: GraphDep,
    token: PageToken,
    center: Annotated[str | None, Query(max_length=200)] = None,
    depth: Annotated[int, Query(ge=0, le=MAX_DEPTH)] = 1,
    community: Annotated[str | None, Query(max_length=200)] = None,
    overview: Annotated[str | None, Query(max_length=200)] = None,
    labels: Annotated[str | None, Query(max_length=500)] = None,
    needs: bool = False,
    findings: bool = True,
    as_of: date | None = None,
    max_nodes: Annotated[int, Query(ge=MIN_MAX_NODES, le=5000)] = DEFAULT_MAX_NODES,
) -> HTMLResponse:
    """The explorer (探索): a node's neighbourhood (``center``, ``depth``), a
    community's organization tree (``community``, ``needs``) or an overview
    (``overview``), with the audit's findings (``findings``, ``as_of``) and a
    label filter (``labels``); one of the three, the rest of the state in
    the same query string."""
    if token is None:
        return _ask_for_token(request)
    state = {
        "center": center or None,
        "depth": depth,
        "community": community or None,
        "overview": overview or None,
        "labels": labels or None,
        "needs": needs,
        "findings": findings,
        "as_of": as_of.isoformat() if as_of else None,
        "max_nodes": max_nodes,
    }
    if not (state["center"] or state["community"] or state["overview"]):
        return _page("pages/explore.html", token=token, state=state, fragment=None, view=None)
    link = COMMUNITY_PAGE_URL + (f"&as_of={as_of.isoformat()}" if as_of else "")
    try:
        choice = ViewChoice(
            center=center,
            depth=depth,
            community=community,
            include_needs=needs,
            overview=overview,
            labels=parse_labels(labels),
            max_nodes=max_nodes,
            findings=findings,
            as_of=as_of,
        )
        view = build_view(
            graph, choice, scope_id=token.scope_id, redact=_masking(token), community_url=link
        )
    except CivicGraphError as error:
        return _error_page(error, token, "/explore")
    fragment = Markup(render_fragment(view, dom_id="civicgraph", show_title=True))
    return _page("pages/explore.html", token=token, state=state, fragment=fragment, view=view)
