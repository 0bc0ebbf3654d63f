"""The network policy: which addresses blogparade may connect to.  Applied to every request.

A participant file comes from a stranger's pull request, and CI builds the site from it; a feed
names comment feeds and redirects wherever it likes.  So no URL decides by itself where a
connection goes: its host is resolved, and every address it resolves to must be allowed, or the
request is refused before any connection is made (SSRF: cloud metadata at 169.254.169.254, the CI
machine's own services on loopback, the office network).  The connection then goes to exactly the
addresses that were checked: the resolver that checks them is the one the HTTP client connects
with, so no second DNS answer comes in between.

Allowed by default: public unicast addresses.  Refused: loopback, private (RFC 1918, unique
local), link-local (cloud metadata), CGNAT, multicast, unspecified, reserved and documentation
ranges, the IETF's protocol assignments (192.0.0.0/24), the deprecated 6to4 relay anycast
(192.88.99.0/24), IPv6's documentation (3fff::/20), dummy (100:0:0:1::/64) and segment-routing
(5f00::/16) prefixes, deprecated site-local IPv6 (fec0::/10), local-use NAT64 (64:ff9b:1::/48:
what it reaches is the network's own business), and the IPv6 forms that carry such an IPv4
address (IPv4-mapped ::ffff:0:0/96, IPv4-compatible ::/96, SIIT's ::ffff:0:0:0/96, 6to4, NAT64's
64:ff9b::/96, Teredo): each is judged by the IPv4 address in it.
A site allows more with ``BLOGPARADE_ALLOWED_NETWORKS`` (CIDR strings: ``["10.0.0.0/8"]`` for an
intranet blog roll; the demo allows ``127.0.0.1/32`` for its own sample server); a network it
names is allowed whatever the lists above say.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Union

from ..urls import literal_address
from .client import aiohttp

AbstractResolver = aiohttp.abc.AbstractResolver
ResolveResult = aiohttp.abc.ResolveResult
DefaultResolver = aiohttp.resolver.DefaultResolver

IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]

SETTING = "BLOGPARADE_ALLOWED_NETWORKS"
# IPv6 networks whose last 32 bits are an IPv4 address that the address reaches (besides the
# mapped, 6to4 and Teredo forms ipaddress decodes itself).
_CARRYING_IPV4 = tuple(ipaddress.IPv6Network(n) for n in (
    "64:ff9b::/96",  # NAT64, RFC 6052's well-known prefix
    "::/96",  # IPv4-compatible (deprecated; "::" and "::1" too, refused as 0.0.0.0 and 0.0.0.1)
    "::ffff:0:0:0/96",  # SIIT's IPv4-translated addresses (RFC 2765)
))  # fmt: skip
# Ranges no feed is on that Python's is_global (3.11) lets through: the IANA special-purpose
# registries' entries not globally reachable, as of 2025-10, and site-local.
_NOT_PUBLIC = tuple(ipaddress.ip_network(n) for n in (
    "192.0.0.0/24",  # IETF protocol assignments (its two anycast addresses too: no feed is there)
    "192.88.99.0/24",  # 6to4 relay anycast, deprecated (RFC 7526): reaches whichever relay is near
    "64:ff9b:1::/48",  # local-use NAT64 (RFC 8215)
    "100:0:0:1::/64",  # dummy IPv6 prefix (RFC 9780)
    "3fff::/20",  # documentation (RFC 9637)
    "5f00::/16",  # segment routing SIDs (RFC 9602)
    "fec0::/10",  # site-local, deprecated (RFC 3879)
))  # fmt: skip


class PolicyError(ValueError):
    """The setting itself is unusable; the message says why, for a person."""


class AddressNotAllowed(OSError):
    """A host resolved to an address the policy refuses.  An OSError, so that the HTTP client
    reports it as a failure to connect; fetch turns it into ErrorKind.NOT_ALLOWED."""

    def __init__(self, address: str, host: str | None = None):
        self.address = address
        self.host = host
        # Where: other BLOGPARADE_ settings may come from the environment, this one never does.
        self.detail = f"{address} (set {SETTING} in pelicanconf.py to allow it)"
        super().__init__(f"address not allowed: {self.detail}")


@dataclass(frozen=True)
class NetworkPolicy:
    """Public addresses, plus the networks a site allows."""

    allowed: tuple[Network, ...] = ()

    @classmethod
    def from_setting(cls, value: object) -> NetworkPolicy:
        """From the setting's value: a list of CIDR strings (a single string is one network)."""
        if value is None or value == "":
            return cls()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)):
            raise PolicyError(f"{SETTING} must be a list of networks like [\"10.0.0.0/8\"], not {value!r}")
        networks = []
        for item in items:
            try:
                networks.append(ipaddress.ip_network(str(item).strip(), strict=False))
            except ValueError:
                raise PolicyError(f"{SETTING}: {item!r} is not a network like \"10.0.0.0/8\"") from None
        return cls(tuple(networks))

    def allows(self, address: str | IPAddress) -> bool:
        ip = ipaddress.ip_address(address.split("%", 1)[0]) if isinstance(address, str) else address
        if any(ip in network for network in self.allowed if network.version == ip.version):
            return True
        return all(_public(candidate) for candidate in _meanings(ip))

    def check(self, addresses: Iterable[str], host: str | None = None) -> None:
        """AddressNotAllowed for the first address the policy refuses."""
        for address in addresses:
            if not self.allows(address):
                raise AddressNotAllowed(address, host)


def _meanings(ip: IPAddress) -> list[IPAddress]:
    """The address, and the IPv4 address an IPv6 one carries (mapped, compatible, SIIT, 6to4,
    NAT64, Teredo): each must be public, or "::ffff:10.0.0.5" would reach the office network."""
    found: list[IPAddress] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            found.append(ip.ipv4_mapped)
        if ip.sixtofour:
            found.append(ip.sixtofour)
        if ip.teredo:
            found.extend(ip.teredo)
        if any(ip in network for network in _CARRYING_IPV4):
            found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def _public(ip: IPAddress) -> bool:
    # is_global is False for private, loopback, link-local, CGNAT, reserved, unspecified and the
    # documentation ranges, but True for much of multicast.
    return ip.is_global and not ip.is_multicast and not any(ip in net for net in _NOT_PUBLIC)


class PolicyResolver(AbstractResolver):
    """The HTTP client's resolver: resolves as usual, then refuses the whole answer when any
    address in it is not allowed (an attacker's DNS may mix a public address with a private one).
    """

    def __init__(
        self, policy: NetworkPolicy, resolver: AbstractResolver | None = None,
        trusted: Iterable[tuple[str, int]] = (),
    ):  # fmt: skip
        self.policy = policy
        self._resolver = resolver or DefaultResolver()
        # (host, port) of the forward proxies the editors' environment names: connecting to
        # them is theirs to decide (the targets behind them are checked by fetch.py).  Only for
        # the connections made to a proxy: a direct request to that host and port is checked.
        self.trusted = frozenset((h.lower(), p) for h, p in trusted)

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        answers = await self._resolver.resolve(host, port, family)
        if (host.lower(), port) not in self.trusted:
            self.policy.check((answer["host"] for answer in answers), host)
        return answers

    async def resolve_checked(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Resolve and check, trusted or not: a target a proxy will connect to."""
        answers = await self._resolver.resolve(host, port, family)
        self.policy.check((answer["host"] for answer in answers), host)
        return answers

    async def close(self) -> None:
        await self._resolver.close()


def resolve_and_check(host: str, policy: NetworkPolicy) -> Sequence[str]:
    """Blocking: the host's addresses, each checked (for `blogparade check`, outside any fetch).

    OSError (socket.gaierror) when the name does not resolve; AddressNotAllowed when any address
    it resolves to is refused."""
    literal = literal_address(host)
    if literal is not None:
        written = host.strip("[]")  # as the URL has it: "::ffff:10.0.0.5", not "::ffff:a00:5"
        policy.check([written], host)
        return [written]
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    policy.check(addresses, host)
    return addresses
