"""Start-up: `blogparade fetch` reads pelicanconf.py as Pelican does, without importing Pelican or bs4.

aggregator.site.read_settings must give what pelican.settings.read_settings gives for every value
blogparade reads, on the files sites have (this repository's, `blogparade init`'s, hand-written
ones), and refuse what Pelican refuses.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pelican.settings import read_settings as pelican_read_settings

from aggregator import __version__
from aggregator.site import DEFAULTS, Site, read_settings
from aggregator.website.sitetemplate import create_site

REPO = Path(__file__).resolve().parents[1]
READ = ["PATH", "OUTPUT_PATH", "THEME", "SITEURL", "SITENAME", "DEFAULT_LANG", "TIMEZONE",
        "BLOGPARADE_TODAY", "BLOGPARADE_ALLOWED_NETWORKS"]  # fmt: skip


def same_values(path: Path) -> None:
    ours, pelicans = read_settings(path), pelican_read_settings(str(path))
    for key in READ + sorted(k for k in set(ours) | set(pelicans) if k.startswith("BLOGPARADE_")):
        assert ours.get(key) == pelicans.get(key), key


def site_with(tmp_path: Path, settings: str, *, content: bool = True) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    if content:
        (root / "content").mkdir()
    (root / "pelicanconf.py").write_text(settings, encoding="utf-8")
    return root / "pelicanconf.py"


def test_this_repositorys_settings():
    same_values(REPO / "pelicanconf.py")


def test_a_new_sites_settings(tmp_path):
    create_site(tmp_path / "new", title="Neu", lang="en")
    same_values(tmp_path / "new" / "pelicanconf.py")
    with open(tmp_path / "new" / "pelicanconf.py", "a", encoding="utf-8") as conf:
        conf.write('\nBLOGPARADE_ALLOWED_NETWORKS = ["10.0.0.0/8"]\nSITEURL = "https://x.example/"\n')
    same_values(tmp_path / "new" / "pelicanconf.py")
    site = Site.load(tmp_path / "new")
    assert site["BLOGPARADE_ALLOWED_NETWORKS"] == ["10.0.0.0/8"]
    assert site.user_agent.endswith("(+https://x.example)")
    assert site.content == tmp_path / "new" / "content"
    assert site["BLOGPARADE_MAX_CONNECTIONS"] == DEFAULTS["BLOGPARADE_MAX_CONNECTIONS"]


@pytest.mark.parametrize("settings", [
    "",  # Pelican's defaults: the site folder's own PATH "." is the current folder's
    'PATH = "content"\nOUTPUT_PATH = "../out"\nDEFAULT_LANG = "DE"\nSITEURL = "https://a.example/blog/"\n',
    'PATH = "content"\nTHEME = "simple"\nSITENAME = "Grün"\nTIMEZONE = "Europe/Berlin"\n',
    'import os\nPATH = os.path.join(os.path.dirname(__file__), "content")\nCACHE_PATH = "cache"\n',
    'PATH = "content"\nPLUGIN_PATHS = ["plugins"]\nBLOGPARADE_COMMENT_DAYS = 30\nlower = 1\n',
    'PATH = "content"\nimport aggregator.website.plugin  # noqa\nfrom aggregator import theme_path\n'
    'THEME = str(theme_path())\n',
])  # fmt: skip
def test_hand_written_settings(tmp_path, monkeypatch, settings):
    path = site_with(tmp_path, settings)
    monkeypatch.chdir(path.parent)
    same_values(path)


def test_a_file_that_uses_the_plugin_is_run_as_written(tmp_path):
    path = site_with(tmp_path, 'PATH = "content"\nimport aggregator.website.plugin\n'
                               'PLUGINS = [aggregator.website.plugin.__name__]\n')  # fmt: skip
    assert read_settings(path)["PLUGINS"] == ["aggregator.website.plugin"]


@pytest.mark.parametrize("settings", ['PATH = "nowhere"\n', 'PATH = "content"\nTHEME = "no-such-theme"\n'])
def test_what_pelican_refuses_is_refused(tmp_path, settings):
    path = site_with(tmp_path, settings)
    with pytest.raises(ValueError) as ours:
        read_settings(path)
    with pytest.raises(ValueError) as pelicans:
        pelican_read_settings(str(path))
    assert str(ours.value) == str(pelicans.value)


def imported_by(tmp_path: Path, command: str) -> tuple[str, set[str]]:
    """`blogparade COMMAND` on a new site: what it printed, and every module it imported
    (`python -X importtime`)."""
    create_site(tmp_path / "site", title="Start")
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "aggregator.cli", "--site", str(tmp_path / "site"), command],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout, {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}


def test_fetch_imports_neither_pelican_nor_bs4(tmp_path):
    printed, imported = imported_by(tmp_path, "fetch")
    assert "0 feeds" in printed
    for package in ("pelican", "bs4", "babel"):  # babel: where a roundup or a page is written
        assert not any(name.split(".")[0] == package for name in imported), package


def test_build_imports_no_http_client(tmp_path):
    """A build reads the store and writes files: aiohttp (80 ms of imports) is not its business."""
    printed, imported = imported_by(tmp_path, "build")
    assert "Built" in printed
    assert "pelican" in imported  # the measurement sees what a build imports
    for module in ("aiohttp", "aggregator.feeds.fetch", "aggregator.jobs"):
        assert module not in imported, module


def test_the_parser_workers_import_no_store_http_client_or_cli():
    """The pool's fork server preloads what a worker needs (pool.PRELOAD): parsing and cleaning,
    not SQLite, aiohttp or Click, which every worker would carry for nothing."""
    from aggregator.feeds.pool import PRELOAD

    done = subprocess.run(
        [sys.executable, "-c", f"import sys; import {', '.join(PRELOAD)}; print(' '.join(sys.modules))"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    loaded = set(done.stdout.split())
    for module in ("sqlite3", "aggregator.store", "aiohttp", "click"):
        assert module not in loaded, module


def test_a_summary_of_thousands_of_feeds_has_a_short_repr():
    """asyncio.run formats the repr of what its task returns (see UpdateSummary.__repr__)."""
    from aggregator.feeds.report import FeedReport, Outcome, UpdateSummary
    from aggregator.models import Participant

    blog = Participant("b", "Blog", "https://b.example/feed/", "https://b.example/")
    summary = UpdateSummary([FeedReport(blog, blog.feed, Outcome.UNCHANGED)] * 2000)
    assert repr(summary) == "<UpdateSummary of 2000 reports>"


def test_the_objects_a_command_leaves_are_frozen_out_of_the_teardowns_collections():
    """`main` freezes the heap when the interpreter exits (see there): an exit handler that ran
    before `main` was called runs after main's, and finds the heap frozen."""
    code = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('frozen' if gc.get_freeze_count() else 'not frozen'))\n"
        "sys.argv = ['blogparade', '--version']\n"
        "from aggregator.cli import main\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"blogparade, version {__version__}", "frozen"]
