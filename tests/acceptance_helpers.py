"""Helpers for tests/test_acceptance.py: drive the real CLI on real site folders, read the output.

Everything here works the way a user or the product owner would: `blogparade` commands on a site
folder made by `blogparade init`, blogs served by the misbehaving loopback server, and the built
HTML read back with lxml (what a browser would parse), never the library's internals.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape as _escape

import lxml.html
import tomli_w
from click.testing import CliRunner, Result

from aggregator.cli import cli
from tests.feedmaker import billion_laughs
from tests.servers import Handler, Request

REPO = Path(__file__).resolve().parents[1]
THEME_TEMPLATES = REPO / "theme" / "templates"

# ---------------------------------------------------------------------------------- the CLI


def invoke(site: Path | None, *args: str) -> Result:
    """`blogparade [--site SITE] ARGS...` in this process, as CliRunner runs it."""
    argv = (["--site", str(site)] if site is not None else []) + [str(a) for a in args]
    return CliRunner().invoke(cli, argv, catch_exceptions=True)


def explain(result: Result) -> str:
    """Everything a failed assertion needs: exit code, output, and a traceback if any."""
    text = f"exit code {result.exit_code}\n--- output ---\n{result.output}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        text += "\n--- exception ---\n" + "".join(
            traceback.format_exception(result.exception)
        )
    return text


def ok(result: Result) -> Result:
    assert result.exit_code == 0, explain(result)
    return result


def no_traceback(result: Result) -> None:
    """The command ended through its own error handling (sys.exit), not by an exception."""
    assert isinstance(result.exception, SystemExit), explain(result)
    assert "Traceback" not in result.output, explain(result)


# Tests serve their blogs on loopback, which the network policy refuses unless a site allows it.
ALLOW_LOOPBACK = 'BLOGPARADE_ALLOWED_NETWORKS = ["127.0.0.0/8", "::1/128"]'


def new_site(root: Path, settings: str = "", *, title: str = "Blogparade Test") -> Path:
    """`blogparade init ROOT`, allowing loopback, plus `settings` appended to its pelicanconf.py
    (a setting there overrides the allowance)."""
    ok(invoke(None, "init", str(root), "--title", title))
    with open(root / "pelicanconf.py", "a", encoding="utf-8") as conf:
        conf.write("\n" + ALLOW_LOOPBACK + "\n" + settings.strip() + "\n")
    return root


def participants_dir(site: Path) -> Path:
    return site / "content" / "participants"


def participant_files(site: Path) -> dict[str, bytes]:
    """Every file in content/participants/ with its bytes: to see that nothing was written."""
    folder = participants_dir(site)
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def write_participant(site: Path, slug: str, name: str, feed: str, home: str | None = None,
                      **extra: object) -> Path:
    """A participant file as a contributor writes it by hand (for feeds `join` would refuse)."""
    data = {"name": name, "feed": feed, "home": home or feed, **extra}
    path = participants_dir(site) / f"{slug}.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


# ------------------------------------------------------------------- a subprocess, measured


@dataclass(frozen=True)
class Measured:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_mb: float  # of the process and the children it waited for (its parser pool)


def blogparade_command() -> list[str]:
    script = Path(sys.executable).with_name("blogparade")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "aggregator.cli"]


def run_measured(site: Path, *args: str, timeout: float = 120.0) -> Measured:
    """Run `blogparade --site SITE ARGS` as its own process; wall time and peak memory.

    os.wait4 gives the resource usage of exactly this child (with its own reaped children), so
    other subprocesses of the test session cannot blur the number.
    """
    out_path = site.parent / f".{site.name}-{args[0]}-{time.monotonic_ns()}.out"
    err_path = out_path.with_suffix(".err")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            blogparade_command() + ["--site", str(site), *args], stdout=out, stderr=err, env=env,
            cwd=site,
        )
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.02)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait again
    return Measured(
        returncode=process.returncode,
        stdout=out_path.read_text(encoding="utf-8", errors="replace"),
        stderr=err_path.read_text(encoding="utf-8", errors="replace"),
        seconds=seconds,
        max_rss_mb=usage.ru_maxrss / 1024,  # Linux: kilobytes
    )


# ------------------------------------------------------------------------ reading the output


def html_files(output: Path) -> list[Path]:
    return sorted(output.rglob("*.html"))


def parse_html(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


def visible_text(doc: lxml.html.HtmlElement) -> str:
    return " ".join(doc.text_content().split())


@dataclass
class PostPage:
    path: Path
    title: str
    text: str
    original_links: list[str]  # hrefs of "read the original" / canonical


def post_pages(output: Path) -> dict[str, PostPage]:
    """Every aggregated post's own page (blogs/<participant>/<id>/index.html), by its title."""
    pages: dict[str, PostPage] = {}
    for path in sorted((output / "blogs").glob("*/*/index.html")):
        doc = parse_html(path)
        heads = doc.xpath("//article//h1")
        if not heads:
            continue
        title = " ".join(heads[0].text_content().split())
        links = [a.get("href", "") for a in doc.xpath("//a[@href]")]
        links += [ln.get("href", "") for ln in doc.xpath("//link[@rel='canonical']")]
        pages[title] = PostPage(path, title, visible_text(doc), links)
    return pages


POST_HREF = re.compile(r"blogs/[^/#]+/[^/#]+/(?:index\.html)?$")


def listing_titles(output: Path, first: str) -> set[str]:
    """Post titles in a paginated listing (home, archives...), following its rel=next links."""
    titles: set[str] = set()
    path: Path | None = output / first
    seen: set[Path] = set()
    while path is not None and path.is_file() and path not in seen:
        seen.add(path)
        doc = parse_html(path)
        for anchor in doc.xpath("//main//a[@href]"):
            if POST_HREF.search(anchor.get("href", "")):
                titles.add(" ".join(anchor.text_content().split()))
        following = doc.xpath("//a[@rel='next']/@href")
        path = _local(output, path, following[0]) if following else None
    return titles


def dead_links(output: Path) -> list[str]:
    """"page: address" for every link and source of the pages in `output` to the site itself
    (a development build's: relative, or from its root) that names no file there."""
    dead = []
    for page in html_files(output):
        doc = parse_html(page)
        for address in doc.xpath("//@href | //@src"):
            target = _local(output, page, str(address))
            if target is not None and not target.is_file() and str(address).split("#")[0]:
                dead.append(f"{page.relative_to(output).as_posix()}: {address}")
    return dead


def _local(output: Path, page: Path, href: str) -> Path | None:
    href = href.split("#", 1)[0]
    if re.match(r"^[a-z]+:", href):
        return None
    target = (output / href.lstrip("/")) if href.startswith("/") else (page.parent / href)
    target = Path(os.path.normpath(target))
    return target / "index.html" if not target.suffix else target


def status_rows(output: str) -> list[str]:
    """`blogparade status` without its header lines."""
    return [line for line in output.strip().splitlines() if not line.startswith("#")]


def status_lines(output: str) -> dict[str, str]:
    """`blogparade status` lines by participant name (the first tab-separated field); its
    header lines start with "#"."""
    lines: dict[str, str] = {}
    for line in output.splitlines():
        if "\t" in line and not line.startswith("#"):
            lines[line.split("\t", 1)[0]] = line
    return lines


# ---------------------------------------------------------------- what the server answered


@dataclass
class Answers:
    """Statuses the loopback server sent, by path: wrap a handler with `record`."""

    log: list[tuple[str, int, dict[str, str]]] = field(default_factory=list)

    def record(self, handler: Handler) -> Handler:
        async def recorded(request: Request) -> None:
            send_head = request.send_head

            async def recording_send_head(status: int, headers=None) -> None:  # noqa: ANN001
                self.log.append((request.path, status, dict(request.headers)))
                await send_head(status, headers)

            request.send_head = recording_send_head  # type: ignore[method-assign]
            await handler(request)

        return recorded

    def since(self, mark: int) -> list[tuple[str, int, dict[str, str]]]:
        return self.log[mark:]


# ------------------------------------------------------------------------ hostile documents

_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """Characters XML 1.0 cannot carry, as HTML character references (the HTML parser that
    reads the field later decodes them, so the vector keeps its bite)."""
    return _XML_INVALID.sub(lambda m: f"&#x{ord(m.group(0)):x};", text)


BILLION_LAUGHS = billion_laughs("rss", """<rss version="2.0"><channel><title>Lachsalve &lol9;</title>
<link>http://127.0.0.1/</link><item><title>Bombe &lol9;</title><link>http://127.0.0.1/bombe</link>
<guid>bombe-1</guid><description>&lol9;</description></item></channel></rss>
""")

XXE_PROBE = b"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>Neugierig</title><link>http://127.0.0.1/</link>
<item><title>Geheimnis: &xxe;</title><link>http://127.0.0.1/xxe</link><guid>xxe-1</guid>
<description>&lt;p&gt;Inhalt&lt;/p&gt; &xxe;</description></item></channel></rss>
"""


def passwd_needles() -> list[bytes]:
    """What a leaked /etc/passwd would look like in a file: its first line, and `root:x:0`."""
    needles = [b"root:x:0"]
    try:
        first = Path("/etc/passwd").read_bytes().splitlines()[0]
    except (OSError, IndexError):
        first = b""
    if first:
        needles.append(first)
    return needles


def files_under(*roots: Path) -> Iterator[Path]:
    for root in roots:
        if root.is_file():
            yield root
        elif root.is_dir():
            yield from (p for p in root.rglob("*") if p.is_file())


# ------------------------------------------------------------------------------- XSS checks


def xml_text(text: str) -> str:
    """Text for an XML element or a double-quoted attribute (feedmaker leaves `"` alone)."""
    return _escape(xml_safe(text), {'"': "&quot;"})


@dataclass(frozen=True)
class HostileEntry:
    guid: str
    title: str  # HTML, as feeds carry titles
    link: str
    author: str
    category: str
    body: str  # HTML
    published: str  # RFC 3339


def hostile_rss(title: str, home: str, entries: list[HostileEntry]) -> bytes:
    items = "".join(
        "<item>"
        f"<title>{xml_text(e.title)}</title><link>{xml_text(e.link)}</link>"
        f'<guid isPermaLink="false">{xml_text(e.guid)}</guid>'
        f"<dc:creator>{xml_text(e.author)}</dc:creator><category>{xml_text(e.category)}</category>"
        f"<description>{xml_text(e.body)}</description><dc:date>{e.published}</dc:date>"
        "</item>"
        for e in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{xml_text(title)}</title><link>{xml_text(home)}</link><language>de</language>"
        f"{items}</channel></rss>"
    ).encode("utf-8")


def hostile_atom(title: str, home: str, entries: list[HostileEntry]) -> bytes:
    items = "".join(
        "<entry>"
        f'<id>{xml_text(e.guid)}</id><title type="html">{xml_text(e.title)}</title>'
        f'<link rel="alternate" href="{xml_text(e.link)}"/>'
        f"<author><name>{xml_text(e.author)}</name></author>"
        f'<category term="{xml_text(e.category)}"/>'
        f'<content type="html">{xml_text(e.body)}</content>'
        f"<published>{e.published}</published><updated>{e.published}</updated>"
        "</entry>"
        for e in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f'<title type="html">{xml_text(title)}</title><id>{xml_text(home)}</id>'
        f'<link rel="alternate" href="{xml_text(home)}"/><updated>2026-11-01T00:00:00Z</updated>'
        f"{items}</feed>"
    ).encode("utf-8")


# Elements no feed may bring into a page (the theme uses none of them).
FORBIDDEN_ELEMENTS = frozenset({
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "base", "svg",
    "math", "style", "input", "button", "textarea", "select", "template", "portal", "noscript",
    "xml", "isindex", "param",
})  # fmt: skip
URL_ATTRIBUTES = frozenset({
    "href", "src", "action", "formaction", "xlink:href", "poster", "background", "data",
    "codebase", "cite", "longdesc", "lowsrc", "dynsrc", "usemap", "manifest", "icon", "ping",
    "srcset", "imagesrcset",
})  # fmt: skip
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:")
# What the theme itself puts in <head>: nothing else may appear as <link> or <meta>.
THEME_LINK_RELS = frozenset({"stylesheet", "alternate", "canonical", "outline", "icon"})
THEME_META = frozenset({"viewport", "description"})
THEME_META_PREFIXES = ("og:", "article:", "twitter:")  # sharing cards: property= or name=
# The theme's own scripts and forms, each exactly where the theme puts it (and all within
# it): the search field in the header, its no-JavaScript fallback, and the search page.
THEME_OWN = (
    "/html/head/noscript[count(*) = 1][style]",
    "/html/head/script[@type = 'module'][contains(@src, '/js/search.js')][not(node())]",
    "/html/body/header[@class = 'site-header']/div/div[@class = 'site-brand']/form[@class = 'site-search']",
    "/html/body/main/form[@class = 'search-page-form']",
    "/html/body/main/p[@class = 'search-more']/button[@id = 'search-more'][@type = 'button']",
    "/html/body/main/noscript",
)
_NOT_IN_URLS = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028\u2029\ufeff]")


def _clean_url(value: str) -> str:
    return _NOT_IN_URLS.sub("", value).lower()


def _former_address_meta(element: lxml.html.HtmlElement) -> bool:
    """The theme's own page at a former address (_former_address.html), in a development build:
    in the head, "noindex" and a refresh to a relative address within the site."""
    parent = element.getparent()
    if parent is None or parent.tag != "head":
        return False
    if (element.get("name") or "").lower() == "robots":
        return element.get("content") == "noindex" and len(element.attrib) == 2
    refresh = re.fullmatch(r"0; url=((?:\.\./)*[\w%.-]+(?:/[\w%.-]+)*/)", element.get("content") or "")
    return (element.get("http-equiv") or "").lower() == "refresh" and len(element.attrib) == 2 and refresh is not None


def dangers(doc: lxml.html.HtmlElement, *, page: bool = True) -> list[str]:
    """Everything in a parsed page (or fragment, page=False) that could run code or reframe it."""
    found: list[str] = []
    # The elements themselves, not their id(): lxml makes a new proxy (and id) per access
    # unless one is held.
    own = {e for path in THEME_OWN for top in doc.xpath(path) for e in top.iter()} if page else set()
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue  # comments, processing instructions
        if element in own:
            continue
        tag = element.tag.lower().rsplit("}", 1)[-1]
        if tag in FORBIDDEN_ELEMENTS:
            found.append(f"<{tag}> element")
        if tag == "link":
            rels = set((element.get("rel") or "").lower().split())
            in_head = element.getparent() is not None and element.getparent().tag == "head"
            if not page or not rels or not rels <= THEME_LINK_RELS or not in_head:
                found.append(f"<link rel={element.get('rel')!r}>")
        if tag == "meta" and page and _former_address_meta(element):
            continue
        if tag == "meta":
            name = (element.get("name") or "").lower()
            # http-equiv: refresh (a redirect), set-cookie, content-security-policy...
            card = (element.get("property") or name).lower().startswith(THEME_META_PREFIXES)
            if not page or element.get("http-equiv") is not None or (
                name not in THEME_META and element.get("charset") is None and not card
            ):
                found.append(f"<meta {dict(element.attrib)!r}>")
        for name, value in element.attrib.items():
            name = name.lower()
            if name.startswith("on"):
                found.append(f"<{tag} {name}=...> event handler")
            if name in URL_ATTRIBUTES:
                candidates = value.split(",") if "srcset" in name else [value]
                if any(_clean_url(c).startswith(BAD_SCHEMES) for c in candidates):
                    found.append(f"<{tag} {name}={value[:80]!r}>")
            if name == "style":
                style = _clean_url(re.sub(r"/\*.*?\*/", "", value, flags=re.S))
                if any(bad in style for bad in ("expression(", "javascript:", "vbscript:",
                                                 "-moz-binding", "behavior:")):
                    found.append(f"<{tag} style={value[:80]!r}>")
    return found


def fragment_dangers(html_text: str) -> list[str]:
    if not html_text.strip():
        return []
    return dangers(lxml.html.fromstring(f"<div>{html_text}</div>"), page=False)
