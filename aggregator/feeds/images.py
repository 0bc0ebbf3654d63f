"""Images of full posts, downloaded once so that readers' browsers never ask the original blog.

A reader's browser must make no request to any host but the site's own (no hotlinking: the blog
would learn who reads what, DSGVO).  So after each fetch, the `<img>` sources of the new or
changed posts of blogs shown in full (`display = "full"`) are downloaded once, through the
Fetcher (the network policy, timeouts, redirects), with caps: `BLOGPARADE_MEDIA_MAX_BYTES` per
image, `BLOGPARADE_MEDIA_PER_POST` per post and `BLOGPARADE_MEDIA_PER_RUN` per run (the rest come
with the next runs).  Only PNG, JPEG, GIF, WebP and AVIF are kept, recognised by their first
bytes, whatever the Content-Type says.  SVG is refused, not sanitised: it is a document that
can carry scripts, styles and references to other hosts, and a sanitiser for it would be a
second HTML cleaner to keep safe.  A failed image is remembered, and the export drops it from
the post (website/media.py); one its server did not give (an error, a timeout, a 404 before it
was uploaded) is asked again once a day while its post is under RETRY_DAYS old or changed since,
one that came and was refused (not an image, SVG, too many pixels), or that this site's limits
refuse (its size, its address: REFUSED_HERE), never again.

Files are named by their content's SHA-256, in the media folder beside the store
(`BLOGPARADE_MEDIA`, ignored by git); the export copies the ones published into the site.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from ..models import ErrorKind, Participant
from ..store import MediaRecord, Store, utcnow
from .clean import image_urls

if TYPE_CHECKING:
    from ..site import Site
    from .fetch import Fetcher, FetchSettings

IMAGE_ACCEPT = "image/avif, image/webp, image/png, image/jpeg, image/gif;q=0.9"
SCANNED = "media_scanned"  # the store's meta key: when the last run looked at posts
SCANNED_BLOGS = "media_blogs"  # ... and which blogs were shown in full then


@dataclass
class ImageReport:
    downloaded: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (url, why)
    left: int = 0  # over this run's cap: asked by the next runs


def sniff(body: bytes) -> tuple[str, str] | None:
    """(content type, file extension) of an image we serve, by its magic bytes; else None."""
    if body.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if body.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if body.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif", "gif"
    if body[:4] == b"RIFF" and body[8:12] == b"WEBP":
        return "image/webp", "webp"
    if body[4:8] == b"ftyp" and body[8:12] in (b"avif", b"avis"):
        return "image/avif", "avif"
    return None


def media_folder(site: Site) -> Path:
    return site.store_path.parent / str(site["BLOGPARADE_MEDIA"])


async def download_images(
    site: Site, store: Store, participants: Sequence[Participant], settings: FetchSettings,
    now: datetime | None = None,
) -> ImageReport:  # fmt: skip
    """Download the images of posts stored or changed since the last run (see the module)."""
    started = now or utcnow()
    full = sorted(p.slug for p in participants if p.display == "full")
    scanned = store.get_meta(SCANNED)
    known = store.media()
    # A blog newly shown in full: its older posts' images are wanted now too.  Where an image
    # failed that is worth asking again, the last days' posts are looked at again for it.
    retrying = any(not record.file and worth_asking(record, started) for record in known.values())
    since = datetime.fromisoformat(scanned) if scanned and store.get_meta(SCANNED_BLOGS) == ",".join(full) else None
    if since is not None and retrying:
        since = min(since, started - RETRY_DAYS)
    per_post, per_run = int(site["BLOGPARADE_MEDIA_PER_POST"]), int(site["BLOGPARADE_MEDIA_PER_RUN"])
    wanted: list[str] = []
    # Only the full blogs' posts are read: on a site of excerpts, none (a first run of 1,000
    # blogs stores 110 MB of posts, and reading them back cost 0.2 s).
    for post in store.posts_changed_since(since, participants=full) if full else ():
        wanted += [url for url in image_urls(post.content_html)[:per_post] if worth_asking(known.get(url), started)]
    wanted = list(dict.fromkeys(wanted))
    report = ImageReport(left=max(len(wanted) - per_run, 0))
    folder = media_folder(site)
    cap = int(site["BLOGPARADE_MEDIA_MAX_BYTES"])
    records: list[MediaRecord] = []
    if wanted and per_run > 0:
        from .fetch import Fetcher  # here: the export, which only links what is downloaded,
        # imports this module without the HTTP client

        async with Fetcher(replace(settings, max_bytes=cap)) as fetcher:
            records = await asyncio.gather(*(download(fetcher, url, folder) for url in wanted[:per_run]))
    for record in records:
        store.put_media(record)
        if record.file:
            report.downloaded += 1
        else:
            report.failed.append((record.url, record.error or ""))
    if not report.left:
        store.set_meta(SCANNED, started.isoformat())
        store.set_meta(SCANNED_BLOGS, ",".join(full))
    return report


# Failures of this site's own making: asked again, the image would be refused again.
REFUSED_HERE = frozenset({ErrorKind.TOO_LARGE, ErrorKind.NOT_ALLOWED, ErrorKind.INVALID_URL})
# A failed image is asked again a day later, while its post is this young (or changed since).
RETRY_AFTER = timedelta(hours=20)  # a nightly job's next night, whatever minutes it ran late
RETRY_DAYS = timedelta(days=7)


def worth_asking(record: MediaRecord | None, now: datetime) -> bool:
    """Whether an image is asked for: never before, or its server did not give it a while ago
    (a blog's image uploaded after the post, a night its server was down).  One that came and
    was refused (`size`: its bytes were read) would come the same."""
    if record is None:
        return True
    if record.file or record.size is not None:
        return False
    return now - record.fetched_at >= RETRY_AFTER


async def download(fetcher: Fetcher, url: str, folder: Path) -> MediaRecord:
    """One image, fetched, recognised and written; a record of the file or of why not."""
    result = await fetcher.fetch(url, accept=IMAGE_ACCEPT)
    now = utcnow()
    if result.error and result.error.kind in REFUSED_HERE:
        # Refused by this site's own limits (its size, its address): the same tomorrow. A size
        # of 0 says it is not asked again (worth_asking).
        return MediaRecord(url, None, None, 0, now, str(result.error))
    if result.error or not result.body:
        why = str(result.error) if result.error else "no body"
        return MediaRecord(url, None, None, None, now, why)
    kind = sniff(result.body)
    if kind is None:
        said = result.headers.get("content-type", "no type")
        why = ("SVG, which is refused (it is a document that can hold scripts)" if "svg" in said.lower()
               else f"not a PNG, JPEG, GIF, WebP or AVIF image, though it says {said}")
        return MediaRecord(url, None, None, len(result.body), now, why)
    pixels = _pixels(result.body)
    if pixels > MAX_PIXELS:
        why = (f"{pixels / 1e6:,.0f} million pixels, more than a reader's browser should have to "
               f"decode (at most {MAX_PIXELS // 1_000_000} million)")  # fmt: skip
        return MediaRecord(url, None, None, len(result.body), now, why)
    content_type, extension = kind
    name = f"{hashlib.sha256(result.body).hexdigest()[:32]}.{extension}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if not path.exists():
        temporary = path.with_name(f".{name}.tmp")
        temporary.write_bytes(result.body)
        temporary.replace(path)
    return MediaRecord(url, name, content_type, len(result.body), now)


# A few KB of PNG may say 60,000 × 60,000 pixels: bytes are capped (BLOGPARADE_MEDIA_MAX_BYTES),
# and so are pixels, which each reader's browser decodes (4 bytes each: 50 million, 200 MB).
MAX_PIXELS = 50_000_000


def _pixels(body: bytes) -> int:
    """Width × height as the image's header says (0 where it says nothing readable)."""
    import imagesize  # a few files a run: not for every fetch's start

    try:
        width, height = imagesize.get(io.BytesIO(body[: 256 * 1024]))
    except (OSError, ValueError):
        return 0
    return width * height if width > 0 and height > 0 else 0
