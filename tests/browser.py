"""Headless Chromium for the browser test and the benchmark's views: Debian's
Chromium, driven by Playwright, kept from calling home.

Shared by ``tests/api/test_browser.py`` and ``bench/views.py``; it lives here
so that a test never imports from ``bench/``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Playwright, ViewportSize, sync_playwright

CHROMIUM = "/usr/bin/chromium"
"""Debian's Chromium (``apt-get install chromium``)."""

CHROMIUM_ARGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
"""Flags that keep the browser from calling home while it is measured."""

VIEWPORT: ViewportSize = {"width": 1400, "height": 900}
"""The window the pages are opened in (and the README's picture's size)."""


def launch(playwright: Playwright) -> Browser:
    """Headless Chromium with :data:`CHROMIUM_ARGS`."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))


@contextmanager
def headless_chromium() -> Iterator[Browser]:
    r""":func:`launch`\ ed for the length of a ``with`` block; fails plainly
    when Chromium is not installed."""
    assert shutil.which(CHROMIUM), f"{CHROMIUM} is missing: apt-get install -y chromium"
    with sync_playwright() as playwright:
        launched = launch(playwright)
        try:
            yield launched
        finally:
            launched.close()


def is_local(url: str) -> bool:
    """Whether a request stays on this machine: 127.0.0.1 over HTTP, or a
    ``data:``, ``blob:`` or ``about:`` URL."""
    if url.startswith(("data:", "blob:", "about:")):
        return True
    parts = urlsplit(url)
    return parts.scheme == "http" and parts.hostname == "127.0.0.1"


STABLE = "() => window.civicgraphStable === true"
"""The predicate of a view that has settled, as a function: the pages'
Content-Security-Policy forbids ``eval``, by which Playwright would poll a
bare expression."""
