"""How much parse_feed + clean_post cost per feed, against plain feedparser in the same run.

Run on demand:  .venv/bin/python benchmarks/bench_parse.py [--feeds 300] [--posts 10] [--repeat 3]

Generates WordPress-like RSS feeds (German text, links, images with srcset, relative URLs,
~10 KB each), then times, per feed, (a) the baseline `feedparser.parse(body)` with its defaults
(sanitising and URL resolution on), (b) `parse_feed` alone, read by lxml (feeds/xmlreader.py) and
(c) by feedparser (`engine="feedparser"`, its fallback), and (d) `parse_feed` plus `clean_post`
for every entry.  Best of --repeat runs each, so that a busy machine does not decide the ratio.
Last, what a pool worker's answer costs to send back: a feed's Post records pickled and
unpickled, against plain tuples pickled, unpickled and made into Posts again.
"""

from __future__ import annotations

import argparse
import io
import pickle
import random
import sys
import time
import timeit
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import feedparser  # noqa: E402

from aggregator.feeds.clean import clean_post  # noqa: E402
from aggregator.feeds.parse import parse_feed  # noqa: E402
from aggregator.models import Participant, Post  # noqa: E402

WORDS = ("Blogparade Garten Werkzeug Grabegabel über schöne Grüße Ärger Öl Straße Beet Büro "
         "Kunden Mitarbeiter Zukunft Idee Projekt Erfahrung heute morgen gestern warum weil "
         "und oder aber nicht immer oft selten").split()


def paragraph(rng: random.Random, host: str) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(18, 30))]
    words[5] = f'<a href="https://{rng.choice(["anna.example.net", host])}/2024/{rng.randint(1, 99)}/">{words[5]}</a>'
    words[12] = f"<strong>{words[12]}</strong>"
    return "<p>" + " ".join(words) + ".</p>"


def body_html(rng: random.Random, host: str) -> str:
    parts = [paragraph(rng, host) for _ in range(2)]
    parts.insert(1, '<p><img src="/wp-content/uploads/bild.jpg" alt="Bild" width="800" height="600" '
                    'srcset="/wp-content/uploads/bild.jpg 800w, /wp-content/uploads/bild-300.jpg 300w" '
                    'sizes="(max-width: 800px) 100vw, 800px" class="wp-image-1" /></p>')
    return "\n".join(parts)


def make_feed(n: int, posts: int) -> bytes:
    rng = random.Random(n)
    host = f"blog{n}.example"
    start = datetime(2024, 5, 1, tzinfo=timezone.utc)
    items = []
    for i in range(posts):
        when = format_datetime(start - timedelta(days=i))
        items.append(
            f"<item><title>{escape(' '.join(rng.choice(WORDS) for _ in range(6)))}</title>"
            f"<link>https://{host}/2024/05/post-{i}/</link>"
            f"<dc:creator><![CDATA[Jürgen Müller]]></dc:creator><pubDate>{when}</pubDate>"
            f"<category><![CDATA[Blogparade]]></category><category><![CDATA[Garten]]></category>"
            f'<guid isPermaLink="false">https://{host}/?p={i}</guid>'
            f"<description><![CDATA[{rng.choice(WORDS)} [&#8230;]]]></description>"
            f"<content:encoded><![CDATA[{body_html(rng, host)}]]></content:encoded>"
            f"<wfw:commentRss>https://{host}/2024/05/post-{i}/feed/</wfw:commentRss>"
            f"<slash:comments>{rng.randint(0, 9)}</slash:comments></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:slash="http://purl.org/rss/1.0/modules/slash/"><channel>'
        f"<title>Blog {n}</title><link>https://{host}</link><language>de-DE</language>"
        + "".join(items) + "</channel></rss>"
    ).encode("utf-8")


def baseline(bodies: list[tuple[str, bytes]]) -> float:
    start = time.perf_counter()
    for url, body in bodies:
        feedparser.parse(io.BytesIO(body), response_headers={"content-location": url})
    return time.perf_counter() - start


def parse_only(bodies: list[tuple[str, bytes]], engine: str) -> float:
    start = time.perf_counter()
    for url, body in bodies:
        parse_feed(body, {"Content-Type": "application/rss+xml; charset=UTF-8"}, url, engine=engine)  # type: ignore[arg-type]
    return time.perf_counter() - start


def ours(bodies: list[tuple[str, bytes]], participant: Participant) -> float:
    start = time.perf_counter()
    for url, body in bodies:
        feed = parse_feed(body, {"Content-Type": "application/rss+xml; charset=UTF-8"}, url)
        for entry in feed.entries:
            clean_post(entry, participant)
    return time.perf_counter() - start


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--feeds", type=int, default=300)
    options.add_argument("--posts", type=int, default=10)
    options.add_argument("--repeat", type=int, default=3)
    args = options.parse_args()
    bodies = [(f"https://blog{n}.example/feed/", make_feed(n, args.posts)) for n in range(args.feeds)]
    participant = Participant("bench", "Bench", "https://bench.example/feed/", "https://bench.example/")
    size = sum(len(b) for _, b in bodies) / len(bodies) / 1024
    ours(bodies[:5], participant)  # warm up imports and caches
    times: dict[str, list[float]] = {"base": [], "lxml": [], "feedparser": [], "ours": []}
    for _ in range(args.repeat):
        times["base"].append(baseline(bodies))
        times["lxml"].append(parse_only(bodies, "auto"))
        times["feedparser"].append(parse_only(bodies, "feedparser"))
        times["ours"].append(ours(bodies, participant))
    ms = {key: min(values) / len(bodies) * 1000 for key, values in times.items()}
    print(f"{len(bodies)} feeds x {args.posts} posts, {size:.1f} KB per feed, best of {args.repeat}")
    print(f"feedparser.parse (defaults)             {ms['base']:7.2f} ms/feed")
    print(f"parse_feed, lxml reader                 {ms['lxml']:7.2f} ms/feed")
    print(f"parse_feed, engine=feedparser           {ms['feedparser']:7.2f} ms/feed")
    print(f"parse_feed + clean_post (lxml reader)   {ms['ours']:7.2f} ms/feed")
    print(f"lxml reader vs feedparser engine        {ms['feedparser'] / ms['lxml']:7.1f}x faster")
    print(f"ratio (parse + clean / baseline)        {ms['ours'] / ms['base']:7.2f}")
    posts = [clean_post(entry, participant)
             for entry in parse_feed(bodies[0][1], {}, bodies[0][0]).entries]  # fmt: skip
    fields = tuple(Post.__dataclass_fields__)

    def as_records() -> None:
        pickle.loads(pickle.dumps(posts, protocol=pickle.HIGHEST_PROTOCOL))

    def as_tuples() -> None:
        rows = [tuple(getattr(post, name) for name in fields) for post in posts]
        [Post(*row) for row in pickle.loads(pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL))]

    records_us = min(timeit.repeat(as_records, number=200, repeat=args.repeat)) / 200 * 1e6
    tuples_us = min(timeit.repeat(as_tuples, number=200, repeat=args.repeat)) / 200 * 1e6
    print(f"a feed's {len(posts)} Posts to a worker's parent: records {records_us:.0f} us, "
          f"tuples {tuples_us:.0f} us")


if __name__ == "__main__":
    main()
