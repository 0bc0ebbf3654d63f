"""The plugin's own settings, with their defaults; the site's translations for Python strings."""

from __future__ import annotations

from typing import Any

from ...i18n import translations

DEFAULTS = {
    "BLOGPARADE_PARTICIPANTS": "participants",
    "BLOGPARADE_EXPORT": "aggregated",  # relative to PATH: the only place aggregated posts are read
    "BLOGPARADE_POST_URL": "blogs/{participant}/{id}/",
    "BLOGPARADE_POST_SAVE_AS": "blogs/{participant}/{id}/index.html",
    "BLOGPARADE_PARADES": "parades",  # relative to PATH
    "BLOGPARADE_PARADE_URL": "parades/{slug}/",
    "BLOGPARADE_PARADE_SAVE_AS": "parades/{slug}/index.html",
    # Per parade, its contributions for the host: Atom, JSON, an HTML snippet ("" publishes none).
    "BLOGPARADE_PARADE_FEED": "parades/{slug}/feed.atom.xml",
    "BLOGPARADE_PARADE_JSON": "parades/{slug}/contributions.json",
    "BLOGPARADE_PARADE_SNIPPET": "parades/{slug}/snippet.html",
    "BLOGPARADE_BLOGROLL": "blogroll.opml",  # relative to OUTPUT_PATH; "" publishes none
    "BLOGPARADE_TODAY": None,  # an ISO date pinning "today" for the parades' state
    "BLOGPARADE_STATUS_PAGE": "",  # the editors' feed status page, e.g. "status/index.html"
    "BLOGPARADE_PRIVACY_PAGE": "datenschutz/index.html",  # the privacy notice; "" writes none
    "BLOGPARADE_PRIVACY_CONTACT": "",  # whom readers ask for removal ("mailto:…" or a page)
    "BLOGPARADE_COMMENT_AUTHORS": "full",  # how the privacy notice says commenters are named
    "BLOGPARADE_COMMENT_RETENTION_DAYS": 0,
    "BLOGPARADE_DESCRIPTION": "",  # what the site is: on the home page, and its meta description
    "BLOGPARADE_REPOSITORY": "",  # where contributors send pull requests ("Mitmachen")
    "BLOGPARADE_CONTACT": "",  # an e-mail address or a web page for the editors
    "BLOGPARADE_CARD_IMAGE": None,  # the sharing picture, relative to the output; None: the theme's
    # A department's page and feed (departments.py); "" publishes none.
    # Pages of the home page's listing; older posts are in the archive and on their blogs'
    # pages (0: every post).  Each new post shifts every page of a listing by one: a 20,000-post
    # site paged through 1,000 home pages, all written again after every new post.
    "BLOGPARADE_HOME_PAGES": 50,
    "BLOGPARADE_DEPARTMENT_URL": "departments/{slug}/",
    "BLOGPARADE_DEPARTMENT_SAVE_AS": "departments/{slug}/index.html",
    "BLOGPARADE_DEPARTMENT_FEED_ATOM": "feeds/departments/{slug}.atom.xml",
    # Pages at topics' addresses before 2026-12, leading to today's (renamed.py).  build_site
    # sets it from the store: a site first built since has no such addresses to keep.
    "BLOGPARADE_FORMER_TAG_ADDRESSES": True,
}


def setting(settings: dict[str, Any], key: str) -> Any:
    return settings.get(key, DEFAULTS.get(key))


def listing_url(settings: dict[str, Any], name: str) -> str | None:
    """Where direct template `name`'s page is ("" for the home page), as Pelican writes it;
    None where the site has none (not in DIRECT_TEMPLATES, or its *_SAVE_AS is "")."""
    if name not in settings.get("DIRECT_TEMPLATES", ()):
        return None
    if not settings.get(f"{name.upper()}_SAVE_AS", f"{name}.html"):
        return None
    return "" if name == "index" else settings.get(f"{name.upper()}_URL", f"{name}.html")


def gettext(settings: dict[str, Any]):  # noqa: ANN201  a bound gettext
    return translations(settings["THEME"], settings.get("DEFAULT_LANG", "en")).gettext
