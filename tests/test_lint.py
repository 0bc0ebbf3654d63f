"""Pyflakes' checks (ruff's F rules) over the package: a name defined twice, an import unused or
missing.  collect.py once imported a function and then defined another of the same name, which
silently replaced the first (F811); no test of the behaviour could have told which one ran."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", *args],
                          cwd=REPO, capture_output=True, text=True, timeout=120)  # fmt: skip


def test_the_package_and_the_benchmarks_pass_pyflakes():
    done = ruff("--select", "F", "aggregator", "benchmarks")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_tests_pass_pyflakes_but_for_fixtures_named_as_they_are_used():
    # pytest's fixtures are parameters named as the fixture they receive: F811 by design here.
    done = ruff("--select", "F", "--ignore", "F811", "tests")
    assert done.returncode == 0, done.stdout + done.stderr
