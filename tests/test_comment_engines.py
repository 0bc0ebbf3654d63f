"""Comment threads of blog engines other than WordPress, as each writes its comment feeds: read,
stored and shown on the post's page (Blogger's threads: test_blogger_threads.py; other engines'
parent references: test_threads_acceptance.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

import pytest

from aggregator.feeds.clean import clean_comment
from aggregator.feeds.parse import parse_feed
from tests.acceptance_helpers import (
    invoke,
    new_site,
    ok,
    parse_html,
    post_pages,
    write_participant,
)
from tests.servers import ATOM_TYPE, Request, respond

NOW = datetime.now(UTC).replace(microsecond=0)


# --- Dotclear 2 (inc/public/default-templates/currywurst: atom.xml, atom-comments.xml, rss2-comments.xml)

DOTCLEAR_POST = "Le pain au levain"


def dotclear_posts(blog: str, post_url: str) -> bytes:
    """The blog's Atom feed: every post names its Atom comment feed in wfw:commentRss."""
    posted = (NOW - timedelta(days=2)).isoformat()
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/" xml:lang="fr">
  <title type="html">Carnet de cuisine</title>
  <link href="{blog}feed/atom" rel="self" type="application/atom+xml"/>
  <link href="{blog}" rel="alternate" type="text/html" title="Carnet de cuisine"/>
  <updated>{NOW.isoformat()}</updated>
  <author><name>Claire Martin</name></author>
  <id>urn:md5:0f9d7c6b5a4e3d2c1b0a9f8e7d6c5b4a</id>
  <generator uri="https://www.dotclear.org/">Dotclear</generator>
  <entry>
    <title>{DOTCLEAR_POST}</title>
    <link href="{post_url}" rel="alternate" type="text/html" title="{DOTCLEAR_POST}" />
    <id>urn:md5:a1b2c3d4e5f60718293a4b5c6d7e8f90</id>
    <published>{posted}</published>
    <updated>{posted}</updated>
    <author><name>Claire</name></author>
    <dc:subject>Cuisine</dc:subject>
    <content type="html">&lt;p&gt;Trois jours de levain.&lt;/p&gt;</content>
    <wfw:comment>{post_url}#comment-form</wfw:comment>
    <wfw:commentRss>{blog}feed/atom/comments/42</wfw:commentRss>
  </entry>
</feed>""".encode()


DOTCLEAR_THREAD = [  # (id, title, author, body, hours ago), newest first as Dotclear lists them
    ("urn:md5:ffeeddccbbaa99887766554433221100", "[ping] Mon levain à moi - Le blog de Paul", "Le blog de Paul",
     '<p><a href="https://paul.example/2026/levain">Mon levain à moi</a></p> Comme Claire l\'explique, '
     "il faut trois jours...", 3),
    ("urn:md5:00112233445566778899aabbccddeeff", f"{DOTCLEAR_POST} - Marc", "Marc",
     "<p>Quelle farine utilises-tu ?</p>", 5),
]  # fmt: skip


def dotclear_comments_atom(blog: str, post_url: str) -> bytes:
    entries = "".join(
        f"""<entry><title>{escape(title)}</title>
    <link href="{post_url}#c{103 - n}" rel="alternate" type="text/html" title="{escape(title)}" />
    <id>{cid}</id><published>{(NOW - timedelta(hours=hours)).isoformat()}</published>
    <updated>{(NOW - timedelta(hours=hours)).isoformat()}</updated>
    <author><name>{escape(author)}</name></author><content type="html">{escape(body)}</content></entry>"""
        for n, (cid, title, author, body, hours) in enumerate(DOTCLEAR_THREAD)
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
  <title type="html">Carnet de cuisine - Commentaires</title>
  <link href="{blog}feed/atom/comments/42" rel="self" type="application/atom+xml"/>
  <link href="{blog}" rel="alternate" type="text/html" title="Carnet de cuisine"/>
  <updated>{NOW.isoformat()}</updated><author><name>Claire Martin</name></author>
  <id>urn:md5:0f9d7c6b5a4e3d2c1b0a9f8e7d6c5b4a</id>
  <generator uri="https://www.dotclear.org/">Dotclear</generator>{entries}
</feed>""".encode()


def dotclear_comments_rss(blog: str, post_url: str) -> bytes:
    items = "".join(
        f"""<item><title>{escape(title)}</title><link>{post_url}#c{103 - n}</link>
    <guid isPermaLink="false">{cid}</guid><pubDate>{(NOW - timedelta(hours=hours)):%a, %d %b %Y %H:%M:%S +0000}</pubDate>
    <dc:creator>{escape(author)}</dc:creator><description>{escape(body)}</description></item>"""
        for n, (cid, title, author, body, hours) in enumerate(DOTCLEAR_THREAD)
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:atom="http://www.w3.org/2005/Atom"><channel>
  <title>Carnet de cuisine - Commentaires</title><link>{blog}</link>
  <description>Recettes</description><language>fr</language><generator>Dotclear</generator>{items}
</channel></rss>""".encode()


@pytest.mark.parametrize("feed", [dotclear_comments_atom, dotclear_comments_rss], ids=["atom", "rss2"])
@pytest.mark.parametrize("engine", ["lxml", "feedparser"])
def test_a_dotclear_ping_is_a_mention_from_the_page_that_linked(feed, engine):
    blog = "https://carnet.example/index.php?"
    post_url = f"{blog}post/2026/11/28/Le-pain-au-levain"
    parsed = parse_feed(feed(blog, post_url), {}, f"{blog}feed/atom/comments/42", engine=engine)
    ping, marc = (clean_comment(entry, "post") for entry in parsed.entries)
    assert (ping.kind, ping.author, ping.author_url) == ("pingback", "Le blog de Paul", "https://paul.example/2026/levain")
    assert (marc.kind, marc.author, marc.author_url) == ("comment", "Marc", None)


@pytest.mark.slow
def test_a_dotclear_ping_is_shown_among_the_mentions_and_links_its_page(tmp_path, feed_server):
    blog = feed_server.url("/index.php?")
    post_url = f"{blog}post/2026/11/28/Le-pain-au-levain"
    posts, comments = dotclear_posts(blog, post_url), dotclear_comments_atom(blog, post_url)

    async def dotclear(request: Request) -> None:  # one script, the query says what it answers
        body = comments if request.target.endswith("/comments/42") else posts
        await respond(body, content_type=ATOM_TYPE)(request)

    feed_server.route("/index.php", dotclear)
    site = new_site(tmp_path / "site")
    write_participant(site, "carnet", "Carnet de cuisine", f"{blog}feed/atom", home=blog)
    ok(invoke(site, "fetch"))
    ok(invoke(site, "build"))
    page = parse_html(post_pages(site / "output")[DOTCLEAR_POST].path)
    [marc] = page.xpath("//section[@id='comments']//article")
    assert "Quelle farine" in marc.text_content()
    [ping] = page.xpath("//section[@id='mentions']//article")
    assert ping.xpath(".//h3//a/@href") == ["https://paul.example/2026/levain"]
    assert "Le blog de Paul" in ping.xpath(".//h3")[0].text_content()
