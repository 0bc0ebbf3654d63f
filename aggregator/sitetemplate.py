"""The files of a new site (`blogparade init DIR`), and where the bundled theme lives.

A new site has no participants and builds: settings as Pelican's quickstart makes them
(pelicanconf.py for development, publishconf.py for the real address) plus blogparade's, the
content folders, a placeholder page and a .gitignore.  It uses the theme of the installed package.
"""

from __future__ import annotations

from pathlib import Path

# A file only blogparade's theme has: another package's "theme" folder is not ours.
THEME_MARKER = Path("templates") / "blogs.html"

TEXTS = {
    "de": {
        "author": "Redaktion",
        "category": "Redaktion",
        "page_file": "mitmachen.md",
        "page": (
            "Title: Mitmachen\n"
            "Slug: mitmachen\n\n"
            "Hier steht bald, wie euer Blog dazukommt: eine kleine Datei in "
            "`content/participants/` genügt (`blogparade join URL`).\n"
        ),
        "participants": (
            "# Teilnehmende Blogs\n\n"
            "Eine TOML-Datei je Blog, z. B. `anna.toml` (am einfachsten mit `blogparade join URL`):\n\n"
        ),
    },
    "en": {
        "author": "Editors",
        "category": "Editorial",
        "page_file": "join.md",
        "page": (
            "Title: Join\n"
            "Slug: join\n\n"
            "How your blog joins will be explained here: one small file in "
            "`content/participants/` is all it takes (`blogparade join URL`).\n"
        ),
        "participants": (
            "# Participating blogs\n\n"
            "One TOML file per blog, e.g. `anna.toml` (easiest with `blogparade join URL`):\n\n"
        ),
    },
}

PARTICIPANT_EXAMPLE = """```toml
name = "Annas Blog"
feed = "https://anna.example/feed/"
home = "https://anna.example/"
author = "Anna Beispiel"
kind = "employee"      # or "corporate"
display = "excerpt"    # or "full"
```
"""

GITIGNORE = """\
# made by `blogparade fetch` / `build`: not sources
*.sqlite
*.sqlite-wal
*.sqlite-shm
output/
cache/
content/aggregated/
__pycache__/
"""

PELICANCONF = '''\
"""Pelican settings for development (relative URLs); publishconf.py adds the real address.

blogparade reads its own BLOGPARADE_* settings from here too (defaults: aggregator/site.py).
"""

import logging

# Fail loudly: a plugin that cannot be imported is only an error in Pelican's log.
import aggregator.pelican_plugin  # noqa: F401
{theme_import}
AUTHOR = {author!r}
SITENAME = {title!r}
SITESUBTITLE = ""
SITEURL = ""
RELATIVE_URLS = True

PATH = "content"
OUTPUT_PATH = "output"
TIMEZONE = "Europe/Berlin"
DEFAULT_LANG = {lang!r}  # the theme speaks "de" and "en"

THEME = {theme}
PLUGINS = ["aggregator.pelican_plugin"]
# The theme is written for autoescaping; the plugin enforces it and installs the translations.
JINJA_ENVIRONMENT = {{"extensions": ["jinja2.ext.i18n"], "autoescape": True,
                      "trim_blocks": True, "lstrip_blocks": True}}

# What is read: posts exported to content/aggregated/ (JSON) and your own articles (Markdown)
# anywhere else in content/; participant files are data, parades are pages.
ARTICLE_PATHS = [""]
ARTICLE_EXCLUDES = ["participants"]
PAGE_PATHS = ["pages", "parades"]
EXTRA_PATH_METADATA = {{"parades": {{"template": "parade"}}}}
STATIC_PATHS = ["images"]
USE_FOLDER_AS_CATEGORY = False
DEFAULT_CATEGORY = {category!r}  # your own articles; aggregated posts are filed by blog kind

# Addresses: folders with an index.html.  A blog's page is blogs/<participant>/.
ARTICLE_URL = "{{date:%Y}}/{{slug}}/"
ARTICLE_SAVE_AS = "{{date:%Y}}/{{slug}}/index.html"
BLOGPARADE_POST_URL = "blogs/{{participant}}/{{id}}/"
BLOGPARADE_POST_SAVE_AS = "blogs/{{participant}}/{{id}}/index.html"
PAGE_URL = "{{slug}}/"
PAGE_SAVE_AS = "{{slug}}/index.html"
AUTHOR_URL = "blogs/{{slug}}/"
AUTHOR_SAVE_AS = "blogs/{{slug}}/index.html"
# Aggregated posts are filed by blog kind; pages per kind would repeat the home page's list.
# To have them: CATEGORY_URL = "category/{{slug}}/", CATEGORY_SAVE_AS = "category/{{slug}}/index.html"
CATEGORY_URL = ""
CATEGORY_SAVE_AS = ""
TAG_URL = "tag/{{slug}}/"
TAG_SAVE_AS = "tag/{{slug}}/index.html"
DRAFT_URL = "drafts/{{slug}}/"
DRAFT_SAVE_AS = "drafts/{{slug}}/index.html"

# Lean listings: Pelican writes every page on every build.
DIRECT_TEMPLATES = ["index", "blogs", "archives", "tags"]
BLOGS_URL = "blogs/"
BLOGS_SAVE_AS = "blogs/index.html"
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = "archives/index.html"
TAGS_URL = "tags/"
TAGS_SAVE_AS = "tags/index.html"
DEFAULT_PAGINATION = 20
PAGINATED_TEMPLATES = {{"index": None, "tag": 100, "category": None, "author": None, "archives": 200}}
# {{base_name}}/page/N/: the default pattern makes page 4 of tag "tag3" collide with tag "tag34".
PAGINATION_PATTERNS = (
    (1, "{{url}}", "{{save_as}}"),
    (2, "{{base_name}}/page/{{number}}/", "{{base_name}}/page/{{number}}/index.html"),
)

FEED_ALL_ATOM = "feeds/all.atom.xml"
AUTHOR_FEED_ATOM = "feeds/blogs/{{slug}}.atom.xml"
AUTHOR_FEED_RSS = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
FEED_MAX_ITEMS = 50
# Feeds get absolute addresses from publishconf.py; without this, Pelican would warn about their
# missing SITEURL on every development build and every blogparade command.
LOG_FILTER = [(logging.WARNING, "Feeds generated without SITEURL or FEED_DOMAIN set properly"
                                " may not be valid")]

# Removed participants' posts must leave the site: after each build the plugin removes the
# pages it did not write (BLOGPARADE_PRUNE_OUTPUT), cheaper than emptying output/ first.
DELETE_OUTPUT_DIRECTORY = False
OUTPUT_RETENTION = [".git", ".hg", ".nojekyll", "CNAME"]
# Reading the exported JSON is cheap, writing is 90 % of a build; a stale cache (after a change
# of language, theme or plugin) is not worth the little it saves.
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False

DISPLAY_PAGES_ON_MENU = True
'''

PUBLISHCONF = '''\
"""Pelican settings for publishing: the development settings plus the real address.

Build with `pelican content -s publishconf.py --fatal errors` after `blogparade build`.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.modules.pop("pelicanconf", None)  # this site's settings, not another's read before
from pelicanconf import *  # noqa: E402, F403

SITEURL = "https://blogparade.example"  # the site's real address, without a trailing slash
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
AUTHOR_FEED_ATOM = "feeds/blogs/{slug}.atom.xml"
'''


def theme_path() -> Path:
    """The bundled theme: <repo>/theme in a source checkout, else the package's data."""
    package = Path(__file__).resolve().parent
    for candidate in (package.parent / "theme", package / "theme"):
        if (candidate / THEME_MARKER).is_file():
            return candidate
    raise FileNotFoundError(
        f"blogparade's theme is missing (looked in {package.parent / 'theme'} and "
        f"{package / 'theme'}): reinstall blogparade"
    )


def pelicanconf_text(*, title: str, lang: str = "de", theme: str | None = None) -> str:
    """The settings file; `theme` is a path literal, else the installed package's theme."""
    texts = TEXTS.get(lang, TEXTS["en"])
    return PELICANCONF.format(
        title=title,
        lang=lang,
        author=texts["author"],
        category=texts["category"],
        theme=repr(theme) if theme else "str(theme_path())",
        theme_import="" if theme else "from aggregator.sitetemplate import theme_path\n",
    )


def create_site(root: Path, *, title: str, lang: str = "de") -> None:
    """A new site in `root` (created if needed) that builds with no participants."""
    root = Path(root)
    if (root / "pelicanconf.py").exists():
        raise FileExistsError(f"{root} already has a pelicanconf.py")
    texts = TEXTS.get(lang, TEXTS["en"])
    files = {
        "pelicanconf.py": pelicanconf_text(title=title, lang=lang),
        "publishconf.py": PUBLISHCONF,
        ".gitignore": GITIGNORE,
        "content/participants/README.md": texts["participants"] + PARTICIPANT_EXAMPLE,
        "content/parades/.gitkeep": "",  # a README here would be read as a page
        f"content/pages/{texts['page_file']}": texts["page"],
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
