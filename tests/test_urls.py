"""urls: the named rules for comparing and selecting URLs."""

from __future__ import annotations

import random
from urllib.parse import urlsplit

import pytest

from aggregator.urls import absolute_http_url, is_http_url, leads_to, page_key, same_comment, server_key


def test_absolute_http_url_says_what_urlsplit_says_for_any_string():
    """Its shortcut for the common form gives what the general path (urlsplit) gives."""

    def general(value: str) -> str | None:
        value = value.strip()
        try:
            parts = urlsplit(value)
        except ValueError:
            return None
        return value if parts.scheme in ("http", "https") and parts.netloc else None

    rng = random.Random(14)
    alphabet = list("htps:/?#[]\t\n a.@%\\HTP1;=") + ["ä", "\u200b"]
    cases = ["http://a/b", "https://x.example/?q#f", "http:///x", "http://", "http://[::1",
             "http://[::1]/", "HTTP://x/", " http://x ", "http://\tx/", "http://a b/"]  # fmt: skip
    cases += [rng.choice(["http://", "https://", ""]) + "".join(rng.choices(alphabet, k=rng.randint(0, 8)))
              for _ in range(20_000)]  # fmt: skip
    assert [c for c in cases if absolute_http_url(c) != general(c)] == []
    assert absolute_http_url(" https://blog.example/feed/ ") == "https://blog.example/feed/"
    assert absolute_http_url("ftp://blog.example/") is None


@pytest.mark.parametrize("url, usable", [
    ("https://blog.example/beitrag/", True), ("https://müller.example/über/", True),
    ("https://spam.example/a\udcff", False),  # a lone surrogate, as JSON's "\udcff" gives it
    ("https://blog.example/a b", False), ("ftp://blog.example/", False), ("https://blog.example:x/", False),
])  # fmt: skip
def test_is_http_url_takes_only_what_can_be_asked_for_and_stored(url, usable):
    assert is_http_url(url) is usable


@pytest.mark.parametrize("a, b, same", [
    ("https://Blog.Example./feed/", "https://blog.example/2026/11/beitrag/feed/atom/", True),
    ("http://blog.example/feed/", "http://blog.example:80/comments/feed/", True),
    ("https://blog.example/feed/", "https://blog.example:443/feed/", True),
    ("http://blog.example/feed/", "https://blog.example/feed/", False),  # another port
    ("http://127.0.0.1:8080/a/", "http://127.0.0.1:8081/a/", False),
    ("http://127.0.0.1:8080/a/", "http://127.0.0.2:8080/a/", False),
    ("https://www.blog.example/", "https://blog.example/", False),  # maybe another server
    ("http://[::1]:8080/feed/", "http://[::1]:8080/comments/feed/", True),
])
def test_server_key_is_where_a_request_connects(a, b, same):
    assert (server_key(a) == server_key(b)) is same


def test_server_key_of_a_url_without_a_usable_host_is_empty():
    assert server_key("not a url") == "" and server_key("http://blog.example:99999/") == ""


@pytest.mark.parametrize("a, b, same", [
    # A reply's parent as WordPress's API and Atom feeds name it, and as its RSS feeds do.
    ("https://blog.example/?p=5#comment-12", "https://blog.example/2026/11/beitrag/#comment-12", True),
    ("https://blog.example/?p=5#comment-12", "https://blog.example/x/comment-page-2/#comment-12", True),
    ("https://blog.example/?p=5#comment-12", "https://blog.example/?p=5#comment-13", False),
    ("https://blog.example/?p=5#comment-12", "https://blog.example/?p=5#comment-120", False),
    # Not a WordPress comment's anchor: nothing says two such are one.
    ("https://a.example/post#reply", "https://b.example/other#reply", False),
    ("https://blog.example/?p=5#comment-", "https://blog.example/x/#comment-", False),
    ("tag:blogger.com,1999:blog-1.post-2", "tag:blogger.com,1999:blog-1.post-2", False),
    ("https://blog.example/?p=5#comment-12", None, False),
    (None, None, False),
])  # fmt: skip
def test_same_comment_is_a_wordpress_comment_named_by_guid_or_by_link(a, b, same):
    assert same_comment(a, b) is same
    assert same_comment(b, a) is same


@pytest.mark.parametrize(("link", "same"), [
    ("https://blog.example/%C3%BCber-uns/", True), ("https://blog.example/über-uns", True),
    ("https://blog.example/%C3%9Cber-Uns/", True),  # the capital umlaut, as the title writes it
    ("https://blog.example/u%CC%88ber-uns/", True),  # decomposed, as macOS writes it
    ("https://blog.example/%FCber-uns/", False),  # Latin-1: another address to WordPress
    ("https://blog.example/ueber-uns/", False),
])  # fmt: skip
def test_an_umlauts_case_and_composition_do_not_matter_in_a_path(link, same):
    assert (page_key(link) == page_key("https://blog.example/%c3%bcber-uns/")) is same


@pytest.mark.parametrize(("link", "leads"), [
    ("https://blog.example/2026/10/aufruf/", True),
    ("https://www.blog.example/2026/10/aufruf/amp/", True),  # AMP for WordPress, copied on a phone
    ("https://blog.example/2026/10/aufruf/amp", True),
    ("https://blog.example/2026/10/aufruf/?amp=1", True),  # the other AMP spelling: tracking
    ("amp/", True),  # relative to the call itself
    ("https://blog.example/2026/10/aufruf/ampel/", False),
    ("https://blog.example/2026/10/amp/", False),  # the month's archive of a post named "amp"
    ("https://blog.example/2026/10/aufruf/kommentare/amp/", False),
])  # fmt: skip
def test_a_link_leads_to_a_page_or_its_amp_version(link, leads):
    call = "https://blog.example/2026/10/aufruf/"
    assert leads_to(link, page_key(call), call) is leads


@pytest.mark.parametrize(("link", "base", "leads"), [
    ("https://blog.example/?p=42", None, True),
    ("http://www.blog.example/?p=42", None, True),
    ("/?p=42", "https://blog.example/2026/11/beitrag/", True),  # relative, on the call's site
    ("/?p=42", "https://anderswo.example/beitrag/", False),
    ("https://anderswo.example/?p=42", None, False),
    ("https://blog.example/?p=43", None, False),
    ("https://blog.example/2026/10/aufruf/", None, True),
    ("https://blog.example/2026/10/", None, False),  # a key is matched whole, never by its letters
])  # fmt: skip
def test_a_link_leads_to_any_of_a_pages_keys_its_shortlink_too(link, base, leads):
    keys = frozenset({page_key("https://blog.example/2026/10/aufruf/"), page_key("https://blog.example/?p=42")})
    assert leads_to(link, keys, base) is leads


@pytest.mark.parametrize(("one", "other", "same"), [
    ("https://müller.example/aufruf/", "https://xn--mller-kva.example/aufruf/", True),
    ("https://MÜLLER.example/aufruf/", "https://www.müller.example/aufruf", True),
    # Two domains since IDNA 2008 (DENIC registers faß.de apart from fass.de): a link to one is
    # no link to a call on the other, as fetch connects to either.
    ("https://faß.example/aufruf/", "https://fass.example/aufruf/", False),
    ("https://faß.example/aufruf/", "https://xn--fa-hia.example/aufruf/", True),
])  # fmt: skip
def test_a_unicode_host_is_the_host_fetch_connects_to(one, other, same):
    from aggregator.urls import host_key, same_host

    assert (page_key(one) == page_key(other)) is same
    assert same_host(one, other) is same
    assert host_key("faß.example") == "xn--fa-hia.example"
