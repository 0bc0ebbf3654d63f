"""Builds that cost what changed: an output whose inputs are unchanged is carried over.

Every build writes a fresh tree (see website/output.py).  Rendering is most of a build's time,
and after one new post almost every page is as it was: so the writer (feeds.py) asks, before
rendering a page or a feed, for its *key*: a digest of everything it is made of.  The tree that
the last build swapped in holds a manifest (`MANIFEST`: each output's key); an output whose key is
the same there, and whose file is there, is linked from that tree (a hard link: no copy, no
render) instead of being rendered; every other output is rendered and written as a new file
(never through a link: see `PlainTitleWriter._open_w`).  A full build and a build that reused
yesterday's files give the same bytes (tests/test_incremental.py compares every file).

What a key is made of:

- the build's stamp (`STAMP_SETTING`, set by website/build.py): blogparade's code, Pelican's and
  Jinja's versions, the theme, the settings files and the settings, content/ without the exported
  posts (the editors' own pages and articles, participants, parades).  Without it (Pelican run
  on its own) nothing is reused and no manifest is written;
- the output's name and the template's name;
- each variable the template can read, found in its source and the sources of every template it
  extends, includes or imports (`TemplateReads`), digested by value (`Digests`): a post by its
  exported file's bytes (`source_digest`, see reader.py) and by what the plugin attached to it
  after reading (`ATTACHED`, where the template reads such an attribute), a listing page by its
  posts, page number and page count, a plugin dataclass (a parade, a blog) by its fields, an
  object with a `made_of()` method by what that returns (archive.MonthPaginator).  A value of
  any other kind cannot be digested: its output is always rendered.

The writer also notes which outputs are searchable (their template marks SEARCH_BODY) with
their keys: the search index is built in bundles of them, and a bundle whose pages all kept
their keys is carried over too (website/search.py); the manifest holds the bundles' keys.

A plugin that attaches another attribute to articles or pages after they are read names it in
ATTACHED; a template that reads values only Python can see (a filter reading the context) keeps
them in the settings or the stamp.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import sys
from itertools import chain
from pathlib import Path, PurePath
from typing import Any

# The plugin's module: Pelican is loaded (imported here, not per value digested: a build digests
# hundreds of thousands).
from pelican.contents import Content
from pelican.paginator import Page, Paginator
from pelican.urlwrappers import URLWrapper

from ...hashing import digest as _hash
from ..export import write_if_changed

logger = logging.getLogger(__name__)

MANIFEST = ".blogparade-manifest.json"
FORMAT = "blogparade-manifest/3"
STAMP_SETTING = "BLOGPARADE_BUILD_STAMP"  # str: the build's stamp, see the module
REUSE_SETTING = "BLOGPARADE_REUSE_FROM"  # str: the tree to carry unchanged outputs over from
# A recycled tree's own outputs (website/output.py), set by website/build.py before Pelican runs:
# tree -> its manifest (see `load_manifest`).  Not a setting: 20,000 keys would go into every
# template's context.
KEPT: dict[str, dict[str, dict[str, Any]]] = {}
# Settings that name this build's own folders: not part of what an output is made of.
UNSTAMPED_SETTINGS = frozenset({"OUTPUT_PATH", STAMP_SETTING, REUSE_SETTING})
# Attributes the plugin sets on articles and pages after reading (parade_pages.py), and Pelican's
# translations: not in the exported file, so digested where a template reads them.
ATTACHED = frozenset({"contributes_to", "late_to", "call_of", "roundup_of", "parade", "translations"})
MAX_DEPTH = 4  # attached values nest (a post's parade lists posts): below this, posts by source
# What marks a page for the search index (website/search.py): a page rendered from a template
# whose source, or that of a template it extends, includes or imports, says it, is searchable.
SEARCH_BODY = "data-pagefind-body"


class Undigestable(Exception):
    """A value whose digest is unknown: its output is rendered."""


_MISSING = object()


class Digests:
    """Digests of template values, remembered for the build (objects are kept alive with their
    digests, so that an id is never reused for another object meanwhile)."""

    def __init__(self) -> None:
        self._memo: dict[tuple[int, frozenset[str] | None, int], tuple[Any, str]] = {}
        self._busy: set[int] = set()  # being digested, further up
        self._open: list[set[int]] = []  # per digest being made: the busy objects it refers to
        # Posts and pages with nothing attached (most of them): one digest for every template.
        self._plain: dict[int, tuple[Any, str]] = {}

    def of(self, value: Any, attrs: frozenset[str] | None = None, depth: int = 0) -> str:
        """`value`'s digest for a template naming the attributes `attrs` (None: any)."""
        plain = self._plain.get(id(value))
        if plain is not None:
            return plain[1]
        if value is None or isinstance(value, (bool, int, float)):
            return f"{type(value).__name__}:{value!r}"
        if isinstance(value, str):
            return "s:" + value if len(value) < 64 else "S:" + _hash(value)
        if isinstance(value, (dt.datetime, dt.time)):
            return f"{type(value).__name__}:{value.isoformat()}:{value.tzinfo}"
        if isinstance(value, (dt.date, dt.timedelta, PurePath)):
            return f"{type(value).__name__}:{value}"
        key = (id(value), attrs, depth)
        known = self._memo.get(key)
        if known is not None:
            return known[1]
        if id(value) in self._busy:  # a post's parade lists the post: a reference back
            if self._open:
                self._open[-1].add(id(value))
            return self._back(value)
        self._busy.add(id(value))
        self._open.append(set())
        try:
            digest = self._composite(value, attrs, depth)
        finally:
            self._busy.discard(id(value))
            back = self._open.pop()
        back.discard(id(value))
        if back:  # refers back to an object still being digested: right only below it
            self._open[-1] |= back
        else:
            self._memo[key] = (value, digest)
        return digest

    def _back(self, value: Any) -> str:
        """A reference to an object being digested further up: its own fields, not what it
        lists (that is in its digest, up there)."""
        if hasattr(value, "source_path") and hasattr(value, "_context"):  # a post or page
            return "back:" + self._content(value, frozenset(), MAX_DEPTH)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            scalars = (getattr(value, f.name) for f in dataclasses.fields(value))
            return "back:" + _hash(type(value).__qualname__, *(
                self.of(item) for item in scalars
                if item is None or isinstance(item, (str, int, float, dt.date, dt.time))))  # fmt: skip
        raise Undigestable(f"a cycle through {type(value).__name__}")

    def _composite(self, value: Any, attrs: frozenset[str] | None, depth: int) -> str:
        name = type(value).__name__
        if not value and isinstance(value, (list, tuple, dict, set, frozenset)):
            return f"{name}:empty"
        if isinstance(value, (list, tuple)) and not hasattr(value, "_fields"):
            return _hash(name, *(self.of(item, attrs, depth) for item in value))
        if isinstance(value, dict):
            items = sorted((self.of(k, attrs, depth), self.of(v, attrs, depth)) for k, v in value.items())
            return _hash(name, *(f"{k}={v}" for k, v in items))
        if isinstance(value, (set, frozenset)):
            return _hash(name, *sorted(self.of(item, attrs, depth) for item in value))
        if isinstance(value, Content):
            return self._content(value, attrs, depth)
        if isinstance(value, URLWrapper):
            # Pelican caches `name` and `slug` in the object once its URL is asked for.
            extra = {k: v for k, v in vars(value).items()
                     if not k.startswith("_") and k not in ("settings", "name", "slug")}  # fmt: skip
            return _hash(name, value.name, value.slug, self.of(extra, attrs, depth))
        if isinstance(value, Page):
            return _hash(name, str(value.number), value.full_name, str(value.base_url),
                         self.of(value.object_list, attrs, depth), self.of(value.paginator, attrs, depth))  # fmt: skip
        if callable(getattr(value, "made_of", None)):  # it says what its outputs show of it
            return _hash(name, *value.made_of())
        if isinstance(value, Paginator):
            return _hash(name, value.name, str(value.url), str(value.per_page), str(value.orphans),
                         self.of(value.object_list, attrs, depth))  # fmt: skip
        if hasattr(value, "_fields"):  # a NamedTuple
            return _hash(name, *(self.of(item, attrs, depth) for item in value))
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return _hash(type(value).__qualname__, *(
                f"{name}={self.of(getattr(value, name), attrs, depth + 1)}"
                for name in read_fields(type(value), attrs)))  # fmt: skip
        raise Undigestable(name)

    def _content(self, content: Any, attrs: frozenset[str] | None, depth: int) -> str:
        """A post or page: its source, and what was attached to it that the template reads."""
        source = getattr(content, "source_digest", None)
        if source is None:  # the editors' own: content/ is in the build's stamp
            source = _hash(str(getattr(content, "source_path", "")), str(getattr(content, "status", "")))
        parts = [type(content).__name__, source]
        if not any(getattr(content, attr, None) for attr in ATTACHED):
            digest = _hash(*parts)
            self._plain[id(content)] = (content, digest)
            return digest
        if depth < MAX_DEPTH:
            for attr in sorted(ATTACHED if attrs is None else attrs & ATTACHED):
                value = getattr(content, attr, None)
                if value:  # most posts have none: then the same for every template
                    parts.append(f"{attr}={self.of(value, attrs, depth + 1)}")
        return _hash(*parts)


_FIELDS: dict[tuple[type, frozenset[str] | None], tuple[str, ...]] = {}


def read_fields(cls: type, attrs: frozenset[str] | None) -> tuple[str, ...]:
    """The fields of dataclass `cls` a template naming `attrs` can read: those it names; all of
    them where it names anything else of the class (a property or method may read any field)."""
    key = (cls, attrs)
    if key not in _FIELDS:
        fields = tuple(f.name for f in dataclasses.fields(cls))
        others = {name for name in dir(cls) if not name.startswith("__")} - set(fields)
        if attrs is None or attrs & others:
            _FIELDS[key] = fields
        else:
            _FIELDS[key] = tuple(name for name in fields if name in attrs)
    return _FIELDS[key]


_OneTemplate = tuple[set[str], set[str], list[str | None], bool]  # see TemplateReads._read_one


class TemplateReads:
    """What a template can read: the variables of its context (None: any of them, when it names
    a template only known at run time) and the attributes and keys it names, with those of
    every template it extends, includes or imports.  `files`: what was read of each template
    file, shared between the environments of a build and kept between builds (ReadsKept)."""

    def __init__(self, env: Any, files: dict[str, _OneTemplate] | None = None) -> None:
        self.env = env
        self._known: dict[str, tuple[frozenset[str] | None, frozenset[str], bool]] = {}
        self._files = {} if files is None else files  # one template

    def of(self, name: str) -> tuple[frozenset[str] | None, frozenset[str]]:
        if name not in self._known:
            self._known[name] = self._read(name)
        return self._known[name][:2]

    def searchable(self, name: str) -> bool:
        """Whether the template's pages go into the search index (SEARCH_BODY)."""
        try:
            self.of(name)
        except Exception:  # noqa: BLE001  unreadable: Pagefind decides from the page
            return True
        return self._known[name][2]

    def _read(self, name: str) -> tuple[frozenset[str] | None, frozenset[str], bool]:
        names: set[str] | None = set()
        attrs: set[str] = set()
        searchable = False
        todo, seen = [name], set()
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            if current not in self._files:
                self._files[current] = self._read_one(current)
            own_names, own_attrs, references, marked = self._files[current]
            if names is not None:
                names |= own_names
            attrs |= own_attrs
            searchable = searchable or marked
            for referenced in references:
                if referenced is None:
                    names = None
                else:
                    todo.append(referenced)
        return (frozenset(names) if names is not None else None), frozenset(attrs), searchable

    def _read_one(self, name: str) -> _OneTemplate:
        from jinja2 import meta, nodes

        source = self.env.loader.get_source(self.env, name)[0]
        tree = self.env.parse(source)
        attrs: set[str] = set()
        for node in tree.find_all(nodes.Getattr):
            attrs.add(node.attr)
        for node in tree.find_all(nodes.Getitem):  # x["name"]
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                attrs.add(node.arg.value)
        for node in tree.find_all((nodes.Filter, nodes.Test)):  # |map(attribute="x.y")...
            for argument in chain(node.args, (pair.value for pair in node.kwargs)):
                for const in chain([argument], argument.find_all(nodes.Const)):
                    if isinstance(const, nodes.Const) and isinstance(const.value, str):
                        attrs.update(const.value.split("."))
        return (set(meta.find_undeclared_variables(tree)), attrs, list(meta.find_referenced_templates(tree)),
                SEARCH_BODY in source)  # fmt: skip


class ReadsKept:
    """What TemplateReads read of each template file, kept between builds: parsing the theme's
    templates again took 0.7 s of every build (a sixth of one after a new post, at 2,000 posts).
    In the folder of the build's stamp, beside the compiled templates (environment.template_cache):
    the stamp names the theme, the code and Jinja's version, all that reading depends on, and
    the folder goes with the stamp."""

    FILE = "template-reads.json"

    def __init__(self, settings: dict[str, Any]) -> None:
        folder = stamp_folder(settings)
        self.path = Path(folder) / self.FILE if folder else None
        self.files: dict[str, _OneTemplate] = {}
        if self.path is not None:
            try:
                kept = json.loads(self.path.read_text(encoding="utf-8"))
                self.files = {name: (set(names), set(attrs), list(references), bool(marked))
                              for name, (names, attrs, references, marked) in kept.items()}  # fmt: skip
            except (OSError, ValueError, TypeError, AttributeError):
                self.files = {}  # none yet, or unreadable: read again
        self.before = len(self.files)

    def save(self) -> None:
        """Written where it grew; never fails the build (the next one reads again)."""
        if self.path is None or len(self.files) == self.before:
            return
        document = {name: [sorted(names), sorted(attrs), references, marked]
                    for name, (names, attrs, references, marked) in sorted(self.files.items())}  # fmt: skip
        try:
            write_if_changed(self.path, json.dumps(document, separators=(",", ":")).encode())
        except OSError as error:
            logger.debug("template reads not kept: %s", error)


def stamp_folder(settings: dict[str, Any]) -> str | None:
    """The build's cache folder, where it is the stamp's own (website/build.py names it by the
    stamp and removes the folders of other stamps); None without a stamp, or where the editors
    chose the cache folder (CACHE_PATH), which no stamp names."""
    folder, stamp = str(settings.get("CACHE_PATH") or ""), str(settings.get(STAMP_SETTING) or "")
    if not stamp or not settings.get("CACHE_CONTENT") or os.path.basename(folder) != stamp[:16]:
        return None
    return folder


class Reuse:
    """One build's reuse: the previous tree's manifest, and this build's, written at the end."""

    def __init__(self, output_path: str, settings: dict[str, Any]) -> None:
        self.output_path = Path(output_path)
        self.root = str(output_path)  # the same, for reusable(): a str join, not a Path's, per output
        self.settings = settings
        self.stamp = settings.get(STAMP_SETTING) or None
        previous = settings.get(REUSE_SETTING)
        self.previous = Path(previous) if previous and self.stamp else None
        old = load_manifest(self.previous, self.stamp) if self.previous else {}
        self.old: dict[str, Any] = old.get("files", {})
        # The outputs already in this tree (a recycled one), as an earlier build wrote them.
        kept = KEPT.pop(str(self.output_path.resolve()), {}) if self.stamp else {}
        self.kept: dict[str, str] = kept.get("files", {})
        self.kept_search: dict[str, Any] = kept.get("search", {})  # its search bundles' keys
        self.new: dict[str, str] = {}  # name -> key
        self.written: set[str] = set()  # every output name of this build, with a key or without
        # The search index's bundles (website/search.py): the previous build's keys, and the
        # searchable pages of this one (name -> key, None where the page has none).
        self.old_search: dict[str, Any] = old.get("search", {})
        self.searchable: dict[str, str | None] = {}
        self.search: dict[str, str] = {}
        self.indexing: Any = None  # the build's search.Indexing, once started (search_page.py)
        self.indexed: dict[str, str | None] = {}  # the searchable pages it was started with
        self.digests = Digests()
        self.reads: TemplateReads | None = None
        self.reads_kept = ReadsKept(settings) if self.active else None
        self._plans: dict[str, tuple[list[str], dict[str, tuple[Any, str]]]] = {}
        self.rendered = 0  # written afresh
        self.reused = 0

    @property
    def active(self) -> bool:
        return self.stamp is not None

    def page_key(self, template: Any, context: dict[str, Any]) -> str | None:
        """The key of a page rendered from `template` with `context` (None where unknown)."""
        if not self.active:
            return None
        if self.reads is None or self.reads.env is not template.environment:
            self.reads = TemplateReads(template.environment, self.reads_kept.files if self.reads_kept else None)
            self._plans = {}
        try:
            names, attrs = self.reads.of(template.name)
        except Exception:  # noqa: BLE001  a template it cannot read: rendered, as Pelican does
            return None
        if names is None:
            ordered, last = sorted(context), {}
        else:
            # Per template: its names in order, and each name's last value with its part of the
            # key (most values are the same object from page to page: settings, site lists).
            if template.name not in self._plans:
                self._plans[template.name] = (sorted(names), {})
            ordered, last = self._plans[template.name]
        parts = [self.stamp, "page", template.name, str(context.get("output_file"))]
        try:
            for name in ordered:
                value = context.get(name, _MISSING)
                known = last.get(name)
                if known is not None and known[0] is value:
                    parts.append(known[1])
                    continue
                if value is _MISSING:
                    part = f"{name}!"
                elif name in self.settings and value is self.settings[name]:
                    part = f"{name}=setting"  # in the build's stamp
                else:
                    part = f"{name}={self.digests.of(value, attrs)}"
                last[name] = (value, part)  # kept alive: its id is not reused meanwhile
                parts.append(part)
        except Undigestable as error:
            logger.debug("%s is rendered on every build: %s", context.get("output_file"), error)
            return None
        return _hash(*parts)

    def feed_key(self, elements: list[Any], context: dict[str, Any], path: str, url: str | None,
                 feed_type: str, feed_title: str | None) -> str | None:  # fmt: skip
        if not self.active:
            return None
        items = elements[: self.settings.get("FEED_MAX_ITEMS")]
        try:
            values = [self.digests.of(items, None)] + [
                self.digests.of(context.get(name)) for name in
                ("SITEURL", "FEED_DOMAIN", "SITENAME", "SITESUBTITLE", "DEFAULT_LANG", "AUTHOR")
            ]  # fmt: skip
        except Undigestable as error:
            logger.debug("%s is written on every build: %s", path, error)
            return None
        return _hash(self.stamp, "feed", path, str(url), feed_type, str(feed_title), *values)

    def reusable(self, name: str, key: str | None) -> str | None:
        """The file that output `name` (relative) with key `key` already is, if any: this tree's
        own (kept where it is) or the previous tree's (to be linked here)."""
        if key is None:
            return None
        if self.kept.get(name) == key:
            # There: the tree was listed when it was recycled (website/build.py), and nothing
            # removes a file from it before the build ends.
            return os.path.join(self.root, name)
        if self.previous is None or self.old.get(name) != key:
            return None
        old = os.path.join(self.previous, name)
        return old if os.path.isfile(old) else None

    def stale(self) -> list[str]:
        """This tree's own outputs that this build did not write: to be removed."""
        return [name for name in self.kept if name not in self.written]

    def record(self, name: str, key: str | None, reused: bool) -> None:
        self.written.add(name)
        if key is None:
            self.new.pop(name, None)
        else:
            self.new[name] = key
        if reused:
            self.reused += 1
        else:
            self.rendered += 1

    def write_manifest(self) -> None:
        if not self.active:
            return
        if self.reads_kept is not None:
            self.reads_kept.save()
        document = {"format": FORMAT, "stamp": self.stamp, "files": dict(sorted(self.new.items())),
                    "search": dict(sorted(self.search.items()))}  # fmt: skip
        (self.output_path / MANIFEST).write_text(json.dumps(document, separators=(",", ":")) + "\n",
                                                 encoding="utf-8")  # fmt: skip


def load_manifest(tree: Path, stamp: str | None) -> dict[str, dict[str, Any]]:
    """The keys of a tree built with the same stamp ({} for any other): its outputs' ("files")
    and its search bundles' ("search")."""
    try:
        document = json.loads((tree / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(document, dict) or document.get("format") != FORMAT or document.get("stamp") != stamp:
        return {}
    return {part: document[part] for part in ("files", "search") if isinstance(document.get(part), dict)}


def relative_name(output_path: str | Path, path: str | Path) -> str | None:
    """`path` relative to the output folder, as the manifest names it; None when outside."""
    root, path = os.path.join(str(output_path), ""), os.path.normpath(path)
    return path[len(root):].replace(os.sep, "/") if path.startswith(root) else None


def output_names(tree: Path) -> list[str]:
    """The outputs a tree's manifest names, whatever its stamp (for their folders)."""
    try:
        files = json.loads((tree / MANIFEST).read_text(encoding="utf-8")).get("files")
    except (OSError, ValueError, AttributeError):
        return []
    return list(files) if isinstance(files, dict) else []


def environment_stamp() -> list[str]:
    """What else makes the outputs: the versions of the libraries that render them."""
    import jinja2
    import pelican

    return [sys.version.split()[0], getattr(pelican, "__version__", "?"), jinja2.__version__]


def settings_digest(settings: dict[str, Any]) -> str:
    """The settings, as far as they can be digested (callables by name)."""
    digests = Digests()
    parts = []
    for name in sorted(settings):
        if name in UNSTAMPED_SETTINGS:
            continue
        try:
            parts.append(f"{name}={digests.of(settings[name])}")
        except Undigestable:
            value = settings[name]
            parts.append(f"{name}~{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__name__)}")
    return _hash(*parts)


def link(source: Path, target: str) -> None:
    """`source` at `target`: a hard link, else a copy; `target` is new (replaced if there)."""
    try:
        os.link(source, target)
    except FileExistsError:
        os.unlink(target)
        link(source, target)
    except FileNotFoundError:  # no folder for it yet (or no source): not for a copy either
        raise
    except OSError:  # a filesystem without hard links, or another one
        import shutil

        shutil.copy2(source, target)
