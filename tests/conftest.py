"""Shared fixtures: the misbehaving loopback server (tests/servers.py) and the shared corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["tests.servers"]  # the `feed_server` fixture, for every test module

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared test corpus is not at {CORPUS} (only in the project's workspace)")
    return CORPUS
