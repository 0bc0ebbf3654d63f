"""What the bundled sample blogs are: read from blogs/MANIFEST.toml, resolved against a base URL.

The blogs' URLs are written as paths under one server (each blog under its own prefix
`/<slug>/`), because the port is only known once the server runs.  `DemoBlog.home_url` and
friends join those paths to the base URL the server got.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Literal

from ..models import Participant

BLOGS_DIR = Path(__file__).with_name("blogs")
MANIFEST = BLOGS_DIR / "MANIFEST.toml"

Engine = Literal["wordpress", "hugo", "blogger", "plain"]


@dataclass(frozen=True)
class DemoBlog:
    slug: str
    name: str
    author: str
    kind: Literal["corporate", "employee"]
    engine: Engine  # which blog software's feeds and pages it imitates
    feed_format: Literal["rss", "atom"]
    home_path: str
    feed_path: str
    description: str
    language: str = "de"
    encoding: str = "utf-8"
    discoverable: bool = True  # does the home page announce its feed with <link rel=alternate>?
    comments_feed_path: str | None = None  # a site-wide comment feed, where the engine has one
    blog_id: str = ""  # Blogger's numeric blog id, used in its tag: URIs
    # WordPress: a post's guid is its shortlink /?p=<id> (as WordPress sets it) or its permalink
    # (as imports and migrations leave it); comment ids are "<post guid>#comment-<id>" either way.
    guid_form: Literal["shortlink", "permalink"] = "shortlink"
    # WordPress: are the Atom comment feeds (…/feed/atom/) served?  Security plugins and static
    # exports switch them off; then replies thread only by their "In reply to" paragraphs.
    atom_comment_feeds: bool = True
    base_url: str = ""  # set by the server; "" leaves the URLs as paths

    @property
    def home_url(self) -> str:
        return self.base_url + self.home_path

    @property
    def feed_url(self) -> str:
        return self.base_url + self.feed_path

    @property
    def comments_feed_url(self) -> str | None:
        return self.base_url + self.comments_feed_path if self.comments_feed_path else None

    def url(self, path: str) -> str:
        """An absolute URL for a path inside this blog ("" is its home page)."""
        return self.home_url + path.lstrip("/")

    def participant(self) -> Participant:
        """The participant file `blogparade join` should arrive at for this blog."""
        return Participant(
            slug=self.slug, name=self.name, feed=self.feed_url, home=self.home_url,
            author=self.author, kind=self.kind, language=self.language,
        )


@dataclass(frozen=True)
class Expectation:
    """Whether one sample post belongs to the parade, and why: the demo's answer key."""

    path: str
    contribution: bool
    why: str
    base_url: str = ""

    @property
    def url(self) -> str:
        return self.base_url + self.path


@dataclass(frozen=True)
class DemoParade:
    slug: str
    title: str
    host: str  # slug of the blog that published the call
    call_path: str
    start: date
    end: date  # inclusive
    tag: str
    text: str  # the call's text, for content/parades/<slug>.md
    expectations: tuple[Expectation, ...] = field(default=())
    base_url: str = ""

    @property
    def call_url(self) -> str:
        return self.base_url + self.call_path

    @property
    def contributions(self) -> tuple[str, ...]:
        """URLs of the posts a correct selection finds, sorted."""
        return tuple(sorted(e.url for e in self.expectations if e.contribution))

    @property
    def decoys(self) -> tuple[str, ...]:
        """URLs of posts that look like contributions but are not."""
        return tuple(sorted(e.url for e in self.expectations if not e.contribution))


def _load() -> dict:
    with MANIFEST.open("rb") as file:
        return tomllib.load(file)


def load_blogs(base_url: str = "") -> list[DemoBlog]:
    base = base_url.rstrip("/")
    return [DemoBlog(**entry, base_url=base) for entry in _load()["blog"]]


def load_parade(base_url: str = "") -> DemoParade:
    base = base_url.rstrip("/")
    raw = dict(_load()["parade"])
    expectations = tuple(Expectation(**e, base_url=base) for e in raw.pop("expect", []))
    return DemoParade(**raw, expectations=expectations, base_url=base)


def rebased(blogs: list[DemoBlog], base_url: str) -> list[DemoBlog]:
    return [replace(blog, base_url=base_url.rstrip("/")) for blog in blogs]
