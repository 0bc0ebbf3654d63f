"""The promises the repository makes about itself: two quick-start commands, CI runs the second."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def quick_start() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    [block] = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    return [line for line in block.splitlines() if line.strip()]


def test_quick_start_is_two_commands_and_ci_runs_the_second():
    setup, tests = quick_start()
    assert "blogparade demo" in setup
    assert "pytest" in tests
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci.splitlines()
    assert "set -euo pipefail" in ci  # pytest's exit 5 (no test ran) fails CI


def test_generated_files_are_ignored_by_git():
    generated = ["blogparade.sqlite", "blogparade.sqlite-wal", "output/index.html", ".blogparade.lock",
                 ".output.building-123-0a1b2c3d/index.html", "backups/blogparade-2026-11-29T021705Z.sqlite",
                 "content/aggregated/x/y.json", "demo-site/pelicanconf.py", ".venv/bin/python",
                 "aggregator/__pycache__/x.pyc"]  # fmt: skip
    ignored = subprocess.run(["git", "check-ignore", "--no-index", *generated], cwd=ROOT,
                             capture_output=True, text=True).stdout.split()  # fmt: skip
    assert ignored == generated
