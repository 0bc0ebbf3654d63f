"""The search index's bundles (website/search.py) with the real Pagefind: exactly the pages named,
whatever characters their names have, and the same bytes for the same pages."""

from __future__ import annotations

import contextlib
import filecmp
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aggregator.website.search import Indexing, bucket, bundle_count, indexed_pages, indexer

NAMES = ("a,b/index.html", "x(1)/index.html", "ü/index.html", "sp ace/index.html", "st*r/index.html",
         "q{u}/index.html", "h#a/index.html", "ex!cl/index.html", "d$x/index.html", "c:o/index.html",
         "br[a]/index.html", "pl+us/index.html", "back\\slash/index.html", "plain/index.html")  # fmt: skip


def page(tree: Path, name: str, words: str) -> None:
    path = tree / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'<!DOCTYPE html><html lang="de"><body><main data-pagefind-body><h1>{words}</h1>'
                    f"<p>{words} Inhalt</p></main></body></html>", encoding="utf-8")  # fmt: skip


def test_a_bundle_indexes_exactly_its_pages_whatever_their_names(tmp_path):
    if indexer() is None:
        pytest.skip("Pagefind is not installed (pip install -e '.[search]')")
    for tree in (tmp_path / "one", tmp_path / "two"):
        for n, name in enumerate(NAMES):
            page(tree, name, f"Seite{n}")
        page(tree, "other/index.html", "Andere")  # no page of the index
        indexing = Indexing(tree)
        indexing.add("posts", {name: f"key {name}" for name in NAMES})
        index, keys = indexing.finish()
        assert index.warning is None and index.pages == len(NAMES)
    listing = json.loads((tmp_path / "one" / "pagefind" / "bundles.json").read_text(encoding="utf-8"))
    assert listing["bundles"] == ["posts-0/"] and list(keys) == ["posts-0"]
    assert indexed_pages(tmp_path / "one" / "pagefind" / "posts-0") == len(NAMES)
    # The same pages, the same bytes: what lets a build link an unchanged bundle.
    compared = filecmp.dircmp(tmp_path / "one" / "pagefind", tmp_path / "two" / "pagefind")
    assert not (compared.diff_files or compared.left_only or compared.right_only)


def test_buckets_change_only_when_the_site_doubles():
    assert [bundle_count(n, 1500) for n in (0, 1500, 1501, 3000, 3001, 20000)] == [1, 1, 2, 2, 4, 16]
    names = [f"blogs/b{n}/{n}/index.html" for n in range(2000)]
    assert {bucket(name, 16) for name in names} == set(range(16))
    assert [bucket(name, 16) for name in names] == [bucket(name, 16) for name in names]


def test_an_index_killed_while_pagefind_works_leaves_nothing_outside_its_tree(tmp_path):
    """SIGKILL allows no clean-up: Pagefind's working folder (its configuration file) is made in
    the tree being built, which the next build removes with it (website/output.py), not in the
    system's temporary folder, where every killed build left one for good."""
    started = tmp_path / "started"
    fake = tmp_path / "pagefind"  # says where it works, then works for a minute
    fake.write_text(f'#!/bin/sh\npwd > "{started}.part" && mv "{started}.part" "{started}"\nexec sleep 60\n')
    fake.chmod(0o755)
    tree = tmp_path / "tree"
    page(tree, "plain/index.html", "Seite")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    script = ("import sys; from pathlib import Path; from aggregator.website.search import Indexing; "
              "indexing = Indexing(Path(sys.argv[1])); indexing.add('posts', {'plain/index.html': 'k'}); "
              "indexing.finish()")  # fmt: skip
    env = {**os.environ, "TMPDIR": str(temporary), "PAGEFIND_BINARY_PATH": str(fake)}
    process = subprocess.Popen([sys.executable, "-c", script, str(tree)], env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not started.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert started.exists(), "the index never started Pagefind"
    finally:
        with contextlib.suppress(ProcessLookupError):  # gone already: the assertion says why
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(30)
    working = Path(started.read_text(encoding="utf-8").strip()).resolve()
    assert tree.resolve() in working.parents
    assert sorted(path.name for path in temporary.iterdir()) == []
