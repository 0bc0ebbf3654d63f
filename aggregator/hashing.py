"""The digest of what a derived thing is made of: an exported post's document (website/export.py),
a page or feed of the build and a search bundle (website/plugin/incremental.py, website/search.py)."""

from __future__ import annotations

import hashlib


def digest(*parts: str) -> str:
    """32 hex digits for `parts`, joined by a separator none has (a file name's lone surrogates
    kept as they are)."""
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
