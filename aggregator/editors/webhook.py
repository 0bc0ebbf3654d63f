"""Webhooks: a JSON body POSTed to an editors' URL (a chat's incoming webhook, a ticket system).

The only module that POSTs.  It goes out as every fetch does, with the run's FetchSettings: the
network policy (the host is resolved, every address must be allowed, the connection goes to the
addresses that were checked), the proxy the environment or BLOGPARADE_PROXY names, the site's TLS
trust (a company CA), and blogparade's User-Agent.  `https://` is required, except where the site allows the host's network
explicitly in BLOGPARADE_ALLOWED_NETWORKS (an intranet chat server, loopback in tests): only
there may a webhook be plain `http://`, since a notice names blogs and their errors and should
not cross the internet in clear.  Redirects are not followed (a POST that moves is a mistake in
the setting, and following it would be a way around the policy).
"""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any
from urllib.parse import urlsplit

import yarl

from ..feeds.client import aiohttp, tls_for
from ..feeds.fetch import FetchSettings
from ..feeds.policy import SETTING as POLICY_SETTING
from ..feeds.policy import AddressNotAllowed, NetworkPolicy, PolicyResolver, literal_address

TIMEOUT = 15.0  # seconds for the whole POST: a hanging webhook must not hold up the night
MAX_ANSWER = 64 * 1024  # bytes of an error answer kept for the message


class WebhookError(Exception):
    """The POST failed; the message says why, for a person (the caller names the URL).
    `unreachable`: no answer at all (timed out, refused, dropped), so the next POST would fail too."""

    def __init__(self, message: str, *, unreachable: bool = False):
        super().__init__(message)
        self.unreachable = unreachable


def check_url(url: str, policy: NetworkPolicy) -> None:
    """WebhookError unless `url` is https://, or http:// to a network the site allows."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme != "http" or not parts.hostname:
        raise WebhookError(f"a webhook must be an https:// URL, not {url!r}")
    try:
        addresses = _addresses(parts.hostname)
    except OSError as error:
        raise WebhookError(f"cannot resolve {parts.hostname}: {error}") from None
    if not addresses or not all(_explicitly_allowed(a, policy) for a in addresses):
        raise WebhookError(
            f"plain http:// only to networks allowed in {POLICY_SETTING}; use https://"
        )


def _addresses(host: str) -> list[str]:
    literal = literal_address(host)
    if literal is not None:
        return [str(literal)]
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _explicitly_allowed(address: str, policy: NetworkPolicy) -> bool:
    literal = literal_address(address)
    return literal is not None and any(
        literal in network for network in policy.allowed if network.version == literal.version
    )


async def post_json(url: str, body: dict[str, Any], *, settings: FetchSettings,
                    timeout: float = TIMEOUT) -> int:  # fmt: skip
    """POST `body` as JSON with the run's fetch settings (network policy, proxies, the site's
    TLS trust, User-Agent); the status of a 2xx answer.  WebhookError for anything else."""
    policy = settings.policy
    check_url(url, policy)
    target = yarl.URL(url)
    literal = literal_address(target.raw_host or "")
    if literal is not None and not policy.allows(literal):
        raise WebhookError(f"address not allowed: {AddressNotAllowed(str(literal)).detail}")
    resolver = PolicyResolver(policy, trusted=settings.proxies.endpoints)
    proxy = settings.proxies.for_url(target)
    via: dict[str, Any] = tls_for(target.scheme, settings.tls)
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if proxy is not None:
        via["proxy"] = proxy.url
        if proxy.authorization and target.scheme == "https":  # the proxy's login with CONNECT only
            via["proxy_headers"] = {"Proxy-Authorization": proxy.authorization}
        elif proxy.authorization:
            headers["Proxy-Authorization"] = proxy.authorization
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    connector = aiohttp.TCPConnector(resolver=resolver)
    try:
        async with asyncio.timeout(timeout):  # the target's lookup through a proxy included
            if proxy is not None and literal is None:
                # The proxy connects to the target: its name is checked here first, as fetch does.
                await resolver.resolve_checked(target.raw_host or "", family=socket.AF_UNSPEC)
            async with aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": settings.user_agent}, trust_env=False,
            ) as session:  # fmt: skip
                async with session.post(target, data=data, allow_redirects=False, headers=headers,
                                        **via) as response:  # fmt: skip
                    if 200 <= response.status < 300:
                        return response.status
                    answer = " ".join((await response.content.read(MAX_ANSWER)).decode("utf-8", "replace").split())
                    said = f"{response.status} {response.reason or ''}".strip()
                    told = answer and answer not in (said, response.reason)  # not the status again
                    raise WebhookError(f"answered {said}" + (f": {answer[:200]}" if told else ""))
    except WebhookError:
        raise
    except TimeoutError:
        raise WebhookError(f"no answer within {timeout:g} s", unreachable=True) from None
    except (aiohttp.ClientError, OSError) as error:
        refused = _refusal(error)
        if refused is not None:
            raise WebhookError(f"address not allowed: {refused.detail}") from None
        raise WebhookError(f"{type(error).__name__}: {error}"[:300],
                           unreachable=isinstance(error, _NO_ANSWER)) from None  # fmt: skip
    finally:
        await connector.close()


# Connecting failed, or the server dropped the request: not a refusal of this one body.
_NO_ANSWER = (aiohttp.ClientConnectionError, OSError)


def _refusal(error: BaseException | None) -> AddressNotAllowed | None:
    for _ in range(5):
        if error is None or isinstance(error, AddressNotAllowed):
            return error
        error = getattr(error, "os_error", None) or error.__cause__ or error.__context__
    return None


def send_json(url: str, body: dict[str, Any], *, settings: FetchSettings,
              timeout: float = TIMEOUT) -> int:  # fmt: skip
    """`post_json` from synchronous code."""
    return asyncio.run(post_json(url, body, settings=settings, timeout=timeout))
