"""The roundup draft: its content, read back by Pelican's own Markdown reader; escaping of what
participants wrote; and never writing over a draft."""

from __future__ import annotations

import copy
import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from pelican.readers import MarkdownReader
from pelican.settings import DEFAULT_CONFIG

from aggregator.models import CommentTally, Participant, StoredPost, post_id
from aggregator.parades.files import Parade
from aggregator.parades.roundup import (
    RoundupExists,
    RoundupPublished,
    escape_markdown,
    markdown_url,
    opening,
    roundup_path,
    roundup_text,
    write_roundup,
)

BERLIN = ZoneInfo("Europe/Berlin")
CALL = "https://hafenkante.example/blogparade-wie-arbeiten-wir-remote/"
PARADE = Parade("remote-arbeiten", "Wie arbeiten wir remote?", CALL, date(2026, 11, 1),
                date(2026, 11, 30), "BlogparadeRemote", timezone="Europe/Berlin")
TODAY = date(2026, 12, 2)
BLOGS = {
    "kaffee": Participant("kaffee", "Kaffee & Code", "https://kaffee.example/feed/",
                          "https://kaffee.example/", author="Jonas Petersen"),
    "lena": Participant("lena", "Lenas Notizen", "https://lena.example/atom.xml", "https://lena.example/"),
    "werkstatt": Participant("werkstatt", "Werners Werkstatt", "https://werkstatt.example/rss.xml",
                             "https://werkstatt.example/"),
}


def contribution(blog: str, slug: str, when: datetime, title: str, excerpt: str, author: str = "",
                 comment_count: int | None = None, comment_feed: str | None = "feed/") -> StoredPost:
    url = f"https://{blog}.example/{slug}/"
    return StoredPost(
        id=post_id(blog, url), participant=blog, guid=url, url=url, title=title,
        author=author or BLOGS[blog].name, published=when.astimezone(UTC), updated=None,
        first_seen=when.astimezone(UTC), excerpt=excerpt, content_html=f"<p>{excerpt}</p>",
        categories=(), language="de", links=(CALL,), comment_count=comment_count,
        comment_feed=url + comment_feed if comment_feed else None,
    )  # fmt: skip


POSTS = [
    contribution("lena", "schreibtisch-ueberall", datetime(2026, 11, 1, 0, 15, tzinfo=BERLIN),
                 "Mein Schreibtisch ist überall",
                 "Seit drei Jahren arbeite ich ohne festen Platz. Das ist z. B. im Zug gar nicht so "
                 "schlimm. Ein dritter Satz, der nicht mehr hineingehört.", author="Lena Vogt"),
    contribution("kaffee", "remote-seit-2020", datetime(2026, 11, 9, 18, 0, tzinfo=BERLIN),
                 "Remote seit 2020", "Wie alles anfing: mit einem Laptop und viel Kaffee […]",
                 author="Jonas Petersen", comment_count=7),
    contribution("werkstatt", "heizungskeller", datetime(2026, 11, 30, 23, 30, tzinfo=BERLIN),
                 "Homeoffice im Heizungskeller", "Bei uns geht Homeoffice nur halb. Der Rest ist "
                 "Handwerk.", author="Werner Kolbe"),
    contribution("kaffee", "nachtrag", datetime(2026, 11, 20, 9, 0, tzinfo=BERLIN),
                 "Ein Nachtrag", "Noch ein paar Gedanken.", comment_feed=None),  # by "Kaffee & Code": the feed names no one
]
COUNTS = {POSTS[0].id: CommentTally(4), POSTS[1].id: CommentTally(3), POSTS[2].id: CommentTally(0)}  # the second: the feed says 7


def draft(posts=POSTS, **options) -> str:
    options = {"participants": BLOGS, "comment_counts": COUNTS, "today": TODAY, **options}
    return roundup_text(PARADE, posts, **options)


def pelican_read(tmp_path: Path, text: str) -> tuple[BeautifulSoup, dict]:
    """The draft as Pelican reads it, with Pelican's default Markdown settings."""
    path = tmp_path / "draft.md"
    path.write_text(text, encoding="utf-8")
    content, metadata = MarkdownReader(copy.deepcopy(DEFAULT_CONFIG)).read(str(path))
    return BeautifulSoup(content, "html.parser"), metadata


def test_the_draft_as_pelican_reads_it(tmp_path):
    text = draft()
    assert text.startswith(
        "Title: Rückschau: Wie arbeiten wir remote?\nDate: 2026-12-02\nStatus: draft\n"
        "Category: Blogparade\nTags: BlogparadeRemote, Blogparade\nSlug: remote-arbeiten-rueckschau\n"
        "Parade: remote-arbeiten\n\n")
    html, metadata = pelican_read(tmp_path, text)
    assert str(metadata["title"]) == "Rückschau: Wie arbeiten wir remote?"
    assert (metadata["status"], metadata["slug"], metadata["parade"]) == (
        "draft", "remote-arbeiten-rueckschau", "remote-arbeiten")
    assert [str(tag) for tag in metadata["tags"]] == ["BlogparadeRemote", "Blogparade"]
    # exactly the four, oldest first, each linked to its original
    headings = html.find_all("h3")
    assert [h.get_text() for h in headings] == [
        "Mein Schreibtisch ist überall", "Remote seit 2020", "Ein Nachtrag", "Homeoffice im Heizungskeller"]
    assert [h.a["href"] for h in headings] == [POSTS[i].url for i in (0, 1, 3, 2)]


def test_an_introduction_to_fill_in(tmp_path):
    text = draft()
    assert "<!-- ENTWURF: Bitte die Einleitung schreiben und diesen Hinweis löschen." in text
    html, _ = pelican_read(tmp_path, text)
    paragraphs = [p.get_text() for p in html.find_all("p")]
    assert paragraphs[0].startswith("Einleitung: Hier ein paar eigene Sätze zur Blogparade")
    assert paragraphs[1] == ("Vom 1. November 2026 bis zum 30. November 2026 lief die Blogparade "
                             "„Wie arbeiten wir remote?“. 4 Beiträge aus 3 Blogs – danke an alle, "
                             "die mitgeschrieben haben!")
    assert html.find("a", string="„Wie arbeiten wir remote?“")["href"] == CALL


def test_each_contribution_with_blog_author_date_comments_and_opening(tmp_path):
    html, _ = pelican_read(tmp_path, draft())
    entries = []
    for heading in html.find_all("h3"):
        facts = heading.find_next_sibling("p")
        quote = facts.find_next_sibling()
        entries.append((facts.get_text(), facts.a["href"],
                        quote.get_text(" ", strip=True) if quote.name == "blockquote" else None))
    assert entries[0] == (
        "Lenas Notizen · von Lena Vogt · 1. November 2026 · 4 Kommentare", "https://lena.example/",
        "Seit drei Jahren arbeite ich ohne festen Platz. Das ist z. B. im Zug gar nicht so schlimm.")
    # 7 announced beats 3 read; an excerpt cut short says so
    assert entries[1] == ("Kaffee & Code · von Jonas Petersen · 9. November 2026 · 7 Kommentare",
                          "https://kaffee.example/", "Wie alles anfing: mit einem Laptop und viel Kaffee …")
    # an "author" that is only the blog's name is not named twice; nothing says where its comments
    # are or how many (its feed names no comment feed, no count, and none were read): no "0 Kommentare"
    assert entries[2] == ("Kaffee & Code · 20. November 2026", "https://kaffee.example/",
                          "Noch ein paar Gedanken.")
    # 23:30 in Berlin on the last day: the date a reader of the site sees
    assert entries[3][0] == "Werners Werkstatt · von Werner Kolbe · 30. November 2026 · 0 Kommentare"


def test_comments_are_counted_as_the_contributions_page_counts_them(tmp_path):
    """Pingbacks are shown apart on the site, and the blog's own count includes them: 7
    announced with 2 pingbacks stored are 5 comments, as on the contribution's page."""
    counts = {**COUNTS, POSTS[1].id: CommentTally(3, 2)}
    html, _ = pelican_read(tmp_path, draft(comment_counts=counts))
    facts = [heading.find_next_sibling("p").get_text() for heading in html.find_all("h3")]
    assert facts[1].endswith(" · 5 Kommentare")
    assert "Kommentare: 9" in html.get_text()


def test_the_figures(tmp_path):
    html, _ = pelican_read(tmp_path, draft())
    figures = [li.get_text() for li in html.find_all("h2")[-1].find_next_sibling("ul").find_all("li")]
    assert figures == [
        "Beiträge: 4", "Kommentare: 11", "Blogs: 3",
        "Erster Beitrag: 1. November 2026, Mein Schreibtisch ist überall (Lenas Notizen)",
        "Letzter Beitrag: 30. November 2026, Homeoffice im Heizungskeller (Werners Werkstatt)",
    ]


def test_in_english(tmp_path):
    text = draft(lang="en")
    assert "Title: Roundup: Wie arbeiten wir remote?" in text and "Slug: remote-arbeiten-roundup" in text
    html, _ = pelican_read(tmp_path, text)
    assert "From November 1, 2026 to November 30, 2026 we ran the blog parade" in html.get_text()
    assert html.find("h3").find_next_sibling("p").get_text() == (
        "Lenas Notizen · by Lena Vogt · November 1, 2026 · 4 comments")
    assert "First contribution: November 1, 2026" in html.get_text()
    assert roundup_path(Path("content"), PARADE, "en") == Path("content/remote-arbeiten-roundup.md")


def test_a_regional_site_gets_its_own_dates_and_a_site_in_another_language_english_ones(tmp_path):
    # An en-GB site's pages say "1 November 2026": its roundup said "November 1, 2026".
    assert "From 1 November 2026 to 30 November 2026 we ran" in draft(lang="en-GB")
    assert "Vom 1. November 2026" in draft(lang="de-AT")  # Austrian German: babel's de_AT
    assert "From November 1, 2026 to November 30, 2026" in draft(lang="fr")  # English, as its words are
    html = roundup_html(PARADE, POSTS, participants=BLOGS, comment_counts=COUNTS, lang="en-GB")
    assert "1 November 2026" in html and "November 1, 2026" not in html


def test_no_contributions_yet(tmp_path):
    html, metadata = pelican_read(tmp_path, draft([]))
    assert metadata["status"] == "draft" and html.find("h3") is None
    assert "Zu dieser Blogparade sind keine Beiträge eingegangen." in html.get_text()
    assert [li.get_text() for li in html.find_all("li")] == ["Beiträge: 0", "Kommentare: 0", "Blogs: 0"]


def test_a_participant_gone_since_is_named_by_the_post_site(tmp_path):
    html, _ = pelican_read(tmp_path, draft(POSTS[:1], participants={}))
    facts = html.find("h3").find_next_sibling("p")
    assert facts.get_text().startswith("lena.example · von Lena Vogt") and facts.a["href"] == "https://lena.example/"


# --- escaping -----------------------------------------------------------------------------------

HOSTILE = "*wow* [x](javascript:alert(1)) <script>alert(1)</script> `code` _u_ {: #id} ![i](http://x/i.png)"


def test_untrusted_text_stays_text(tmp_path):
    post = contribution("lena", "boese", datetime(2026, 11, 5, tzinfo=BERLIN), HOSTILE,
                        "# Keine Überschrift. 1. Keine Liste. > Kein Zitat [^1] <b>fett</b>",
                        author="<img src=x onerror=alert(1)> **Lena**")
    blogs = {"lena": Participant("lena", "[Lena](javascript:x) <i>N</i>", "https://lena.example/f",
                                 "https://lena.example/")}
    html, _ = pelican_read(tmp_path, draft([post], participants=blogs))
    # no markup made of it: one link per place we link, to where we link, and nothing else
    made = html.find_all(["em", "strong", "script", "img", "code", "b", "i", "h1", "ol", "sup"])
    assert [tag.name for tag in made] == ["strong", "em"]  # the introduction's, ours
    assert made[0].parent.get_text().startswith("Einleitung:")
    hrefs = [a["href"] for a in html.find_all("a")]
    assert hrefs == [CALL, post.url, "https://lena.example/", post.url, post.url]  # + first, last
    assert not any(a.get("id") for a in html.find_all(True))
    heading = html.find("h3")
    assert heading.get_text() == HOSTILE  # exactly the text, every character of it
    facts = heading.find_next_sibling("p").get_text()
    assert facts.startswith("[Lena](javascript:x) <i>N</i> · von <img src=x onerror=alert(1)> **Lena**")
    assert html.find("blockquote").get_text(strip=True) == (
        "# Keine Überschrift. 1. Keine Liste. > Kein Zitat [^1] <b>fett</b>")


def test_escape_markdown_reads_back_as_the_same_text():
    import markdown

    md = markdown.Markdown(extensions=["extra"])
    for text in [HOSTILE, "# a", "1. b", "- c", "+ d", "> e", "2) f", "a\\b", "Kaffee & Code",
                 "&lt;script&gt;", "snake_case_name", "C++ und C#", "50 % mehr!"]:
        html = md.reset().convert(escape_markdown(text))
        assert BeautifulSoup(html, "html.parser").get_text() == text, text
    assert escape_markdown("zwei\nZeilen\n\n# nein") == "zwei Zeilen # nein"


def test_opening_sentences():
    assert opening("Eins. Zwei! Drei? Vier.") == "Eins. Zwei!"
    assert opening("Ein Satz. " + "Lang " * 80) == "Ein Satz."  # the second does not fit
    assert opening("Nur ein Anfang, der mitten im Satz […]") == "Nur ein Anfang, der mitten im Satz …"
    assert opening("Er sagte: „Komm mit.“ Dann ging er. Sonst nichts.") == "Er sagte: „Komm mit.“ Dann ging er."
    assert opening("Um 9 Uhr, d. h. früh. Gut.") == "Um 9 Uhr, d. h. früh. Gut."
    assert opening("") == ""
    long = opening("Wort " * 100)
    assert len(long) <= 280 and long.endswith("Wort…")


def test_no_link_but_http():
    bad = contribution("lena", "x", datetime(2026, 11, 5, tzinfo=BERLIN), "Titel", "Text.")
    bad = StoredPost(**{**bad.__dict__, "url": "javascript:alert(1)"})
    text = draft([bad], participants={})
    assert "javascript" not in text.split("## ")[1]
    assert "### Titel\n" in text


# --- the file -----------------------------------------------------------------------------------

def test_written_once_and_never_over_a_draft(tmp_path):
    content = tmp_path / "content"
    path = write_roundup(content, PARADE, "erster Entwurf\n")
    assert path == content / "remote-arbeiten-rueckschau.md"
    assert path.read_text(encoding="utf-8") == "erster Entwurf\n"
    path.write_text("vom Host bearbeitet\n", encoding="utf-8")
    with pytest.raises(RoundupExists, match=re.escape(f"{path} exists already")) as caught:
        write_roundup(content, PARADE, "zweiter Entwurf\n")
    assert caught.value.path == path and "--force" in str(caught.value)
    assert path.read_text(encoding="utf-8") == "vom Host bearbeitet\n"
    assert write_roundup(content, PARADE, "zweiter Entwurf\n", force=True) == path
    assert path.read_text(encoding="utf-8") == "zweiter Entwurf\n"
    assert sorted(p.name for p in content.iterdir()) == ["remote-arbeiten-rueckschau.md"]  # no leftovers


def test_a_published_roundup_is_never_written_over(tmp_path):
    # `--force` over a roundup the host had published turned it back into a draft dated today:
    # it left the site, and the host's introduction was lost.
    content = tmp_path / "content"
    path = write_roundup(content, PARADE, draft())
    published = draft().replace("Status: draft\n", "").replace("EINLEITUNG", "Danke euch allen!")
    path.write_text(published, encoding="utf-8")
    with pytest.raises(RoundupPublished, match="is published") as caught:
        write_roundup(content, PARADE, draft(), force=True)
    assert caught.value.path == path and path.read_text(encoding="utf-8") == published
    path.write_text(published.replace("Title:", "Status: draft\nTitle:"), encoding="utf-8")
    assert write_roundup(content, PARADE, "neu\n", force=True) == path  # a draft again: replaced


def test_the_feeds_footer_is_no_opening_sentence():
    # Yoast ends every feed item's text with it; a short excerpt's opening quoted it.
    assert opening("Kurz und gut. Der Beitrag Remote im Handwerk erschien zuerst auf Brückner.") == "Kurz und gut."
    assert opening("Short. The post Remote appeared first on Kaffee & Code.") == "Short."


def test_a_moved_draft_is_found_by_its_slug(tmp_path):
    content = tmp_path / "content"
    moved = content / "2026" / "rueckschau-remote.md"
    moved.parent.mkdir(parents=True)
    moved.write_text(draft(), encoding="utf-8")
    (content / "other.md").write_text("Title: Anderes\nSlug: anderes\n\nText", encoding="utf-8")
    with pytest.raises(RoundupExists) as caught:
        write_roundup(content, PARADE, draft())
    assert caught.value.path == moved
    assert write_roundup(content, PARADE, "neu\n", force=True) == moved  # replaced where it is
    assert moved.read_text(encoding="utf-8") == "neu\n"
    assert not (content / "remote-arbeiten-rueckschau.md").exists()


# --- as HTML for WordPress, and late contributions (issue 10) -----------------------------------

from dataclasses import replace as _replace  # noqa: E402

from aggregator.parades.roundup_html import roundup_html, write_roundup_html  # noqa: E402
from tests.acceptance_helpers import fragment_dangers  # noqa: E402


def test_the_html_roundup_has_every_contribution_escaped_and_nothing_active(tmp_path):
    hostile = contribution("lena", "boese", datetime(2026, 11, 3, tzinfo=BERLIN), '<script>alert(1)</script> & "Tricks"',
                           "Ein <img src=x onerror=alert(1)> Satz.", author="<b>Lena</b>")  # fmt: skip
    text = roundup_html(PARADE, POSTS + [hostile], participants=BLOGS, comment_counts=COUNTS)
    assert fragment_dangers(text) == []
    soup = BeautifulSoup(text, "html.parser")
    titles = [h3.get_text() for h3 in soup.find_all("h3")]
    assert titles[0] == "Mein Schreibtisch ist überall" and '<script>alert(1)</script> & "Tricks"' in titles
    assert soup.find("a", string="Wie arbeiten wir remote?") is None  # the call's title is quoted
    assert soup.find("a", href=CALL).get_text() == "„Wie arbeiten wir remote?“"
    assert "Kaffee & Code · von Jonas Petersen · 9. November 2026 · 7 Kommentare" in soup.get_text()
    assert [li.get_text() for li in soup.find_all("li")][:3] == ["Beiträge: 5", "Kommentare: 11", "Blogs: 3"]
    # The same figures as the Markdown's: the first and the last contribution, linked.
    markdown, _ = pelican_read(tmp_path, draft(POSTS + [hostile]))
    assert [li.get_text() for li in soup.find_all("li")] == [li.get_text() for li in markdown.find_all("li")]
    assert soup.find_all("li")[3].find("a")["href"] == min(POSTS, key=lambda p: p.published).url
    path = write_roundup_html(tmp_path, PARADE, text)
    assert path == tmp_path / "roundups" / "remote-arbeiten-rueckschau.html"
    with pytest.raises(RoundupExists):
        write_roundup_html(tmp_path, PARADE, "anders")
    assert write_roundup_html(tmp_path, PARADE, "anders", force=True).read_text(encoding="utf-8") == "anders"


def test_late_contributions_are_marked_late_in_both_roundups():
    late_parade = _replace(PARADE, late=True)
    late = contribution("lena", "spaet", datetime(2026, 12, 1, 10, tzinfo=BERLIN), "Spät dran", "Endlich.")
    assert "1. Dezember 2026 · nachgereicht" in roundup_text(late_parade, [late], participants=BLOGS,
                                                             comment_counts={}, today=TODAY)  # fmt: skip
    html = roundup_html(late_parade, [late], participants=BLOGS, comment_counts={}, lang="en")
    assert "December 1, 2026 · late" in html


def test_the_html_roundup_gives_wordpress_no_shortcode_to_run():
    """WordPress runs every registered shortcode in a post's text: a title "[gallery]" would
    show the host's images, "[embed]…[/embed]" load another site's player into the roundup.
    Brackets are written as entities, which WordPress shows as brackets and never runs."""
    title = "Heimat [gallery] und [embed]https://video.example/heimat[/embed]"
    post = contribution("lena", "kurzcode", datetime(2026, 11, 4, tzinfo=BERLIN), title,
                        "Mein Video [video src=\"https://video.example/h.mp4\"] zur Heimat.",
                        author="[audio] Lena")  # fmt: skip
    blogs = {**BLOGS, "lena": _replace(BLOGS["lena"], name="Lenas [caption]Notizen")}
    text = roundup_html(_replace(PARADE, title="Heimat [playlist]"), [post], participants=blogs,
                        comment_counts={})  # fmt: skip
    assert "[" not in text and "]" not in text
    soup = BeautifulSoup(text, "html.parser")
    assert soup.find("h3").get_text() == title
    assert "Lenas [caption]Notizen · von [audio] Lena" in soup.get_text()
    assert soup.find("blockquote").get_text() == 'Mein Video [video src="https://video.example/h.mp4"] zur Heimat.'
    assert "„Heimat [playlist]“" in soup.get_text()


def test_a_contribution_on_an_umlaut_domain_is_linked_by_its_host_name_in_ascii(tmp_path):
    """German blogs live on umlaut domains.  Percent-encoding the host ("d%C3%B6rte.example")
    names no host DNS knows (RFC 3986 leaves that to browsers' leniency): the host is written
    as IDNA, the path percent-encoded as before."""
    post = contribution("lena", "x", datetime(2026, 11, 5, tzinfo=BERLIN), "Heimat", "Text.")
    post = StoredPost(**{**post.__dict__, "url": "https://dörte.example:8443/über-heimat/"})
    blogs = {"lena": _replace(BLOGS["lena"], home="https://Müller.example/")}
    html, _ = pelican_read(tmp_path, draft([post], participants=blogs))
    wanted = "https://xn--drte-5qa.example:8443/%C3%BCber-heimat/"
    assert html.find("h3").a["href"] == wanted
    assert html.find("h3").find_next_sibling("p").a["href"] == "https://xn--mller-kva.example/"
    soup = BeautifulSoup(roundup_html(PARADE, [post], participants=blogs, comment_counts={}), "html.parser")
    assert soup.find("h3").a["href"] == wanted
    # As fetch connects to it (IDNA 2008): faß.example is not fass.example.
    assert markdown_url("https://faß.example/heimat/") == "https://xn--fa-hia.example/heimat/"


def test_a_contribution_in_another_language_is_marked_with_it_in_both_roundups(tmp_path):
    """A German site's roundup of an English post: its title (in the list and the figures) and
    its opening say lang="en-GB", as the site's own pages mark it, in the Markdown as Pelican
    reads it and in the HTML for WordPress; a post of a blog whose file says "en" is marked with
    that; an Austrian one is German, as the roundup is, and marked with nothing (in an English
    roundup, with "de-AT")."""
    blogs = {**BLOGS, "jane": Participant("jane", "Jane's Notes", "https://jane.example/feed/",
                                          "https://jane.example/", language="en")}  # fmt: skip
    british = _replace(contribution("lena", "greening", datetime(2026, 11, 12, 16, tzinfo=BERLIN),
                                    "Greening our office", "My contribution to the parade."),
                       language="en-GB")  # fmt: skip
    unsaid = _replace(contribution("lena", "plants", datetime(2026, 11, 28, 9, tzinfo=BERLIN),
                                   "Office plants", "Ferns do well."), participant="jane", language=None)
    austrian = _replace(POSTS[0], language="de-AT")
    posts = [austrian, british, unsaid]
    markdown, _ = pelican_read(tmp_path, draft(posts, participants=blogs))
    html = BeautifulSoup(roundup_html(PARADE, posts, participants=blogs, comment_counts=COUNTS), "html.parser")
    for soup in (markdown, html):
        titles = [(a.get_text(), a.get("lang")) for a in (h3.a for h3 in soup.find_all("h3"))]
        assert titles == [("Mein Schreibtisch ist überall", None), ("Greening our office", "en-GB"),
                          ("Office plants", "en")]  # fmt: skip
        quotes = soup.find_all("blockquote")
        marked = [(q.get_text(strip=True), (q.get("lang") or q.p.get("lang"))) for q in quotes]
        assert marked[1:] == [("My contribution to the parade.", "en-GB"), ("Ferns do well.", "en")]
        assert marked[0][1] is None
        figures = [(li.a.get_text(), li.a.get("lang")) for li in soup.find_all("li")[3:]]
        assert figures == [("Mein Schreibtisch ist überall", None), ("Office plants", "en")]
    english, _ = pelican_read(tmp_path, draft(posts, participants=blogs, lang="en"))
    assert [h3.a.get("lang") for h3 in english.find_all("h3")] == ["de-AT", None, None]


def test_counts_are_written_as_the_roundups_language_writes_numbers(tmp_path):
    """A contribution with 1,234 comments: "1.234 Kommentare" in German, as the site's pages
    write it, "1,234 comments" in English; in the list and the figures of both roundups."""
    popular = {**COUNTS, POSTS[1].id: CommentTally(1234)}
    markdown, _ = pelican_read(tmp_path, draft(POSTS[:2], comment_counts=popular))
    html = BeautifulSoup(roundup_html(PARADE, POSTS[:2], participants=BLOGS, comment_counts=popular),
                         "html.parser")  # fmt: skip
    for soup in (markdown, html):
        assert soup.find_all("h3")[1].find_next_sibling("p").get_text().endswith(" · 1.234 Kommentare")
        assert "Kommentare: 1.238" in [li.get_text() for li in soup.find_all("li")]
    english = roundup_html(PARADE, POSTS[:2], participants=BLOGS, comment_counts=popular, lang="en")
    assert "· 1,234 comments</p>" in english and "<li>Comments: 1,238</li>" in english
