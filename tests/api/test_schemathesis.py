"""Property-based checks of every operation of the OpenAPI document with
schemathesis, as an admin: whatever is sent, no answer is a 5xx and the
graph is never lost.

The operations are walked one by one with their hypothesis strategies (the
app needs the session's database, so the schema is read from it at run time),
20 examples each. The app is its own: schemathesis runs its lifespan on an
event loop of its own, and an app's asynchronous connection belongs to the
loop its lifespan ran on.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Err

from api.main import create_app
from graph.connection import Graph
from graph.settings import Settings
from tests.api.conftest import Tokens, auth, load_small

pytestmark = pytest.mark.slow

EXAMPLES_PER_OPERATION = 20


def test_no_server_errors(graph: Graph, api_settings: Settings, tokens: Tokens) -> None:
    load_small(graph)
    app = create_app(api_settings, graph=graph)
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise AssertionError(f"the OpenAPI document is invalid: {result.err()}")
        operations.append(result.ok())
    assert len(operations) >= 18
    failures: list[str] = []
    calls: list[int] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case[Any]) -> None:
            response = case.call(headers=auth(tokens.admin))
            calls.append(response.status_code)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} {case.query} {case.body!r}: "
                    f"{response.status_code} {response.text[:300]}"
                )

        check()
    load_small(graph)
    assert len(calls) >= 5 * len(operations)
    assert any(status < 300 for status in calls)
    assert not failures, "\n".join(failures[:20])
