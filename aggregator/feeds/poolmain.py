"""Imported by the parser pool's fork server alone (a preload): its workers skip the main script.

multiprocessing starts every new process by importing the parent's main module again (the
`blogparade` script: the CLI and what it imports), unless the process already has it as its
`__main__`.  The fork server is meant to import it once for all its workers (preload
"__main__"), but CPython 3.11 to 3.13 never hands it the path (forkserver.ensure_running asks
spawn.get_preparation_data for "main_path", which names it "init_main_from_path"), so each
worker ran the script again before its first job.  The jobs need nothing from it (they are
functions of aggregator.feeds.work), so the fork server's `__main__` just says it is that
module, as the parent named it in BLOGPARADE_POOL_MAIN ("path:FILE" or "name:MODULE").
"""

from __future__ import annotations

import importlib.machinery
import os
import sys

VARIABLE = "BLOGPARADE_POOL_MAIN"


def describe_main() -> str:
    """What the parent's main module is, as multiprocessing.spawn names it for a new process."""
    main = sys.modules.get("__main__")
    name = getattr(getattr(main, "__spec__", None), "name", None)
    if name is not None:
        return f"name:{name}"
    path = getattr(main, "__file__", None)
    if path is None:
        return ""
    if not os.path.isabs(path):
        from multiprocessing import process

        if process.ORIGINAL_DIR is not None:
            path = os.path.join(process.ORIGINAL_DIR, path)
    return f"path:{os.path.normpath(path)}"


def _adopt() -> None:
    kind, _, value = os.environ.get(VARIABLE, "").partition(":")
    main = sys.modules.get("__main__")
    if main is None or not value:
        return
    if kind == "path" and getattr(main, "__file__", None) is None:
        main.__file__ = value
    elif kind == "name" and getattr(main, "__spec__", None) is None:
        main.__spec__ = importlib.machinery.ModuleSpec(value, None)


if __name__ != "__main__" and os.environ.get(VARIABLE):
    _adopt()
