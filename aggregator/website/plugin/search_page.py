"""The search page's data (where it is, whether this build makes an index for it), and the
search index's first bundles, started as soon as the articles are written.

The index is built into the same fresh folder (aggregator.website.search): the articles' pages
(posts, the editors' articles, the parades' contributions of blogs that never joined) are all
written first, while Pelican renders the listings, feeds and pages afterwards for a while; so
their bundles are indexed meanwhile, by Pagefind processes beside Pelican's, and website/build.py
adds the other pages' bundles (parades, the editors' pages, drafts) once Pelican is done.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from pelican.generators import ArticlesGenerator

from .. import search
from ..search import enabled, indexer

ARTICLES = "posts"  # the bundles of the pages written with the articles
OTHERS = "pages"  # the bundles of every other searchable page


def add_search(generators: list[Any]) -> None:
    """`search_url` (None without a search page) and `search_ready` in the template context."""
    generator = next(iter(generators), None)
    if generator is None:
        return
    settings, context = generator.settings, generator.context
    context["search_url"] = settings.get("SEARCH_URL", "search.html") if enabled(settings) else None
    context["search_ready"] = context["search_url"] is not None and indexer() is not None


def index_with_articles(generator: Any) -> None:
    """Once the generator has written its articles, index them (article_generator_init)."""
    if not isinstance(generator, ArticlesGenerator) or not enabled(generator.settings):
        return
    write_articles = generator.generate_articles

    @wraps(write_articles)
    def generate_articles(write: Any) -> None:
        write_articles(write)
        # Pelican passes partial(writer.write_file, …): the writer's Reuse (feeds.py).
        reuse = getattr(getattr(getattr(write, "func", write), "__self__", None), "reuse", None)
        if reuse is None or not reuse.active or reuse.indexing is not None:
            return
        reuse.indexing = search.Indexing(reuse.output_path, previous=reuse.previous,
                                         old_keys=reuse.old_search, kept_keys=reuse.kept_search,
                                         settings=reuse.settings)  # fmt: skip
        reuse.indexed = dict(reuse.searchable)
        reuse.indexing.add(ARTICLES, reuse.indexed)

    generator.generate_articles = generate_articles


def finish_index(reuse: Any, tree: Any, settings: dict[str, Any]) -> search.Indexing:
    """The build's index with every bundle added: the articles' (started above, or now) and the
    other pages'; without the writer's word (no reuse) the whole tree as one bundle."""
    if reuse is None or not reuse.active:
        indexing = search.Indexing(tree, settings=settings)
        indexing.add("site", None)
        return indexing
    if reuse.indexing is None:
        reuse.indexing = search.Indexing(tree, previous=reuse.previous, old_keys=reuse.old_search,
                                         kept_keys=reuse.kept_search, settings=settings)  # fmt: skip
    reuse.indexing.add(OTHERS, {name: key for name, key in reuse.searchable.items()
                                if name not in reuse.indexed})  # fmt: skip
    return reuse.indexing
