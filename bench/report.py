"""The benchmark's output: a table on the terminal and ``bench/results.json``
in DESIGN.md's shape, each figure beside the baseline measured in the same run."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table


def percentile(values: Sequence[float], share: float) -> float:
    """The value below which ``share`` of ``values`` lie (nearest rank; 0
    when there are none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


@dataclass(frozen=True)
class Metric:
    """One measured figure.

    Attributes:
        name: DESIGN.md's name for it, e.g. ``load_entities_per_s``.
        value: what was measured.
        unit: its unit.
        baseline: the reference measured in the same run, if any.
        goal: the goal the issue sets, for the reader.
        note: how it was measured.
        extra: further figures stored beside it (``assign_needs`` …).
    """

    name: str
    value: float
    unit: str
    baseline: float | None = None
    goal: str = ""
    note: str = ""
    extra: dict[str, float] | None = None

    @property
    def ratio(self) -> float | None:
        """value / baseline."""
        if self.baseline is None or self.baseline == 0:
            return None
        return self.value / self.baseline

    def to_json(self) -> dict[str, Any]:
        """DESIGN.md's ``{"value", "unit", "baseline", "ratio"}`` plus the notes."""
        value: dict[str, Any] = {
            "value": round(self.value, 4),
            "unit": self.unit,
            "baseline": None if self.baseline is None else round(self.baseline, 4),
            "ratio": None if self.ratio is None else round(self.ratio, 4),
            "goal": self.goal,
            "note": self.note,
        }
        if self.extra:
            value.update(self.extra)
        return value


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    java = subprocess.run(["java", "-version"], capture_output=True, text=True, check=False)
    memory_kib = 0
    try:
        with open("/proc/meminfo", encoding="utf-8") as meminfo:
            memory_kib = int(meminfo.readline().split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return {
        "cpus": os.cpu_count(),
        "memory_gib": round(memory_kib / 1024 / 1024, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "java": (java.stderr.splitlines() or ["?"])[0],
    }


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.3g}"


def print_table(metrics: Sequence[Metric], counties: int, console: Console | None = None) -> None:
    """Print the figures as one table."""
    console = console or Console(width=200)
    table = Table(title=f"civicgraph benchmark · {counties} counties")
    for column in ("metric", "value", "unit", "baseline", "ratio", "goal", "how"):
        table.add_column(column, overflow="fold")
    for metric in metrics:
        ratio = metric.ratio
        table.add_row(
            metric.name,
            _number(metric.value),
            metric.unit,
            _number(metric.baseline),
            "—" if ratio is None else f"{ratio:,.2f}×",
            metric.goal,
            metric.note,
        )
    console.print(table)


def write_results(path: Path, metrics: Sequence[Metric], counties: int) -> None:
    """Write ``bench/results.json``."""
    document = {
        "machine": machine(),
        "counties": counties,
        "metrics": {metric.name: metric.to_json() for metric in metrics},
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
