"""select: which posts belong to a parade.  Pure logic on hand-made records, then the demo blogs
fetched for real from their loopback server."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from aggregator.feeds.fetch import HTML_ACCEPT, Fetcher, FetchSettings
from aggregator.models import Participant, StoredPost, post_id
from aggregator.parades.files import Parade
from aggregator.parades.membership import call_posts
from aggregator.parades.pages import (
    PageLookup,
    by_post,
    extract_links,
    page_links,
    parade_page_links,
    remembered_page_links,
)
from aggregator.parades.select import (
    candidates_needing_page,
    carries_tag,
    contributions,
    dedupe,
    followed_posts,
    looks_like_summary,
)
from aggregator.urls import page_key
from tests.servers import (
    HTML_TYPE,
    LOOPBACK_POLICY,
    redirect,
    respond,
    sequence,
    status,
)

BERLIN = ZoneInfo("Europe/Berlin")
HOST = "http://hafenkante.example"
CALL = f"{HOST}/2026/10/blogparade-wie-arbeiten-wir-remote/"
LONG = "<p>" + "Ein ganz normaler Absatz über das Arbeiten von zu Hause und unterwegs. " * 12 + "</p>"

PARADE = Parade(
    slug="remote", title="Wie arbeiten wir remote?", call_url=CALL,
    start=date(2026, 11, 1), end=date(2026, 11, 30), tag="BlogparadeRemote", timezone="Europe/Berlin",
)  # fmt: skip


def at(day: int, hour: int = 12, minute: int = 0, second: int = 0, month: int = 11) -> datetime:
    """A moment in Berlin (UTC+1 in November), as the store holds it: in UTC."""
    return datetime(2026, month, day, hour, minute, second, tzinfo=BERLIN).astimezone(UTC)


def post(
    blog: str, path: str, published: datetime, *, links: tuple[str, ...] = (), html: str = LONG,
    categories: tuple[str, ...] = (), guid: str | None = None, url: str | None = None,
    first_seen: datetime | None = None, excerpt: str | None = None,
) -> StoredPost:  # fmt: skip
    url = url or f"https://{blog}.example{path}"
    guid = guid or url
    body = html + "".join(f'<p><a href="{link}">Link</a></p>' for link in links)
    return StoredPost(
        id=post_id(blog, guid), participant=blog, guid=guid, url=url, title=f"{blog}: {path}",
        author=blog.title(), published=published, updated=None, first_seen=first_seen or published,
        excerpt=excerpt if excerpt is not None else LONG[3:300], content_html=body,
        categories=categories, language="de", links=links, comment_feed=None, comment_count=None,
    )  # fmt: skip


def person(slug: str, home: str | None = None) -> Participant:
    home = home or f"https://{slug}.example/"
    return Participant(slug=slug, name=slug.title(), feed=home + "feed/", home=home)


def urls(posts: list[StoredPost]) -> list[str]:
    return [p.url for p in posts]


# --- page_key -----------------------------------------------------------------------------

@pytest.mark.parametrize("spelling", [
    "http://example.com/blog/call/",
    "http://example.com/blog/call",
    "https://example.com/blog/call/",
    "http://www.example.com/blog/call/",
    "HTTP://WWW.Example.COM/blog/call/",
    "http://example.com:80/blog/call/",
    "https://example.com:443/blog/call",
    "http://example.com/blog/call/?utm_source=newsletter&utm_medium=email#mitmachen",
    "http://example.com/blog/call/?anything=else",
    "http://example.com/blog/call/#comments",
    "http://example.com/blog/call/index.html",
    "http://example.com/blog/call/INDEX.HTM",
    "http://example.com/blog/call/index.php",
    "http://example.com/blog/%63all/",  # an unreserved letter percent-encoded
    "http://example.com./blog/call/",  # the root dot of DNS
    "http://user:secret@example.com/blog/call/",
    "  http://example.com/blog/call/\n",
])
def test_spellings_of_one_page_are_one_link(spelling):
    assert page_key(spelling) == page_key("http://example.com/blog/call/")


@pytest.mark.parametrize("other", [
    "http://example.com/blog/call-2/",
    "http://example.com/blog/",
    "http://example.com/",
    "http://example.org/blog/call/",
    "http://blog.example.com/blog/call/",
    "http://example.com:8080/blog/call/",
    "mailto:call@example.com",
])
def test_other_pages_stay_other(other):
    assert page_key(other) != page_key("http://example.com/blog/call/")


def test_relative_links_resolve_against_the_base():
    base = "https://example.com/2026/11/mein-beitrag/"
    call = page_key("http://example.com/blog/call/")
    assert page_key("/blog/call/", base) == call
    assert page_key("../../../blog/call", base) == call
    assert page_key("//www.example.com/blog/call/", base) == call
    assert page_key("call/", base) != call


def test_percent_encoding_and_unicode_compare_equal():
    assert page_key("https://müller.example/über-uns/") == page_key(
        "http://xn--mller-kva.example/%C3%BCber-uns")
    assert page_key("http://a.example/%c3%bcber/") == page_key("http://a.example/%C3%BCber/")
    # An encoded slash is not a slash: another path.
    assert page_key("http://a.example/a%2Fb/") != page_key("http://a.example/a/b/")


def test_a_query_that_names_the_page_is_kept():
    """WordPress's plain permalinks (/?p=12) and scripts (/index.php?id=5): there the query is the
    page; tracking parameters still do not count."""
    assert page_key("http://a.example/?p=12") != page_key("http://a.example/?p=13")
    assert page_key("http://a.example/?p=12") != page_key("http://a.example/")
    assert page_key("https://www.a.example/?utm_source=x&p=12#c") == page_key("http://a.example/?p=12")
    assert page_key("http://a.example/index.php?id=5&x=1") == page_key("http://a.example/?x=1&id=5")
    assert page_key("http://a.example/?utm_source=feed") == page_key("http://a.example/")


def test_a_query_that_names_a_post_is_kept_in_a_sub_folder_too():
    """A blog in a sub-folder with plain permalinks: /blog/?p=42 is a post, /blog/ its blog."""
    call = page_key("https://host.example/blog/?p=42")
    assert call != page_key("https://host.example/blog/?p=7")
    assert call != page_key("https://host.example/blog/")
    assert call == page_key("http://www.host.example/blog/?utm_source=x&p=42&share=mastodon#respond")
    assert page_key("https://host.example/blog/?page_id=3") != page_key("https://host.example/blog/?cat=3")
    assert page_key("https://host.example/blog/beitrag/?lang=de") == page_key("https://host.example/blog/beitrag/")


def test_a_sub_folder_blog_with_plain_permalinks_hosts_a_parade():
    call = "https://host.example/blog/?p=42"
    parade = replace(PARADE, call_url=call)
    host, anna = person("host", "https://host.example/blog/"), person("anna")
    posts = [
        post("host", "", at(1), url=call),  # the call
        post("host", "", at(5), url="https://host.example/blog/?p=50", links=(call,)),  # its own contribution
        post("anna", "/home/", at(10), links=("https://host.example/blog/",)),  # only the blog's home
        post("anna", "/other/", at(12), links=("https://host.example/blog/?p=7",)),  # another post
        post("anna", "/beitrag/", at(14), links=("https://host.example/blog/?p=42&utm_medium=social",)),
    ]
    found = contributions(parade, posts, participants=[host, anna])
    assert urls(found) == ["https://host.example/blog/?p=50", "https://anna.example/beitrag/"]
    assert urls(call_posts(parade, posts)) == [call]


def test_what_is_not_a_link_comes_back_as_it_is():
    for junk in ("", "nonsense", "javascript:alert(1)", "http://[::1", "http://a.example:99999/"):
        assert page_key(junk) == junk.strip()
    assert page_key(None) == ""  # type: ignore[arg-type]


# --- the case: one parade, eight blogs --------------------------------------------------

def eight_blogs() -> tuple[list[StoredPost], list[str], list[Participant]]:
    """Posts of eight blogs and the host; returns them, the URLs that are contributions, and
    the participants."""
    contributions_ = [
        post("anna", "/remote-1/", at(3), links=(CALL,)),  # exactly as published
        post("bernd", "/remote-2/", at(4), links=(CALL.rstrip("/"),)),  # no trailing slash
        # https for http, 00:15 on 1 November in Berlin: still 31 October in UTC
        post("clara", "/remote-3/", at(1, 0, 15), links=(CALL.replace("http:", "https:"),)),
        post("dirk", "/remote-4/", at(10), links=(CALL + "?utm_source=feed&utm_campaign=x#mitmachen",)),
        # www., at 23:59 on the last day
        post("emma", "/remote-5/", at(30, 23, 59), links=(CALL.replace("://", "://www."),)),
        # the host's own contribution, with a link relative to its own URL
        post("hafenkante", "", at(12), url=f"{HOST}/2026/11/so-arbeiten-wir/",
             links=("../../10/blogparade-wie-arbeiten-wir-remote/",)),
        post("frank", "/remote-7/", at(15), categories=("Homeoffice", "blogparaderemote")),  # tag only
        post("greta", "/remote-8/", at(20),
             html=LONG + "<p>Mein Beitrag zur #BlogparadeRemote – danke fürs Ausrichten!</p>"),
    ]
    decoys = [
        post("anna", "/unrelated/", at(5)),
        post("bernd", "/vorfreude/", at(28, month=10), links=(CALL,)),  # before the window
        post("clara", "/zu-spaet/", datetime(2026, 12, 1, 0, 0, 30, tzinfo=BERLIN).astimezone(UTC),
             links=(CALL,)),  # 30 s after the window
        post("dirk", "/termin-app/", at(8), links=(f"{HOST}/", f"{HOST}/2026/10/andere-blogparade/")),
        post("hafenkante", "", at(30, month=10), url=CALL, categories=("BlogparadeRemote",),
             links=(CALL,)),  # the call itself
        post("hafenkante", "", at(2), url=CALL.rstrip("/") + "?replytocom=5",
             categories=("BlogparadeRemote",)),  # the call again, in another spelling, in the window
        post("emma", "/lesetipps/", at(9), categories=("Blogparade",)),  # another parade's tag
        post("frank", "/hashtags/", at(9),
             html=LONG + "<p>Nicht #BlogparadeRemoteX, nicht foo#BlogparadeRemote, nicht "
                         "example.com/#BlogparadeRemote und nicht &amp;#BlogparadeRemote.</p>"),
    ]
    others = [post(blog, f"/sonst-{n}/", at(n + 5)) for n, blog in enumerate("anna bernd clara dirk emma frank greta".split())]
    blogs = [person(b) for b in "anna bernd clara dirk emma frank greta".split()] + [person("hafenkante", HOST + "/")]
    return contributions_ + decoys + others, [p.url for p in contributions_], blogs


def test_a_podcasts_episodes_at_its_shows_page_are_two_contributions():
    # Both episodes link the call, both name the show's page as their address: the parade took
    # them for one post (the store keeps two), and the roundup named one.
    show = "https://pod.example/podcast/"
    episodes = [replace(post("pod", f"/folge-{n}/", at(n - 30), links=(CALL,), url=show, guid=f"folge-{n}"),
                        title=f"Folge {n}") for n in (41, 42)]  # fmt: skip
    assert len(contributions(PARADE, episodes, participants=[person("pod")])) == 2
    # One post's two copies at one address, one title (a guid changed): one contribution.
    copies = [replace(episodes[0], id=post_id("pod", "x"), guid="x"), episodes[0]]
    assert len(contributions(PARADE, copies, participants=[person("pod")])) == 1


def test_exactly_the_right_posts_are_contributions():
    posts, expected, blogs = eight_blogs()
    found = contributions(PARADE, posts, participants=blogs)
    assert sorted(urls(found)) == sorted(expected)
    assert len(found) == 8 and len({p.participant for p in found}) == 8
    # oldest first, whatever order the store handed them in
    assert [p.published for p in found] == sorted(p.published for p in found)
    assert contributions(PARADE, reversed(posts), participants=blogs) == found
    assert found[0].participant == "clara"  # 1 November, 00:15 Berlin
    assert found[-1].participant == "emma"  # 30 November, 23:59 Berlin


def test_without_participants_the_same_posts_are_found():
    posts, expected, _ = eight_blogs()
    assert sorted(urls(contributions(PARADE, posts))) == sorted(expected)


def test_a_parade_without_tag_takes_links_only():
    posts, expected, _ = eight_blogs()
    untagged = Parade("remote", "W", CALL, PARADE.start, PARADE.end, timezone=PARADE.timezone)
    found = urls(contributions(untagged, posts))
    assert sorted(found) == sorted(u for u in expected if "frank" not in u and "greta" not in u)


def test_tags_as_categories_and_hashtags():
    assert carries_tag(post("a", "/", at(1), categories=("#BlogParadeRemote",)), "BlogparadeRemote")
    assert carries_tag(post("a", "/", at(1), html="<p>(#blogparaderemote)</p>"), "BlogparadeRemote")
    assert carries_tag(post("a", "/", at(1), html="<p>x</p>", excerpt="Los: #BlogparadeRemote."),
                       "BlogparadeRemote")
    # a tag with a space is written as one word when it is a hashtag
    assert carries_tag(post("a", "/", at(1), html="<p>#RemoteArbeit!</p>"), "Remote Arbeit")
    assert carries_tag(post("a", "/", at(1), categories=("remote  arbeit",)), "Remote Arbeit")
    assert not carries_tag(post("a", "/", at(1), categories=("BlogparadeRemote",)), None)
    # in a link target, not in the text: no hashtag
    assert not carries_tag(post("a", "/", at(1), html='<a href="https://x.example/#BlogparadeRemote">x</a>'),
                           "BlogparadeRemote")


def test_links_found_on_the_post_page_count_like_links_in_the_feed():
    summary = post("anna", "/nur-anriss/", at(7), html="<p>Heute geht es um Remote […]</p>")
    assert contributions(PARADE, [summary]) == []
    assert contributions(PARADE, [summary], page_links={summary.id: ("/x/", CALL)}) == [summary]
    # keyed by post id: another post's page does not count
    assert contributions(PARADE, [summary], page_links={"other": (CALL,)}) == []


# --- Include and Exclude ------------------------------------------------------------------------

def test_include_and_exclude_override_everything():
    posts, expected, blogs = eight_blogs()
    late = "https://clara.example/zu-spaet/"  # after the window
    unrelated = "https://anna.example/unrelated/"  # no link, no tag
    dropped = "https://bernd.example/remote-2/"
    edited = replace(PARADE, include=(late.replace("https://", "http://www."), unrelated + "#x"),
                     exclude=(dropped.rstrip("/"), CALL))
    found = urls(contributions(edited, posts, participants=blogs))
    assert sorted(found) == sorted([u for u in expected if u != dropped] + [late, unrelated])


def test_the_call_is_never_its_own_contribution_even_when_included():
    call = post("hafenkante", "", at(5), url=CALL, links=(CALL,), categories=("BlogparadeRemote",))
    included = replace(PARADE, include=(CALL,))
    assert contributions(included, [call]) == []


# --- dedupe -------------------------------------------------------------------------------------

def test_one_post_in_two_feeds_counts_once_for_the_blog_it_is_on():
    """A company blog and an employee's feed of the same posts: credited to the company's blog,
    whose home the post is under; found first or not."""
    company = person("firma", "https://firma.example/blog/")
    anna = person("anna", "https://firma.example/author/anna/")
    url = "https://firma.example/blog/2026/11/remote/"
    via_anna = post("anna", "", at(3), url=url, links=(CALL,), first_seen=at(3))
    via_company = post("firma", "", at(3), url=url.replace("https://", "http://www."),
                       links=(CALL,), first_seen=at(4))
    assert contributions(PARADE, [via_anna, via_company], participants=[company, anna]) == [via_company]


def test_without_a_better_claim_the_first_seen_wins():
    tag = "tag:blogger.com,1999:blog-1.post-2"
    first = post("zwei", "/a/", at(3), guid=tag, links=(CALL,), first_seen=at(3, 13))
    second = post("eins", "/b/", at(3), guid=tag, links=(CALL,), first_seen=at(3, 14))
    assert dedupe([second, first]) == [first]  # same global guid, other URLs


def test_local_guids_and_home_page_urls_do_not_merge():
    # "1" is one blog's numbering, not a global id
    a = post("anna", "/a/", at(3), guid="1", links=(CALL,))
    b = post("bernd", "/b/", at(3), guid="1", links=(CALL,))
    assert len(contributions(PARADE, [a, b])) == 2
    # Two link-less posts of one blog, both with its home page as URL: two posts.
    home = "https://micro.example/"
    m1 = post("micro", "", at(3), url=home, guid="m1", categories=("BlogparadeRemote",))
    m2 = post("micro", "", at(4), url=home, guid="m2", html=LONG + "<p>#BlogparadeRemote</p>")
    assert contributions(PARADE, [m1, m2]) == [m1, m2]
    # ... and a site root is never a post's own address, even alone
    lone = post("solo", "", at(5), url="https://solo.example", guid="s1", categories=("BlogparadeRemote",))
    twin = post("other", "", at(5), url="https://solo.example/", guid="s2", categories=("BlogparadeRemote",))
    assert len(contributions(PARADE, [lone, twin])) == 2


def test_one_post_whose_guid_changed_counts_once():
    """A blog whose guid is its permalink moves to https (or adds www.): the store keeps the old
    copy, the feed brings the post again under a new guid; one contribution, the one seen first."""
    anna = person("anna")
    old = post("anna", "", at(5), url="http://anna.example/beitrag/", links=(CALL,))
    new = post("anna", "", at(5), url="https://www.anna.example/beitrag/", links=(CALL,), first_seen=at(8))
    assert old.guid != new.guid
    assert contributions(PARADE, [new, old], participants=[anna]) == [old]
    # The blog's home in a sub-folder stays no post's address, shared or not.
    blog = person("blog", "https://blog.example/notizen/")
    m1, m2 = (post("blog", "", at(n), url=blog.home, guid=f"m{n}", categories=("BlogparadeRemote",)) for n in (3, 4))
    assert contributions(PARADE, [m1, m2], participants=[blog]) == [m1, m2]


# --- followed posts -----------------------------------------------------------------------------

def test_contributions_of_open_and_recently_closed_parades_are_followed():
    posts, expected, blogs = eight_blogs()
    ids = {p.id for p in contributions(PARADE, posts, participants=blogs)}
    assert followed_posts([PARADE], posts, date(2026, 10, 1), 14) == frozenset()  # upcoming
    assert followed_posts([PARADE], posts, date(2026, 11, 20), 14, participants=blogs) == ids
    assert followed_posts([PARADE], posts, date(2026, 12, 14), 14) == ids  # 14 days after the end
    assert followed_posts([PARADE], posts, date(2026, 12, 15), 14) == frozenset()


# --- candidates for a look at the page ----------------------------------------------------------

def test_summary_posts_without_link_or_tag_need_their_page():
    short = post("anna", "/kurz/", at(3), html="<p>Heute erzähle ich, wie wir arbeiten.</p>")
    cut = post("bernd", "/lang-mit-mehr/", at(4), html=LONG + "<p>Weiterlesen »</p>")
    ellipsis = post("clara", "/auslassung/", at(5), html=LONG + "<p>Und dann […]</p>")
    full = post("dirk", "/ganz/", at(6))
    linked = post("emma", "/verlinkt/", at(7), html="<p>Kurz.</p>", links=(CALL,))
    tagged = post("frank", "/getaggt/", at(8), html="<p>Kurz.</p>", categories=("BlogparadeRemote",))
    before = post("greta", "/vorher/", at(28, month=10), html="<p>Kurz.</p>")
    homeless = post("heidi", "", at(9), url="https://heidi.example/", html="<p>Kurz.</p>")
    excluded = post("ida", "/raus/", at(9), html="<p>Kurz.</p>")
    parade = replace(PARADE, exclude=(excluded.url,))
    posts = [short, cut, ellipsis, full, linked, tagged, before, homeless, excluded]
    assert candidates_needing_page(parade, posts) == [short, cut, ellipsis]


def test_the_summary_rule():
    assert looks_like_summary(post("a", "/", at(1), html="<p>" + "Wort " * 60 + "</p>"))  # 300 chars
    assert not looks_like_summary(post("a", "/", at(1)))  # a real post
    assert looks_like_summary(post("a", "/", at(1), html=LONG + "<p>Read more…</p>"))
    assert looks_like_summary(post("a", "/", at(1), html=LONG + "<p>Continue reading →</p>"))
    assert looks_like_summary(post("a", "/", at(1), html=LONG[:-4] + " [...]</p>"))
    # The footer Yoast puts under every item says nothing about the length of the post ...
    footer = "<p>Der Beitrag Remote erschien zuerst auf Hafenkante Digital.</p>"
    assert not looks_like_summary(post("a", "/", at(1), html=LONG + footer))
    # ... nor does it hide the "[…]" above it
    assert looks_like_summary(post("a", "/", at(1), html=LONG + "<p>Mehr […]</p>" + footer))


# --- the demo blogs, fetched for real -----------------------------------------------------------

def test_the_demo_parade_is_selected_exactly(tmp_path):
    """The bundled sample blogs through the real update pipeline: select must agree with the
    answer key in their MANIFEST, contributions and decoys alike."""
    from aggregator.demo import DemoServer
    from aggregator.feeds.update import update
    from aggregator.store import Store

    with DemoServer() as server, Store(tmp_path / "store.sqlite") as store:
        blogs = [blog.participant() for blog in server.blogs]
        settings = FetchSettings(user_agent="blogparade-tests", policy=LOOPBACK_POLICY, timeout=10, connect_timeout=5)
        asyncio.run(update(store, blogs, settings))
        demo = server.parade
        parade = Parade(demo.slug, demo.title, demo.call_url, demo.start, demo.end, demo.tag,
                        timezone="Europe/Berlin")
        posts = list(store.posts())
        found = contributions(parade, posts, participants=blogs)
    assert sorted(urls(found)) == sorted(demo.contributions)
    assert not set(urls(found)) & set(demo.decoys)
    assert len(posts) > len(demo.contributions) + len(demo.decoys)  # other posts were there too
    # The demo's feeds carry whole posts: nothing there needs a look at its page.
    assert candidates_needing_page(parade, posts, participants=blogs) == []
    assert min(p.published for p in found) < parade.window_start + timedelta(hours=1)


# --- pages: the links on a post's own page, against a real server -------------------------------

FETCH = FetchSettings(user_agent="blogparade-tests", policy=LOOPBACK_POLICY, timeout=5, connect_timeout=2)
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


class MemoryCache:
    """The PageLinkCache protocol in a dict: what the store will do in a table."""

    def __init__(self) -> None:
        self.lookups: dict[str, PageLookup] = {}

    def get_page_lookup(self, url: str) -> PageLookup | None:
        return self.lookups.get(url)

    def put_page_lookup(self, lookup: PageLookup) -> None:
        self.lookups[lookup.url] = lookup


def wordpress_page(call: str) -> bytes:
    """A post page as WordPress themes make it: the call linked in the sidebar, the menu and a
    reader's comment too, but in the post's text only where the author put it."""
    return f"""<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Remote</title></head>
<body><nav><a href="{call}">Aktuelle Blogparade</a></nav>
<main id="main"><article class="post">
  <h1 class="entry-title">So arbeiten wir</h1>
  <div class="entry-content">
    <p>Ein Beitrag zur <a href="{call}?utm_source=x">Blogparade</a> über Größe, siehe
    <a href="/ueber-uns/">uns</a> und <a href="mailto:a@b.example">Post</a>
    und <a href="javascript:alert(1)">nichts</a>.</p>
  </div>
  <footer class="entry-footer"><a href="/category/remote/">Remote</a></footer>
</article>
<section id="comments"><p>Kommentar: <a href="https://spam.example/">kauf was</a></p></section>
</main><aside><a href="https://sidebar.example/">Blogroll</a></aside></body></html>""".encode()


def look(urls_, cache, now=NOW):
    async def go():
        async with Fetcher(FETCH) as fetcher:
            return await page_links(urls_, fetcher, cache, now=now)
    return asyncio.run(go())


def test_the_page_is_asked_once_and_remembered(feed_server):
    url = feed_server.route("/2026/11/remote/", respond(wordpress_page(CALL), content_type=HTML_TYPE))
    cache = MemoryCache()
    expected = (CALL + "?utm_source=x", feed_server.url("/ueber-uns/"))
    assert look([url, url], cache) == {url: expected}
    assert feed_server.hits("/2026/11/remote/") == 1  # the same URL twice: one request
    seen = feed_server.requests[-1]
    assert seen.headers["accept"] == HTML_ACCEPT and seen.headers["user-agent"] == "blogparade-tests"
    assert cache.lookups[url] == PageLookup(url, NOW, expected)
    # A week later: remembered, not asked again.
    assert look([url], cache, NOW + timedelta(days=7)) == {url: expected}
    assert feed_server.hits("/2026/11/remote/") == 1


def test_failures_are_retried_at_most_once_a_day(feed_server):
    url = feed_server.route("/flaky/", sequence(status(503), respond(wordpress_page(CALL),
                                                                     content_type=HTML_TYPE)))
    cache = MemoryCache()
    assert look([url], cache) == {}
    assert cache.lookups[url].error == "http: 503 Service Unavailable" and not cache.lookups[url].ok
    assert look([url], cache, NOW + timedelta(hours=23)) == {}  # not yet
    assert feed_server.hits("/flaky/") == 1
    assert CALL + "?utm_source=x" in look([url], cache, NOW + timedelta(days=1))[url]
    assert feed_server.hits("/flaky/") == 2 and cache.lookups[url].ok


def test_unreachable_pages_are_remembered_as_errors(feed_server):
    cache = MemoryCache()
    dead = "http://127.0.0.1:9/post/"  # nothing listens on the discard port
    assert look([dead, "not a url"], cache) == {}
    assert cache.lookups[dead].error.startswith("connection:")
    assert cache.lookups["not a url"].error.startswith("invalid-url:")


def test_links_resolve_against_the_final_url_and_base_href(feed_server):
    page = b"""<html><head><base href="/blog/"></head><body><article>
<a href="eintrag/">relativ</a> <a href="//other.example/x">ohne Schema</a></article></body></html>"""
    feed_server.route("/neu/post.html", respond(page, content_type=HTML_TYPE))
    url = feed_server.route("/alt/post.html", redirect("/neu/post.html", 301))
    assert look([url], MemoryCache()) == {url: (feed_server.url("/blog/eintrag/"), "http://other.example/x")}


def test_what_is_not_html_answers_without_links(feed_server):
    url = feed_server.route("/paper.pdf", respond(b"%PDF-1.4 <a href='http://x.example/'>",
                                                  content_type="application/pdf"))
    cache = MemoryCache()
    assert look([url], cache) == {url: ()}
    assert cache.lookups[url].ok  # an answer, so never asked again


def test_one_host_is_asked_one_page_at_a_time(feed_server):
    page = respond(b"<p>x</p>", content_type=HTML_TYPE, delay=0.3)
    pages = [feed_server.route(f"/p{n}/", page) for n in range(3)]
    begin = time.monotonic()
    assert len(look(pages, MemoryCache())) == 3
    assert time.monotonic() - begin >= 0.9  # three answers of 0.3 s, one after the other


def test_the_article_body_is_preferred_to_the_page():
    call = "https://host.example/call/"
    html = wordpress_page(call)
    links = extract_links(html, "https://blog.example/2026/11/remote/", HTML_TYPE)
    # .entry-content: the post's text; not the footer with its categories, nor anything else
    assert links == (call + "?utm_source=x", "https://blog.example/ueber-uns/")
    # Blogger marks its posts .post-body; Hugo only <article>; a bare page has neither.
    blogger = b'<div class="post-body entry-content"><a href="/a">a</a></div><a href="/b">b</a>'
    assert extract_links(blogger, "https://b.example/") == ("https://b.example/a",)
    hugo = b"<main><article><a href='/a'>a</a></article><section class='comments'><a href='/c'>c</a></section></main>"
    assert extract_links(hugo, "https://h.example/") == ("https://h.example/a",)
    bare = b"<p><a href='/a'>a</a></p><div id='comments'><a href='/c'>c</a></div><nav><a href='/n'>n</a></nav>"
    assert extract_links(bare, "https://p.example/") == ("https://p.example/a",)


def test_the_charset_of_the_header_is_used():
    html = '<article><a href="/über/">ü</a></article>'.encode("latin-1")
    assert extract_links(html, "https://x.example/", "text/html; charset=ISO-8859-1") == (
        "https://x.example/über/",)


def test_a_summary_post_joins_the_parade_through_its_page(feed_server):
    """The whole way: a feed with summaries only, the link to the call only on the page."""
    page_url = feed_server.route("/2026/11/remote/", respond(wordpress_page(CALL), content_type=HTML_TYPE))
    summary = post("anna", "", at(12), url=page_url, html="<p>Wie wir arbeiten […]</p>")
    full = post("bernd", "/voll/", at(13), links=(CALL,))
    cache = MemoryCache()

    async def go(today):
        async with Fetcher(FETCH) as fetcher:
            return await parade_page_links([PARADE], [summary, full], fetcher, cache, today=today,
                                           grace_days=14, now=NOW)

    found = asyncio.run(go(date(2026, 11, 22)))
    assert found == {summary.id: cache.lookups[page_url].links}
    assert contributions(PARADE, [summary, full], page_links=found) == [summary, full]
    # The build asks nobody: it reads what was remembered.
    assert remembered_page_links([summary, full], cache) == found
    assert by_post([summary, full], {page_url: ("x",)}) == {summary.id: ("x",)}
    # Long after the parade, its pages are not looked at any more.
    cache.lookups.clear()
    assert asyncio.run(go(date(2027, 1, 31))) == {}
    assert feed_server.hits("/2026/11/remote/") == 1


# --- late contributions (issue 10) --------------------------------------------------------------


def test_a_parade_taking_late_contributions_takes_posts_after_its_end():
    from dataclasses import replace

    from aggregator.parades.select import followed_parade

    late = replace(PARADE, late=True)
    after = post("anna", "/nach-dem-ende/", PARADE.window_end + timedelta(days=2), links=(CALL,))
    assert contributions(late, [after]) == [after]
    assert contributions(PARADE, [after]) == []
    closed = PARADE.end + timedelta(days=40)
    assert followed_parade(late, closed, grace_days=14)  # no roundup yet: still followed
    assert not followed_parade(PARADE, closed, grace_days=14)
    assert not followed_parade(replace(late, roundup_date=PARADE.end + timedelta(days=3)), closed, 14)


def test_a_link_to_the_calls_amp_version_counts():
    amp = post("anna", "/vom-handy/", at(6), links=(CALL + "amp/",))
    other = post("bernd", "/anderes/", at(6), links=(CALL + "ampel/",))
    assert urls(contributions(PARADE, [amp, other])) == [amp.url]
