"""Pelican's relative source paths without `os.path.relpath`.

Pelican asks every article for its path relative to PATH two or three times a build (when it is
made, when the generator files it under `generated_content`, for its links), each time as
`relpath(abspath(join(PATH, path)), abspath(PATH))`: 3.8 µs a call, some 0.2 s of every build of
20,000 posts, a twentieth of the build after one new post.  Where PATH and the path are already
absolute and normal and the path lies under PATH (every exported post: Pelican found it by
walking PATH), that is the path with PATH's prefix cut off; every other path goes Pelican's way.

Only where Pelican is a version whose code this copies (lists.PELICAN_VERSIONS).
"""

from __future__ import annotations

import os
from typing import Any

import pelican.contents

from .lists import copied_from_pelican

_pelican_relative_source_path = pelican.contents.Content.get_relative_source_path


def install() -> None:
    if copied_from_pelican():
        pelican.contents.Content.get_relative_source_path = relative_source_path  # type: ignore[method-assign]


def relative_source_path(self: Any, source_path: str | None = None) -> str | None:
    """Content.get_relative_source_path, the common case cut short (see the module)."""
    path = source_path or self.source_path
    root = self.settings["PATH"]
    cut = under(root, path) if isinstance(path, str) and isinstance(root, str) else None
    if cut is not None:
        return cut.replace(os.sep, "/")
    return _pelican_relative_source_path(self, source_path)


def under(root: str, path: str) -> str | None:
    """`path` relative to `root` where both are absolute and normal and `path` is inside
    `root`, as relpath gives it; else None."""
    if not (os.path.isabs(root) and os.path.isabs(path)) or not path.startswith(root):
        return None
    if len(path) <= len(root) + 1 or path[len(root)] != os.sep:
        return None
    if os.path.normpath(root) != root or os.path.normpath(path) != path:
        return None
    return path[len(root) + 1 :]
