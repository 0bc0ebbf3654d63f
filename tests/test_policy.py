"""The network policy on its own: which addresses are refused by default, what the setting allows."""

from __future__ import annotations

import asyncio

import pytest

from aggregator.feeds.policy import (
    AddressNotAllowed,
    NetworkPolicy,
    PolicyError,
    PolicyResolver,
    literal_address,
    resolve_and_check,
)

REFUSED = {
    "loopback": ["127.0.0.1", "127.0.0.2", "::1"],
    "private": ["10.0.0.5", "172.16.3.4", "192.168.1.1", "fd00::1"],
    "link-local (cloud metadata)": ["169.254.169.254", "fe80::1", "fe80::1%eth0"],
    "CGNAT": ["100.64.0.1"],
    "multicast": ["224.0.0.1", "239.1.1.1", "ff02::1", "ff0e::1"],
    "unspecified": ["0.0.0.0", "::"],
    "reserved and documentation": ["240.0.0.1", "255.255.255.255", "192.0.2.1", "198.18.0.1", "2001:db8::1"],
    "IPv4 in IPv6": ["::ffff:10.0.0.5", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "2002:a00:5::1",
                     "64:ff9b::a00:5", "64:ff9b::7f00:1", "::127.0.0.1", "::10.0.0.5", "::169.254.169.254",
                     "::ffff:0:7f00:1", "::ffff:0:a9fe:a9fe", "64:ff9b:1::a00:5", "64:ff9b:1::808:808"],
    "site-local (deprecated)": ["fec0::1", "feff::1"],
    "IETF protocol assignments": ["192.0.0.8", "192.0.0.170"],
    "6to4 relay anycast (deprecated)": ["192.88.99.1", "192.88.99.2", "::ffff:192.88.99.1",
                                        "2002:c058:6301::1"],
    "IPv6 documentation": ["3fff::1", "3fff:fff:ffff::1"],
    "IPv6 dummy prefix": ["100:0:0:1::1"],
    "segment routing SIDs": ["5f00::1", "5f00:ffff::1"],
}  # fmt: skip
PUBLIC = ["8.8.8.8", "93.184.216.34", "2606:4700::1", "::ffff:8.8.8.8", "64:ff9b::808:808", "::8.8.8.8",
          "::ffff:0:808:808", "192.88.100.1", "3fff:1000::1", "5f01::1"]


@pytest.mark.parametrize("address", [a for group in REFUSED.values() for a in group])
def test_refused_by_default(address: str):
    assert not NetworkPolicy().allows(address)
    with pytest.raises(AddressNotAllowed, match=r"address not allowed: .* \(set BLOGPARADE_ALLOWED_NETWORKS in pelicanconf.py to allow it\)"):
        NetworkPolicy().check([address])


@pytest.mark.parametrize("address", PUBLIC)
def test_public_unicast_is_allowed(address: str):
    assert NetworkPolicy().allows(address)


def test_the_setting_allows_exactly_its_networks():
    policy = NetworkPolicy.from_setting(["127.0.0.1/32", "10.0.0.0/8"])
    assert policy.allows("127.0.0.1") and policy.allows("10.200.1.1")
    assert not policy.allows("127.0.0.2") and not policy.allows("::1") and not policy.allows("192.168.1.1")
    assert NetworkPolicy.from_setting("::1").allows("::1")  # one network as a plain string
    assert NetworkPolicy.from_setting(None) == NetworkPolicy.from_setting([]) == NetworkPolicy()


def test_the_setting_allows_refused_ipv6_forms_it_names():
    assert NetworkPolicy.from_setting(["fec0::/10"]).allows("fec0::1")
    assert NetworkPolicy.from_setting(["64:ff9b:1::/48"]).allows("64:ff9b:1::a00:5")
    assert NetworkPolicy.from_setting(["::/96"]).allows("::10.0.0.5")
    assert NetworkPolicy.from_setting(["192.0.0.0/24"]).allows("192.0.0.8")


@pytest.mark.parametrize("value", [["10.0.0.0/33"], ["intranet"], 42, {"a": 1}])
def test_an_unusable_setting_is_one_sentence(value):
    with pytest.raises(PolicyError, match="BLOGPARADE_ALLOWED_NETWORKS"):
        NetworkPolicy.from_setting(value)


def test_one_refused_address_refuses_the_whole_answer():
    with pytest.raises(AddressNotAllowed, match="10.0.0.5"):
        NetworkPolicy().check(["8.8.8.8", "10.0.0.5"], "mixed.example")


def test_literal_addresses():
    assert str(literal_address("[::1]")) == "::1"
    assert str(literal_address("10.0.0.5")) == "10.0.0.5"
    assert literal_address("blog.example") is None


def test_localhost_resolves_to_loopback_and_is_refused():
    with pytest.raises(AddressNotAllowed):
        resolve_and_check("localhost", NetworkPolicy())
    allowed = NetworkPolicy.from_setting(["127.0.0.0/8", "::1/128"])
    assert set(resolve_and_check("localhost", allowed)) <= {"127.0.0.1", "::1"}


def test_the_resolver_refuses_what_the_system_resolver_answers():
    async def resolve(policy: NetworkPolicy):
        resolver = PolicyResolver(policy)
        try:
            return await resolver.resolve("localhost", 80)
        finally:
            await resolver.close()

    with pytest.raises(AddressNotAllowed):
        asyncio.run(resolve(NetworkPolicy()))
    answers = asyncio.run(resolve(NetworkPolicy.from_setting(["127.0.0.0/8", "::1/128"])))
    assert answers and all(a["host"] in ("127.0.0.1", "::1") for a in answers)
