"""Feeds as the platforms really write them: at least 99.5 % of their entries' titles and links
reach the site.

tests/feeds/platforms/ holds one feed per platform or template (WordPress, WordPress.com,
Blogger, Medium, Ghost, Substack, Tumblr, Hugo, jekyll-feed, Squarespace, Mastodon, YouTube, a
podcast, German news sites in RSS 2.0, RDF and ISO-8859-1, FeedBurner, Drupal, Atom leaning on
xml:base, RSS without <link>, titles with HTML markup); a comment at the top of each names the
template it reproduces.  Where the shared corpus is present, its real captures
(hostile-xml/encoding/REAL_*.xml) and feedparser's well-formed test feeds join them.

Every feed is served by the loopback server with its Content-Type, each gets a participant file
in a site made by `blogparade init`, then `blogparade fetch` and `blogparade build` run as a user
runs them.  What should arrive is worked out independently with feedparser itself: each entry's
title as plain text (HTML titles: tags stripped, entities decoded; whitespace collapsed) and its
link (entry.link, or the guid where it is a permalink).  Found are the <h1> of each post page
in output/blogs/<blog>/ and the href of its "read the original" link (<p class="original"> in
theme/templates/article.html).  An entry without a title gets a title made from its text on the
site, so it counts by its link only; an entry without an http(s) link is linked to the blog's
home page, so it counts by its title only.  blogparade keeps the first entry of a guid listed
twice in a feed (feedparser keeps both); the expected entries do the same.

Run with `-rA` (or `-s`) to see the table per feed; misses are listed in it and in the message
of any failing assertion.
"""

from __future__ import annotations

import html
import io
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import feedparser
import pytest

from tests.acceptance_helpers import invoke, new_site, ok, parse_html, write_participant
from tests.servers import respond

PLATFORMS = Path(__file__).resolve().parent / "feeds" / "platforms"

# Every platform file with the Content-Type its kind of server sends.  Hugo and Jekyll sites on
# GitHub Pages get "application/xml" without a charset; the Golem-style feed declares Latin-1.
PLATFORM_TYPES = {
    "atom-xml-base-relative.xml": "application/atom+xml; charset=utf-8",
    "blogger-atom.xml": "application/atom+xml; charset=UTF-8",
    "blogger-rss.xml": "application/rss+xml; charset=UTF-8",
    "drupal-views-rss.xml": "application/rss+xml; charset=utf-8",
    "feedburner-rss.xml": "text/xml; charset=UTF-8",
    "ghost-rss.xml": "application/rss+xml; charset=utf-8",
    "golem-style-latin1.xml": "application/rss+xml; charset=ISO-8859-1",
    "heise-style-rdf.xml": "application/rdf+xml; charset=UTF-8",
    "hugo-rss.xml": "application/xml",
    "jekyll-feed-atom.xml": "application/xml",
    "mastodon-rss.xml": "application/rss+xml; charset=utf-8",
    "medium-rss.xml": "text/xml; charset=UTF-8",
    "nature-style-rdf-html-titles.xml": "application/rss+xml; charset=UTF-8",
    "podcast-itunes-rss.xml": "application/rss+xml; charset=utf-8",
    "scripting-guid-permalink.xml": "application/rss+xml",
    "spiegel-style-rss.xml": "application/rss+xml; charset=UTF-8",
    "squarespace-rss.xml": "application/rss+xml;charset=utf-8",
    "substack-rss.xml": "application/xml; charset=utf-8",
    "tagesschau-style-rss.xml": "text/xml; charset=utf-8",
    "tumblr-rss.xml": "application/rss+xml; charset=utf-8",
    "wordpress-atom.xml": "application/atom+xml; charset=UTF-8",
    "wordpress-com-rss2.xml": "application/rss+xml; charset=UTF-8",
    "wordpress-org-rss2.xml": "application/rss+xml; charset=UTF-8",
    "youtube-atom.xml": "text/xml; charset=UTF-8",
    "zeit-style-rss.xml": "application/rss+xml; charset=UTF-8",
}
# The corpus's real captures, with the charset their bytes are in (the French one has no XML
# declaration, so only the header can say it).
REAL_TYPES = {
    "REAL_iso-8859-1_german__golem.de_miniflux.xml": "application/rss+xml; charset=ISO-8859-1",
    "REAL_no-prolog_latin1-bytes_french__lecerclepsy_miniflux.xml": "application/rss+xml; charset=ISO-8859-1",
    "REAL_rdf090_utf8_german__heise_miniflux.xml": "application/xml",
    "REAL_windows-1251_russian__ibash_miniflux.xml": "text/xml; charset=windows-1251",
}

OVERALL = 99.5  # per cent, titles and links alike
PER_PLATFORM = 95.0
# So that nothing here fetches beyond the loopback server: no post's comment feed (those URLs
# point at the platforms' real hosts) is followed.
SETTINGS = "BLOGPARADE_COMMENT_DAYS = 0\nBLOGPARADE_CONNECT_TIMEOUT = 2.0\n"
FEEDPARSER_HEADER = re.compile(rb"^Header:\s*([\w-]+):\s*(.*?)\s*$", re.M)


# ------------------------------------------------------------------------------- the sources


@dataclass(frozen=True)
class Source:
    label: str  # in the report
    slug: str  # the participant
    body: bytes
    headers: dict[str, str]  # what the server sends besides the body (Content-Type at least)
    platform: bool  # one of tests/feeds/platforms (the per-file threshold applies)
    only_complete: bool = False  # count only entries with both a title and a link

    @property
    def path(self) -> str:
        return f"/feeds/{self.slug}.xml"


def platform_sources() -> list[Source]:
    files = sorted(p.name for p in PLATFORMS.glob("*.xml"))
    assert files == sorted(PLATFORM_TYPES), "every platform feed needs its Content-Type here"
    return [
        Source(name, "p-" + Path(name).stem, (PLATFORMS / name).read_bytes(),
               {"Content-Type": PLATFORM_TYPES[name]}, platform=True)
        for name in files
    ]


def corpus_sources(corpus: Path) -> list[Source]:
    sources = []
    for name, content_type in REAL_TYPES.items():
        path = corpus / "hostile-xml" / "encoding" / name
        if path.is_file():
            sources.append(Source(f"corpus:{name}", "real-" + slug_of(name), path.read_bytes(),
                                  {"Content-Type": content_type}, platform=False))
    wellformed = corpus / "feedparser-tests" / "wellformed"
    for path in sorted(p for p in wellformed.rglob("*") if p.is_file() and p.name != "SOURCES.txt"):
        body = path.read_bytes()
        simulated = {k.decode("ascii"): v.decode("latin-1")
                     for k, v in FEEDPARSER_HEADER.findall(body[:4000])}
        headers = {"Content-Type": "application/xml", **simulated}
        parsed = oracle_parse(body, headers, "http://127.0.0.1/feed")
        if parsed.bozo or not any(complete(e) for e in parsed.entries):
            continue
        relative = path.relative_to(wellformed).as_posix()
        sources.append(Source(f"feedparser:{relative}", "fp-" + slug_of(relative), body, headers,
                              platform=False, only_complete=True))
    return sources


def slug_of(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80]


# -------------------------------------------------------------------- what should arrive


@dataclass
class Expected:
    titles: list[str] = field(default_factory=list)  # plain text, entries that have one
    links: list[str] = field(default_factory=list)  # normalised http(s) URLs
    entries: int = 0
    untitled: int = 0  # counted by link only
    unlinked: int = 0  # no http(s) link: the site links the blog's home page instead
    duplicates: int = 0  # guids listed again (blogparade keeps the first)
    empty: int = 0  # neither title nor link: nothing to look for on the site


def oracle_parse(body: bytes, headers: dict[str, str], url: str):
    """feedparser as any reader would call it, on the bytes and headers the server sends."""
    response = {"content-location": url, **{k.lower(): v for k, v in headers.items()}}
    return feedparser.parse(io.BytesIO(body), response_headers=response)


_BLOCK = re.compile(r"</?(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|pre|hr)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]*>")


def plain(text: str) -> str:
    return " ".join(text.split())


def entry_title(entry) -> str:
    """The title as a reader sees it: HTML titles (text/html, application/xhtml+xml) without
    their markup and with their entities decoded; plain-text titles as they are."""
    value = entry.get("title") or ""
    kind = (entry.get("title_detail") or {}).get("type") or "text/html"
    if "html" in kind:
        value = html.unescape(_TAG.sub("", _BLOCK.sub(" ", value)))
    return plain(value)


def entry_link(entry) -> str | None:
    link = entry.get("link") or (entry.get("id") if entry.get("guidislink") else "") or ""
    return normal_url(link)


def normal_url(url: str | None) -> str | None:
    """http(s) URLs compared as equal where they are the same address (scheme and host case,
    an empty path); None for anything else."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query,
                       parts.fragment))


def complete(entry) -> bool:
    return bool(entry_title(entry)) and entry_link(entry) is not None


def expected_of(source: Source, url: str) -> Expected:
    parsed = oracle_parse(source.body, source.headers, url)
    expected = Expected()
    seen: set[str] = set()
    for entry in parsed.entries:
        if source.only_complete and not complete(entry):
            continue
        guid = (entry.get("id") or entry.get("link") or "").strip()
        if guid:
            if guid in seen:
                expected.duplicates += 1
                continue
            seen.add(guid)
        title, link = entry_title(entry), entry_link(entry)
        if not title and not link:
            expected.empty += 1
            continue
        expected.entries += 1
        if title:
            expected.titles.append(title)
        else:
            expected.untitled += 1
        if link:
            expected.links.append(link)
        else:
            expected.unlinked += 1
    return expected


# ----------------------------------------------------------------------------- what arrived


@dataclass(frozen=True)
class Page:
    path: Path
    title: str
    link: str | None


def post_pages(output: Path, slug: str) -> list[Page]:
    """Each post page of one blog: its <h1> and its "read the original" link."""
    pages = []
    for path in sorted((output / "blogs" / slug).glob("*/index.html")):
        doc = parse_html(path)
        heads = doc.xpath("//article//h1")
        if not heads:
            continue  # not a post page
        hrefs = doc.xpath("//article//p[contains(concat(' ', normalize-space(@class), ' '), ' original ')]"
                          "//a[@href]/@href")
        pages.append(Page(path, plain(heads[0].text_content()), normal_url(hrefs[0]) if hrefs else None))
    return pages


def matched(expected: list[str], found: list[str]) -> tuple[int, list[str]]:
    """Hits and misses, counting duplicates ("Photo" three times needs three pages)."""
    have = Counter(found)
    hits, misses = 0, []
    for item, count in Counter(expected).items():
        hit = min(count, have[item])
        hits += hit
        misses += [item] * (count - hit)
    return hits, misses


@dataclass
class Result:
    source: Source
    expected: Expected
    pages: int
    title_hits: int
    link_hits: int
    title_misses: list[str]
    link_misses: list[str]
    found_titles: list[str]

    @property
    def title_percent(self) -> float:
        return percent(self.title_hits, len(self.expected.titles))

    @property
    def link_percent(self) -> float:
        return percent(self.link_hits, len(self.expected.links))


def percent(hits: int, total: int) -> float:
    return 100.0 * hits / total if total else 100.0


def compare(source: Source, expected: Expected, pages: list[Page]) -> Result:
    titles = [p.title for p in pages]
    title_hits, title_misses = matched(expected.titles, titles)
    link_hits, link_misses = matched(expected.links, [p.link for p in pages if p.link])
    return Result(source, expected, len(pages), title_hits, link_hits, title_misses,
                  link_misses, titles)


@dataclass(frozen=True)
class Totals:
    titles: float
    links: float

    def __str__(self) -> str:
        return f"titles {self.titles:.2f} %, links {self.links:.2f} %"


def totals(results: list[Result]) -> Totals:
    titles = sum(len(r.expected.titles) for r in results)
    links = sum(len(r.expected.links) for r in results)
    return Totals(percent(sum(r.title_hits for r in results), titles),
                  percent(sum(r.link_hits for r in results), links))


# ------------------------------------------------------------------------- the whole run


def publish(site_root: Path, feed_server, sources: list[Source]) -> list[Result]:
    """Serve, join, fetch and build every source; compare each blog's pages with its feed."""
    site = new_site(site_root, SETTINGS, title="Plattformen")
    for number, source in enumerate(sources):
        headers = dict(source.headers)
        content_type = headers.pop("Content-Type")
        url = feed_server.route(source.path, respond(source.body, headers=headers, content_type=content_type))
        home = oracle_parse(source.body, source.headers, url).feed.get("link")
        write_participant(
            site, source.slug, source.label, url, normal_url(home) or url,
            author="Plattformtest", kind="corporate" if number % 3 == 0 else "employee",
            display="full" if number % 2 == 0 else "excerpt",
        )
    fetched = ok(invoke(site, "fetch"))
    assert re.search(rf"\b{len(sources)} feeds: {len(sources)} fetched, 0 unchanged, 0 errors",
                     fetched.output), fetched.output
    ok(invoke(site, "build"))
    output = site / "output"
    own = {source.slug: post_pages(output, source.slug) for source in sources}
    results = []
    for source in sources:
        expected = expected_of(source, feed_server.url(source.path))
        # A post another feed brought first at the same address is on the site once, under that
        # blog (feedparser's psc/ feeds: one podcast episode each): it reached the site.
        elsewhere = [page for slug, pages in own.items() if slug != source.slug
                     for page in pages if page.link and page.link in expected.links]  # fmt: skip
        results.append(compare(source, expected, own[source.slug] + elsewhere))
    return results


# One site per set of sources and test session: the tests below read the same results.
_RUNS: dict[str, list[Result]] = {}


def run(name: str, tmp_path_factory, feed_server, sources: Callable[[], list[Source]]) -> list[Result]:
    if name not in _RUNS:
        started = time.perf_counter()
        _RUNS[name] = publish(tmp_path_factory.mktemp(name) / "site", feed_server, sources())
        assert time.perf_counter() - started < 40, f"fetching and building {name} took too long"
    return _RUNS[name]


def report(results: list[Result], heading: str) -> str:
    lines = [heading, f"{'feed':56} {'entries':>7} {'pages':>5} {'titles':>15}  {'links':>15}"]
    for r in results:
        e = r.expected
        notes = [f"{n} {what}" for n, what in (
            (e.untitled, "untitled"), (e.unlinked, "without http(s) link"),
            (e.duplicates, "repeated guids"), (e.empty, "empty")) if n]
        lines.append(
            f"{r.source.label[:56]:56} {e.entries:7} {r.pages:5} "
            f"{r.title_hits:3}/{len(e.titles):<3} {r.title_percent:6.2f}%  "
            f"{r.link_hits:3}/{len(e.links):<3} {r.link_percent:6.2f}%"
            + (f"  ({', '.join(notes)})" if notes else "")
        )
    titles = sum(r.title_hits for r in results), sum(len(r.expected.titles) for r in results)
    links = sum(r.link_hits for r in results), sum(len(r.expected.links) for r in results)
    lines.append(f"{'OVERALL':56} {sum(r.expected.entries for r in results):7} "
                 f"{sum(r.pages for r in results):5} {titles[0]:3}/{titles[1]:<3} "
                 f"{percent(*titles):6.2f}%  {links[0]:3}/{links[1]:<3} {percent(*links):6.2f}%")
    lines.append(f"{'':56} {str(totals(results))}")
    for r in results:
        if r.title_misses or r.link_misses:
            lines.append(f"-- misses in {r.source.label}:")
            lines += [f"   title not on the site: {t!r}" for t in r.title_misses]
            lines += [f"   link not on the site:  {u!r}" for u in r.link_misses]
            if r.title_misses:
                unmatched = sorted(set(r.found_titles) - set(r.expected.titles))
                lines += [f"     a page there is titled {t!r}" for t in unmatched[:10]]
    return "\n".join(lines)


def below(results: list[Result], attribute: str, threshold: float) -> list[str]:
    return [f"{r.source.label}: {getattr(r, attribute):.2f} %" for r in results
            if getattr(r, attribute) < threshold]


@pytest.fixture
def platforms(tmp_path_factory, feed_server) -> list[Result]:
    results = run("platforms", tmp_path_factory, feed_server, platform_sources)
    assert len(results) >= 15
    for r in results:  # the oracle really read every file
        assert r.expected.entries >= 10, f"{r.source.label}: feedparser found {r.expected.entries} entries"
    return results


@pytest.fixture
def corpus_feeds(tmp_path_factory, feed_server, corpus) -> list[Result]:
    if not corpus_sources(corpus):
        pytest.skip(f"neither REAL_*.xml nor feedparser-tests/wellformed feeds in {corpus}")
    return run("corpus", tmp_path_factory, feed_server, lambda: corpus_sources(corpus))


# ------------------------------------------------------------------------------------ tests

pytestmark = pytest.mark.slow


def test_platform_links_reach_the_site(platforms):
    text = report(platforms, "Platform feeds (tests/feeds/platforms):")
    print("\n" + text)
    assert totals(platforms).links >= OVERALL, text
    weak = below(platforms, "link_percent", PER_PLATFORM)
    assert not weak, "\n".join(weak) + "\n\n" + text


def test_platform_titles_reach_the_site(platforms):
    text = report(platforms, "Platform feeds (tests/feeds/platforms):")
    weak = below(platforms, "title_percent", PER_PLATFORM)
    assert totals(platforms).titles >= OVERALL and not weak, "\n".join(weak) + "\n\n" + text


@pytest.mark.corpus
def test_corpus_feeds_reach_the_site(platforms, corpus_feeds):
    """The corpus's real captures and feedparser's well-formed test feeds (of those, only the
    entries with both a title and a link count), alone and together with the platform feeds."""
    both = platforms + corpus_feeds
    text = "\n\n".join([
        report(corpus_feeds, "Corpus feeds:"),
        f"Corpus feeds alone: {totals(corpus_feeds)}",
        f"Platform feeds alone: {totals(platforms)}",
        f"Platform and corpus feeds together: {totals(both)}",
    ])
    print("\n" + text)
    assert totals(corpus_feeds).titles >= OVERALL and totals(corpus_feeds).links >= OVERALL, text
    assert totals(both).links >= OVERALL and totals(both).titles >= OVERALL, text


@pytest.mark.corpus
def test_platform_and_corpus_titles_reach_the_site(platforms, corpus_feeds):
    both = platforms + corpus_feeds
    assert totals(both).titles >= OVERALL, report(both, "Platform and corpus feeds:")
