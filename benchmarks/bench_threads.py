"""Build a one-post site whose post has N comments, as a reply chain and flat, and show how the
build time grows with N (issue 7: a post's thread must cost time linear in its comments).

    python benchmarks/bench_threads.py                        # N = 1,000, 4,000, 20,000
    python benchmarks/bench_threads.py --sizes 1000 4000 --timeout 300

"chain": every comment replies to the one before (N deep); "flat": all N are top-level.  The
comments are written straight into the store, as a fetch would leave them; the time is that of
`build_site` (export of the store, the thread included, then Pelican), each size in a fresh
process so that no build warms another's caches.  "export again" is a second export of the
unchanged store right after the build: reading the comments and building the tree, without
Pelican.  A linear build grows by less than N does (Pelican's fixed cost); issue 7 asks that the
4,000-deep chain cost at most 5x the 1,000-deep one.

A build that outlasts --timeout is stopped and shown as such; larger sizes of the same shape are
then not run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HOME = "https://faden.example"
PUBLISHED = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def run_worker(root: Path, comments: int, chain: bool) -> dict:
    """One measurement, in this process: make the site, fill the store, build, export again."""
    import lxml.html

    from aggregator.editors.participants import load_participants, write_participant
    from aggregator.models import Comment, Participant, Post
    from aggregator.site import Site
    from aggregator.store import Store
    from aggregator.website.build import build_site, export_site
    from aggregator.website.sitetemplate import create_site

    create_site(root, title="Benchmark")
    write_participant(root / "content" / "participants", Participant(
        slug="faden", name="Lange Fäden", feed=f"{HOME}/feed/", home=f"{HOME}/"))  # fmt: skip
    site = Site.load(root)
    post = Post(
        participant="faden", guid=f"{HOME}/?p=1", url=f"{HOME}/2026/11/faden/", title="Ein langer Faden",
        author="Tina", published=PUBLISHED, updated=None, excerpt="Ein langer Faden.",
        content_html="<p>Ein langer Faden.</p>", comment_feed=f"{HOME}/2026/11/faden/feed/",
        comment_count=comments,
    )  # fmt: skip
    records = [
        Comment(
            post_id=post.id, guid=f"{HOME}/?p=1#comment-{n}", url=f"{HOME}/2026/11/faden/#comment-{n}",
            parent_guid=f"{HOME}/?p=1#comment-{n - 1}" if chain and n > 1 else None,
            author=f"Leserin {n % 97}", author_url=None, published=PUBLISHED + timedelta(seconds=n),
            content_html=f"<p>Antwort Nummer {n}: danke, das sehe ich auch so.</p>",
        )
        for n in range(1, comments + 1)
    ]  # fmt: skip
    with Store(site.store_path) as store:
        store.record_success("faden", f"{HOME}/2026/11/faden/feed/", etag=None, last_modified=None,
                             body_hash=None, posts=[post], comments=records, kind="comments")  # fmt: skip
        started = time.perf_counter()
        built = build_site(site, store)
        build_seconds = time.perf_counter() - started
        participants, _ = load_participants(site.participants_dir)
        started = time.perf_counter()
        export_site(site, store, participants, set())
        export_seconds = time.perf_counter() - started
    pages = list((built.output / "blogs").glob("*/*/index.html"))
    page = lxml.html.fromstring(pages[0].read_bytes()) if pages else None
    articles = page.xpath("//article[contains(concat(' ', @class, ' '), ' comment ')]") if page is not None else []
    depth = max((len(a.xpath("ancestor::ol")) for a in articles), default=0)
    return {"build": build_seconds, "export": export_seconds, "shown": len(articles), "depth": depth}


def measure(shape: str, comments: int, timeout: float, keep: bool) -> dict | None:
    """Run one measurement in a fresh process; None when it outlasted `timeout`."""
    folder = Path(tempfile.mkdtemp(prefix=f"bench-threads-{shape}-{comments}-"))
    command = [sys.executable, __file__, "--worker", shape, "--comments", str(comments), "--dir", str(folder)]
    try:
        result = subprocess.run(command, check=False, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    finally:
        if keep:
            print(f"  (site kept in {folder})")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    if result.returncode != 0:
        raise SystemExit(f"{shape} with {comments} comments failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000, 20000],
                        help="numbers of comments (default: 1000 4000 20000)")
    parser.add_argument("--shapes", nargs="+", choices=("chain", "flat"), default=["chain", "flat"])
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds before a build is stopped")
    parser.add_argument("--keep", action="store_true", help="keep the built sites")
    parser.add_argument("--worker", choices=("chain", "flat"), help=argparse.SUPPRESS)
    parser.add_argument("--comments", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # each row as soon as it is measured
    if args.worker:
        print(json.dumps(run_worker(args.dir, args.comments, args.worker == "chain")))
        return

    sizes = sorted(set(args.sizes))
    print("one post with N comments; `build` = export + Pelican, each in a fresh process")
    print(f"{'shape':<6} {'comments':>9} {'build s':>9} {'export again s':>15} {'x first':>8} "
          f"{'x if linear':>12} {'shown':>7} {'depth':>6}")  # fmt: skip
    for shape in args.shapes:
        first: float | None = None
        stopped = False
        for n in sizes:
            linear = f"{n / sizes[0]:.1f}"
            if stopped:
                print(f"{shape:<6} {n:>9,} {'not run: a smaller size was stopped':>40}")
                continue
            result = measure(shape, n, args.timeout, args.keep)
            if result is None:
                stopped = True
                ratio = f"> {args.timeout / first:.0f}" if first else "-"
                print(f"{shape:<6} {n:>9,} {'> ' + format(args.timeout, '.0f'):>9} {'(stopped)':>15} "
                      f"{ratio:>8} {linear:>12}")  # fmt: skip
                continue
            first = first or result["build"]
            print(f"{shape:<6} {n:>9,} {result['build']:>9.2f} {result['export']:>15.2f} "
                  f"{result['build'] / first:>8.2f} {linear:>12} {result['shown']:>7,} {result['depth']:>6}")  # fmt: skip
    print("x first: build time over the smallest size's; 'shown': comment articles on the built page; "
          "'depth': the deepest comment's enclosing lists")


if __name__ == "__main__":
    main()
