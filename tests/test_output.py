"""output.py: a fresh tree per build replaces output/ by renames; what killed builds leave is
removed by the next one (the whole builds, killed and failing, are in test_nightly_publish.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aggregator.site import Site
from aggregator.website import output as tree
from aggregator.website.build import build_site
from tests.acceptance_helpers import new_site


def leftovers(folder: Path) -> list[str]:
    """Trees a build left beside output/ but the spare one, kept on purpose (output.py)."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".output.") and p.name != ".output.spare")


def dead_pid() -> int:
    """The pid of a process that has ended (and, this soon, most likely not been reused)."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_leftovers_of_dead_builds_are_removed_and_an_interrupted_swap_is_undone(tmp_path):
    output = tmp_path / "output"
    dead, alive = dead_pid(), os.getpid()
    killed = tmp_path / f".output.building-{dead}-0a1b"
    running = tmp_path / f".output.building-{alive}-2c3d"
    previous = tmp_path / f".output.previous-{dead}-4e5f"  # the old site, between two renames
    for folder in (killed, running, previous):
        folder.mkdir()
        (folder / "index.html").write_text(folder.name)
    unrelated = tmp_path / ".output.building-notapid"
    unrelated.mkdir()
    tree.remove_leftovers(output)
    assert (output / "index.html").read_text() == previous.name
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["output", running.name, unrelated.name]
    )


@pytest.mark.parametrize("atomic", [True, False], ids=["renameat2", "two renames"])
def test_a_new_tree_replaces_output_whole(tmp_path, monkeypatch, atomic):
    if not atomic:
        monkeypatch.setattr(tree, "exchange", lambda first, second: False)
    output = tmp_path / "output"
    output.mkdir(mode=0o751)
    output.chmod(0o751)
    (output / "alt.html").write_text("alt")
    new = tree.new_tree(output)
    assert new.parent == tmp_path and (new.stat().st_mode & 0o777) == 0o751
    (new / "neu.html").write_text("neu")
    old = tree.replace_output(new, output)
    assert [p.name for p in output.iterdir()] == ["neu.html"]
    assert old is not None and [p.name for p in old.iterdir()] == ["alt.html"]
    assert tree.leftover_pattern(output).fullmatch(old.name)


def test_renameat2_swaps_where_the_system_has_it(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "from-a").touch()
    if not tree.exchange(first, second):
        pytest.skip("no renameat2(RENAME_EXCHANGE) here: the two renames are used")
    assert [p.name for p in second.iterdir()] == ["from-a"]
    assert list(first.iterdir()) == []


def test_output_retention_is_carried_over_as_hard_links(tmp_path):
    old, new = tmp_path / "output", tmp_path / "new"
    (old / ".git" / "objects").mkdir(parents=True)
    (old / ".git" / "objects" / "ab").write_bytes(b"blob")
    (old / "CNAME").write_text("alt.example\n")
    (old / "stale.html").write_text("weg")
    new.mkdir()
    (new / "CNAME").write_text("neu.example\n")  # what the build wrote wins
    tree.carry_over(old, new, [".git", "CNAME", ".nojekyll"])
    assert sorted(p.name for p in new.iterdir()) == [".git", "CNAME"]
    assert (new / "CNAME").read_text() == "neu.example\n"
    linked = new / ".git" / "objects" / "ab"
    assert linked.stat().st_ino == (old / ".git" / "objects" / "ab").stat().st_ino


def test_an_output_that_is_a_link_is_replaced_where_it_points(tmp_path):
    site = Site.load(new_site(tmp_path / "site"))
    served = tmp_path / "www" / "parade"
    served.mkdir(parents=True)
    (served / "alt.html").write_text("alt")
    os.symlink(served, site.output)
    build_site(site)
    assert site.output.is_symlink() and (served / "index.html").is_file()
    assert not (served / "alt.html").exists()
    assert leftovers(tmp_path / "www") == [] and leftovers(site.root) == []


def test_the_stamp_says_which_settings_built_a_tree(tmp_path):
    assert tree.built_with(tmp_path) is None  # not built by blogparade (or before it stamped)
    tree.write_stamp(tmp_path, "publishconf.py")
    assert tree.built_with(tmp_path) == "publishconf.py"
    (tmp_path / tree.STAMP).write_text("[kaputt")
    assert tree.built_with(tmp_path) is None


def _messy_tree(root: Path) -> None:
    """Files in nested folders, kept and not, links to a file and to a folder, a kept folder,
    and names find and Python could disagree on: spaces, a newline, bytes that are not UTF-8."""
    for name in ("index.html", "a/b/c/page.html", "a/b/old.html", "blogs/x/1/index.html",
                 "blogs/x/2/index.html", "search/bundle-1/part.json", "search/bundle-2/part.json",
                 "odd/with space.html", "odd/new\nline.html", ".stamp.json"):  # fmt: skip
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name)
    (root / os.fsdecode(b"odd/caf\xe9.html")).write_text("latin-1 name")
    (root / "link-to-file").symlink_to(root / "index.html")
    (root / "link-to-folder").symlink_to(root / "a")
    (root / "empty" / "folder").mkdir(parents=True)


def _files(root: Path) -> set[str]:
    return {os.path.relpath(os.path.join(d, n), root) for d, ds, ns in os.walk(root) for n in ns + [
        x for x in ds if os.path.islink(os.path.join(d, x))]}


def test_a_listed_tree_is_cleared_as_a_walked_one(tmp_path):
    keep = {"index.html", "blogs/x/1/index.html", "odd/with space.html", "link-to-file"}
    kept_folders = ["search/bundle-2/"]
    walked, listed = tmp_path / "walked", tmp_path / "listed"
    for root in (walked, listed):
        _messy_tree(root)
    listing = tree.Listing(listed)
    names = listing.names(listed)
    assert names is not None and len(names) == 13  # the files and links, no folder
    assert sorted(tree.list_files(walked)) == sorted(names)  # where find cannot tell
    emptied_walking = tree.clear_tree(walked, keep, kept_folders, tree.list_files(walked))
    emptied_listed = tree.clear_tree(listed, keep, kept_folders, names)
    assert _files(listed) == _files(walked) == keep | {"search/bundle-2/part.json"}
    assert sorted(emptied_listed) == sorted(emptied_walking)
    assert (listed / "a" / "b" / "c").is_dir()  # folders stay (remove_empty's job)


def test_a_listing_of_another_tree_or_without_find_is_not_used(tmp_path, monkeypatch):
    first, second = tmp_path / "first", tmp_path / "second"
    for root in (first, second):
        _messy_tree(root)
    assert tree.Listing(first).names(second) is None  # the tree listed was not this one
    moved = tmp_path / "moved"
    listing = tree.Listing(first)
    listing.wait()
    first.rename(moved)
    assert listing.names(moved) is not None  # renamed, still the tree listed
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    assert tree.Listing(moved).names(moved) is None  # then the tree is walked (list_files)


def test_without_a_temporary_folder_the_tree_is_walked(tmp_path, monkeypatch):
    _messy_tree(tmp_path / "tree")
    monkeypatch.setenv("TMPDIR", str(tmp_path / "missing"))
    monkeypatch.setattr(tree.tempfile, "tempdir", None)  # read TMPDIR again
    monkeypatch.setattr(tree.tempfile, "_candidate_tempdir_list", lambda: [str(tmp_path / "missing")])
    listing = tree.Listing(tmp_path / "tree")
    assert listing.names(tmp_path / "tree") is None  # no listing: the tree is walked
    listing.cancel()


@pytest.mark.skipif(tree._prctl() is None, reason="the system cannot tie a helper to its build")
def test_a_killed_builds_indexer_ends_with_it_and_writes_nothing_more(tmp_path):
    """SIGKILL leaves a build no clean-up: its Pagefind went on writing into the build's tree
    after the next build had removed it as a leftover, and made the tree again."""
    building = tmp_path / ".output.building-1"
    building.mkdir()
    started = tmp_path / "started"
    indexer = tmp_path / "pagefind"  # a slow indexer: writes its bundle a second after it starts
    indexer.write_text(f"#!/bin/sh\necho > {started}\nsleep 1\nmkdir -p \"$OUT\" && echo late > \"$OUT/late\"\n")
    indexer.chmod(0o755)
    build = subprocess.Popen(  # started from a thread, as the build's pool starts it
        [sys.executable, "-c", f"""
import os, threading, time
from pathlib import Path
from aggregator.website import search
os.environ["OUT"] = {str(building / "pagefind" / "de")!r}
threading.Thread(target=search.run_pagefind,
                 args=(Path({str(indexer)!r}), Path({str(building)!r}), search.Bundle("de", None, None))).start()
time.sleep(60)
"""], cwd=Path(__file__).parents[1])
    deadline = time.monotonic() + 20
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert started.exists(), "the indexer never started"
    build.kill()
    build.wait(10)
    shutil.rmtree(building)  # as the next build removes a dead build's tree
    time.sleep(1.5)
    assert not building.exists()
