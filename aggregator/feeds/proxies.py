"""Forward proxies: which one a request goes through, as curl and pip decide it.

``HTTP_PROXY``, ``HTTPS_PROXY`` and ``NO_PROXY`` (either case) from the environment, or one proxy
for both schemes named by ``BLOGPARADE_PROXY`` (the environment variable, else the setting in
pelicanconf.py); ``BLOGPARADE_PROXY = "direct"`` ignores the environment's proxies.  ``NO_PROXY``
lists host names (a name covers its subdomains, ".corp.example" too), ``host:port``, ``*``, and
also networks ("10.0.0.0/8") for hosts written as addresses.

The decision is ours, made per request (every redirect hop anew), and not aiohttp's
``trust_env``: that would also read credentials from ~/.netrc and send them wherever a feed
points, and it cannot be given a proxy of our own setting.

With a proxy, the network policy still holds (fetch.py): the proxy's own address is trusted (the
editors' environment names it) for connections to the proxy only, and the target's host is
resolved here and checked before the request goes to the proxy.  The limit: the proxy resolves
the name again itself, and may see another answer than we did (split-horizon DNS); what it then
connects to is the proxy's business.
"""

from __future__ import annotations

import base64
import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote
from urllib.request import proxy_bypass_environment

import yarl

from ..urls import literal_address

SETTING = "BLOGPARADE_PROXY"
DIRECT = "direct"  # BLOGPARADE_PROXY = "direct": no proxy, whatever the environment says


class ProxyError(ValueError):
    """A proxy setting that cannot be used; the message says why, for a person."""


@dataclass(frozen=True)
class Proxy:
    """One forward proxy: where it is, and its login (from the URL's user:password@)."""

    url: yarl.URL  # without credentials
    authorization: str | None = None  # the Proxy-Authorization header's value

    @property
    def endpoint(self) -> tuple[str, int]:
        return (self.url.raw_host or "", self.url.port or 80)

    def __str__(self) -> str:
        return str(self.url)


@dataclass(frozen=True)
class Proxies:
    """The proxies of a run: per scheme, and the hosts that go direct."""

    http: Proxy | None = None
    https: Proxy | None = None
    no_proxy: str = ""

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str] | None = None, setting: Any = None
    ) -> Proxies:
        """From BLOGPARADE_PROXY (the environment's, else `setting`), else HTTP(S)_PROXY.

        ProxyError when a proxy is named but unusable."""
        env = os.environ if environ is None else environ
        no_proxy = _env(env, "no_proxy")
        if setting and not isinstance(setting, str):  # 5 was read as the host "5", every feed failing
            raise ProxyError(f"{SETTING} = {setting!r} in pelicanconf.py must be a proxy's URL in quotes, "
                             f'like "http://proxy.example:3128", or "{DIRECT}"')  # fmt: skip
        chosen = env.get(SETTING) or setting or ""
        if chosen.strip().lower() == DIRECT:
            return cls()
        if chosen:
            one = parse_proxy(chosen, SETTING)
            return cls(one, one, no_proxy)
        http, https = _env(env, "http_proxy"), _env(env, "https_proxy")
        return cls(
            parse_proxy(http, "HTTP_PROXY") if http else None,
            parse_proxy(https, "HTTPS_PROXY") if https else None,
            no_proxy,
        )

    def for_url(self, url: yarl.URL) -> Proxy | None:
        """The proxy a request for `url` goes through; None: it goes direct."""
        proxy = self.https if url.scheme == "https" else self.http
        if proxy is None or self.bypassed(url):
            return None
        return proxy

    def bypassed(self, url: yarl.URL) -> bool:
        """Whether NO_PROXY sends `url` direct."""
        if not self.no_proxy:
            return False
        host = url.raw_host or ""
        if proxy_bypass_environment(_host_port(url), {"no": self.no_proxy}):
            return True
        return _in_listed_network(host, self.no_proxy)

    @property
    def endpoints(self) -> frozenset[tuple[str, int]]:
        """Host and port of every proxy: the addresses the network policy trusts."""
        return frozenset(p.endpoint for p in (self.http, self.https) if p is not None)

    def __bool__(self) -> bool:
        return self.http is not None or self.https is not None


def parse_proxy(value: str, name: str) -> Proxy:
    """A proxy URL as curl takes it ("http://user:pw@proxy:3128", or "proxy:3128")."""
    text = value.strip()
    if "://" not in text:
        text = "http://" + text
    try:
        url = yarl.URL(text)
        host, port = url.raw_host, url.port
    except ValueError as error:
        raise ProxyError(f"{name} is not a usable proxy URL: {error}") from None
    if host and _NUMBERS_AND_DOTS.fullmatch(host) and literal_address(host) is None:
        raise ProxyError(f"{name} names no host: {value!r} is neither a host name nor an IPv4 address")
    if url.scheme != "http" or not host:
        raise ProxyError(
            f"{name} must be an http:// proxy URL like http://proxy.example:3128, not {value!r} "
            "(https requests go through it as a tunnel)"
        )
    authorization = None
    if url.raw_user:
        credentials = f"{unquote(url.raw_user)}:{unquote(url.raw_password or '')}"
        authorization = "Basic " + base64.b64encode(credentials.encode("utf-8")).decode("ascii")
    bare = yarl.URL.build(scheme="http", host=host, port=port or 80)
    return Proxy(bare, authorization)


_NUMBERS_AND_DOTS = re.compile(r"[0-9.]+")


def _env(env: Mapping[str, str], name: str) -> str:
    # curl reads the lower-case names first; the upper-case ones are as common.
    return (env.get(name) or env.get(name.upper()) or "").strip()


def _host_port(url: yarl.URL) -> str:
    host = url.raw_host or ""
    return f"{host}:{url.port}" if url.explicit_port else host


def _in_listed_network(host: str, no_proxy: str) -> bool:
    """NO_PROXY entries that are networks, for a host written as an address."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    for entry in no_proxy.split(","):
        entry = entry.strip()
        if "/" not in entry:
            continue
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            continue
        if network.version == address.version and address in network:
            return True
    return False
