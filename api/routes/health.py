"""``GET /api/health``: whether the API runs and its database answers (no token).

The check asks the database once and never retries: a load balancer or a
supervisor polls it, and wants to hear at once that the database is down
(503), not after a retry budget spent waiting for it to come back.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import GraphDep
from api.models import ErrorPublic, HealthPublic

router = APIRouter(prefix="/health", tags=["health"])


@router.get(
    "",
    response_model=HealthPublic,
    summary="健康检查 · Health",
    responses={503: {"model": ErrorPublic, "description": "the database cannot be reached"}},
)
def health(graph: GraphDep) -> HealthPublic:
    """The database is reachable, and its Neo4j version; needs no token."""
    version = graph.server_version(retry=False)
    return HealthPublic(status="ok", database="reachable", neo4j_version=version)
