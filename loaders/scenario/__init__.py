"""The seed-calibrated scenario generator (情景数据): complete workbooks of the
seed article's two counties, both under 济宁市, or a synthetic city of any
size, for demos, tests and benchmarks.

- :mod:`loaders.scenario.city` — the scenarios, the city of counties, and
  writing a workbook (:func:`write_scenario`);
- :mod:`loaders.scenario.builder` — one county's rows, calibrated to its profile;
- :mod:`loaders.scenario.profiles` — the two counties' seed figures as the
  builder's inputs, and the scenario's fixed "today";
- :mod:`loaders.scenario.texts` — the Chinese names and titles of
  organizations, services, projects and needs;
- :mod:`loaders.scenario.names` — people's names, place names and Chinese numerals.
"""

from loaders.scenario.city import (
    SCENARIOS,
    WORKBOOK_COLUMNS,
    CountySummary,
    GeneratedScenario,
    ScenarioInfo,
    ScenarioSummary,
    count_figures,
    generate_scenario,
    scenario_names,
    write_scenario,
)
from loaders.scenario.profiles import (
    NEEDS_SINCE,
    REFERENCE_DATE,
    SINGLE_POINT_MIN_PLACES,
    SLA_DAYS,
    TERM_WARN_DAYS,
    TERM_YEARS,
)

__all__ = [
    "NEEDS_SINCE",
    "REFERENCE_DATE",
    "SCENARIOS",
    "SINGLE_POINT_MIN_PLACES",
    "SLA_DAYS",
    "TERM_WARN_DAYS",
    "TERM_YEARS",
    "WORKBOOK_COLUMNS",
    "CountySummary",
    "GeneratedScenario",
    "ScenarioInfo",
    "ScenarioSummary",
    "count_figures",
    "generate_scenario",
    "scenario_names",
    "write_scenario",
]
