"""The build: a full build against bare Pelican, and the run after one new post against a full build.

    python benchmarks/bench_build.py                          # 2,000 posts, 3 rounds
    python benchmarks/bench_build.py --posts 20000 --rounds 3
    python benchmarks/bench_build.py --posts 20000 --rounds 1 --paragraphs 22   # posts of ~11 KB

blogparade's modules are compiled to bytecode first, as pip compiles an installed package.
One synthetic site (N posts of ~3 KB, or as long as `--paragraphs` says, over N/20 blogs, 3 of
200 topics each, comments on every 5th post) is stored once; then each round runs, alternating,
each in its own process (so that none warms another's caches and blogparade's plugin stays out
of the baseline):

1. *one new post*: one post more in the store, then `build_site` over the previous output/
   (export what moved, build what changed, over the spare tree the build before left);
2. *full*: export and build everything, with the site's output/, its spare tree, the exported
   files and Pelican's reader cache moved aside (nothing to reuse; moved back afterwards), and
   compare every file of that output with what the one-new-post run built: they must be equal;
3. *baseline*: bare Pelican on the same posts as Markdown files (same bodies, authors and tags),
   its "simple" theme, its content cache off.

Printed: the medians, the ratios of each round (the figures are ratios measured side by side,
alternating, on a machine that may be busy), each by wall time and by CPU time (of the process
and the children it waited for: Pagefind, the reader cache's saver; on a busy machine the wall
times follow the CPU the other work leaves), the peak memory (maximum resident set) of each
process, how many of the one-new-post run's files were written afresh, and how many of the
search index's bundles were indexed again.
"""

from __future__ import annotations

import argparse
import compileall
import filecmp
import json
import os
import random
import shutil
import statistics
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
PARAGRAPHS = [6]  # per post, of about 500 bytes each (`--paragraphs`)


def text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def synthetic(posts: int, seed: int = 1, first: int = 0):  # noqa: ANN201  yields post fields
    rng = random.Random(seed)
    participants = max(1, posts // 20)
    for i in range(first, first + posts):
        body = "".join(f"<p>{text(rng, 70)}</p>" for _ in range(PARAGRAPHS[0]))  # 6: about 3 KB
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

SEARCH_SECONDS = [0.0]  # how long the build waited for its search index after Pelican


def cpu() -> float:
    """CPU seconds of this process and its children waited for (Pagefind, the cache's saver)."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def time_search_index() -> None:
    from aggregator.website import search

    finish = search.Indexing.finish

    def timed(self):  # noqa: ANN001, ANN202
        started = time.perf_counter()
        try:
            return finish(self)
        finally:
            SEARCH_SECONDS[0] += time.perf_counter() - started

    search.Indexing.finish = timed  # type: ignore[method-assign]


def store_posts(store, items) -> None:  # noqa: ANN001
    from aggregator.models import Comment, Post

    by_participant: dict[str, tuple[list, list]] = {}
    for item in items:
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


def setup_blogparade(root: Path, posts: int) -> dict:
    """The site and its store; then a first full build, untimed, for the first round to follow."""
    from aggregator.editors.participants import write_participant
    from aggregator.models import Participant
    from aggregator.site import Site
    from aggregator.store import Store
    from aggregator.website.build import build_site
    from aggregator.website.sitetemplate import create_site

    create_site(root, title="Benchmark")
    for n in range(max(1, posts // 20)):
        write_participant(root / "content" / "participants", Participant(
            slug=f"blog-{n}", name=f"Blog Nummer {n}", feed=f"https://b{n}.example/feed/",
            home=f"https://b{n}.example/", display="full" if n % 2 else "excerpt"))  # fmt: skip
    site = Site.load(root)
    with Store(site.store_path) as store:
        store_posts(store, synthetic(posts))
        build_site(site, store)
        build_site(site, store)  # as after every build but the first: a spare tree (output.py)
    return {}


def setup_baseline(root: Path, posts: int) -> dict:
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
    (root / "pelicanconf.py").write_text(
        'PATH = "content"\nOUTPUT_PATH = "output"\nTHEME = "simple"\nSITEURL = "http://localhost"\n'
        'TIMEZONE = "Europe/Berlin"\nDEFAULT_PAGINATION = 20\nCACHE_CONTENT = False\n'
        'LOAD_CONTENT_CACHE = False\n'
        # Without this the default pattern crashes: page 2 of "thema-18" is "thema-182".
        'PAGINATION_PATTERNS = ((1, "{url}", "{save_as}"),\n'
        '    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"))\n'
    )
    return {}


def run_baseline(root: Path, posts: int) -> dict:
    from pelican import Pelican
    from pelican.settings import read_settings

    shutil.rmtree(root / "output", ignore_errors=True)
    settings = read_settings(str(root / "pelicanconf.py"))
    started, used = time.perf_counter(), cpu()
    Pelican(settings).run()
    return {"seconds": time.perf_counter() - started, "cpu": cpu() - used}


def run_full(root: Path, posts: int) -> dict:
    """A build from nothing of the same store: the site's output/, its spare tree, the export and
    Pelican's cache moved aside first, and back afterwards (the site's own chain of builds goes
    on undisturbed); its output compared with the one-new-post run's."""
    from aggregator.site import Site
    from aggregator.store import Store
    from aggregator.website.build import CACHE_FOLDER, build_site

    site = Site.load(root)
    aside = root.with_name(root.name + "-aside")
    shutil.rmtree(aside, ignore_errors=True)
    aside.mkdir()
    moved = {"output": site.output, "spare": root / ".output.spare", "cache": root / CACHE_FOLDER.parts[0],
             "export": site.export_dir}  # fmt: skip
    for name, path in moved.items():
        if path.exists():
            os.rename(path, aside / name)
    try:
        with Store(site.store_path) as store:
            started, used = time.perf_counter(), cpu()
            result = build_site(site, store)
            seconds, used = time.perf_counter() - started, cpu() - used
        differing = compare(site.output, aside / "output")
    finally:
        for name, path in moved.items():
            shutil.rmtree(path, ignore_errors=True)
            if (aside / name).exists():
                os.rename(aside / name, path)
        shutil.rmtree(aside, ignore_errors=True)
    return {"seconds": seconds, "cpu": used, "articles": result.articles, "differing": differing,
            "search": SEARCH_SECONDS[0], "bundles": result.bundles}


def run_one_new(root: Path, posts: int, number: int) -> dict:
    """One post more (the newest, on the first blog, with three topics), then a build."""
    from aggregator.site import Site
    from aggregator.store import Store
    from aggregator.website.build import build_site, needs_build

    site = Site.load(root)
    with Store(site.store_path) as store:
        started = time.perf_counter()
        skip = not needs_build(site, store)
        check_seconds = time.perf_counter() - started
        item = next(synthetic(1, seed=number, first=posts + number))
        item["participant"] = "blog-0"
        store_posts(store, [item])
        started, used = time.perf_counter(), cpu()
        result = build_site(site, store)
        seconds, used = time.perf_counter() - started, cpu() - used
    return {
        "seconds": seconds,
        "cpu": used,
        "exported": result.exported.written,
        "rendered": getattr(result, "rendered", None),
        "reused": getattr(result, "reused", None),
        "search": SEARCH_SECONDS[0],
        "bundles": result.bundles,
        "skipped_before": skip,
        "needs_build_seconds": check_seconds,
    }


def compare(first: Path, second: Path) -> list[str]:
    """Relative paths whose bytes differ, or that only one of the trees has."""
    names = {}
    for tree in (first, second):
        names[tree] = {p.relative_to(tree).as_posix() for p in tree.rglob("*") if p.is_file()}
    differing = sorted(names[first] ^ names[second])
    for name in sorted(names[first] & names[second]):
        if not filecmp.cmp(first / name, second / name, shallow=False):
            differing.append(name)
    return differing


# -- the comparison ------------------------------------------------------------------------------


def worker(kind: str, folder: Path, posts: int, *extra: str) -> dict:
    """Run one worker process; its result, with its wall time and peak memory (MB)."""
    command = [sys.executable, __file__, "--worker", kind, "--posts", str(posts), "--dir", str(folder),
               "--paragraphs", str(PARAGRAPHS[0]), *extra]  # fmt: skip
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        errors = process.stderr.read()
        process.stderr.close()
        out.seek(0)
        lines = out.read().decode().strip().splitlines()
    if process.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{errors}")
    result = json.loads(lines[-1])
    # The process and its children (Pagefind) on Linux: the largest of them, in kilobytes.
    result["peak_mb"] = usage.ru_maxrss / 1024
    settle(folder)
    return result


def settle(folder: Path) -> None:
    """Wait (untimed) until the previous output trees are removed (the build leaves a big one to
    a process of its own) and what was written is on the disk: neither must slow the next
    measurement down (the setup writes some 100,000 files)."""
    deadline = time.monotonic() + 900
    def removing() -> bool:  # the spare tree stays, for the next build to write over
        return any(p.name.startswith(".output.") and p.name != ".output.spare" for p in folder.iterdir())

    while removing() and time.monotonic() < deadline:
        time.sleep(0.5)
    os.sync()


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (5 min: {five:.1f}) on {os.cpu_count()} cores"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--paragraphs", type=int, default=6,
                        help="paragraphs of ~500 bytes per post (default 6, ~3 KB; 22: ~11 KB, the "
                             "update farm's posts)")
    parser.add_argument("--keep", action="store_true", help="keep the built sites")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--number", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    PARAGRAPHS[0] = args.paragraphs
    if args.worker:
        time_search_index()
        if args.worker == "one-new":
            result = run_one_new(args.dir, args.posts, args.number)
        else:
            result = globals()[f"{args.worker.replace('-', '_')}"](args.dir, args.posts)
        import resource

        result["own_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return

    n = args.posts
    # Compiled as pip compiles an installed package (Pelican's is): an editable install under
    # PYTHONDONTWRITEBYTECODE would compile blogparade's modules again in every worker.
    import aggregator

    compileall.compile_dir(Path(aggregator.__file__).parent, quiet=1)
    ours_dir = Path(tempfile.mkdtemp(prefix="bench-blogparade-"))
    base_dir = Path(tempfile.mkdtemp(prefix="bench-baseline-"))
    print(f"{n} posts of {args.paragraphs} paragraphs (~{args.paragraphs / 2:g} KB), {max(1, n // 20)} blogs, "
          "3 of 200 topics per post, comments on every 5th post;"
          f" {args.rounds} rounds, alternating")  # fmt: skip
    print(f"before: {load()}")
    worker("setup_blogparade", ours_dir, n)
    worker("setup_baseline", base_dir, n)
    rows = []
    try:
        for number in range(1, args.rounds + 1):
            new = worker("one-new", ours_dir, n, "--number", str(number))
            full = worker("run_full", ours_dir, n)
            base = worker("run_baseline", base_dir, n)
            rows.append((base, full, new))
            speed = (full["articles"] / full["seconds"]) / (n / base["seconds"])
            thrift = (full["articles"] / full["cpu"]) / (n / base["cpu"])
            same = "identical" if full["differing"] == [] else f"DIFFERENT: {full['differing'][:5]}"
            print(f"round {number}: Pelican {base['seconds']:6.1f} s ({base['cpu']:.1f} s CPU), full "
                  f"{full['seconds']:6.1f} s ({full['cpu']:.1f} s CPU), one new post {new['seconds']:6.1f} s "
                  f"({new['cpu']:.1f} s CPU); posts/s ratio {speed:.2f} (per CPU second {thrift:.2f}), "
                  f"one new ÷ full {new['seconds'] / full['seconds']:.3f} (CPU {new['cpu'] / full['cpu']:.3f}); "
                  f"one-new output {same}; {load()}", flush=True)  # fmt: skip
    finally:
        if args.keep:
            print(f"sites kept in {ours_dir} and {base_dir}")
        else:
            shutil.rmtree(ours_dir, ignore_errors=True)
            shutil.rmtree(base_dir, ignore_errors=True)

    def median(values: list[float]) -> float:
        return statistics.median(values)

    base_s = median([b["seconds"] for b, _, _ in rows])
    full_s = median([f["seconds"] for _, f, _ in rows])
    new_s = median([w["seconds"] for _, _, w in rows])
    speed = median([(f["articles"] / f["seconds"]) / (n / b["seconds"]) for b, f, _ in rows])
    thrift = median([(f["articles"] / f["cpu"]) / (n / b["cpu"]) for b, f, _ in rows])
    share = median([w["seconds"] / f["seconds"] for _, f, w in rows])
    cpu_share = median([w["cpu"] / f["cpu"] for _, f, w in rows])
    print()

    def peaks(runs: list[dict]) -> str:
        return f"{max(r['own_peak_mb'] for r in runs):.0f} ({max(r['peak_mb'] for r in runs):.0f})"

    def cpu_of(runs: list[dict]) -> str:
        return f"{median([r['cpu'] for r in runs]):.1f}"

    print(f"| run (median of {len(rows)}) | seconds | CPU seconds | posts/s | peak MB: Python (largest process) | ratio (by CPU) |")
    print("|---|---|---|---|---|---|")
    print(f"| bare Pelican 4.12, Markdown, simple theme | {base_s:.1f} | {cpu_of([b for b, _, _ in rows])} | "
          f"{n / base_s:.0f} | {peaks([b for b, _, _ in rows])} | |")
    print(f"| blogparade full build (export + build) | {full_s:.1f} | {cpu_of([f for _, f, _ in rows])} | "
          f"{n / full_s:.0f} | {peaks([f for _, f, _ in rows])} | posts/s ÷ Pelican's: **{speed:.2f}** ({thrift:.2f}) |")
    print(f"| blogparade after one new post | {new_s:.1f} | {cpu_of([w for _, _, w in rows])} | | "
          f"{peaks([w for _, _, w in rows])} | ÷ full build: **{share:.3f}** ({cpu_share:.3f}) |")
    last = rows[-1][2]
    if last.get("rendered") is not None:
        print(f"\none new post: {last['exported']} file exported; of the pages and feeds "
              f"{last['rendered']} rendered, {last['reused']} carried over (kept in the spare tree or linked); "
              f"search index bundles: {last['bundles'][0]} indexed, {last['bundles'][1]} carried over")
    print(f"search index (Pagefind), waited for after Pelican, median: full build "
          f"{median([f['search'] for _, f, _ in rows]):.1f} s, one new post "
          f"{median([w['search'] for _, _, w in rows]):.1f} s")
    print(f"outputs of the one-new-post runs identical to full builds: "
          f"{all(f['differing'] == [] for _, f, _ in rows)}")
    print(f"after: {load()}")


if __name__ == "__main__":
    main()
