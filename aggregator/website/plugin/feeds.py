"""The writer Pelican uses for pages and feeds: its own, with entries that say whose they are,
carrying unchanged outputs over from the previous build (incremental.py), and never writing into
a file that already exists (a file of the new tree may be a hard link into the served one).

Each feed is named (`<id>`) by its own address, in the site's language (`xml:lang`).  A
development build's addresses are relative, and Pelican's entry ids (`tag:` URIs of an entry's
address) lack their host: its feeds and entries are named `urn:uuid:` from the site's name and
the relative name, the same in every build (`atom_id`).  An aggregated post's entry names its
writer (the person) as author and its blog as Atom `<source>`, keeps its plain-text title, and
carries what the post's page shows: the whole post for blogs whose `display` is "full", else
the excerpt; one in another language than the site's says which (`xml:lang`), as its page does;
its files (an episode's audio) are its enclosures.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import NAMESPACE_URL, uuid5

from feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed, get_tag_uri
from pelican import signals
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import FileOverwriteFailedError, Writer

from ...languages import other_language
from . import archive
from .incremental import Reuse, link, relative_name
from .settings import setting

ERROR_PAGE = "404"  # the direct template the web server shows for a missing address
# Paginated by months (archive.py): the archive, and a year's or month's archive where the settings
# ask for them (YEAR_ARCHIVE_SAVE_AS…), which Pelican would write whole: 20,000 rows for a busy year.
ARCHIVES = ("archives", "period_archives")
# The Reuse of each output folder being built, for website/build.py to read once Pelican is done.
SESSIONS: dict[str, Reuse] = {}


def atom_id(url: str, site_name: str, date: datetime | None = None) -> str:
    """The `<id>` of a feed (`url` its address) or of an entry (with `date`: a `tag:` URI, as
    Pelican makes them).  Where `url` is relative, a development build's, a URN named by the site
    and `url`: RFC 4287 wants an absolute IRI, a tag: URI a host, which "tag:None,…" was not."""
    name = get_tag_uri(url, date) if date is not None else url
    if urlsplit(url).hostname:
        return name
    return f"urn:uuid:{uuid5(NAMESPACE_URL, f'blogparade:{site_name}:{name}')}"


def id_date(item: Any) -> datetime:
    """The date an entry's id holds: its post's first (reader.py's `id_date`), else its date."""
    return getattr(item, "id_date", None) or item.date


def first_page(item: Any) -> str:
    """The address an entry's id holds: its post's first copy's page where its blog moved."""
    return getattr(item, "first_url", None) or item.url


class SourcedAtomFeed(Atom1Feed):
    """Atom with `<source>` on entries that came from another blog (RFC 4287, 4.2.11), and
    `xml:lang` on those in another language than the feed's (an item's "language")."""

    def item_attributes(self, item: dict[str, Any]) -> dict[str, str]:
        language = item.get("language")
        return {"xml:lang": language} if language else super().item_attributes(item)

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        source = item.get("source")
        if source:
            handler.startElement("source", {})
            handler.addQuickElement("id", source["home"])
            handler.addQuickElement("title", source["name"])
            handler.addQuickElement("link", "", {"href": source["home"], "rel": "alternate"})
            handler.endElement("source")


def enclosures(attachments: Any, *, several: bool) -> list[Enclosure]:
    """A post's files (an episode's audio…; export.attachment_link) as its entry's enclosures, the
    way podcast apps find them; RSS allows one an item.  Unknown: a length of 0, as RSS says it."""
    found = [Enclosure(a["url"], str(a.get("size") or 0), a.get("type") or "application/octet-stream")
             for a in attachments]  # fmt: skip
    return found if several else found[:1]


class PlainTitleWriter(Writer):
    """Pelican's writer, with:

    - aggregated entries as described above;
    - reuse: a page or feed whose key (incremental.py) is the previous build's is linked from the
      previous tree, not rendered;
    - new files only: an existing file is removed before it is written, so that a hard link into
      the tree being served is replaced, never written through.
    """

    def __init__(self, output_path: str, settings: dict[str, Any] | None = None) -> None:
        super().__init__(output_path, settings=settings)
        self.reuse = Reuse(output_path, self.settings)
        SESSIONS[str(Path(output_path).resolve())] = self.reuse
        # A path about to be opened -> its name, key, and old file where it is carried over.
        self._pending: dict[str, tuple[str, str | None, str | None]] = {}
        # A page's key found by _carried_over, for _ReusingTemplate not to compute it again.
        self._keys: dict[str, str | None] = {}

    def _create_new_feed(self, feed_type: str, feed_title: str, context: dict[str, Any]) -> Any:
        feed = super()._create_new_feed(feed_type, feed_title, context)
        # Pelican strips tags from the title, which ate "<Team>" from a blog named "Tom & Jerry's
        # <Team> Blog" (and from a site's name): both are plain text here, and the feed escapes them.
        name = str(context.get("SITENAME") or "")
        feed.feed["title"] = f"{name} - {feed_title}" if feed_title else name
        if type(feed) is Atom1Feed:
            feed.__class__ = SourcedAtomFeed  # the same feed, writing one element more per entry
        # Pelican names every feed by the site's address: the site's feed and each blog's had one
        # id, which RFC 4287 wants unique to each.  Its own address is; xml:lang says its words'.
        feed.feed["id"] = atom_id(self.feed_url, context.get("SITENAME", ""))
        feed.feed["language"] = context.get("DEFAULT_LANG")
        self._kinds_told = context.get("kinds_told", True)  # blogs.py: a site of one kind names none
        return feed

    def _add_item_to_the_feed(self, feed: Any, item: Any) -> None:
        super()._add_item_to_the_feed(feed, item)
        entry = feed.items[-1]
        # A category and a tag of one name, as a feed reader sees them: once ("Blog parade", the
        # roundups' category, and "blog parade", their topic, were two).
        if entry.get("categories"):
            first: dict[str, Any] = {}
            for name in entry["categories"]:
                first.setdefault(str(name).casefold(), name)
            entry["categories"] = list(first.values())
            if getattr(item, "aggregated", False) and not getattr(self, "_kinds_told", True):
                # Its blog's kind is its category: on a site of one kind, as its pages, no word of it.
                entry["categories"] = [name for name in entry["categories"] if str(name) != str(getattr(item, "category", ""))]
        # A post a moved blog brought again keeps the id its first copy's address gave it (the
        # link as Pelican makes it, of that address), and one its blog re-dated the id its first
        # date gave it: an entry's id never changes (RFC 4287), or readers show the post again.
        link, date = entry["link"], id_date(item)
        if first := getattr(item, "first_url", None):
            link = self.urljoiner(self.site_url, first) + ("?ref=feed" if self.settings.get("FEED_APPEND_REF") else "")
        if first or date is not item.date:
            entry["unique_id"] = get_tag_uri(link, date)
        if not urlsplit(link).hostname:  # Pelican's id for it is "tag:None,…"
            entry["unique_id"] = atom_id(link, self.settings.get("SITENAME", ""), date)
        if not getattr(item, "aggregated", False):
            return
        # A post's links into itself (footnotes: feeds/clean.py) lead to its page here: a feed
        # reader takes "#…" for a place in the feed.
        for key in ("description", "content"):
            if entry.get(key) and ' href="#' in entry[key]:
                entry[key] = entry[key].replace(' href="#', f' href="{entry["link"]}#')
        # Pelican strips tags from titles, which eats "<div>" from a plain-text title such as
        # "Why <div> soup hurts"; aggregated titles are plain text, and the feed escapes them.
        entry["title"] = item.title
        entry["author_name"] = item.writer or item.blog.name
        entry["source"] = {"name": item.blog.name, "home": item.blog.home}
        entry["language"] = other_language(getattr(item, "language", None), feed.feed["language"] or "en")
        entry["enclosures"] = enclosures(getattr(item, "attachments", None) or (), several=type(feed) is not Rss201rev2Feed)

    def write_file(self, name: Any, template: Any, context: Any, relative_urls: bool = False,
                   paginated: Any = None, template_name: Any = None, override_output: bool = False,
                   url: Any = None, **kwargs: Any) -> None:  # fmt: skip
        per_page = archive_page_size(self.settings, template_name) if template_name in ARCHIVES else None
        if per_page and paginated is None and self.settings.get("NEWEST_FIRST_ARCHIVES", True):
            articles, dates = kwargs.pop("articles", []), kwargs.pop("dates", [])
            for save_as, variables in archive.pages(name, url, articles, dates, self.settings, per_page):
                self.write_file(save_as, template, context, relative_urls, {}, None, override_output,
                                url, **kwargs, **variables)  # fmt: skip
            return
        if template_name == ERROR_PAGE and relative_urls:
            # Served for a missing address at any depth: links from the site's root, not from
            # where its file lies ("./theme/…" from /blogs/x/gone/ finds no style sheet).
            relative_urls, kwargs = False, {**kwargs, "localsiteurl": ""}
        if name and self.reuse.active:
            if self._carried_over(name, template, context, relative_urls, paginated, template_name,
                                  override_output, kwargs):  # fmt: skip
                return
            template = _ReusingTemplate(template, self)
        if template_name == "index":
            kwargs = home_listing(self.settings, kwargs)
        super().write_file(name, template, context, relative_urls, paginated, template_name,
                           override_output, url, **kwargs)  # fmt: skip

    def _carried_over(self, name: str, template: Any, context: dict[str, Any], relative_urls: bool,
                      paginated: Any, template_name: Any, override: bool, kwargs: dict[str, Any]) -> bool:  # fmt: skip
        """A page of one output (a post's, a blog's: most of them) whose key is unchanged, carried
        over without Pelican's write_file, which makes the folder and opens a file for every
        output (a second of a build after one new post, for 20,000 posts).  The key is the one
        _ReusingTemplate would compute, from the context Pelican would render with; False where
        the page is rendered, or where another plugin listens to what Pelican writes, or a list
        is paginated: Pelican's own way then."""
        if signals.content_written.receivers:
            return False
        if paginated is None:
            paginated = {key: value for key, value in kwargs.items() if key in ("articles", "dates")}
        if paginated and template_name in self.settings["PAGINATED_TEMPLATES"]:
            return False
        page = {"output_file": name, "localsiteurl": context.get("localsiteurl")}
        if relative_urls:
            page["SITEURL"] = page["localsiteurl"] = path_to_url(get_relative_path(name))
        local = {**context, **page, **kwargs}  # Pelican's localcontext (a copy: faster to read)
        reuse = self.reuse
        key = reuse.page_key(template, local)
        complete = sanitised_join(self.output_path, name)
        relative = relative_name(self.output_path, complete)
        if relative is None:
            return False
        old = reuse.reusable(relative, key)
        if old is None:
            self._keys[complete] = key
            return False
        if reuse.reads is not None and reuse.reads.searchable(template.name):
            reuse.searchable[relative] = key
        if self._claim(complete, override):
            reuse.record(relative, key, True)
            place(old, complete)
        return True

    def write_feed(self, elements: Any, context: Any, path: Any = None, url: Any = None,
                   feed_type: str = "atom", override_output: bool = False,
                   feed_title: Any = None) -> Any:  # fmt: skip
        if path and self.reuse.active:
            complete = sanitised_join(self.output_path, path)
            name = relative_name(self.output_path, complete)
            key = self.reuse.feed_key(elements, context, path, url, feed_type, feed_title)
            old = self.reuse.reusable(name, key) if name else None
            if old is not None:
                if self._claim(complete, override_output):
                    self.reuse.record(name, key, True)
                    place(old, complete)
                return None
            if name:
                self._pending[complete] = (name, key, old)
        return super().write_feed(elements, context, path, url, feed_type, override_output, feed_title)

    def _open_w(self, filename: str, encoding: str, override: bool = False) -> Any:
        """Pelican's bookkeeping of written files (`_claim`), then a new file: written, or the
        unchanged one kept or linked (`place`; the write goes nowhere)."""
        name, key, old = self._pending.pop(filename, (None, None, None))
        if not self._claim(filename, override):
            return open(os.devnull, "w", encoding=encoding)  # Pelican: 'Skipping "%s"'
        if name is not None:
            self.reuse.record(name, key, old is not None)
        if old is not None:
            place(old, filename)
            return open(os.devnull, "w", encoding=encoding)
        try:
            os.unlink(filename)  # never write through a hard link
        except FileNotFoundError:
            pass
        return open(filename, "x", encoding=encoding)

    def _claim(self, filename: str, override: bool) -> bool:
        """Pelican's bookkeeping of written files (4.11, 4.12): whether `filename` is to be
        written (False: skipped, as an output written before with override is kept)."""
        if filename in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" a second time (was previously overwritten)')
            return False
        if filename in self._written_files and not override:
            raise FileOverwriteFailedError(
                f'Failed to overwrite "{filename}" as Pelican has already written to it '
                "previously (set `override=True` if intended)")  # fmt: skip
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        return True


def place(old: str, filename: str) -> None:
    """An unchanged output at `filename`: the previous tree's file linked there, or, where `old`
    is that very file (this tree's own, kept), nothing to do."""
    if os.path.normpath(old) == os.path.normpath(filename):
        return
    try:
        link(old, filename)
    except FileNotFoundError:  # its folder is not made yet (website/output.py Folders)
        os.makedirs(os.path.dirname(filename), exist_ok=True)
        link(old, filename)


def archive_page_size(settings: dict[str, Any], template_name: str) -> int | None:
    """The posts an archive's page holds at least (archive.py), as Pelican reads its settings:
    None where "archives" is not paginated, or where it takes DEFAULT_PAGINATION and that is
    False (then, as Pelican makes it, one page: not one page per month)."""
    paged = settings["PAGINATED_TEMPLATES"]
    if "archives" not in paged:
        return None
    return paged.get(template_name) or paged["archives"] or settings["DEFAULT_PAGINATION"] or None


def home_listing(settings: dict[str, Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    """The home page's listing, cut to BLOGPARADE_HOME_PAGES pages of the newest posts, with
    `older_in_archive` where posts were left out (the template points to the archive)."""
    pages = int(setting(settings, "BLOGPARADE_HOME_PAGES") or 0)
    paginated = settings.get("PAGINATED_TEMPLATES", {})
    per_page = (paginated.get("index") or settings.get("DEFAULT_PAGINATION")) if "index" in paginated else None
    articles = kwargs.get("articles")
    if pages <= 0 or not per_page or articles is None or len(articles) <= pages * per_page:
        return kwargs
    kept = list(articles[: pages * per_page])
    ids = {id(article) for article in kept}
    dates = [article for article in kwargs.get("dates", ()) if id(article) in ids]
    return {**kwargs, "articles": kept, "dates": dates, "older_in_archive": True}


class _ReusingTemplate:
    """A template for Pelican's write_file: renders only what changed.  Pelican renders it once
    per output (once per page of a paginated list), then opens the output's path (_open_w)."""

    def __init__(self, template: Any, writer: PlainTitleWriter) -> None:
        self._template = template
        self._writer = writer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._template, name)

    def render(self, context: dict[str, Any]) -> str:
        writer = self._writer
        reuse = writer.reuse
        complete = sanitised_join(writer.output_path, context.get("output_file"))
        name = relative_name(writer.output_path, complete)
        if name is None:
            return self._template.render(context)
        key = writer._keys.pop(complete) if complete in writer._keys else reuse.page_key(self._template, context)
        if reuse.reads is not None and reuse.reads.searchable(self._template.name):
            reuse.searchable[name] = key
        old = reuse.reusable(name, key)
        writer._pending[complete] = (name, key, old)
        return "" if old is not None else self._template.render(context)


def writer(pelican: Any) -> type:
    return PlainTitleWriter
