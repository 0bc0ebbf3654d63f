"""What reading a candidate's page costs: page_reading.read_page (lxml) against BeautifulSoup.

Run on demand:  .venv/bin/python benchmarks/bench_page_read.py [--paragraphs 40] [--comments 80]

Builds a WordPress-shaped post page (scripts and styles in the head, Yoast's JSON-LD graph, a menu,
the article with linked paragraphs, a long comment list, a sidebar), then times per page:

- `read_page`: everything verify.py needs (canonical, title, author, dates, blog, feeds, the
  article's links, excerpt) with lxml and XPath;
- the baseline: only the article's links with BeautifulSoup (its "lxml" tree builder and CSS
  selectors), as parades/pages.py took them from summary-only posts' pages until both kinds of
  page were read by one rule (page_reading.article_links); kept here as it was.

Best of --repeat runs each; the ratio is what page_reading.py's choice of lxml rests on.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bs4 import BeautifulSoup  # noqa: E402

from aggregator.feeds.clean import safe_url  # noqa: E402
from aggregator.parades.page_reading import read_page  # noqa: E402

URL = "https://anna.example/2026/10/mein-beitrag/"


def wordpress_page(paragraphs: int, comments: int) -> bytes:
    scripts = "".join(f'<script src="/wp-includes/js/{i}.js"></script><link rel="stylesheet" '
                      f'href="/wp-content/themes/t/{i}.css">' for i in range(30))  # fmt: skip
    head = (
        '<meta charset="utf-8"><title>Mein Beitrag – Annas Blog</title>' + scripts
        + '<link rel="canonical" href="' + URL + '">'
        '<link rel="alternate" type="application/rss+xml" title="Annas Blog » Feed" href="/feed/">'
        '<meta property="og:site_name" content="Annas Blog"><meta property="og:title" content="Mein Beitrag">'
        '<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite",'
        '"name":"Annas Blog","url":"https://anna.example/"},{"@type":"Article","headline":"Mein Beitrag",'
        '"datePublished":"2026-10-12T09:00:00+02:00","author":{"@type":"Person","name":"Anna"}}]}</script>'
    )
    menu = "<nav><ul>" + "".join(f'<li><a href="/kategorie/{i}/">Kategorie {i}</a></li>' for i in range(60)) + "</ul></nav>"
    text = "".join(f'<p>Absatz {i} mit <a href="https://ex{i}.example/x">einem Link</a> und viel Text über '
                   "Remote-Arbeit, Grüße aus dem Büro, der weitergeht und weitergeht.</p>"
                   for i in range(paragraphs))  # fmt: skip
    article = ('<article class="post"><h1 class="entry-title">Mein Beitrag</h1><time datetime="2026-10-12">'
               f'12.10.</time><div class="entry-content">{text}</div></article>')  # fmt: skip
    thread = ('<div id="comments" class="comments-area"><ol class="comment-list">'
              + "".join(f'<li class="comment"><p>Kommentar {i} <a href="https://c{i}.example/">x</a></p></li>'
                        for i in range(comments)) + "</ol></div>")  # fmt: skip
    sidebar = '<aside class="widget-area">' + "".join(f'<a href="/p/{i}/">Neu {i}</a>' for i in range(40)) + "</aside>"
    return f"<!doctype html><html lang=de><head>{head}</head><body>{menu}<main>{article}{thread}</main>{sidebar}</body></html>".encode()


# The baseline: the article's links as parades/pages.py took them with BeautifulSoup.
BODY_SELECTORS = (
    ".entry-content", ".post-content", ".post-body", ".article-content", ".e-content",
    "[itemprop=articleBody]", "article", "main", "[role=main]",
)  # fmt: skip
NOT_BODY = (
    "nav, aside, form, script, style, noscript, template, iframe, #comments, .comments, "
    ".comments-area, .comment-list, .commentlist, #respond, .sharedaddy, .share, .social-share, "
    ".related, .related-posts, .jp-relatedposts"
)


def soup_links(html: bytes, page_url: str) -> tuple[str, ...]:
    soup = BeautifulSoup(html, "lxml", from_encoding="utf-8")
    tag = soup.find("base", href=True)
    base = (safe_url(str(tag["href"]), page_url) if tag else None) or page_url
    body = next((found for s in BODY_SELECTORS if (found := soup.select_one(s))), None)
    body = body or soup.body or soup
    for junk in body.select(NOT_BODY):
        junk.decompose()
    links: dict[str, None] = {}
    for anchor in body.find_all("a", href=True):
        url = safe_url(str(anchor["href"]), base)
        if url and url.startswith(("http://", "https://")):
            links[url] = None
    return tuple(links)


def best(function, body: bytes, repeat: int, seconds: float = 1.0) -> float:
    times = []
    for _ in range(repeat):
        runs, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            function(body)
            runs += 1
        times.append((time.perf_counter() - started) / runs)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=40)
    parser.add_argument("--comments", type=int, default=80)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    body = wordpress_page(args.paragraphs, args.comments)
    ours = best(lambda b: read_page(b, URL, "text/html; charset=utf-8"), body, args.repeat)
    found, expected = soup_links(body, URL), read_page(body, URL, "text/html; charset=utf-8").links
    assert found == expected, "the baseline must find the links read_page finds"
    baseline = best(lambda b: soup_links(b, URL), body, args.repeat)
    print(f"page: {len(body) / 1024:.0f} KB")
    print(f"read_page (lxml, everything):        {ours * 1000:7.2f} ms")
    print(f"BeautifulSoup (lxml), links only:    {baseline * 1000:7.2f} ms")
    print(f"ratio: read_page is {baseline / ours:.1f}x faster")


if __name__ == "__main__":
    main()
