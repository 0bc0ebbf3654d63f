"""Linear where Pelican is quadratic.

Pelican 4.11 and 4.12 filter with list membership: `[a for a in self.dates if a in articles]`
once per tag, author and category page, and `[x for x in content_list if x not in index]` in
`process_translations`.  Its contents have no `__eq__`, so membership is identity.  On 20,000
posts (1,000 blogs, 200 tags, 2 categories of 10,000 posts) that is most of a third of a build.

- `taxonomy_pages` (article_generator_init) gives the generator its own generate_tags,
  generate_authors and generate_categories: Pelican's, with each page's `dates` sorted by the
  position in `generator.dates` instead of filtered from it; and no category pages at all where
  CATEGORY_SAVE_AS is empty (Pelican writes none either, but builds their lists first).
- `install` points Pelican's generators at `process_translations`: Pelican's steps, with the
  last filter by identity from a set.

Both only where Pelican is a version whose code this copies (PELICAN_VERSIONS); elsewhere
Pelican's own code runs, slower, the same.
"""

from __future__ import annotations

import logging
from functools import partial
from itertools import groupby
from operator import attrgetter
from typing import Any, Callable

import pelican
import pelican.generators
import pelican.utils

logger = logging.getLogger(__name__)

PELICAN_VERSIONS = ("4.11.", "4.12.")
_pelican_process_translations = pelican.utils.process_translations


def copied_from_pelican() -> bool:
    return str(getattr(pelican, "__version__", "")).startswith(PELICAN_VERSIONS)


def install() -> None:
    """Pelican's generators call process_translations through their module: point it here."""
    if copied_from_pelican():
        pelican.generators.process_translations = process_translations


def taxonomy_pages(generator: Any) -> None:
    """Tag, author and category pages without quadratic filters (see the module)."""
    if not copied_from_pelican() or not isinstance(generator, pelican.generators.ArticlesGenerator):
        return
    generator.generate_tags = partial(
        _write_pages, generator, lambda: generator.tags.items(), "tag", "tag")
    generator.generate_authors = partial(
        _write_pages, generator, lambda: generator.authors, "author", "author")
    if generator.settings.get("CATEGORY_SAVE_AS") == "":
        generator.generate_categories = lambda write: None
    else:
        generator.generate_categories = partial(
            _write_pages, generator, lambda: generator.categories, "category", "category")


def _write_pages(generator: Any, pairs: Callable[[], Any], template_name: str, keyword: str,
                 write: Callable[..., Any]) -> None:  # fmt: skip
    """Pelican's generate_tags/_authors/_categories (4.11, 4.12), with `dates` in linear time."""
    from pelican.writers import FileOverwriteFailedError

    template = generator.get_template(template_name)
    rank = {id(article): n for n, article in enumerate(generator.dates)}
    for item, articles in pairs():
        # Pelican: [article for article in self.dates if article in articles]
        dates = sorted((a for a in articles if id(a) in rank), key=lambda a: rank[id(a)])
        try:
            write(item.save_as, template, generator.context, url=item.url,
                  **{keyword: item}, articles=articles, dates=dates, template_name=template_name,
                  blog=True, page_name=item.page_name, all_articles=generator.articles)  # fmt: skip
        except FileOverwriteFailedError:
            if not item.slug:
                logger.info('%s "%s" has an invalid slug; skipping writing %s page...',
                            template_name.capitalize(), item, template_name,
                            extra={"limit_msg": f"Further {template_name}s with invalid slugs."})  # fmt: skip
                continue
            logger.error('Failed to write %s page for "%s".', template_name.capitalize(), item)
            raise


def process_translations(content_list: list[Any], translation_id: Any = None) -> tuple[list[Any], list[Any]]:
    """pelican.utils.process_translations (4.11, 4.12), its last filter by identity from a set:
    sort by the translation id, group, pick each group's originals (Pelican's
    get_original_items, which also warns), give every item its translations; the translations
    are the items not picked, in sorted order."""
    from pelican.utils import get_original_items

    if not translation_id:
        return content_list, []
    if isinstance(translation_id, str):
        translation_id = {translation_id}
    try:
        content_list.sort(key=attrgetter(*translation_id))
    except (TypeError, AttributeError):
        return _pelican_process_translations(content_list, translation_id)  # raises as Pelican does
    index: list[Any] = []
    for id_vals, items in groupby(content_list, attrgetter(*translation_id)):
        id_vals = (id_vals,) if len(translation_id) == 1 else id_vals
        with_str = "with" + ", ".join([' {} "{{}}"'] * len(translation_id)).format(
            *translation_id
        ).format(*id_vals)
        items = list(items)
        index.extend(get_original_items(items, with_str))
        for a in items:
            a.translations = [x for x in items if x != a]
    picked = {id(x) for x in index}
    return index, [x for x in content_list if id(x) not in picked]
