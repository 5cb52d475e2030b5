"""Python's cyclic garbage collector, as the command line's entry points set it.

The collector walks every object alive in its generation, and a process that
holds many long-lived objects pays for that walk again and again. What to do
about it depends on the whole process, not on one library function: a
command that reads a workbook of millions of rows wants the collector paused
while it makes them (:func:`collector_paused`); a server wants the objects it
built at startup left out of every collection (:func:`steady_collector`).
So the entry points choose (``civicgraph load``, ``validate``, ``scenario``,
``serve``, and the benchmark's loader), and library functions such as
:func:`loaders.load.load_workbook` never touch the collector: the API runs
them in its thread pool, beside requests whose process must not have its
collector switched off under it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

COLLECTOR_THRESHOLDS = (20_000, 50, 1_000)
"""``gc.set_threshold`` of a server process: allocations before a young
collection (700 by default), and young collections per older one."""


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the collector while a command makes a workbook's rows.

    A large workbook becomes millions of small objects, none of them part of a
    reference cycle; each collection would walk all that exist so far, and
    took a third of the time of reading, validating and preparing to write.
    Memory is still freed by reference counting. When it resumes, the objects
    made meanwhile are moved to the oldest generation, which is collected
    rarely, rather than walked all at once by the next young collection; a
    process that froze objects of its own keeps them frozen and pays for that
    walk instead.
    """
    enabled = gc.isenabled()
    frozen = gc.get_freeze_count()
    gc.disable()
    try:
        yield
    finally:
        if not frozen:
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()


def steady_collector() -> None:
    """Keep the collector off every object alive now, and collect less often.

    Called by a server process once its application is built: its modules,
    routes and schemas stay alive as long as the process, and no collection
    needs to walk them. A collection that walks every object of the
    application delays every request waiting behind it.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
