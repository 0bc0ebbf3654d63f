"""The digest of what a derived thing is made of: an exported post's document (website/export.py),
a page or feed of the build and a search bundle (website/plugin/incremental.py, website/search.py);
and a forgotten commenter's name as the store's tombstones and the export know it."""

from __future__ import annotations

import hashlib


def digest(*parts: str) -> str:
    """32 hex digits for `parts`, joined by a separator none has (a file name's lone surrogates
    kept as they are)."""
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def commenter_digest(name: str | None) -> str:
    """A commenter's name as a tombstone keeps it: a digest, never the name itself."""
    normal = " ".join((name or "").casefold().split())
    return hashlib.sha256(f"commenter:{normal}".encode()).hexdigest() if normal else ""
