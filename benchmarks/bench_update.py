"""The update (`blogparade fetch`) against rawdog and a feedparser loop, measured in the same run.

    .venv/bin/python benchmarks/bench_update.py [--feeds 300 1000] [--comments 0] [--reps 3]
                                                [--latency 0.05] [--peers ../shared/peers]
                                                [--serves wordpress|feeds|announced]
                                                [--blogs-per-host 1] [--busy 0]

The farm (benchmarks/farm.py, a process of its own) serves WordPress-style blogs on many
loopback addresses (one each, or `--blogs-per-host K`), 10 posts of ~11 KB each, every post
with `wfw:commentRss` and `slash:comments` (`--comments N`: N comments per post, 0: every post
says it has none), 50 ms latency, ETags and 304s; everything WordPress serves (its feeds, and
its REST API, which its feeds name), with `--serves feeds` its feeds only, or with `--serves
announced` only the post feeds and the comment feeds they name (a farm written to the letter of
the feeds).  Three clients update from it, each as a whole process of its own:

  blogparade  `blogparade --site SITE fetch`: fetch, parse, clean and store posts and comments
              (a site made by `blogparade init`, with BLOGPARADE_ALLOWED_NETWORKS = 127.0.0.0/8;
              its modules compiled to bytecode first, as pip compiles an installed package)
  rawdog      rawdog 3.0 (the Python 3 port from PEERS/rawdog-py3, installed into a venv of its
              own on first use): `rawdog -d DIR -u` with numthreads 20, timeout 60s, tidyhtml
              false, changeconfig false, one `feed 0 URL` line per blog (skipped, saying so,
              where PEERS/rawdog-py3 is absent)
  feedparser  20 threads of urllib GET + feedparser.parse(bytes), conditional with the ETag of
              the last run (state in a JSON file): what planet-style tools do, nothing stored

Each client runs a first run from an empty state, then a no-change run (every feed answers 304),
then, after every blog of the farm has written a post (a night later), a run that reads one new
post a blog: each post feed changed (its newest post new, its oldest gone), with its comments.
Runs alternate between clients (the order rotates every repetition) and the table shows the
median of `--reps` repetitions of: wall time of the whole process, CPU time of its whole process
tree (user + system, the parser pool and the fork server included: this process is their child
subreaper and reaps them), and the peak of the tree's summed RSS (sampled every 50 ms).  Ratios
are computed from those medians.  The farm's side is shown beside them, not in them: the requests
it served for the run (a client that reads comment feeds makes more) and the CPU time it spent
serving them, on the same cores.  How busy the machine was: the load average and Linux's CPU
pressure (the share of time some task waited for a CPU) at the end of every run.  Where other
work keeps the CPUs busy, blogparade's processes share them with it and its wall time follows
its CPU time; the goals are for a quiet machine.  `--busy N` measures on a machine that is not:
N processes keep a CPU busy each while the clients run.
"""

from __future__ import annotations

import argparse
import compileall
import ctypes
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import farm  # noqa: E402

USER_AGENT = "bench-feedparser/0 (+http://127.0.0.1/)"
PR_SET_CHILD_SUBREAPER = 36


# ------------------------------------------------------------------------------ measuring


@dataclass(frozen=True)
class Run:
    wall: float  # seconds
    cpu: float  # seconds, user + system, the whole process tree
    peak: float  # MB, the largest sum of the tree's RSS seen
    output: str
    load: float  # the 1-minute load average when it ended
    pressure: float | None  # % of the last 10 s some task waited for a CPU (Linux PSI), if known
    requests: int = 0  # what the farm served this run
    farm_cpu: float = 0.0  # seconds of CPU the farm spent serving them, on the same cores


class FarmMeter:
    """The farm's side of a run: the requests it served (its own count) and its CPU time."""

    def __init__(self, pid: int, stats: str):
        self.pid, self.stats = pid, stats
        self.tick = os.sysconf("SC_CLK_TCK")

    def read(self) -> tuple[int, float]:
        with urllib.request.urlopen(self.stats, timeout=10) as response:
            requests = json.load(response)["requests"]
        with open(f"/proc/{self.pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return requests, (int(fields[11]) + int(fields[12])) / self.tick


def _stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, RSS in pages) of a process, None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), int(fields[21])


class TreeMemory(threading.Thread):
    """Samples the summed RSS of a process and all its descendants (also those handed to us,
    the subreaper, when their parent ended) every `interval` seconds."""

    def __init__(self, root: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.known = {root}
        self.peak = 0
        self.done = threading.Event()
        self.page = os.sysconf("SC_PAGE_SIZE")

    def run(self) -> None:
        while not self.done.is_set():
            parents = {}
            for name in os.listdir("/proc"):
                if name.isdigit():
                    stat = _stat(int(name))
                    if stat:
                        parents[int(name)] = stat
            grew = True
            while grew:  # descendants of what is known
                grew = False
                for pid, (parent, _) in parents.items():
                    if parent in self.known and pid not in self.known:
                        self.known.add(pid)
                        grew = True
            rss = sum(parents[pid][1] for pid in self.known if pid in parents)
            self.peak = max(self.peak, rss * self.page)
            self.done.wait(self.interval)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _reap_orphans(keep: set[int], deadline: float) -> None:
    """Wait for every child of ours but `keep` (orphans of the measured tree come to us, the
    subreaper): their CPU time counts only once they are reaped."""
    me = os.getpid()
    while time.monotonic() < deadline:
        orphans = [pid for pid in map(int, filter(str.isdigit, os.listdir("/proc")))
                   if pid not in keep and (_stat(pid) or (0, 0))[0] == me]  # fmt: skip
        if not orphans:
            return
        for pid in orphans:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
    raise RuntimeError("processes of the measured run did not end")


def measure(command: list[str], keep: set[int], env: dict[str, str] | None = None,
            cwd: Path | None = None, farm_meter: FarmMeter | None = None) -> Run:  # fmt: skip
    served_before, farm_before = farm_meter.read() if farm_meter else (0, 0.0)
    cpu_before = _children_cpu()
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             env=env, cwd=cwd)  # fmt: skip
    memory = TreeMemory(child.pid)
    memory.start()
    output, _ = child.communicate()
    wall = time.perf_counter() - start
    _reap_orphans(keep, time.monotonic() + 30)
    memory.done.set()
    memory.join()
    text = output.decode("utf-8", "replace")
    if child.returncode != 0:
        raise RuntimeError(f"{command[0]} exited {child.returncode}:\n{text[-3000:]}")
    cpu = _children_cpu() - cpu_before
    served_after, farm_after = farm_meter.read() if farm_meter else (0, 0.0)
    return Run(wall, cpu, memory.peak / 1e6, text, os.getloadavg()[0], cpu_pressure(),
               served_after - served_before, farm_after - farm_before)


def cpu_pressure() -> float | None:
    """Linux's pressure stall information: the share of the last 10 s in which some runnable
    task waited for a CPU (0 on a quiet machine; other work on it makes ours wait)."""
    try:
        with open("/proc/pressure/cpu") as pressure:
            return float(pressure.readline().split()[1].split("=")[1])
    except (OSError, IndexError, ValueError):
        return None


# ------------------------------------------------------------------------------ the clients


class Client:
    name = ""

    def prepare(self, feeds: list[str], folder: Path) -> None:
        """A fresh state in `folder` for a first run."""

    def command(self, folder: Path) -> list[str]:
        raise NotImplementedError

    def check(self, run: Run, feeds: int, kind: str) -> None:
        """Fail loudly when a run (RUNS: "first", "again", "new") did not do what it is measured for."""


class Blogparade(Client):
    name = "blogparade"

    def prepare(self, feeds: list[str], folder: Path) -> None:
        from aggregator.editors.participants import write_participant
        from aggregator.models import Participant
        from aggregator.website.sitetemplate import create_site

        # Compiled as pip compiles an installed package (rawdog's venv is): an editable install
        # under PYTHONDONTWRITEBYTECODE would compile blogparade's modules again in every run.
        compileall.compile_dir(ROOT / "aggregator", quiet=1)
        create_site(folder, title="Bench")
        with open(folder / "pelicanconf.py", "a", encoding="utf-8") as conf:
            conf.write('\nBLOGPARADE_ALLOWED_NETWORKS = ["127.0.0.0/8"]\n')
        for n, url in enumerate(feeds):
            home = url.removesuffix("feed/")
            write_participant(folder / "content" / "participants",
                              Participant(f"blog-{n}", f"Blog {n}", url, home))  # fmt: skip

    def command(self, folder: Path) -> list[str]:
        script = Path(sys.executable).parent / "blogparade"
        return [str(script), "--site", str(folder), "fetch"]

    def check(self, run: Run, feeds: int, kind: str) -> None:
        lines = run.output.splitlines()
        fetched = 0 if kind == "again" else feeds
        posts = f"{feeds} feeds: {fetched} fetched, {feeds - fetched} unchanged, 0 errors"
        new = {"first": feeds * 10, "again": 0, "new": feeds}[kind]
        comments = [line for line in lines if " comment feeds: " in line]
        if (not any(line.startswith(posts) and f"; {new} new posts" in line for line in lines)
                or not comments or " 0 errors" not in comments[0]):  # fmt: skip
            raise RuntimeError(f"blogparade did not do the run measured:\n{run.output[-3000:]}")


class Rawdog(Client):
    name = "rawdog"

    def __init__(self, venv: Path):
        self.venv = venv

    def prepare(self, feeds: list[str], folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        lines = ["numthreads 20", "timeout 60s", "tidyhtml false", "changeconfig false",
                 "showfeeds false", "maxarticles 20000", "expireage 10d", "keepmin 20"]  # fmt: skip
        lines += [f"feed 0 {url}" for url in feeds]
        (folder / "config").write_text("\n".join(lines) + "\n")

    def command(self, folder: Path) -> list[str]:
        return [str(self.venv / "bin" / "rawdog"), "-d", str(folder), "-u"]

    def check(self, run: Run, feeds: int, kind: str) -> None:
        if "rror" in run.output:
            raise RuntimeError(f"rawdog reported errors:\n{run.output[-3000:]}")


class FeedparserLoop(Client):
    name = "feedparser"

    def prepare(self, feeds: list[str], folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "feeds.json").write_text(json.dumps(feeds))

    def command(self, folder: Path) -> list[str]:
        return [sys.executable, __file__, "--feedparser-client", str(folder)]

    def check(self, run: Run, feeds: int, kind: str) -> None:
        changed = 0 if kind == "again" else feeds  # a changed feed: all its entries parsed
        expected = f"{changed * 10} entries, {feeds - changed} unchanged"
        if expected not in run.output:
            raise RuntimeError(f"the feedparser loop did not do the run measured: {run.output}")


def feedparser_client(folder: Path) -> None:
    """20 threads: GET (conditional with the last ETag), feedparser.parse(bytes) of a 200."""
    import io

    import feedparser

    feeds = json.loads((folder / "feeds.json").read_text())
    state_file = folder / "etags.json"
    etags = json.loads(state_file.read_text()) if state_file.exists() else {}

    def one(url: str) -> tuple[str, str | None, int]:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        if etags.get(url):
            request.add_header("If-None-Match", etags[url])
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                body, headers = response.read(), dict(response.headers)
        except urllib.error.HTTPError as error:
            if error.code == 304:
                return url, etags[url], -1
            raise
        parsed = feedparser.parse(io.BytesIO(body), response_headers={
            "content-location": url, "content-type": headers.get("Content-Type", "")})  # fmt: skip
        return url, headers.get("ETag"), len(parsed.entries)

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(one, feeds))
    state_file.write_text(json.dumps({url: etag for url, etag, _ in results}))
    entries = sum(n for _, _, n in results if n >= 0)
    unchanged = sum(1 for _, _, n in results if n < 0)
    print(f"{entries} entries, {unchanged} unchanged")


def rawdog_venv(peers: Path, venv: Path) -> Path | None:
    """rawdog installed into a venv of its own (made on first use), or None where it is absent."""
    source = peers / "rawdog-py3"
    if not (source / "setup.py").exists():
        return None
    if not (venv / "bin" / "rawdog").exists():
        print(f"installing rawdog from {source} into {venv} …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "feedparser", str(source)],
                       check=True)  # fmt: skip
    return venv


# ------------------------------------------------------------------------------ the table


def median(runs: list[Run], field: str) -> float:
    return statistics.median(getattr(run, field) for run in runs)


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def busy_processes(count: int) -> list[subprocess.Popen[bytes]]:
    """`count` processes that keep a CPU busy each: other work on the machine (--busy)."""
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]


def bench(feeds: int, args: argparse.Namespace, clients: list[Client]) -> dict:
    server, info = farm.start(feeds, args.comments, args.latency, args.serves, args.blogs_per_host)
    busy = busy_processes(args.busy)
    keep = {server.pid} | {process.pid for process in busy}
    meter = FarmMeter(server.pid, info["stats"])
    results: dict[str, dict[str, list[Run]]] = {c.name: {kind: [] for kind in RUNS} for c in clients}
    try:
        urls = info["feeds"]
        for rep in range(args.reps):
            order = clients[rep % len(clients):] + clients[: rep % len(clients)]
            for client in order:
                with tempfile.TemporaryDirectory(prefix=f"bench-{client.name}-") as tmp:
                    folder = Path(tmp) / "state"
                    client.prepare(urls, folder)
                    for kind in RUNS:
                        if kind == "new":
                            farm.next_night(info["stats"])
                        run = measure(client.command(folder), keep, farm_meter=meter)
                        client.check(run, feeds, kind)
                        results[client.name][kind].append(run)
                        print(f"  {feeds:>5} feeds  {client.name:<10} {kind:<5} rep {rep + 1}: "
                              f"{run.wall:6.2f} s wall {run.cpu:6.2f} s CPU {run.peak:6.0f} MB "
                              f"{run.requests:6d} requests, farm {run.farm_cpu:5.2f} s CPU "
                              f"(load {run.load:.1f}, CPU pressure {run.pressure}%)", flush=True)  # fmt: skip
    finally:
        for process in [server, *busy]:
            process.terminate()
            process.wait()
    return {"feeds": feeds, "feed_bytes": info["feed_bytes"], "results": results}


RUNS = ("first", "again", "new")  # a first run, a no-change run, a run after one new post a blog
LABELS = {"first": "first", "again": "no-change", "new": "one new"}
GOALS = {  # issue 14's goals, for the table: (300 feeds, 1,000 feeds)
    "first": ("≥ 2", "≥ 2.6"),
    "again": ("≥ 1.3", "≥ 2"),
    "cpu": ("≤ 0.7", "≤ 0.7"),
}


def report(table: list[dict], args: argparse.Namespace, loads: list[float],
           pressures: list[float]) -> None:  # fmt: skip
    hosts = ("one loopback address per blog" if args.blogs_per_host == 1
             else f"{args.blogs_per_host} blogs per loopback address")  # fmt: skip
    serves = {"wordpress": "everything WordPress does (its REST API included)",
              "feeds": "WordPress's feeds, not its REST API",
              "announced": "only what the post feeds announce"}[args.serves]  # fmt: skip
    print(f"\nmedians of {args.reps} alternating runs; {args.comments} comments per post; "
          f"the farm serves {serves}; "
          f"{args.latency * 1000:.0f} ms latency; {hosts}; "
          f"{table[0]['feed_bytes'] / 1000:.0f} KB per post feed")
    if args.busy:
        print(f"{args.busy} other processes kept a CPU busy each throughout (--busy)")
    print(f"1-minute load average at the end of each run: min {min(loads):.2f}, "
          f"median {statistics.median(loads):.2f}, max {max(loads):.2f} ({os.cpu_count()} cores)")
    if pressures:
        print(f"CPU pressure (share of the last 10 s some task waited for a CPU) at the end of each "
              f"run: min {min(pressures):.0f} %, median {statistics.median(pressures):.0f} %, "
              f"max {max(pressures):.0f} %")
    print()
    print(f"{'feeds':>5}  {'client':<10} {'run':<9} {'wall s':>7} {'CPU s':>7} {'peak MB':>8} "
          f"{'requests':>9} {'farm CPU s':>11}")
    for row in table:
        for name, kinds in row["results"].items():
            for kind, runs in kinds.items():
                label = LABELS[kind]
                print(f"{row['feeds']:>5}  {name:<10} {label:<9} {median(runs, 'wall'):7.2f} "
                      f"{median(runs, 'cpu'):7.2f} {median(runs, 'peak'):8.0f} "
                      f"{median(runs, 'requests'):9.0f} {median(runs, 'farm_cpu'):11.2f}")
    for other in ("rawdog", "feedparser"):
        rows = [row for row in table if other in row["results"] and "blogparade" in row["results"]]
        if not rows:
            continue
        print(f"\n| {other} vs blogparade | " + " | ".join(f"{r['feeds']:,} feeds" for r in rows)
              + (" | goal (300 / 1,000) |" if other == "rawdog" else " |"))
        print("|---|" + "---|" * len(rows) + ("---|" if other == "rawdog" else ""))
        lines = [
            ("first", f"first run, {other} ÷ blogparade (wall)",
             lambda bp, o: median(o["first"], "wall") / median(bp["first"], "wall")),
            ("again", f"no-change run (all 304), {other} ÷ blogparade (wall)",
             lambda bp, o: median(o["again"], "wall") / median(bp["again"], "wall")),
            ("cpu", f"CPU of a first run, blogparade ÷ {other}",
             lambda bp, o: median(bp["first"], "cpu") / median(o["first"], "cpu")),
            ("new", f"run after one new post a blog, {other} ÷ blogparade (wall)",
             lambda bp, o: median(o["new"], "wall") / median(bp["new"], "wall")),
            ("new cpu", f"CPU of that run, blogparade ÷ {other}",
             lambda bp, o: median(bp["new"], "cpu") / median(o["new"], "cpu")),
            ("peak", f"peak memory of a first run, blogparade ÷ {other}",
             lambda bp, o: median(bp["first"], "peak") / median(o["first"], "peak")),
        ]
        for key, label, ratio in lines:
            values = [ratio(r["results"]["blogparade"], r["results"][other]) for r in rows]
            goal = " / ".join(GOALS[key]) if key in GOALS and other == "rawdog" else ""
            print(f"| {label} | " + " | ".join(f"{v:.2f}" for v in values)
                  + (f" | {goal} |" if other == "rawdog" else " |"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, nargs="+", default=[300, 1000])
    parser.add_argument("--comments", type=int, default=0, help="comments per post (default 0)")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--serves", choices=sorted(farm.SERVES), default="wordpress",
                        help="what the farm serves (farm.py): everything WordPress does, its "
                             "feeds without its REST API, or only what the post feeds announce")  # fmt: skip
    parser.add_argument("--blogs-per-host", type=int, default=1,
                        help="blogs on each loopback address (default 1)")  # fmt: skip
    parser.add_argument("--busy", type=int, default=0,
                        help="processes keeping a CPU busy each while the clients run: other work "
                             "on the machine (default 0)")  # fmt: skip
    parser.add_argument("--peers", type=Path, default=ROOT.parent / "shared" / "peers")
    parser.add_argument("--rawdog-venv", type=Path, default=ROOT / "benchmarks" / ".rawdog-venv")
    parser.add_argument("--clients", nargs="+", default=["blogparade", "rawdog", "feedparser"])
    parser.add_argument("--feedparser-client", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.feedparser_client:
        feedparser_client(args.feedparser_client)
        return

    clients: list[Client] = []
    for name in args.clients:
        if name == "blogparade":
            clients.append(Blogparade())
        elif name == "feedparser":
            clients.append(FeedparserLoop())
        elif name == "rawdog":
            venv = rawdog_venv(args.peers, args.rawdog_venv)
            if venv is None:
                print(f"rawdog skipped: {args.peers / 'rawdog-py3'} is absent "
                      "(pass --peers DIR, the folder holding rawdog-py3/)")  # fmt: skip
            else:
                clients.append(Rawdog(venv))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise SystemExit("cannot become a child subreaper: CPU of orphaned processes would be lost")
    print(f"load average before: {loadavg()} ({os.cpu_count()} cores)", flush=True)
    table = [bench(feeds, args, clients) for feeds in args.feeds]
    print(f"load average after:  {loadavg()}")
    runs = [run for row in table for kinds in row["results"].values()
            for runs in kinds.values() for run in runs]  # fmt: skip
    report(table, args, [run.load for run in runs],
           [run.pressure for run in runs if run.pressure is not None])  # fmt: skip


if __name__ == "__main__":
    main()
