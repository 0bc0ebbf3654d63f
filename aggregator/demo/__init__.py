"""The bundled sample blogs and the loopback server that serves them.

Used by `blogparade demo`, the README's quick start and the tests:

    from aggregator.demo import DemoServer
    with DemoServer() as server:          # http://127.0.0.1:<free port>
        server.blogs                      # DemoBlog: name, kind, home_url, feed_url, ...
        server.parade                     # DemoParade: call_url, start, end, tag, contributions

See blogs/MANIFEST.toml for the blogs and the parade, render.py for the feeds they serve.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .manifest import BLOGS_DIR, DemoBlog, DemoParade, Expectation, load_blogs, load_parade

if TYPE_CHECKING:
    from .server import DemoServer

__all__ = ["BLOGS_DIR", "DemoBlog", "DemoParade", "DemoServer", "Expectation", "load_blogs", "load_parade"]


def __getattr__(name: str) -> object:
    # Imported on first use, so `python -m aggregator.demo.server` (or .render) does not import
    # its own module twice.
    if name == "DemoServer":
        from .server import DemoServer

        return DemoServer
    raise AttributeError(name)
