"""Feed discovery and joining, against real pages and feeds on 127.0.0.1."""

import asyncio
from urllib.parse import quote

import pytest

from aggregator.editors.join import JoinError, new_participant
from aggregator.editors.participants import participant_document
from aggregator.feeds.clean import clean_post
from aggregator.feeds.discover import (
    ANNOUNCED_TRIED,
    AT_ONCE,
    CommentFeedError,
    DiscoveryError,
    discover,
    feed_links,
    usual_feed_urls,
)
from aggregator.feeds.fetch import Fetcher, FetchSettings
from aggregator.feeds.policy import NetworkPolicy
from aggregator.models import Participant
from tests.feedmaker import Item, atom, rss
from tests.servers import (
    ATOM_TYPE,
    HTML_TYPE,
    LOOPBACK_POLICY,
    FeedServer,
    redirect,
    respond,
)

SETTINGS = FetchSettings(user_agent="blogparade-tests", policy=LOOPBACK_POLICY, timeout=5, connect_timeout=2)
POSTS = [Item("1", "Grüße aus Köln", "https://koeln.example/1", author="Jörg")]


def page(*links: str) -> bytes:
    head = "".join(links)
    return f"<!doctype html><html><head><title>Blog</title>{head}</head><body>Hallo</body></html>".encode()


def find(url: str):
    async def go():
        async with Fetcher(SETTINGS) as fetcher:
            return await discover(url, fetcher)

    return asyncio.run(go())


def test_links_in_a_page_relative_resolved_comment_feeds_left_out():
    html = page(
        '<link rel="alternate" type="application/rss+xml" title="Blog &raquo; Kommentar-Feed" href="/comments/feed/">',
        '<link rel="alternate" type="application/rss+xml" title="Blog &raquo; Feed" href="feed/">',
        '<link rel="alternate" type="application/atom+xml" href="https://cdn.example/atom.xml">',
        '<link rel="alternate" type="application/rss+xml" title="Blog &raquo; Hallo-Kommentar-Feed" href="/hallo/feed/">',
        '<link rel="alternate" type="application/rss+xml" title="Blog &raquo; Comments Feed" href="/x.xml">',
        '<link rel="alternate" type="application/rss+xml" title="Feed" href="/?feed=comments-rss2">',
        '<link rel="stylesheet" type="text/css" href="/style.css">',
        '<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">',
    )
    assert feed_links(html, "https://blog.example/home/") == [
        "https://blog.example/home/feed/",
        "https://cdn.example/atom.xml",
    ]


def test_base_href_is_respected():
    html = page('<base href="https://other.example/x/">',
                '<link rel="alternate" type="application/atom+xml" href="atom.xml">')
    assert feed_links(html, "https://blog.example/") == ["https://other.example/x/atom.xml"]


def test_usual_paths_are_relative_to_the_page_then_the_root():
    urls = usual_feed_urls("https://blog.example/team/anna")
    assert urls[0] == "https://blog.example/team/anna/feed/"
    assert "https://blog.example/feed/" in urls and "https://blog.example/feeds/posts/default" in urls


def test_home_page_with_a_link_to_an_atom_feed(feed_server):
    feed_server.route("/atom.xml", respond(atom(POSTS).encode(), content_type=ATOM_TYPE))
    home = feed_server.route("/", respond(page(
        '<link rel="alternate" type="application/atom+xml" href="/atom.xml">'), content_type=HTML_TYPE))
    found = find(home)
    assert found.feed_url == feed_server.url("/atom.xml")
    assert found.home_url == home
    assert found.feed.entries[0].title == "Grüße aus Köln"


@pytest.mark.parametrize("refresh", [
    '<meta http-equiv="refresh" content="0; url=/blog/">',
    "<META HTTP-EQUIV=Refresh CONTENT=\"1;URL='blog/'\">",
    '<meta http-equiv="refresh" content="0;http://{host}/blog/">',
])  # fmt: skip
def test_a_home_page_that_sends_browsers_on_by_meta_refresh_is_followed(feed_server, refresh):
    # A site's root that only forwards to the blog (a hosting panel's index.html): browsers
    # follow its refresh, and so does joining, to the page that names the feed.
    feed_server.route("/blog/feed/", respond(rss(POSTS, link=feed_server.url("/blog/")).encode()))
    feed_server.route("/blog/", respond(page(
        '<link rel="alternate" type="application/rss+xml" href="/blog/feed/">'), content_type=HTML_TYPE))
    host = feed_server.url("/").split("/")[2]
    feed_server.route("/", respond(page(refresh.replace("{host}", host)), content_type=HTML_TYPE))
    found = find(feed_server.url("/"))
    assert (found.feed_url, found.home_url) == (feed_server.url("/blog/feed/"), feed_server.url("/blog/"))


def test_feed_url_itself(feed_server):
    url = feed_server.route("/feed/", respond(rss(POSTS, link="https://koeln.example/").encode()))
    found = find(url)
    assert (found.feed_url, found.home_url) == (url, "https://koeln.example/")


def test_page_without_links_falls_back_to_the_usual_paths(feed_server):
    feed_server.route("/blog/", respond(page(), content_type=HTML_TYPE))
    feed_server.route("/rss.xml", respond(rss(POSTS).encode()))
    assert find(feed_server.url("/blog/")).feed_url == feed_server.url("/rss.xml")


def test_announced_but_broken_feed_falls_through_to_a_working_one(feed_server):
    feed_server.route("/", respond(page(
        '<link rel="alternate" type="application/rss+xml" href="/broken.xml">'), content_type=HTML_TYPE))
    feed_server.route("/broken.xml", respond(b"<html>not a feed</html>", content_type=HTML_TYPE))
    feed_server.route("/feed/", respond(rss(POSTS).encode()))
    assert find(feed_server.url("/")).feed_url == feed_server.url("/feed/")


@pytest.mark.parametrize("broken", [b"garbage \x00\x01", b"<html><body>Nicht gefunden</body></html>", None])
def test_a_feeds_address_that_is_no_feed_is_not_guessed_from(feed_server, broken):
    # A shared host: /anna/feed.xml is broken (or gone), the root's /feed.xml is another blog's.
    # Guessing the usual paths beside it and at the root joined that other blog, silently.
    feed_server.routes.clear()
    feed_server.route("/feed.xml", respond(rss(POSTS, link=feed_server.url("/")).encode()))
    feed_server.route("/anna/feed/", respond(rss(POSTS, link=feed_server.url("/anna/")).encode()))
    feed_server.route("/anna/", respond(page(), content_type=HTML_TYPE))
    if broken is not None:
        feed_server.route("/anna/feed.xml", respond(broken, content_type="text/html"))
    with pytest.raises(DiscoveryError) as error:
        find(feed_server.url("/anna/feed.xml"))
    said = str(error.value)
    if broken is None:  # gone: no guess either
        assert said == (f"cannot fetch {feed_server.url('/anna/feed.xml')}: http: 404 Not Found: check the "
                        "address, or give the blog's home page to have its feed found")
    else:
        assert f"{feed_server.url('/anna/feed.xml')} has a feed's address, but it is no feed" in said
        assert said.endswith("give the blog's home page to have its feed found")
    assert feed_server.hits("/feed.xml") == 0 and feed_server.hits("/anna/feed/") == 0
    # Its home page still has its feed found where it is.
    assert find(feed_server.url("/anna/")).feed_url == feed_server.url("/anna/feed/")


@pytest.mark.parametrize("document", [
    b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/</loc></url></urlset>',
    b'<feed xmlns="http://www.w3.org/2005/Atom"></feed>',
])  # fmt: skip
def test_an_xml_document_that_is_no_feed_is_one_sentence_without_warnings(feed_server, document, recwarn):
    feed_server.routes.clear()
    url = feed_server.route("/sitemap/", respond(document, content_type="application/xml"))
    with pytest.raises(DiscoveryError, match="no usable feed found at"):
        find(url)
    assert [str(warning.message) for warning in recwarn] == []


@pytest.mark.parametrize("url", ["ftp://blog.example/", "blog.example", "http://", "https://a b.example/"])
def test_invalid_urls(url):
    with pytest.raises(DiscoveryError, match="not an http"):
        find(url)


def test_no_feed_anywhere(feed_server):
    feed_server.routes.clear()  # the server's default routes include feeds at usual paths
    home = feed_server.route("/nothing/", respond(page(), content_type=HTML_TYPE))
    with pytest.raises(DiscoveryError, match="no usable feed"):
        find(home)


def test_a_page_announcing_thousands_of_feeds_costs_a_few_requests_at_a_time(feed_server):
    """A join must not turn one URL into thousands of requests to hosts the page names, nor hold
    their bodies: the first ANNOUNCED_TRIED links are tried, AT_ONCE at a time."""
    feed_server.routes.clear()
    links = [f'<link rel="alternate" type="application/rss+xml" href="/f{i}">' for i in range(3000)]
    home = feed_server.route("/", respond(page(*links), content_type=HTML_TYPE))
    in_flight, most = [0], [0]

    async def slow_not_found(request):
        in_flight[0] += 1
        most[0] = max(most[0], in_flight[0])
        await asyncio.sleep(0.02)
        in_flight[0] -= 1
        await request.send(404, {"Content-Type": "text/plain"}, b"no feed here")

    for i in range(3000):
        feed_server.route(f"/f{i}", slow_not_found)
    with pytest.raises(DiscoveryError, match=f"the first {ANNOUNCED_TRIED} of its 3000 <link"):
        find(home)
    announced = {r.path for r in feed_server.requests if r.path[:2] == "/f" and r.path[2:].isdigit()}
    assert announced == {f"/f{i}" for i in range(ANNOUNCED_TRIED)}
    assert len(feed_server.requests) == 1 + ANNOUNCED_TRIED + len(usual_feed_urls(home))
    assert most[0] == AT_ONCE


def test_unreachable_page(feed_server):
    with pytest.raises(DiscoveryError, match="cannot fetch"):
        find(feed_server.url("/missing"))


def test_a_home_page_refused_to_unknown_user_agents_still_has_its_feed_found(feed_server):
    # A security plugin or firewall answering 403 to what is no browser, feeds let through as
    # feed readers need: the blog joins by its home page as its author knows it.
    feed_server.routes.clear()
    feed_server.route("/", status=403, body=b"<html><body>Access denied</body></html>", content_type=HTML_TYPE)
    feed_server.route("/feed/", respond(rss(POSTS, link=feed_server.url("/")).encode()))
    found = find(feed_server.url("/"))
    assert (found.feed_url, found.home_url) == (feed_server.url("/feed/"), feed_server.url("/"))


def test_a_refused_home_page_without_a_feed_says_it_was_refused(feed_server):
    feed_server.routes.clear()
    feed_server.route("/", status=403, content_type=HTML_TYPE)
    with pytest.raises(DiscoveryError, match="cannot fetch .*: http: 403 Forbidden, and no usable feed is "
                                             "at the usual feed paths$"):
        find(feed_server.url("/"))


def test_a_home_page_sent_to_a_consent_wall_on_another_host_has_its_feed_found_at_home(feed_server):
    # Tumblr's and many publishers' EU consent walls: the blog's pages redirect to the wall's
    # host, its feeds do not.  Found there, the blog's home is its own, not the wall's page.
    feed_server.routes.clear()
    with FeedServer(host="127.0.0.2") as wall:
        wall.routes.clear()
        consent = wall.route("/privacy/consent", respond(page(), content_type=HTML_TYPE))
        feed_server.route("/", redirect(f"{consent}?redirect={quote(feed_server.url('/'), safe='')}"))
        feed_server.route("/rss", respond(rss(POSTS, link=feed_server.url("/")).encode()))
        found = find(feed_server.url("/"))
    assert (found.feed_url, found.home_url) == (feed_server.url("/rss"), feed_server.url("/"))


def test_new_participant_takes_name_author_language_and_refuses_duplicates(feed_server):
    url = feed_server.route("/feed/", respond(rss(POSTS, title="Köln & mehr").encode()))
    found = find(url)
    existing = [Participant(slug="koeln-mehr", name="x", feed="https://other.example/", home="h")]
    joined = new_participant(found, existing, kind="corporate")
    assert (joined.slug, joined.name, joined.author, joined.kind, joined.language) == (
        "koeln-mehr-2", "Köln & mehr", "Jörg", "corporate", "de")
    twin = url.replace("http://127.0.0.1", "https://www.127.0.0.1").rstrip("/")
    with pytest.raises(JoinError, match="already on the site"):
        new_participant(found, [Participant(slug="k", name="K", feed=twin, home="h")])


def test_a_blog_whose_feed_names_no_language_writes_in_the_sites(feed_server):
    # It was German whatever the site: an English blog roll marked its blogs' posts lang="de".
    url = feed_server.route("/feed/", respond(rss(POSTS, title="Notes").replace("<language>de-DE</language>", "")
                                              .encode()))  # fmt: skip
    joined = new_participant(find(url), [])
    assert joined.language == "" and "language" not in participant_document(joined)
    [entry] = find(url).feed.entries
    assert clean_post(entry, joined).language is None  # the site's: its pages say no other


def test_a_posts_page_naming_no_feed_skips_the_posts_comment_feed_at_feed(feed_server):
    """WordPress answers `<permalink>feed/` with the post's comments: the usual path relative to
    a post's page is a comment feed, never taken; the site's /feed/ is."""
    feed_server.routes.clear()
    post = feed_server.route("/2026/11/werkbank/", respond(page(), content_type=HTML_TYPE))
    comments = rss([Item("c12", "Von: Anna", post + "#comment-12")], title="Kommentare zu: Werkbank", link=post)
    feed_server.route("/2026/11/werkbank/feed/", respond(comments.encode()))
    feed_server.route("/feed/", respond(rss(POSTS).encode()))
    found = find(post)
    assert found.feed_url == feed_server.url("/feed/")
    assert feed_server.hits("/2026/11/werkbank/feed/") == 1


def test_no_feed_but_comment_feeds_says_so(feed_server):
    feed_server.routes.clear()
    home = feed_server.route("/blog/", respond(page(
        '<link rel="alternate" type="application/rss+xml" title="Feed" href="stimmen.xml">',
        '<link rel="alternate" type="application/atom+xml" title="Atom" href="/blog/stimmen.atom">',
    ), content_type=HTML_TYPE))
    replies = [Item("c1", "Von: Anna", f"{home}eintrag/#comment-1")]
    feed_server.route("/blog/stimmen.xml", respond(rss(replies, title="Stimmen", link=home).encode()))
    feed_server.route("/blog/stimmen.atom", respond(atom(replies, title="Stimmen", link=home).encode(),
                                                    content_type=ATOM_TYPE))
    with pytest.raises(DiscoveryError) as refused:
        find(home)
    assert str(refused.value).endswith(
        f"; {home}stimmen.xml and {home}stimmen.atom are comment feeds, not feeds of posts")


def test_a_comment_feed_given_names_its_blogs_post_feed(feed_server):
    home = feed_server.route("/blog/", respond(page(
        '<link rel="alternate" type="application/rss+xml" title="Blog &raquo; Feed" href="/blog/feed/">',
        '<link rel="alternate" type="application/rss+xml" title="Blog &raquo; Kommentar-Feed" '
        'href="/blog/comments/feed/">'), content_type=HTML_TYPE))
    feed_server.route("/blog/feed/", respond(rss(POSTS, link=home).encode()))
    url = feed_server.route("/blog/comments/feed/", respond(rss(
        [Item("c1", "Von: Anna", f"{home}eintrag/#comment-1")], title="Kommentare für Blog", link=home).encode()))
    with pytest.raises(CommentFeedError) as refused:
        find(url)
    assert (refused.value.url, refused.value.home, refused.value.post_feed) == (
        url, home, feed_server.url("/blog/feed/"))


def test_a_feed_the_page_names_on_a_refused_address_is_named_with_the_refusal(feed_server):
    """The page is on an allowed address, the feed it announces on one the policy refuses: the
    editor hears which feed and why, not just "no usable feed" (found by joining such a page)."""
    feed_server.routes.clear()
    elsewhere = "http://127.0.0.2:9/feed.xml"
    home = feed_server.route("/blog/", respond(page(
        f'<link rel="alternate" type="application/rss+xml" title="Feed" href="{elsewhere}">'),
        content_type=HTML_TYPE))  # fmt: skip
    only_here = FetchSettings(user_agent="blogparade-tests", timeout=5, connect_timeout=2,
                              policy=NetworkPolicy.from_setting(["127.0.0.1/32"]))  # fmt: skip

    async def go():
        async with Fetcher(only_here) as fetcher:
            return await discover(home, fetcher)

    with pytest.raises(DiscoveryError) as refused:
        asyncio.run(go())
    assert str(refused.value).startswith(f"no usable feed found at {home} (tried")
    assert str(refused.value).endswith(
        f"; {elsewhere}: address not allowed: 127.0.0.2 (set BLOGPARADE_ALLOWED_NETWORKS in pelicanconf.py to allow it)")
