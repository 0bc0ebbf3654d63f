"""Export + build a synthetic site of N posts and compare with plain Pelican on the same machine.

    python benchmarks/bench_build.py               # 2,000 posts
    python benchmarks/bench_build.py --posts 20000

The baseline is a plain Pelican build of N Markdown articles (same bodies, authors and tags) with
Pelican's "simple" theme, measured in the same run.  Each build runs in its own process, so that
neither warms the other's caches and blogparade's plugin stays out of the baseline.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

WORDS = ("Blog Parade Kommentar Größe Übersicht Straße Arbeit Remote Team Wissen Prozess Kunde "
         "Qualität Daten Schnittstelle Zukunft Lösung Projekt Erfahrung Frage").split()  # fmt: skip
TAGS = [f"Thema {i}" for i in range(200)]
START = datetime(2024, 1, 1, tzinfo=UTC)


def text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def synthetic(posts: int, seed: int = 1):  # noqa: ANN201  yields (participant, post fields, comments)
    rng = random.Random(seed)
    participants = max(1, posts // 20)
    for i in range(posts):
        body = "".join(f"<p>{text(rng, 70)}</p>" for _ in range(6))  # about 3 KB
        yield {
            "participant": f"blog-{i % participants}",
            "guid": f"post-{i}",
            "title": f"{text(rng, 5)} Nr. {i}",
            "published": START + timedelta(hours=i),
            "excerpt": text(rng, 40),
            "content_html": body,
            "categories": tuple(rng.sample(TAGS, 3)),
            "comments": 5 if i % 5 == 0 else 0,
        }


# -- workers (one process each) ------------------------------------------------------------------


def run_blogparade(root: Path, posts: int) -> dict:
    from aggregator.editors.participants import write_participant
    from aggregator.models import Comment, Participant, Post
    from aggregator.site import Site
    from aggregator.store import Store
    from aggregator.website.build import build_site, needs_build
    from aggregator.website.sitetemplate import create_site

    create_site(root, title="Benchmark")
    for n in range(max(1, posts // 20)):
        write_participant(root / "content" / "participants", Participant(
            slug=f"blog-{n}", name=f"Blog Nummer {n}", feed=f"https://b{n}.example/feed/",
            home=f"https://b{n}.example/", display="full" if n % 2 else "excerpt"))  # fmt: skip
    site = Site.load(root)
    with Store(site.store_path) as store:
        by_participant: dict[str, tuple[list, list]] = {}
        for item in synthetic(posts):
            count = item.pop("comments")
            post = Post(author="Jemand", updated=None, url=f"https://x.example/{item['guid']}/", **item)
            batch = by_participant.setdefault(post.participant, ([], []))
            batch[0].append(post)
            for c in range(count):
                batch[1].append(Comment(
                    post_id=post.id, guid=f"c{c}", url=None, parent_guid=f"c{c - 1}" if c % 2 else None,
                    author=f"Leser {c}", author_url="https://reader.example/",
                    published=post.published + timedelta(minutes=c), content_html="<p>Danke!</p>"))  # fmt: skip
        for participant, (batch_posts, batch_comments) in by_participant.items():
            store.record_success(participant, f"https://{participant}.example/feed/", etag=None,
                                 last_modified=None, body_hash=None, posts=batch_posts,
                                 comments=batch_comments)  # fmt: skip
        started = time.perf_counter()
        first = build_site(site, store)
        first_seconds = time.perf_counter() - started
        started = time.perf_counter()
        skip = not needs_build(site, store)
        check_seconds = time.perf_counter() - started
        started = time.perf_counter()
        second = build_site(site, store)
        second_seconds = time.perf_counter() - started
    return {
        "articles": first.articles,
        "seconds": first_seconds,
        "export_written": first.exported.written,
        "rebuild_seconds": second_seconds,
        "rebuild_written": second.exported.written,
        "needs_build_seconds": check_seconds,
        "skipped": skip,
    }


def run_baseline(root: Path, posts: int) -> dict:
    from pelican import Pelican
    from pelican.settings import read_settings

    content = root / "content"
    content.mkdir(parents=True)
    for i, item in enumerate(synthetic(posts)):
        (content / f"post-{i}.md").write_text(
            f"Title: {item['title']}\nDate: {item['published']:%Y-%m-%d %H:%M}\n"
            f"Author: Blog Nummer {int(item['participant'].split('-')[1])}\n"
            f"Category: Blogs\nTags: {', '.join(item['categories'])}\n"
            f"Summary: {item['excerpt']}\n\n{item['content_html']}\n",
            encoding="utf-8",
        )
    settings_file = root / "pelicanconf.py"
    settings_file.write_text(
        'PATH = "content"\nOUTPUT_PATH = "output"\nTHEME = "simple"\nSITEURL = "http://localhost"\n'
        'TIMEZONE = "Europe/Berlin"\nDEFAULT_PAGINATION = 20\n'
        # Without this the default pattern crashes: page 2 of "thema-18" is "thema-182".
        'PAGINATION_PATTERNS = ((1, "{url}", "{save_as}"),\n'
        '    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"))\n'
    )
    settings = read_settings(str(settings_file))
    started = time.perf_counter()
    Pelican(settings).run()
    return {"seconds": time.perf_counter() - started}


# -- the comparison ------------------------------------------------------------------------------


def worker(kind: str, posts: int, keep: bool) -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"bench-{kind}-"))
    result = subprocess.run(
        [sys.executable, __file__, "--worker", kind, "--posts", str(posts), "--dir", str(folder)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    if not keep:
        subprocess.run(["rm", "-rf", str(folder)], check=True)
    else:
        print(f"  ({kind} site kept in {folder})")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--keep", action="store_true", help="keep the built sites")
    parser.add_argument("--worker", choices=("blogparade", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run = run_blogparade if args.worker == "blogparade" else run_baseline
        print(json.dumps(run(args.dir, args.posts)))
        return

    n = args.posts
    print(f"{n} posts, {max(1, n // 20)} blogs, comments on every 5th post")
    base = worker("baseline", n, args.keep)
    ours = worker("blogparade", n, args.keep)
    base_rate, our_rate = n / base["seconds"], n / ours["seconds"]
    print(f"plain Pelican, Markdown, simple theme: {base['seconds']:7.2f} s  {base_rate:7.0f} posts/s")
    print(f"blogparade export + build:             {ours['seconds']:7.2f} s  {our_rate:7.0f} posts/s"
          f"  (ratio {our_rate / base_rate:.2f})")  # fmt: skip
    print(f"  nothing changed: needs_build says {'skip' if ours['skipped'] else 'BUILD'} "
          f"in {ours['needs_build_seconds'] * 1000:.0f} ms; a forced rebuild takes "
          f"{ours['rebuild_seconds']:.2f} s and rewrites {ours['rebuild_written']} exported files")


if __name__ == "__main__":
    main()
