"""The digest of what a derived thing is made of: an exported post's document (website/export.py),
a page or feed of the build and a search bundle (website/plugin/incremental.py, website/search.py);
and a forgotten commenter's name and web address as the store's tombstones, the export and the
take-down log know them."""

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


def address_digest(key: str) -> str:
    """A commenter's web address (its urls.thread_key) as a tombstone and the take-down log keep
    it: a digest, never the address itself."""
    normal = key.rstrip("/")
    return hashlib.sha256(f"address:{normal}".encode()).hexdigest() if normal else ""


def address_digests(key: str) -> set[str]:
    """The digests of `key` (a thread_key) and of every address above it ("site/blog/post" ->
    "site/blog", "site"): a comment's author link is a forgotten address if any is one (a
    pingback's is the sender's post, under the address forgotten)."""
    parts = key.rstrip("/").split("/")
    return {address_digest("/".join(parts[:end])) for end in range(1, len(parts) + 1)} - {""}
