"""Participant files: one small TOML file per blog in content/participants/.

One file per blog so that contributors' pull requests never conflict.  Reading validates; every
problem is reported with the file (and the line, where TOML gives one) so `blogparade check` can
list them all at once.
"""

from __future__ import annotations

import difflib
import os
import re
import time
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, fields
from email.errors import HeaderParseError
from email.headerregistry import Address
from pathlib import Path
from stat import S_ISLNK
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import tomli_w

from ..feeds.logins import parse_spec, shown, spec_problems, spec_table
from ..languages import language_tag, umlauts_spelled_out
from ..models import Participant
from ..urls import feed_identity, is_fetchable_url, is_http_url, page_key

KINDS = ("corporate", "employee")
DISPLAYS = ("excerpt", "full")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")  # with fullmatch: "$" would let a final "\n" through
_REQUIRED = ("name", "feed", "home")
_KEYS = {f.name for f in fields(Participant)} - {"slug"}


@dataclass(frozen=True)
class Problem:
    path: Path
    message: str
    line: int | None = None
    others: tuple[Path, ...] = ()  # the files the problem is with (two files for one feed): theirs too

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


class ParticipantError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def is_slug(text: str) -> bool:
    """A file-name slug (a participant's, a parade's): lower-case letters, digits and dashes."""
    return _SLUG.fullmatch(text) is not None


def slugify(text: str) -> str:
    """A file-name-safe slug, transliterating German umlauts the German way."""
    ascii_text = unicodedata.normalize("NFKD", _germanised(text)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug[:60].strip("-") or "blog"


def department_slug(name: str) -> str:
    """A department's name as `slugify` makes it, but letters of other scripts kept: slugify
    drops them ("Продажи" and "Маркетинг" are both "blog"), and two departments would be one."""
    text = "".join(_latin_base(char) for char in unicodedata.normalize("NFKC", _germanised(name)))
    words = "".join(c if c.isalnum() or unicodedata.category(c).startswith("M") else " " for c in text)
    return "-".join(words.casefold().split())[:60].strip("-") or "department"


def department_names(names: Iterable[str]) -> dict[str, str]:
    """Per department (its slug), the name it goes by: of the spellings that make one slug, the
    one most blogs use (of equals, the first in order of the alphabet), so that one blog's
    "Vertrieb!" does not rename the department its colleagues call "Vertrieb"."""
    used = Counter(name for name in names if name)
    by_slug: dict[str, list[str]] = {}
    for name in sorted(used, key=lambda name: (-used[name], name.casefold(), name)):
        by_slug.setdefault(department_slug(name), []).append(name)
    return {slug: spellings[0] for slug, spellings in by_slug.items()}


def department_typos(participants: Iterable[Participant]) -> list[tuple[Participant, str, str, int]]:
    """Departments that are two on the site but look like one mistyped ("Vetrieb" beside
    "Vertrieb"): per blog of the rarer spelling, its department, the one it looks like, and how
    many blogs have that.  Spellings that differ only in case, umlauts or punctuation are one
    department already (department_slug); this is for what the slug cannot tell."""
    participants = list(participants)
    shown = department_names(p.department for p in participants)
    blogs = Counter(department_slug(p.department) for p in participants if p.department)
    looks_like = {}  # per department (its slug), the more common one it looks mistyped from
    for slug in blogs:
        looks_like[slug] = next((other for other, count in blogs.items()
                                 if count > blogs[slug] and _one_typo(slug, other)), None)  # fmt: skip
    return [(p, shown[slug], shown[other], blogs[other]) for p in participants
            if p.department and (other := looks_like[slug := department_slug(p.department)])]  # fmt: skip


def _one_typo(first: str, second: str) -> bool:
    """Slugs of five letters or more, one edit apart (a letter missing, extra, wrong or two
    swapped): a typo, not another word ("Recht" and "Rechnung" are not), nor another number
    ("Werk 1" and "Werk 2", "Team" and "Team 2")."""
    if min(len(first), len(second)) < 5 or abs(len(first) - len(second)) > 1:
        return False
    if first[-1].isdigit() or second[-1].isdigit() or any(char.isdigit() for char in set(first) ^ set(second)):
        return False
    if len(first) == len(second):
        differ = [i for i, (a, b) in enumerate(zip(first, second)) if a != b]
        return len(differ) == 1 or (len(differ) == 2 and differ[1] == differ[0] + 1
                                    and first[differ[0]] == second[differ[1]] and first[differ[1]] == second[differ[0]])  # fmt: skip
    short, long = sorted((first, second), key=len)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def _germanised(text: str) -> str:
    """`text` in lower case, without apostrophes, its umlauts written the German way ("ae")."""
    return umlauts_spelled_out(re.sub(r"['’`´]", "", text.lower()))


def _latin_base(char: str) -> str:
    """"é" as "e", as slugify writes it; a letter with no ASCII base ("й", "日") as it is."""
    return unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode() or char


# A contributor's file is a stranger's input: what the site shows from it is bounded and plain.
LIMITS = {"name": 200, "author": 200, "language": 35, "feed": 2000, "home": 2000, "department": 100,
          "contact": 320}
_MAILTO = re.compile(r"^mailto:[^@\s<>\"',;:]+@[^@\s<>\"',;:/?]+\.[^@\s<>\"',;:/?]+$")
MAX_CATEGORIES, MAX_CATEGORY = 50, 100
# Bidi overrides and isolates reorder the text around them ("‮gpj.exe"); the other format and
# control characters are invisible or break the page.  Zero-width joiners stay: emoji use them.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_JOINERS = frozenset("\u200c\u200d")


# Line and paragraph separators (Zl, Zp) break a line as "\n" does: in a mail header they are
# refused (ValueError), in a page they split what is one line.
_UNSAFE = ("Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp")


def unsafe_character(text: str) -> str | None:
    """The first bidi control, control, line-breaking or invisible format character in `text`,
    else None."""
    if text.isprintable():  # no Cc, Cf, Co, Cs, Cn, Zl or Zp (bidi controls are Cf): the usual case
        return None
    for char in text:
        if char in _BIDI:
            return char
        if char not in _JOINERS and unicodedata.category(char) in _UNSAFE:
            return char
    return None


def clean_text(text: str, limit: int) -> str:
    """`text` taken from a feed, fit for a participant file: unsafe characters become spaces,
    white space is collapsed, and a text over `limit` characters is cut, ending in "…"."""
    text = " ".join("".join(" " if unsafe_character(char) else char for char in text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# Control characters have no name in Unicode's table: what people call them.
_CONTROL_NAMES = {"\t": "a tab", "\n": "a line break", "\r": "a carriage return", "\x00": "a NUL byte"}

def _text_problems(path: Path, key: str, value: str, limit: int) -> list[Problem]:
    problems = []
    if len(value) > limit:
        problems.append(Problem(path, f"{key!r} is {len(value):,} characters long; at most {limit} are allowed"))
    char = unsafe_character(value)
    if char is not None:
        name = unicodedata.name(char, _CONTROL_NAMES.get(char, ""))
        said = f"U+{ord(char):04X} ({name})" if name else f"U+{ord(char):04X}"
        problems.append(Problem(path, f"{key!r} holds the invisible character {said}: remove it"))
    return problems


def is_mailto(value: object) -> bool:
    """One address as "mailto:anna@example.org", which the mail header reads as just that.

    The pattern alone let "(", ")", "[" and "\\" through: in a To header "root(x@example.org" is
    <root> and a comment, so a contributor's contact could send a notice to another mailbox."""
    if not isinstance(value, str) or _MAILTO.match(value) is None:
        return False
    address = value.removeprefix("mailto:")
    try:
        return Address(addr_spec=address).addr_spec == address
    except (ValueError, TypeError, IndexError, HeaderParseError):
        return False


# A login in an address ("https://svc:pw@wiki.example/feed/") would be published (the blogs page,
# the OPML) and sent wherever the address leads: a login names where its secret is, in `login`.
LOGIN_IN_URL = "holds a user name or password (user:password@)"
LOGIN_INSTEAD = ("a login goes in a 'login' table that names where its secret is "
                 '(README: "Logins per blog")')


def has_login(url: str) -> bool:
    """`url`, an http(s) URL, names a user (and maybe a password) before its host."""
    return urlsplit(url).username is not None


def secret_in_query(url: str) -> str | None:
    """The name of a query parameter of `url` that carries a password or token (Confluence's
    `?os_username=…&os_password=…`, an `access_token`), else None: published on the site and in
    the OPML, and printed by `status`, as the address is."""
    for name, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if _SECRET_PARAMETER.search(name):
            return name
    return None


_SECRET_PARAMETER = re.compile(r"(?:^|[_-])(?:password|passwd|passwort|pwd|pass|secret|token|apikey|api[_-]key|"
                               r"access[_-]key|auth)$", re.I)


def secret_problems(participant: Participant) -> list[str]:
    """`check`'s words for a participant's address carrying a secret in its query (the other
    commands read the file as before: a night must not lose the blog)."""
    return [f"{key!r} carries a secret in its query ({name}=…): it would be published with the address; "
            f"{LOGIN_INSTEAD}"
            for key in ("feed", "home") if (name := secret_in_query(getattr(participant, key)))]


def _unknown_key(key: str) -> str:
    """"unknown key 'feeed'", with the key it may have meant to be."""
    guess = difflib.get_close_matches(key.lower(), sorted(_KEYS), n=1, cutoff=0.6)
    return f"unknown key {shown(key)}" + (f" (did you mean {guess[0]!r}?)" if guess else "")


def language_problem(value: str | None) -> str | None:
    """Why a participant's `language` is no language tag ("English" is a name: its posts were
    marked with no language, and the OPML published it).  `check` says so; the other commands
    read such a file as before, without its language."""
    if not value or language_tag(value) is not None:
        return None
    meant = _tag_named(value)
    if meant:
        return f"'language' must be a language tag: \"{meant}\", not {shown(value)}"
    return f"'language' must be a language tag like \"en\" or \"de-AT\", not {shown(value)}"


def _tag_named(name: str) -> str | None:
    """The tag of a language named in English, in German or in its own words ("Deutsch")."""
    from babel import Locale  # only for a file that names a language by its name

    wanted = name.strip().casefold()
    for locale in ("en", "de"):
        for tag, spelt in Locale(locale).languages.items():
            if spelt.casefold() == wanted and "_" not in tag:
                return tag
    return None


def _validate(path: Path, data: dict[str, Any]) -> list[Problem]:
    problems = [Problem(path, _unknown_key(key)) for key in data if key not in _KEYS]
    problems += [Problem(path, f"missing key {key!r}") for key in _REQUIRED if key not in data]
    if "contact" in data and not is_mailto(data["contact"]):
        problems.append(Problem(path, "'contact' must be one address like \"mailto:anna@example.org\""))
    for key in ("name", "author", "language", "department"):
        if key in data and not isinstance(data[key], str):
            problems.append(Problem(path, f"{key!r} must be a string"))
    for key, limit in LIMITS.items():
        if isinstance(data.get(key), str):
            problems += _text_problems(path, key, data[key], limit)
    if isinstance(data.get("name"), str) and not data["name"].strip():
        problems.append(Problem(path, "'name' must not be empty"))
    for key in ("feed", "home"):
        if key not in data:
            continue
        if is_fetchable_url(data[key]):  # the usual case first: it holds is_http_url
            if has_login(data[key]):
                problems.append(Problem(path, f"{key!r} {LOGIN_IN_URL}; {LOGIN_INSTEAD}"))
        elif not is_http_url(data[key]):
            problems.append(Problem(path, f"{key!r} must be an http(s) URL, not {shown(data[key])}"))
        else:
            problems.append(Problem(path, f"{key!r} has no valid host name: {shown(data[key])}"))
    if "kind" in data and data["kind"] not in KINDS:
        problems.append(Problem(path, f"'kind' must be one of {', '.join(KINDS)}"))
    if "display" in data and data["display"] not in DISPLAYS:
        problems.append(Problem(path, f"'display' must be one of {', '.join(DISPLAYS)}"))
    if "active" in data and not isinstance(data["active"], bool):
        problems.append(Problem(path, "'active' must be true or false"))
    categories = data.get("categories", [])
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        problems.append(Problem(path, "'categories' must be a list of strings"))
    elif len(categories) > MAX_CATEGORIES:
        problems.append(Problem(path, f"'categories' lists {len(categories)}; at most {MAX_CATEGORIES} are allowed"))
    else:
        for category in categories:
            problems += _text_problems(path, "categories", category, MAX_CATEGORY)
    if "login" in data:
        problems += [Problem(path, message) for message in spec_problems(data["login"])]
    if not is_slug(path.stem):
        problems.append(
            Problem(path, "file name must be a slug: lower-case letters, digits and dashes")
        )
    return problems


# Files read before in this process, by path: what reading gave, and the file's identity then.
# `blogparade run` reads every file three times (the fetch, the export, the build's plugin):
# 0.13 s each for 1,000 blogs.  A file changed since (another inode, size or modification time)
# is read again; so is one modified in the last seconds, whose next change might keep its
# modification time (the kernel's clock ticks in milliseconds): git's rule for racy files.
_READ: dict[Path, tuple[tuple[int, ...], Participant | list[Problem]]] = {}
RACY_NS = 2_000_000_000


def read_participant(path: Path) -> Participant:
    """One participant file, validated; ParticipantError lists everything wrong with it."""
    try:
        stat = os.lstat(path)  # the link itself: one look at the file for both questions
    except OSError:
        return _read_participant(path)  # says why it cannot be read
    if S_ISLNK(stat.st_mode):
        # git keeps links: a pull request's link could have any command read a file of the
        # machine's (the nightly job's settings, a key) as a blog's.
        raise ParticipantError([Problem(path, "is a symbolic link, not a file of its own: "
                                              "participant files are not followed elsewhere")])  # fmt: skip
    identity = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)
    known = _READ.get(path)
    if known is not None and known[0] == identity:
        read = known[1]
    else:
        try:
            read = _read_participant(path)
        except ParticipantError as error:
            read = list(error.problems)
        if time.time_ns() - stat.st_mtime_ns > RACY_NS:
            _READ[path] = (identity, read)
    if isinstance(read, list):
        raise ParticipantError(list(read))
    return read


def _read_participant(path: Path) -> Participant:
    try:
        # "utf-8-sig": Windows editors may start a file with a BOM, to TOML an invalid statement.
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"line (\d+)", str(error))
        raise ParticipantError(
            [Problem(path, f"invalid TOML: {error}", int(line.group(1)) if line else None)]
        ) from error
    except (RecursionError, MemoryError):
        # tomllib recurses once per nesting level: 1,500 nested brackets in 3 KB exhaust the stack.
        raise ParticipantError([Problem(path, "invalid TOML: nested too deeply to be read")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ParticipantError([Problem(path, f"cannot read: {error}")]) from error
    problems = _validate(path, data)
    if problems:
        raise ParticipantError(problems)
    data["categories"] = tuple(data.get("categories", ()))
    if "department" in data:
        data["department"] = " ".join(data["department"].split())
    if "login" in data:
        data["login"] = parse_spec(data["login"])
    return Participant(slug=path.stem, **data)


# Formats a contributor may try instead of TOML (or ".toml" in capitals): such a file is not read,
# and a pull request adding it would add a blog that never appears, unless its file is named.
LOOKALIKES = frozenset({".toml", ".tml", ".yaml", ".yml", ".json"})


def ignored_files(folder: Path, names: list[str]) -> list[Problem]:
    """Of the `names` in `folder` (_names_in), the files that look meant as participant files
    but do not end in ".toml"."""
    return [
        Problem(folder / name, "participant files are TOML and end in .toml; this one is ignored")
        for name in names
        if (suffix := os.path.splitext(name)[1]).lower() in LOOKALIKES and suffix != ".toml"
    ]


def _names_in(folder: Path) -> list[str] | None:
    """The names in `folder`, sorted (the order files are read in, and problems said); None where
    it is no folder.  One listing serves both the files read and those ignored: a blog roll
    of 1,000 files was listed twice, through pathlib, 11 ms of a 130 ms read."""
    if not folder.is_dir():
        return None
    return sorted(os.listdir(folder))


def _is_toml(name: str) -> bool:
    return name.endswith(".toml")  # as glob("*.toml") matches: ".toml" itself too (not a slug: said)


def kept_blogs(folder: Path, participants: Iterable[Participant]) -> set[str]:
    """The blogs whose files are there but not read today (broken, a second file for a feed, a
    lookalike such as anna.yaml): their posts stay published as they were, and count for
    parades as before.  A typo in a pull request must not unpublish a blog."""
    names = _names_in(folder)
    if names is None:
        return set()
    files = {os.path.splitext(name)[0] for name in names if _is_toml(name)}
    files |= {problem.path.stem for problem in ignored_files(folder, names)}
    return files - {participant.slug for participant in participants}


def load_participants(folder: Path) -> tuple[list[Participant], list[Problem]]:
    """Every participant in a folder, and the problems of the files that are not usable.

    Two files for the same feed are a problem too: the second would double every post; and so
    is a file that looks meant as a participant's but is not read (see `ignored_files`).
    """
    participants: list[Participant] = []
    names = _names_in(folder) or []
    problems: list[Problem] = ignored_files(folder, names)
    feeds: dict[str, Path] = {}
    for path in [folder / name for name in names if _is_toml(name)]:
        try:
            participant = read_participant(path)
        except ParticipantError as error:
            problems.extend(error.problems)
            continue
        key = feed_identity(participant.feed)
        if key in feeds:
            problems.append(Problem(path, f"same feed as {feeds[key].name}: {participant.feed}", others=(feeds[key],)))
            continue
        feeds[key] = path
        participants.append(participant)
    return participants, problems


def same_blog(feed: str, home: str, existing: Iterable[Participant]) -> Participant | None:
    """The participant whose home page is `home`, the home of a blog whose feed is `feed`: one
    blog joined twice would show its posts twice.  None where `feed`, or the participant's, is a
    section of that blog (an author's or a category's feed: a company's blog roll takes each
    employee's author feed beside the company's, in either order; select counts a post reached
    through both once).

    page_key, not feed_key: a home page is a page, and two spellings of it are one blog whatever
    http/https, "www.", a trailing slash, index.html, a tracking query or the path's letter case
    (feed_key keeps the last three: a feed's query can select another feed, ?cat=3).  The path
    still counts, so two blogs in sub-folders of one host stay two."""
    if is_section_feed(feed) or not is_http_url(home):
        return None
    key = page_key(home)
    # A section's feed there (an employee's author feed) leaves the blog's own feed free to join.
    return next((other for other in existing if is_http_url(other.home) and page_key(other.home) == key
                 and not is_section_feed(other.feed)), None)  # fmt: skip


# WordPress's author, category and tag archives (/author/anna/feed/, ?author=3&feed=rss2),
# Blogger's label feeds (/feeds/posts/default/-/Label).
_SECTION_PATH = re.compile(r"/(?:author|category|tag|kategorie|schlagwort|autor)/[^/]+/", re.I)
_SECTION_QUERY = re.compile(r"(?:^|&)(?:author|author_name|cat|category_name|tag)=", re.I)


def is_section_feed(url: str) -> bool:
    """A feed of part of a blog (one author's, one category's posts), not of all of it."""
    parts = urlsplit(url)
    return bool(
        _SECTION_PATH.search(parts.path + "/") or _SECTION_QUERY.search(parts.query)
        or "/feeds/posts/default/-/" in parts.path
    )


def participant_document(participant: Participant) -> str:
    """The TOML text of a participant file, without defaults, so files stay small."""
    data: dict[str, Any] = {"name": participant.name, "feed": participant.feed, "home": participant.home}
    defaults = Participant(slug="", name="", feed="", home="")
    for key in ("author", "kind", "language", "display", "active", "categories", "department",
                "contact"):
        value = getattr(participant, key)
        if value != getattr(defaults, key) or key in ("author", "kind"):
            data[key] = list(value) if isinstance(value, tuple) else value
    if participant.login is not None:
        data["login"] = spec_table(participant.login)
    return tomli_w.dumps(data)


def participant_problems(participant: Participant) -> list[Problem]:
    """What `check` would say of the file written for `participant` (named by its slug alone)."""
    path = Path(f"{participant.slug}.toml")
    return _validate(path, tomllib.loads(participant_document(participant)))


def write_participant(folder: Path, participant: Participant) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{participant.slug}.toml"
    path.write_text(participant_document(participant), encoding="utf-8")
    return path
