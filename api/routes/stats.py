"""``GET /api/stats``: counts by label, and per county by level, kind and post."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import GraphDep, ViewerToken
from api.models import StatsPublic
from api.routes.common import AUTH_RESPONSES, AsOfQuery
from api.services import stats as stats_service

router = APIRouter(prefix="/stats", tags=["stats"], responses=AUTH_RESPONSES)


@router.get("", response_model=StatsPublic, summary="统计 · Counts")
def stats(graph: GraphDep, token: ViewerToken, as_of: AsOfQuery = None) -> StatsPublic:
    """Nodes per label and, per county, counts by place kind, party-org level,
    organization kind, post, facility kind and need status (``civicgraph
    stats``), as of a day (today when ``as_of`` is absent). A scoped token
    gets the counts by label within its scope only."""
    return stats_service.stats(graph, token, as_of)
