"""The roundup: a draft Pelican article listing a parade's contributions, for the host to edit.

`roundup_text` writes the Markdown; `write_roundup` puts it at ``content/<slug>-rueckschau.md``
(``<slug>-roundup.md`` in English), a draft (``Status: draft``) until the host publishes it, and
never over an existing file unless told to.

Everything the participants wrote (titles, blog names, authors, excerpts) is untrusted: it is
escaped so that it reads as text and can never become Markdown or HTML markup, links included.
A contribution in another language than the roundup's has its title and opening marked with its
own (`lang`, as the site's pages mark it), in Markdown's attribute lists (`{: lang="en" }`).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from ..languages import language_tag
from ..languages import other_language as another
from ..models import CommentTally, Participant, StoredPost
from ..urls import ascii_host
from ..xmltext import xml_text
from .files import Parade, read_file_metadata
from .select import MORE_MARKER, without_feed_footer

# Escaped with a backslash: what Python-Markdown (and Pelican's "extra") would read as markup.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]])")
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
# At the start of a line these begin a heading, quote, list or rule ("1." an ordered list).
_LINE_START = re.compile(r"^(\s*)(?:([#>+\-])|(\d+)([.)]))")
_SENTENCE_END = re.compile(r"([.!?…][\"“”»’']?)\s+(?=[\"„“«‚(]?[A-ZÄÖÜ0-9])")
# "z. B. Heizung": an abbreviation or initial before the dot does not end a sentence.
_ABBREVIATION = re.compile(
    r"(?:\b\w|\b(?:bzw|ca|dr|prof|nr|usw|etc|vgl|inkl|evtl|ggf|bspw|mio|mrd|st|str|z\.b|d\.h|"
    r"u\.a|e\.g|i\.e|mr|mrs|ms|vs|no))\.$",
    re.I,
)
OPENING_LIMIT = 280

TEXTS = {
    "de": {
        "title": "Rückschau: {title}",
        "slug": "{slug}-rueckschau",
        "category": "Blogparade",
        "tags": "Blogparade",
        "note": ("ENTWURF: Bitte die Einleitung schreiben und diesen Hinweis löschen. "
                 "Zum Veröffentlichen die Zeile \"Status: draft\" entfernen."),
        "intro": ("**Einleitung:** *Hier ein paar eigene Sätze zur Blogparade: wie es war, "
                  "was euch aufgefallen ist, wem ihr danken möchtet.*"),
        "window": "Vom {start} bis zum {end} lief die Blogparade [„{title}“]({call}).",
        "thanks": "{posts} aus {blogs} – danke an alle, die mitgeschrieben haben!",
        "none": "Zu dieser Blogparade sind keine Beiträge eingegangen.",
        "contributions": "Die Beiträge",
        "by": "von {author}",
        "late": "nachgereicht",
        "figures": "In Zahlen",
        "n_posts": ("{n} Beitrag", "{n} Beiträge"),
        "n_comments": ("{n} Kommentar", "{n} Kommentare"),
        "n_blogs": ("{n} Blog", "{n} Blogs"),
        "f_posts": "Beiträge: {n}",
        "f_comments": "Kommentare: {n}",
        "f_blogs": "Blogs: {n}",
        "f_first": "Erster Beitrag: {date}, {title} ({blog})",
        "f_last": "Letzter Beitrag: {date}, {title} ({blog})",
    },
    "en": {
        "title": "Roundup: {title}",
        "slug": "{slug}-roundup",
        "category": "Blog parade",
        "tags": "blog parade",
        "note": ("DRAFT: Please write the introduction and delete this note. "
                 "To publish, remove the line \"Status: draft\"."),
        "intro": ("**Introduction:** *A few words of your own about the parade: how it went, "
                  "what struck you, whom you would like to thank.*"),
        "window": "From {start} to {end} we ran the blog parade [“{title}”]({call}).",
        "thanks": "{posts} from {blogs} – thank you to everyone who took part!",
        "none": "No contributions came in for this blog parade.",
        "contributions": "The contributions",
        "by": "by {author}",
        "late": "late",
        "figures": "In figures",
        "n_posts": ("{n} contribution", "{n} contributions"),
        "n_comments": ("{n} comment", "{n} comments"),
        "n_blogs": ("{n} blog", "{n} blogs"),
        "f_posts": "Contributions: {n}",
        "f_comments": "Comments: {n}",
        "f_blogs": "Blogs: {n}",
        "f_first": "First contribution: {date}, {title} ({blog})",
        "f_last": "Last contribution: {date}, {title} ({blog})",
    },
}


def language(lang: str) -> str:
    """The roundup's language for the site's DEFAULT_LANG: German for German ("de", "de-AT",
    "de_CH"), English for any other, as the theme, the digest and the notices speak."""
    return "de" if lang.replace("_", "-").split("-")[0].lower() == "de" else "en"


def written_locale(lang: str) -> str:
    """The locale the roundup writes its dates and numbers in: the site's own where the roundup
    speaks its language ("1 November 2026" on an en-GB site, "Jänner" in de-AT), else English's."""
    tag = lang.replace("_", "-")
    return tag if tag.split("-")[0].lower() in ("de", "en") else "en"


class RoundupExists(Exception):
    """A roundup draft is there already; writing again needs force."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(
            f"{path} exists already: edit that file, or write a new draft over it with --force"
        )


class RoundupPublished(RoundupExists):
    """The roundup is published: not even force writes a draft over it."""

    def __init__(self, path: Path):
        self.path = path
        Exception.__init__(
            self, f"{path} is published (it says no \"Status: draft\"): a new draft would take it off "
            "the site and lose what you wrote; add the new contributions to it by hand, or delete it first"
        )


def is_published(path: Path) -> bool:
    """Whether a roundup file is published: an article (Pelican needs its title) whose metadata
    says no "Status: draft"."""
    meta = read_file_metadata(path)
    return meta is not None and bool(meta.first("title")) and meta.first("status").strip().lower() != "draft"


# --- escaping -----------------------------------------------------------------------------------


def escape_markdown(text: str) -> str:
    """Untrusted text as Markdown that renders as exactly this text: one line, no markup, no
    character XML cannot carry (a page's title with U+0001 failed every build once the roundup
    was published: Pelican's feed writer refuses it)."""
    text = " ".join(xml_text(str(text)).split())  # one line: no headings, lists or code blocks by layout
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    # "&lt;" in a title means those four characters; a lone "&" stays readable ("Kaffee & Code").
    text = _ENTITY_LIKE.sub("&amp;", text)
    # "<" as an entity: Markdown passes raw HTML through, and has no backslash escape for "<".
    text = text.replace("<", "&lt;")
    return _LINE_START.sub(_escape_line_start, text, count=1)


def _escape_line_start(match: re.Match[str]) -> str:
    if match[2]:
        return f"{match[1]}\\{match[2]}"
    return f"{match[1]}{match[3]}\\{match[4]}"  # "1\." : the dot makes the list


def markdown_url(url: str) -> str | None:
    """An http(s) URL safe to put into `[text](url)`, else None (nothing else is ever linked)."""
    if not isinstance(url, str) or not url.strip().lower().startswith(("http://", "https://")):
        return None
    # Encoded: what would end the URL or the link, and what a later edit could make odd of.
    return quote(_ascii_host(url.strip()), safe="/:?#[]@!$&'*+,;=%-._~")


def _ascii_host(url: str) -> str:
    """`url` with an umlaut domain in IDNA ("xn--mller-kva.de"), as fetch connects to it (urls.py):
    percent-encoded, a host name is no name DNS knows."""
    parts = urlsplit(url)
    if parts.netloc.isascii():
        return url
    user, at, hostport = parts.netloc.rpartition("@")
    host, colon, port = hostport.partition(":")
    host = ascii_host(host)  # where no IDNA can write it: percent-encoded as the rest of the URL
    return urlunsplit(parts._replace(netloc=f"{user}{at}{host}{colon}{port}"))


def _link(text: str, url: str | None, lang: str | None = None) -> str:
    """A Markdown link to `url` (where it is http), in the language `lang` where given."""
    safe = markdown_url(url or "")
    if not safe:
        return escape_markdown(text)
    return f"[{escape_markdown(text)}]({safe})" + (f'{{: lang="{lang}" }}' if lang else "")


# --- pieces -------------------------------------------------------------------------------------


def opening(excerpt: str, sentences: int = 2, limit: int = OPENING_LIMIT) -> str:
    """The first one or two sentences of an excerpt: two where they fit within `limit`."""
    text = without_feed_footer(MORE_MARKER.sub("", " ".join(excerpt.split()))).rstrip(" ,;:-–")
    parts = _sentences(text)
    chosen = parts[0] if parts else ""
    for part in parts[1:sentences]:
        if len(chosen) + 1 + len(part) > limit:
            break
        chosen = f"{chosen} {part}"
    if len(chosen) > limit:  # one endless sentence: cut at a word
        chosen = chosen[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-–") + "…"
    elif chosen and MORE_MARKER.search(excerpt) and chosen == text and chosen[-1] not in ".!?…":
        chosen += " …"  # the excerpt stopped mid-sentence: say so
    return chosen


def _sentences(text: str) -> list[str]:
    parts, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        sentence = text[start : match.end(1)]
        if _ABBREVIATION.search(sentence.rstrip("\"“”»’'")):
            continue
        parts.append(sentence.strip())
        start = match.end()
    parts.append(text[start:].strip())
    return [part for part in parts if part]


def number(n: int, lang: str) -> str:
    """A count as the roundup's language writes it, as the site's pages do: "1.234" in German."""
    from babel.numbers import format_decimal  # babel where a roundup is written: every fetch imports this

    return format_decimal(n, locale=lang.replace("-", "_"))


def long_date(day: date, lang: str) -> str:
    """A day as the roundup's language writes it: "1. Dezember 2026"."""
    from babel.dates import format_date

    return format_date(day, "long", locale=lang.replace("-", "_"))


def _plural(texts: Mapping[str, object], key: str, n: int, lang: str) -> str:
    one, many = texts[key]  # type: ignore[misc]
    return (one if n == 1 else many).format(n=number(n, lang))


@dataclass(frozen=True)
class _Blog:
    name: str
    home: str | None


def _blog(post: StoredPost, participants: Mapping[str, Participant]) -> _Blog:
    participant = participants.get(post.participant)
    if participant is not None:
        return _Blog(participant.name, participant.home)
    parts = urlsplit(post.url)  # a participant gone since: the post's site stands in
    return _Blog(parts.hostname or post.participant, f"{parts.scheme}://{parts.netloc}/")


def other_language(post: StoredPost, participants: Mapping[str, Participant], own: str) -> str | None:
    """The contribution's language tag ("en-GB") where it is another than `own`, the roundup's
    ("de-AT" is German): a screen reader speaks its title and opening in their own language."""
    participant = participants.get(post.participant)
    return another(language_tag(post.language or (participant.language if participant else None)), own)


def _comments(post: StoredPost, tallies: Mapping[str, CommentTally]) -> int | None:
    """The post's comment count as its page here shows it (website/export.py); None where
    nothing says (CommentTally.counted)."""
    return tallies.get(post.id, CommentTally()).counted(post)


def comments_in_all(posts: Sequence[StoredPost], tallies: Mapping[str, CommentTally]) -> int | None:
    """The posts' comments in all; None where there are posts and none's are known."""
    known = [count for post in posts if (count := _comments(post, tallies)) is not None]
    return sum(known) if known or not posts else None


def _metadata(parade: Parade, texts: Mapping[str, object], today: date, category: str) -> str:
    tags = ", ".join(dict.fromkeys(t for t in (parade.tag, str(texts["tags"])) if t))
    lines = {
        "Title": str(texts["title"]).format(title=parade.title),
        "Date": today.isoformat(),
        "Status": "draft",
        "Category": category,
        "Tags": tags,
        "Slug": str(texts["slug"]).format(slug=parade.slug),
        "Parade": parade.slug,
    }
    # Metadata lines are one line each, whatever the parade file held.
    return "\n".join(f"{key}: {' '.join(value.split())}" for key, value in lines.items())


def _entry(
    post: StoredPost, parade: Parade, texts: Mapping[str, object], lang: str,
    participants: Mapping[str, Participant], counts: Mapping[str, CommentTally],
) -> str:  # fmt: skip
    blog = _blog(post, participants)
    facts = [_link(blog.name, blog.home)]
    if post.author and post.author.strip() != blog.name.strip():
        facts.append(str(texts["by"]).format(author=escape_markdown(post.author)))
    facts.append(long_date(parade.local_date(post.published), lang))
    if parade.is_late(post.published):
        facts.append(str(texts["late"]))
    if (comments := _comments(post, counts)) is not None:
        facts.append(_plural(texts, "n_comments", comments, lang))
    other = other_language(post, participants, lang)
    entry = f"### {_link(post.title, post.url, other)}\n\n{' · '.join(facts)}"
    first = opening(post.excerpt)
    quote = f"\n\n> {escape_markdown(first)}" + (f'\n> {{: lang="{other}" }}' if other else "")
    return entry + (quote if first else "")


def _figures(
    posts: list[StoredPost], parade: Parade, texts: Mapping[str, object], lang: str,
    participants: Mapping[str, Participant], counts: Mapping[str, CommentTally],
) -> list[str]:  # fmt: skip
    comments = comments_in_all(posts, counts)
    lines = [
        str(texts["f_posts"]).format(n=number(len(posts), lang)),
        *([str(texts["f_comments"]).format(n=number(comments, lang))] if comments is not None else []),
        str(texts["f_blogs"]).format(n=number(len({post.participant for post in posts}), lang)),
    ]
    for key, post in (("f_first", posts[0]), ("f_last", posts[-1])) if posts else ():
        day = long_date(parade.local_date(post.published), lang)
        blog = escape_markdown(_blog(post, participants).name)
        title = _link(post.title, post.url, other_language(post, participants, lang))
        lines.append(str(texts[key]).format(date=day, title=title, blog=blog))
    return [f"- {line}" for line in lines]


# --- the article --------------------------------------------------------------------------------


def in_order(post: StoredPost) -> tuple[datetime, int, str]:
    """A roundup's order of contributions (its Markdown's and its HTML's): the oldest first;
    of one date, as their blog's feed listed them."""
    return (post.published, -post.feed_rank, post.id)


def roundup_text(
    parade: Parade,
    contributions: Iterable[StoredPost],
    *,
    participants: Mapping[str, Participant] | Iterable[Participant],
    comment_counts: Mapping[str, CommentTally],
    today: date,
    lang: str = "de",
    category: str | None = None,
) -> str:
    """The roundup's Markdown: metadata, an introduction to fill in, every contribution with its
    blog, author, date, comment count and opening sentences, and the parade in figures."""
    lang = written_locale(lang)
    texts = TEXTS[language(lang)]
    people = participants if isinstance(participants, Mapping) else {p.slug: p for p in participants}
    posts = sorted(contributions, key=in_order)
    day = partial(long_date, lang=lang)
    window = str(texts["window"]).format(
        start=day(parade.start), end=day(parade.end), title=escape_markdown(parade.title),
        call=markdown_url(parade.call_url) or "",
    )  # fmt: skip
    blogs = len({post.participant for post in posts})
    summary = (
        str(texts["thanks"]).format(
            posts=_plural(texts, "n_posts", len(posts), lang),
            blogs=_plural(texts, "n_blogs", blogs, lang),
        )
        if posts
        else str(texts["none"])
    )
    blocks = [
        _metadata(parade, texts, today, category or str(texts["category"])),
        f"<!-- {texts['note']} -->",
        str(texts["intro"]),
        f"{window} {summary}",
        f"## {texts['contributions']}",
        *(_entry(post, parade, texts, lang, people, comment_counts) for post in posts),
        f"## {texts['figures']}",
        "\n".join(_figures(posts, parade, texts, lang, people, comment_counts)),
    ]
    return "\n\n".join(blocks) + "\n"


# --- the file -----------------------------------------------------------------------------------


def roundup_path(content_dir: Path, parade: Parade, lang: str = "de") -> Path:
    slug = str(TEXTS[language(lang)]["slug"]).format(slug=parade.slug)
    return content_dir / f"{slug}.md"


def existing_roundup(content_dir: Path, parade: Parade, lang: str = "de") -> Path | None:
    """The roundup's file if there is one: at its place, or moved elsewhere under content/
    (found by its Slug: a second file with that slug would make Pelican publish one over the
    other)."""
    path = roundup_path(content_dir, parade, lang)
    if path.exists():
        return path
    slug = path.stem
    for other in sorted(content_dir.rglob("*.md")) if content_dir.is_dir() else ():
        meta = read_file_metadata(other)
        if meta is not None and meta.first("slug") == slug:
            return other
    return None


def write_roundup(
    content_dir: Path, parade: Parade, text: str, force: bool = False, *, lang: str = "de"
) -> Path:
    """Write the draft to content/<slug>-rueckschau.md (…-roundup.md in English) and return where.

    RoundupExists when the roundup is there already (at that place, or moved and found by its
    slug); with force, the existing draft is replaced.  RoundupPublished where the host has
    published it (no "Status: draft" any more): a new draft over it would take it off the site
    and lose what the host wrote.
    """
    existing = existing_roundup(content_dir, parade, lang)
    if existing is not None and not force:
        raise RoundupExists(existing)
    if existing is not None and is_published(existing):
        raise RoundupPublished(existing)
    path = existing or roundup_path(content_dir, parade, lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    if existing is None:
        try:
            with path.open("x", encoding="utf-8") as file:  # "x": never over a file made meanwhile
                file.write(text)
        except FileExistsError:
            raise RoundupExists(path) from None
        return path
    _replace(path, text)
    return path


def _replace(path: Path, text: str) -> None:
    # Through a temporary file: an interrupted write never leaves half a draft.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
