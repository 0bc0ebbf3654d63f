"""clean applies its attribute filter to nh3's output; nh3 could apply the same function itself.

Both must give the same HTML, byte for byte: the same attributes kept, changed and dropped, in
the same order (ammonia removes a dropped attribute with Vec::swap_remove) and escaped as
html5ever escapes them.  The reference below is clean's sanitiser as it was, with nh3's
attribute_filter.
"""

from __future__ import annotations

import html as html_lib
import json
import random
import re
from pathlib import Path

import nh3
import pytest

from aggregator.feeds import clean

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FEEDS = Path(__file__).resolve().parent / "feeds"
BASES = ["https://blog.example.de/2024/05/post/", "http://127.0.1.1:8000/b0/2026/11/x/",
         "HTTP://Blog.Example:8080/a?q#f", "https://host", "not a url", ""]  # fmt: skip


# nh3's output is regular (html5ever's serialiser): these find its images and links.
ATTRS = r"((?:\s+[^\s\"'>/=]+(?:=\"[^\"]*\")?)*)\s*/?>"
IMG_TAG = re.compile(r"<img" + ATTRS)
A_TAG = re.compile(r"<a" + ATTRS)
HREF = re.compile(r'\shref="([^"]*)"')


def reference_links(sanitized: str) -> tuple[str, ...]:
    """The http(s) links of sanitised HTML, each once, in order: clean's own scan as it was."""
    links: dict[str, None] = {}
    for tag in A_TAG.finditer(sanitized):
        href = HREF.search(tag.group(1))
        if href and html_lib.unescape(href.group(1)).startswith(("http://", "https://")):
            links[html_lib.unescape(href.group(1))] = None
    return tuple(links)


def pixel(attributes: str) -> bool:
    """Whether an image's attributes, as the filter left them, make it a tracking pixel."""
    return all(re.search(rf'\s{side}="[01]"', attributes) for side in ("width", "height"))


def reference(html: str, base: str, comment: bool) -> str:
    if not html or not html.strip():
        return ""
    html = clean._prepare(html)
    if not comment:  # players become links before nh3 (test_clean: an embedded player's link)
        html = clean._embeds_as_links(html, base)
    if clean._too_complex(html):
        return clean._flattened(html)
    options = dict(
        tags=clean.COMMENT_TAGS if comment else clean.POST_TAGS,
        clean_content_tags=clean.DROP_WITH_CONTENT,
        attributes=clean.COMMENT_ATTRIBUTES if comment else clean.POST_ATTRIBUTES,
        url_schemes={"http", "https"} if comment else {"http", "https", "mailto"},
        link_rel="nofollow ugc noopener" if comment else "noopener",
        strip_comments=True,
        attribute_filter=lambda tag, name, value: clean._attribute(comment, base, tag, name, value),
    )
    if not comment:
        options["tag_attribute_values"] = clean.POST_ATTRIBUTE_VALUES
    out = nh3.Cleaner(**options).clean(html)
    out = IMG_TAG.sub(lambda tag: tag.group(0) if ' src="' in tag.group(1) and not pixel(tag.group(1)) else "", out)
    if comment:
        out = clean._EMAIL_IN_TEXT.sub("[…]", out)
    return out.strip()


VALUES = ['/rel/a b', "https://x.example/?a=1&b=2", "1", " 0 ", "javascript:alert(1)", "mailto:a@b.de",
          "data:image/png;base64,xx", '"quoted" <tag> & \u00a0nbsp', "12", "12px", " 7 ", "",
          "//cdn.example/x.jpg 2x, /a.jpg 300w, javascript:x 1x", "ftp://x/", "?q#f", "http://[::1",
          # the plain forms clean resolves without the general path (_resolve_simple), and their edges
          "/wp-content/uploads/bild-1024x768.jpg", "/a/./b", "/a/../b", "/x/.", "/x?", "/x#", "/x?#y",
          "/x?q=1#f", "/\\evil", "http://h.example:99999/x", "http://h.example:8080", "https://h.example",
          "HTTP://UPPER.example/x", "http://h.example/a/../b", "http://h.example/x?", "http://h_x.example/",
          "/w.jpg 1024w, /v.jpg 300w", "http://h.example:8000/x.jpg 2x, /y.jpg 1x", "/caf\u00e9"]  # fmt: skip
ATTRIBUTES = ["href", "src", "srcset", "width", "height", "alt", "title", "colspan", "start",
              "value", "span", "sizes", "lang", "loading", "class", "onerror", "rel", "type"]  # fmt: skip
TAGS = ["a", "img", "source", "td", "th", "col", "colgroup", "ol", "li", "p", "span", "table"]


def generated(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(1, 6)):
            tag = rng.choice(TAGS)
            attrs = "".join(f' {a}="{rng.choice(VALUES)}"' for a in rng.sample(ATTRIBUTES, rng.randint(0, 6)))
            parts.append(f"<{tag}{attrs}>text {rng.random():.3f}</{tag}>")
        html = "".join(parts)
        if rng.random() < 0.3:
            html = f"<table><tr>{html}</tr></table>"
        out.append(html)
    return out


def inputs() -> list[str]:
    found = generated(14, 1500)
    for path in sorted(FEEDS.rglob("*.xml")):
        found.append(path.read_text("utf-8", "replace"))
    vectors = CORPUS / "xss-vectors" / "xss_vectors.json"
    if vectors.exists():
        found += json.loads(vectors.read_text("utf-8"))
    return found


@pytest.mark.parametrize("comment", [False, True])
def test_the_filter_after_nh3_is_nh3s_attribute_filter(comment):
    differ = []
    for html in inputs():
        for base in BASES:
            sanitized, links = clean._sanitized(html, base, comment)
            expected = reference(html, base, comment)
            if sanitized != expected or links != reference_links(expected):
                differ.append((html[:200], base))
    assert differ == []


def reference_text(sanitized: str) -> str:
    """The text of sanitised HTML as clean read it tag by tag (block elements separate words)."""
    parts: list[str] = []
    pos = 0
    for tag in clean._ANY_TAG.finditer(sanitized):
        parts.append(sanitized[pos : tag.start()])
        name = tag.group(0)[1:].lstrip("/").split(None, 1)[0].rstrip("/>").lower()
        parts.append(" " if name in clean._BLOCK_NAMES else "")
        pos = tag.end()
    parts.append(sanitized[pos:])
    return " ".join(html_lib.unescape("".join(parts)).split())


def test_the_text_of_a_sanitised_body_and_the_start_an_excerpt_reads():
    differ = []
    long = "".join(f"<p>Absatz {n} mit <em>Beto</em>nung, <a href='/x{n}'>Link</a> &amp; mehr.</p>"
                   for n in range(400))  # fmt: skip
    for html in inputs() + [long, long.replace("<p>", "<span>")]:
        sanitized = clean.sanitize_html(html, BASES[0])
        whole = reference_text(sanitized)
        if clean._text_of_sanitized(sanitized) != whole:
            differ.append((html[:200], None))
        # An excerpt's text is without the links it leaves out (footnotes, bare addresses).
        prose = reference_text(clean._NO_EXCERPT_LINK.sub(" ", sanitized))
        for limit in (1, 10, 80, 300, 2000):
            if clean.bounded(clean._text_of_sanitized(sanitized, limit), limit) != clean.bounded(prose, limit):
                differ.append((html[:200], limit))
    assert differ == []


def test_the_plain_forms_resolve_as_the_general_path_resolves_them():
    """_resolve_simple (the attribute pass and every URL take it first) gives what urllib's
    general path gives, wherever it answers at all, but for one known difference: urljoin drops
    an empty ";" parameter ("/a;" becomes "/a"), the plain path keeps it, as browsers do."""
    rng = random.Random(16)
    alphabet = list("/.?#:%@;=&-_~aZ09\\") + ["..", "./", "http://", "https://", "HTTP://", ":99999"]
    urls = [value for value in VALUES if " " not in value and "," not in value]
    urls += ["".join(rng.choices(alphabet, k=rng.randint(1, 7))) for _ in range(20_000)]
    answered, differ = 0, []
    for base in BASES:
        origin = clean._origin(base)
        for url in urls:
            fast = clean._resolve_simple(url, origin)
            if fast is None or ";" in url:
                continue
            answered += 1
            if (fast or None) != clean._resolve_general(url, base):
                differ.append((url, base, fast))
    assert differ == [] and answered > 1000


def test_a_plain_srcset_reads_as_each_candidate_on_its_own_reads():
    """_srcset takes srcsets as WordPress writes them in one pass; every candidate on its own
    (the general path) gives the same, and the one pass answers for the plain forms."""
    rng = random.Random(17)
    urls = ["/wp-content/uploads/bild-1024x768.jpg", "https://blog.example/wp-content/a-300x225.jpg",
            "http://h.example/x.jpg", "HTTP://h.example/x.jpg", "http://h.example:8000/x.jpg", "/a/./b.jpg",
            "/a/../b.jpg", "//cdn.example/x.jpg", "/\\evil.jpg", "/x?.jpg", "/x#f", "/caf\u00e9.jpg",
            "javascript:alert(1)", "b.jpg", '/"quoted".jpg', "/a,b.jpg", "https://UPPER.example/x.jpg"]  # fmt: skip
    descriptors = ["300w", "1024w", "2x", "1.5x", "evil", "", "\u0663w", "300w 2x"]
    spaces = [" ", "  ", "\t", "\n", "\u00a0", ""]
    answered, differ = 0, []
    for _ in range(20_000):
        candidates = [rng.choice(spaces) + rng.choice(urls) + rng.choice(spaces[:5]) + rng.choice(descriptors)
                      + rng.choice(spaces) for _ in range(rng.randint(1, 4))]  # fmt: skip
        value = rng.choice([",", ", ", " ,"]).join(candidates) + rng.choice(["", ",", ", "])
        for base in BASES:
            origin = clean._origin(base)
            expected = clean._srcset_candidates(value, base, origin)
            answered += bool(clean._PLAIN_SRCSET.fullmatch(value)) and origin is not None
            if clean._srcset(value, base, origin) != expected:
                differ.append((value, base))
    assert differ == [] and answered > 1000
