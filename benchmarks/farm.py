"""A farm of WordPress-style blogs on loopback, for the update benchmark (bench_update.py).

Each blog is served as WordPress 6 serves it (tests/wordpress.py renders the templates): its
post feed `/bN/feed/` (RSS 2.0, 10 posts of ~11 KB of HTML each, every post with
`wfw:commentRss` and `slash:comments`), the site-wide comment feeds `/bN/comments/feed/atom/` and
`/bN/comments/feed/`, each post's comment feeds `<permalink>feed/` and `<permalink>feed/atom/`,
and its REST API's comments (`/bN/wp-json/wp/v2/comments?post=…`, as WordPress answers without
a login), which every feed answered with a body names in its `Link` header, as WordPress's do.
With `--serves feeds` it serves the feeds only (a WordPress whose API a plugin switched off, or
a farm that knows WordPress's feeds but not its API): no `Link` header, the API a 404.  With
`--serves announced` it serves only what a post feed names: the post feed and each post's RSS
comment feed (a farm written to the letter of the feeds, as other benchmarks' are): every other
address is a 404.

Blogs are spread over loopback addresses (127.0.1.1, 127.0.1.2, …; `--blogs-per-host K`: K
blogs on each), one listening socket per address; every answer waits `latency` seconds first
(the network), and a request that sends the document's ETag or Last-Modified gets 304.  The
server runs in a process of its own so that it does not share a GIL (or a profile) with the
client measured.

    python benchmarks/farm.py --blogs 300 --comments 0 --latency 0.05
    (prints one JSON line: {"feeds": [post feed URLs], "stats": URL, …} once it listens)

It counts what it serves (`stats`: requests, and 304s among them), so that a benchmark can
say how many requests each client made; and at NEXT_PATH (`next_night`) every blog writes a post:
each post feed changes (the new post on top, the oldest gone), the comment feeds and the API
list the new post's comments, and every other document stays as it was (its ETag and date).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import socket
import subprocess
import sys
import urllib.request
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.wordpress import Blog, Comment, Post  # noqa: E402

POSTS = 10
# GET here (on any of the farm's addresses): {"requests": n, "not_modified": m} served so far.
STATS_PATH = "/_farm/stats"
# GET here: every blog writes a post (the next night), answered once every document is made.
NEXT_PATH = "/_farm/next"
WORDS = (
    "Blogparade Garten Werkzeug Grabegabel über schöne Grüße Ärger Öl Straße Beet Büro Kunden "
    "Mitarbeiter Zukunft Idee Projekt Erfahrung heute morgen gestern warum weil und oder aber "
    "nicht immer oft selten Kompost Saatgut Gießkanne Frühling Sommer Herbst Ernte Tomaten"
).split()


def host_of(n: int, per_host: int = 1) -> str:
    """Blog n's address, `per_host` blogs on each: 127.0.1.1, 127.0.1.2, … 127.0.1.250,
    127.0.2.1, …"""
    n //= per_host
    return f"127.0.{1 + n // 250}.{1 + n % 250}"


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def post_html(rng: random.Random, home: str, size: int = 10_000) -> str:
    """About `size` characters of HTML as a WordPress block editor writes a post."""
    parts: list[str] = []
    n = 0
    while sum(map(len, parts)) < size:
        n += 1
        kind = n % 6
        if kind == 1:
            link = f"{home}/2025/{rng.randint(1, 12):02d}/beitrag-{rng.randint(1, 999)}/"
            text = _sentence(rng, 22)
            words = text.split(" ")
            words[4] = f'<a href="{link}">{words[4]}</a>'
            words[9] = f"<strong>{words[9]}</strong>"
            words[15] = f"<em>{words[15]}</em>"
            parts.append("<p>" + " ".join(words) + " " + _sentence(rng, 18) + "</p>\n")
        elif kind == 2:
            image = f"/wp-content/uploads/2026/0{rng.randint(1, 9)}/bild-{n}"
            parts.append(
                '<figure class="wp-block-image size-large"><img loading="lazy" decoding="async" '
                f'width="1024" height="768" src="{image}-1024x768.jpg" alt="{_sentence(rng, 4)}" '
                f'class="wp-image-{n}" srcset="{image}-1024x768.jpg 1024w, {image}-300x225.jpg 300w, '
                f'{image}-768x576.jpg 768w" sizes="(max-width: 1024px) 100vw, 1024px" />'
                f"<figcaption>{_sentence(rng, 7)}</figcaption></figure>\n"
            )
        elif kind == 3:
            items = "".join(f"<li>{_sentence(rng, 6)}</li>" for _ in range(4))
            parts.append(f'<ul class="wp-block-list">{items}</ul>\n')
        elif kind == 4:
            parts.append(f'<h2 class="wp-block-heading">{_sentence(rng, 5)}</h2>\n')
        elif kind == 5:
            other = f"https://{rng.choice(['anna', 'jan', 'mira'])}.example.net/{rng.randint(1, 99)}/"
            parts.append(
                f'<p>{_sentence(rng, 14)} <a href="{other}" target="_blank" rel="noreferrer '
                f'noopener">{_sentence(rng, 3)}</a> {_sentence(rng, 12)}</p>\n'
            )
        else:
            parts.append(f"<blockquote class=\"wp-block-quote\"><p>{_sentence(rng, 20)}</p></blockquote>\n")
    return "".join(parts)


def make_blog(n: int, port: int, comments: int, now: datetime, per_host: int = 1, new: int = 0) -> Blog:
    """Blog n with its 10 newest posts, each with `comments` comments (every third one a reply
    to the one before, as readers answer each other): 10 from the last days, and where `new`
    posts were written since (NEXT_PATH), those within the last hour and the oldest ones gone
    from the feeds.  Each post is made from a random stream of its own: the same post whatever
    came after it."""
    home = f"http://{host_of(n, per_host)}:{port}/b{n}"
    posts = []
    for k in range(new, POSTS + new):  # k: the blog's k-th post
        rng = random.Random(f"{n}.{k}")
        if k < POSTS:
            published = now - timedelta(days=POSTS - k, hours=rng.randint(0, 20))
        else:
            published = now - timedelta(hours=1) + timedelta(minutes=k - POSTS)
        post = Post(id=100 + k, slug=f"beitrag-{n}-{k}", title=f"{_sentence(rng, 6)[:-1]} ({n}.{k})",
                    published=published, content=post_html(rng, home),
                    author="Jörg Beispiel", categories=("Garten", rng.choice(WORDS)))
        for c in range(comments):
            comment_id = 1001 + k * comments + c
            parent = comment_id - 1 if c % 3 == 2 else 0
            post.comments.append(Comment(
                id=comment_id, author=f"Leserin {c}", text=_sentence(rng, 25) + "\n\n" + _sentence(rng, 12),
                published=published + timedelta(minutes=1 + c), parent=parent,
                author_url=f"https://leserin{c}.example/",
            ))  # fmt: skip
        posts.append(post)
    return Blog(home=home, name=f"Gartenblog {n}", posts=posts, language="de")


FEEDS = ("posts.rss", "posts.atom", "comments.rss", "comments.atom", "post-comments.rss",
         "post-comments.atom")
SERVES = {  # --serves: the kinds of tests/wordpress.py's Blog.documents() each farm serves
    "wordpress": FEEDS + ("api",),  # "api": the REST API, and the Link header naming it
    "feeds": FEEDS,
    "announced": ("posts.rss", "post-comments.rss"),
}


def documents(blog: Blog, serves: str = "wordpress") -> dict[str, tuple[bytes, str]]:
    """{path: (body, content type)} of every feed the blog serves."""
    found: dict[str, tuple[bytes, str]] = {}
    for kind, paths in blog.documents().items():
        if kind in SERVES[serves]:
            found.update(paths)
    return found


async def serve(
    blogs: int, comments: int, latency: float, serves: str = "wordpress", per_host: int = 1
) -> None:
    from aiohttp import web

    now = datetime.now(UTC).replace(microsecond=0)
    sockets: list[socket.socket] = []
    port = 0
    for n in range(0, blogs, per_host):  # one port on every address: the first one free, then the same
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host_of(n, per_host), port))  # taken on some address: start() tries another port
        sock.listen(1024)
        sock.setblocking(False)
        port = sock.getsockname()[1]
        sockets.append(sock)
    served: dict[str, tuple[bytes, str, str, str]] = {}  # body, type, ETag, Last-Modified
    apis: dict[str, tuple[Blog, list[dict]]] = {}  # the API's address: its blog, its comments
    links: dict[str, str] = {}  # by host and blog path: the Link header its feeds send
    feeds: list[str] = []

    def build(new: int) -> None:
        """Every blog's documents, `new` posts after its first ten; a document that changed
        is modified now, the others keep their dates."""
        modified = format_datetime(datetime.now(UTC) - timedelta(hours=0 if new else 1), usegmt=True)
        feeds.clear()
        for n in range(blogs):
            blog = make_blog(n, port, comments, now, per_host, new)
            feeds.append(blog.posts_rss_url())
            for path, (body, kind) in documents(blog, serves).items():
                key = f"{host_of(n, per_host)}{path}"
                etag = '"' + hashlib.md5(body).hexdigest() + '"'
                before = served.get(key)
                served[key] = (body, kind, etag, before[3] if before and before[2] == etag else modified)
            if "api" in SERVES[serves]:
                home = f"{host_of(n, per_host)}/b{n}"
                # Made once: the farm's own CPU is on the cores the clients are measured on.
                apis[f"{home}/wp-json/wp/v2/comments"] = (blog, blog.api_items())
                links[home] = blog.api_link()

    generation = [0]
    build(0)
    counts = {"requests": 0, "not_modified": 0}

    async def handle(request: web.Request) -> web.StreamResponse:
        if request.path == STATS_PATH:  # the benchmark's question, not a client's request
            return web.json_response(counts)
        if request.path == NEXT_PATH:
            generation[0] += 1
            build(generation[0])
            return web.json_response({"new": generation[0]})
        counts["requests"] += 1
        await asyncio.sleep(latency)
        key = f"{request.host.rsplit(':', 1)[0]}{request.path}"
        found = served.get(key)
        if found is None:
            api = apis.get(key)
            if api is not None:
                blog, items = api
                status, headers, body = blog.api_query(request.query_string, items)
                return web.Response(status=status, headers=headers, body=body)
            return web.Response(status=404, text="not found")
        body, kind, etag, modified = found
        headers = {"ETag": etag, "Last-Modified": modified}
        if request.headers.get("If-None-Match") == etag or (
            "If-None-Match" not in request.headers
            and request.headers.get("If-Modified-Since") == modified
        ):
            counts["not_modified"] += 1
            return web.Response(status=304, headers=headers)
        link = links.get(key[: key.find("/", key.find("/b") + 1)])  # by "<host>/bN"
        if link:  # sent with a body only: WordPress answers a 304 before it names its API
            headers["Link"] = link
        return web.Response(body=body, headers={**headers, "Content-Type": kind})

    app = web.Application()
    app.router.add_get("/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None, handle_signals=True)
    await runner.setup()
    for sock in sockets:
        await web.SockSite(runner, sock).start()
    size = len(served[f"{host_of(0)}/b0/feed/"][0])
    stats = f"http://{host_of(0)}:{port}{STATS_PATH}"
    print(json.dumps({"feeds": feeds, "feed_bytes": size, "documents": len(served), "stats": stats}),
          flush=True)  # fmt: skip
    await asyncio.Event().wait()


def next_night(stats: str) -> None:
    """Every blog of the farm whose `stats` address is given writes a post (NEXT_PATH)."""
    with urllib.request.urlopen(stats.replace(STATS_PATH, NEXT_PATH), timeout=600) as response:
        response.read()


def start(
    blogs: int, comments: int, latency: float, serves: str = "wordpress", per_host: int = 1
) -> tuple[subprocess.Popen[str], dict]:
    """The farm in a child process, and what it printed once it listens."""
    for _ in range(5):
        child = subprocess.Popen(
            [sys.executable, __file__, "--blogs", str(blogs), "--comments", str(comments),
             "--latency", str(latency), "--serves", serves, "--blogs-per-host", str(per_host)],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert child.stdout is not None
        line = child.stdout.readline()
        if line:
            return child, json.loads(line)
        child.wait()
    raise RuntimeError("the farm did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blogs", type=int, default=300)
    parser.add_argument("--comments", type=int, default=0, help="comments per post")
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--serves", choices=sorted(SERVES), default="wordpress")
    parser.add_argument("--blogs-per-host", type=int, default=1)
    args = parser.parse_args()
    asyncio.run(serve(args.blogs, args.comments, args.latency, args.serves, args.blogs_per_host))


if __name__ == "__main__":
    main()
