"""What a text value may hold, wherever it comes from (a workbook cell, an
API field): no control characters, and names and titles of a bounded length.

Control characters (U+0000–U+001F but tab and newline, and U+007F) are
refused at the door: a spreadsheet cannot hold most of them, so a graph that
stored one could not be exported, and in a page or a terminal they do
mischief. A carriage return before a newline (a line end written by Windows)
is a line end, not a control character.
"""

from __future__ import annotations

import re

NAME_MAX_LENGTH = 200
"""The most characters a name or a title may have."""

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def normalize_line_ends(text: str) -> str:
    """``text`` with Windows line ends (CR LF) made newlines."""
    return text.replace("\r\n", "\n") if "\r" in text else text


def control_character_problem(text: str) -> str | None:
    """What is wrong with a text that holds a control character, or ``None``.

    Args:
        text: the value, line ends normalized (:func:`normalize_line_ends`).

    Returns:
        ``"control character U+0007 at position 5"`` (counted from 1), or
        ``None`` when the text holds none.
    """
    found = _CONTROL.search(text)
    if found is None:
        return None
    return f"control character U+{ord(found.group()):04X} at position {found.start() + 1}"


def length_problem(text: str, limit: int = NAME_MAX_LENGTH) -> str | None:
    """What is wrong with a text longer than ``limit`` characters, or ``None``."""
    if len(text) <= limit:
        return None
    return f"at most {limit} characters, got {len(text)}"


def without_control_characters(text: str) -> str:
    """``text`` with its control characters removed (for writing what a graph
    holds where such characters cannot go)."""
    return _CONTROL.sub("", text)
