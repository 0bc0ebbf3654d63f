"""`blogparade join` as a contributor runs it, against WordPress-shaped blogs on 127.0.0.1.

The comment feeds below are written in the shapes of WordPress's own templates
(wp-includes/feed-rss2-comments.php and feed-atom-comments.php): the site-wide feed titled
"Comments for <blog>" and the per-post one "Comments on: <post>" (RSS) or "Comments on <post>"
(Atom), translated with the blog's language; entries titled "By: <name>" (one post) or
"Comment on <post> by <name>" (the site), each linking to `<permalink>#comment-N`; Atom entries
carrying `<thr:in-reply-to>`.  A comment feed must never join as a blog: the refusal names the
blog's post feed, exits non-zero, has no traceback and writes nothing.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import pytest

from aggregator.feeds.discover import comment_feed_reason
from aggregator.feeds.parse import parse_feed
from tests.acceptance_helpers import (
    explain,
    invoke,
    new_site,
    no_traceback,
    ok,
    participant_files,
    participants_dir,
)
from tests.feedmaker import Item, atom, rss
from tests.servers import ATOM_TYPE, HTML_TYPE, RSS_TYPE, respond, route_documents, status
from tests.wordpress import LOCALES as WORDPRESS_LOCALES
from tests.wordpress import Blog as WordPressBlog
from tests.wordpress import Comment as WordPressComment
from tests.wordpress import Post as WordPressPost
from tests.wordpress import pingback

DATE = "Mon, 02 Nov 2026 10:00:00 +0000"
ISO = "2026-11-02T10:00:00Z"

# ------------------------------------------------------------------------ WordPress's shapes


@dataclass(frozen=True)
class Said:
    """One comment: who, on which post (its title and permalink), and its number."""

    name: str
    post_title: str
    permalink: str
    number: int
    post_id: int = 5


def _guid(home: str, said: Said) -> str:
    return f"{home}?p={said.post_id}#comment-{said.number}"


def wp_rss_comments(title: str, link: str, self_url: str, comments: list[Said], home: str,
                    entry_title) -> bytes:  # noqa: ANN001
    """feed-rss2-comments.php: `title` and `link` are the channel's (the site, or one post)."""
    items = "".join(
        f"""
	<item>
		<title>{escape(entry_title(said))}</title>
		<link>{escape(said.permalink)}#comment-{said.number}</link>
		<dc:creator><![CDATA[{said.name}]]></dc:creator>
		<pubDate>{DATE}</pubDate>
		<guid isPermaLink="false">{escape(_guid(home, said))}</guid>
		<description><![CDATA[Schöner Beitrag, {said.name} hier.]]></description>
		<content:encoded><![CDATA[<p>Schöner Beitrag, {said.name} hier.</p>
]]></content:encoded>
	</item>"""
        for said in comments
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
	>
<channel>
	<title>{escape(title)}</title>
	<atom:link href="{escape(self_url)}" rel="self" type="application/rss+xml" />
	<link>{escape(link)}</link>
	<description>Ein Blog über Werkstattdinge</description>
	<lastBuildDate>{DATE}</lastBuildDate>
	<sy:updatePeriod>
	hourly	</sy:updatePeriod>
	<sy:updateFrequency>
	1	</sy:updateFrequency>
	<generator>https://wordpress.org/?v=6.6.2</generator>{items}
</channel>
</rss>
""".encode()


def wp_atom_comments(title: str, alternate: str, self_url: str, comments: list[Said], home: str,
                     entry_title, language: str = "en-US") -> bytes:  # noqa: ANN001
    """feed-atom-comments.php: every comment replies to its post (top level) here."""
    entries = "".join(
        f"""
	<entry>
		<title>
		{escape(entry_title(said))}		</title>
		<link rel="alternate" href="{escape(said.permalink)}#comment-{said.number}" type="text/html" />

		<author>
			<name>{escape(said.name)}</name>
			<uri>https://{said.name.lower()}.example/</uri>
		</author>

		<id>{escape(_guid(home, said))}</id>
		<updated>{ISO}</updated>
		<published>{ISO}</published>

		<content type="html" xml:base="{escape(said.permalink)}#comment-{said.number}"><![CDATA[<p>Danke, {said.name}.</p>
]]></content>

		<thr:in-reply-to ref="{escape(home)}?p={said.post_id}" href="{escape(said.permalink)}" type="text/html" />
	</entry>"""
        for said in comments
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?><feed
	xmlns="http://www.w3.org/2005/Atom"
	xml:lang="{language}"
	xmlns:thr="http://purl.org/syndication/thread/1.0"
	>
	<title type="text">{escape(title)}</title>
	<subtitle type="text">Ein Blog über Werkstattdinge</subtitle>

	<updated>{ISO}</updated>

	<link rel="alternate" type="text/html" href="{escape(alternate)}" />
	<link rel="self" type="application/atom+xml" href="{escape(self_url)}" />
	<id>{escape(self_url)}</id>
{entries}
</feed>
""".encode()


def by(word: str):  # noqa: ANN201
    """One post's entries: "By: Anna", "Von: Anna"."""
    return lambda said: f"{word}: {said.name}"


def comment_on(comment: str, by_word: str):  # noqa: ANN201
    """The site's entries: "Comment on Post by Anna", "Kommentar zu Post von Anna"."""
    return lambda said: f"{comment} {said.post_title} {by_word} {said.name}"


def wp_home_page(name: str, home: str, post: str | None = None) -> bytes:
    """A WordPress page's <head>: the post feed, the comments feed, and on a post's page its own
    comments feed (WordPress titles them "<blog> » Feed", "<blog> » Kommentar-Feed")."""
    links = [
        f'<link rel="alternate" type="application/rss+xml" title="{name} &raquo; Feed" href="{home}feed/" />',
        f'<link rel="alternate" type="application/rss+xml" title="{name} &raquo; Kommentar-Feed" '
        f'href="{home}comments/feed/" />',
    ]
    if post:
        links.append(f'<link rel="alternate" type="application/rss+xml" '
                     f'title="{name} &raquo; Werkbank-Kommentar-Feed" href="{post}feed/" />')
    head = "\n".join(links)
    return (f'<!DOCTYPE html><html lang="de-DE"><head><meta charset="UTF-8"><title>{name}</title>\n'
            f"{head}\n</head><body><h1>{name}</h1></body></html>").encode()


@dataclass
class Blog:
    """A WordPress blog served under /<slug>/ on the loopback server."""

    slug: str
    name: str
    home: str
    post: str  # the permalink of its one commented post
    comments: list[Said]

    @property
    def post_feed(self) -> str:
        return f"{self.home}feed/"


def wordpress_blog(server, slug: str = "werkstatt", name: str = "Jörgs Werkstatt") -> Blog:  # noqa: ANN001
    """Home page, post page and post feed (RSS and Atom) of a WordPress blog; comment feeds are
    routed by each test in the shape it needs."""
    home = server.url(f"/{slug}/")
    post = f"{home}2026/11/werkbank/"
    comments = [Said("Anna", "Werkbank", post, 12), Said("Bert", "Werkbank", post, 13)]
    blog = Blog(slug, name, home, post, comments)
    items = [Item(f"{home}?p=5", "Werkbank", post, body="<p>Eine neue Werkbank.</p>", author="Jörg",
                  comments_feed=f"{post}feed/", comment_count=2)]
    server.route(f"/{slug}/", respond(wp_home_page(name, home), content_type=HTML_TYPE))
    server.route(f"/{slug}/2026/11/werkbank/", respond(wp_home_page(name, home, post), content_type=HTML_TYPE))
    server.route(f"/{slug}/feed/", respond(rss(items, title=name, link=home).encode(), content_type=RSS_TYPE))
    server.route(f"/{slug}/feed/atom/", respond(atom(items, title=name, link=home).encode(),
                                                content_type=ATOM_TYPE))
    return blog


# ---------------------------------------------------------------------------------- helpers


@pytest.fixture
def site(tmp_path) -> Path:
    return new_site(tmp_path / "site")


def refused(site: Path, url: str, *needles: str, exit_code: int = 1) -> str:
    """`join URL` fails cleanly: exit 1 (2: the URL could never join), no traceback, nothing
    written; its one-line message."""
    before = participant_files(site)
    result = invoke(site, "join", url)
    assert result.exit_code == exit_code, explain(result)
    no_traceback(result)
    assert participant_files(site) == before, "join wrote a file although it refused"
    message = result.output.strip()
    assert message.startswith("Error: ") and "\n" not in message, explain(result)
    for needle in needles:
        assert needle in message, explain(result)
    return message


def joined(site: Path, url: str, *args: str) -> dict:
    result = ok(invoke(site, "join", url, *args))
    [written] = [line.removeprefix("Wrote ") for line in result.output.splitlines()
                 if line.startswith("Wrote ")]
    return tomllib.loads(Path(written).read_text(encoding="utf-8"))


# ------------------------------------------------------------------ comment feeds are refused

SITE_WIDE = [
    # (language, channel title, entry title) as WordPress writes them for the whole site
    ("de", "Kommentare für {blog}", by("Von")),  # the entries as some blogs' feeds title them
    ("de", "Kommentare für {blog}", comment_on("Kommentar zu", "von")),
    ("en", "Comments for {blog}", by("By")),
    ("en", "Comments for {blog}", comment_on("Comment on", "by")),
]


@pytest.mark.parametrize("language, title, entry_title", SITE_WIDE)
@pytest.mark.parametrize("form", ["rss", "atom"])
def test_a_site_wide_comment_feed_is_refused_naming_the_post_feed(site, feed_server, form, language,
                                                                   title, entry_title):
    blog = wordpress_blog(feed_server)
    path = "/werkstatt/comments/feed/" + ("atom/" if form == "atom" else "")
    url = feed_server.url(path)
    channel = title.format(blog=blog.name)
    if form == "rss":
        body = wp_rss_comments(channel, blog.home, url, blog.comments, blog.home, entry_title)
    else:
        body = wp_atom_comments(channel, blog.home, url, blog.comments, blog.home, entry_title,
                                language=language)
    feed_server.route(path, respond(body, content_type=ATOM_TYPE if form == "atom" else RSS_TYPE))
    message = refused(site, url)
    assert message == (f"Error: {url} is the comment feed of {blog.home}; "
                       f"join its post feed instead: blogparade join {blog.post_feed}")


@pytest.mark.parametrize("language, title, entry_title", SITE_WIDE)
def test_the_same_feeds_at_an_address_that_says_nothing_are_refused_too(site, feed_server, language,
                                                                         title, entry_title):
    """Copied, proxied or renamed (FeedBurner, a CDN): the feed itself tells."""
    blog = wordpress_blog(feed_server)
    url = feed_server.url("/werkstatt-extra.xml")
    body = wp_rss_comments(title.format(blog=blog.name), blog.home, url, blog.comments, blog.home,
                           entry_title)
    feed_server.route("/werkstatt-extra.xml", respond(body))
    refused(site, url, f"is the comment feed of {blog.home}", f"blogparade join {blog.post_feed}")


@pytest.mark.parametrize("title, entry_title", [
    ("Kommentare zu: Werkbank", by("Von")),
    ("Comments on: Werkbank", by("By")),
])
def test_one_posts_rss_comment_feed_is_refused(site, feed_server, title, entry_title):
    """`<permalink>/feed/`: the channel links to the post, whose page announces the blog's feeds."""
    blog = wordpress_blog(feed_server)
    url = f"{blog.post}feed/"
    body = wp_rss_comments(title, blog.post, url, blog.comments, blog.home, entry_title)
    feed_server.route("/werkstatt/2026/11/werkbank/feed/", respond(body))
    message = refused(site, url)
    assert message == (f"Error: {url} is the comment feed of {blog.post}; "
                       f"join its post feed instead: blogparade join {blog.post_feed}")


@pytest.mark.parametrize("title, entry_title", [
    ("Kommentare zu Werkbank", by("Von")),
    ("Comments on Werkbank", by("By")),
])
def test_one_posts_atom_comment_feed_is_refused(site, feed_server, title, entry_title):
    """`<permalink>/feed/atom/`: its alternate link is the post's `#comments`."""
    blog = wordpress_blog(feed_server)
    url = f"{blog.post}feed/atom/"
    body = wp_atom_comments(title, f"{blog.post}#comments", url, blog.comments, blog.home, entry_title)
    feed_server.route("/werkstatt/2026/11/werkbank/feed/atom/", respond(body, content_type=ATOM_TYPE))
    refused(site, url, f"is the comment feed of {blog.post};", f"blogparade join {blog.post_feed}")


def test_a_feed_whose_every_entry_replies_to_something_is_refused(site, feed_server):
    """No telling title, no telling address, no telling entry titles: thr:in-reply-to says it."""
    blog = wordpress_blog(feed_server)
    url = feed_server.url("/werkstatt/stimmen.xml")
    body = wp_atom_comments("Stimmen aus der Werkstatt", blog.home, url, blog.comments, blog.home,
                            lambda said: f"Gedanken zur {said.post_title}")
    # and their links are the post's, without "#comment-N"
    body = body.replace(b"#comment-12", b"").replace(b"#comment-13", b"")
    feed_server.route("/werkstatt/stimmen.xml", respond(body, content_type=ATOM_TYPE))
    parsed = parse_feed(body, {}, url)
    assert all(entry.in_reply_to for entry in parsed.entries)
    assert all("#" not in entry.url for entry in parsed.entries)
    refused(site, url, f"is the comment feed of {blog.home}", f"blogparade join {blog.post_feed}")


def test_an_empty_comment_feed_is_refused_by_its_title(site, feed_server):
    """A post nobody has commented on yet: no entries, only WordPress's title."""
    blog = wordpress_blog(feed_server)
    url = feed_server.url("/werkstatt/leer.xml")
    body = wp_atom_comments("Kommentare zu Werkbank", f"{blog.post}#comments", url, [], blog.home, by("Von"))
    feed_server.route("/werkstatt/leer.xml", respond(body, content_type=ATOM_TYPE))
    refused(site, url, f"blogparade join {blog.post_feed}")


def test_a_comment_feed_whose_blog_has_no_findable_post_feed_names_the_home_page(site, feed_server):
    feed_server.routes.clear()
    home = feed_server.route("/stumm/", respond(b"<html><body>Nur Text</body></html>", content_type=HTML_TYPE))
    url = feed_server.url("/stumm/comments/feed/")
    post = f"{home}eintrag/"
    body = wp_rss_comments("Kommentare für Stumm", home, url, [Said("Anna", "Eintrag", post, 3)], home,
                           by("Von"))
    feed_server.route("/stumm/comments/feed/", respond(body))
    message = refused(site, url, f"{url} is the comment feed of {home}", f"none was found at {home}")
    assert "blogparade join http" not in message  # no feed named that is not the blog's


def test_a_comment_feed_whose_post_feed_is_on_the_site_says_so(site, feed_server):
    blog = wordpress_blog(feed_server)
    joined(site, blog.post_feed)
    url = feed_server.url("/werkstatt/comments/feed/")
    feed_server.route("/werkstatt/comments/feed/", respond(wp_rss_comments(
        f"Kommentare für {blog.name}", blog.home, url, blog.comments, blog.home, by("Von"))))
    refused(site, url, f"whose post feed {blog.post_feed} is already on the site as 'joergs-werkstatt'")


def test_opml_import_refuses_a_comment_feed_like_join(site, feed_server):
    blog = wordpress_blog(feed_server)
    url = feed_server.url("/werkstatt/comments/feed/")
    feed_server.route("/werkstatt/comments/feed/", respond(wp_rss_comments(
        f"Comments for {blog.name}", blog.home, url, blog.comments, blog.home, by("By"))))
    roll = site / "roll.opml"
    roll.write_text(f'<?xml version="1.0"?><opml version="2.0"><head/><body>'
                    f'<outline type="rss" text="Kommentare" xmlUrl="{url}"/></body></opml>')
    result = invoke(site, "opml", "import", str(roll))
    assert result.exit_code == 1, explain(result)
    assert f"join its post feed instead: blogparade join {blog.post_feed}" in result.output
    assert list(participants_dir(site).glob("*.toml")) == []


def test_opml_import_joins_a_wordpress_link_roll_by_home_pages_and_names_repeats(site, feed_server):
    """WordPress's link manager exports its blog roll (wp-links-opml.php) with an empty xmlUrl
    and the blog's htmlUrl: every outline was skipped ("no feeds in this OPML file").  A blog
    listed twice was taken once, silently."""
    blog = wordpress_blog(feed_server)
    again = blog.home.replace("http://", "HTTP://")
    roll = site / "links.opml"
    roll.write_text(f'''<?xml version="1.0"?>
<opml version="1.0"><head><title>Links for Jörg</title></head><body>
<outline type="category" title="Blogroll">
<outline text="Jörgs Werkstatt" type="link" xmlUrl="" htmlUrl="{blog.home}" updated=""/>
<outline text="Nochmal" type="link" xmlUrl="" htmlUrl="{again}" updated=""/>
</outline>
<outline text="Weitere Liste" type="include" url="{feed_server.url('/other.opml')}"/>
</body></opml>''')
    result = invoke(site, "opml", "import", str(roll))
    assert result.exit_code == 0, explain(result)
    written = tomllib.loads((participants_dir(site) / "joergs-werkstatt.toml").read_text())
    assert written["feed"] == blog.post_feed and written["name"] == "Jörgs Werkstatt"
    assert f"listed again: {again}: the same blog as {blog.home}, taken once" in result.output
    assert "1 of 1 blogs joined." in result.output
    assert feed_server.hits("/other.opml") == 0  # another file's list is not a blog


def test_an_exported_roll_imported_elsewhere_keeps_departments_and_display_and_again_is_no_failure(
    site, feed_server, tmp_path
):
    blog = wordpress_blog(feed_server)
    ok(invoke(site, "join", blog.home, "--department", "Werkstatt"))
    [path] = participants_dir(site).glob("*.toml")
    path.write_text(path.read_text(encoding="utf-8") + 'display = "full"\n', encoding="utf-8")
    roll = tmp_path / "roll.opml"
    ok(invoke(site, "opml", "export", str(roll)))
    other = new_site(tmp_path / "other")
    ok(invoke(other, "opml", "import", str(roll)))
    [moved] = participants_dir(other).glob("*.toml")
    written = tomllib.loads(moved.read_text(encoding="utf-8"))
    assert (written["department"], written["display"]) == ("Werkstatt", "full")
    again = invoke(other, "opml", "import", str(roll))  # run twice: nothing failed
    assert again.exit_code == 0, explain(again)
    assert "0 of 1 blogs joined, 1 already on the site." in again.output


# ----------------------------------------------------------- pages that announce comment feeds


def test_a_home_page_announcing_only_its_comment_feed_joins_the_feed_at_the_usual_path(site, feed_server):
    blog = wordpress_blog(feed_server)
    feed_server.route("/werkstatt/comments/feed/", respond(wp_rss_comments(
        f"Kommentare für {blog.name}", blog.home, feed_server.url("/werkstatt/comments/feed/"),
        blog.comments, blog.home, by("Von"))))
    only = (f'<html><head><link rel="alternate" type="application/rss+xml" title="{blog.name} &raquo; '
            f'Kommentar-Feed" href="comments/feed/"></head></html>')
    feed_server.route("/werkstatt/", respond(only.encode(), content_type=HTML_TYPE))
    written = joined(site, blog.home)
    assert written["feed"] == blog.post_feed and written["author"] == "Jörg"
    assert feed_server.hits("/werkstatt/comments/feed/") == 0  # never even fetched


def test_a_home_page_announcing_only_a_comment_feed_it_does_not_name_so_fails_clearly(site, feed_server):
    """The link's title says nothing; the feed, fetched, is comments: not taken, and no post feed
    at the usual paths either: a clear error that says why."""
    feed_server.routes.clear()
    home = feed_server.url("/nur-kommentare/")
    url = feed_server.url("/nur-kommentare/stimmen.xml")
    feed_server.route("/nur-kommentare/stimmen.xml", respond(wp_rss_comments(
        "Kommentare für Nur Kommentare", home, url, [Said("Anna", "Eintrag", f"{home}eintrag/", 3)],
        home, by("Von"))))
    page = '<html><head><link rel="alternate" type="application/rss+xml" title="Feed" href="stimmen.xml"></head></html>'
    feed_server.route("/nur-kommentare/", respond(page.encode(), content_type=HTML_TYPE))
    refused(site, home, f"no usable feed found at {home}", f"{url} is a comment feed, not a feed of posts")


def test_a_site_whose_root_answers_404_joins_by_its_feed_at_a_usual_path(site, feed_server):
    # A static site without an index page (its posts under /posts/): join gave up on the 404.
    feed_server.routes.clear()
    home = feed_server.url("/")
    feed_server.route("/feed.xml", respond(rss([Item("p1", "Erster", home + "posts/erster/")], "Otto in Ottensen",
                                                home).encode(), content_type=RSS_TYPE))  # fmt: skip
    assert joined(site, home)["feed"] == feed_server.url("/feed.xml")


def test_a_missing_page_that_is_no_sites_root_is_refused_with_a_hint(site, feed_server):
    feed_server.routes.clear()
    feed_server.route("/feed.xml", respond(rss([Item("p1", "Erster", feed_server.url("/p1"))], "Otto").encode(),
                                           content_type=RSS_TYPE))  # fmt: skip
    typo = feed_server.url("/blgo/")  # its root's feed may be another blog's: not guessed
    refused(site, typo, f"cannot fetch {typo}: http: 404 Not Found: check the address, or give the feed's own")
    assert feed_server.hits("/feed.xml") == 0


def test_a_blog_named_in_another_script_or_in_emoji_gets_a_file_name_of_its_own():
    from aggregator.editors.join import blog_slug

    assert blog_slug("Лена пишет", "https://blogs.intern/lena/") == "lena-pishet"  # its name, in Latin letters
    assert blog_slug("☕🚲", "https://www.max-radelt.example/blog/") == "max-radelt-example-blog"
    assert blog_slug("☕", "https://medium.com/@max") == "medium-com-max"  # a shared host: its path too
    assert blog_slug("Blog", "https://joomla.example/") == "blog"  # a blog named so is "blog"
    assert blog_slug("Jörgs Werkstatt", "https://j.example/") == "joergs-werkstatt"


def test_join_names_the_other_feeds_a_page_names(site, feed_server):
    # A home page naming its podcast's feed first and its posts' second: the podcast was joined,
    # and the other never mentioned.
    feed_server.routes.clear()
    home = feed_server.url("/ina/")
    for path, title in (("/ina/podcast.xml", "Ina liest – Der Podcast"), ("/ina/feed/", "Ina liest")):
        feed_server.route(path, respond(rss([Item(path, "Folge 1", home + "folge-1/")], title, home).encode(),
                                        content_type=RSS_TYPE))  # fmt: skip
    page = ('<html><head><link rel="alternate" type="application/rss+xml" href="podcast.xml">'
            '<link rel="alternate" type="application/rss+xml" href="feed/"></head></html>')
    feed_server.route("/ina/", respond(page.encode(), content_type=HTML_TYPE))
    result = ok(invoke(site, "join", home))
    assert f"The page names 1 other feed too: {feed_server.url('/ina/feed/')}. To take one of those instead, " \
           "delete " in result.output, result.output


def test_join_names_no_other_feed_for_the_same_feed_in_another_format(site, feed_server):
    # Blogger's pages name its Atom feed and the same as RSS (?alt=rss): not another feed.
    feed_server.routes.clear()
    home = feed_server.url("/blogger/")
    feed_server.route("/blogger/feeds/posts/default", respond(rss([Item("p", "Eins", home + "eins.html")], "B", home).encode(),
                                                              content_type=RSS_TYPE))  # fmt: skip
    page = ('<html><head><link rel="alternate" type="application/atom+xml" href="feeds/posts/default">'
            '<link rel="alternate" type="application/rss+xml" href="feeds/posts/default?alt=rss"></head></html>')
    feed_server.route("/blogger/", respond(page.encode(), content_type=HTML_TYPE))
    assert "other feed" not in ok(invoke(site, "join", home)).output


def test_from_a_posts_page_the_blogs_post_feed_is_joined_not_the_posts_comments(site, feed_server):
    blog = wordpress_blog(feed_server)
    written = joined(site, blog.post)
    assert written["feed"] == blog.post_feed


@pytest.mark.parametrize("suffix", ["", "?utm_source=mastodon&utm_medium=social"])
def test_from_a_posts_address_the_home_is_the_blogs_not_the_posts(site, feed_server, suffix):
    # What a contributor copies from the browser: their parade post, a share button's query and
    # all.  The blog roll links the home, and a parade's contribution is told a joined blog's by
    # the home's path: a post's address there would make every other post a stranger's.
    blog = wordpress_blog(feed_server)
    written = joined(site, blog.post + suffix)
    assert written["home"] == blog.home and written["feed"] == blog.post_feed


def test_a_folder_its_posts_are_under_stays_the_home_whatever_the_feed_links(site, feed_server):
    # A company site's news section (TYPO3's news extension links its channel to the site's
    # root): the section is the blog, or a second section of the site could never join.
    home = feed_server.url("/aktuelles/")
    items = [Item("1", "Neues Werk", f"{home}artikel/neues-werk/"),
             Item("2", "Tag der offenen Tür", f"{home}artikel/tag-der-offenen-tuer/")]
    feed_server.route("/aktuelles/rss.xml", respond(rss(items, "Aktuelles", feed_server.url("/")).encode()))
    page = '<html><head><link rel="alternate" type="application/rss+xml" title="RSS 2.0" href="rss.xml"></head></html>'
    feed_server.route("/aktuelles/", respond(page.encode(), content_type=HTML_TYPE))
    assert joined(site, home)["home"] == home


def test_a_blog_whose_name_sounds_like_comments_still_joins(site, feed_server):
    """Titles a blog may well have: only WordPress's comment-feed forms, with comments in them
    (or no entries at all), are comment feeds."""
    items = [Item("p1", "Über Schriften", "https://design.example/schriften/", author="Lea")]
    url = feed_server.route("/design/feed/", respond(
        rss(items, title="Comments on Design", link=feed_server.url("/design/")).encode()))
    assert joined(site, url)["name"] == "Comments on Design"
    zeit = [Item("z1", "Die Woche", "https://zeit.example/woche/", author="Kai")]
    feed_server.route("/zeit/feed/", respond(
        rss(zeit, title="Kommentare zur Zeit", link=feed_server.url("/zeit/")).encode()))
    page = ('<html><head><link rel="alternate" type="application/rss+xml" '
            'title="Kommentare zur Zeit &raquo; Feed" href="feed/"></head></html>')
    feed_server.route("/zeit/", respond(page.encode(), content_type=HTML_TYPE))
    # Its announced feed's title sounds like a comment feed's: the usual path finds it anyway.
    assert joined(site, feed_server.url("/zeit/"))["feed"] == feed_server.url("/zeit/feed/")


@pytest.mark.parametrize("title", [
    "Commentaires sur : Établi", "Commentaires sur\u00a0: Établi", "Comentarios en: Banco",
    "Comentários sobre: Bancada", "Komentarze do: Warsztat", "Reacties op: Werkbank",
    "Commenti a: Banco", "Kommentarer til: Arbeidsbenk",
])
def test_comment_feed_titles_in_the_languages_wordpress_ships(title):
    body = wp_rss_comments(title, "https://blog.example/post/", "https://blog.example/post/feed/",
                           [], "https://blog.example/", by("By"))
    assert comment_feed_reason("https://blog.example/x.xml", parse_feed(body, {}, "https://blog.example/x.xml"))


@pytest.mark.parametrize("url", [
    "https://blog.example/comments/feed/", "https://blog.example/comments/feed/atom/",
    "https://blog.example/?feed=comments-rss2", "https://blog.example/?feed=comments-atom",
    "https://x.blogspot.com/feeds/comments/default", "https://x.blogspot.com/feeds/123/comments/default",
])
def test_comment_feed_addresses(url):
    feed = parse_feed(rss([Item("p", "Ein Beitrag", "https://blog.example/p/")]).encode(), {}, url)
    assert comment_feed_reason(url, feed)
    assert comment_feed_reason("https://blog.example/feed/", feed) is None


# ------------------------------------------------------------------------ a blog joins once


def test_a_second_join_of_the_same_blog_is_refused_however_it_is_reached(site, feed_server):
    blog = wordpress_blog(feed_server)
    first = joined(site, blog.post_feed)
    assert first["home"] == blog.home
    feed_server.route("/werkstatt/index.html", respond(wp_home_page(blog.name, blog.home), content_type=HTML_TYPE))
    for again in (
        blog.home,  # its home page
        blog.home.replace("/werkstatt/", "/werkstatt/index.html"),  # another spelling of it
        f"{blog.home}feed/atom/",  # another feed of the same blog, same home
        blog.post,  # a post's page, which announces the same feed
    ):
        refused(site, again, "already on the site as 'joergs-werkstatt'")
    assert len(list(participants_dir(site).glob("*.toml"))) == 1


def test_another_feed_of_a_blog_on_the_site_is_refused_naming_the_blog(site, feed_server):
    blog = wordpress_blog(feed_server)
    joined(site, blog.home)
    refused(site, f"{blog.home}feed/atom/",
            f"is a feed of {blog.home}, which is already on the site as 'joergs-werkstatt'")


def test_an_authors_feed_of_a_blog_on_the_site_joins_beside_it(site, feed_server):
    # A company's blog roll: the company's blog, and each employee's author feed on it.
    blog = wordpress_blog(feed_server)
    joined(site, blog.home)
    items = [Item(f"{blog.home}?p=5", "Werkbank", blog.post, body="<p>Eine neue Werkbank.</p>", author="Anna")]
    author_feed = feed_server.route("/werkstatt/author/anna/feed/",
                                    respond(rss(items, title="Anna", link=blog.home).encode(), content_type=RSS_TYPE))
    assert joined(site, author_feed)["feed"] == author_feed
    assert len(list(participants_dir(site).glob("*.toml"))) == 2


def test_two_blogs_in_folders_of_one_host_both_join(site, feed_server):
    anna = wordpress_blog(feed_server, "anna", "Annas Blog")
    bert = wordpress_blog(feed_server, "bert", "Berts Blog")
    assert joined(site, anna.home)["home"] == anna.home
    assert joined(site, bert.home)["home"] == bert.home


# ---------------------------------------------------------------- the author, and what it says


def test_an_atom_blog_naming_its_author_only_at_the_top_names_that_author(site, feed_server):
    body = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">
  <title>Lenas Notizen</title>
  <link rel="alternate" href="{feed_server.url('/lena/')}"/>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>{ISO}</updated>
  <author><name>Lena Beispiel</name><uri>https://lena.example/</uri></author>
  <entry><title>Erster Eintrag</title><id>urn:lena:1</id>
    <link rel="alternate" href="{feed_server.url('/lena/1/')}"/><updated>{ISO}</updated>
    <content type="html">&lt;p&gt;Hallo&lt;/p&gt;</content></entry>
  <entry><title>Zweiter Eintrag</title><id>urn:lena:2</id>
    <link rel="alternate" href="{feed_server.url('/lena/2/')}"/><updated>{ISO}</updated>
    <content type="html">&lt;p&gt;Noch mal&lt;/p&gt;</content></entry>
</feed>""".encode()
    url = feed_server.route("/lena/atom.xml", respond(body, content_type=ATOM_TYPE))
    written = joined(site, url)
    assert written["author"] == "Lena Beispiel"


def test_an_rss_blog_naming_its_author_only_on_the_channel_names_that_author(site, feed_server):
    body = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
  <title>Kais Kram</title><link>{feed_server.url('/kai/')}</link><dc:creator>Kai Muster</dc:creator>
  <item><title>Ein Ding</title><link>{feed_server.url('/kai/1/')}</link><guid>kai-1</guid></item>
</channel></rss>""".encode()
    url = feed_server.route("/kai/feed/", respond(body))
    assert joined(site, url)["author"] == "Kai Muster"


def test_entries_authors_win_over_the_feeds(site, feed_server):
    items = [Item("1", "Eins", "https://x.example/1", author="Jörg"),
             Item("2", "Zwei", "https://x.example/2")]
    body = atom(items, title="Werkstatt GmbH", link=feed_server.url("/gmbh/")).replace(
        "<updated>", "<author><name>Werkstatt GmbH</name></author><updated>", 1)
    url = feed_server.route("/gmbh/atom.xml", respond(body.encode(), content_type=ATOM_TYPE))
    assert joined(site, url)["author"] == "Jörg"


def test_join_prints_what_it_detected_and_how_to_correct_it(site, feed_server):
    blog = wordpress_blog(feed_server)
    result = ok(invoke(site, "join", blog.home))
    lines = result.output.splitlines()
    detected = dict(line.strip().split(None, 1) for line in lines if line.startswith("  "))
    assert detected == {
        "name:": blog.name, "feed:": blog.post_feed, "home:": blog.home, "author:": "Jörg",
        "kind:": "employee", "language:": "de",
    }, result.output
    path = participants_dir(site) / "joergs-werkstatt.toml"
    assert f"Wrote {path}" in lines
    assert "--name" in lines[-1] and "--author" in lines[-1] and "--kind" in lines[-1]
    assert "Edit that file" in lines[-1]


def test_a_feed_that_names_no_language_takes_its_blogs_pages(site, feed_server):
    # Blogger's feeds name none: an English blog's posts were marked German on a German site
    # (screen readers, search stemming), though its page says lang="en".
    body = rss([Item("1", "One", "https://clara.example/1")], title="Clara", link=feed_server.url("/clara/"))
    feed = feed_server.route("/clara/feeds/posts/default", respond(body.replace("<language>de-DE</language>", "").encode()))
    page = (f'<!doctype html><html lang="en-GB"><head><link rel="alternate" type="application/rss+xml" '
            f'title="Clara" href="{feed}"></head><body><p>Hi</p></body></html>').encode()
    home = feed_server.route("/clara/", respond(page, content_type=HTML_TYPE))
    assert joined(site, home)["language"] == "en"


def test_a_medium_writers_feed_names_the_blog_after_the_writer(site, feed_server):
    body = rss([Item("1", "Eins", "https://medium.com/@mia/eins-1f2e")],
               title="Stories by Mia Muster on Medium", link=feed_server.url("/@mia/")).encode()
    url = feed_server.route("/feed/@mia", respond(body))
    assert joined(site, url)["name"] == "Mia Muster"


def test_join_says_when_it_found_no_author(site, feed_server):
    url = feed_server.route("/anonym/feed/", respond(
        rss([Item("1", "Eins", "https://anonym.example/1")], link=feed_server.url("/anonym/")).encode()))
    result = ok(invoke(site, "join", url, "--kind", "corporate"))
    assert "  author:     (none found)" in result.output.splitlines()
    assert "  kind:       corporate" in result.output.splitlines()


# -------------------------------------------- every feed tests/wordpress.py renders, each locale

def wordpress_model(home: str, language: str, comments: bool = True) -> WordPressBlog:
    when = datetime(2026, 11, 2, 10, tzinfo=UTC)
    said = [WordPressComment(11, "Anna", "Schön.", when), WordPressComment(12, "Bert", "Ja.", when, parent=11),
            pingback(13, "Ein anderer Blog", "https://anders.example/x/", "Siehe dort", when)]
    posts = [WordPressPost(5, "werkbank", "Werkbank", when, comments=said if comments else []),
             WordPressPost(6, "hobel", "Hobel", when)]
    return WordPressBlog(home, "Jörgs Werkstatt", posts, language=language)


@pytest.mark.parametrize("language", sorted(WORDPRESS_LOCALES))
@pytest.mark.parametrize("comments", [True, False], ids=["with-comments", "no-comments-yet"])
def test_every_wordpress_comment_feed_is_told_by_its_content_alone(language, comments):
    """At an address that says nothing, in every language tests/wordpress.py models, with
    comments and without: each comment feed is one, no post feed is."""
    blog = wordpress_model("https://werkstatt.example", language, comments)
    neutral = "https://cdn.example/x.xml"
    for kind, documents in blog.documents().items():
        for _, (body, _) in documents.items():
            feed = parse_feed(body, {}, neutral)
            reason = comment_feed_reason(neutral, feed)
            if kind.startswith("posts."):
                assert reason is None, (kind, feed.title, reason)
            else:
                assert reason, (kind, feed.title, [e.title for e in feed.entries])


@pytest.mark.parametrize("language", sorted(WORDPRESS_LOCALES))
def test_joining_any_wordpress_comment_feed_names_the_blogs_post_feed(site, feed_server, language):
    blog = wordpress_model(feed_server.url("/wp"), language)
    route_documents(feed_server, blog.documents())
    # Its home page, /wp without a slash as home_url() gives it, announces nothing here: the
    # usual paths find /wp/feed/.  Its posts' pages announce the blog's feeds, as WordPress's do.
    feed_server.route("/wp", respond(b"<html><body>Werkstatt</body></html>", content_type=HTML_TYPE))
    post = blog.posts[0]
    page = wp_home_page(blog.name, blog.home + "/", blog.permalink(post))
    feed_server.route(urlsplit(blog.permalink(post)).path, respond(page, content_type=HTML_TYPE))
    for url in (blog.comments_rss_url(), blog.comments_atom_url(), blog.post_comments_rss_url(post),
                blog.post_comments_atom_url(post)):
        refused(site, url, f"join its post feed instead: blogparade join {blog.posts_rss_url()}")
    assert joined(site, blog.posts_atom_url())["feed"] == blog.posts_atom_url()


# ------------------------------------------------------------- join writes what check accepts


def test_a_feeds_overlong_or_unsafe_title_and_author_are_cleaned_and_check_passes(site, feed_server):
    title, author = "Lange " * 60 + "\u2028Ende", "Bob " * 60
    items = [Item("1", "Eins", feed_server.url("/lang/1"), author=author)]
    url = feed_server.route("/lang/feed/", respond(rss(items, title, feed_server.url("/lang/")).encode()))
    written = joined(site, url)
    assert len(written["name"]) == 200 and written["name"].endswith("…") and "\u2028" not in written["name"]
    assert len(written["author"]) == 200 and written["author"].endswith("Bob…")
    assert ok(invoke(site, "check")).exit_code == 0


@pytest.mark.parametrize("option, value, message", [
    ("--name", "Anna\tBlog", "'name' holds the invisible character U+0009"),
    ("--author", "Bob\x1b[31m", "'author' holds the invisible character U+001B"),
    ("--department", "d" * 150, "'department' is 150 characters long; at most 100 are allowed"),
    ("--department", "Ver\ttrieb", "'department' holds the invisible character U+0009 (a tab)"),
])  # fmt: skip
def test_what_the_person_typed_is_refused_with_checks_sentence(site, feed_server, option, value, message):
    url = feed_server.route("/anna/feed/", respond(
        rss([Item("1", "Eins", feed_server.url("/anna/1"))], "Anna", feed_server.url("/anna/")).encode()))
    before = participant_files(site)
    result = invoke(site, "join", url, option, value)
    assert result.exit_code == 2 and message in result.output, explain(result)  # bad usage
    no_traceback(result)
    assert participant_files(site) == before
    assert feed_server.requests == []  # refused before any request: the blog is not the matter


def test_a_url_with_a_login_in_it_is_refused_before_any_request(site, feed_server):
    url = feed_server.route("/wiki/feed/", respond(
        rss([Item("1", "Eins", feed_server.url("/wiki/1"))], "Wiki", feed_server.url("/wiki/")).encode()))
    message = refused(site, url.replace("http://", "http://svc:geheim@"),
                      "holds a user name or password", "join does not log in", "Logins per blog",
                      exit_code=2)  # fmt: skip
    assert "geheim" not in message
    assert feed_server.requests == []  # the password was not sent along


@pytest.mark.parametrize("url", ["ftp://example.org/feed.xml", "example.org/feed", "javascript:alert(1)"])
def test_an_address_that_is_no_http_url_is_bad_usage(site, url):
    # As `submit` says it (exit 2): no blog there could ever join, whatever the network answers.
    refused(site, url, "not an http(s) URL", exit_code=2)


def test_a_blog_on_the_site_under_its_umlaut_host_is_refused_in_its_idna_spelling(site, feed_server):
    # Before any request: a spelling's feed is the same feed whether its host answers or not.
    (participants_dir(site) / "mueller.toml").write_text(
        'name = "Müllers Blog"\nfeed = "https://müller.example/feed/"\nhome = "https://müller.example/"\n',
        encoding="utf-8")
    refused(site, "https://xn--mller-kva.example/feed/", "already on the site as 'mueller'")
    assert feed_server.requests == []


@pytest.mark.parametrize("typed", ["meinblog.de", "www.Meinblog.de/feed/", "müller.example"])
def test_an_address_typed_as_the_browser_shows_it_is_refused_naming_the_address_meant(site, typed):
    refused(site, typed, f"not an http(s) URL: {typed!r} (did you mean https://{typed}?)", exit_code=2)


def test_a_feed_that_fails_says_why_when_it_cannot_be_joined(site, feed_server):
    # "no usable feed found" where the page's feed answered 500, and "it is no feed" for a feed
    # the parser refused: the reason was there, and not said.  Worse, with the blog's own feed
    # failing, the usual paths at the site's root were guessed: the test server's /atom.xml,
    # another blog's, was joined as this one.
    home = feed_server.url("/kaputt/")
    feed_server.route("/kaputt/", respond(wp_home_page("Kaputt", home), content_type=HTML_TYPE))
    feed_server.route("/kaputt/feed/", status(500))
    refused(site, home, f"the feed it names, {home}feed/: http: 500")
    bomb = feed_server.route("/bombe/feed.xml", respond(
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x "y">]><rss version="2.0"><channel>'
        b"<title>&x;</title><item><title>T</title></item></channel></rss>"))
    refused(site, bomb, f"{bomb} has a feed's address, but it cannot be read as a feed: ", "entit")
