"""The planners' pages (规划人员页面): server-rendered HTML in Chinese with
English, at the site's root — home and search ``/``, the audit ``/audit``, a
need ``/needs/{id}`` and the explorer ``/explore``.

A page reads the token the token form (:mod:`api.routes.session`) left in
the cookie, and shows exactly what ``/api/...`` answers that token: it calls
the same functions of :mod:`api.services` as the API's routes, so the same
scope and the same masking for viewers (:mod:`queries.masking`, applied
before anything is shown, view titles and tooltips included). The explorer draws a
view of :mod:`visualize.views` with :func:`visualize.render.render_fragment`.
The one script a page loads, vis-network, is served from this site
(``/static/``); its inline elements carry the request's CSP nonce. A page
changes the graph only through a form posted to this site with the CSRF
token of the signed-in token (:func:`api.session.require_page_action`): the
need page's assign buttons, shown to editors. Every view's state is in its
URL's query string (the selected node in its fragment), so a page can be
bookmarked or sent as a link.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import Markup

from api.deps import GraphDep, PageParams, api_change
from api.errors import ForbiddenError, public_error
from api.models import AuditFindingPublic, NodeHistoryPublic
from api.pages import render_page, url
from api.routes.common import csv_response
from api.routes.session import ask_for_token
from api.security import csp_nonce
from api.services import audit as audit_service
from api.services import changes, matching, needs, nodes
from api.services import stats as stats_service
from api.services.audit import AuditFilters
from api.services.explore import explore_view
from api.session import CSRF_FIELD, PageToken, SessionsDep, require_page_action
from api.tokens import ApiToken, Role
from graph.errors import CivicGraphError
from graph.schema import LABEL_EN, LABEL_ZH, Label
from queries.audit import all_rules
from queries.masking import mask_phone
from queries.nodes import MAX_PAGE
from visualize.render import render_fragment
from visualize.transforms import DEFAULT_MAX_NODES, MIN_MAX_NODES
from visualize.views import MAX_DEPTH, ViewChoice, parse_labels

router = APIRouter(tags=["pages"], include_in_schema=False)

AUDIT_PAGE_SIZE = 200
"""Findings one audit page lists."""

SEARCH_LIMIT = 30
"""Search results the home page lists."""

COMMUNITY_PAGE_URL = "/explore?community={id}"
"""Where an overview's community links lead on the site."""


def _audit_filters(
    rule: Annotated[str | None, Query(max_length=100)] = None,
    community: Annotated[str | None, Query(max_length=200)] = None,
    street: Annotated[str | None, Query(max_length=200)] = None,
    as_of: date | None = None,
) -> AuditFilters:
    """An audit page's filters, from its form; an empty field is no filter."""
    return AuditFilters(
        rules=(rule,) if rule else None,
        community_id=community or None,
        street_id=street or None,
        as_of=as_of,
    )


PageAuditFilters = Annotated[AuditFilters, Depends(_audit_filters)]


def _error_page(
    request: Request, error: CivicGraphError, token: ApiToken | None, back: str
) -> HTMLResponse:
    status_code, name, detail = public_error(request, error)
    return render_page(
        request,
        "pages/error.html",
        token=token,
        status_code=status_code,
        error=name,
        detail=detail,
        back=back,
    )


# Home


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request,
    graph: GraphDep,
    token: PageToken,
    q: Annotated[str | None, Query(max_length=200)] = None,
    as_of: date | None = None,
) -> HTMLResponse:
    """Home (首页): search, counts, the scorecard and the overviews, as of a
    day (today when absent)."""
    if token is None:
        return ask_for_token(request)
    try:
        hits = (
            nodes.search(graph, token, q.strip(), PageParams(0, SEARCH_LIMIT))
            if q and q.strip()
            else None
        )
        counts = stats_service.stats(graph, token, as_of)
        card = audit_service.scorecard_page(
            graph, token, AuditFilters(as_of=as_of), PageParams(0, MAX_PAGE)
        )
    except CivicGraphError as error:
        return _error_page(request, error, token, "/")
    known = {label.value: label for label in Label}
    labels = sorted(
        ((known[name], count) for name, count in counts.labels.items() if name in known),
        key=lambda item: list(Label).index(item[0]),
    )
    return render_page(
        request,
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
    chosen: PageAuditFilters,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> HTMLResponse:
    """The audit (治理体检): every rule's count, and its findings grouped by
    rule, each linking to the explorer centred on it."""
    if token is None:
        return ask_for_token(request)
    filters = {
        "rule": chosen.rules[0] if chosen.rules else None,
        "community": chosen.community_id,
        "street": chosen.street_id,
        "as_of": chosen.as_of.isoformat() if chosen.as_of else None,
    }
    try:
        report = audit_service.audit_page(graph, token, chosen, PageParams(offset, AUDIT_PAGE_SIZE))
        since = audit_service.since_last_run(graph, token, chosen)
    except CivicGraphError as error:
        return _error_page(request, error, token, "/audit")
    titles = {item.id: item for item in report.rules}
    groups: dict[str, list[AuditFindingPublic]] = {}
    for finding in report.items:
        groups.setdefault(finding.rule_id, []).append(finding)
    previous_offset = max(0, offset - AUDIT_PAGE_SIZE) if offset > 0 else None
    next_offset = offset + AUDIT_PAGE_SIZE if offset + AUDIT_PAGE_SIZE < report.total else None
    return render_page(
        request,
        "pages/audit.html",
        token=token,
        report=report,
        since=since,
        rules=all_rules(),
        groups=[(titles[rule_id], findings) for rule_id, findings in groups.items()],
        filters=filters,
        offset=offset,
        page_size=AUDIT_PAGE_SIZE,
        previous_offset=previous_offset,
        next_offset=next_offset,
    )


@router.get("/audit/report", response_class=HTMLResponse)
def audit_report_page(
    request: Request, graph: GraphDep, token: PageToken, filters: PageAuditFilters
) -> HTMLResponse:
    """The audit as the printable report (体检报告), as ``/api/audit?format=html``."""
    if token is None:
        return ask_for_token(request)
    try:
        html = audit_service.audit_html(graph, token, filters, csp_nonce(request.state))
    except CivicGraphError as error:
        return _error_page(request, error, token, "/audit")
    return HTMLResponse(html)


@router.get("/audit/findings.csv")
def audit_csv_page(
    request: Request, graph: GraphDep, token: PageToken, filters: PageAuditFilters
) -> Response:
    """Every finding as CSV, for Excel, as ``/api/audit?format=csv``."""
    if token is None:
        return ask_for_token(request)
    try:
        text = audit_service.audit_csv(graph, token, filters)
    except CivicGraphError as error:
        return _error_page(request, error, token, "/audit")
    return csv_response(text, audit_service.CSV_FILENAME)


# A need


ASSIGNED_NOTICE = "assigned"
"""The query parameter the need page is shown with after a successful assign."""


def _need_page(
    request: Request,
    graph: GraphDep,
    token: ApiToken,
    need_id: str,
    *,
    notice: tuple[str, str] | None = None,
    status_code: int = 200,
    as_of: date | None = None,
) -> HTMLResponse:
    try:
        need = needs.read(graph, token, need_id).root
        found = matching.need_candidates(graph, token, need_id, PageParams(0, MAX_PAGE), as_of)
        route = matching.need_route(graph, token, need_id, as_of)
        history = changes.history(graph, token, need_id)
    except CivicGraphError as error:
        return _error_page(request, error, token, "/")
    return render_page(
        request,
        "pages/need.html",
        token=token,
        status_code=status_code,
        need=need,
        found=found,
        route=route,
        history=[item.root for item in history.entries],
        can_assign=token.role.allows(Role.EDITOR) and need.status == "open",
        notice=notice,
    )


@router.get("/needs/{need_id}", response_class=HTMLResponse)
def need_page(
    request: Request,
    graph: GraphDep,
    token: PageToken,
    need_id: str,
    assigned: Annotated[str | None, Query(max_length=200)] = None,
    as_of: date | None = None,
) -> HTMLResponse:
    """A need (需求): what it is, its candidates with their reasons, its
    escalation route (as of ``as_of``, today when absent); editors may
    assign it to a candidate."""
    if token is None:
        return ask_for_token(request)
    notice = None
    if assigned:
        notice = ("assigned", assigned)
    return _need_page(request, graph, token, need_id, notice=notice, as_of=as_of)


@router.post("/needs/{need_id}/assign", response_class=HTMLResponse)
def need_assign_form(
    request: Request,
    graph: GraphDep,
    token: PageToken,
    sessions: SessionsDep,
    need_id: str,
    resource_id: Annotated[str, Form(min_length=1, max_length=200)],
    csrf: Annotated[str | None, Form(alias=CSRF_FIELD, max_length=200)] = None,
) -> Response:
    """The need page's assign button (派单): a form of this site carrying the
    CSRF token; back to the need page, which says what happened."""
    if token is None:
        return ask_for_token(request)
    try:
        require_page_action(request, sessions, token, csrf)
        if not token.role.allows(Role.EDITOR):
            raise ForbiddenError(
                f"a {token.role.value} token may not do this: {Role.EDITOR.value} needed"
            )
        needs.assign(graph, token, need_id, resource_id, api_change(token, request))
    except CivicGraphError as error:
        status_code, _, message = public_error(request, error)
        return _need_page(
            request,
            graph,
            token,
            need_id,
            notice=("error", f"派单失败 · not assigned: {message}"),
            status_code=status_code,
        )
    return RedirectResponse(
        url(f"/needs/{quote(need_id, safe='')}", **{ASSIGNED_NOTICE: resource_id}), status_code=303
    )


# A node

NODE_PAGES = "/nodes/"
"""Where a node's page is, followed by its id (quoted)."""


@router.get("/nodes/{node_id}", response_class=HTMLResponse)
def node_page(request: Request, graph: GraphDep, token: PageToken, node_id: str) -> HTMLResponse:
    """A node (节点): its properties, its relationships and its history,
    within the token's scope and masked as the API masks it."""
    if token is None:
        return ask_for_token(request)
    try:
        found = nodes.read_node(graph, token, node_id, PageParams(0, MAX_PAGE))
        history = changes.history(graph, token, node_id)
    except CivicGraphError as error:
        return _error_page(request, error, token, "/")
    # A page shows no phone whole, whoever reads it (the API gives it to
    # editors and administrators).
    shown = {
        key: mask_phone(str(value)) if key == "phone" else value
        for key, value in sorted(found.properties.items())
        if key not in ("id", "name") and value is not None
    }
    return render_page(
        request,
        "pages/node.html",
        token=token,
        node=found,
        properties=shown,
        history=[item.root for item in history.entries],
    )


@router.get("/nodes/{node_id}/history", response_model=NodeHistoryPublic)
def node_history_for_page(
    request: Request, graph: GraphDep, token: PageToken, node_id: str
) -> NodeHistoryPublic | Response:
    """A node's history for the explorer's side panel: ``GET
    /api/nodes/{id}/history``'s answer, for the token the pages keep."""
    if token is None:
        return JSONResponse({"error": "unauthorized", "detail": "sign in first"}, status_code=401)
    return changes.history(graph, token, node_id)


# The explorer


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
        return ask_for_token(request)
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
        return render_page(
            request, "pages/explore.html", token=token, state=state, fragment=None, view=None
        )
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
        view = explore_view(graph, token, choice, link)
    except CivicGraphError as error:
        return _error_page(request, error, token, "/explore")
    fragment = Markup(
        render_fragment(
            view,
            dom_id="civicgraph",
            show_title=True,
            nonce=csp_nonce(request.state),
            node_base=NODE_PAGES,
        )
    )
    return render_page(
        request, "pages/explore.html", token=token, state=state, fragment=fragment, view=view
    )
