"""Images in published posts: served from the site, never from the original blog.

Every `<img>` of a body is pointed at its downloaded copy (feeds/images.py) in the export's media
folder, which Pelican copies into the site (a `{static}` link); an image that was not
downloaded (failed, refused, over a cap, or not tried yet) is dropped, with its `srcset` and
`<source>` alternatives, so a reader's browser asks no other host.  An image its blog gave no
`alt` gets an empty one: its copy's name is a digest, which a screen reader would read out.
"""

from __future__ import annotations

import html
import os
import re
import shutil
from pathlib import Path
from typing import Mapping

from ..store import MediaRecord

FOLDER = "_media"  # inside the export folder: "_" keeps it apart from participants' slugs
_IMG = re.compile(r"<img\b[^<>]*>", re.I)
_SOURCE = re.compile(r"<source\b[^<>]*>", re.I)
_SRC = re.compile(r"\ssrc=\"([^\"]*)\"", re.I)
_ALTERNATIVES = re.compile(r"\s(?:srcset|sizes)=\"[^\"]*\"", re.I)
_ALT = re.compile(r"\salt(?:=|[\s/>])", re.I)  # in a tag whose values are _QUOTED away
_QUOTED = re.compile(r"\"[^\"]*\"")
_TAG_END = re.compile(r"\s*/?>$")


def local_images(
    body: str, media: Mapping[str, MediaRecord], link_prefix: str, used: set[str]
) -> str:
    """`body` with each image's source its copy here (`link_prefix` + file name), or dropped.

    `used` collects the files the body needs."""
    if "<img" not in body and "<source" not in body:
        return body

    def image(match: re.Match[str]) -> str:
        tag = _ALTERNATIVES.sub("", match.group(0))
        src = _SRC.search(tag)
        record = media.get(html.unescape(src.group(1)).strip()) if src else None
        if record is None or not record.file:
            return ""
        used.add(record.file)
        local = tag[: src.start(1)] + html.escape(link_prefix + record.file) + tag[src.end(1):]  # type: ignore[union-attr]
        return local if _ALT.search(_QUOTED.sub('""', tag)) else _TAG_END.sub(' alt="">', local)

    return _IMG.sub(image, _SOURCE.sub("", body))


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
