"""Privacy settings for a German site: how commenters are named, and how long comments stay.

Commenters' names are personal data taken from third parties (DSGVO Art. 14): the site names them
as `BLOGPARADE_COMMENT_AUTHORS` says ("full", "initials": "Anna Beispiel" becomes "A. B.", or
"hidden": no name and no link), and keeps comments `BLOGPARADE_COMMENT_RETENTION_DAYS` (0: as long
as their post).  Older comments are erased from the store at the next run (and so leave the site
at its build), and comment feeds that still list them do not bring them back.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ..site import Naming, Site
from ..store import Store, utcnow


def shown_name(name: str, naming: Naming) -> str:
    """A commenter's name as the site shows it."""
    if naming == "hidden":
        return ""
    if naming == "initials":
        return " ".join(f"{word[0].upper()}." for word in name.split() if word[:1].isalnum())
    return name


def retention_cutoff(site: Site, now: datetime | None = None) -> datetime | None:
    """Comments published before this are not kept; None: all are."""
    days = int(site["BLOGPARADE_COMMENT_RETENTION_DAYS"] or 0)
    return (now or utcnow()) - timedelta(days=days) if days > 0 else None


def apply_retention(site: Site, store: Store, now: datetime | None = None) -> int:
    """Erase comments older than the site keeps them; how many went."""
    cutoff = retention_cutoff(site, now)
    return store.drop_comments_before(cutoff) if cutoff else 0
