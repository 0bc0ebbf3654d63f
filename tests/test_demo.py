"""`blogparade demo`, the README's first quick-start command, end to end in a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.acceptance_helpers import blogparade_command, parse_html

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("demo") / "demo-site"
    # An editor behind a proxy: the demo's loopback blogs must not be sent to it (nothing listens
    # on port 9, so a request that went there would fail the demo).
    proxied = {**os.environ, "BLOGPARADE_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}
    done = subprocess.run([*blogparade_command(), "demo", str(folder)], capture_output=True, text=True,
                          timeout=300, cwd=folder.parent, env=proxied)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    return folder, done.stdout


def test_the_demo_fetches_every_sample_blog_and_builds(demo):
    folder, output = demo
    assert "Fetched 6 blogs: 29 posts, 77 comments" in output
    assert (folder / "output" / "index.html").is_file()
    assert f"The demo site is ready: {folder / 'output' / 'index.html'}" in output


def test_the_demo_says_how_to_serve_it_with_a_command_debian_has(demo):
    # "python -m http.server …": Debian and Ubuntu have no `python` without python-is-python3.
    folder, output = demo
    [hint] = [line for line in output.splitlines() if line.startswith("Serve it with: ")]
    assert hint.removeprefix("Serve it with: ").startswith(f"cd {folder} && python3 -m http.server ")


def test_the_demo_allows_its_own_server_and_nothing_else(demo):
    folder, _ = demo
    settings = (folder / "pelicanconf.py").read_text(encoding="utf-8")
    assert 'BLOGPARADE_ALLOWED_NETWORKS = ["127.0.0.1/32"]' in settings.replace("'", '"')


def test_every_reply_on_the_demo_site_sits_inside_a_thread(demo):
    folder, _ = demo
    replies = 0
    for page in (folder / "output" / "blogs").rglob("index.html"):
        doc = parse_html(page)
        for nested in doc.xpath("//section[@id='comments']//ol//ol//article[contains(@class, 'comment')]"):
            replies += 1
            assert "Als Antwort auf" not in nested.text_content(), page
    assert replies >= 17 + 12  # the WordPress blogs' replies, and the Hugo and Blogger blogs'


def test_the_demo_runs_from_python_m(tmp_path):
    folder = tmp_path / "via-module"
    done = subprocess.run([sys.executable, "-m", "aggregator.cli", "demo", str(folder)],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
