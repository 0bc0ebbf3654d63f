"""Images in published posts: served from the site, never from the original blog.

Every `<img>` of a body is pointed at its downloaded copy (feeds/images.py) in the export's media
folder, which Pelican copies into the site (a `{static}` link); an image that was not
downloaded (failed, refused, over a cap, or not tried yet) is dropped, with its `srcset` and
`<source>` alternatives, so a reader's browser asks no other host; its alt text stays in its
place (`.image-alt`), as a browser shows a broken image's.  An image its blog gave no
`alt` gets an empty one: its copy's name is a digest, which a screen reader would read out.

So that a page does not jump while it loads, an image its blog gave neither `width` nor `height`
gets its copy's own (read from the file's header; the theme scales images to the column, and
the browser keeps the ratio), and one given a width alone (or a height) the other in proportion.  Every image but a body's first is loaded lazily (the first may be
what a reader sees first), and every one decoded off the main thread.
"""

from __future__ import annotations

import html
import io
import os
import re
import shutil
from pathlib import Path
from typing import Callable, Mapping

import imagesize

from ..store import MediaRecord

Dimensions = Callable[[str], "tuple[int, int] | None"]  # a media file's name -> its width, height
MAX_SIDE = 100_000  # pixels: a header saying more is broken, not an image to reserve room for
# Bytes of a file read for its size: headers are near the start (a JPEG's frame after its
# EXIF/ICC/XMP segments, 64 KB each at most); a file of two million empty segments took 1.7 s.
HEADER_BYTES = 256 * 1024

FOLDER = "_media"  # inside the export folder: "_" keeps it apart from participants' slugs
_IMG = re.compile(r"<img\b[^<>]*>", re.I)
_SOURCE = re.compile(r"<source\b[^<>]*>", re.I)
_SRC = re.compile(r"\ssrc=\"([^\"]*)\"", re.I)
_ALTERNATIVES = re.compile(r"\s(?:srcset|sizes)=\"[^\"]*\"", re.I)
_QUOTED = re.compile(r"\"[^\"]*\"")
_ALT = re.compile(r"\salt=\"([^\"]*)\"", re.I)  # escaped as an attribute: as good as text
_TAG_END = re.compile(r"\s*/?>$")


def local_images(
    body: str, media: Mapping[str, MediaRecord], link_prefix: str, used: set[str],
    dimensions: Dimensions = lambda file: None,
) -> str:  # fmt: skip
    """`body` with each image's source its copy here (`link_prefix` + file name), or dropped,
    and the attributes the module docstring names added where missing.

    `used` collects the files the body needs."""
    if "<img" not in body and "<source" not in body:
        return body
    shown = 0

    def image(match: re.Match[str]) -> str:
        nonlocal shown
        tag = _ALTERNATIVES.sub("", match.group(0))
        src = _SRC.search(tag)
        record = media.get(html.unescape(src.group(1)).strip()) if src else None
        if record is None or not record.file:
            # Not copied here (failed, refused, beyond the caps, not yet): what it showed stays
            # said, as a browser says a broken image's alt text; a decorative one leaves nothing.
            alt = _ALT.search(tag)
            return f'<span class="image-alt">{alt.group(1)}</span>' if alt and alt.group(1).strip() else ""
        used.add(record.file)
        local = tag[: src.start(1)] + html.escape(link_prefix + record.file) + tag[src.end(1):]  # type: ignore[union-attr]
        written = _QUOTED.sub('""', tag)  # attribute names only: values may say anything
        added = [] if _has(written, "alt") else ['alt=""']
        added += _room(tag, written, record.file, dimensions)
        if shown and not _has(written, "loading"):
            added.append('loading="lazy"')
        if not _has(written, "decoding"):
            added.append('decoding="async"')
        shown += 1
        return _TAG_END.sub(f" {' '.join(added)}>", local) if added else local

    return _IMG.sub(image, _SOURCE.sub("", body))


def _room(tag: str, written: str, file: str, dimensions: Dimensions) -> list[str]:
    """The width and height an image lacks: both its copy's where the blog gave neither; where it
    gave one (a width, as many editors set), the other in the copy's proportion."""
    has_width, has_height = _has(written, "width"), _has(written, "height")
    if has_width and has_height:
        return []
    size = dimensions(file)
    if size is None:
        return []
    if not has_width and not has_height:
        return [f'width="{size[0]}"', f'height="{size[1]}"']
    given = re.search(rf'\s{"width" if has_width else "height"}="(\d{{1,5}})"', tag, re.I)
    if given is None or int(given.group(1)) == 0:  # the cleaner leaves numbers only: a "50%" is gone
        return []
    if has_width:
        return [f'height="{max(1, round(int(given.group(1)) * size[1] / size[0]))}"']
    return [f'width="{max(1, round(int(given.group(1)) * size[0] / size[1]))}"']


def _has(tag: str, name: str) -> bool:
    """Whether a tag (its values quoted away) has the attribute `name`."""
    return re.search(rf"\s{name}(?:=|[\s/>])", tag, re.I) is not None


def file_dimensions(folder: Path) -> Dimensions:
    """The width and height of the media files in `folder`, from their headers (None: unknown
    or implausible); each file read once.  Named by their content, a name's answer never changes."""
    known: dict[str, tuple[int, int] | None] = {}

    def dimensions(file: str) -> tuple[int, int] | None:
        if file not in known:
            try:
                with open(folder / file, "rb") as image:
                    width, height = imagesize.get(io.BytesIO(image.read(HEADER_BYTES)))
            except (OSError, ValueError):
                width = height = -1
            known[file] = (width, height) if 0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE else None
        return known[file]

    return dimensions


def publish_media(cache: Path, folder: Path, used: set[str]) -> None:
    """Copies of the `used` files from the cache into the export's media `folder`; other files
    there go (a hidden or erased post's images leave the site with it)."""
    if not used and not folder.exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    for name in used:
        target = folder / name
        if target.exists():  # named by content: the same name is the same bytes
            continue
        source = cache / name
        if not source.is_file():
            continue
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
    for path in folder.iterdir():
        if path.is_file() and path.name not in used:
            path.unlink(missing_ok=True)
