"""The roundup as HTML to paste into WordPress (its code editor, or a "Custom HTML" block): the
same parts as roundup.py's Markdown draft, for hosts whose call is on their own blog.

Written to ``roundups/<slug>-rueckschau.html`` in the site folder, not under content/: Pelican
would read an .html file there as an article of this site.  Plain markup only (headings,
paragraphs, links, a list, quotes): no script, no style, no images, nothing a blog's editor could
refuse or that would fetch anything.  Everything the participants wrote is escaped, brackets too:
WordPress runs a shortcode wherever its text says "[gallery]" or "[embed]…[/embed]".  A contribution in
another language than the roundup's is marked with its own (`lang`), as in the Markdown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from functools import partial
from html import escape as escape_html
from pathlib import Path


from ..models import CommentTally, Participant, StoredPost
from ..xmltext import xml_text
from .files import Parade
from .roundup import (
    TEXTS,
    RoundupExists,
    _blog,
    _comments,
    _plural,
    _replace,
    comments_in_all,
    in_order,
    language,
    long_date,
    written_locale,
    markdown_url,
    number,
    opening,
    other_language,
)

FOLDER = "roundups"

HTML_TEXTS = {
    "de": {
        "intro": "Einleitung: Hier ein paar eigene Sätze zur Blogparade – wie es war, was euch "
                 "aufgefallen ist, wem ihr danken möchtet.",
        "window": "Vom {start} bis zum {end} lief die Blogparade {link}.",
        "quoted": "„{title}“",
        "late": "nachgereicht",
    },
    "en": {
        "intro": "Introduction: a few words of your own about the parade – how it went, what "
                 "struck you, whom you would like to thank.",
        "window": "From {start} to {end} we ran the blog parade {link}.",
        "quoted": "“{title}”",
        "late": "late",
    },
}  # fmt: skip


# As character references: WordPress shows them as brackets, and finds no shortcode in them.
_BRACKETS = str.maketrans({"[": "&#91;", "]": "&#93;"})


def escape(text: str) -> str:
    """Text as HTML that WordPress shows as exactly this text: no markup, no shortcode, no
    character XML cannot carry."""
    return escape_html(xml_text(text)).translate(_BRACKETS)


def _link(text: str, url: str | None, lang: str | None = None) -> str:
    safe = markdown_url(url or "")  # http(s) only, quotes and brackets encoded
    return f'<a href="{escape_html(safe)}"{_lang(lang)}>{escape(text)}</a>' if safe else escape(text)


def _lang(tag: str | None) -> str:
    """` lang="…"` for a contribution in another language than the roundup's, else nothing."""
    return f' lang="{escape_html(tag)}"' if tag else ""


def roundup_html(
    parade: Parade,
    contributions: Iterable[StoredPost],
    *,
    participants: Mapping[str, Participant],
    comment_counts: Mapping[str, CommentTally],
    lang: str = "de",
) -> str:
    """The roundup's HTML: an introduction to replace, every contribution with its blog,
    author, date, comment count and opening sentences, and the parade in figures."""
    short = written_locale(lang)
    texts, own = TEXTS[language(short)], HTML_TEXTS[language(short)]
    posts = sorted(contributions, key=in_order)
    day = partial(long_date, lang=short)
    link = _link(str(own["quoted"]).format(title=parade.title), parade.call_url)
    window = str(own["window"]).format(start=day(parade.start), end=day(parade.end), link=link)
    blogs = len({post.participant for post in posts})
    summary = (
        str(texts["thanks"]).format(posts=_plural(texts, "n_posts", len(posts), short),
                                    blogs=_plural(texts, "n_blogs", blogs, short))  # fmt: skip
        if posts else str(texts["none"])
    )
    parts = [
        f"<p><em>{escape(str(own['intro']))}</em></p>",
        f"<p>{window} {escape(summary)}</p>",
        f"<h2>{escape(str(texts['contributions']))}</h2>",
    ]
    for post in posts:
        blog = _blog(post, participants)
        facts = [_link(blog.name, blog.home)]
        if post.author and post.author.strip() != blog.name.strip():
            facts.append(escape(str(texts["by"]).format(author=post.author)))
        facts.append(escape(day(parade.local_date(post.published))))
        if parade.is_late(post.published):
            facts.append(escape(str(own["late"])))
        if (comments := _comments(post, comment_counts)) is not None:
            facts.append(escape(_plural(texts, "n_comments", comments, short)))
        other = other_language(post, participants, short)
        parts.append(f"<h3>{_link(post.title, post.url, other)}</h3>")
        parts.append(f"<p>{' · '.join(facts)}</p>")
        first = opening(post.excerpt)
        if first:
            parts.append(f"<blockquote{_lang(other)}><p>{escape(first)}</p></blockquote>")
    parts.append(f"<h2>{escape(str(texts['figures']))}</h2>")
    comments = comments_in_all(posts, comment_counts)
    figures = [
        escape(str(texts["f_posts"]).format(n=number(len(posts), short))),
        *([escape(str(texts["f_comments"]).format(n=number(comments, short)))] if comments is not None else []),
        escape(str(texts["f_blogs"]).format(n=number(blogs, short))),
    ]
    for key, post in (("f_first", posts[0]), ("f_last", posts[-1])) if posts else ():
        when = escape(day(parade.local_date(post.published)))
        named = _blog(post, participants).name
        title = _link(post.title, post.url, other_language(post, participants, short))
        figures.append(escape(str(texts[key])).format(date=when, title=title, blog=escape(named)))
    parts.append("<ul>" + "".join(f"<li>{line}</li>" for line in figures) + "</ul>")
    return "\n".join(parts) + "\n"


def roundup_html_path(root: Path, parade: Parade, lang: str = "de") -> Path:
    short = language(lang)
    return root / FOLDER / (str(TEXTS[short]["slug"]).format(slug=parade.slug) + ".html")


def html_roundup_day(root: Path, parade: Parade, lang: str = "de") -> date | None:
    """The day the parade's HTML roundup (for the host's own blog) was written, in the site's
    time zone, where it is there: late contributions end on it (this site never learns when the
    host publishes it)."""
    path = roundup_html_path(root, parade, lang)
    if not path.is_file():
        return None
    return parade.local_date(datetime.fromtimestamp(path.stat().st_mtime, UTC))


def write_roundup_html(root: Path, parade: Parade, text: str, *, force: bool = False,
                       lang: str = "de") -> Path:  # fmt: skip
    """Write the HTML roundup; RoundupExists when it is there already and not `force`."""
    path = roundup_html_path(root, parade, lang)
    if path.exists() and not force:
        raise RoundupExists(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _replace(path, text)
    return path
