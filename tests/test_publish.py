"""publish.export: one deterministic JSON file per published post, rewritten only when changed."""

from __future__ import annotations

import dataclasses
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from aggregator.feeds.images import media_folder
from aggregator.models import Attachment, Comment, Participant, Post, StoredComment
from aggregator.site import Site
from aggregator.store import RESTORED_AT, MediaRecord, Store
from aggregator.website import export as export_module
from aggregator.website.export import (
    FORMAT,
    MEDIA,
    ExportRefused,
    comment_node,
    export,
    person,
    write_if_changed,
)
from aggregator.website.sitetemplate import create_site
from aggregator.website.threads import MAX_DEPTH
from aggregator.website.threads import comment_tree as thread

T = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
ANNA = Participant(slug="anna", name="Annas Blög", feed="https://anna.example/feed/",
                   home="https://anna.example/", author="Anna Ärger", display="full")  # fmt: skip
ACME = Participant(slug="acme", name="ACME", feed="https://acme.example/feed/",
                   home="https://acme.example/", kind="corporate")  # fmt: skip


def post(participant: str = "anna", guid: str = "g1", **changes) -> Post:
    values = dict(
        participant=participant, guid=guid, url=f"https://{participant}.example/{guid}/",
        title="Über Größe", author="", published=T, updated=None, excerpt="Kurz und gut.",
        content_html="<p>Größer</p>", categories=("Remote",), comment_count=None,
    )  # fmt: skip
    return Post(**{**values, **changes})


def comment(post_id: str, guid: str, minutes: int, parent: str | None = None, **changes) -> Comment:
    values = dict(
        post_id=post_id, guid=guid, url=None, parent_guid=parent, author=f"P {guid}",
        author_url=None, published=T + timedelta(minutes=minutes), content_html=f"<p>{guid}</p>",
    )  # fmt: skip
    return Comment(**{**values, **changes})


def stored(comment_id: str, parent_id: str | None, minutes: int = 0, kind: str = "comment") -> StoredComment:
    return StoredComment(id=comment_id, post_id="p", guid=comment_id, url=None, parent_ref=parent_id,
                         author=comment_id, author_url=None, published=T + timedelta(minutes=minutes),
                         first_seen=T, content_html="", kind=kind)  # fmt: skip


@pytest.fixture
def site(tmp_path):
    create_site(tmp_path, title="Test")
    return Site.load(tmp_path)


@pytest.fixture
def store(site):
    with Store(site.store_path) as store:
        yield store


def save(store: Store, posts=(), comments=(), participant: str = "anna") -> None:
    store.record_success(participant, f"https://{participant}.example/feed/", etag=None,
                         last_modified=None, body_hash=None, posts=posts, comments=comments,
                         now=T)  # fmt: skip


def read(site: Site, p: Post) -> dict:
    return json.loads((site.export_dir / p.participant / f"{p.id}.json").read_text(encoding="utf-8"))


def test_one_file_per_post_with_its_metadata(site, store):
    p = post(author="anna@example.org (Anna Ä.)", updated=T + timedelta(days=1),
             categories=("Remote", " Arbeit ", "Remote"), language="de-DE", comment_count=3)  # fmt: skip
    save(store, [p])
    result = export(store, site, [ANNA])
    assert (result.written, result.unchanged, result.removed) == (1, 0, 0)
    data = read(site, p)
    assert data["format"] == FORMAT
    assert data["title"] == "Über Größe"
    assert (data["participant"], data["blog"], data["blog_home"]) == ("anna", "Annas Blög", "https://anna.example/")
    assert (data["kind"], data["display"]) == ("employee", "full")
    assert data["author"] == "Anna Ä."
    assert (data["published"], data["updated"]) == ("2026-11-02T09:30:00+00:00", "2026-11-03T09:30:00+00:00")
    assert data["body"] == "<p>Größer</p>" and data["excerpt"] == "Kurz und gut."
    assert data["categories"] == ["Remote", "Arbeit"]
    assert data["language"] == "de-DE"
    assert (data["comment_count"], data["comments"]) == (3, [])  # the feed's count, none stored


def test_a_posts_files_are_links_and_its_photos_stay_in_its_body(site, store):
    p = post(attachments=(
        Attachment("https://cdn.anna.example/Folge%207.mp3", "audio", "audio/mpeg", 45123456),
        Attachment("https://cdn.anna.example/rundgang", "video", "video/mp4", None, "Rundgang durchs Werk"),
        Attachment("https://cdn.anna.example/plan.pdf"),
        Attachment("https://cdn.anna.example/foto.jpg", "image", "image/jpeg", 1000, "Ein Foto"),
    ))  # fmt: skip
    save(store, [p])
    export(store, site, [ANNA])
    assert read(site, p)["attachments"] == [
        {"url": "https://cdn.anna.example/Folge%207.mp3", "kind": "audio", "name": "Folge 7.mp3", "format": "MP3",
         "size": 45123456, "type": "audio/mpeg"},
        {"url": "https://cdn.anna.example/rundgang", "kind": "video", "name": "Rundgang durchs Werk", "format": "MP4",
         "size": None, "type": "video/mp4"},
        {"url": "https://cdn.anna.example/plan.pdf", "kind": "file", "name": "plan.pdf", "format": "PDF", "size": None,
         "type": None},
    ]  # fmt: skip


def test_a_files_name_from_its_address_shows_as_written_not_reversed_or_broken(site, store):
    # A feed's enclosure "%E2%80%AEgpj.exe" (a right-to-left override) showed on the post's page
    # as "Herunterladen: exe.jpg", and "%0D%0A" broke its link's text in two.
    p = post(attachments=(Attachment("https://anna.example/%E2%80%AEgpj.exe", "file", None, 5),
                          Attachment("https://anna.example/Folge%0D%0A7.mp3", "audio", "audio/mpeg")))  # fmt: skip
    save(store, [p])
    export(store, site, [ANNA])
    assert [(a["name"], a["format"]) for a in read(site, p)["attachments"]] == [("gpj.exe", "EXE"), ("Folge 7.mp3", "MP3")]


def test_the_participant_author_stands_in_for_a_missing_one(site, store):
    p = post(author="")
    save(store, [p])
    export(store, site, [ANNA])
    assert read(site, p)["author"] == "Anna Ärger"


def test_the_file_is_deterministic_utf8_with_sorted_keys(site, store):
    p = post()
    save(store, [p])
    export(store, site, [ANNA])
    raw = (site.export_dir / "anna" / f"{p.id}.json").read_bytes()
    assert "Über Größe".encode() in raw  # not \u escapes
    keys = list(json.loads(raw))
    assert keys == sorted(keys)
    export(store, site, [ANNA])
    assert (site.export_dir / "anna" / f"{p.id}.json").read_bytes() == raw


def test_comments_are_a_tree_with_orphans_and_mentions_on_top(site, store):
    p = post()
    comments = [
        comment(p.id, "a", 1),
        comment(p.id, "b", 2, parent="a"),
        comment(p.id, "c", 3, parent="b"),
        comment(p.id, "orphan", 4, parent="never-stored"),
        comment(p.id, "ping", 5, kind="pingback"),
        comment(p.id, "track", 6, kind="trackback"),
        comment(p.id, "d", 7, parent="a"),
    ]
    save(store, [p], comments)
    export(store, site, [ANNA])
    tree = read(site, p)["comments"]
    assert [(n["author"], n["kind"]) for n in tree] == [
        ("P a", "comment"), ("P orphan", "comment"), ("P ping", "pingback"), ("P track", "trackback")
    ]
    a = tree[0]
    assert [r["author"] for r in a["replies"]] == ["P b", "P d"]
    assert [r["author"] for r in a["replies"][0]["replies"]] == ["P c"]
    assert a["published"] == "2026-11-02T09:31:00+00:00"
    assert read(site, p)["comment_count"] == 5  # comments, not pingbacks and trackbacks
    assert read(site, p)["mention_count"] == 2


def comment_tree(comments):
    return thread(comments, comment_node)


def test_a_reply_cycle_loses_no_comment():
    tree = comment_tree([stored("x", "y", 1), stored("y", "x", 2), stored("z", "y", 3)])
    assert [n["id"] for n in tree] == ["x"]
    assert [n["id"] for n in tree[0]["replies"]] == ["y"]
    assert [n["id"] for n in tree[0]["replies"][0]["replies"]] == ["z"]


def test_a_runaway_thread_nests_no_deeper_than_max_depth():
    comments = [stored("c0", None)] + [stored(f"c{i}", f"c{i - 1}", i) for i in range(1, 50)]
    tree = comment_tree(comments)
    depth, level, count = 0, tree, 0
    while level:
        count += len(level)
        deepest = level
        level = [reply for node in level for reply in node["replies"]]
        depth += 1
    assert depth == MAX_DEPTH  # levels as WordPress counts them: the top level is the first
    assert count == 50
    assert len(deepest) == 50 - (MAX_DEPTH - 1)


def test_no_e_mail_address_is_exported(site, store):
    p = post(author="Anna <anna@example.org>")
    save(store, [p], [comment(p.id, "m", 1, author="clara@example.org (Clara)",
                              author_url="mailto:clara@example.org")])  # fmt: skip
    export(store, site, [ANNA])
    raw = (site.export_dir / "anna" / f"{p.id}.json").read_text(encoding="utf-8")
    assert "@" not in raw
    node = read(site, p)["comments"][0]
    assert (node["author"], node["author_url"]) == ("Clara", None)


def test_characters_xml_cannot_carry_are_dropped(site, store):
    """A raw ESC (from a post about shell colours) would break the Atom feed and the build."""
    p = post(title="Farben\x1b[31m", content_html="<p><code>\x1b[0m</code>\x0c</p>", excerpt="a\x00b")
    save(store, [p], [comment(p.id, "esc", 1, content_html="<p>\x1b</p>")])
    export(store, site, [ANNA])
    data = read(site, p)
    assert (data["title"], data["excerpt"]) == ("Farben[31m", "ab")
    assert data["body"] == "<p><code>[0m</code></p>"
    assert data["comments"][0]["body"] == "<p></p>"


@pytest.mark.parametrize(
    "name, expected",
    [("Anna", "Anna"), ("anna@example.org (Anna Ä.)", "Anna Ä."), ("Anna <a@b.de>", "Anna"),
     ("a@b.de", ""), ("", ""), (None, "")],
)  # fmt: skip
def test_person_drops_addresses(name, expected):
    assert person(name) == expected


def test_files_are_rewritten_only_when_their_post_changed(site, store):
    one, two = post(guid="one"), post(guid="two", title="Zwei")
    save(store, [one, two])
    export(store, site, [ANNA])
    paths = {p: site.export_dir / "anna" / f"{p.id}.json" for p in (one, two)}
    mtimes = {p: path.stat().st_mtime_ns for p, path in paths.items()}
    assert dataclasses.astuple(export(store, site, [ANNA]))[:3] == (0, 2, 0)
    # Stored as a later fetch stores it: its `changed` time moves (only such posts are read).
    store.record_success("anna", "https://anna.example/feed/", etag=None, last_modified=None,
                         body_hash=None, posts=[dataclasses.replace(two, title="Zwei, geändert")],
                         now=T + timedelta(minutes=1))  # fmt: skip
    assert dataclasses.astuple(export(store, site, [ANNA]))[:3] == (1, 1, 0)
    assert paths[one].stat().st_mtime_ns == mtimes[one]
    assert read(site, two)["title"] == "Zwei, geändert"


def test_posts_are_read_a_batch_at_a_time_and_each_file_holds_its_own(site, store, monkeypatch):
    posts = [post(guid=f"g{n}", title=f"Titel {n}", published=T + timedelta(hours=n)) for n in range(5)]
    save(store, posts, comments=[comment(posts[3].id, "c1", 5)])
    monkeypatch.setattr(export_module, "EXPORT_BATCH", 2)
    asked: list[int] = []
    posts_by_id = store.posts_by_id
    monkeypatch.setattr(store, "posts_by_id", lambda ids: asked.append(len(ids)) or posts_by_id(ids))
    assert export(store, site, [ANNA]).written == 5
    assert [n for n in asked if n] == [2, 2, 1]  # (and none for moved blogs: there are none)
    assert [read(site, p)["title"] for p in posts] == [f"Titel {n}" for n in range(5)]
    assert [c["author"] for c in read(site, posts[3])["comments"]] == ["P c1"]


def test_a_new_comment_rewrites_its_post(site, store):
    p = post()
    save(store, [p])
    export(store, site, [ANNA])
    save(store, comments=[comment(p.id, "new", 5)])
    assert export(store, site, [ANNA]).written == 1
    assert read(site, p)["comments"][0]["author"] == "P new"


def test_removed_participants_leave_the_export_and_stay_in_the_store(site, store):
    save(store, [post()])
    save(store, [post("acme", "x")], participant="acme")
    export(store, site, [ANNA, ACME])
    assert (site.export_dir / "acme").is_dir()
    result = export(store, site, [ANNA])
    assert (result.unchanged, result.removed) == (1, 1)
    assert not (site.export_dir / "acme").exists()  # its empty folder too
    assert len(list(store.posts(participant="acme"))) == 1


def test_inactive_participants_stay_published(site, store):
    save(store, [post()])
    result = export(store, site, [dataclasses.replace(ANNA, active=False)])
    assert result.written == 1


def test_kept_participants_keep_their_files(site, store):
    save(store, [post("acme", "x")], participant="acme")
    export(store, site, [ACME])
    result = export(store, site, [], keep={"acme"})
    assert result.removed == 0
    assert any((site.export_dir / "acme").iterdir())


def test_a_kept_participants_files_stay_only_as_written_and_with_their_images(site, store):
    # A kept blog's images left the site (its pages showed none), and a file a pull request put
    # in its place was published as it came.
    photo = post("acme", "x", content_html='<p><img src="https://acme.example/p.png" alt="Plan"></p>')
    save(store, [photo, post("acme", "y")], participant="acme")
    store.put_media(MediaRecord("https://acme.example/p.png", "ab12.png", "image/png", 3, T))
    media_folder(site).mkdir(parents=True, exist_ok=True)
    (media_folder(site) / "ab12.png").write_bytes(b"png")
    export(store, site, [ACME])
    replaced = site.export_dir / "acme" / f"{post('acme', 'y').id}.json"
    forged = replaced.read_text(encoding="utf-8").replace("Größer", "<script>alert(1)</script>")
    replaced.write_text(forged)
    # Not as written: the blog cannot be kept as last published, so nothing is exported (the
    # build stops there: website/build.py), neither the forged file nor a site without the post.
    with pytest.raises(ExportRefused, match=r"the participant files of acme \(1 post\) cannot be read"):
        export(store, site, [], keep={"acme"})
    # Mended, the blog's files are made from the store again, its images kept.
    result = export(store, site, [ACME])
    assert "<script>" not in replaced.read_text(encoding="utf-8") and result.written == 1
    assert (site.export_dir / "acme" / f"{photo.id}.json").is_file()
    assert (site.export_dir / MEDIA / "ab12.png").is_file()
    # Kept while its file is broken, the images stay too.
    assert export(store, site, [], keep={"acme"}).removed == 0
    assert (site.export_dir / MEDIA / "ab12.png").is_file()


def test_a_category_filter_publishes_only_matching_posts(site, store):
    remote, other = post(guid="r", categories=("remote",)), post(guid="o", categories=("Kochen",))
    save(store, [remote, other])
    export(store, site, [dataclasses.replace(ANNA, categories=("Remote",))])
    assert {p.name for p in (site.export_dir / "anna").iterdir()} == {f"{remote.id}.json"}


def test_stray_files_in_the_export_folder_are_removed(site, store):
    save(store, [post()])
    stray = site.export_dir / "gone" / "0000000000000000.json"
    stray.parent.mkdir(parents=True)
    stray.write_text("{}")
    assert export(store, site, [ANNA]).removed == 1
    assert not stray.parent.exists()


def test_writers_of_the_same_file_never_trip_over_each_others_temporary_file(tmp_path):
    """Two exports of one post at once (two overlapping runs) once shared `.name.tmp`: one
    renamed the other's file away and failed with FileNotFoundError."""
    path = tmp_path / "anna" / "0123456789abcdef.json"
    versions = [f'{{"version": {n}}}\n'.encode() * (n + 1) for n in range(8)]

    def write_often(data: bytes) -> None:
        for _ in range(200):
            write_if_changed(path, data)
            path.unlink(missing_ok=True)  # so that the next call writes again

    with ThreadPoolExecutor(len(versions)) as pool:
        list(pool.map(write_often, versions))  # re-raises what any writer raised
    assert [p.name for p in path.parent.iterdir()] in ([], [path.name])


def test_only_temporary_files_of_killed_exports_are_removed(site, store):
    save(store, [post()])
    folder = site.export_dir / "anna"
    folder.mkdir(parents=True)
    killed, writing = folder / ".x.json.1-aaaa.tmp", folder / ".y.json.2-bbbb.tmp"
    for temporary in (killed, writing):
        temporary.write_text("{")
    hours_ago = time.time() - 2 * 3600
    os.utime(killed, (hours_ago, hours_ago))
    export(store, site, [ANNA])
    assert not killed.exists()
    assert writing.exists()  # another export may be about to rename it


def test_an_empty_store_exports_nothing(site, store):
    assert dataclasses.astuple(export(store, site, [ANNA]))[:3] == (0, 0, 0)


def test_posts_a_restored_store_lost_keep_their_files(site, store, tmp_path):
    """A store restored from last week's backup, or started again empty, does not know the
    newest posts: their pages stay until a fetch brings them back (and then they are its own)."""
    kept, lost = post(guid="kept"), post(guid="lost")
    save(store, [kept, lost])
    export(store, site, [ANNA])
    with Store(tmp_path / "older.sqlite") as older:
        save(older, [kept])
        assert export(older, site, [ANNA]).removed == 1  # not restored: it unpublishes as asked
        export(store, site, [ANNA])
        older.set_meta(RESTORED_AT, datetime.now(UTC).isoformat())
        result = export(older, site, [ANNA])
        assert (result.unchanged, result.removed) == (1, 0)
        assert read(site, lost)["id"] == lost.id
        # A file slipped in after the restore (a pull request, say) is never published.
        slipped = site.export_dir / "anna" / "0123456789abcdef.json"
        slipped.write_text(json.dumps({"format": FORMAT, "id": "x", "body": "<script>"}))
        assert export(older, site, [ANNA]).removed == 1 and not slipped.exists()
        # What the store knows and no longer publishes still goes: here, by a category filter.
        result = export(older, site, [dataclasses.replace(ANNA, categories=("Kochen",))])
        assert result.removed == 1 and read(site, lost)["id"] == lost.id


class FullDisk:
    """A file opened on a full disk: write() fails as the system's does, naming no file."""

    def __init__(self, path, mode):  # noqa: ANN001
        self.file = open(path, mode)  # noqa: SIM115

    def __enter__(self) -> FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()

    def write(self, data: bytes) -> int:
        self.file.write(data[:10])
        raise OSError(28, "No space left on device")


def test_a_file_that_cannot_be_written_is_named(site, store, monkeypatch):
    save(store, [post()])
    monkeypatch.setattr(export_module, "open", FullDisk, raising=False)
    with pytest.raises(OSError) as error:
        export(store, site, [ANNA])
    assert error.value.strerror == "No space left on device"
    assert error.value.filename == str(site.export_dir / "anna" / f"{post().id}.json")
    assert not any(site.export_dir.rglob("*.tmp"))  # the half-written file went


def test_a_blog_that_moved_is_published_once_at_its_new_addresses(site, store):
    # A Hugo blog's guids are its permalinks: moved to https, its feed brought every post again
    # under new guids, and the site showed each twice.  The copy seen last stands; a post its
    # feed gave no date, or another post of the same day and title elsewhere, is no copy.
    old = [post(guid=f"http://anna.example/p{n}/", url=f"http://anna.example/p{n}/", title=f"Beitrag {n}",
                published=T - timedelta(days=n + 1)) for n in range(3)]  # fmt: skip
    undated = post(guid="http://anna.example/ohne/", title="Ohne Datum", published=None)
    # The same day and title at another address of the blog: another post (a scheduled series).
    twin = post(guid="http://anna.example/p0-teil-2/", url="http://anna.example/p0-teil-2/", title="Beitrag 0",
                published=T - timedelta(days=1))  # fmt: skip
    save(store, [*old, undated, twin])
    export(store, site, [ANNA, ACME])
    moved = [dataclasses.replace(p, guid=p.guid.replace("http:", "https:"), url=p.guid.replace("http:", "https:"))
             for p in old]  # fmt: skip
    counts = store.record_success(
        "anna", "https://anna.example/feed/", etag=None, last_modified=None, body_hash=None,
        posts=[*moved, dataclasses.replace(undated, guid="https://anna.example/ohne/", url="https://anna.example/ohne/")],
        now=T + timedelta(days=30),
    )  # fmt: skip
    assert (counts.new, counts.moved) == (1, 3)  # the undated one is news: no copy of anything
    save(store, [post("acme", guid="acme-1", title="Beitrag 0", published=T - timedelta(days=1))],
         participant="acme")  # the same day and title on another blog: another post
    export(store, site, [ANNA, ACME])
    files = {path.stem: json.loads(path.read_bytes()) for path in site.export_dir.glob("*/*.json")}
    published = {name for name, document in files.items() if "moved_to" not in document}
    assert {p.id for p in moved} <= published and not {p.id for p in old} & published
    assert twin.id in published
    assert len(published) == 3 + 2 + 1 + 1  # the moved, both undated (no copies of each other), ACME's, the twin
    assert store.superseded_post_ids() == {p.id for p in old}
    # At each old copy's name: where its new copy is (the reader makes it a page sending there).
    assert {name: files[name]["moved_to"] for name in files if name not in published} == {
        old_copy.id: new_copy.id for old_copy, new_copy in zip(old, moved)}


@pytest.mark.parametrize("old,new,same", [
    ("http://anna.example/2026/umzug/", "https://anna.example/2026/umzug/", True),  # to https
    ("https://anna.github.io/blog/umzug/", "https://anna.example/umzug", True),  # out of a sub-folder
    ("https://anna.example/umzug/index.html", "https://neu.example/umzug/", True),
    ("https://anna.example/?p=12", "https://neu.example/?p=12", True),
    # To another engine at another address, whose slugs are not WordPress's.
    ("https://anna.example/?p=12", "https://neu.example/posts/der-umzug/", True),
    ("https://anna.example/2026/11/gruesse/", "https://neu.example/grusse.html", True),
    ("https://anna.example/umzug/", "https://anna.example/umzug-2/", False),  # another post
    ("https://anna.example/?p=12", "https://anna.example/?p=13", False),
])  # fmt: skip
def test_two_copies_of_one_post_share_blog_date_title_and_slug_or_address(old, new, same):
    from aggregator.models import Seen, moved_copies

    def seen(post_id: str, url: str, days: int) -> Seen:
        return Seen(post_id, "anna", T, T + timedelta(days=days), "Der  Umzug", url)

    assert moved_copies([seen("old", old, 1), seen("new", new, 2)]) == ({"old": "new"} if same else {})
    # No date of its own (dated the moment it was seen), or another blog's: no copy.
    assert moved_copies([Seen("old", "anna", T, T, "Der Umzug", old), seen("new", new, 2)]) == {}
    assert moved_copies([seen("old", old, 1)._replace(participant="ben"), seen("new", new, 2)]) == {}


def test_a_post_retitled_the_night_its_blog_moved_is_one_post():
    # Moved to https, and a typo in a title mended the same night: the old copy stood beside
    # the new one (a copy needs its date and title), twice on the site, in a second digest.
    from aggregator.models import Seen, moved_copies

    old = Seen("old", "anna", T, T + timedelta(days=1), "Der Umzg", "http://anna.example/2026/umzug/")
    new = Seen("new", "anna", T, T + timedelta(days=9), "Der Umzug", "https://anna.example/2026/umzug/")
    assert moved_copies([old, new]) == {"old": "new"}
    # The same address, or the same night (a link blog's items), or another date: two posts.
    assert moved_copies([old, new._replace(url=old.url)]) == {}
    assert moved_copies([old, new._replace(first_seen=old.first_seen)]) == {}
    assert moved_copies([old, new._replace(published=T + timedelta(hours=1))]) == {}


def test_a_link_blogs_two_items_of_one_day_and_title_to_two_sites_are_two_posts():
    # A link blog's date-only "Lesenswert" items, one to zeit.de, one to netzpolitik.org, came in
    # one read: taken for a move's copies (slugs changed, no host has two), one was hidden and
    # its comments moved to the other.  A move brings its copies on a later night.
    from aggregator.models import Seen, moved_copies

    items = [Seen(name, "anna", T, T + timedelta(days=1), "Lesenswert", url)
             for name, url in (("a", "https://www.zeit.de/digital/artikel"), ("b", "https://netzpolitik.org/2026/text/"))]
    assert moved_copies(items) == {}


def test_a_blog_that_moves_to_another_engine_keeps_its_comments_and_take_downs(site, store):
    # From WordPress (guids "?p=N") to a static engine at another address, whose slugs are not
    # WordPress's: the new copies came as new posts, twice on the site, without their comments.
    old = [post(guid=f"https://anna.example/?p={n}", url=f"https://anna.example/?p={n}", title=f"Beitrag {n}",
                published=T - timedelta(days=n + 1)) for n in range(3)]  # fmt: skip
    save(store, old, [comment(old[0].id, "https://anna.example/?p=0#comment-1", 5)])
    store.set_hidden("post", [old[2].id], True)
    new = [dataclasses.replace(p, guid=f"https://neu.example/posts/beitrag-{n}/", url=f"https://neu.example/posts/beitrag-{n}/")
           for n, p in enumerate(old)]  # fmt: skip
    counts = store.record_success("anna", "https://neu.example/index.xml", etag=None, last_modified=None,
                                  body_hash=None, posts=new, now=T + timedelta(days=30))  # fmt: skip
    assert (counts.new, counts.moved) == (0, 3)
    assert store.superseded_post_ids() == {p.id for p in old}
    assert [c.post_id for c in store.comments()] == [new[0].id]  # the comment came along
    assert store.hidden_post_ids() == {old[2].id, new[2].id}  # and the take-down


def test_a_series_of_one_day_and_title_stays_two_posts_wherever_it_moves():
    # Two posts of one day and title at one address (a series) are two posts; when the blog
    # moves and their slugs change, nothing says which new copy is which: all four stay, for
    # `hide`.  Where the slugs stay, each finds its own.
    from aggregator.models import Seen, moved_copies

    def seen(post_id: str, url: str, days: int) -> Seen:
        return Seen(post_id, "anna", T, T + timedelta(days=days), "Linkliste", url)

    series = [seen("a1", "https://anna.example/links/", 1), seen("a2", "https://anna.example/links-2/", 1)]
    renamed = [seen("b1", "https://neu.example/p/101", 9), seen("b2", "https://neu.example/p/102", 9)]
    assert moved_copies(series + renamed) == {}
    kept = [seen("b1", "https://neu.example/links/", 9), seen("b2", "https://neu.example/links-2/", 9)]
    assert moved_copies(series + kept) == {"a1": "b1", "a2": "b2"}
    # Moved twice, the slugs changed each time: the copy seen last stands for both others.
    assert moved_copies([series[0], seen("b", "https://b.example/x/", 5), seen("c", "https://c.example/y/", 9)]) == {
        "a1": "c", "b": "c"}
    # Moved twice, the slug back to the first one's: the first copy is still the oldest (the
    # site's feeds keep its entry id).
    from aggregator.store import first_copies

    twice = moved_copies([seen("c", "https://c.example/links/", 9), seen("b", "https://b.example/p/7", 5), series[0]])
    assert twice == {"b": "c", "a1": "c"}
    assert first_copies({old: ("anna", new) for old, new in twice.items()}) == {"c": "a1"}


def test_a_post_brought_under_a_new_guid_at_its_address_keeps_its_first():
    from aggregator.models import first_guids

    def new(guid: str, url: str = "https://anna.example/umzug/", title: str = "Der  Umzug",
            published: datetime | None = T) -> Post:
        return post(guid=guid, url=url, title=title, published=published)

    stored = [("g1", "https://anna.example/umzug/", T, "Der Umzug")]
    assert first_guids([new("g2")], stored) == {"g2": "g1"}
    assert first_guids([new("g1")], stored) == {}  # its own
    assert first_guids([new("g1"), new("g2")], stored) == {}  # the first is in the read too: two posts
    # Another address, date or title, no date, no title: another post (a move is moved_copies').
    # An address alone says nothing: a link blog's items share the article they link.
    for other in (new("g2", url="https://anna.example/umzug-2/"), new("g2", published=T + timedelta(days=1)),
                  new("g2", title="Der Umzug, Teil 2"), new("g2", published=None), new("g2", title="")):
        assert first_guids([other], stored) == {}, other
    # Two of the read, or two stored, share address, date and title: no one's.
    assert first_guids([new("g2"), new("g3")], stored) == {}
    assert first_guids([new("g2")], stored + [("g0", "https://anna.example/umzug/", T, "Der Umzug")]) == {}
    # A versioned guid (Confluence's) in another version: that post's latest stored version,
    # whatever its address, date and title (an edit changes them all).
    version = "tag:wiki.firma.example,2009:blogpost-7-{}".format
    versions = [(version(n), f"https://wiki.firma.example/display/T/V{n}", T + timedelta(days=n), f"V{n}")
                for n in (1, 2)]  # fmt: skip
    assert first_guids([new(version(3), title="V3", published=T + timedelta(days=3))], versions) == {version(3): version(2)}
    assert first_guids([new(version(3)), new(version(2))], versions) == {}  # the read has it under its own
    assert first_guids([new("tag:wiki.firma.example,2009:blogpost-8-1")], versions) == {}  # another post


def test_versions_of_a_post_stored_each_under_its_own_guid_are_published_once(site, store):
    # Confluence names each version of a post by an id of its own, dated by the edit: before
    # first_guids knew that, each edit was stored as a post, and the site showed every version.
    # The version seen last is the post; the others' pages send readers there, and the site's
    # feeds name it by the first (feed readers do not show an edit as new).
    versions = [post(guid=f"tag:wiki,2009:blogpost-7-{n}", url="https://anna.example/display/TEAM/Onboarding",
                     title="Onboarding", published=T + timedelta(days=n)) for n in (1, 2, 3)]  # fmt: skip
    versions[2] = dataclasses.replace(versions[2], title="Onboarding neu",  # retitled: its address too
                                      url="https://anna.example/display/TEAM/Onboarding+neu")
    for n, version in enumerate(versions):  # as an older blogparade stored them, one a night
        store.save_posts([version], now=T + timedelta(days=n + 1))
    other = post(guid="tag:wiki,2009:blogpost-8-1", url="https://anna.example/display/TEAM/Onboarding",
                 title="Onboarding", published=T)  # another post at that address, of that title
    home = [post(guid=f"notiz-{n}", url="https://anna.example/", title="Notiz", published=T + timedelta(days=n))
            for n in (1, 2)]  # at the blog's home page, one title: two posts  # fmt: skip
    save(store, [other, *home])
    export(store, site, [ANNA, ACME])
    files = {path.stem: json.loads(path.read_bytes()) for path in site.export_dir.glob("anna/*.json")}
    published = {name for name, document in files.items() if "moved_to" not in document}
    assert published == {versions[2].id, other.id, home[0].id, home[1].id}
    assert {name: files[name]["moved_to"] for name in files if name not in published} == {
        versions[0].id: versions[2].id, versions[1].id: versions[2].id}
    assert files[versions[2].id]["first_id"] == versions[0].id


def test_a_comment_brought_under_a_new_guid_with_its_number_keeps_its_first():
    from aggregator.models import first_comment_guids

    old, new = "http://hugo.example/umzug/#comment-{}", "https://hugo.example/umzug/#comment-{}"
    stored = [("p", old.format(1)), ("p", old.format(2))]
    assert first_comment_guids([comment("p", new.format(1), 1), comment("p", new.format(3), 3)], stored) == {
        ("p", new.format(1)): old.format(1)}  # the 3rd is new
    # The shapes engines give one comment's number or id in: an anchor, a tag URI's last part,
    # Drupal's "12 at https://…", a uuid.
    for before, after in (("tag:hugo.example,2025:/umzug/c12", "tag:hugo.example,2026:/umzug/c12"),
                          ("12 at http://drupal.example", "12 at https://drupal.example"),
                          ("http://a.example/p/#isso-12", "https://b.example/p/#isso-12"),
                          ("urn:uuid:6E8BC430-9C3A", "https://b.example/p/#remark42__comment-6e8bc430-9c3a")):
        assert first_comment_guids([comment("p", after, 1)], [("p", before)]) == {("p", after): before}
    assert first_comment_guids([comment("p", old.format(1), 1)], stored) == {}  # its own
    # The first is in the read too, or the number is another post's: two comments.
    assert first_comment_guids([comment("p", old.format(1), 1), comment("p", new.format(1), 2)], stored) == {}
    assert first_comment_guids([comment("q", new.format(1), 1)], stored) == {}
    # No number in its guid (Blogger's), or one two of the read or two stored share: no one's.
    blogger = "tag:blogger.com,1999:blog-1.post-{}"
    assert first_comment_guids([comment("p", blogger.format(2), 1)], [("p", blogger.format(1))]) == {}
    assert first_comment_guids([comment("p", new.format(1), 1), comment("p", "https://hugo.example/umzug/?replytocom=1", 2)],
                               [("p", old.format(1))]) == {}
    assert first_comment_guids([comment("p", new.format(1), 1)],
                               [("p", old.format(1)), ("p", "http://elsewhere.example/#comment-1")]) == {}
    # A read that brings another post's comments as stored beside it (a site-wide feed): only the
    # post with a new guid is looked at, and found; a read of only stored guids finds none.
    elsewhere = "http://hugo.example/anderswo/#comment-{}"
    both = stored + [("q", elsewhere.format(1)), ("q", elsewhere.format(7))]
    assert first_comment_guids([comment("q", elsewhere.format(7), 1), comment("p", new.format(2), 2)], both) == {
        ("p", new.format(2)): old.format(2)}
    assert first_comment_guids([comment("q", elsewhere.format(7), 1), comment("p", old.format(2), 2)], both) == {}


def test_a_blog_that_never_joined_is_named_only_while_a_post_of_it_is_shown(site, store):
    # Its contribution hidden (or its writer forgotten), the privacy notice and the status page
    # still named the blog and its address.
    guest = Participant(slug="ext_gast", name="Gasts Blog", feed="https://gast.example/feed/",
                        home="https://gast.example/", kind="external")  # fmt: skip
    contribution = post("ext_gast", guid="https://gast.example/beitrag/")
    save(store, [contribution], participant="ext_gast")

    def named() -> list[str]:
        export(store, site, [ANNA, guest], parades={contribution.id: ("doku",)})
        status = json.loads((site.export_dir / export_module.STATUS_FILE).read_text(encoding="utf-8"))
        return [blog["name"] for blog in status["blogs"]]

    assert "Gasts Blog" in named()
    store.set_hidden("post", [contribution.id], True)
    assert named() == ["Annas Blög"]
