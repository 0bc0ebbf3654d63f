"""A site: a folder with pelicanconf.py, content/ and the store, and the settings read from it.

blogparade's own settings live in pelicanconf.py beside Pelican's, prefixed ``BLOGPARADE_``, so a
site has one settings file.  Defaults are here; pelicanconf.py names only what a site changes.

The file is read as Pelican's `read_settings` reads it, without importing Pelican (a third of a
second at every `blogparade fetch`; the build reads the settings with Pelican itself): executed as
the module `pelicanconf` (so that publishconf.py can import it), its upper-case names taken; PATH,
OUTPUT_PATH, CACHE_PATH, PLUGIN_PATHS, (where it names a folder) THEME, and THEME_TEMPLATES_OVERRIDES
(which Pelican leaves to the working directory; the build does the same) made absolute against the
file's folder; Pelican's defaults for what blogparade reads (PATH ".", OUTPUT_PATH "output", SITEURL "",
SITENAME, DEFAULT_LANG "en", THEME notmyidea); a missing content folder or theme refused with
Pelican's words; DEFAULT_LANG lower-cased (and a locale's "_" a tag's "-") and a trailing "/" of
SITEURL dropped, as Pelican does.
The one statement it does not execute is `import aggregator.website.plugin` (pelicanconf.py
imports the plugin so that a build fails loudly when it cannot be imported; the plugin imports
Pelican): a file that needs more of the plugin than that import is executed as written.
Pelican's renaming of deprecated settings and its locale setting are left to the build.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import importlib.util
import os
import string
import sys
import traceback
from dataclasses import dataclass
from functools import cached_property
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, Mapping

from . import __version__

SETTINGS_FILE = "pelicanconf.py"
PUBLISH_SETTINGS_FILE = "publishconf.py"  # the published site\'s settings (its SITEURL)

DEFAULTS: dict[str, Any] = {
    "BLOGPARADE_STORE": "blogparade.sqlite",  # relative to the site folder
    "BLOGPARADE_PARTICIPANTS": "participants",  # relative to PATH (content/)
    "BLOGPARADE_PARADES": "parades",  # relative to PATH
    "BLOGPARADE_EXPORT": "aggregated",  # relative to PATH: one JSON file per post
    # Most of a run where little changed is waiting for answers: 2,000 conditional requests
    # (1,000 WordPress blogs and their comment feeds) took 2.8 s at 64 connections, 1.5 s at 256
    # (A/B, 4 runs each; first runs the same).  No server sees more than BLOGPARADE_PER_HOST:
    # 8, as Scrapy's CONCURRENT_REQUESTS_PER_DOMAIN (browsers open 6).  Where many blogs share a
    # server (a company's multisite; 100 blogs on each of 3 hosts of the benchmark's farm), a run
    # where nothing changed took 1.60 s at 4, 0.97 s at 8 (rawdog: 1.06 s), 0.71 s at 16 (one
    # run each; bench_update.py --blogs-per-host 100).
    "BLOGPARADE_MAX_CONNECTIONS": 256,
    "BLOGPARADE_PER_HOST": 8,
    "BLOGPARADE_CONNECT_TIMEOUT": 10.0,  # seconds
    "BLOGPARADE_TIMEOUT": 60.0,  # seconds for a whole response, body included
    "BLOGPARADE_MAX_BYTES": 20 * 1024 * 1024,  # after decompression
    "BLOGPARADE_MAX_REDIRECTS": 5,
    "BLOGPARADE_COMMENT_DAYS": 60,  # how long a post's comments are followed; 0: not at all
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


# How commenters are named on the site (editors/privacy.py says why, and does it).
Naming = Literal["full", "initials", "hidden"]
NAMINGS: tuple[Naming, ...] = ("full", "initials", "hidden")


def timezone_name(settings: Mapping[str, Any]) -> str:
    """The site's TIMEZONE, which its pages and the commands' times are in: UTC where it names
    none, as Pelican falls back (with a warning)."""
    return str(settings.get("TIMEZONE") or "UTC")


def comment_naming(settings: dict[str, Any]) -> Naming:
    """BLOGPARADE_COMMENT_AUTHORS, in any letter case; SiteError for another value."""
    value = str(settings.get("BLOGPARADE_COMMENT_AUTHORS") or "full").strip().lower()
    if value not in NAMINGS:
        raise SiteError(f"BLOGPARADE_COMMENT_AUTHORS must be one of {', '.join(NAMINGS)}, not {value!r}")
    return value  # type: ignore[return-value]


# The numbers' ranges, checked when a site is loaded: a setting of the wrong kind is one sentence
# and exit 2 before anything is done, not an error recorded for every feed or a TypeError
# halfway through the nightly run.  Days stay within what a date can count back.
_AT_LEAST_ONE = {"BLOGPARADE_MAX_CONNECTIONS", "BLOGPARADE_PER_HOST"}
_SECONDS = {"BLOGPARADE_CONNECT_TIMEOUT", "BLOGPARADE_TIMEOUT"}  # more than 0, at most a day
_MOST_DAYS = 36_500
# Read by the build (website/plugin/settings.py, website/search.py): whole numbers too.
_BUILD_NUMBERS = {"BLOGPARADE_HOME_PAGES": 50, "BLOGPARADE_SEARCH_PAGES": 1500}
# Files the build writes into output/ ("" or None: none).
_BUILD_FILES = {"BLOGPARADE_STATUS_PAGE", "BLOGPARADE_PRIVACY_PAGE", "BLOGPARADE_BLOGROLL",
                "BLOGPARADE_PARADE_FEED", "BLOGPARADE_PARADE_JSON", "BLOGPARADE_PARADE_SNIPPET",
                "BLOGPARADE_DEPARTMENT_FEED_ATOM", "BLOGPARADE_CARD_IMAGE"}  # fmt: skip
# Folders and files of the site, relative to it or to content/.
_PATHS = {"BLOGPARADE_STORE", "BLOGPARADE_PARTICIPANTS", "BLOGPARADE_PARADES", "BLOGPARADE_EXPORT",
          "BLOGPARADE_MEDIA"}  # fmt: skip


def setting_problem(key: str, value: Any) -> str | None:
    """What is wrong with `value` for blogparade's setting `key`, as the end of a sentence; None
    when it is usable (or not one of the settings read here)."""
    default = DEFAULTS.get(key, _BUILD_NUMBERS.get(key))
    if key.startswith("BLOGPARADE_") and key.endswith(("_URL", "_SAVE_AS")):
        # Department pages may be switched off with None, as Pelican's own pages are.
        if value is None and "_DEPARTMENT_" in key:
            return None
        if isinstance(value, str):
            return _address_problem(key, value)
        return 'it must be a path like "blogs/{participant}/{id}/"'
    if key in _BUILD_FILES:
        if value is None or value == "":
            return None
        if isinstance(value, str):
            return _address_problem(key, value)
        return 'it must be a file name like "status/index.html"'
    if key == "BLOGPARADE_TODAY":  # a build's pinned day (parades judged on it)
        try:
            pinned_day(value)
        except ValueError:
            return "it must be a date like 2026-11-15"
        return None
    if key in ("DEFAULT_LANG", "SITENAME", "SITEURL"):  # Pelican's, read as text by blogparade too
        return None if isinstance(value, str) else "it must be text in quotes"
    if key == "TIMEZONE":
        return None if _is_time_zone(value) else 'it must be a time zone\'s name, like "Europe/Berlin"'
    # Pelican's pagination, which the home page and the archive read too: a "20" failed the
    # build saying only "TypeError: '<=' not supported between instances of 'int' and 'str'".
    if key == "DEFAULT_PAGINATION":
        return None if _page_size(value) else "it must be a whole number of posts, or False"
    if key == "PAGINATED_TEMPLATES":
        if isinstance(value, dict) and all(_page_size(size) for size in value.values()):
            return None
        return ('it must name templates with a whole number of posts or None, '
                'like {"index": None, "tag": 100}')
    if key == "BLOGPARADE_COMMENT_AUTHORS":
        try:
            comment_naming({key: value})
        except SiteError:
            return f"it must be one of {', '.join(NAMINGS)}"
        return None
    if key in _PATHS:
        return None if isinstance(value, str) and value.strip() else "it must be a file or folder name"
    if key in ("BLOGPARADE_NOTIFY", "BLOGPARADE_DIGEST_TO"):
        listed = isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value)
        return None if listed or isinstance(value, str) else "it must be a list of addresses"
    if not isinstance(default, (int, float)):
        return None
    whole = isinstance(default, int)
    if isinstance(value, str):  # "30" has always worked (the settings are read with int()/float())
        try:
            value = int(value) if whole else float(value)
        except ValueError:
            pass
    number = isinstance(value, int) if whole else isinstance(value, (int, float))
    if isinstance(value, bool) or not number:
        return f"it must be a {'whole ' if whole else ''}number"
    if key in _SECONDS:
        return None if 0 < value <= 86_400 else "it must be more than 0 seconds and at most 86400"
    least = 1 if key in _AT_LEAST_ONE else 0
    most = _MOST_DAYS if key.endswith("_DAYS") else None
    if value < least or (most is not None and value > most):
        return f"it must be at least {least}" + (f" and at most {most}" if most is not None else "")
    return None


# The names blogparade's address patterns are filled in with (str.format), by the key's start.
_PATTERN_NAMES = {"BLOGPARADE_POST_": ("participant", "id"), "BLOGPARADE_PARADE_": ("slug",),
                  "BLOGPARADE_DEPARTMENT_": ("slug",)}  # fmt: skip


def _address_problem(key: str, value: str) -> str | None:
    """What is wrong with an address or a file of the site's own, or None.  A leading "/" wrote
    the file at the disk's root, and a name the pattern is not filled in with failed every
    post's page with a bare KeyError; a name with more to it ("{id.x}", "{id!r}", "{id:9999}")
    failed it with another error, or wrote its page under a Python expression's text."""
    if value.startswith("/") or ".." in value.split("/"):
        return "it must be a path inside the site, with no leading / and no .."
    if not key.endswith("_URL") and value.endswith("/"):
        return 'it must name a file, like "status/index.html"'
    names = next((names for start, names in _PATTERN_NAMES.items() if key.startswith(start)), None)
    if names is None:
        return None
    problem = "it may name only " + " and ".join(f"{{{name}}}" for name in names)
    try:
        fields = [field for _, *field in string.Formatter().parse(value) if field[0] is not None]
    except ValueError:  # a lone "{" or "}"
        return problem
    return problem if any(name not in names or spec or conversion for name, spec, conversion in fields) else None


@dataclass(frozen=True)
class Site:
    root: Path
    settings: dict[str, Any]

    @classmethod
    def load(cls, root: str | Path) -> Site:
        root = Path(root).resolve()
        settings_path = root / SETTINGS_FILE
        if not root.exists():  # a typo in --site, or a path of another machine
            raise SiteError(f"{root} is not a blogparade site: there is no such folder "
                            "(point --site at one, or create one with `blogparade init DIR`)")  # fmt: skip
        if not settings_path.is_file():
            raise SiteError(
                f"{root} is not a blogparade site: it has no {SETTINGS_FILE} "
                "(create one with `blogparade init DIR`, or point --site at one)"
            )
        return cls(root, {**DEFAULTS, **checked_settings(settings_path)})

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

    @cached_property  # publishconf.py is read once: FetchSettings.from_site runs for each webhook
    def user_agent(self) -> str:
        """blogparade's name and version, and where a blog's owner reads about the requests: the
        site's address (pelicanconf.py's where it is one, else publishconf.py's: a development
        build's is ""), else the project's.  Every site made by `init` sent the project's."""
        url = next((url for url in (self.settings.get("SITEURL"), self._published_url()) if _real_address(url)),
                   "https://github.com/blogparade/blogparade")  # fmt: skip
        return f"blogparade/{__version__} (+{url})"

    def _published_url(self) -> str | None:
        """publishconf.py's SITEURL where the file writes it as a string, read, not run: running
        it runs pelicanconf.py, which imports Pelican (0.3 s of every fetch's start)."""
        try:
            tree = ast.parse((self.root / PUBLISH_SETTINGS_FILE).read_bytes())
        except (OSError, SyntaxError, ValueError):  # none, or the build says what is wrong
            return None
        found = None
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "SITEURL" for t in node.targets):
                found = node.value.value if isinstance(node.value, ast.Constant) else None
        return found if isinstance(found, str) else None


def _real_address(url: object) -> bool:
    """An absolute http(s) address that is not the example a new site has (blogparade.example)."""
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        return False
    host = url.split("/")[2].rsplit("@", 1)[-1].split(":")[0]
    return bool(host) and host != "blogparade.example"


def _line_in(error: BaseException, path: Path) -> int | None:
    """The line of the settings file where `error` was raised (a SyntaxError says its own)."""
    if isinstance(error, SyntaxError):
        return None  # its message names the line already
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if frame.filename and Path(frame.filename).resolve() == Path(path).resolve()]  # fmt: skip
    return frames[-1].lineno if frames else None


def checked_settings(path: Path) -> dict[str, Any]:
    """read_settings(path); SiteError when the file cannot be read or holds a setting of the
    wrong kind (pelicanconf.py, and publishconf.py before a build with it)."""
    try:
        settings = read_settings(path)
    except Exception as error:  # a settings file is code: anything can go wrong in it
        line = _line_in(error, path)
        raise SiteError(f"cannot read {path}{f', line {line}' if line else ''}: {error}") from error
    for key, value in settings.items():
        problem = setting_problem(key, value)
        if problem:
            raise SiteError(f"{path}: {key} = {value!r}: {problem}")
    return settings


def with_language_tag(settings: dict[str, Any]) -> None:
    """DEFAULT_LANG lower-cased, as Pelican does, and written as a locale ("de_DE", "en_GB") a
    language tag: it goes into every page's <html lang>, where no browser or screen reader knows
    a locale.  For site.py's reading and the build's (Pelican's) alike."""
    if isinstance(settings.get("DEFAULT_LANG"), str):
        settings["DEFAULT_LANG"] = settings["DEFAULT_LANG"].lower().replace("_", "-")


def pinned_day(value: Any) -> date | None:
    """BLOGPARADE_TODAY as a day (the build's, the parades' and `check`'s one reading of it): a
    date, a datetime's day, or one written as ISO 8601 (2026-11-15); None where none is pinned.
    ValueError where it is no date."""
    if not value:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip())


def _page_size(value: Any) -> bool:
    """A number of posts per page as Pelican takes it: None, False or 0 for none (or the default)."""
    return value is None or value is False or (type(value) is int and value >= 0)


def _is_time_zone(value: Any) -> bool:
    """A name ZoneInfo knows (None: UTC, as status and Pelican take it)."""
    from zoneinfo import ZoneInfo

    if value is None:
        return True
    try:
        return isinstance(value, str) and ZoneInfo(value) is not None
    except (ValueError, LookupError):  # ZoneInfoNotFoundError is a KeyError
        return False


# --- pelicanconf.py as Pelican reads it -----------------------------------------------------------

# Pelican's defaults (pelican/settings.py DEFAULT_CONFIG) for the values blogparade reads.
PELICAN_DEFAULTS: dict[str, Any] = {
    "PATH": os.curdir,
    "OUTPUT_PATH": "output",
    "SITEURL": "",
    "SITENAME": "A Pelican Blog",
    "DEFAULT_LANG": "en",
}
# Imported by every site's pelicanconf.py for the build's sake; importing them imports Pelican.
_PLUGIN_MODULES = frozenset({"aggregator.website.plugin", "aggregator.pelican_plugin"})


def read_settings(path: str | Path) -> dict[str, Any]:
    """The settings in `path` as pelican.settings.read_settings gives the values blogparade reads
    (see the module docstring); ValueError where Pelican would refuse them."""
    path = Path(path)
    try:
        settings = _execute(path, skip_plugin=True)
    except Exception:  # noqa: BLE001  it may need the plugin after all: run it as written
        settings = _execute(path, skip_plugin=False)
    folder = os.path.dirname(str(path))

    def absolute(value: str) -> str:
        if os.path.isabs(value):
            return value
        return os.path.abspath(os.path.normpath(os.path.join(folder, value)))

    for key in ("PATH", "OUTPUT_PATH", "THEME", "CACHE_PATH"):
        if settings.get(key) is not None and not isinstance(settings[key], str):
            raise ValueError(f"{key} = {settings[key]!r}: it must be a folder's name in quotes")
        if settings.get(key) is not None:
            found = absolute(settings[key])
            if key != "THEME" or os.path.exists(found):  # a theme may be named, not a folder
                settings[key] = found
    for key in ("PLUGIN_PATHS", "THEME_TEMPLATES_OVERRIDES"):  # the latter as website/build.py
        if settings.get(key) is not None:
            settings[key] = [absolute(p) for p in settings[key]]
    settings = {**PELICAN_DEFAULTS, **settings}
    if "THEME" not in settings:
        settings["THEME"] = os.path.join(_pelican_folder(), "themes", "notmyidea")
    if not os.path.isdir(settings["PATH"]):
        raise ValueError("You need to specify a path containing the content"
                         " (see pelican --help for more information)")  # fmt: skip
    if not os.path.isdir(settings["THEME"]):
        theme = os.path.join(_pelican_folder(), "themes", settings["THEME"])
        if not os.path.exists(theme):
            raise ValueError(f"Could not find the theme {settings['THEME']}")
        settings["THEME"] = theme
    with_language_tag(settings)
    if isinstance(settings.get("SITEURL"), str) and settings["SITEURL"].endswith("/"):
        settings["SITEURL"] = settings["SITEURL"][:-1]
    return settings


def _execute(path: Path, *, skip_plugin: bool) -> dict[str, Any]:
    """pelican.settings.load_source and get_settings_from_module: the file run as the module
    named after it (in sys.modules, as Pelican leaves it), its upper-case names."""
    name = path.stem
    spec = importlib.util.spec_from_file_location(name, str(path))
    if spec is None or spec.loader is None:
        raise ValueError(f"cannot load {path} as Python")
    module = importlib.util.module_from_spec(spec)
    if skip_plugin:
        module.__dict__["__builtins__"] = {**builtins.__dict__, "__import__": _import_without_plugin}
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        module.__dict__["__builtins__"] = builtins
    return {key: getattr(module, key) for key in dir(module) if key.isupper()}


def _import_without_plugin(name: str, globals: Any = None, locals: Any = None,
                           fromlist: Any = (), level: int = 0) -> Any:  # fmt: skip
    """__import__, but `import aggregator.website.plugin` binds `aggregator` without importing the
    plugin (and Pelican with it)."""
    if level == 0 and not fromlist and name in _PLUGIN_MODULES:
        return importlib.import_module(name.partition(".")[0])
    return builtins.__import__(name, globals, locals, fromlist, level)


def _pelican_folder() -> str:
    """Where Pelican is installed, found without importing it."""
    spec = importlib.util.find_spec("pelican")
    if spec is None or not spec.submodule_search_locations:
        raise ValueError("Pelican is not installed")
    return list(spec.submodule_search_locations)[0]
