"""Memory housekeeping around work that builds many objects at once."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a bounded result is built
    (a list page, a corporatie-year).

    Such a result allocates tens of thousands of tuples, dicts and small
    objects that form no reference cycles and are all kept or freed together;
    left running, the collector traverses every object the process holds (its
    models, URLconf, caches) several times while they are made, which can weigh
    as much as reading the rows. Reference counting still frees everything as
    before; only the search for cycles waits until the result is built. Nested
    or concurrent pauses leave the collector enabled once the outermost one
    ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
