"""Invoke tasks for this site, in the style of Pelican's quickstart, plus blogparade's jobs.

    invoke run        # the nightly job: fetch, then publish when anything changed
    invoke serve      # look at output/ on http://localhost:8000
"""

import shlex
import shutil
import sys
from pathlib import Path

from invoke import task

SITE = Path(__file__).resolve().parent
SETTINGS = SITE / "pelicanconf.py"  # for development; blogparade reads publishconf.py itself
OUTPUT = SITE / "output"
BLOGPARADE = f"{shlex.quote(sys.executable)} -m aggregator.cli --site {shlex.quote(str(SITE))}"
PELICAN = f"{shlex.quote(sys.executable)} -m pelican {shlex.quote(str(SITE / 'content'))}"


@task
def fetch(c, strict=False):
    """Update the store from every participant's feed."""
    c.run(f"{BLOGPARADE} fetch" + (" --strict" if strict else ""))


@task
def build(c):
    """Export the store and build the site into output/ for development (relative addresses)."""
    c.run(f"{BLOGPARADE} build")


@task
def run(c, strict=False):
    """Fetch, then publish when anything changed (publishconf.py): the nightly job."""
    c.run(f"{BLOGPARADE} run --publish" + (" --strict" if strict else ""))


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
    """Remove the generated site (and the spare tree the next build would write over)."""
    shutil.rmtree(OUTPUT, ignore_errors=True)
    shutil.rmtree(OUTPUT.with_name(f".{OUTPUT.name}.spare"), ignore_errors=True)


@task(pre=[clean, build])
def rebuild(c):
    """Build from scratch."""


@task(pre=[build])
def regenerate(c):
    """Build, then rebuild with Pelican whenever content or theme changes.

    `build` exports the posts, and refuses to turn a published output/ into a development build.
    """
    c.run(f"{PELICAN} -r -s {shlex.quote(str(SETTINGS))}")


@task
def serve(c, port=8000):
    """Serve output/ at http://127.0.0.1:PORT (this machine only, as the demo does)."""
    c.run(f"{shlex.quote(sys.executable)} -m http.server -b 127.0.0.1 -d {shlex.quote(str(OUTPUT))} {port}")


@task(pre=[build])
def preview(c):
    """Build, then serve."""
    serve(c)


@task
def publish(c, strict=False):
    """Fetch, then build with publishconf.py (absolute URLs, no drafts) into output/."""
    c.run(f"{BLOGPARADE} run --publish --force-build" + (" --strict" if strict else ""))


@task
def demo(c):
    """Serve the sample blogs on loopback, join, fetch and build them into demo-site/."""
    c.run(f"{shlex.quote(sys.executable)} -m aggregator.cli demo {shlex.quote(str(SITE / 'demo-site'))}")
