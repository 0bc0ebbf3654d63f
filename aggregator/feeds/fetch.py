"""fetch: HTTP and nothing else.  One URL in, one `FetchResult` out, never an exception.

A `Fetcher` owns one aiohttp session for a whole run (aiohttp: measured 7x faster than httpx at
64 concurrent connections, DESIGN.md).  It adds what a feed aggregator needs on top of plain GETs:

- a global and a per-host concurrency limit, enforced by our own semaphores *before* the deadline
  starts, so that a request queued behind slow ones on the same host does not time out unsent;
- conditional GET (If-None-Match / If-Modified-Since), 304 as a normal result;
- redirects followed by hand: bounded, http(s) only, and whether every hop was permanent;
- a connect timeout and a deadline for the whole response, body included (trickling servers),
  and the name lookup too (through a proxy, the target's: a slow resolver holds no fetch longer);
- a byte cap that holds after gzip/deflate inflation: we inflate ourselves, incrementally and
  bounded by `max_length`, so a gzip bomb never grows beyond the cap in memory; and a cap of
  twice that on the compressed bytes, for a stream that inflates to nothing;
- a forward proxy per request, as the environment or BLOGPARADE_PROXY say (proxies.py), with
  the target still checked against the network policy here, and the proxy's own address trusted
  for connections to the proxy only;
- one SSLContext for the run: the system's CAs, a company's CA, a client certificate (trust.py);
- a blog's login, sent only to its feed's origin, and refused once, never sent again (logins.py);
- no cookies: what a server sets is not kept, so nothing of one blog's goes to another.

Usage::

    async with Fetcher(FetchSettings.from_site(site)) as fetcher:
        result = await fetcher.fetch(url, state.conditional)
"""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
import ssl
import zlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from http import HTTPStatus
from types import TracebackType
from typing import TYPE_CHECKING, Any

import yarl

from ..models import Conditional, ErrorKind, FetchError, FetchResult
from ..urls import is_valid_host
from .client import aiohttp, tls_for
from .logins import Login
from .policy import SETTING as POLICY_SETTING
from .policy import (
    AddressNotAllowed,
    NetworkPolicy,
    PolicyError,
    PolicyResolver,
    literal_address,
)
from .proxies import SETTING as PROXY_SETTING
from .proxies import Proxies, Proxy, ProxyError
from .trust import CLIENT_CERT, CLIENT_KEY, Trust, TrustError, tls_problem

if TYPE_CHECKING:
    from ..site import Site

log = logging.getLogger(__name__)

FEED_ACCEPT = (
    "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)
HTML_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
# Only what we can inflate ourselves without another dependency (no brotli, no zstd).
ACCEPT_ENCODING = "gzip, deflate"

# What FetchSettings.from_site raises for a network setting that cannot be used.
SettingError = (PolicyError, ProxyError, TrustError)

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_LOGIN_REFUSED = frozenset({401, 403})
_PERMANENT = frozenset({301, 308})


@dataclass(frozen=True)
class FetchSettings:
    """The limits of one fetch run; `from_site` reads them from the site's settings."""

    user_agent: str
    max_connections: int = 256  # global concurrency (site.py says why so many)
    per_host: int = 8  # per-host concurrency (site.py says why)
    connect_timeout: float = 10.0
    timeout: float = 60.0  # whole request including body (and redirects)
    max_bytes: int = 20 * 1024 * 1024  # cap on the body AFTER gzip/deflate inflation
    max_redirects: int = 5
    # Which addresses may be connected to: public ones only, unless the site allows more.
    policy: NetworkPolicy = NetworkPolicy()
    proxies: Proxies = Proxies()  # none: every request goes direct
    tls: ssl.SSLContext | None = None  # None: the system's CAs, no client certificate

    @classmethod
    def from_site(cls, site: Site) -> FetchSettings:
        """Settings from a `Site` (its `BLOGPARADE_*` values, the environment's proxies and
        trust settings, its User-Agent).

        One of SettingError (PolicyError, ProxyError, TrustError) when a setting is unusable."""
        trust = Trust.from_settings(site.settings)
        return cls(
            user_agent=site.user_agent,
            max_connections=int(site["BLOGPARADE_MAX_CONNECTIONS"]),
            per_host=int(site["BLOGPARADE_PER_HOST"]),
            connect_timeout=float(site["BLOGPARADE_CONNECT_TIMEOUT"]),
            timeout=float(site["BLOGPARADE_TIMEOUT"]),
            max_bytes=int(site["BLOGPARADE_MAX_BYTES"]),
            max_redirects=int(site["BLOGPARADE_MAX_REDIRECTS"]),
            policy=NetworkPolicy.from_setting(site.settings.get(POLICY_SETTING)),
            proxies=Proxies.from_environment(setting=site.settings.get(PROXY_SETTING)),
            tls=None if trust.default else trust.context(),
        )


class _Failure(Exception):
    """Ends a fetch with an error; carries what the result should say."""

    def __init__(self, kind: ErrorKind, message: str) -> None:
        super().__init__(message)
        self.error = FetchError(kind, message)


# --------------------------------------------------------------------------------------- URLs


def _check_url(url: str) -> yarl.URL:
    """The URL as yarl sees it, or `_Failure(INVALID_URL)` when it cannot be fetched over HTTP."""
    if not isinstance(url, str):
        raise _Failure(ErrorKind.INVALID_URL, f"not a URL: {url!r}")
    try:
        parsed = yarl.URL(url.strip())
        host = parsed.raw_host
        parsed.port  # noqa: B018 - raises on a port out of range
    except (ValueError, TypeError, UnicodeError) as error:
        raise _Failure(ErrorKind.INVALID_URL, f"not a valid URL: {error}") from None
    if parsed.scheme not in ("http", "https"):
        what = f"a {parsed.scheme}: URL" if parsed.scheme else "not an absolute URL"
        raise _Failure(ErrorKind.INVALID_URL, f"{what}, only http and https can be fetched")
    if not host or not is_valid_host(host):
        raise _Failure(ErrorKind.INVALID_URL, f"no valid host name in {url!r}")
    # A user name or password in an address (an image's, as a stranger's post wrote it) is never
    # sent: aiohttp would log in with it.  A blog's login comes from its participant file.
    return parsed.with_fragment(None).with_user(None)


def _redirect_target(current: yarl.URL, location: str | None) -> yarl.URL:
    if not location:
        raise _Failure(ErrorKind.REDIRECTS, "redirect without a Location header")
    try:
        target = current.join(yarl.URL(location.strip()))
    except (ValueError, TypeError, UnicodeError):
        raise _Failure(ErrorKind.REDIRECTS, f"redirect to an invalid URL {location!r}") from None
    try:
        return _check_url(str(target))
    except _Failure:
        message = f"redirect to an unfetchable URL {location!r}"
        raise _Failure(ErrorKind.REDIRECTS, message) from None


# ----------------------------------------------------------------------------------- Inflation


class _Inflater:
    """Incremental gzip/deflate decoding that never produces more than it is allowed to."""

    def __init__(self, encoding: str) -> None:
        if encoding not in ("gzip", "x-gzip", "deflate", "", "identity"):
            raise _Failure(ErrorKind.DECODING, f"unsupported content encoding {encoding!r}")
        self.encoding = encoding
        self.active = encoding not in ("", "identity")
        self._z: Any = _zlib_or_gzip() if encoding in ("gzip", "x-gzip") else None
        # "deflate" means zlib-wrapped, but some servers send raw deflate under that name: the
        # first two bytes tell which (kept until both are here, and no longer).
        self._head: bytes | None = b"" if encoding == "deflate" else None

    def feed(self, data: bytes, room: int) -> bytes:
        """Inflate `data` into at most `room + 1` bytes: more than `room` means over the cap."""
        if not self.active:
            return data[: room + 1]
        try:
            return self._feed(data, room)
        except zlib.error as error:
            raise _Failure(ErrorKind.DECODING, f"broken {self.encoding} stream ({error})") from None

    def _feed(self, data: bytes, room: int) -> bytes:
        if self._head is not None:
            data, self._head = self._head + data, None
            if len(data) < 2:
                self._head = data
                return b""
            self._z = _zlib_or_gzip() if _has_header(data) else zlib.decompressobj(-zlib.MAX_WBITS)
        return self._inflate(data, room)

    def _inflate(self, data: bytes, room: int) -> bytes:
        out = b""
        while data and len(out) <= room:
            if self._z.eof:
                if data[:2] != b"\x1f\x8b":  # junk after the end: ignored, as browsers do
                    break
                self._z = _zlib_or_gzip()  # another gzip member: concatenated gzip is valid
            # max_length: a bomb never inflates beyond the cap (+1 byte to notice) in memory.
            out += self._z.decompress(data, room + 1 - len(out))
            data = self._z.unused_data if self._z.eof else b""
        return out

    def finish(self) -> None:
        """Raise DECODING when the compressed stream ended before its end marker."""
        if self.active and (self._z is None or not self._z.eof):
            raise _Failure(ErrorKind.DECODING, f"{self.encoding} stream cut short")


def _has_header(data: bytes) -> bool:
    """Whether a stream starts with a gzip or a zlib header (RFC 1950: method 8, a window of at
    most 32 KB, and the two bytes a multiple of 31), else it is taken for raw deflate."""
    zlib_header = data[0] & 0x0F == 8 and data[0] >> 4 <= 7 and (data[0] << 8 | data[1]) % 31 == 0
    return data[:2] == b"\x1f\x8b" or zlib_header


def _zlib_or_gzip() -> Any:
    # 32+: either header; servers mix up gzip and zlib-wrapped deflate under both names.
    return zlib.decompressobj(32 + zlib.MAX_WBITS)


# ------------------------------------------------------------------------------------ Fetcher


@dataclass
class _Hop:
    """What one request on the way produced."""

    url: yarl.URL
    status: int
    headers: dict[str, str]
    body: bytes | None = None
    location: str | None = None
    # A plain http request through a proxy: its 407 is the proxy's.  (Through a CONNECT tunnel
    # the answer is the target's; the proxy's refusal of the tunnel is an exception.)
    proxy_answers: bool = False


def usable_connections(wanted: int) -> int:
    """`wanted`, or fewer where this process may not open twice as many files: every connection
    is a socket, and the store, the parser pool's pipes and the logs need descriptors too.  The
    soft limit is raised towards the hard one first (macOS starts processes at 256, many
    systemd services and containers at 1,024)."""
    try:
        import resource
    except ImportError:  # no such limits here (Windows)
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = 2 * wanted
    if soft != resource.RLIM_INFINITY and soft < need:
        raised = need if hard == resource.RLIM_INFINITY else min(need, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            soft = raised
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(1, min(wanted, soft // 2))


class Fetcher:
    """Fetches URLs concurrently within the limits of `FetchSettings`; use as `async with`."""

    def __init__(self, settings: FetchSettings) -> None:
        connections = usable_connections(settings.max_connections)
        if connections != settings.max_connections:
            log.info("%d connections at once, not %d: the process may open no more files",
                        connections, settings.max_connections)  # fmt: skip
            settings = replace(settings, max_connections=connections)
        self.settings = settings
        self._session: aiohttp.ClientSession | None = None  # direct requests
        self._proxied: aiohttp.ClientSession | None = None  # requests through a proxy
        self._global = asyncio.Semaphore(settings.max_connections)
        self._hosts: defaultdict[tuple[str, str, int | None], asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(settings.per_host)
        )
        # The policy's resolver: every address of a direct request's host is checked.
        self._resolver = PolicyResolver(settings.policy)
        # A proxy's own address is the editors' and trusted, but only for connections to the
        # proxy: those go through a session of their own (a feed naming the proxy's host and
        # port goes direct, and is checked as any other).
        self._proxy_resolver = PolicyResolver(settings.policy, trusted=settings.proxies.endpoints)
        # Targets of proxied requests, resolved and checked here once per run (see _check_target).
        self._targets: dict[str, asyncio.Future[None]] = {}
        self._refused: set[tuple[object, ...]] = set()  # logins refused in this run: not sent again
        # A login not yet answered in this run goes out with one request at a time, the others
        # waiting for its answer: blogs sharing a wrong password (one service account for the
        # wiki's many blogs) must not send it once each, at once.
        self._answered: set[tuple[object, ...]] = set()
        self._trying: dict[tuple[object, ...], asyncio.Event] = {}

    async def __aenter__(self) -> Fetcher:
        self._session = self._new_session(self._resolver)
        if self.settings.proxies:
            self._proxied = self._new_session(self._proxy_resolver)
        return self

    def _new_session(self, resolver: PolicyResolver) -> aiohttp.ClientSession:
        s = self.settings
        connector = aiohttp.TCPConnector(
            limit=s.max_connections, limit_per_host=s.per_host,
            # Every address a host resolves to is checked, and connected to as checked.
            resolver=resolver,
        )  # fmt: skip
        return aiohttp.ClientSession(
            connector=connector,
            # Only the TCP connect here: the deadline for the whole response is ours (asyncio),
            # and aiohttp's `connect` would also count the wait for a pooled connection.
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=s.connect_timeout),
            headers={"User-Agent": s.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            auto_decompress=False,  # we inflate ourselves, under the byte cap
            trust_env=False,  # proxies are chosen per request (proxies.py); no ~/.netrc logins
            # No cookies kept: feeds need none, and one jar for the run would carry a login's
            # session cookie to other blogs (and let evil.github.io set one for all of github.io).
            cookie_jar=aiohttp.DummyCookieJar(),
        )

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for session in (self._session, self._proxied):
            if session is not None:
                await session.close()
        self._session = self._proxied = None

    async def fetch(
        self, url: str, conditional: Conditional | None = None, *, accept: str = FEED_ACCEPT,
        login: Login | None = None,
    ) -> FetchResult:  # fmt: skip
        """GET `url`, with `login` on the hops to its origin.  Every failure is a result with
        `error` set; only cancellation raises."""
        if self._session is None:
            raise RuntimeError("use Fetcher as `async with Fetcher(settings) as fetcher`")
        state = _Walk(url)
        try:
            current = _check_url(url)
            # Waiting for a free slot is not the server's fault: the deadline starts once the
            # first request can go out (see _request), not when it is queued.
            async with self._global:
                hop = await self._follow(current, conditional, accept, state, login)
            return _result(url, hop, state)
        except _Failure as failure:
            return state.failed(failure.error)
        except TimeoutError as error:
            return state.failed(self._timeout_error(error, state))
        except Exception as error:  # noqa: BLE001 - the contract: no exception escapes a feed
            return state.failed(_describe(error, state.host, https=state.https))

    async def _follow(
        self, current: yarl.URL, conditional: Conditional | None, accept: str, state: _Walk,
        login: Login | None = None,
    ) -> _Hop:  # fmt: skip
        """Request `current` and follow redirects, at most `max_redirects` of them."""
        headers = _request_headers(conditional, accept)
        while True:
            state.at(current)
            self._allowed(current)
            proxy = self.settings.proxies.for_url(current)
            if login is not None and login.applies_to(current):
                hop = await self._request_logged_in(current, headers, state, proxy, login)
            else:
                hop = await self._request(current, headers, state, proxy)
            if hop.status not in _REDIRECTS or hop.location is None:
                return hop
            if len(state.statuses) >= self.settings.max_redirects:
                raise _Failure(ErrorKind.REDIRECTS, state.too_many(self.settings.max_redirects))
            state.statuses.append(hop.status)
            current = _redirect_target(current, hop.location)

    async def _request_logged_in(
        self, url: yarl.URL, headers: dict[str, str], state: _Walk, proxy: Proxy | None, login: Login
    ) -> _Hop:  # fmt: skip
        """One hop with the login; LOGIN where it is refused (and never sent again in the run)."""
        key = login.key
        while key not in self._answered and (trying := self._trying.get(key)) is not None:
            await trying.wait()  # its first request is out: its answer decides for this one
        first = key not in self._answered
        hop_headers = self._with_login(headers, login)
        if first:
            self._trying[key] = asyncio.Event()
        try:
            hop = await self._request(url, hop_headers, state, proxy)
        finally:
            if first:
                self._trying.pop(key).set()
        if hop.status in _LOGIN_REFUSED:
            self._refused.add(key)
            raise _Failure(ErrorKind.LOGIN, f"{_status_text(hop.status)} to the {login.described}")
        self._answered.add(key)
        return hop

    def _with_login(self, headers: dict[str, str], login: Login) -> dict[str, str]:
        """The request's headers with the login's; LOGIN when it cannot or must not be sent."""
        if login.missing or login.value is None:
            raise _Failure(ErrorKind.NO_LOGIN, f"cannot log in with the {login.described}: {login.missing}")
        if login.key in self._refused:
            raise _Failure(ErrorKind.LOGIN, f"the {login.described} was refused earlier in this "
                                            "run; not sent again")  # fmt: skip
        return {**headers, login.header: login.value}

    async def _check_target(self, url: yarl.URL) -> None:
        """Through a proxy, the connection goes to the proxy, which connects to the target: so
        the target's name is resolved here and every address checked, once per host and run,
        before the request goes out.  (A host written as an address: `_allowed`.)"""
        host = url.raw_host or ""
        if literal_address(host) is not None:
            return
        if host not in self._targets:
            self._targets[host] = asyncio.ensure_future(self._resolve_target(host))
        await asyncio.shield(self._targets[host])

    async def _resolve_target(self, host: str) -> None:
        try:
            await self._resolver.resolve_checked(host, family=socket.AF_UNSPEC)
        except AddressNotAllowed as error:
            raise _Failure(ErrorKind.NOT_ALLOWED, error.detail) from None
        except OSError:
            raise _Failure(ErrorKind.DNS, f"host not found: {host} (resolved here before asking "
                                          "the proxy, to check it against the network policy)") from None

    def _allowed(self, url: yarl.URL) -> None:
        """A host written as an address ("10.0.0.5", "[::1]") is checked here: the HTTP client
        asks no resolver for it.  Names are checked by the resolver (PolicyResolver)."""
        literal = literal_address(url.raw_host or "")
        if literal is not None and not self.settings.policy.allows(literal):
            raise _Failure(ErrorKind.NOT_ALLOWED, AddressNotAllowed(url.raw_host or "").detail)

    async def _request(
        self, url: yarl.URL, headers: dict[str, str], state: _Walk, proxy: Proxy | None = None
    ) -> _Hop:
        """One GET under the per-host limit and the deadline; a body is read only for a 2xx."""
        async with self._hosts[(url.scheme, url.host or "", url.port)]:
            if state.deadline is None:
                state.deadline = asyncio.get_running_loop().time() + self.settings.timeout
            async with asyncio.timeout_at(state.deadline):
                # The target's lookup is part of the request, as a direct one's is: a slow
                # resolver must not hold a fetch past its deadline.
                if proxy is not None:
                    await self._check_target(url)
                return await self._exchange(url, headers, state, proxy)

    async def _exchange(
        self, url: yarl.URL, headers: dict[str, str], state: _Walk, proxy: Proxy | None = None
    ) -> _Hop:
        session = self._session if proxy is None else self._proxied
        assert session is not None
        via: dict[str, Any] = tls_for(url.scheme, self.settings.tls)
        if proxy is not None:
            via["proxy"] = proxy.url
            if proxy.authorization and url.scheme == "https":
                # For a tunnel the proxy's login goes with CONNECT only, never to the target.
                via["proxy_headers"] = {"Proxy-Authorization": proxy.authorization}
            elif proxy.authorization:
                headers = {**headers, "Proxy-Authorization": proxy.authorization}
        async with session.get(url, headers=headers, allow_redirects=False, **via) as response:
            state.headers_received = True
            hop = _Hop(url, response.status, _lower_headers(response.headers),
                       proxy_answers=proxy is not None and url.scheme == "http")  # fmt: skip
            if response.status in _REDIRECTS:
                hop.location = response.headers.get("Location")
            elif 200 <= response.status < 300:
                hop.body = await self._read_body(response, hop.headers)
            return hop

    async def _read_body(self, response: aiohttp.ClientResponse, headers: dict[str, str]) -> bytes:
        """The body, inflated, at most `max_bytes`; TOO_LARGE as soon as it would be more."""
        cap = self.settings.max_bytes
        declared = response.content_length
        if declared is not None and declared > cap:
            message = f"{_size(declared)} announced, the limit is {_size(cap)}"
            raise _Failure(ErrorKind.TOO_LARGE, message)
        inflater = _Inflater(headers.get("content-encoding", "").strip().lower())
        body = bytearray()
        # Compressed, a feed is never larger than inflated by much: more than twice the cap is
        # a stream that inflates to (next to) nothing, read until the deadline otherwise.
        sent, sent_cap = 0, 2 * cap
        async for chunk in response.content.iter_any():
            sent += len(chunk)
            if sent > sent_cap:
                message = f"more than {_size(sent_cap)} sent compressed, for a limit of {_size(cap)}"
                raise _Failure(ErrorKind.TOO_LARGE, message)
            body += inflater.feed(chunk, cap - len(body))
            if len(body) > cap:
                raise _Failure(ErrorKind.TOO_LARGE, f"more than {_size(cap)}")
        inflater.finish()
        if inflater.active:
            # The body no longer is what these headers describe.
            headers.pop("content-encoding", None)
            headers.pop("content-length", None)
        return bytes(body)

    def _timeout_error(self, error: TimeoutError, state: _Walk) -> FetchError:
        if isinstance(error, aiohttp.ConnectionTimeoutError):
            seconds = self.settings.connect_timeout
            return FetchError(ErrorKind.TIMEOUT, f"could not connect within {seconds:g} s")
        what = "response not complete" if state.headers_received else "no response"
        return FetchError(ErrorKind.TIMEOUT, f"{what} within {self.settings.timeout:g} s")


class _Walk:
    """Where a fetch has got to: the URL now, the redirect statuses so far."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.final_url = url
        self.visited: list[str] = []
        self.statuses: list[int] = []
        self.headers_received = False
        self.deadline: float | None = None  # loop time, set when the first request goes out
        self.host = ""
        self.https = False

    def at(self, current: yarl.URL) -> None:
        self.host = current.raw_host or ""
        self.https = current.scheme == "https"
        if self.visited:  # keep the URL as given until a redirect changes it
            self.final_url = str(current)
        self.visited.append(str(current))
        self.headers_received = False

    def too_many(self, limit: int) -> str:
        if len(set(self.visited)) < len(self.visited):
            return f"redirect loop at {self.visited[-1]}"
        return f"more than {limit} redirects"

    def failed(self, error: FetchError) -> FetchResult:
        return FetchResult(url=self.url, final_url=self.final_url, error=error)


def fetch_one(
    url: str,
    settings: FetchSettings,
    conditional: Conditional | None = None,
    *,
    accept: str = FEED_ACCEPT,
) -> FetchResult:
    """One fetch from synchronous code (e.g. `blogparade join`); not for many URLs."""

    async def run() -> FetchResult:
        async with Fetcher(settings) as fetcher:
            return await fetcher.fetch(url, conditional, accept=accept)

    return asyncio.run(run())


# ------------------------------------------------------------------------------------ helpers


def _request_headers(conditional: Conditional | None, accept: str) -> dict[str, str]:
    headers = {"Accept": accept}
    if conditional is not None and conditional.etag:
        headers["If-None-Match"] = conditional.etag
    if conditional is not None and conditional.last_modified:
        headers["If-Modified-Since"] = conditional.last_modified
    return headers


def _lower_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Lower-cased names; a repeated header joined with ", " as HTTP allows."""
    result: dict[str, str] = {}
    for name, value in headers.items():
        key = name.lower()
        result[key] = f"{result[key]}, {value}" if key in result else value
    return result


def _result(url: str, hop: _Hop, state: _Walk) -> FetchResult:
    """The result for the last response: success, 304, or an HTTP error."""
    error = _status_error(hop)
    moved = None
    if error is None and state.statuses and all(s in _PERMANENT for s in state.statuses):
        moved = state.final_url
    return FetchResult(
        url=url,
        final_url=state.final_url,
        status=hop.status,
        body=hop.body if error is None and hop.status != 304 else None,
        headers=hop.headers,
        permanent_redirect=moved,
        error=error,
    )


def _status_error(hop: _Hop) -> FetchError | None:
    status = hop.status
    if status == 410:
        return FetchError(ErrorKind.GONE, "410 Gone: the feed was removed for good")
    if status == 401:
        return FetchError(ErrorKind.HTTP, f"{_status_text(status)}: the feed needs a login "
                                          "(a `login` in its participant file)")
    if status == 407 and hop.proxy_answers:
        return FetchError(ErrorKind.PROXY, f"{_status_text(status)}: the proxy wants a login "
                                           "(http://user:password@proxy:port)")
    if status >= 400:
        return FetchError(ErrorKind.HTTP, _status_text(status))
    if 300 <= status < 400 and status != 304:  # no Location, or 300/305: nothing to follow
        return FetchError(ErrorKind.HTTP, f"{_status_text(status)} without a Location to follow")
    if 200 <= status < 300 and not hop.body:
        return FetchError(ErrorKind.EMPTY, f"{_status_text(status)} with an empty body")
    if status < 200:
        return FetchError(ErrorKind.HTTP, _status_text(status))
    return None


def _status_text(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _describe(error: Exception, host: str = "", *, https: bool = False) -> FetchError:
    """A short, human error for an exception from aiohttp or the socket layer."""
    # Order matters: the DNS error is a connector error is an OSError.
    refused = _refusal(error)
    if refused is not None:
        return FetchError(ErrorKind.NOT_ALLOWED, refused.detail)
    if isinstance(error, aiohttp.ClientProxyConnectionError):
        what = _os_text(error.os_error, "connection failed")
        return FetchError(ErrorKind.PROXY, f"cannot connect to the proxy {error.host}:{error.port}: {what}")
    if isinstance(error, aiohttp.ClientHttpProxyError):
        return FetchError(ErrorKind.PROXY, f"the proxy refused the tunnel to {host}: {_status_text(error.status)}")
    if isinstance(error, aiohttp.ClientConnectorDNSError):
        return FetchError(ErrorKind.DNS, f"host not found: {error.host}")
    tls = tls_problem(error, getattr(error, "host", None) or host)
    if tls is not None:
        return FetchError(ErrorKind.TLS, tls)
    if isinstance(error, aiohttp.ClientConnectorError):
        return FetchError(ErrorKind.CONNECTION, _os_text(error.os_error, "cannot connect"))
    # Under TLS 1.3 a server that wants a client certificate (or not ours) checks it after the
    # handshake, and often just hangs up, or resets the connection our request came in on
    # (which of the two is a race): say so, it is the usual cause on an intranet.
    hint = (f" (if it wants a client certificate, set {CLIENT_CERT} and {CLIENT_KEY}; if it"
            " has ours, it does not accept it)") if https else ""
    if isinstance(error, aiohttp.ServerDisconnectedError):
        return FetchError(ErrorKind.CONNECTION, "server closed the connection without a response" + hint)
    if isinstance(error, aiohttp.ClientPayloadError):
        return FetchError(ErrorKind.CONNECTION, "connection broke off in the middle of the body")
    if isinstance(error, (ConnectionResetError, aiohttp.ClientConnectionResetError)) or (
        isinstance(error, OSError) and error.errno == errno.ECONNRESET
    ):
        return FetchError(ErrorKind.CONNECTION, "connection reset by peer" + hint)
    if isinstance(error, aiohttp.ClientResponseError):  # unparseable status line or headers
        detail = str(error.message).splitlines()[0].strip(" :") if error.message else ""
        return FetchError(ErrorKind.CONNECTION, f"not a valid HTTP response ({detail})"[:200])
    if isinstance(error, aiohttp.InvalidURL):
        return FetchError(ErrorKind.INVALID_URL, f"not a valid URL: {error}")
    if isinstance(error, OSError):
        return FetchError(ErrorKind.CONNECTION, _os_text(error, "connection failed"))
    if isinstance(error, aiohttp.ClientError):
        return FetchError(ErrorKind.CONNECTION, f"{type(error).__name__}: {error}"[:200])
    # Not a network failure: a bug, ours or aiohttp's.  Keep the feed's run going, but say so.
    log.warning("unexpected error while fetching", exc_info=error)
    return FetchError(ErrorKind.CONNECTION, f"unexpected {type(error).__name__}: {error}"[:200])


def _refusal(error: BaseException) -> AddressNotAllowed | None:
    """The policy's refusal behind an error of the HTTP client (it wraps the resolver's)."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, AddressNotAllowed):
            return error
        error = getattr(error, "os_error", None) or error.__cause__ or error.__context__  # type: ignore[assignment]
        seen += 1
    return None


_ERRNO_TEXT = {
    errno.ECONNREFUSED: "connection refused",
    errno.ECONNRESET: "connection reset by peer",
    errno.EHOSTUNREACH: "host unreachable",
    errno.ENETUNREACH: "network unreachable",
    errno.ETIMEDOUT: "connection timed out",
}


def _os_text(error: OSError | None, fallback: str) -> str:
    if error is None:
        return fallback
    return _ERRNO_TEXT.get(error.errno or 0) or (error.strerror or fallback).lower()


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f} MB"
