"""Pelican settings for development (relative URLs); publishconf.py adds the real address.

blogparade reads its own BLOGPARADE_* settings from here too (defaults: aggregator/site.py).
"""

import logging

# Fail loudly: a plugin that cannot be imported is only an error in Pelican's log.
import aggregator.website.plugin  # noqa: F401

AUTHOR = 'Redaktion'
SITENAME = 'blogparade'
SITESUBTITLE = ""
# What the site is, in a sentence or two: on the home page, and its description for search
# engines and sharing cards.
BLOGPARADE_DESCRIPTION = 'Beiträge und Kommentare vieler Blogs an einem Ort – und ihre Blogparaden.'
SITEURL = ""
RELATIVE_URLS = True

PATH = "content"
OUTPUT_PATH = "output"
TIMEZONE = "Europe/Berlin"
DEFAULT_LANG = 'de'  # the theme speaks "de" and "en"

THEME = 'theme'
PLUGINS = ["aggregator.website.plugin"]
# The theme is written for autoescaping; the plugin enforces it and installs the translations.
JINJA_ENVIRONMENT = {"extensions": ["jinja2.ext.i18n"], "autoescape": True,
                      "trim_blocks": True, "lstrip_blocks": True}

# What is read: posts exported to content/aggregated/ (JSON) and your own articles (Markdown)
# anywhere else in content/; participant files are data, parades are pages.
ARTICLE_PATHS = [""]
ARTICLE_EXCLUDES = ["participants"]
PAGE_PATHS = ["pages", "parades"]
EXTRA_PATH_METADATA = {"parades": {"template": "parade"},
                       "extra/favicon.ico": {"path": "favicon.ico"},
                       "extra/robots.txt": {"path": "robots.txt"}}
# content/extra/favicon.ico, if you add one, replaces the theme's icon; so does robots.txt there.
STATIC_PATHS = ["images", "extra"]
USE_FOLDER_AS_CATEGORY = False
DEFAULT_CATEGORY = 'Redaktion'  # your own articles; aggregated posts are filed by blog kind

# Addresses: folders with an index.html.  A blog's page is blogs/<participant>/.
ARTICLE_URL = "{date:%Y}/{slug}/"
ARTICLE_SAVE_AS = "{date:%Y}/{slug}/index.html"
BLOGPARADE_POST_URL = "blogs/{participant}/{id}/"
BLOGPARADE_POST_SAVE_AS = "blogs/{participant}/{id}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
# A blog parade (content/parades/<slug>.md) is a page at parades/<slug>/, the slug its file's name.
BLOGPARADE_PARADE_URL = "parades/{slug}/"
BLOGPARADE_PARADE_SAVE_AS = "parades/{slug}/index.html"
AUTHOR_URL = "blogs/{slug}/"
AUTHOR_SAVE_AS = "blogs/{slug}/index.html"
# Aggregated posts are filed by blog kind; pages per kind would repeat the home page's list.
# To have them: CATEGORY_URL = "category/{slug}/", CATEGORY_SAVE_AS = "category/{slug}/index.html"
CATEGORY_URL = ""
CATEGORY_SAVE_AS = ""
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = "drafts/{slug}/index.html"

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
PAGINATED_TEMPLATES = {"index": None, "tag": 100, "category": None, "author": None, "archives": 200}
# {base_name}/page/N/: the default pattern makes page 4 of tag "tag3" collide with tag "tag34".
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

FEED_ALL_ATOM = "feeds/all.atom.xml"
AUTHOR_FEED_ATOM = "feeds/blogs/{slug}.atom.xml"
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

# The "Mitmachen" page links to {repository} and {contact}: where contributors send pull
# requests, and how they reach you (an e-mail address or a web page).  Unset, the page says so.
BLOGPARADE_REPOSITORY = "https://github.com/blogparade/blogparade"
BLOGPARADE_CONTACT = "https://github.com/blogparade/blogparade/issues"
# The privacy notice: what the site keeps of blogs and commenters ("" publishes none).
BLOGPARADE_PRIVACY_PAGE = 'datenschutz/index.html'
# The picture of sharing cards (OpenGraph, Twitter), relative to the output; 1200 × 630 pixels.
# Put yours into content/images/ and name it here: BLOGPARADE_CARD_IMAGE = "images/card.png"

# A parade is upcoming, open or closed on the day of the build, in TIMEZONE; pin that day for
# reproducible builds with BLOGPARADE_TODAY = "2026-11-15".
# The blog roll as OPML for feed readers, published beside the pages ("" publishes none).
BLOGPARADE_BLOGROLL = "blogroll.opml"

# blogparade connects only to public addresses (a contributor's file must not make it fetch the
# machine's own services or the office network).  An intranet blog roll allows its networks:
# BLOGPARADE_ALLOWED_NETWORKS = ["10.0.0.0/8"]
