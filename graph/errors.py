"""The exceptions civicgraph raises: one root, a few subclasses that carry what
a user needs to fix the problem.

The command line prints any :class:`CivicGraphError` as one readable line and
exits non-zero; the API maps them to 4xx answers with the same message. Driver
exceptions are translated into these at the edge (``graph.connection``), with
``raise ... from``, so the original stays available for debugging.
"""

from __future__ import annotations

from dataclasses import dataclass


class CivicGraphError(Exception):
    """Root of every error civicgraph reports to a user."""

    exit_code = 1


class ConfigurationError(CivicGraphError):
    """A setting is missing or wrong; the message names the setting."""


class SetupError(CivicGraphError):
    """A tool the project needs (Java, Maven) is missing or failed."""


class DatabaseUnavailableError(CivicGraphError):
    """The database cannot be reached: wrong URI, server down, local Neo4j failed."""


class AuthenticationError(CivicGraphError):
    """The database refused the user name or password."""


class NotFoundError(CivicGraphError):
    """A node named by id does not exist (or lies outside the caller's scope)."""

    def __init__(self, node_id: str, what: str = "node") -> None:
        super().__init__(f"{what} not found: {node_id}")
        self.node_id = node_id


@dataclass(frozen=True)
class Problem:
    """One problem found in a workbook, located as a spreadsheet shows it.

    Attributes:
        file: the file (or sheet) name, e.g. ``places.csv``.
        row: the spreadsheet row, the header being row 1; 0 for the whole file.
        column: the canonical column name; empty for the whole row or file.
        message: what is wrong, with the offending value.
    """

    file: str
    row: int
    column: str
    message: str

    @property
    def location(self) -> str:
        """``file:row:column``, or the file alone for a problem of the whole file."""
        if self.row == 0:
            return self.file
        return f"{self.file}:{self.row}:{self.column}"

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


MAX_REPORTED_PROBLEMS = 1000
"""The problems a rejected workbook reports; the rest are counted. A file of
junk rows has a problem in every cell, and a million of them help nobody."""


class ValidationError(CivicGraphError):
    """A workbook was rejected; the first problems found are attached.

    Attributes:
        problems: the first :data:`MAX_REPORTED_PROBLEMS` problems, in the order given.
        count: how many problems there are in all.
    """

    exit_code = 2

    def __init__(self, problems: list[Problem], *, unreported: int = 0) -> None:
        """Args:
        problems: the problems, in the order they are to be reported.
        unreported: problems found beyond ``problems`` and not given.
        """
        self.problems = problems[:MAX_REPORTED_PROBLEMS]
        self.count = len(problems) + unreported
        first = str(problems[0]) if problems else "no details"
        more = f" (and {self.count - 1} more)" if self.count > 1 else ""
        super().__init__(f"workbook rejected: {first}{more}")
