"""Builds that cost what changed: after a new post (and a new comment) the build renders only
what changed, links the rest from the previous output, never writes into the served tree, and
gives exactly the bytes of a full build."""

from __future__ import annotations

import filecmp
import json
import os
import pickle
import shutil
from datetime import datetime, timedelta
from html import escape
from pathlib import Path

import pytest

from aggregator.site import Site
from aggregator.store import Store
from aggregator.website.build import CACHE_FOLDER, build_site, needs_build
from aggregator.website.plugin.incremental import MANIFEST
from aggregator.website.search import indexed_pages, indexer
from tests.acceptance_helpers import invoke, ok, parse_html
from tests.test_build import ANNA, T, comment, post
from tests.test_parade_site import DORA, parade_site
from tests.test_readers_site import PERIOD_ARCHIVES

PAGINATION = (
    "DEFAULT_PAGINATION = 2\n"
    "PAGINATED_TEMPLATES = {'index': None, 'tag': 2, 'category': None, 'author': None, 'archives': 3}\n"
)


def store_posts(store: Store, participant: str, posts: list, now: datetime | None = None) -> None:
    """`posts` stored as a fetch of `participant`'s feed stores them."""
    store.record_success(participant, f"https://{participant}.example/feed/", etag=None,
                         last_modified=None, body_hash=None, posts=posts, now=now)  # fmt: skip


def more_posts(store: Store) -> None:
    """Enough posts for several pages of every listing (stored at T, long before any export)."""
    for participant in ("anna", "dora", "acme"):
        posts = [post(participant, f"extra-{n}", f"Mehr {participant} {n}", T - timedelta(days=n),
                      categories=("Arbeit", f"Thema {n % 3}")) for n in range(1, 7)]  # fmt: skip
        store_posts(store, participant, posts, now=T)


def files(tree: Path) -> dict[str, Path]:
    return {p.relative_to(tree).as_posix(): p for p in sorted(tree.rglob("*")) if p.is_file()}


def folders(tree: Path) -> set[str]:
    return {p.relative_to(tree).as_posix() + "/" for p in tree.rglob("*") if p.is_dir()}


def differing(first: Path, second: Path) -> list[str]:
    """Files whose bytes differ, and files and folders only one of the trees has."""
    a, b = files(first), files(second)
    names = sorted((set(a) ^ set(b)) | (folders(first) ^ folders(second)))
    return names + [n for n in sorted(set(a) & set(b)) if not filecmp.cmp(a[n], b[n], shallow=False)]


def full_build(site: Site, store: Store, aside: Path) -> None:
    """What a build from nothing gives: output/ moved to `aside`, the spare tree (output.py) and
    the export removed."""
    os.rename(site.output, aside)
    shutil.rmtree(site.root / ".output.spare", ignore_errors=True)
    shutil.rmtree(site.export_dir)
    build_site(site, store)


def test_a_build_over_the_spare_tree_never_writes_into_the_served_site(tmp_path):
    site = parade_site(tmp_path / "site", extra=PAGINATION)
    spare = site.root / ".output.spare"
    with Store(site.store_path) as store:
        more_posts(store)
        build_site(site, store)
        assert not spare.exists()  # nothing was replaced
        first = post("anna", "neu", "Ganz neu", T + timedelta(days=5), categories=("Remote",))
        store_posts(store, "anna", [first])
        build_site(site, store)
        assert spare.is_dir() and (spare / MANIFEST).is_file()  # the first build's tree
        recycled = spare.stat().st_ino
        in_spare = {name: path.stat().st_ino for name, path in files(spare).items()}
        served = {name: path.read_bytes() for name, path in files(site.output).items()}
        witness = tmp_path / "witness"  # links to the served files: they must keep their bytes
        for name, path in files(site.output).items():
            (witness / name).parent.mkdir(parents=True, exist_ok=True)
            os.link(path, witness / name)

        second = post("dora", "neuer", "Noch neuer", T + timedelta(days=6), categories=("Arbeit",))
        store_posts(store, "dora", [second])
        third = build_site(site, store)

        assert site.output.stat().st_ino == recycled  # built over the spare tree
        assert {name: (witness / name).read_bytes() for name in served} == served
        assert 0 < third.rendered < third.reused
        kept = {name for name, path in files(site.output).items() if in_spare.get(name) == path.stat().st_ino}
        assert len(kept) > third.rendered  # unchanged since the first build: left where they were
        assert (site.output / "blogs" / "dora" / second.id / "index.html").is_file()
        incremental = tmp_path / "incremental"
        full_build(site, store, incremental)
        assert differing(incremental, site.output) == []

        # A blog leaves (a change of content/: every page is rendered) over a recycled tree.
        shutil.rmtree(incremental)
        build_site(site, store)
        (site.participants_dir / "acme.toml").unlink()
        fourth = build_site(site, store)
        assert fourth.reused == 0 and spare.is_dir()
        assert not (site.output / "blogs" / "acme").exists()
        full_build(site, store, incremental)
    assert differing(incremental, site.output) == []


def test_outputs_gone_from_the_spare_tree_are_linked_or_rendered_again(tmp_path):
    """The spare tree's outputs are kept as its listing found them: one removed since its
    manifest was written is linked from output/, or rendered where output/ lost it too."""
    site = parade_site(tmp_path / "site", extra=PAGINATION)
    spare = site.root / ".output.spare"
    with Store(site.store_path) as store:
        more_posts(store)
        build_site(site, store)
        store_posts(store, "anna", [post("anna", "neu", "Ganz neu", T + timedelta(days=5))])
        build_site(site, store)
        dora = sorted(name for name in files(spare)
                      if name.startswith("blogs/dora/") and name.endswith("index.html"))  # fmt: skip
        linked, rendered = dora[0], dora[-1]
        for gone in (spare / linked, spare / rendered, site.output / rendered):
            gone.unlink()
        store_posts(store, "dora", [post("dora", "neuer", "Noch neuer", T + timedelta(days=6))])
        third = build_site(site, store)
        # output/ was swapped: the spare tree is now the tree the page was linked from
        assert (site.output / linked).stat().st_ino == (spare / linked).stat().st_ino
        assert (site.output / rendered).is_file() and third.rendered > 0
        incremental = tmp_path / "incremental"
        full_build(site, store, incremental)
    assert differing(incremental, site.output) == []


def test_after_a_new_post_only_what_changed_is_rendered_and_the_site_is_a_full_builds(tmp_path):
    site = parade_site(tmp_path / "site", extra=PAGINATION)
    with Store(site.store_path) as store:
        more_posts(store)
        first = build_site(site, store)
        assert first.reused == 0 and first.rendered > 40
        served = {name: path.read_bytes() for name, path in files(site.output).items()}
        witness = tmp_path / "witness"  # links to yesterday's files: they must keep their bytes
        for name, path in files(site.output).items():
            (witness / name).parent.mkdir(parents=True, exist_ok=True)
            os.link(path, witness / name)

        new = post("anna", "neu", "Ganz neu: #BlogparadeRemote", T + timedelta(days=5),
                   categories=("Remote", "Thema 1"), excerpt="Mein Beitrag zur Parade.")  # fmt: skip
        store_posts(store, "anna", [new])
        second = build_site(site, store)

        assert second.exported.written == 1
        # The feeds were read (the home page and the blogs page say when): only what shows the
        # new post is rendered.
        assert 0 < second.rendered < second.reused, second
        assert {name: (witness / name).read_bytes() for name in served} == served
        assert (site.output / "blogs" / "anna" / new.id / "index.html").is_file()

        incremental = tmp_path / "incremental"
        full_build(site, store, incremental)
    assert differing(incremental, site.output) == []


def written_afresh(tree: Path, before: dict[str, int]) -> set[str]:
    """The files of `tree` that are not the previous build's (another inode, or new)."""
    return {name for name, path in files(tree).items() if before.get(name) != path.stat().st_ino}


def test_a_run_that_only_read_the_feeds_renders_the_pages_that_say_when(tmp_path):
    site = parade_site(tmp_path / "site", extra=PAGINATION)
    with Store(site.store_path) as store:
        more_posts(store)
        build_site(site, store)
        before = {name: path.stat().st_ino for name, path in files(site.output).items()}
        store.record_unchanged("acme", "https://acme.example/feed/", now=T + timedelta(days=1))
        second = build_site(site, store)
        keyed = json.loads((site.output / MANIFEST).read_text(encoding="utf-8"))["files"]
        pages = written_afresh(site.output, before) & set(keyed)  # the pages and feeds
        # The home page's pagination reads the time too (only its first page shows it).
        assert {"index.html", "blogs/index.html"} <= pages
        assert {n for n in pages if not n.startswith(("index", "page/"))} == {"blogs/index.html"}
        assert second.exported.written == 0
        incremental = tmp_path / "incremental"
        full_build(site, store, incremental)
    assert differing(incremental, site.output) == []


@pytest.mark.slow
def test_a_run_that_skips_the_build_later_the_same_day_serves_what_a_full_build_gives(tmp_path):
    """`run` builds after the day's first read of the feeds, not after later ones the same day:
    what the site says of that read must be the same after them (found by a differential check:
    the home page said the hour of the first read, a full build the hour of the last)."""
    site = parade_site(tmp_path / "site", extra=PAGINATION)
    with Store(site.store_path) as store:
        more_posts(store)
        store.record_unchanged("acme", "https://acme.example/feed/", now=T + timedelta(days=1))
        build_site(site, store)
        store.record_unchanged("acme", "https://acme.example/feed/", now=T + timedelta(days=1, hours=5))
        assert not needs_build(site, store)
        incremental = tmp_path / "incremental"
        full_build(site, store, incremental)
    assert differing(incremental, site.output) == []


def test_a_new_comment_and_a_changed_setting(tmp_path):
    site = parade_site(tmp_path / "site", extra=PAGINATION)
    with Store(site.store_path) as store:
        more_posts(store)
        build_site(site, store)
        store.record_success("acme", "https://acme.example/feed/", etag=None, last_modified=None,
                             body_hash=None, posts=[],
                             comments=[comment(post("acme", "rz", "", T).id, "neu", 9)])  # fmt: skip
        second = build_site(site, store)
        assert 0 < second.rendered < second.reused
        incremental = tmp_path / "incremental"
        full_build(site, store, incremental)
        assert differing(incremental, site.output) == []

        with open(site.root / "pelicanconf.py", "a", encoding="utf-8") as settings:
            settings.write('\nSITESUBTITLE = "Neu"\n')
        third = build_site(site, store)
        assert third.reused == 0  # a setting changes every page
        manifest = json.loads((site.output / MANIFEST).read_text(encoding="utf-8"))
        assert len(manifest["files"]) == third.rendered


def test_after_comments_erased_by_retention_the_spare_tree_keeps_only_what_output_shares(tmp_path):
    site = parade_site(tmp_path / "site", extra=PAGINATION)
    spare = site.root / ".output.spare"
    anna = f"blogs/anna/{ANNA.id}/index.html"
    with Store(site.store_path) as store:
        more_posts(store)
        build_site(site, store)
        store_posts(store, "dora", [post("dora", "neu", "Ganz neu", T + timedelta(days=5))])
        build_site(site, store)
        assert "Kommentar c1." in (spare / anna).read_text(encoding="utf-8")
        assert store.drop_comments_before(T + timedelta(minutes=90)) == 1  # c1, as retention does
        erased = build_site(site, store)
        assert erased.reused > erased.rendered > 0
        assert not (spare / anna).exists()
        assert "Kommentar c1." not in (site.output / anna).read_text(encoding="utf-8")
        shared = [name for name, path in files(spare).items()
                  if name not in (MANIFEST, ".blogparade-build.json")
                  and path.stat().st_ino != (site.output / name).stat().st_ino]  # fmt: skip
        assert shared == [] and len(files(spare)) > erased.reused / 2
        # The next build writes over the spare tree as it was left: the bytes of a full build.
        store_posts(store, "acme", [post("acme", "neu", "Auch neu", T + timedelta(days=6))])
        after = build_site(site, store)
        assert after.reused > after.rendered > 0
        incremental = tmp_path / "incremental"
        full_build(site, store, incremental)
    assert differing(incremental, site.output) == []


def test_a_blog_that_leaves_takes_its_pages_and_folders(tmp_path):
    site = parade_site(tmp_path / "site", extra=PAGINATION)
    with Store(site.store_path) as store:
        more_posts(store)
        build_site(site, store)
        assert (site.output / "blogs" / "dora").is_dir()
        (site.participants_dir / "dora.toml").unlink()
        build_site(site, store)
        assert not (site.output / "blogs" / "dora").exists()  # its folders made early are gone
        incremental = tmp_path / "incremental"
        full_build(site, store, incremental)
    assert differing(incremental, site.output) == []


def pages_saying(tree: Path, text: str) -> list[str]:
    return [name for name, path in files(tree).items()
            if path.suffix == ".html" and text in path.read_text(encoding="utf-8")]  # fmt: skip


def test_a_purged_blog_is_named_by_no_reply_of_another_blog_as_in_a_full_build(tmp_path):
    site = parade_site(tmp_path / "site", extra=PAGINATION)
    named = "https://anna.example/remote/#comment-7"
    with Store(site.store_path) as store:
        store.record_success("anna", "https://anna.example/feed/", etag=None, last_modified=None,
                             body_hash=None, posts=[], comments=[comment(ANNA.id, "c7", 30, url=named,
                             author="Bernd Beispiel", content_html="<p>Bernds Kommentar.</p>")], now=T)  # fmt: skip
        reply = (f'<p>In reply to <a href="{named}">Bernd Beispiel</a>.</p><p>Doras Antwort.</p>')
        store.record_success("dora", "https://dora.example/feed/", etag=None, last_modified=None,
                             body_hash=None, posts=[],
                             comments=[comment(DORA.id, "d1", 40, content_html=reply)], now=T)  # fmt: skip
        build_site(site, store)
    [doras] = pages_saying(site.output, "Doras Antwort")
    assert doras in pages_saying(site.output, "In reply to <a")  # named, as the blog wrote it
    ok(invoke(site.root, "remove", "anna", "--purge"))
    with Store(site.store_path) as store:
        build_site(site, store)
        assert pages_saying(site.output, "Doras Antwort") == [doras]
        assert not pages_saying(site.output, "Bernd Beispiel")
        incremental = tmp_path / "incremental"
        full_build(site, store, incremental)
    assert differing(incremental, site.output) == []


def test_the_search_index_is_rebuilt_only_in_the_bundles_whose_pages_changed(tmp_path):
    if indexer() is None:
        pytest.skip("Pagefind is not installed (pip install -e '.[search]')")
    site = parade_site(tmp_path / "site", extra=PAGINATION + "BLOGPARADE_SEARCH_PAGES = 3\n")
    with Store(site.store_path) as store:
        more_posts(store)
        first = build_site(site, store)
        index = site.output / "pagefind"
        names = json.loads((index / "bundles.json").read_text(encoding="utf-8"))["bundles"]
        assert len(names) >= 4 and first.bundles == (len(names), 0)
        # Every searchable page (posts, parades, the editors' pages) is in one bundle.
        assert first.searchable == sum(indexed_pages(index / name) for name in names)
        before = {name: path.stat().st_ino for name, path in files(site.output).items()}

        new = post("dora", "neu", "Ganz neu", T + timedelta(days=5), categories=("Arbeit",))
        store_posts(store, "dora", [new])
        second = build_site(site, store)
        indexed, reused = second.bundles
        assert indexed >= 1 and reused >= 1 and indexed + reused == len(names), second.bundles
        fresh = {name.split("/")[1] for name in written_afresh(site.output, before)
                 if name.startswith("pagefind/") and name != "pagefind/bundles.json"}  # fmt: skip
        assert len(fresh) == indexed  # the others are the previous build's files, linked
        assert second.searchable == first.searchable + 1

        # Over the first build's tree, kept as the spare: its unchanged bundles stay where they are.
        in_spare = {name: path.stat().st_ino for name, path in files(site.root / ".output.spare").items()}
        newer = post("anna", "neuer", "Noch neuer", T + timedelta(days=6), categories=("Remote",))
        store_posts(store, "anna", [newer])
        third = build_site(site, store)
        indexed, reused = third.bundles
        assert indexed >= 1 and reused >= 1 and indexed + reused == len(names), third.bundles
        stayed = {name.split("/")[1] for name, path in files(site.output).items()
                  if name.startswith("pagefind/") and in_spare.get(name) == path.stat().st_ino}  # fmt: skip
        assert stayed and len(stayed) <= reused
        assert third.searchable == first.searchable + 2

        incremental = tmp_path / "incremental"
        full_build(site, store, incremental)
    assert differing(incremental, site.output) == []


def test_pelicans_reader_cache_is_saved_aside_whole(tmp_path):
    site = parade_site(tmp_path / "site", extra=PAGINATION)
    with Store(site.store_path) as store:
        more_posts(store)
        build_site(site, store)
    # Saved by a process of its own (plugin/reader.py), done when the build returns.
    saved = list((site.root / CACHE_FOLDER).glob("*/*"))
    readers = [path for path in saved if path.name == "ArticlesGenerator-Readers"]
    assert len(readers) == 1 and not [path for path in saved if path.suffix == ".tmp"]
    cached = pickle.loads(readers[0].read_bytes())
    exported = {path.resolve() for path in site.export_dir.rglob("*.json")}
    assert exported and exported <= {Path(name).resolve() for name in cached}


def test_the_reader_cache_is_saved_again_only_once_enough_posts_were_read_afresh(tmp_path, monkeypatch):
    from aggregator.website.plugin import reader

    monkeypatch.setattr(reader, "CACHE_SAVE_AFTER", 2)
    site = parade_site(tmp_path / "site", extra=PAGINATION)
    with Store(site.store_path) as store:
        more_posts(store)
        build_site(site, store)
        [cache] = (site.root / CACHE_FOLDER).glob("*/ArticlesGenerator-Readers")
        saved = cache.stat().st_mtime_ns

        def one_more(number: int) -> None:
            new = post("anna", f"neu-{number}", f"Neu {number}", T + timedelta(days=number))
            store_posts(store, "anna", [new])
            build_site(site, store)
            assert (site.output / "blogs" / "anna" / new.id / "index.html").is_file()

        one_more(1)  # one post read afresh: the cache stays as it was
        assert cache.stat().st_mtime_ns == saved
        one_more(2)  # that one and the new one: saved
        assert cache.stat().st_mtime_ns != saved
        cached = {Path(name).name for name in pickle.loads(cache.read_bytes())}
        assert {f"{post('anna', f'neu-{n}', '', T).id}.json" for n in (1, 2)} <= cached


def test_export_reads_only_the_posts_whose_changed_time_moved(tmp_path, monkeypatch):
    from aggregator.editors.participants import load_participants
    from aggregator.website.export import export

    site = parade_site(tmp_path / "site", today=None, parades={})
    participants, _ = load_participants(site.participants_dir)
    with Store(site.store_path) as store:
        more_posts(store)
        first = export(store, site, participants)
        asked: list[str] = []
        read = store.posts_by_id
        monkeypatch.setattr(store, "posts_by_id", lambda ids: asked.extend(ids) or read(ids))
        assert (export(store, site, participants).written, asked) == (0, [])
        changed = post("dora", "extra-2", "Geändert", T - timedelta(days=2), categories=("Arbeit",))
        store_posts(store, "dora", [changed])
        again = export(store, site, participants)
        assert (again.written, again.posts, asked) == (1, first.posts, [changed.id])
        path = site.export_dir / "dora" / f"{changed.id}.json"
        path.write_text("{}", encoding="utf-8")  # changed behind its back: exported again
        assert export(store, site, participants).written == 1


def test_the_home_page_lists_its_pages_of_newest_posts_and_points_to_the_archive(tmp_path):
    """BLOGPARADE_HOME_PAGES: every new post shifts every page of the home listing, so it has a
    bounded number of pages; the older posts are in the archive (and on their blogs' pages)."""
    site = parade_site(tmp_path / "site", extra=PAGINATION + "BLOGPARADE_HOME_PAGES = 3\n")
    with Store(site.store_path) as store:
        more_posts(store)  # 18 posts more: far more than 3 pages of 2
        build_site(site, store)
        joined = [post for post in store.posts(hidden=False) if not post.participant.startswith("ext")]
    pages = sorted(p.relative_to(site.output).as_posix() for p in site.output.glob("page/*/index.html"))
    assert pages == ["page/2/index.html", "page/3/index.html"]
    last = (site.output / "page" / "3" / "index.html").read_text(encoding="utf-8")
    assert 'class="older-posts"' in last and "Ältere Beiträge stehen im Archiv" in last
    assert 'class="older-posts"' not in (site.output / "index.html").read_text(encoding="utf-8")
    archived = "".join(p.read_text(encoding="utf-8") for p in site.output.glob("archives/**/index.html"))
    assert len(joined) > 6 and [p.id for p in joined if f"/{p.id}/" not in archived] == []  # all there


def test_a_home_page_without_a_bound_lists_every_post(tmp_path):
    site = parade_site(tmp_path / "site", extra=PAGINATION + "BLOGPARADE_HOME_PAGES = 0\n")
    with Store(site.store_path) as store:
        more_posts(store)
        build_site(site, store)
    assert len(list(site.output.glob("page/*/index.html"))) > 3
    assert "older-posts" not in "".join(p.read_text(encoding="utf-8") for p in site.output.glob("**/index.html"))


def test_the_archive_pages_hold_whole_months_and_a_new_post_changes_the_first_two():
    from types import SimpleNamespace

    from aggregator.website.plugin.archive import month_groups

    def posts(*months: tuple[int, int]) -> list[SimpleNamespace]:
        found = [SimpleNamespace(date=T.replace(year=y, month=m, day=1) + timedelta(hours=n))
                 for n, (y, m) in enumerate(months)]  # fmt: skip
        return sorted(found, key=lambda a: a.date, reverse=True)

    def shape(groups: list[list[SimpleNamespace]]) -> list[list[tuple[int, int]]]:
        return [[(a.date.year, a.date.month) for a in group] for group in groups]

    dates = posts((2025, 1), (2025, 1), (2025, 2), (2025, 3), (2025, 3), (2025, 3), (2025, 4))
    # From the oldest: January and February close a page of 3; March is one of 3; April's one
    # post joins the newest closed page, the first.
    assert shape(month_groups(dates, 3)) == [
        [(2025, 4), (2025, 3), (2025, 3), (2025, 3)], [(2025, 2), (2025, 1), (2025, 1)]]
    assert month_groups([], 3) == [[]]
    assert shape(month_groups(dates, 100)) == [shape([dates])[0]]
    newer = posts((2025, 1), (2025, 1), (2025, 2), (2025, 3), (2025, 3), (2025, 3), (2025, 4), (2025, 4))
    assert month_groups(newer, 3)[1:] != [] and shape(month_groups(newer, 3))[1:] == shape(month_groups(dates, 3))[1:]


def test_after_a_new_post_the_older_archive_pages_are_kept(tmp_path):
    site = parade_site(tmp_path / "site", extra=PAGINATION)
    with Store(site.store_path) as store:
        more_posts(store)
        older = [post("dora", f"alt-{n}", f"Alt {n}", T - timedelta(days=31 * n)) for n in range(2, 12)]
        # November's ninth: its parts of 3 are full, and the new post joins the first page (the
        # post that fills a busy month's part closes it, as a month is closed: a page more).
        november = post("dora", "nov", "November", T - timedelta(hours=1))
        store_posts(store, "dora", [*older, november], now=T)
        build_site(site, store)
        archive = sorted(name for name in files(site.output) if name.startswith("archives/"))
        assert len(archive) >= 4, archive
        new = post("anna", "neu", "Ganz neu", T + timedelta(days=5), categories=("Remote",))
        only_the_first_archive_pages_change(site, store, new, tmp_path / "incremental")
        assert new.title in (site.output / "archives" / "index.html").read_text(encoding="utf-8")


def only_the_first_archive_pages_change(site, store, new, incremental) -> None:
    """After `new` is stored and built, the archive's first two pages are written again and no
    other archive page; the site is a full build's, byte for byte."""
    before = {name: path.stat().st_ino for name, path in files(site.output).items()}
    store_posts(store, new.participant, [new])
    build_site(site, store)
    changed = {name for name in written_afresh(site.output, before) if name.startswith("archives/")}
    assert changed == {"archives/index.html", "archives/page/2/index.html"}, changed
    full_build(site, store, incremental)
    assert differing(incremental, site.output) == []


@pytest.mark.slow
def test_a_busy_month_is_cut_into_archive_pages_that_stay_after_a_new_post(tmp_path):
    """60 blogs write 2,000 posts a month: the archive put each month on one page, whatever its size."""
    site = parade_site(tmp_path / "site", extra=PAGINATION)  # archive pages of 3 posts
    busy = [post("dora", f"tag-{n}", f"Tagebuch {n}", T + timedelta(days=6, hours=n)) for n in range(13)]
    with Store(site.store_path) as store:
        store_posts(store, "dora", busy, now=T)  # with the 5 posts before them, November has 18
        build_site(site, store)
        pages = {name: path.read_text(encoding="utf-8") for name, path in files(site.output).items()
                 if name.startswith("archives/")}  # fmt: skip
        rows = {name: text.count("<li><time") for name, text in pages.items()}
        assert len(rows) >= 6 and max(rows.values()) < 3 * 3, rows  # a part of a page at most
        assert all(sum(f">{p.title}</a>" in text for text in pages.values()) == 1 for p in busy)
        only_the_first_archive_pages_change(site, store, post("anna", "neu", "Ganz neu", T + timedelta(days=20)),
                                            tmp_path / "incremental")  # fmt: skip


@pytest.mark.slow
def test_a_month_cut_across_archive_pages_says_where_it_goes_on(tmp_path):
    # Every page of a busy month was headed "November 2026", as if each held the whole month.
    site = parade_site(tmp_path / "site", extra=PAGINATION)  # archive pages of 3 posts
    busy = [post("dora", f"tag-{n}", f"Tagebuch {n}", T + timedelta(days=6, hours=n)) for n in range(13)]
    with Store(site.store_path) as store:
        store_posts(store, "dora", busy, now=T)
        build_site(site, store)
    count = len(list(site.output.glob("archives/page/*/index.html"))) + 1
    pages = [site.output / "archives" / "index.html"]
    pages += [site.output / "archives" / "page" / str(n) / "index.html" for n in range(2, count + 1)]
    headings = [parse_html(page).xpath("//main//h2/text()") for page in pages]
    november = [heading for page in headings for heading in page if heading.startswith("November")]
    assert november == ["November 2026"] + ["November 2026 (Fortsetzung)"] * (len(november) - 1), headings
    assert len(november) > 2
    assert all("Fortsetzung" not in heading for page in headings for heading in page[1:])  # a page's first only


@pytest.mark.slow
def test_an_archive_paginated_by_a_default_pagination_that_is_off_is_one_page(tmp_path):
    """DEFAULT_PAGINATION = False (Pelican's own default) with "archives": None: Pelican's one
    page; the archive's month groups closed at every month instead, a page per month."""
    site = parade_site(tmp_path / "site", extra=(
        "DEFAULT_PAGINATION = False\n"
        "PAGINATED_TEMPLATES = {'index': None, 'tag': None, 'author': None, 'archives': None}\n"))  # fmt: skip
    with Store(site.store_path) as store:
        more_posts(store)  # six months of posts
        build_site(site, store)
        joined = [p for p in store.posts(hidden=False) if not p.participant.startswith("ext")]
    assert [name for name in files(site.output) if name.startswith("archives/")] == ["archives/index.html"]
    archive = (site.output / "archives" / "index.html").read_text(encoding="utf-8")
    assert [p.id for p in joined if f"/{p.id}/" not in archive] == []


@pytest.mark.slow
def test_a_year_archive_is_paginated_as_the_archive_is(tmp_path):
    """YEAR_ARCHIVE_SAVE_AS: Pelican wrote a year's posts on one page, 20,000 rows for a busy year."""
    site = parade_site(tmp_path / "site", extra=PAGINATION + PERIOD_ARCHIVES)  # pages of 3
    with Store(site.store_path) as store:
        more_posts(store)
        build_site(site, store)
        year = {name: path.read_text(encoding="utf-8") for name, path in files(site.output).items()
                if name == "2026/index.html" or name.startswith("2026/page/")}  # fmt: skip
        rows = {name: text.count("<li><time") for name, text in year.items()}
        assert len(rows) >= 4 and max(rows.values()) < 3 * 3, rows
        titles = [p.title for p in store.posts(hidden=False) if p.published.year == 2026]
        assert all(sum(f">{escape(title)}</a>" in text for text in year.values()) == 1 for title in titles)
        store_posts(store, "anna", [post("anna", "neu", "Ganz neu", T + timedelta(days=20))])
        build_site(site, store)
        assert "Ganz neu" in (site.output / "2026" / "index.html").read_text(encoding="utf-8")
        incremental = tmp_path / "incremental"
        full_build(site, store, incremental)
    assert differing(incremental, site.output) == []


def test_pelican_looks_at_no_posts_time_the_export_saw(tmp_path, monkeypatch):
    """Its generators' own cache is unused (the readers' layer is): no stamps for it; the readers'
    cache compares the times the export saw."""
    site = parade_site(tmp_path / "site", extra=PAGINATION)
    with Store(site.store_path) as store:
        more_posts(store)
        build_site(site, store)
        looked: list[str] = []
        getmtime = os.path.getmtime

        def counted(path):  # noqa: ANN001, ANN202
            if str(path).endswith(".json"):
                looked.append(str(path))
            return getmtime(path)

        monkeypatch.setattr(os.path, "getmtime", counted)
        build_site(site, store)
    assert list(site.export_dir.rglob("*.json")) and looked == []


def test_a_build_after_one_new_post_warns_of_nothing(tmp_path):
    site = parade_site(tmp_path / "site", extra=PAGINATION)
    with Store(site.store_path) as store:
        more_posts(store)
        build_site(site, store)
        new = post("anna", "neu", "Ganz neu", T + timedelta(days=5))
        store_posts(store, "anna", [new])
        result = build_site(site, store)
    assert [w for w in result.warnings if "BLOGPARADE_REPOSITORY" not in w and "BLOGPARADE_CONTACT" not in w] == []


def test_compiled_templates_are_kept_per_stamp_and_a_changed_theme_is_compiled_again(tmp_path):
    from aggregator.website.sitetemplate import theme_path

    theme = tmp_path / "theme"
    shutil.copytree(theme_path(), theme)
    site = parade_site(tmp_path / "site", extra=PAGINATION + f'THEME = "{theme.as_posix()}"\n')
    with Store(site.store_path) as store:
        build_site(site, store)
        [kept] = (site.root / CACHE_FOLDER).glob("*/templates")
        compiled = sorted(path.name for path in kept.iterdir())
        assert compiled and all(name.endswith(".cache") for name in compiled)
        # A build of the same stamp reads them: none is compiled again.
        times = {path.name: path.stat().st_mtime_ns for path in kept.iterdir()}
        build_site(site, store)
        assert {path.name: path.stat().st_mtime_ns for path in kept.iterdir()} == times
        # A changed template is a changed theme, a new stamp: compiled again, shown at once.
        base = theme / "templates" / "base.html"
        base.write_text(base.read_text(encoding="utf-8").replace(
            '<footer class="site-footer">', '<footer class="site-footer"><p>Neu im Thema</p>'), encoding="utf-8")
        build_site(site, store)
        assert "Neu im Thema" in (site.output / "index.html").read_text(encoding="utf-8")
        assert not kept.exists()  # the old stamp's folder went with it
        incremental = tmp_path / "incremental"
        full_build(site, store, incremental)
    assert differing(incremental, site.output) == []


def test_no_compiled_templates_without_a_stamp_or_in_a_cache_folder_the_editors_chose(tmp_path):
    from aggregator.website.plugin.environment import template_cache
    from aggregator.website.plugin.incremental import STAMP_SETTING

    stamp = "0123456789abcdef" + "0" * 48
    ours = {STAMP_SETTING: stamp, "CACHE_CONTENT": True, "CACHE_PATH": str(tmp_path / stamp[:16])}
    assert template_cache(ours) is not None and (tmp_path / stamp[:16] / "templates").is_dir()
    assert template_cache({**ours, STAMP_SETTING: ""}) is None  # Pelican on its own
    assert template_cache({**ours, "CACHE_CONTENT": False}) is None
    assert template_cache({**ours, "CACHE_PATH": str(tmp_path / "cache")}) is None


def test_what_the_templates_read_is_kept_per_stamp_and_a_damaged_record_is_read_again(tmp_path, monkeypatch):
    from aggregator.website.plugin import incremental

    site = parade_site(tmp_path / "site", extra=PAGINATION)
    with Store(site.store_path) as store:
        more_posts(store)
        build_site(site, store)
        [kept] = (site.root / CACHE_FOLDER).glob(f"*/{incremental.ReadsKept.FILE}")
        reads = json.loads(kept.read_text(encoding="utf-8"))
        names, attrs, references, searchable = reads["article.html"]
        assert "article" in names and "base.html" in references and searchable
        # The next build of the same stamp parses no template: it takes what is kept.
        with monkeypatch.context() as patch:
            def parse_again(self, name):
                raise AssertionError(f"{name} parsed again")

            patch.setattr(incremental.TemplateReads, "_read_one", parse_again)
            store_posts(store, "anna", [post("anna", "neu", "Ganz neu", T + timedelta(days=5))])
            second = build_site(site, store)
        assert 0 < second.rendered < second.reused, second
        # A damaged record is read again, and written whole.
        kept.write_text('{"article.html": [1, 2', encoding="utf-8")
        store_posts(store, "anna", [post("anna", "neuer", "Noch neuer", T + timedelta(days=6))])
        third = build_site(site, store)
        assert 0 < third.rendered < third.reused, third
        assert json.loads(kept.read_text(encoding="utf-8"))["article.html"] == [names, attrs, references, searchable]
        incremental_tree = tmp_path / "incremental"
        full_build(site, store, incremental_tree)
    assert differing(incremental_tree, site.output) == []
