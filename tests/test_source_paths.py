"""The plugin's relative source paths are Pelican's (aggregator/website/plugin/sourcepaths.py)."""

from __future__ import annotations

import os

import pytest

from aggregator.website.plugin.sourcepaths import relative_source_path, under

ROOT = "/srv/site/content"


@pytest.mark.parametrize("path", [
    ROOT + "/aggregated/blog-1/0123abcd.json",
    ROOT + "/pages/mitmachen.md",
    ROOT + "/a",
    ROOT + "/aggregated/../pages/x.md",  # not normal: Pelican's way
    ROOT + "//aggregated/x.json",
    ROOT + "/./x.json",
    ROOT + "-other/x.json",  # beside the root, not in it
    ROOT,
    ROOT + "/",
    "/srv/site/x.json",
    "aggregated/blog-1/x.json",  # relative: Pelican joins it to PATH
    "../outside.md",
    "/",
])  # fmt: skip
@pytest.mark.parametrize("root", [ROOT, ROOT + "/", "/srv/site/./content", "content", "/"])
def test_the_same_as_pelicans_relpath(root, path):
    pelicans = os.path.relpath(os.path.abspath(os.path.join(root, path)), os.path.abspath(root))

    class Content:
        settings = {"PATH": root}
        source_path = path

    assert relative_source_path(Content()) == pelicans.replace(os.sep, "/")
    assert relative_source_path(Content(), path) == pelicans.replace(os.sep, "/")


def test_the_common_case_is_cut_short_and_odd_ones_are_not():
    assert under(ROOT, ROOT + "/aggregated/x.json") == "aggregated/x.json"
    for path in (ROOT + "/a/../b", ROOT + "x/y", "relative/x", ROOT):
        assert under(ROOT, path) is None
    assert under(ROOT + "/", ROOT + "/x") is None


def test_a_content_without_a_source_path_has_none():
    class Content:
        settings = {"PATH": ROOT}
        source_path = None

    assert relative_source_path(Content()) is None
