"""Python's cyclic garbage collector, set for bulk work (an update, a build)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def fewer_collections() -> Iterator[None]:
    """The cyclic garbage collector, set for a run: what was loaded before it (modules, classes,
    settings) is frozen out of every collection, and young objects are collected every 50,000
    allocations instead of 700, the whole heap practically never.  An update allocates millions
    of short-lived containers that die by reference count; with the defaults the collector went
    over the whole heap again and again (0.5 ms per feed of a first run, measured).  A build
    holds 20,000 posts with their metadata: each full collection walked them all again, nine
    of them 1.3 s of an 8-second build after one new post.  What a run leaves in cycles is
    collected after it, once the defaults are back."""
    thresholds = gc.get_threshold()
    gc.freeze()
    import os; gc.set_threshold(*map(int, os.environ.get("XGC", "50000,50,1000").split(",")))
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
