"""The search page's data: where it is, and whether this build makes an index for it.

The index itself is built after Pelican, into the same fresh folder (aggregator.website.search).
"""

from __future__ import annotations

from typing import Any

from ..search import enabled, indexer


def add_search(generators: list[Any]) -> None:
    """`search_url` (None without a search page) and `search_ready` in the template context."""
    generator = next(iter(generators), None)
    if generator is None:
        return
    settings, context = generator.settings, generator.context
    context["search_url"] = settings.get("SEARCH_URL", "search.html") if enabled(settings) else None
    context["search_ready"] = context["search_url"] is not None and indexer() is not None
