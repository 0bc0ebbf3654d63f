"""Issue 12, checked as a new user would: an intranet-style site whose blogs sit behind a basic
login, a bearer token and a company CA, all fetched through a forward proxy named by
HTTPS_PROXY/HTTP_PROXY, in two departments, with a weekly digest.  Real servers on loopback
(allowed by the site's network policy), the real CLI, the built HTML read back."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Iterator

import pytest

from tests.acceptance_helpers import (
    invoke, new_site, ok, parse_html, post_pages, status_lines, write_participant,
)  # fmt: skip
from tests.feedmaker import Item, Reply, rss, wordpress_comments_rss
from tests.intranet_servers import CompanyCA, ForwardProxy, TLSFeedServer, WatchedFeedServer
from tests.servers import Request, respond

pytestmark = pytest.mark.slow

PASSWORD = "Sommer-2026!"
TOKEN = "tok-3f9a8b7c6d5e"
NOW = datetime.now(UTC)
ATOM = "{http://www.w3.org/2005/Atom}"
SITEURL = "http://intranet.beispiel.example/blogroll"  # a sub-path, as behind an SSO proxy


@dataclass
class Blog:
    slug: str
    name: str
    department: str
    server: WatchedFeedServer
    recent: list[str]  # titles of this week's posts
    old: list[str]  # titles of posts from a month ago

    @property
    def titles(self) -> list[str]:
        return self.recent + self.old

    @property
    def feed(self) -> str:
        return self.server.url("/feed/")


def feed_of(blog_name: str, base: str, recent: list[str], old: list[str]) -> bytes:
    # Each blog's newest post has a comment feed on the blog's own origin (behind its login).
    items = [Item(guid=f"{base}/{i}", title=title, link=f"{base}/{i}/", author="Anna Beispiel",
                  published=NOW - timedelta(days=1 + i), body=f"<p>{title}: Text.</p>",
                  comments_feed=f"{base}/comments/{i}/" if i == 0 else None,
                  comment_count=1 if i == 0 else None)
             for i, title in enumerate(recent)]
    items += [Item(guid=f"{base}/old-{i}", title=title, link=f"{base}/old-{i}/",
                   published=NOW - timedelta(days=30 + i), body=f"<p>{title}: Alt.</p>")
              for i, title in enumerate(old)]
    return rss(items, title=blog_name, link=base + "/").encode("utf-8")


def behind(header: str, value: str, body: bytes):  # noqa: ANN201 - a route
    async def handler(request: Request) -> None:
        if request.headers.get(header.lower()) == value:
            await respond(body)(request)
        else:
            await request.send(401, {"WWW-Authenticate": 'Basic realm="wiki"'}, b"no\n")

    return handler


@dataclass
class Intranet:
    site: Path
    proxy: ForwardProxy
    blogs: list[Blog]
    monkeypatch: pytest.MonkeyPatch

    def blog(self, slug: str) -> Blog:
        return next(blog for blog in self.blogs if blog.slug == slug)


@pytest.fixture
def intranet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Intranet]:
    ca = CompanyCA(tmp_path)
    with ForwardProxy() as proxy, \
            WatchedFeedServer(host="127.0.0.1") as wiki_server, \
            WatchedFeedServer(host="127.0.0.2") as news_server, \
            TLSFeedServer(ca.server_context(), name="localhost") as kantine_server:  # fmt: skip
        blogs = [
            Blog("wiki", "Vertriebswiki", "Vertrieb", wiki_server,
                 ["Angebot für Kunde Nord", "Messe in Hannover"], ["Quartalszahlen Q2"]),
            Blog("news", "Entwicklernews", "Entwicklung", news_server,
                 ["Release 4.2 ist da"], ["Neues Build-System", "Alte Schnittstelle abgeschaltet"]),
            Blog("kantine", "Kantinenblog", "Vertrieb", kantine_server,
                 ["Speiseplan der Woche"], ["Sommerfest-Rückblick"]),
        ]
        auth = {"wiki": ("Authorization", "Basic " + base64.b64encode(f"vertrieb:{PASSWORD}".encode()).decode()),
                "news": ("Authorization", f"Bearer {TOKEN}")}
        for blog in blogs:
            body = feed_of(blog.name, blog.server.base_url, blog.recent, blog.old)
            base = blog.server.base_url
            comments = wordpress_comments_rss(f"{base}/0", f"{base}/0/",
                                              [Reply(1, "Bernd", f"Kommentar bei {blog.name}")]).encode()
            for path, answer in (("/feed/", body), ("/comments/0/", comments)):
                route = behind(*auth[blog.slug], answer) if blog.slug in auth else respond(answer)
                blog.server.route(path, route)
        site = new_site(tmp_path / "intranet", settings="""
SITENAME = "Beispiel AG Blogs"
BLOGPARADE_MAX_WAIT_DAYS = 0
""")
        (site / "publishconf.py").write_text((site / "publishconf.py").read_text().replace(
            'SITEURL = "https://blogparade.example"', f'SITEURL = "{SITEURL}"'))
        # The nightly job's environment: the proxy, the company's CA, the secrets.
        for name in ("NO_PROXY", "no_proxy", "http_proxy", "https_proxy", "BLOGPARADE_PROXY"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        monkeypatch.setenv("BLOGPARADE_CA_BUNDLE", str(ca.bundle))
        monkeypatch.setenv("BLOGPARADE_LOGIN_WIKI", PASSWORD)
        monkeypatch.setenv("BLOGPARADE_LOGIN_NEWS", TOKEN)
        write_participant(site, "wiki", "Vertriebswiki", blogs[0].feed, department="Vertrieb",
                          login={"kind": "basic", "user": "vertrieb", "secret_env": "BLOGPARADE_LOGIN_WIKI"})
        write_participant(site, "news", "Entwicklernews", blogs[1].feed, department="Entwicklung",
                          login={"kind": "bearer", "secret_env": "BLOGPARADE_LOGIN_NEWS"})
        write_participant(site, "kantine", "Kantinenblog", blogs[2].feed, department="Vertrieb")
        yield Intranet(site, proxy, blogs, monkeypatch)


def test_every_post_arrives_through_the_proxy_with_no_secret_in_git(intranet: Intranet) -> None:
    site = intranet.site
    ok(invoke(site, "check"))
    ok(invoke(site, "run"))
    pages = post_pages(site / "output")
    assert set(pages) == {title for blog in intranet.blogs for title in blog.titles}
    # Comment feeds on the blog's origin are read with its login too.
    for blog in intranet.blogs:
        assert f"Kommentar bei {blog.name}" in pages[blog.recent[0]].text, blog.slug
    # The participant files (what lands in git) hold no secret.
    for path in (site / "content" / "participants").glob("*.toml"):
        text = path.read_text(encoding="utf-8")
        assert PASSWORD not in text and TOKEN not in text
        assert base64.b64encode(PASSWORD.encode()).decode() not in text
    # The proxy saw every request: every connection any blog server got came from the proxy.
    for blog in intranet.blogs:
        assert blog.server.requests, blog.slug
        assert set(blog.server.peers) <= set(intranet.proxy.upstream), blog.slug
    assert intranet.proxy.saw("CONNECT", f"localhost:{intranet.blog('kantine').server.port}")
    assert intranet.proxy.saw("GET", intranet.blog("wiki").feed)
    # status says ok for each.
    lines = status_lines(ok(invoke(site, "status")).output)
    assert all("\tok\t" in lines[blog.name] for blog in intranet.blogs), lines


def test_a_wrong_password_is_login_refused_in_status(intranet: Intranet) -> None:
    site = intranet.site
    intranet.monkeypatch.setenv("BLOGPARADE_LOGIN_WIKI", "Winter-2025")
    ok(invoke(site, "fetch"))
    status = ok(invoke(site, "status")).output
    wiki = status_lines(status)["Vertriebswiki"]
    assert "error: login refused: 401 Unauthorized to the basic login as 'vertrieb'" in wiki
    assert "Winter-2025" not in status and PASSWORD not in status
    assert "\tok\t" in status_lines(status)["Entwicklernews"]
    # Asked once, with the one password it has: never with other credentials.
    logins = [r.headers.get("authorization") for r in intranet.blog("wiki").server.requests]
    assert len(set(logins)) == 1


def test_check_names_a_missing_secret_without_printing_secrets(intranet: Intranet) -> None:
    intranet.monkeypatch.delenv("BLOGPARADE_LOGIN_NEWS")
    result = ok(invoke(intranet.site, "check"))  # CI checking a pull request has no secrets
    assert "BLOGPARADE_LOGIN_NEWS is not set" in result.output
    assert PASSWORD not in result.output
    write_participant(intranet.site, "leak", "Leck", "http://127.0.0.1:9/feed",
                      login={"kind": "bearer", "secret_env": "AWS_SECRET_ACCESS_KEY"})
    refused = invoke(intranet.site, "check")
    assert refused.exit_code == 2
    assert "BLOGPARADE_LOGIN_" in refused.output


def test_each_department_has_its_page_and_feed_with_exactly_its_posts(intranet: Intranet) -> None:
    site = intranet.site
    ok(invoke(site, "fetch"))
    ok(invoke(site, "build", "--publish"))
    output = site / "output"
    for department, slug in (("Vertrieb", "vertrieb"), ("Entwicklung", "entwicklung")):
        expected = {t for blog in intranet.blogs if blog.department == department for t in blog.titles}
        page = parse_html(output / "departments" / slug / "index.html")
        assert " ".join(page.xpath("//h1")[0].text_content().split()) == department
        # The department's own address for search engines and sharing (issue 13), and in the sitemap.
        assert page.xpath("//link[@rel='canonical']/@href") == [f"{SITEURL}/departments/{slug}/"]
        assert f"<loc>{SITEURL}/departments/{slug}/</loc>" in (output / "sitemap.xml").read_text()
        listed = {" ".join(a.text_content().split())
                  for a in page.xpath("//main//article//h2//a | //main//article//h3//a")}
        assert listed == expected, (department, listed)
        feed = ET.parse(output / "feeds" / "departments" / f"{slug}.atom.xml").getroot()
        assert feed.findtext(f"{ATOM}title") == f"Beispiel AG Blogs - {department}"  # the site's name once
        assert {e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")} == expected
        links = {link.get("href") for link in feed.iter(f"{ATOM}link")}
        assert all(href.startswith(SITEURL + "/") for href in links if "intranet" in href)
    blogs = parse_html(output / "blogs" / "index.html")
    groups = {" ".join(s.xpath(".//h2")[0].text_content().split()):
              sorted(" ".join(h.text_content().split()) for h in s.xpath(".//h3"))
              for s in blogs.xpath("//section[contains(@class, 'blog-group')]")}  # fmt: skip
    assert groups == {"Entwicklung": ["Entwicklernews"], "Vertrieb": ["Kantinenblog", "Vertriebswiki"]}
    assert blogs.xpath(f"//h2/a[@href='{SITEURL}/departments/vertrieb/']")


def test_digest_dry_run_lists_exactly_the_weeks_new_posts(intranet: Intranet) -> None:
    site = intranet.site
    ok(invoke(site, "fetch"))
    printed = ok(invoke(site, "digest", "--dry-run")).output
    text = printed.split("--- text/html ---")[0]
    recent = [t for blog in intranet.blogs for t in blog.recent]
    old = [t for blog in intranet.blogs for t in blog.old]
    for title in recent:
        assert title in text
    for title in old:
        assert title not in printed
    assert "Subject: Beispiel AG Blogs: 4 neue Beiträge seit" in printed
    assert f"Weiterlesen: {SITEURL}/blogs/wiki/" in text
    assert "bei Vertriebswiki, von Anna Beispiel" in text
    only = ok(invoke(site, "digest", "--dry-run", "--department", "Entwicklung")).output
    assert "Release 4.2 ist da" in only and "Messe in Hannover" not in only
    assert "Subject: Beispiel AG Blogs: ein neuer Beitrag seit" in only and "Entwicklung" in only


def test_the_published_site_works_under_a_sub_path_and_asks_nothing_outside(intranet: Intranet) -> None:
    site = intranet.site
    ok(invoke(site, "run", "--publish"))
    output = site / "output"
    for page in output.rglob("*.html"):
        doc = parse_html(page)
        # What a browser loads by itself: stylesheets, scripts, images, frames.
        loaded = doc.xpath("//link[@rel='stylesheet']/@href | //script/@src | //img/@src | "
                           "//iframe/@src | //source/@src | //video/@src | //audio/@src")
        for url in loaded:
            assert url.startswith(SITEURL + "/"), (page, url)
        # Links within the site stay under the sub-path and lead to files that exist.
        for href in doc.xpath("//a/@href | //link/@href"):
            if href.startswith("http://intranet.beispiel.example"):
                assert href.startswith(SITEURL + "/") or href == SITEURL, (page, href)
                local = href[len(SITEURL):].split("#")[0].lstrip("/")
                target = output / local
                assert target.is_file() or (target / "index.html").is_file(), (page, href)
            else:
                assert not href.startswith("/"), (page, href)  # root-relative: outside the sub-path
    assert re.search(r'href="http://intranet\.beispiel\.example/blogroll/departments/vertrieb/"',
                     (output / "blogs" / "index.html").read_text(encoding="utf-8"))
