"""No third-party requests from a reader's browser (issue 11): images of full posts are
downloaded once and served from the site; everything else about them is dropped."""

from __future__ import annotations

import re

import functools
import json
import struct
import threading
import zlib
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from aggregator.feeds.clean import image_urls
from aggregator.feeds.images import sniff
from aggregator.store import MediaRecord, utcnow
from aggregator.website.media import HEADER_BYTES, file_dimensions, local_images
from aggregator.website.plugin.environment import language_name
from tests.acceptance_helpers import (
    THEME_TEMPLATES, html_files, invoke, new_site, ok, parse_html, write_participant,
)
from tests.browser import Chromium, chromium_path
from tests.feedmaker import Item, rss
from tests.servers import RSS_TYPE, FeedServer, respond, status

REPO = Path(__file__).resolve().parents[1]


def png(width: int = 2, height: int = 2) -> bytes:
    """A real PNG (a browser decodes it), made by hand: no imaging library needed."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xcc\x33\x33" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def test_images_are_recognised_by_their_bytes_not_their_label():
    assert sniff(png()) == ("image/png", "png")
    assert sniff(b"\xff\xd8\xff\xe0JFIF") == ("image/jpeg", "jpg")
    assert sniff(b"GIF89a....") == ("image/gif", "gif")
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == ("image/webp", "webp")
    assert sniff(SVG) is None and sniff(b"<!doctype html><p>hi") is None


def test_only_copies_made_here_stay_in_a_body():
    record = MediaRecord("https://blog.example/a.png", "abc.png", "image/png", 10, utcnow())
    failed = MediaRecord("https://blog.example/b.png", None, None, None, utcnow(), "404")
    body = ('<p><img src="https://blog.example/a.png" srcset="https://blog.example/a2.png 2x" alt="A">'
            '<img src="https://blog.example/b.png" alt="Foto 21 &amp; &lt;mehr&gt;"><img src="https://tracker.example/pixel.gif">'
            '<picture><source srcset="https://blog.example/a.webp"><img src="https://blog.example/a.png"></picture></p>')
    used: set[str] = set()
    local = local_images(body, {record.url: record, failed.url: failed}, "{static}/aggregated/_media/", used)
    assert used == {"abc.png"}
    assert "blog.example" not in local and "tracker" not in local and "srcset" not in local
    assert local.count('<img src="{static}/aggregated/_media/abc.png"') == 2 and 'alt="A"' in local
    # What a failed image showed stays said (as a browser says a broken image's alt text); the
    # pixel, with no alt, leaves nothing.
    assert '<span class="image-alt">Foto 21 &amp; &lt;mehr&gt;</span><picture>' in local
    assert image_urls(body) == ["https://blog.example/a.png", "https://blog.example/b.png",
                                "https://tracker.example/pixel.gif"]


def test_the_theme_asks_no_other_host():
    """No Gravatar, no web fonts, no scripts or styles from elsewhere: only links leave."""
    for path in [*THEME_TEMPLATES.rglob("*.html"), *(REPO / "theme" / "static").rglob("*.css")]:
        text = path.read_text(encoding="utf-8")
        for needle in ("gravatar", "fonts.googleapis", "fonts.gstatic", "@import", "<iframe",
                       "url(http", "url(//"):
            assert needle not in text.lower(), (path, needle)
        # The one script is the search page's own, served from the theme's folder here.
        for script in re.findall(r"<script[^>]*>", text, re.I):
            assert 'src="{{ SITEURL }}/{{ THEME_STATIC_DIR }}/' in script, (path, script)


def blog_with_images(server: FeedServer) -> None:
    home = server.url("/bilder/")
    body = (f'<p>Unser Foto: <img src="{home}foto.png" srcset="{home}foto-gross.png 2x" alt="Foto"></p>'
            f'<picture><source srcset="{home}foto.webp" type="image/webp"><img src="{home}foto.png" alt="Nochmal"></picture>'
            f'<p><img src="{home}zeichnung.svg" alt="SVG"> <img src="{home}fehlt.png" alt="fehlt"> '
            f'<img src="{home}getarnt.png" alt="HTML"></p>')
    server.route("/bilder/feed/", respond(rss([Item("b1", "Ein Beitrag mit Bildern", home + "b1/", body=body)],
                                               "Bilderblog", home).encode(), content_type=RSS_TYPE))
    server.route("/bilder/foto.png", respond(png(), content_type="image/png"))
    server.route("/bilder/foto-gross.png", respond(png(4, 4), content_type="image/png"))
    server.route("/bilder/foto.webp", respond(png(), content_type="image/webp"))
    server.route("/bilder/zeichnung.svg", respond(SVG, content_type="image/svg+xml"))
    server.route("/bilder/fehlt.png", status(404))
    server.route("/bilder/getarnt.png", respond(b"<!doctype html><p>kein Bild", content_type="image/png"))


@pytest.fixture
def image_site(tmp_path, feed_server):
    blog_with_images(feed_server)
    site = new_site(tmp_path / "site")
    write_participant(site, "bilder", "Bilderblog", feed_server.url("/bilder/feed/"),
                      feed_server.url("/bilder/"), display="full")
    result = ok(invoke(site, "run"))
    assert "Images: 1 downloaded, 3 dropped" in result.output, result.output
    # Each dropped image is named with why, so an editor knows what to mend or allow.
    dropped = [line for line in result.output.splitlines() if line.startswith("  dropped ")]
    assert sorted(line.split(": ", 1)[0] for line in dropped) == [
        f"  dropped {feed_server.url('/bilder/' + name)}" for name in ("fehlt.png", "getarnt.png", "zeichnung.svg")]
    assert all(line.split(": ", 1)[1].strip() for line in dropped), dropped
    return site, feed_server


def test_images_are_downloaded_once_and_published_from_the_site(image_site):
    site, server = image_site
    [exported] = (site / "content" / "aggregated" / "bilder").glob("*.json")
    body = json.loads(exported.read_text(encoding="utf-8"))["body"]
    assert "127.0.0.1" not in body and body.count("{static}/aggregated/_media/") == 2
    [copy] = (site / "output" / "aggregated" / "_media").iterdir()
    assert copy.read_bytes() == png()
    for page in html_files(site / "output"):  # links lead to the blog; nothing is loaded from it
        sources = parse_html(page).xpath("//@src | //@srcset | //link[@rel='stylesheet']/@href")
        assert not [s for s in sources if f":{server.port}/" in s], page
    feed = (site / "output" / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert f":{server.port}/bilder/foto" not in feed
    hits = server.hits("/bilder/foto.png")
    ok(invoke(site, "run", "--all"))
    assert server.hits("/bilder/foto.png") == hits == 1  # once, not every night
    assert server.hits("/bilder/foto-gross.png") == 0  # srcset alternatives are not fetched


def test_an_image_its_server_did_not_give_is_asked_again_the_next_day(image_site):
    # One 404 (the image uploaded after the post), one night's timeout or 500: the image was
    # remembered as failed and never asked again; the post kept an empty figure for good.
    import sqlite3

    from aggregator.site import Site

    site, server = image_site
    server.route("/bilder/fehlt.png", respond(png(3, 3), content_type="image/png"))
    ok(invoke(site, "run"))
    assert server.hits("/bilder/fehlt.png") == 1  # not again the same day
    with sqlite3.connect(Site.load(site).store_path) as db:  # a day later
        db.execute("UPDATE media SET fetched_at = '2000-01-01T00:00:00+00:00'")
    result = ok(invoke(site, "run"))
    assert "Images: 1 downloaded, 0 dropped" in result.output, result.output
    assert server.hits("/bilder/fehlt.png") == 2
    # What came and was refused would come the same: not asked again.
    assert server.hits("/bilder/zeichnung.svg") == server.hits("/bilder/getarnt.png") == 1
    from aggregator.feeds.images import worth_asking
    from aggregator.models import ErrorKind

    too_big = MediaRecord("u", None, None, 0, datetime(2000, 1, 1, tzinfo=UTC), str(ErrorKind.TOO_LARGE))
    assert not worth_asking(too_big, utcnow())  # refused by this site's own cap: never again
    [exported] = (site / "content" / "aggregated" / "bilder").glob("*.json")
    assert json.loads(exported.read_text(encoding="utf-8"))["body"].count("{static}/aggregated/_media/") == 3, result.output


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.slow
def test_the_built_pages_ask_no_host_but_the_sites_own(image_site):
    """Every page of the built site in headless Chromium: every request goes to the site."""
    if chromium_path() is None:
        pytest.skip("no chromium on this machine (apt-get install chromium; .ci/run does)")
    site, blog = image_site
    output = site / "output"
    handler = functools.partial(_Quiet, directory=str(output))
    server = ThreadingHTTPServer(("127.0.0.3", 0), handler)  # another host than the blog's
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.3:{server.server_address[1]}"
    try:
        pages = [f"{origin}/{path.relative_to(output).as_posix()}" for path in html_files(output)]
        with Chromium() as browser:
            loads = browser.load_all(pages)
    finally:
        server.shutdown()
        server.server_close()
    assert len(loads) == len(pages) > 5
    elsewhere = {url for load in loads for url in load.requests
                 if urlsplit(url).scheme in ("http", "https") and not url.startswith(origin + "/")}
    assert not elsewhere, elsewhere
    post = next((load for load in loads if "/blogs/bilder/" in load.url and load.url.count("/") > 5), None)
    assert post, [load.url for load in loads]
    images = [url for url in post.requests if "/_media/" in url]
    assert images and all(post.statuses.get(url) == 200 for url in images), post
    assert blog.hits("/bilder/foto.png") == 1  # the download, nothing from the browser


def test_a_purged_blog_takes_its_images_along(image_site):
    site, _ = image_site
    [cached] = (site / "media").iterdir()
    ok(invoke(site, "remove", "bilder", "--purge"))
    assert not cached.exists()
    ok(invoke(site, "build"))
    assert not [p for p in (site / "output").rglob("*.png") if "theme" not in p.relative_to(site / "output").parts]


def test_an_image_its_blog_gave_no_alt_text_is_marked_decorative(tmp_path, feed_server):
    # Found with axe on a site of a Blogger-style blog: <img> without alt, whose copy here is
    # named by a digest, is announced as that name ("a c c d 8 4 … png") by screen readers.
    home = feed_server.url("/fotos/")
    body = (f'<p>Ohne Beschreibung: <img src="{home}ohne.png" title="Ein alt-Foto"></p>'
            f'<p><img src="{home}mit.png" alt="Der Hafen im Nebel"> <img src="{home}leer.png" alt=""></p>')
    for name, size in (("ohne", 2), ("mit", 3), ("leer", 4)):  # three files: three digests
        feed_server.route(f"/fotos/{name}.png", respond(png(size, size), content_type="image/png"))
    images = published_images(tmp_path, feed_server, "fotos", body)
    assert [(image.get("alt"), image.get("title")) for image in images] == [
        ("", "Ein alt-Foto"), ("Der Hafen im Nebel", None), ("", None)]
    assert all("/_media/" in image.get("src") for image in images)


def test_images_keep_their_room_while_loading_and_only_the_first_loads_at_once(tmp_path, feed_server):
    # A page whose images came without width and height jumped as each one arrived (Blogger's,
    # Ghost's, a toot's photos), and every image of a long post loaded with the page.  The copy's
    # own size is given where the blog gave none; all but the first wait until scrolled to.
    home = feed_server.url("/reise/")
    body = (f'<p><img src="{home}weit.png" alt="Weit"></p><p><img src="{home}hoch.png" alt="Hoch"></p>'
            f'<p><img src="{home}gesagt.png" width="300" alt="Gesagt"> <img src="{home}kaputt.png" alt="Kaputt"></p>')
    for name, size in (("weit", (40, 10)), ("hoch", (6, 30)), ("gesagt", (600, 400))):
        feed_server.route(f"/reise/{name}.png", respond(png(*size), content_type="image/png"))
    broken = png(5, 5)[:8] + b"\x00\x00\x00\x0dIHDR" + b"\xff" * 8  # a PNG claiming 4 billion pixels
    feed_server.route("/reise/kaputt.png", respond(broken, content_type="image/png"))
    images = published_images(tmp_path, feed_server, "reise", body)
    assert [(i.get("alt"), i.get("width"), i.get("height"), i.get("loading"), i.get("decoding"))
            for i in images] == [  # fmt: skip
        ("Weit", "40", "10", None, "async"),
        ("Hoch", "6", "30", "lazy", "async"),
        ("Gesagt", "300", "200", "lazy", "async"),  # the blog's width stays, the height in proportion
        ("Kaputt", None, None, "lazy", "async"),
    ]


def published_images(tmp_path, feed_server, slug: str, body: str) -> list:
    """The images of the one post (`body`) of a blog shown in full, served at /<slug>/, after
    `blogparade run`: as its page on the site has them."""
    home = feed_server.url(f"/{slug}/")
    feed_server.route(f"/{slug}/feed/", respond(rss([Item("p1", "Bilder", home + "p1/", body=body)],
                                                    "Bilderblog", home).encode(), content_type=RSS_TYPE))  # fmt: skip
    site = new_site(tmp_path / "site")
    write_participant(site, slug, "Bilderblog", feed_server.url(f"/{slug}/feed/"), home, display="full")
    ok(invoke(site, "run"))
    [post] = [p for p in html_files(site / "output") if f"/blogs/{slug}/" in p.as_posix() and p.parent.name != slug]
    return parse_html(post).xpath("//main//img")


def test_an_images_size_is_read_from_its_header_only(tmp_path):
    # imagesize walks a JPEG's segments to its frame: a file of millions of empty segments took
    # seconds an image.  Only the first HEADER_BYTES are read, where real headers are.
    def jpeg(padding: int) -> bytes:
        segment = b"\xff\xe1" + struct.pack(">H", 2)  # an empty APP1 segment (4 bytes)
        frame = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, 30, 40, 1) + b"\x01\x11\x00"
        return b"\xff\xd8" + segment * (padding // 4) + frame + b"\xff\xd9"

    (tmp_path / "near.jpg").write_bytes(jpeg(1000))
    (tmp_path / "far.jpg").write_bytes(jpeg(HEADER_BYTES))
    dimensions = file_dimensions(tmp_path)
    assert dimensions("near.jpg") == (40, 30) and dimensions("far.jpg") is None
    assert dimensions("missing.jpg") is None


@pytest.mark.parametrize(("tag", "name"), [("en", "English"), ("de-AT", "Deutsch (Österreich)"), ("tlh", "tlh")])
def test_a_language_is_named_in_its_own_words_or_by_its_tag(tag, name):
    assert language_name(tag) == name


def test_images_made_decorative_are_not_warned_of_at_every_build(tmp_path, feed_server):
    # Pelican warned "Empty alt attribute for image …" for each such image of ours (on purpose:
    # its blog gave none) at every build, in the nightly log; an editor's own page still hears it.
    home = feed_server.url("/fotos/")
    body = "".join(f'<p><img src="{home}o{n}.png"></p>' for n in range(8))
    for n in range(8):
        feed_server.route(f"/fotos/o{n}.png", respond(png(n + 2, 3), content_type="image/png"))
    feed_server.route("/fotos/feed/", respond(rss([Item("p1", "Bilder", home + "p1/", body=body)], "Fotos",
                                                  home).encode(), content_type=RSS_TYPE))  # fmt: skip
    site = new_site(tmp_path / "site")
    write_participant(site, "fotos", "Fotos", feed_server.url("/fotos/feed/"), home, display="full")
    assert "alt" not in ok(invoke(site, "run")).output
    (site / "content" / "pages" / "bild.md").write_text("Title: Bild\n\n![](../images/x.png)\n", encoding="utf-8")
    assert "Empty alt attribute" in ok(invoke(site, "build")).output


def test_an_image_whose_header_says_too_many_pixels_is_not_kept(tmp_path, feed_server):
    # A few KB of PNG said 60,000 × 60,000: every reader's browser would decode 14 GB.
    import asyncio

    from aggregator.feeds.fetch import Fetcher, FetchSettings
    from aggregator.feeds.images import MAX_PIXELS, download
    from tests.servers import LOOPBACK_POLICY

    def header_only(width: int, height: int) -> bytes:  # what a bomb sends: the header says it all
        ihdr = b"IHDR" + struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
        return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + ihdr + struct.pack(">I", zlib.crc32(ihdr))

    bomb = feed_server.route("/bomb.png", respond(header_only(60_000, 60_000), content_type="image/png"))
    fine = feed_server.route("/fine.png", respond(header_only(4000, 3000), content_type="image/png"))

    async def get(url: str) -> MediaRecord:
        async with Fetcher(FetchSettings(user_agent="t", policy=LOOPBACK_POLICY)) as fetcher:
            return await download(fetcher, url, tmp_path / "media")

    refused, kept = asyncio.run(get(bomb)), asyncio.run(get(fine))
    assert refused.file is None and "3,600 million pixels" in refused.error and 60_000 * 60_000 > MAX_PIXELS
    assert kept.file is not None and kept.error is None
