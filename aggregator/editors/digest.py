"""The digest: a period's new posts as one e-mail (HTML with a plain-text part), in the site's
language, linking to the posts on the published site (SITEURL of publishconf.py).

    digest = collect(site, store, since=timedelta(days=7), department="Vertrieb")
    message = digest_message(digest, sender="blogparade@example.org", recipients=["alle@…"])

A post is new in the period it was first fetched in (a moved blog's post: its first copy), where
it was published in that period or in the one before, by a blog fetched before: a post its blog
published after the last fetch before one digest is in the next; a post edited, or dated anew,
is in no second one; a blog's first fetch brings the period's posts, not its past.  A period of
whole days ends and starts at the same local time (a daily digest at 7:00 misses no hour on the
night the clocks change).  Sending is mail.py's job.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, parseaddr
from typing import Any, Sequence
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal

from ..i18n import babel_locale
from ..languages import language_tag, other_language
from ..models import CommentTally, Participant
from ..site import PUBLISH_SETTINGS_FILE, Site, timezone_name
from ..store import Store, utcnow
from .mail import set_subject
from .participants import department_names, department_slug, is_mailto, load_participants

POST_URL = "blogs/{participant}/{id}/"  # the plugin's default, where publishconf.py names none
EXCERPT = 300  # characters of a post's excerpt in the mail
# Posts a mail lists, the newest; the others are counted and the site linked.  A week of a big
# blog roll (500 posts) made a mail of 700 KB, which mail servers refuse or cut and no one reads.
MAX_LISTED = 100
# ASCII digits: \d and int() would take "２０d" (full-width) or "٧d" (Arabic-Indic) for 20 and 7 days.
_PERIOD = re.compile(r"^\s*(\d+)\s*([hdw])\s*$", re.I | re.ASCII)
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}

# The mail's words; German is the default, as the site's DEFAULT_LANG is.
TEXTS = {
    "de": {
        "subject": "{site}: {count} neue Beiträge seit dem {since}",
        "subject_one": "{site}: ein neuer Beitrag seit dem {since}",
        "department": " – {department}",
        "intro": "Neue Beiträge seit dem {since}{where}:",
        "where": " aus {department}",
        "by": "von {author}",
        "in": "bei {blog}",
        "comments": {0: "noch keine Kommentare", 1: "1 Kommentar"},
        "comments_n": "{count} Kommentare",
        "read": "Weiterlesen",
        "all": "Alle Beiträge",
        "footer": "Diese Zusammenfassung kommt von {site}.",
        "none": "Keine neuen Beiträge seit dem {since}{where}.",
        "more": "… und {count} weitere Beiträge",
        "more_one": "… und ein weiterer Beitrag",
    },
    "en": {
        "subject": "{site}: {count} new posts since {since}",
        "subject_one": "{site}: one new post since {since}",
        "department": " – {department}",
        "intro": "New posts since {since}{where}:",
        "where": " from {department}",
        "by": "by {author}",
        "in": "on {blog}",
        "comments": {0: "no comments yet", 1: "1 comment"},
        "comments_n": "{count} comments",
        "read": "Read on",
        "all": "All posts",
        "footer": "This digest comes from {site}.",
        "none": "No new posts since {since}{where}.",
        "more": "… and {count} more posts",
        "more_one": "… and one more post",
    },
}


class DigestError(Exception):
    """A digest cannot be made as asked; the message says why, for a person."""


@dataclass(frozen=True)
class DigestPost:
    title: str
    blog: str
    author: str
    excerpt: str
    comments: int | None  # None: nothing says (CommentTally.counted)
    published: datetime
    url: str  # the post's page on the site
    blog_url: str  # the blog's page on the site
    language: str | None = None  # its language tag, where another than the site's
    rank: int = 0  # its place among its blog's posts of its date (StoredPost.feed_rank)


@dataclass(frozen=True)
class Digest:
    site_name: str
    site_url: str  # SITEURL of publishconf.py, without a trailing slash
    since: datetime
    until: datetime
    department: str | None
    posts: tuple[DigestPost, ...]
    lang: str = "de"
    timezone: str = "UTC"

    def words(self) -> dict[str, Any]:
        return TEXTS.get(self.lang.split("-")[0].split("_")[0], TEXTS["en"])

    def number(self, count: int) -> str:
        """A count as the site's pages write it: "1.234" in German."""
        return format_decimal(count, locale=babel_locale(self.lang))

    def day(self, value: datetime) -> str:
        return format_date(value.astimezone(ZoneInfo(self.timezone)), "long",
                           locale=babel_locale(self.lang))  # fmt: skip


def parse_period(text: str) -> timedelta:
    """"7d", "24h", "2w" as a timedelta; DigestError for anything else."""
    match = _PERIOD.match(text or "")
    if not match or int(match.group(1)) == 0:
        raise DigestError(f"--since takes a period like 7d, 24h or 2w, not {text!r}")
    try:
        period = timedelta(**{_UNITS[match.group(2).lower()]: int(match.group(1))})
    except OverflowError:
        period = _LONGEST + _LONGEST
    if period > _LONGEST:  # further back, a date would leave the calendar
        raise DigestError(f"--since {text.strip()} goes back more than 100 years: take a shorter period")
    return period


_LONGEST = timedelta(days=100 * 366)


def publish_settings(site: Site) -> dict[str, Any]:
    """The settings of publishconf.py (the site's real address), else the development ones."""
    path = site.root / PUBLISH_SETTINGS_FILE
    if not path.is_file():
        return dict(site.settings)
    from pelican.settings import read_settings

    try:
        return {**site.settings, **read_settings(str(path))}
    except Exception as error:  # a settings file is code: anything can go wrong in it
        raise DigestError(f"cannot read {path}: {error}") from error


def collect(
    site: Site, store: Store, *, since: timedelta, department: str | None = None,
    now: datetime | None = None, sent: datetime | None = None,
) -> Digest:  # fmt: skip
    """The period's new posts of every active blog (of one department), newest first.  `sent`:
    when the last digest to the same readers went out (sent_key): the period starts there where
    that is later (a digest sent again, or daily with "7d", lists no post twice)."""
    now = now or utcnow()
    participants, _ = load_participants(site.participants_dir)
    chosen = _of_department(participants, department)
    settings = publish_settings(site)
    site_url = str(settings.get("SITEURL") or "").rstrip("/")
    post_url = str(settings.get("BLOGPARADE_POST_URL") or POST_URL)
    blog_url = str(settings.get("AUTHOR_URL") or "blogs/{slug}/")
    lang = str(settings.get("DEFAULT_LANG") or "de")
    zone = timezone_name(settings)
    start = period_start(now, since, zone)
    if sent is not None and start < sent <= now:
        start = sent
    posts = []
    # A moved blog's old copies (the site shows the new one), and posts another blog brought first.
    moves = store.moved_posts()
    moved = set(moves) | store.duplicate_post_ids({p.slug: p.home for p in participants if p.active})
    first_seen = _first_sightings(store, moves)
    blogs_since = store.first_fetched()
    tallies = store.comment_tallies()  # as the site counts a post's comments (export.py)
    for participant in chosen:  # hidden posts (`blogparade hide`) are not news
        known = participant.slug in blogs_since and blogs_since[participant.slug] <= start
        for post in store.posts(participant.slug, since=start - since if known else start, hidden=False):
            if not start < first_seen.get(post.id, post.first_seen) <= now:
                continue  # fetched before the period (in an earlier digest), or after it
            if post.id in moved or not participant.takes(post.categories):
                continue  # not on the site (its link would lead nowhere)
            posts.append(DigestPost(
                title=post.title or _words(post.excerpt, 8) or post.url,
                blog=participant.name,
                # Not the blog's name again ("bei Kantine, von Kantine": a feed that names none).
                author=author if (author := post.author or participant.author).strip() != participant.name.strip() else "",
                excerpt=_words(post.excerpt, 60, limit=EXCERPT),
                comments=tallies.get(post.id, CommentTally()).counted(post),
                published=post.published,
                url=_join(site_url, post_url.format(participant=participant.slug, id=post.id)),
                blog_url=_join(site_url, blog_url.format(slug=participant.slug)),
                language=other_language(language_tag(post.language or participant.language), lang),
                rank=post.feed_rank,
            ))  # fmt: skip
    posts.sort(key=lambda p: (p.published.timestamp(), -p.rank), reverse=True)  # as the site lists them
    return Digest(
        site_name=str(settings.get("SITENAME") or "blogparade"), site_url=site_url,
        since=start, until=now, department=chosen[0].department if department and chosen else None,
        posts=tuple(posts), lang=lang, timezone=zone,
    )  # fmt: skip


SENT = "digest-sent:"  # meta: when the last digest to some readers went out (sent_key)


def sent_key(department: str | None, recipients: Sequence[str]) -> str:
    """The store's key of when a digest of `department` last went to `recipients`."""
    readers = ",".join(sorted({_mailbox(address) for address in recipients}))
    return f"{SENT}{(department or '').casefold()}|{readers}"


def _mailbox(address: str) -> str:
    """An address as a reader is one: "Alle <alle@firma.intern>" is alle@firma.intern, whatever
    the name shown (a digest sent to each spelling went out twice)."""
    return parseaddr(address)[1].casefold() or address.casefold()


def period_start(now: datetime, since: timedelta, zone: str) -> datetime:
    """When the period that ends `now` starts: `since` before it, whole days ("7d", "24h") on
    the calendar of the site's time zone (7 days before Monday 7:00 is Monday 7:00, also across
    a change of the clocks, where 168 hours are not)."""
    if since % timedelta(days=1):
        return now - since
    local = now.astimezone(ZoneInfo(zone))
    return (local - since).astimezone(now.tzinfo)  # wall-clock arithmetic in `zone`


def _first_sightings(store: Store, moves: dict[str, tuple[str, str]]) -> dict[str, datetime]:
    """When the posts a moved blog brought again (Store.moved_posts) were first fetched: when
    their first copies were (the move brought no news)."""
    old = store.posts_by_id(list(moves)) if moves else {}
    found: dict[str, datetime] = {}
    for old_id, (_, new_id) in moves.items():
        if old_id in old:
            seen = old[old_id].first_seen
            found[new_id] = min(found.get(new_id, seen), seen)
    return found


def _of_department(participants: list[Participant], department: str | None) -> list[Participant]:
    active = [p for p in participants if p.active]
    if not department:
        return active
    wanted = department_slug(department)
    chosen = [p for p in active if p.department and department_slug(p.department) == wanted]
    if not chosen:
        known = sorted(department_names(p.department for p in participants).values(), key=str.casefold)
        raise DigestError(f"no blog of the department {department!r} "
                          f"(departments: {', '.join(known) or 'none'})")  # fmt: skip
    return chosen


def _words(text: str, count: int, *, limit: int | None = None) -> str:
    words = text.split()
    short = " ".join(words[:count])
    if limit is not None and len(short) > limit:
        short = short[:limit].rsplit(" ", 1)[0]
    return short + (" …" if short != " ".join(words) else "")


def _join(base: str, path: str) -> str:
    return f"{base}/{path.lstrip('/')}" if base else path


# -- the message ---------------------------------------------------------------------------------


def subject(digest: Digest) -> str:
    w = digest.words()
    since = digest.day(digest.since)
    count = len(digest.posts)
    text = (w["subject_one"] if count == 1 else w["subject"]).format(
        site=digest.site_name, count=digest.number(count), since=since)
    if digest.department:
        text += w["department"].format(department=digest.department)
    return text


def _intro(digest: Digest, key: str = "intro") -> str:
    w = digest.words()
    where = w["where"].format(department=digest.department) if digest.department else ""
    return w[key].format(since=digest.day(digest.since), where=where)


def _comment_words(digest: Digest, count: int) -> str:
    w = digest.words()
    return w["comments"].get(count) or w["comments_n"].format(count=digest.number(count))


def _more(digest: Digest) -> str:
    """The line for the posts beyond MAX_LISTED; "" where all are listed."""
    left = len(digest.posts) - MAX_LISTED
    if left <= 0:
        return ""
    w = digest.words()
    return w["more_one"] if left == 1 else w["more"].format(count=digest.number(left))


def render_text(digest: Digest) -> str:
    w = digest.words()
    if not digest.posts:
        return _intro(digest, "none") + "\n"
    lines = [_intro(digest), ""]
    for post in digest.posts[:MAX_LISTED]:
        lines += [
            post.title,
            f"{w['in'].format(blog=post.blog)}"
            + (f", {w['by'].format(author=post.author)}" if post.author else "")
            + f", {digest.day(post.published)}"
            + (f" · {_comment_words(digest, post.comments)}" if post.comments is not None else ""),
            *([post.excerpt] if post.excerpt else []),
            f"{w['read']}: {post.url}",
            "",
        ]
    if more := _more(digest):
        lines += [more + (f": {digest.site_url}/" if digest.site_url else ""), ""]
    lines += ["-- ", w["footer"].format(site=digest.site_name)
              + (f" {w['all']}: {digest.site_url}/" if digest.site_url else "")]
    return "\n".join(lines) + "\n"


def render_html(digest: Digest) -> str:
    w = digest.words()
    e = html.escape
    items = []
    for post in digest.posts[:MAX_LISTED]:
        byline = e(w["in"].format(blog="")) + f'<a href="{e(post.blog_url)}">{e(post.blog)}</a>'
        if post.author:
            byline += ", " + e(w["by"].format(author=post.author))
        byline += f", {e(digest.day(post.published))}"
        if post.comments is not None:
            byline += f" · {e(_comment_words(digest, post.comments))}"
        lang = f' lang="{e(post.language)}"' if post.language else ""  # the post's own words
        items.append(
            '<li style="margin:0 0 1.2em 0">'
            f'<h2 style="font-size:1.1em;margin:0"{lang}><a href="{e(post.url)}">{e(post.title)}</a></h2>'
            f'<p style="margin:.2em 0;color:#555">{byline}</p>'
            + (f'<p style="margin:.2em 0"{lang}>{e(post.excerpt)}</p>' if post.excerpt else "")
            + f'<p style="margin:.2em 0"><a href="{e(post.url)}">{e(w["read"])}</a></p></li>'
        )
    body = (f"<ul style=\"list-style:none;padding:0\">{''.join(items)}</ul>" if items
            else f"<p>{e(_intro(digest, 'none'))}</p>")  # fmt: skip
    if more := _more(digest):
        body += (f'<p><a href="{e(digest.site_url)}/">{e(more)}</a></p>' if digest.site_url
                 else f"<p>{e(more)}</p>")  # fmt: skip
    home = (f' <a href="{e(digest.site_url)}/">{e(w["all"])}</a>' if digest.site_url else "")
    return (
        f'<!DOCTYPE html>\n<html lang="{e(digest.lang)}"><head><meta charset="utf-8">'
        f"<title>{e(subject(digest))}</title></head>"
        '<body style="font-family:sans-serif;max-width:40em">'
        f"<p>{e(_intro(digest)) if digest.posts else ''}</p>{body}"
        f'<p style="color:#555;font-size:.9em">{e(w["footer"].format(site=digest.site_name))}{home}</p>'
        "</body></html>\n"
    )


def digest_message(digest: Digest, *, sender: str, recipients: list[str]) -> EmailMessage:
    """The e-mail: a plain-text part and its HTML alternative."""
    message = EmailMessage()
    set_subject(message, subject(digest))
    message["From"] = sender
    if recipients:
        message["To"] = ", ".join(recipients)
    message["Date"] = format_datetime(utcnow())  # "+0000": "-0000" says the zone is unknown
    message["Content-Language"] = digest.lang
    message.set_content(render_text(digest))
    message.add_alternative(render_html(digest), subtype="html")
    return message


def recipients_from(settings: dict[str, Any], given: tuple[str, ...]) -> list[str]:
    """--to, else BLOGPARADE_DIGEST_TO (a list, or one address); DigestError for one that is not
    one plain address: the mail server takes "not an address" for the local mailbox "not"."""
    if given:
        recipients, where = list(given), "--to"
    else:
        value = settings.get("BLOGPARADE_DIGEST_TO") or []
        recipients = [value] if isinstance(value, str) else [str(v) for v in value]
        where = "BLOGPARADE_DIGEST_TO"
    for address in recipients:
        if not is_one_address(address):
            raise DigestError(f"{where}: {address!r} is not one e-mail address like "
                              "alle@firma.example or \"Alle <alle@firma.example>\" (one address each); "
                              "nothing was sent")
    return recipients


def is_one_address(text: str) -> bool:
    """One recipient as a To header takes it: a plain address (`participants.is_mailto`'s rule),
    maybe with a display name ("Alle <alle@firma.example>"); no line breaks."""
    if not text.isprintable():
        return False
    found = getaddresses([text])
    return len(found) == 1 and is_mailto(f"mailto:{found[0][1]}")


def as_text(message: EmailMessage) -> str:
    """The message as --dry-run prints it: headers, then each part readable (no encodings)."""
    head = "\n".join(f"{name}: {value}" for name, value in message.items()
                     if name in ("Subject", "From", "To", "Date"))  # fmt: skip
    parts = [part for part in message.walk() if not part.is_multipart()]
    text = next((p.get_content() for p in parts if p.get_content_type() == "text/plain"), "")
    markup = next((p.get_content() for p in parts if p.get_content_type() == "text/html"), "")
    return f"{head}\n\n{text}\n--- text/html ---\n{markup}"

