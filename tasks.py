"""Invoke tasks for this site, in the style of Pelican's quickstart, plus blogparade's jobs.

    invoke run        # the nightly job: fetch, then build when anything changed
    invoke serve      # look at output/ on http://localhost:8000
"""

import shlex
import shutil
import sys
from pathlib import Path

from invoke import task

SITE = Path(__file__).resolve().parent
SETTINGS = {"base": SITE / "pelicanconf.py", "publish": SITE / "publishconf.py"}
OUTPUT = SITE / "output"
BLOGPARADE = f"{shlex.quote(sys.executable)} -m aggregator.cli --site {shlex.quote(str(SITE))}"
PELICAN = f"{shlex.quote(sys.executable)} -m pelican {shlex.quote(str(SITE / 'content'))}"


@task
def fetch(c, strict=False):
    """Update the store from every participant's feed."""
    c.run(f"{BLOGPARADE} fetch" + (" --strict" if strict else ""))


@task
def build(c):
    """Export the store and build the site into output/."""
    c.run(f"{BLOGPARADE} build")


@task
def run(c, strict=False):
    """Fetch, then build when anything changed: the nightly job."""
    c.run(f"{BLOGPARADE} run" + (" --strict" if strict else ""))


@task
def status(c):
    """One line per participant: is its feed ok?"""
    c.run(f"{BLOGPARADE} status")


@task
def check(c):
    """Validate participant and parade files (for pull requests)."""
    c.run(f"{BLOGPARADE} check")


@task
def clean(c):
    """Remove the generated site."""
    shutil.rmtree(OUTPUT, ignore_errors=True)


@task(pre=[clean, build])
def rebuild(c):
    """Build from scratch."""


@task
def regenerate(c):
    """Rebuild with Pelican whenever content or theme changes (after one `build`)."""
    c.run(f"{PELICAN} -r -s {SETTINGS['base']}")


@task
def serve(c, port=8000):
    """Serve output/ at http://localhost:PORT."""
    c.run(f"{shlex.quote(sys.executable)} -m http.server -d {shlex.quote(str(OUTPUT))} {port}")


@task(pre=[build])
def preview(c):
    """Build, then serve."""
    serve(c)


@task
def publish(c):
    """Build with publishconf.py (absolute URLs) for upload; copy output/ where you host it."""
    c.run(f"{BLOGPARADE} build")
    c.run(f"{PELICAN} -s {SETTINGS['publish']} --fatal errors")


@task
def demo(c):
    """Serve the sample blogs on loopback, join, fetch and build them into demo-site/."""
    c.run(f"{shlex.quote(sys.executable)} -m aggregator.cli demo {shlex.quote(str(SITE / 'demo-site'))}")
