"""backups: dated copies of the store, the newest kept, and restoring one without losing any."""

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aggregator.backups import (
    RestoreError,
    StoreLost,
    back_up,
    backed_up,
    backups,
    published_posts,
    refuse_lost_store,
    restore,
)
from aggregator.site import Site
from aggregator.store import Store, StoreError
from aggregator.website.sitetemplate import create_site
from tests.test_store import damage_a_page, filled_store, post

NIGHT = datetime(2026, 11, 29, 3, 17, 5, tzinfo=UTC)


@pytest.fixture
def site(tmp_path) -> Site:
    create_site(tmp_path / "site", title="Test")
    with open(tmp_path / "site" / "pelicanconf.py", "a") as settings:
        settings.write("\nBLOGPARADE_BACKUPS = 3\n")
    site = Site.load(tmp_path / "site")
    filled_store(site.store_path, posts=5)
    return site


def test_backups_are_named_by_their_time_and_the_newest_kept(site):
    with Store(site.store_path) as store:
        made = [back_up(site, store, now=NIGHT) for _ in range(5)]  # five within one second
    names = [path.name for path in backups(site)]
    # Named a second later where that second is taken, so that names sort as backups were made.
    assert names == ["blogparade-2026-11-29T031709Z.sqlite", "blogparade-2026-11-29T031708Z.sqlite",
                     "blogparade-2026-11-29T031707Z.sqlite"]  # fmt: skip
    assert [path.name for path in made[-3:]] == names[::-1]


def test_the_backup_is_the_store_as_the_job_found_it_though_written_while_it_writes(site):
    with Store(site.store_path) as store:
        with backed_up(site, store, now=NIGHT) as target:
            # The job goes on at once: 2,000 new posts (20 MB) while the copy is written.
            for n in range(20):
                store.record_success("dora", f"d{n}", etag=None, last_modified=None, body_hash="d",
                                     posts=[post(f"d{n}-{m}", participant="dora",
                                                 content_html="<p>Neu</p>" * 1000)
                                            for m in range(100)])  # fmt: skip
        assert len(store.post_counts()) == 2
    with Store(target) as copy:
        copy.check()
        assert copy.post_counts() == {"anna": 5}  # nothing the job wrote meanwhile
    assert backups(site) == [target]


def test_a_backup_that_fails_is_said_when_the_job_is_done(site):
    # A folder where the copy would be written first: the copy fails in its thread.
    (site.root / "backups" / ".blogparade-2026-11-29T031705Z.sqlite.tmp").mkdir(parents=True)
    with Store(site.store_path) as store:
        with pytest.raises(StoreError, match=r"^cannot back up store .* into .*031705Z\.sqlite: "):
            with backed_up(site, store, now=NIGHT):
                store.record_success("dora", "d", etag=None, last_modified=None, body_hash="d",
                                     posts=[post("d1", participant="dora")])  # fmt: skip
        assert store.post_counts() == {"anna": 5, "dora": 1}  # the job's own writes stand
    assert backups(site) == []


def test_no_backups_with_zero(site):
    with open(site.root / "pelicanconf.py", "a") as settings:
        settings.write("\nBLOGPARADE_BACKUPS = 0\n")
    site = Site.load(site.root)
    with Store(site.store_path) as store:
        assert back_up(site, store) is None
    assert backups(site) == []


def test_what_the_site_has_published_counts_from_the_export_or_the_output(site):
    assert published_posts(site) == (0, site.output)
    page = site.output / "blogs" / "anna" / "abc" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("<html></html>")
    assert published_posts(site) == (1, site.output)
    (site.export_dir / "anna").mkdir(parents=True)
    for n in range(3):
        (site.export_dir / "anna" / f"{n}.json").write_text("{}")
    assert published_posts(site) == (3, site.export_dir)


def test_an_empty_store_is_refused_only_when_the_site_has_published(site, tmp_path):
    with Store(tmp_path / "new.sqlite") as empty:
        refuse_lost_store(site, empty)  # nothing published yet: a new site
        (site.export_dir / "anna").mkdir(parents=True)
        (site.export_dir / "anna" / "x.json").write_text("{}")
        with pytest.raises(StoreLost, match=r"holds no posts, but the site has published 1 post "):
            refuse_lost_store(site, empty)


def test_restore_keeps_the_store_it_replaces_with_its_wal_and_shm(site):
    with Store(site.store_path) as store:
        back_up(site, store, now=NIGHT)
    for suffix in ("-wal", "-shm"):
        site.store_path.with_name(site.store_path.name + suffix).write_bytes(b"journal " + suffix.encode())
    before = site.store_path.read_bytes()
    restored = restore(site)
    assert restored.posts == 5 and restored.backup == backups(site)[0]
    assert restored.aside.read_bytes() == before
    assert restored.aside.with_name(restored.aside.name + "-wal").read_bytes() == b"journal -wal"
    with Store(site.store_path) as store:
        assert sum(store.post_counts().values()) == 5


def test_restores_within_one_second_each_keep_the_store_they_replace(site):
    # An editor restoring an old backup and then, at once, the newest: the store of 5 posts that
    # the first restore put aside must not be overwritten by the second's (a store of none).
    with Store(site.store_path) as store:
        back_up(site, store, now=NIGHT)
    original = site.store_path.read_bytes()
    restore(site, empty=True)
    restore(site)
    restore(site, empty=True)
    kept = sorted(site.root.glob("*before-restore*.sqlite"))
    assert len(kept) == 3, [p.name for p in kept]
    assert original in [path.read_bytes() for path in kept]
    counts = []
    for path in kept:
        with Store(path) as store:
            counts.append(sum(store.post_counts().values()))
    assert sorted(counts) == [0, 5, 5]


def test_restore_skips_damaged_backups_and_says_when_none_is_whole(site):
    with Store(site.store_path) as store:
        older = back_up(site, store, now=NIGHT)
        newer = back_up(site, store, now=NIGHT)
    damage_a_page(newer)
    assert restore(site).backup == older
    damage_a_page(older)
    with pytest.raises(RestoreError, match="none of the 2 backups in .* is whole"):
        restore(site)
    with pytest.raises(RestoreError, match="there is no backup nothing.sqlite"):
        restore(site, "nothing.sqlite")


def test_restoring_the_store_itself_is_refused_and_the_store_stays(site):
    # The store was renamed aside before the copy, which then found no file: no store at all.
    with Store(site.store_path) as store:
        back_up(site, store, now=NIGHT)
    with pytest.raises(RestoreError, match="is the store itself"):
        restore(site, site.store_path)
    assert [p.name for p in site.root.glob("*before-restore*")] == []
    with Store(site.store_path) as store:
        assert sum(store.post_counts().values()) == 5


FULL_DISK_RESTORE = """
import resource, signal, sys
from aggregator.backups import RestoreError, restore
from aggregator.site import Site
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
site = Site.load(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, resource.RLIM_INFINITY))  # as a full disk
try:
    restore(site)
except RestoreError as error:
    print(error)
"""


def test_a_restore_the_disk_cannot_take_leaves_the_store_and_nothing_else(site):
    # It said "…/backups/blogparade-….sqlite: No space left on device", as if the backup were the
    # trouble, and left .blogparade.sqlite.restoring behind.
    with Store(site.store_path) as store:
        back_up(site, store, now=NIGHT)
    before = site.store_path.read_bytes()
    done = subprocess.run([sys.executable, "-c", FULL_DISK_RESTORE, str(site.root)], capture_output=True,
                          text=True, cwd=Path(__file__).parents[1], timeout=60, check=False)  # fmt: skip
    assert done.stdout.startswith(f"cannot copy {backups(site)[0]} into {site.root}: File too large; "
                                  "the store is as it was"), done
    assert site.store_path.read_bytes() == before
    assert sorted(p.name for p in site.root.glob(".*restoring*")) == []
