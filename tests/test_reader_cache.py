"""Pelican's reader cache is saved by a forked copy of the build (plugin/reader.py); the build
waits for it, but not for ever."""

from __future__ import annotations

import os
import time

from aggregator.website.plugin import reader


def test_a_cache_saver_that_hangs_is_killed_and_said(monkeypatch):
    pid = os.fork()
    if pid == 0:  # a copy stuck on a lock another thread held when it was made
        time.sleep(60)
        os._exit(0)
    monkeypatch.setattr(reader, "CACHE_SAVE_SECONDS", 0.3)
    monkeypatch.setattr(reader, "SAVING", [(pid, "/site/cache/blogparade/ExportReader")])
    started = time.monotonic()
    assert reader.wait_for_cache() == ["could not save Pelican's reader cache /site/cache/blogparade/ExportReader"]
    assert time.monotonic() - started < 5
    assert reader.SAVING == []


def test_a_cache_saver_that_ends_well_is_no_warning(monkeypatch):
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    monkeypatch.setattr(reader, "SAVING", [(pid, "/site/cache/blogparade/ExportReader")])
    assert reader.wait_for_cache() == []
