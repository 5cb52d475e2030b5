"""The public models: typed to the last field, the same JSON as the query
layer's DESIGN shapes (each record's ``to_json``), the shape every error
answer really has; and the layering around them — a route answers one type,
the pages call services, not routes."""

from __future__ import annotations

import ast
import inspect
import shutil
import types
import typing
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel

import api.models
from api.deps import PageParams
from api.models import CountyStatsPublic, ErrorPublic, NeedPublic
from api.services.audit import audit_document, audit_public, scorecard_document
from api.services.matching import (
    assignment_document,
    candidates_document,
    candidates_public,
    kpi_public,
    projects_document,
    route_public,
)
from api.services.stats import stats_public
from api.services.workbook import workbook_load_public
from graph.connection import Graph
from loaders.load import load_workbook
from queries.assignment import plan_assignment
from queries.audit import run_audit
from queries.kpi import kpi_report
from queries.matching import candidates
from queries.needs import get_need
from queries.projects import projects_report
from queries.route import route
from queries.scorecard import scorecard_from
from queries.stats import GROUP_TITLES, collect_stats
from tests.api.conftest import SMALL, Tokens, auth
from tests.api.test_workbook import _set_cell, _zip

ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2024, 7, 1)


def _models() -> list[type[BaseModel]]:
    return [
        value
        for value in vars(api.models).values()
        if isinstance(value, type)
        and issubclass(value, BaseModel)
        and value.__module__ == api.models.__name__
    ]


def _holds_any(annotation: Any) -> bool:
    if annotation is Any:
        return True
    return any(_holds_any(argument) for argument in typing.get_args(annotation))


def test_no_model_field_is_any() -> None:
    models = _models()
    assert len(models) > 40
    loose = [
        f"{model.__name__}.{name}"
        for model in models
        for name, field in model.model_fields.items()
        if _holds_any(field.annotation)
    ]
    assert loose == []


def test_every_count_group_is_a_field() -> None:
    fields = set(CountyStatsPublic.model_fields) - {"id", "name"}
    assert fields == set(GROUP_TITLES)


def test_the_models_are_designs_shapes(small: Graph) -> None:
    # The query layer's to_json is DESIGN's JSON (tests/queries pin it): the
    # documents the command line prints are the same, field for field.
    for need_id in ("N01", "N02", "N04", "N07"):
        found = candidates(small, need_id)
        assert candidates_document(found).model_dump(mode="json") == found.to_json()
        assert route_public(route(small, need_id)).model_dump(mode="json") == (
            route(small, need_id).to_json()
        )
        record = get_need(small, need_id)
        assert NeedPublic(record).model_dump(mode="json") == record.to_json()
    plan = plan_assignment(small)
    document = assignment_document(plan, None).model_dump(mode="json")
    assert document == {**plan.to_json(), "applied": None}
    projects = projects_report(small)
    assert projects_document(projects).model_dump(mode="json") == projects.to_json()
    kpi = kpi_report(small)
    assert kpi_public(kpi).model_dump(mode="json") == kpi.to_json()
    report = run_audit(small, as_of=AS_OF)
    assert audit_document(report).model_dump(mode="json")["rules"] == report.to_json()["rules"]
    card = scorecard_from(small, report)
    assert scorecard_document(card).model_dump(mode="json") == card.to_json()
    counted = collect_stats(small)
    every_group: dict[str, dict[str, int]] = {name: {} for name in GROUP_TITLES}
    assert stats_public(counted).model_dump(mode="json") == {
        "scope_id": None,
        "labels": counted.labels,
        "counties": [{**every_group, **county} for county in counted.to_json()["counties"]],
    }


def test_a_page_is_a_slice_of_the_whole(small: Graph) -> None:
    found = candidates(small, "N07")
    page = candidates_public(found, PageParams(1, 1)).model_dump(mode="json")
    whole = candidates_document(found).model_dump(mode="json")
    assert page.pop("items") == whole.pop("candidates")[1:2]
    assert (page.pop("total"), page.pop("offset"), page.pop("limit")) == (2, 1, 1)
    assert page == whole
    report = run_audit(small, as_of=AS_OF)
    first = audit_public(report, PageParams(0, 3))
    assert [(item.rule_id, item.node_id) for item in first.items] == [
        (result.rule.id, finding.node_id)
        for result in report.results
        for finding in result.findings
    ][:3]


def test_the_workbook_report_is_the_loaders(graph: Graph) -> None:
    report = load_workbook(graph, SMALL)
    assert workbook_load_public(report).model_dump(mode="json") == report.to_json()


def test_error_answers_are_error_public(
    client: TestClient, graph: Graph, tokens: Tokens, tmp_path: Path
) -> None:
    invalid = client.get("/api/audit?sla_days=-1", headers=auth(tokens.admin))
    assert invalid.status_code == 422
    parsed = ErrorPublic.model_validate(invalid.json())
    assert parsed.model_dump(mode="json", exclude_none=True) == invalid.json()
    assert parsed.problems and parsed.problems[0].model_dump() == {
        "location": "query.sla_days",
        "message": invalid.json()["problems"][0]["message"],
    }
    folder = tmp_path / "bad"
    shutil.copytree(SMALL, folder)
    _set_cell(folder / "places.csv", 3, "kind", "village")
    rejected = client.post(
        "/api/workbook",
        files={"file": ("bad.zip", _zip(folder), "application/zip")},
        headers=auth(tokens.admin),
    )
    assert rejected.status_code == 422, rejected.text
    parsed = ErrorPublic.model_validate(rejected.json())
    assert parsed.error == "workbook_rejected"
    assert parsed.model_dump(mode="json", exclude_none=True) == rejected.json()
    assert parsed.problems and {type(problem).__name__ for problem in parsed.problems} == {
        "WorkbookProblemPublic"
    }


def test_a_route_answers_one_type(app: FastAPI) -> None:
    for route_ in app.routes:
        if not isinstance(route_, APIRoute):
            continue
        answer = typing.get_type_hints(route_.endpoint)["return"]
        assert typing.get_origin(answer) not in (typing.Union, types.UnionType), route_.path
        if route_.path.startswith("/api/"):
            assert inspect.isclass(answer) and (
                issubclass(answer, BaseModel) or answer.__name__.endswith("Response")
            ), route_.path


@pytest.mark.parametrize("module", sorted((ROOT / "api" / "routes").glob("*.py")))
def test_routes_call_services_not_other_routes(module: Path) -> None:
    # A route module may share the documented answers and the token form's
    # page (common, session); anything else it needs is a service.
    allowed = {"api.routes.common", "api.routes.session"}
    imported: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "api.routes":
            imported |= {f"api.routes.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
    routes = {name for name in imported if name.startswith("api.routes.")}
    assert routes <= allowed, module.name
