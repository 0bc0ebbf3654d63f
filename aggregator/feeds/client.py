"""The HTTP client, aiohttp, imported without the TLS contexts it makes and this project never uses.

aiohttp makes two default contexts (verified and not) as it is imported, each loading the
system's CA certificates: 40-100 ms of CPU at the start of every run (a run of 300 blogs in
which every feed answers 304 took 6 % less CPU without them).  blogparade never uses them: each
https request carries the run's own context (`tls_for`): the site's trust settings, or the
system's CAs, loaded at the first https request of the process (an intranet of plain-http blogs
never loads them).

So aiohttp is imported here, first, with loading the system's CAs a no-op while it is: its
defaults trust no CA at all.  A request that went out without our context would fail its
verification, never pass unverified.  Every module that talks HTTP imports aiohttp from here.
"""

from __future__ import annotations

import ssl
import sys
from functools import cache


def _import_aiohttp():  # noqa: ANN202 - the aiohttp module
    if "aiohttp" in sys.modules:  # imported before blogparade was: its defaults are as they are
        return sys.modules["aiohttp"]
    load = ssl.SSLContext.set_default_verify_paths
    ssl.SSLContext.set_default_verify_paths = lambda self: None  # type: ignore[method-assign]
    try:
        import aiohttp
    finally:
        ssl.SSLContext.set_default_verify_paths = load  # type: ignore[method-assign]
    return aiohttp


aiohttp = _import_aiohttp()


@cache
def system_tls() -> ssl.SSLContext:
    """The system's CAs, as aiohttp's own verified default would hold them."""
    context = ssl.create_default_context()
    context.set_alpn_protocols(("http/1.1",))
    return context


def tls_for(scheme: str, tls: ssl.SSLContext | None) -> dict[str, ssl.SSLContext]:
    """The `ssl` argument of a request to a URL of `scheme`: the run's context (`tls`, None
    for the system's CAs) for https, nothing for http."""
    return {"ssl": tls if tls is not None else system_tls()} if scheme == "https" else {}
