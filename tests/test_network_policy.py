"""The network policy end to end: a site that allows only 127.0.0.1 never connects anywhere else.

Servers listen on several loopback addresses; the refused ones record every request they get, and
must get none: not for feeds, not for comment feeds a feed names, not at the end of a redirect,
not when joining.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.acceptance_helpers import explain, invoke, new_site, no_traceback, status_lines, write_participant
from tests.feedmaker import Item, rss
from tests.servers import FeedServer, redirect, respond

pytestmark = pytest.mark.slow

ONLY = 'BLOGPARADE_ALLOWED_NETWORKS = ["127.0.0.1/32"]'


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.fixture
def servers():
    hosts = ["127.0.0.1", "127.0.0.2"] + (["::1"] if ipv6_loopback() else [])
    started = [FeedServer(host=host).start() for host in hosts]
    yield {server.host: server for server in started}
    for server in started:
        server.stop()


def feed(server: FeedServer, slug: str, *, comments_on: FeedServer | None = None) -> str:
    post = server.url(f"/{slug}/1/")
    item = Item(f"{slug}-1", f"Beitrag von {slug}", post, comment_count=1,
                comments_feed=comments_on.url(f"/{slug}/1/feed/") if comments_on else None)  # fmt: skip
    return server.route(f"/{slug}/feed/", respond(rss([item], title=slug, link=server.url(f"/{slug}/")).encode()))


def test_only_allowed_addresses_are_ever_connected_to(servers, tmp_path):
    ok, refused = servers["127.0.0.1"], servers["127.0.0.2"]
    site = new_site(tmp_path / "site", ONLY)
    write_participant(site, "gut", "Gut", feed(ok, "gut"), ok.url("/gut/"))
    write_participant(site, "zwei", "Zwei", feed(refused, "zwei"), refused.url("/zwei/"))
    refused_target = feed(refused, "ziel")
    write_participant(site, "umzug", "Umzug", ok.route("/umzug/feed/", redirect(refused_target, 301)),
                      ok.url("/umzug/"))  # fmt: skip
    write_participant(site, "kommentare", "Kommentare", feed(ok, "kommentare", comments_on=refused),
                      ok.url("/kommentare/"))  # fmt: skip
    write_participant(site, "null", "Null", "http://0.0.0.0:9/feed/", "http://0.0.0.0:9/")
    if "::1" in servers:
        six = servers["::1"]
        write_participant(site, "sechs", "Sechs", feed(six, "sechs"), six.url("/sechs/"))

    result = invoke(site, "fetch")
    assert result.exit_code == 0, explain(result)

    assert refused.requests == [], "a refused address was connected to"
    if "::1" in servers:
        assert servers["::1"].requests == []
    assert ok.hits("/gut/feed/") == 1 and ok.hits("/kommentare/feed/") == 1

    lines = status_lines(invoke(site, "status").output)
    assert lines["Gut"].count("ok") and "error" not in lines["Gut"]
    for name, address in [("Zwei", "127.0.0.2"), ("Umzug", "127.0.0.2"), ("Null", "0.0.0.0")]:
        assert f"address not allowed: {address} (set BLOGPARADE_ALLOWED_NETWORKS in pelicanconf.py to allow it)" in lines[name], lines[name]
    if "::1" in servers:
        assert "address not allowed: ::1" in lines["Sechs"]
    # The comment feed on a refused address failed; the blog's own feed did not.
    assert "1 failing" in lines["Kommentare"], lines["Kommentare"]
    assert "/kommentare/1/feed/: error: address not allowed: 127.0.0.2" in lines["Kommentare"]


def test_join_never_connects_to_a_refused_address(servers, tmp_path):
    refused = servers["127.0.0.2"]
    site = new_site(tmp_path / "site", ONLY)
    result = invoke(site, "join", feed(refused, "zwei"))
    assert result.exit_code == 1, explain(result)
    no_traceback(result)
    assert "address not allowed: 127.0.0.2" in result.output
    assert refused.requests == []
    assert not list((site / "content" / "participants").glob("*.toml"))


def test_a_name_resolving_to_a_refused_address_is_refused(servers, tmp_path):
    # localhost is refused when the site allows no loopback at all.
    ok = servers["127.0.0.1"]
    site = new_site(tmp_path / "site", "BLOGPARADE_ALLOWED_NETWORKS = []")
    url = feed(ok, "lokal").replace("127.0.0.1", "localhost")
    write_participant(site, "lokal", "Lokal", url, url)
    assert invoke(site, "fetch").exit_code == 0
    assert ok.requests == []
    assert "address not allowed: 127.0.0.1" in status_lines(invoke(site, "status").output)["Lokal"]


def test_the_default_allows_no_loopback(tmp_path, servers):
    ok = servers["127.0.0.1"]
    root = Path(tmp_path / "site")
    assert invoke(None, "init", str(root)).exit_code == 0
    write_participant(root, "gut", "Gut", feed(ok, "gut"), ok.url("/gut/"))
    assert invoke(root, "fetch").exit_code == 0
    assert ok.requests == []
