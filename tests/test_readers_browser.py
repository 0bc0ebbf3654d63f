"""The demo site as a reader meets it, in headless Chromium: search, sharing tags, the basics
every site has, freshness, and accessibility (axe-core) at desktop and phone widths.

Real builds of the real demo (`blogparade demo`, then `build --publish` with publishconf.py's
SITEURL pointing at a loopback web server that serves output/ as nginx would, 404.html included),
real files, a real browser.  Needs Debian's chromium, Playwright (the `test` extra) and the npm
packages of tests/browser/ (axe-core; vnu-jar, run with Java): each test skips, saying which is
missing, where one is absent.  .ci/run installs them all.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import re
import shutil
import subprocess
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import urlopen
from zoneinfo import ZoneInfo

import pytest

from aggregator.website.search import indexer
from tests.acceptance_helpers import blogparade_command

pytestmark = pytest.mark.slow

BROWSER_TOOLS = Path(__file__).resolve().parent / "browser"
AXE = BROWSER_TOOLS / "node_modules" / "axe-core" / "axe.min.js"
VNU = BROWSER_TOOLS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# As the machine's notes say: no background connections, no first-run work, a fresh profile.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]  # fmt: skip
WIDTHS = {"desktop": 1280, "phone": 390}
# A word from the body of Lena's post "Mein Schreibtisch steht jetzt überall" (as its page shows
# it: an excerpt), and an inflected form that only German stemming leads to: it is on no page,
# and no prefix of a word that is.
WORD, INFLECTED = "Freiheit", "Freiheiten"
LENAS_POST_TITLE = "Mein Schreibtisch steht jetzt überall"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


# -- the site, served --------------------------------------------------------------------------


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves output/ as a web server configured for the site does: 404.html for what is not there."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002  the base's name
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[tuple[Path, str]]:
    """The demo, built with publishconf.py for the address it is served at: (folder, SITEURL)."""
    folder = tmp_path_factory.mktemp("readers") / "demo-site"
    done = subprocess.run([*blogparade_command(), "demo", str(folder)], capture_output=True,
                          text=True, timeout=300, cwd=folder.parent)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    server = Server(("127.0.0.1", 0), functools.partial(SiteHandler, directory=str(folder / "output")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    siteurl = f"http://127.0.0.1:{server.server_address[1]}"
    publishconf = folder / "publishconf.py"
    text = publishconf.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^SITEURL = .*$', f'SITEURL = "{siteurl}"', text)
    # Small search bundles: the search page merges several, as on a big site (website/search.py).
    publishconf.write_text(text + "\nBLOGPARADE_SEARCH_PAGES = 4\n", encoding="utf-8")
    done = subprocess.run([*blogparade_command(), "--site", str(folder), "build", "--publish"],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    yield folder, siteurl
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed "
                                         "(pip install -e '.[test]')")  # fmt: skip
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("axe-core is not installed and npm is absent (install Node.js, then "
                        "npm ci --prefix tests/browser)")  # fmt: skip
        subprocess.run([npm, "ci", "--prefix", str(BROWSER_TOOLS), "--no-audit", "--no-fund",
                        "--ignore-scripts"], check=True, capture_output=True, timeout=300)  # fmt: skip
    return AXE.read_text(encoding="utf-8")


class Reader:
    """One browser tab at one width that records every script error and console error."""

    def __init__(self, browser, width: int, javascript: bool = True):
        self.context = browser.new_context(viewport={"width": width, "height": 900},
                                           java_script_enabled=javascript)  # fmt: skip
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(f"script error: {error}"))
        self.page.on("console", self._console)

    def _console(self, message) -> None:
        # The 404 page is meant to answer 404: Chromium logs that status as a console error.
        if message.type == "error" and "status of 404" not in message.text:
            self.errors.append(f"console: {message.text}")

    def open(self, url: str):
        response = self.page.goto(url, wait_until="load")
        return response

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def reader(browser) -> Iterator[Reader]:
    tab = Reader(browser, WIDTHS["desktop"])
    yield tab
    assert tab.errors == []
    tab.close()


def needs_search() -> None:
    if indexer() is None:
        pytest.skip("Pagefind is not installed (pip install -e '.[search]')")


# -- the pages of each type ---------------------------------------------------------------------


def post_with_comments(folder: Path) -> str:
    """The address of the demo post with the longest comment thread."""
    best = max((page for page in (folder / "output" / "blogs").glob("*/*/index.html")),
               key=lambda page: page.read_text(encoding="utf-8").count('class="comment '))  # fmt: skip
    return "/" + best.parent.relative_to(folder / "output").as_posix() + "/"


def page_types(folder: Path) -> dict[str, str]:
    parade = next((folder / "output" / "parades").glob("*/index.html")).parent.name
    blog = next((folder / "output" / "blogs").glob("*/index.html")).parent.name
    return {
        "home": "/",
        "post with comments": post_with_comments(folder),
        "parade": f"/parades/{parade}/",
        "blog": f"/blogs/{blog}/",
        "blogs": "/blogs/",
        "archive": "/archives/",
        "topics": "/tags/",
        "Mitmachen": "/mitmachen/",
        "search": f"/search/?q={WORD}",
        "404": "/404.html",
    }


AXE_PAGES = ("home", "post with comments", "parade", "blog", "archive", "Mitmachen", "search", "404")


# -- search ---------------------------------------------------------------------------------------


def search_results(reader: Reader, query: str) -> list[str]:
    """The titles of the results the search page lists, once it says what it found for `query`."""
    reader.page.wait_for_function(
        "(query) => { const s = document.getElementById('search-status'); "
        "return s && s.textContent.includes('„' + query + '“'); }", arg=query, timeout=15_000)
    return reader.page.locator("#search-results h2 a").all_inner_texts()


def test_the_header_search_finds_a_german_word_from_a_post_body(site, reader):
    needs_search()
    folder, siteurl = site
    lena = next(p for p in (folder / "output" / "blogs").glob("*/*/index.html")
                if LENAS_POST_TITLE in p.read_text(encoding="utf-8"))  # fmt: skip
    body = lena.read_text(encoding="utf-8").split('<div class="post-body"', 1)[1].split("</div>", 1)[0]
    assert WORD in body
    reader.open(siteurl + "/")
    reader.page.get_by_role("searchbox", name="Diese Website durchsuchen").fill(WORD)
    reader.page.keyboard.press("Enter")
    reader.page.wait_for_url(re.compile(rf"/search/\?q={WORD}$"))
    assert LENAS_POST_TITLE in search_results(reader, WORD)
    first = reader.page.locator("#search-results article").first
    assert first.locator("mark").first.inner_text().casefold().startswith(WORD.casefold())


def test_an_inflected_form_finds_it_too_by_german_stemming(site, reader):
    needs_search()
    folder, siteurl = site
    for page in (folder / "output").rglob("*.html"):
        assert INFLECTED.casefold() not in page.read_text(encoding="utf-8").casefold(), page
    reader.open(siteurl + "/search/")
    field = reader.page.get_by_label("Beiträge, Blogparaden und Seiten durchsuchen")
    field.fill(INFLECTED)  # at once: typing while the index loads is fine too
    assert LENAS_POST_TITLE in search_results(reader, INFLECTED)
    assert reader.page.url.endswith(f"?q={INFLECTED}")
    field.fill("Quastenflosser")
    assert search_results(reader, "Quastenflosser") == []
    assert reader.page.locator("#search-status").inner_text() == "Nichts gefunden für „Quastenflosser“."


def test_the_status_shows_the_query_as_typed(site, reader):
    needs_search()
    _, siteurl = site
    reader.open(siteurl + "/search/")
    query = "Quastenflosser $& $' {count}"  # a replacement string's patterns, and a placeholder
    reader.page.get_by_label("Beiträge, Blogparaden und Seiten durchsuchen").fill(query)
    assert search_results(reader, query) == []
    assert reader.page.locator("#search-status").inner_text() == f"Nichts gefunden für „{query}“."


def test_results_show_title_blog_date_and_excerpt(site, reader):
    needs_search()
    _, siteurl = site
    reader.open(f"{siteurl}/search/?q={WORD}")
    search_results(reader, WORD)
    result = reader.page.locator("#search-results article", has_text=LENAS_POST_TITLE)
    byline = result.locator(".byline span").all_inner_texts()
    assert byline[0] == "Lenas Notizen"
    assert re.fullmatch(r"\d{1,2}\. \w+ 2026", byline[1]), byline
    assert WORD in result.locator(".excerpt").inner_text()
    href = result.locator("h2 a").get_attribute("href")
    assert reader.open(siteurl + href).status == 200


def test_an_excerpt_is_the_posts_words_not_its_byline_again(site, reader):
    # A word the post begins with: its excerpt began with the blog, the writer and the date,
    # which the result shows beside it anyway.
    needs_search()
    _, siteurl = site
    reader.open(f"{siteurl}/search/?q=Mitternacht")
    search_results(reader, "Mitternacht")
    result = reader.page.locator("#search-results article", has_text=LENAS_POST_TITLE)
    byline = result.locator(".byline span").all_inner_texts()
    excerpt = result.locator(".excerpt").inner_text()
    assert "Mitternacht" in excerpt and "Lenas Notizen" not in excerpt and byline[1] not in excerpt, excerpt


def test_a_word_of_the_title_alone_finds_the_post_whose_excerpt_does_not_repeat_its_title(site, reader):
    # The title was text of the page's index too: every excerpt began with it, beside the
    # result's own title.  Now it is the result's title only (its data-pagefind-meta on an h1
    # the index otherwise ignores), and still searched.
    needs_search()
    folder, siteurl = site
    title, word = "Herbstspaziergang an der Elbe", "Herbstspaziergang"  # Lena's; no body says it
    pages = indexed_pages(folder)
    assert not any(word in page["content"] for page in pages)
    assert [page["meta"]["title"] for page in pages if word in page["meta"].get("title", "")] == [title]
    assert not any(page["content"].startswith(page["meta"].get("title", "")) for page in pages)
    reader.open(f"{siteurl}/search/?q={word}")
    assert search_results(reader, word)[0] == title
    excerpt = reader.page.locator("#search-results article", has_text=title).locator(".excerpt").inner_text()
    assert excerpt and title not in excerpt, excerpt


def test_the_search_page_searches_every_bundle_of_the_index(site, reader):
    """The index is in several bundles (the fixture asks for small ones): a page of each is found."""
    needs_search()
    folder, siteurl = site
    index = folder / "output" / "pagefind"
    bundles = json.loads((index / "bundles.json").read_text(encoding="utf-8"))["bundles"]
    assert len(bundles) > 2
    for bundle in bundles:
        fragment = sorted((index / bundle / "fragment").iterdir())[0]
        page = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
        title = page["meta"]["title"]
        query = " ".join(re.findall(r"\w{4,}", title)[:3])  # a few of its words, as one types them
        reader.open(f"{siteurl}/search/?q={query}")
        assert title in search_results(reader, query), (bundle, page["url"])


def indexed_pages(folder: Path) -> list[dict]:
    """Every page of the search index as Pagefind stores it: its url, meta and content."""
    index = folder / "output" / "pagefind"
    return [json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
            for fragment in sorted(index.glob("*/fragment/*"))]  # fmt: skip


def test_the_index_holds_the_posts_words_and_writers_not_the_sites_labels(site):
    # "Themen:" before every post's topics, the call's and the roundup's marks, a parade page's
    # how-to and "For the host" box were indexed: "Themen", "Aufruf" or "Gastgeber" found every
    # post or parade, and excerpts ended in "Themen: …".  A writer's name found nothing.
    needs_search()
    folder, _ = site
    pages = indexed_pages(folder)
    content = "\n".join(page["content"] for page in pages)
    for label in ("Themen:", "Der Aufruf zur Blogparade", "Zusammenfassung der Blogparade", "Ausgerichtet von",
                  "Um mitzumachen", "Die Beiträge, immer aktuell", "Originalbeitrag lesen"):
        assert label not in content, label
    posts = [page for page in pages if page["url"].startswith("/blogs/")]
    assert posts and all(page["meta"].get("blog") for page in posts)
    written = [page for page in posts if re.search(r"\b(?:von|by) \w", page["content"][:200])]
    assert written, "no post's writer is in the index"
    privacy = [page for page in pages if page["url"] == "/datenschutz/"]
    assert privacy and "Datenschutz" in privacy[0]["meta"]["title"]
    assert not any(page["meta"].get("blog", "") in privacy[0]["content"] for page in posts)


def test_more_results_are_listed_on_request(site, reader):
    needs_search()
    _, siteurl = site
    reader.open(f"{siteurl}/search/?q=und")
    first = search_results(reader, "und")
    status = reader.page.locator("#search-status").inner_text()
    total = int(re.search(r"(\d+) Treffer", status)[1])
    assert len(first) == 20 < total, status
    more = reader.page.get_by_role("button", name="Weitere Treffer zeigen")
    more.click()
    reader.page.wait_for_function("() => document.querySelectorAll('#search-results article').length > 20")
    listed = reader.page.locator("#search-results h2 a").all_inner_texts()
    assert len(listed) == min(total, 40) and listed[:20] == first and len(set(listed)) == len(listed)
    # The keyboard goes on where the new results start.
    assert reader.page.evaluate("() => document.activeElement.textContent") == listed[20]
    assert more.is_hidden() == (total <= 40)
    reader.page.get_by_role("searchbox").fill("Quastenflosser")
    search_results(reader, "Quastenflosser")
    assert more.is_hidden()


def test_a_parade_found_is_not_credited_to_a_contribution(site, reader):
    needs_search()
    _, siteurl = site
    reader.open(f"{siteurl}/search/?q=remote")
    search_results(reader, "remote")
    parade = reader.page.locator("#search-results article", has=reader.page.locator("a[href^='/parades/']"))
    assert parade.count() == 1
    assert parade.locator(".byline").count() == 0  # no blog, no date: a parade is the site's own


def test_listings_are_not_in_the_index(site, reader):
    needs_search()
    _, siteurl = site
    reader.open(f"{siteurl}/search/?q={WORD}")
    search_results(reader, WORD)
    for href in reader.page.locator("#search-results h2 a").evaluate_all("links => links.map(a => a.pathname)"):
        assert href.startswith(("/blogs/", "/parades/", "/mitmachen/")), href
        assert href.count("/") >= 3 or href == "/mitmachen/", href  # a post, a parade, a page


def test_without_javascript_the_header_offers_a_plain_link_to_the_search_page(site, browser):
    _, siteurl = site
    tab = Reader(browser, WIDTHS["phone"], javascript=False)
    try:
        tab.open(siteurl + "/")
        assert not tab.page.get_by_role("searchbox").is_visible()
        link = tab.page.get_by_role("link", name="Suche", exact=True)
        assert link.is_visible()
        link.click()
        tab.page.wait_for_url(siteurl + "/search/")
        assert "braucht JavaScript" in tab.page.locator("main").inner_text()
        # No field and button that look usable and only reload the page.
        assert not tab.page.get_by_role("searchbox").is_visible()
        assert not tab.page.get_by_role("button", name="Suchen").is_visible()
        assert tab.errors == []
    finally:
        tab.close()


# -- sharing and orientation ------------------------------------------------------------------------


def meta(reader: Reader, name: str) -> str | None:
    selector = f'meta[property="{name}"], meta[name="{name}"]'
    found = reader.page.locator(selector)
    return found.first.get_attribute("content") if found.count() else None


@pytest.mark.parametrize("kind", ["home", "post with comments", "parade", "blog", "blogs", "archive",
                                  "topics", "Mitmachen", "search", "404"])  # fmt: skip
def test_every_page_type_has_a_description_and_sharing_tags(site, reader, kind):
    folder, siteurl = site
    reader.open(siteurl + page_types(folder)[kind])
    description = meta(reader, "description")
    assert description and len(description) >= 20, description
    for name in ("og:title", "og:description", "og:site_name", "og:locale", "og:type",
                 "twitter:card", "twitter:title"):  # fmt: skip
        assert meta(reader, name), name
    assert meta(reader, "og:locale") == "de_DE"
    image = meta(reader, "og:image")
    assert image.startswith(siteurl + "/") and urlopen(image).headers["Content-Type"] == "image/png"
    if kind == "post with comments":  # its home is the original blog
        assert meta(reader, "og:type") == "article"
        assert meta(reader, "og:url") == reader.page.locator('link[rel="canonical"]').get_attribute("href")
        assert not meta(reader, "og:url").startswith(siteurl)
    elif kind != "404":
        assert meta(reader, "og:url").startswith(siteurl + "/")


def test_the_home_page_says_what_the_site_is(site, reader):
    _, siteurl = site
    reader.open(siteurl + "/")
    intro = reader.page.locator("main .site-description").inner_text()
    assert intro == meta(reader, "description") == meta(reader, "og:description")


def test_the_home_page_says_when_the_feeds_were_last_read(site, reader):
    _, siteurl = site
    reader.open(siteurl + "/")
    note = reader.page.locator("main .last-read")
    assert note.inner_text().startswith("Aktualisiert am ")
    day = date.fromisoformat(note.locator("time").get_attribute("datetime"))  # the day, in the site's zone
    now = datetime.now(ZoneInfo("Europe/Berlin"))
    assert day in {now.date(), (now - timedelta(minutes=15)).date()}  # the demo's fetch


# -- the basics -----------------------------------------------------------------------------------


def test_a_missing_page_answers_with_the_themed_404_page(site, reader):
    _, siteurl = site
    response = reader.open(siteurl + "/gibt-es-nicht/wirklich/nicht/")
    assert response.status == 404
    assert reader.page.locator("h1").inner_text() == "Seite nicht gefunden"
    assert reader.page.locator("html").get_attribute("lang") == "de"
    # Its links work from any depth: they carry the site's address.
    reader.page.get_by_role("link", name="Die neuesten Beiträge").click()
    reader.page.wait_for_url(siteurl + "/")
    assert reader.open(siteurl + "/404.html").status == 200


def test_the_favicon_is_declared_and_served(site, reader):
    _, siteurl = site
    reader.open(siteurl + "/")
    icon = reader.page.locator('link[rel="icon"]').get_attribute("href")
    assert icon == siteurl + "/favicon.ico"
    body = urlopen(icon).read()
    assert body[:4] == b"\x00\x00\x01\x00" and len(body) > 500  # an ICO file with its images


def test_the_sitemap_is_valid_and_lists_absolute_addresses_that_answer(site):
    folder, siteurl = site
    with urlopen(siteurl + "/sitemap.xml") as response:
        root = ET.fromstring(response.read())
    assert root.tag == f"{SITEMAP_NS}urlset"
    locations = [url.findtext(f"{SITEMAP_NS}loc") for url in root.iter(f"{SITEMAP_NS}url")]
    assert siteurl + "/" in locations and siteurl + "/mitmachen/" in locations
    assert any("/parades/" in location for location in locations)
    assert all(location.startswith(siteurl + "/") for location in locations)
    for location in locations:
        assert urlopen(location).status == 200, location
    for lastmod in root.iter(f"{SITEMAP_NS}lastmod"):
        datetime.fromisoformat(lastmod.text)
    assert not any(location.endswith(("/search/", "/404.html")) for location in locations)


def test_robots_txt_names_the_sitemap(site):
    _, siteurl = site
    robots = urlopen(siteurl + "/robots.txt").read().decode()
    assert f"Sitemap: {siteurl}/sitemap.xml" in robots.splitlines()
    assert "User-agent: *" in robots


def test_a_missing_page_is_a_real_404(site):
    _, siteurl = site
    with pytest.raises(HTTPError) as error:
        urlopen(siteurl + "/nicht-da.html")
    assert error.value.code == 404


# -- accessibility ----------------------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("kind", AXE_PAGES)
def test_axe_finds_no_violation(site, browser, axe_source, kind, width):
    folder, siteurl = site
    if kind == "search":
        needs_search()
    tab = Reader(browser, width)
    try:
        tab.open(siteurl + page_types(folder)[kind])
        if kind == "search":
            search_results(tab, WORD)  # with its results shown
        tab.page.add_script_tag(content=axe_source)
        result = tab.page.evaluate("async () => await axe.run(document)")
        violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]
        assert violations == [], json.dumps(violations, indent=1)
        assert len(result["passes"]) > 20  # axe did look
        assert tab.errors == []
    finally:
        tab.close()


# A host's page, around a parade's snippet.
HOST_PAGE_START = '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Host</title></head><body>'


def test_the_nu_html_checker_finds_no_error(site, axe_source, tmp_path):
    folder, _ = site
    java = shutil.which("java")
    if java is None or not VNU.is_file():
        pytest.skip("the Nu HTML checker needs Java and vnu-jar (npm ci --prefix tests/browser)")
    output = folder / "output"
    # A parade's snippet is a fragment for the host to paste into a post, no page: it is checked
    # inside a page of its own (the default BLOGPARADE_PARADE_SNIPPET, parades/{slug}/snippet.html).
    snippets = set(output.glob("parades/*/snippet.html"))
    assert snippets
    pages = [str(p) for p in output.rglob("*.html") if p not in snippets]
    for snippet in sorted(snippets):
        host = tmp_path / "output" / snippet.relative_to(output)
        host.parent.mkdir(parents=True, exist_ok=True)
        fragment = snippet.read_text(encoding="utf-8")
        host.write_text(f"{HOST_PAGE_START}{fragment}</body></html>", encoding="utf-8")
        pages.append(str(host))
    done = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json",
                           *sorted(pages)], capture_output=True, text=True, timeout=300)  # fmt: skip
    messages = json.loads(done.stderr or '{"messages": []}')["messages"]
    assert [(m.get("url", "").rsplit("/output/", 1)[-1], m["message"]) for m in messages] == []


def test_the_search_status_writes_its_counts_as_the_sites_language_does(site, reader):
    # "12345 Treffer" on a German site, where the theme's own counts read "12.345 Kommentare".
    needs_search()
    _, siteurl = site
    reader.open(f"{siteurl}/search/")
    written = reader.page.evaluate("""async () => {
        const { summary } = await import(document.querySelector("script[src$='search.js']").src);
        return summary(document.querySelector(".search-page-form").dataset, 12345, 1000, "Beet");
    }""")
    assert written == "12.345 Treffer für „Beet“, davon die ersten 1.000 angezeigt."


# -- narrow screens ---------------------------------------------------------------------------------

LONG_WORD = "Barrierefreiheitsstärkungsgesetz"  # a word German blogs on accessibility write


def test_long_words_and_addresses_keep_every_page_within_a_phones_width(browser, tmp_path):
    # Found at 360 pixels: a German compound in a title or a topic, a pingback named by its
    # address and a blog's long home address on the blogs page made pages scroll sideways.
    from aggregator.store import Store
    from aggregator.website.build import build_site
    from tests.test_build import T, comment, make_site, post

    site = make_site(tmp_path / "site")
    participant = site.participants_dir / "anna.toml"
    home = "https://barrierefreiheitsstaerkungsgesetz-umsetzung.example/"
    participant.write_text(participant.read_text(encoding="utf-8").replace(
        '"https://anna.example/"', f'"{home}"'), encoding="utf-8")  # fmt: skip
    long = post("anna", "bfsg", f"Das {LONG_WORD}: Donaudampfschifffahrtsgesellschaftskapitäne aufgepasst",
                T, categories=(LONG_WORD + "umsetzung",), content_html=f"<p>Das {LONG_WORD} gilt.</p>")  # fmt: skip
    pingback = comment(long.id, "p1", 60, kind="pingback",
                       author="https://irgendeinblogvonjemandem.example.de/2026/11/mein-beitrag-zur-blogparade/")
    with Store(site.store_path) as store:
        store.record_success("anna", "https://anna.example/feed/", etag=None, last_modified=None,
                             body_hash="anna", posts=[long], comments=[pingback], now=T)  # fmt: skip
        build_site(site, store)
    tab = Reader(browser, 360)
    try:
        pages = [page for page in sorted(site.output.rglob("*.html"))  # not a former address, which leaves at once
                 if 'http-equiv="refresh"' not in page.read_text(encoding="utf-8")]  # fmt: skip
        assert len(pages) > 8
        wide = {}
        for page in pages:
            tab.open(page.as_uri())
            width = tab.page.evaluate("document.documentElement.scrollWidth")
            if width > 360:
                wide[page.relative_to(site.output).as_posix()] = width
        assert wide == {}
    finally:
        tab.close()


def test_a_title_of_hundreds_of_words_shows_four_lines_in_lists_and_whole_on_its_page(browser, tmp_path):
    # A feed may give a title of 1,000 characters (clean.py keeps that many): in the home page's
    # list it filled a phone's screen and more.
    from aggregator.store import Store
    from aggregator.website.build import build_site
    from tests.test_build import T, make_site, post

    site = make_site(tmp_path / "site")
    title = " ".join(["Ein sehr langer Titel über das Homeoffice"] * 24)[:1000]
    with Store(site.store_path) as store:
        store.record_success("anna", "https://anna.example/feed/", etag=None, last_modified=None,
                             body_hash="anna", posts=[post("anna", "lang", title, T)], now=T)  # fmt: skip
        build_site(site, store)
    tab = Reader(browser, 360)
    try:
        tab.open((site.output / "index.html").as_uri())
        link = tab.page.locator(".post-summary .post-title a", has_text="Ein sehr langer Titel")
        line = float(link.evaluate("a => getComputedStyle(a).lineHeight").removesuffix("px"))
        assert link.bounding_box()["height"] <= 4 * line + 1
        assert link.text_content() == title  # clamped for the eye only
        page = next(site.output.glob("blogs/anna/*/index.html"))
        tab.open(page.as_uri())
        assert tab.page.locator("h1").bounding_box()["height"] > 12 * line
        assert tab.errors == []
    finally:
        tab.close()


def test_a_post_in_another_language_is_found_marked_with_it(browser, tmp_path):
    # Found searching a German site for an English post: its result's title and excerpt were
    # read out in German, where the post lists mark them lang="en".
    needs_search()
    from aggregator.store import Store
    from aggregator.website.build import build_site
    from tests.test_build import T, fill_store, make_site, post

    site = make_site(tmp_path / "site")
    english = post("dora", "dublin", "A note for our Dublin colleagues", T, language="en",
                   excerpt="Hello Dublin, this one is for you.")  # fmt: skip
    arabic = post("dora", "ahlan", "مرحبا بكم في برلين!", T, language="ar",
                  excerpt="نص عن كلمة Sonnenallee في الوسط.")  # fmt: skip
    with Store(site.store_path) as store:
        fill_store(store)
        store.record_success("dora", "https://dora.example/feed/", etag=None, last_modified=None,
                             body_hash="dora", posts=[english, arabic], comments=(), now=T)  # fmt: skip
        build_site(site, store)
    server = Server(("127.0.0.1", 0), functools.partial(SiteHandler, directory=str(site.output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    tab = Reader(browser, WIDTHS["desktop"])
    try:
        tab.open(f"http://127.0.0.1:{server.server_address[1]}/search/?q=Dublin")
        assert search_results(tab, "Dublin") == ["A note for our Dublin colleagues"]
        result = tab.page.locator("#search-results article")
        assert result.locator("h2").get_attribute("lang") == "en"
        assert result.locator(".excerpt").get_attribute("lang") == "en"
        assert result.locator("h2").evaluate("h => getComputedStyle(h).direction") == "ltr"
        tab.open(f"http://127.0.0.1:{server.server_address[1]}/search/?q=Sonnenallee")
        assert "مرحبا بكم في برلين!" in search_results(tab, "Sonnenallee")
        # From right to left, as on its page: its "!" and the words around "Sonnenallee" in order.
        arabic_result = tab.page.locator("#search-results article", has_text="مرحبا بكم في برلين!")
        assert arabic_result.locator("h2").evaluate("h => getComputedStyle(h).direction") == "rtl"
        assert arabic_result.locator(".excerpt").evaluate("p => getComputedStyle(p).direction") == "rtl"
        tab.open(f"http://127.0.0.1:{server.server_address[1]}/search/?q=Rechenzentrum")
        assert search_results(tab, "Rechenzentrum") == ["Neues Rechenzentrum in Köln"]
        assert tab.page.locator("#search-results h2").get_attribute("lang") is None  # the page's own
        assert tab.errors == []
    finally:
        tab.close()
        server.shutdown()
