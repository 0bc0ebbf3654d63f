"""A site: a folder with pelicanconf.py, content/ and the store, and the settings read from it.

blogparade's own settings live in pelicanconf.py beside Pelican's, prefixed ``BLOGPARADE_``, so a
site has one settings file.  Defaults are here; pelicanconf.py names only what a site changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__

SETTINGS_FILE = "pelicanconf.py"

DEFAULTS: dict[str, Any] = {
    "BLOGPARADE_STORE": "blogparade.sqlite",  # relative to the site folder
    "BLOGPARADE_PARTICIPANTS": "participants",  # relative to PATH (content/)
    "BLOGPARADE_PARADES": "parades",  # relative to PATH
    "BLOGPARADE_EXPORT": "aggregated",  # relative to PATH: one JSON file per post
    "BLOGPARADE_MAX_CONNECTIONS": 64,
    "BLOGPARADE_PER_HOST": 4,
    "BLOGPARADE_CONNECT_TIMEOUT": 10.0,  # seconds
    "BLOGPARADE_TIMEOUT": 60.0,  # seconds for a whole response, body included
    "BLOGPARADE_MAX_BYTES": 20 * 1024 * 1024,  # after decompression
    "BLOGPARADE_MAX_REDIRECTS": 5,
    "BLOGPARADE_COMMENT_DAYS": 60,  # how long a post's comments are followed
    "BLOGPARADE_PARADE_GRACE_DAYS": 14,  # comments followed this long after a parade ends
    # Politeness (feeds/decide.py): a feed is not asked while its server asked us to wait
    # (Retry-After on 429/503), nor while it keeps failing (1 h, 2 h, 4 h… after the 2nd failure).
    "BLOGPARADE_MAX_WAIT_DAYS": 7,  # the longest either wait lasts; 0: every feed every run
    # Limits per participant: one blog must not cost every run or every build minutes.  The
    # store keeps everything it took; raise a limit and the next build shows more.
    "BLOGPARADE_MAX_ITEMS_PER_FEED": 1000,  # entries taken from a feed per run, newest first
    "BLOGPARADE_MAX_POSTS_PER_BLOG": 2000,  # the newest published per participant (and its
    #                                         parade contributions); the older stay in the store
    "BLOGPARADE_MAX_CATEGORIES": 20,  # shown per post (clean.py stores at most 50)
    "BLOGPARADE_MAX_TITLE": 1000,  # characters of a post title (clean.py stores at most 1000)
    "BLOGPARADE_MAX_NAME": 120,  # characters of an author's or a category's name (stored: 120)
    # Editors in control (issue 11; editors/notify.py, takedown.py, website/media.py).
    "BLOGPARADE_NOTIFY": [],  # "mailto:…" addresses and https:// webhooks told about failing feeds
    "BLOGPARADE_NOTIFY_AFTER": 3,  # failed runs in a row before the one notice goes out
    "BLOGPARADE_COMMENT_AUTHORS": "full",  # how commenters are named: full, initials or hidden
    "BLOGPARADE_COMMENT_RETENTION_DAYS": 0,  # comments older than this are erased; 0: kept
    "BLOGPARADE_MEDIA": "media",  # images of posts: this folder beside the store, and media/ on the site
    "BLOGPARADE_MEDIA_MAX_BYTES": 5 * 1024 * 1024,  # per image
    "BLOGPARADE_MEDIA_PER_POST": 20,  # images downloaded per post; more are dropped
    "BLOGPARADE_MEDIA_PER_RUN": 500,  # downloads per run; the rest come with the next runs
    "BLOGPARADE_STATUS_PAGE": "",  # e.g. "status/index.html": the editors' feed status page
    "BLOGPARADE_PRIVACY_PAGE": "datenschutz/index.html",  # the privacy notice; "" writes none
    "BLOGPARADE_PRIVACY_CONTACT": "",  # whom to ask for removal, e.g. "mailto:redaktion@…"
    "BLOGPARADE_BACKUPS": 7,  # backups of the store kept in backups/, one per fetch; 0: none
}


class SiteError(Exception):
    """The site folder or its settings are not usable; the message says why, for a person."""


@dataclass(frozen=True)
class Site:
    root: Path
    settings: dict[str, Any]

    @classmethod
    def load(cls, root: str | Path) -> Site:
        root = Path(root).resolve()
        settings_path = root / SETTINGS_FILE
        if not settings_path.is_file():
            raise SiteError(
                f"{root} is not a blogparade site: it has no {SETTINGS_FILE} "
                "(create one with `blogparade init DIR`, or point --site at one)"
            )
        from pelican.settings import read_settings  # slow import: only where needed

        try:
            settings = read_settings(str(settings_path))
        except Exception as error:  # a settings file is code: anything can go wrong in it
            raise SiteError(f"cannot read {settings_path}: {error}") from error
        return cls(root, {**DEFAULTS, **settings})

    def __getitem__(self, key: str) -> Any:
        return self.settings[key]

    @property
    def content(self) -> Path:
        return self.root / self.settings.get("PATH", "content")

    @property
    def output(self) -> Path:
        return self.root / self.settings.get("OUTPUT_PATH", "output")

    @property
    def participants_dir(self) -> Path:
        return self.content / self["BLOGPARADE_PARTICIPANTS"]

    @property
    def parades_dir(self) -> Path:
        return self.content / self["BLOGPARADE_PARADES"]

    @property
    def export_dir(self) -> Path:
        return self.content / self["BLOGPARADE_EXPORT"]

    @property
    def store_path(self) -> Path:
        return self.root / self["BLOGPARADE_STORE"]

    @property
    def user_agent(self) -> str:
        url = self.settings.get("SITEURL") or "https://github.com/blogparade/blogparade"
        return f"blogparade/{__version__} (+{url})"
