"""Joining: a blog URL becomes a validated participant file."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from ..feeds.discover import CommentFeedError, Discovered, DiscoveryError, discover
from ..feeds.fetch import Fetcher, FetchSettings
from ..models import Kind, Participant
from ..site import Site
from ..urls import feed_identity, is_fetchable_url, is_http_url
from .participants import (
    LIMITS,
    LOGIN_IN_URL,
    LOGIN_INSTEAD,
    clean_text,
    has_login,
    load_participants,
    participant_problems,
    same_blog,
    secret_in_query,
    slugify,
    write_participant,
)


class JoinError(Exception):
    """The blog cannot join; the message says why, for a person.  `usage`: the command line named
    no blog that could ever join (not an http(s) address, a login in it), not a blog that cannot."""

    def __init__(self, message: str, *, usage: bool = False, present: bool = False):
        super().__init__(message)
        self.usage = usage
        self.present = present  # the blog is on the site already (an OPML file imported again)


def first_author(found: Discovered) -> str:
    """The entries' most frequent author, else the feed's own (Atom <feed><author>, RSS channel
    author): a blog that names its writer once at the top still gets one."""
    authors = Counter(entry.author for entry in found.feed.entries if entry.author)
    # most_common keeps first-seen order among equals: the same feed always names the same author.
    return authors.most_common(1)[0][0] if authors else found.feed.author


def unique_slug(wanted: str, taken: set[str]) -> str:
    slug, number = wanted, 2
    while slug in taken:
        slug, number = f"{wanted}-{number}", number + 1
    return slug


def already_there(url: str, existing: list[Participant]) -> None:
    """JoinError when `url` is, however spelt, the feed or home page of a participant."""
    key = feed_identity(url)
    for other in existing:
        if key in (feed_identity(other.feed), feed_identity(other.home or "-")):
            raise JoinError(f"{url} is already on the site as {other.slug!r} ({other.name})", present=True)


def blog_already_there(url: str, home: str, existing: list[Participant]) -> None:
    """JoinError when `home`, the blog's home page found for `url`, is a participant's home
    (participants.same_blog)."""
    other = same_blog(url, home, existing)
    if other is not None:
        raise JoinError(
            f"{url} is a feed of {home}, which is already on the site as {other.slug!r} "
            f"({other.name}, {other.feed})", present=True,
        )


def comment_feed_refusal(error: CommentFeedError, existing: list[Participant]) -> str:
    """The one sentence that says a comment feed cannot join, and what to join instead."""
    start = f"{error.url} is the comment feed of {error.home}"
    if error.post_feed is None:
        return (f"{start}; join the blog's post feed instead (none was found at {error.home}: "
                "give its address, blogparade join <post feed>)")
    for other in existing:
        if feed_identity(other.feed) == feed_identity(error.post_feed):
            return (f"{start}, whose post feed {error.post_feed} is already on the site as "
                    f"{other.slug!r} ({other.name})")
    return f"{start}; join its post feed instead: blogparade join {error.post_feed}"


def new_participant(
    found: Discovered,
    existing: list[Participant],
    *,
    name: str | None = None,
    author: str | None = None,
    kind: Kind = "employee",
    department: str = "",
) -> Participant:
    """The participant for a discovered feed; JoinError if the site has that feed or that blog
    (its home page) already, or if its file would not pass `check` (a name typed with a tab).

    What the feed says (its title, author, language) is a stranger's text: it is cleaned and
    shortened to fit, where what the person typed is refused, so they can correct it."""
    already_there(found.feed_url, existing)
    blog_already_there(found.feed_url, found.home_url, existing)
    name = name.strip() if name else clean_text(_platform_free(found.feed.title or ""), LIMITS["name"])
    name = name or clean_text(found.home_url, LIMITS["name"])
    # The feed's word, else its blog's page's (Blogger's feeds name none; its pages do).
    language = clean_text((found.feed.language or found.page_language or "").split("-")[0].lower(), LIMITS["language"])
    participant = Participant(
        slug=unique_slug(blog_slug(name, found.home_url), {p.slug for p in existing}),
        name=name,
        feed=found.feed_url,
        home=found.home_url,
        author=author.strip() if author is not None else clean_text(first_author(found), LIMITS["author"]),
        kind=kind,
        language=language,  # none declared: the site's (a German default mislabelled English blogs)
        department=" ".join(department.split()),
    )
    problems = participant_problems(participant)
    if problems:
        raise JoinError(f"{found.feed_url} cannot join: " + "; ".join(p.message for p in problems))
    return participant


def blog_slug(name: str, home: str) -> str:
    """The file name for a blog: its name's slug; a name in another script spelled in Latin
    letters ("Лена пишет": "lena-pishet"); one of no letters ("☕🚲") its home's address, host
    and path.  Both were "blog", then "blog-2", by the order they joined."""
    slug = slugify(name)
    if slug != "blog" or "blog" in name.casefold():  # "blog": slugify's word for no letters it keeps
        return slug
    from unidecode import unidecode  # Pelican's own transliteration, for its slugs

    slug = slugify(unidecode(name))
    if slug != "blog":
        return slug
    parts = urlsplit(home)
    return slugify(f"{(parts.hostname or '').removeprefix('www.')} {parts.path}")


def _platform_free(title: str) -> str:
    """A feed's title without what its platform wraps every writer's name in: Medium's "Stories
    by Mia Muster on Medium" names the blog "Mia Muster"."""
    medium = _MEDIUM_TITLE.fullmatch(title.strip())
    return medium[1] if medium else title


_MEDIUM_TITLE = re.compile(r"Stories by (.+?) on Medium")


def typed_problems(name: str | None, author: str | None, department: str) -> list[str]:
    """What `check` would say of the options as typed (--name, --author, --department), in a
    file that is right otherwise."""
    probe = Participant(slug="probe", name=(name or "").strip() or "probe",
                        feed="https://blog.example/feed/", home="https://blog.example/",
                        author=(author or "").strip(), department=department.strip())
    return [problem.message for problem in participant_problems(probe)]


def existing_participants(site: Site) -> list[Participant]:
    participants, _ = load_participants(site.participants_dir)
    # Invalid files still hold their slugs: never overwrite one of them.
    taken = [path.stem for path in site.participants_dir.glob("*.toml")]
    known = {p.slug for p in participants}
    return participants + [
        Participant(slug=slug, name=slug, feed=f"invalid:{slug}", home="")
        for slug in taken
        if slug not in known
    ]


class Joined(NamedTuple):
    participant: Participant
    path: Path  # its participant file
    others: tuple[str, ...] = ()  # the other feeds of posts the page named (discover.Discovered)


async def join(
    site: Site,
    url: str,
    *,
    name: str | None = None,
    author: str | None = None,
    kind: Kind = "employee",
    fetcher: Fetcher | None = None,
    department: str = "",
) -> Joined:
    """Discover the feed behind `url`, validate it and write the participant file.

    Refused (JoinError, nothing written): a URL that is not http(s), a feed or blog already on the
    site, a URL with no usable feed, a URL with a login in it, and a comment feed (named with the
    blog's post feed)."""
    if fetcher is None:
        async with Fetcher(FetchSettings.from_site(site)) as own:
            return await join(site, url, name=name, author=author, kind=kind, fetcher=own,
                              department=department)  # fmt: skip
    url = url.strip()
    if not is_http_url(url):
        raise JoinError(f"not an http(s) URL: {url!r}{address_meant(url)}", usage=True)
    if parameter := secret_in_query(url):  # before any request: it would be written and published
        raise JoinError(f"the URL carries a secret in its query ({parameter}=…), and join does not log in: write "
                        f"the participant file by hand; {LOGIN_INSTEAD}", usage=True)
    if has_login(url):  # before any request: aiohttp would send it along
        raise JoinError(f"the URL {LOGIN_IN_URL}, and join does not log in: write the participant "
                        f"file by hand; {LOGIN_INSTEAD}", usage=True)
    typed = typed_problems(name, author, department)
    if typed:  # before any request: what was typed is wrong whatever the blog
        raise JoinError("cannot join with what was typed: " + "; ".join(typed), usage=True)
    existing = existing_participants(site)
    already_there(url, existing)  # before any request: a dead spelling is still a twin
    refuse_removed(site, url)
    try:
        found = await discover(url, fetcher)
    except CommentFeedError as error:
        raise JoinError(comment_feed_refusal(error, existing)) from error
    except DiscoveryError as error:
        raise JoinError(str(error)) from error
    refuse_removed(site, found.feed_url)
    participant = new_participant(found, existing, name=name, author=author, kind=kind,
                                  department=department)  # fmt: skip
    return Joined(participant, write_participant(site.participants_dir, participant), found.others)


def address_meant(text: str) -> str:
    """For a blog's address typed as the browser shows it ("meinblog.de", "www.blog.de/feed"),
    the hint that names it whole; else nothing.  A hint, not a guess taken: http or https is the
    contributor's to say."""
    whole = f"https://{text}"
    host = (urlsplit(whole).hostname or "") if is_fetchable_url(whole) else ""
    typed_host = "." in host.strip(".") and text.lower().startswith(host)  # not "mailto:a@b.de"
    return f" (did you mean {whole}?)" if typed_host else ""


def refuse_removed(site: Site, url: str) -> None:
    """A feed the editors removed for good (`remove --purge`) does not join again, by hand or
    by OPML import: the take-down must survive."""
    from .takedown import LOG_NAME, is_removed_feed

    removed = is_removed_feed(site, url)
    if removed is not None:
        raise JoinError(f"{url} was removed from this site for good on {removed:%Y-%m-%d} "
                        f"(see {LOG_NAME}); it does not join again")
