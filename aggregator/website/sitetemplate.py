"""The files of a new site (`blogparade init DIR`), and where the bundled theme lives.

A new site has no participants and builds: settings as Pelican's quickstart makes them
(pelicanconf.py for development, publishconf.py for the real address) plus blogparade's, the
content folders, a placeholder page and a .gitignore.  It uses the theme of the installed package.
"""

from __future__ import annotations

from pathlib import Path

# A file only blogparade's theme has: another package's "theme" folder is not ours.
THEME_MARKER = Path("templates") / "blogs.html"

# The "join" page of a new site: how a blog joins, and the rules of a blog parade.  Its
# template adds the parades one can write for now.
JOIN_DE = """\
Title: Mitmachen
Slug: mitmachen
Template: join

Diese Seite sammelt Blogs und ihre **Blogparaden** an einem Ort: Jemand ruft zu einem Thema auf,
andere schreiben dazu auf ihrem eigenen Blog, und am Ende fasst, wer aufgerufen hat, alle
Beiträge in einer Rückschau zusammen. Hier erscheinen die Beiträge mit ihren Kommentaren, jeweils
mit Link zum Original.

## So kommt euer Blog dazu

Euer Blog braucht nur einen Feed (RSS oder Atom); fast jedes Blog hat einen.

**Mit einem Befehl:** Im Repository dieser Seite genügt

    blogparade join https://euer-blog.example/

`join` findet den Feed, prüft ihn und legt die Datei für euer Blog an. Mit `--name`, `--author`
und `--kind` bestimmt ihr, wie es hier heißt, wer schreibt und ob es ein persönliches Blog
(`employee`) oder ein Firmenblog (`corporate`) ist.

**Mit einem Pull Request:** Legt im [Repository dieser Seite]({repository}) eine kleine Datei
`content/participants/euer-blog.toml` an, zum Beispiel:

    :::toml
    name = "Annas Blog"
    feed = "https://anna.example/feed/"
    home = "https://anna.example/"
    author = "Anna Beispiel"
    kind = "employee"
    display = "excerpt"

- `name`: so heißt euer Blog hier;
- `feed`: die Adresse eures Feeds (RSS oder Atom);
- `home`: die Startseite eures Blogs;
- `author`: wer schreibt;
- `kind`: `"employee"` für ein persönliches Blog, `"corporate"` für ein Firmenblog;
- `display`: `"excerpt"` zeigt hier nur einen Auszug, `"full"` den ganzen Beitrag.

Nur `name`, `feed` und `home` müssen sein. Wer mag, setzt noch `language = "en"` (die Sprache
eurer Beiträge, wo euer Feed keine nennt; nennt er eine falsche, stellt sie in eurem Blog um:
bei WordPress unter Einstellungen › Allgemein › Sprache der Website), `categories = ["Blogparade"]` (nur Beiträge dieser Kategorien erscheinen hier)
oder `active = false` (pausiert). Der Dateiname ist die Adresse eures Blogs auf dieser Seite:
Kleinbuchstaben, Ziffern und Bindestriche. `blogparade check` prüft die Datei, bevor ihr sie
einreicht. Nach dem nächsten nächtlichen Lauf stehen eure Beiträge hier.

Ein Pull Request enthält nur diese eine Datei. Alles andere (Seiten, Blogparaden, Einstellungen)
schreibt die Redaktion: Solche Änderungen prüft sie selbst, bevor sie sie übernimmt.

## Die Regeln einer Blogparade

1. **Der Aufruf:** Jede Blogparade hat einen Aufruf mit Thema und Zeitraum; ihre Seite hier
   verlinkt ihn. Lest ihn, bevor ihr schreibt.
2. **Im Zeitraum veröffentlichen:** Euer Beitrag erscheint zwischen dem ersten und dem letzten
   Tag der Blogparade; beide Tage zählen mit, es gilt die Zeitzone dieser Seite.
3. **Auf den Aufruf verlinken:** Setzt in euren Beitrag einen Link auf den Aufruf, oder gebt ihm
   das Schlagwort der Blogparade, wo sie eins hat (als Kategorie, Tag oder #Hashtag).
4. **Gesammelt wird für euch:** Diese Seite findet eure Beiträge beim nächsten Abruf von selbst
   und zeigt sie bei der Blogparade, auch von Blogs, die hier nicht mitmachen: Der Pingback oder
   die Webmention, die euer Link zum Aufruf auslöst, genügt meist, sonst ein Kommentar unter dem
   Aufruf mit dem Link zu eurem Beitrag. Wer aufgerufen hat, schreibt
   nach dem Ende eine Rückschau über alle Beiträge. Fehlt eurer,
   [sagt der Redaktion Bescheid]({contact}): Er lässt sich nachreichen.
5. **Kommentiert wird bei euch:** Hier stehen ein Auszug (oder, wenn ihr wollt, der ganze
   Beitrag) und der Link zum Original. Kommentare schreiben die Lesenden auf eurem Blog; diese
   Seite zeigt sie nur an.
"""

JOIN_EN = """\
Title: Join
Slug: join
Template: join

This site collects blogs and their **blog parades** in one place: someone calls for posts on a
topic, others write about it on their own blogs, and at the end whoever made the call sums up all
contributions in a roundup. Here the posts appear with their comments, each linking to its
original.

## How your blog joins

All your blog needs is a feed (RSS or Atom); almost every blog has one.

**With a command:** in this site's repository, run

    blogparade join https://your-blog.example/

`join` finds the feed, checks it and writes your blog's file. With `--name`, `--author` and
`--kind` you choose what it is called here, who writes it and whether it is a personal blog
(`employee`) or a company blog (`corporate`).

**With a pull request:** add one small file `content/participants/your-blog.toml` in
[this site's repository]({repository}), for example:

    :::toml
    name = "Anna's Blog"
    feed = "https://anna.example/feed/"
    home = "https://anna.example/"
    author = "Anna Example"
    kind = "employee"
    display = "excerpt"

- `name`: what your blog is called here;
- `feed`: the address of your feed (RSS or Atom);
- `home`: your blog's home page;
- `author`: who writes it;
- `kind`: `"employee"` for a personal blog, `"corporate"` for a company blog;
- `display`: `"excerpt"` shows only an excerpt here, `"full"` the whole post.

Only `name`, `feed` and `home` are required. You may add `language = "de"` (the language of your
posts, where your feed names none; where it names a wrong one, change it on your blog: in
WordPress under Settings › General › Site Language), `categories = ["blog parade"]` (only posts in these categories appear here) or
`active = false` (paused). The file's name is your blog's address on this site: lower-case
letters, digits and dashes. `blogparade check` checks the file before you send it. After the next
nightly run your posts appear here.

A pull request holds that one file and nothing else. Everything else (pages, blog parades,
settings) is the editors' to write: they review such changes themselves before taking them.

## The rules of a blog parade

1. **The call:** every blog parade has a call with a topic and a period; its page here links to
   it. Read it before you write.
2. **Publish within the period:** your post appears between the parade's first and last day;
   both days count, in this site's time zone.
3. **Link to the call:** put a link to the call into your post, or give it the parade's tag where
   it has one (as a category, tag or #hashtag).
4. **Collected for you:** this site finds your post on its next update and shows it with the
   parade, from blogs that do not take part here too: the pingback or webmention your link to the
   call sends is usually enough, else a comment under the call with your post's link. After the
   end, whoever made the call writes a roundup of all
   contributions. If yours is missing, [tell the editors]({contact}): it can be handed in.
5. **Comments stay with you:** here you find an excerpt (or, if you like, the whole post) and the
   link to the original. Readers comment on your blog; this site only shows the comments.
"""

TEXTS = {
    "de": {
        "description": "Beiträge und Kommentare vieler Blogs an einem Ort – und ihre Blogparaden.",
        "author": "Redaktion",
        "category": "Redaktion",
        "page_file": "mitmachen.md",
        "privacy_page": "datenschutz/index.html",
        "page": JOIN_DE,
        "participants": (
            "# Teilnehmende Blogs\n\n"
            "Eine TOML-Datei je Blog, z. B. `anna.toml` (am einfachsten mit `blogparade join URL`):\n\n"
        ),
    },
    "en": {
        "description": "Posts and comments of many blogs in one place – and their blog parades.",
        "author": "Editors",
        "category": "Editorial",
        "page_file": "join.md",
        "privacy_page": "privacy/index.html",
        "page": JOIN_EN,
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
backups/
.blogparade.lock
output/
.output.*/
cache/
content/aggregated/
__pycache__/
# images of posts, downloaded once (BLOGPARADE_MEDIA), and the take-down log: they belong with
# the store, and the log names what was taken down
media/
takedowns.log
# the nightly run's log, where the README's cron line writes it, and the blogparade it runs
blogparade.log
.venv/
"""

PELICANCONF = '''\
"""Pelican settings for development (relative URLs); publishconf.py adds the real address.

blogparade reads its own BLOGPARADE_* settings from here too (defaults: aggregator/site.py).
"""

import logging

# Fail loudly: a plugin that cannot be imported is only an error in Pelican's log.
import aggregator.website.plugin  # noqa: F401
{theme_import}
AUTHOR = {author!r}
SITENAME = {title!r}
SITESUBTITLE = ""
# What the site is, in a sentence or two: on the home page, and its description for search
# engines and sharing cards.
BLOGPARADE_DESCRIPTION = {description!r}
SITEURL = ""
RELATIVE_URLS = True

PATH = "content"
OUTPUT_PATH = "output"
TIMEZONE = "Europe/Berlin"
DEFAULT_LANG = {lang!r}  # the theme speaks "de" and "en"

THEME = {theme}
PLUGINS = ["aggregator.website.plugin"]
# The theme is written for autoescaping; the plugin enforces it and installs the translations.
JINJA_ENVIRONMENT = {{"extensions": ["jinja2.ext.i18n"], "autoescape": True,
                      "trim_blocks": True, "lstrip_blocks": True}}

# What is read: posts exported to content/aggregated/ (JSON) and your own articles (Markdown)
# anywhere else in content/; participant files are data, parades are pages.
ARTICLE_PATHS = [""]
ARTICLE_EXCLUDES = ["participants"]
PAGE_PATHS = ["pages", "parades"]
EXTRA_PATH_METADATA = {{"parades": {{"template": "parade"}},
                       "extra/favicon.ico": {{"path": "favicon.ico"}},
                       "extra/robots.txt": {{"path": "robots.txt"}}}}
# content/extra/favicon.ico, if you add one, replaces the theme's icon; so does robots.txt there.
STATIC_PATHS = ["images", "extra"]
USE_FOLDER_AS_CATEGORY = False
DEFAULT_CATEGORY = {category!r}  # your own articles; aggregated posts are filed by blog kind

# Addresses: folders with an index.html.  A blog's page is blogs/<participant>/.
ARTICLE_URL = "{{date:%Y}}/{{slug}}/"
ARTICLE_SAVE_AS = "{{date:%Y}}/{{slug}}/index.html"
BLOGPARADE_POST_URL = "blogs/{{participant}}/{{id}}/"
BLOGPARADE_POST_SAVE_AS = "blogs/{{participant}}/{{id}}/index.html"
PAGE_URL = "{{slug}}/"
PAGE_SAVE_AS = "{{slug}}/index.html"
# A blog parade (content/parades/<slug>.md) is a page at parades/<slug>/, the slug its file's name.
BLOGPARADE_PARADE_URL = "parades/{{slug}}/"
BLOGPARADE_PARADE_SAVE_AS = "parades/{{slug}}/index.html"
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
# "search" needs the search index (pip install 'blogparade[search]'); "404" is the error page,
# 404.html: have the web server show it (nginx: error_page 404 /404.html;).
DIRECT_TEMPLATES = ["index", "blogs", "parades", "archives", "tags", "search", "404"]
BLOGS_URL = "blogs/"
BLOGS_SAVE_AS = "blogs/index.html"
PARADES_URL = "parades/"  # every blog parade, newest first
PARADES_SAVE_AS = "parades/index.html"
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = "archives/index.html"
TAGS_URL = "tags/"
TAGS_SAVE_AS = "tags/index.html"
SEARCH_URL = "search/"
SEARCH_SAVE_AS = "search/index.html"
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

# `blogparade build` writes a fresh folder that replaces output/ when it succeeded: pages of
# removed posts are gone, and only what is named here is carried over from the old output/.
DELETE_OUTPUT_DIRECTORY = False
OUTPUT_RETENTION = [".git", ".hg", ".nojekyll", "CNAME"]
# Reading the exported JSON is cheap, writing is 90 % of a build; a stale cache (after a change
# of language, theme or plugin) is not worth the little it saves.
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False

DISPLAY_PAGES_ON_MENU = True

# The "Mitmachen" page links to {{repository}} and {{contact}}: where contributors send pull
# requests, and how they reach you (an e-mail address or a web page).  Unset, the page says so.
BLOGPARADE_REPOSITORY = ""
BLOGPARADE_CONTACT = ""
# The privacy notice: what the site keeps of blogs and commenters ("" publishes none).
BLOGPARADE_PRIVACY_PAGE = {privacy_page!r}
# The picture of sharing cards (OpenGraph, Twitter), relative to the output; 1200 × 630 pixels.
# Put yours into content/images/ and name it here: BLOGPARADE_CARD_IMAGE = "images/card.png"

# A parade is upcoming, open or closed on the day of the build, in TIMEZONE; pin that day for
# reproducible builds with BLOGPARADE_TODAY = "2026-11-15".
# The blog roll as OPML for feed readers, published beside the pages ("" publishes none).
BLOGPARADE_BLOGROLL = "blogroll.opml"

# blogparade connects only to public addresses (a contributor's file must not make it fetch the
# machine's own services or the office network).  An intranet blog roll allows its networks:
# BLOGPARADE_ALLOWED_NETWORKS = ["10.0.0.0/8"]
'''

PUBLISHCONF = '''\
"""Pelican settings for publishing: the development settings plus the real address.

`blogparade run --publish` (the nightly job) and `blogparade build --publish` build with them.
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
# Drafts (a roundup being written) are previewed in development builds, never published.
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
'''


def theme_path() -> Path:
    """The bundled theme: <repo>/theme in a source checkout, else the package's data."""
    package = Path(__file__).resolve().parent.parent
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
        description=texts["description"],
        lang=lang,
        author=texts["author"],
        category=texts["category"],
        privacy_page=texts["privacy_page"],
        theme=repr(theme) if theme else "str(theme_path())",
        theme_import="" if theme else "from aggregator import theme_path\n",
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
