"""Participant files: read, validated with file and line, written small."""

import os
from pathlib import Path

import pytest

from aggregator.editors.participants import (
    ParticipantError,
    department_slug,
    kept_blogs,
    load_participants,
    read_participant,
    slugify,
    write_participant,
)
from aggregator.models import Participant
from aggregator.urls import feed_key


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = 'name = "Jörg schreibt"\nfeed = "https://joerg.example/feed/"\nhome = "https://joerg.example/"\n'


def test_reads_a_minimal_file_with_defaults(tmp_path):
    participant = read_participant(write(tmp_path, "joerg.toml", GOOD))
    assert participant == Participant(
        slug="joerg", name="Jörg schreibt", feed="https://joerg.example/feed/",
        home="https://joerg.example/",
    )  # fmt: skip
    assert participant.kind == "employee" and participant.display == "excerpt"


def test_bad_toml_names_file_and_line(tmp_path):
    path = write(tmp_path, "broken.toml", GOOD + 'author = "unterminated\nkind = "corporate"\n')
    with pytest.raises(ParticipantError) as caught:
        read_participant(path)
    [problem] = caught.value.problems
    assert problem.path == path and problem.line == 4
    assert str(problem).startswith(f"{path}:4: invalid TOML")


def test_a_file_starting_with_a_bom_is_read(tmp_path):
    # Notepad and other Windows editors write one; tomllib called it "Invalid statement".
    path = write(tmp_path, "joerg.toml", "\ufeff" + GOOD)
    assert read_participant(path).name == "Jörg schreibt"


def test_every_problem_of_a_file_is_reported(tmp_path):
    path = write(tmp_path, "Bad_Name.toml",
                 'name = ""\nfeed = "ftp://x.example/feed"\nkind = "freelancer"\ncolour = "red"\n')
    with pytest.raises(ParticipantError) as caught:
        read_participant(path)
    messages = [p.message for p in caught.value.problems]
    assert "unknown key 'colour'" in messages
    assert "missing key 'home'" in messages
    assert "'name' must not be empty" in messages
    assert any(m.startswith("'feed' must be an http(s) URL") for m in messages)
    assert any(m.startswith("'kind' must be one of") for m in messages)
    assert any(m.startswith("file name must be a slug") for m in messages)


@pytest.mark.parametrize("host", ["a..b.example", "-a.example", "xn--", "a" * 64 + ".example", "b_ad-.example"])
def test_a_host_name_no_dns_allows_is_reported_as_fetch_would_refuse_it(tmp_path, host):
    path = write(tmp_path, "joerg.toml", GOOD.replace("joerg.example/feed/", f"{host}/feed/"))
    with pytest.raises(ParticipantError) as caught:
        read_participant(path)
    assert [p.message for p in caught.value.problems] == [f"'feed' has no valid host name: 'https://{host}/feed/'"]


@pytest.mark.parametrize("host", ["bücher.example", "joerg.example.", "[fe80::1%25eth0]", "127.0.0.2:8080", "my_host.intra"])
def test_host_names_fetch_accepts_pass(tmp_path, host):
    path = write(tmp_path, "joerg.toml", GOOD.replace("joerg.example/feed/", f"{host}/feed/"))
    assert read_participant(path).feed == f"https://{host}/feed/"


def test_load_skips_bad_files_and_duplicate_feeds_but_keeps_the_rest(tmp_path):
    write(tmp_path, "a.toml", GOOD)
    write(tmp_path, "b.toml", GOOD.replace("https://joerg.example/feed/", "http://www.Joerg.example/feed"))
    write(tmp_path, "c.toml", "not toml at all = = =")
    write(tmp_path, "d.toml", GOOD.replace("joerg", "dora"))
    participants, problems = load_participants(tmp_path)
    assert [p.slug for p in participants] == ["a", "d"]
    assert {p.path.name for p in problems} == {"b.toml", "c.toml"}
    assert "same feed as a.toml" in str(problems[0])


def test_load_names_a_file_that_looks_meant_as_a_participant_but_is_not_read(tmp_path):
    # Every command that reads the participants says it: `check`, and the nightly run's summary.
    write(tmp_path, "a.toml", GOOD)
    write(tmp_path, "b.yaml", "name: Bea\n")
    write(tmp_path, "README.md", "How to join.\n")
    participants, problems = load_participants(tmp_path)
    assert [p.slug for p in participants] == ["a"]
    assert [str(p) for p in problems] == [
        f"{tmp_path / 'b.yaml'}: participant files are TOML and end in .toml; this one is ignored"
    ]


def test_missing_folder_means_no_participants(tmp_path):
    assert load_participants(tmp_path / "absent") == ([], [])


def test_files_are_read_in_the_order_of_their_names_and_the_unread_ones_kept(tmp_path):
    # One listing of the folder serves the files read, the lookalikes said, and kept_blogs.
    write(tmp_path, "zora.toml", GOOD.replace("joerg", "zora"))
    write(tmp_path, "anna.toml", GOOD.replace("joerg", "anna"))
    write(tmp_path, "bea.toml", "not toml at all = = =")
    write(tmp_path, "carl.YML", "name: Carl\n")
    (tmp_path / "dora.toml").mkdir()  # matched as a file would be, and said unreadable
    participants, problems = load_participants(tmp_path)
    assert [p.slug for p in participants] == ["anna", "zora"]
    assert [p.path.name for p in problems] == ["carl.YML", "bea.toml", "dora.toml"]
    assert kept_blogs(tmp_path, participants) == {"bea", "carl", "dora"}
    assert kept_blogs(tmp_path / "absent", participants) == set()


def test_written_file_reads_back_equal(tmp_path):
    participant = Participant(slug="firma", name="Firma „Größe“ GmbH", feed="https://f.example/atom.xml",
                              home="https://f.example/", author="Team", kind="corporate",
                              categories=("Remote",))
    path = write_participant(tmp_path / "participants", participant)
    assert read_participant(path) == participant
    assert "display" not in path.read_text(encoding="utf-8")  # defaults stay out of the file


@pytest.mark.parametrize(("text", "slug"), [
    ("Jörg's Blög", "joergs-bloeg"), ("Straße & Co.", "strasse-co"), ("  ", "blog"), ("日本", "blog"),
])  # fmt: skip
def test_slugify(text, slug):
    assert slugify(text) == slug


@pytest.mark.parametrize("name", ["Vertrieb & Marketing", "Müller", "Café Crème", " Vertrieb  Nord "])
def test_a_latin_departments_slug_is_slugifys(name):
    assert department_slug(name) == slugify(name)  # as the site's department pages name it


def test_departments_in_other_scripts_keep_their_letters():
    assert [department_slug(n) for n in ("Продажи", "Маркетинг", "営業", "ΕΛΛΗΝΙΚΆ")] == [
        "продажи", "маркетинг", "営業", "ελληνικά"]


def test_feed_keys_ignore_scheme_www_case_and_trailing_slash():
    assert feed_key("https://www.Blog.example/feed/") == feed_key("http://blog.example/feed")
    assert feed_key("https://blog.example/feed?x=1") != feed_key("https://blog.example/feed")


def _age(path: Path, seconds: float) -> None:
    """The file's modification time `seconds` ago (inode and size unchanged)."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - int(seconds * 1e9)))


def test_an_unchanged_file_is_read_once_a_changed_one_again(tmp_path):
    path = write(tmp_path, "joerg.toml", GOOD)
    _age(path, 60)
    first = read_participant(path)
    assert read_participant(path) is first  # not parsed again
    # The same size and inode, another name: its modification time tells.
    path.write_text(GOOD.replace("Jörg", "Jörn"), encoding="utf-8")
    _age(path, 30)
    assert read_participant(path).name == "Jörn schreibt"
    # Broken later, of the same size: its problems, not the participant read before.
    path.write_text(GOOD.replace('name = "', 'name = '), encoding="utf-8")
    with pytest.raises(ParticipantError):
        read_participant(path)
    with pytest.raises(ParticipantError):
        read_participant(path)


def test_a_file_written_just_now_is_read_every_time(tmp_path):
    """A change within the kernel's clock tick may keep size and modification time: a file
    modified in the last seconds is never taken from what was read before."""
    path = write(tmp_path, "joerg.toml", GOOD)
    stat = path.stat()
    assert read_participant(path).name == "Jörg schreibt"
    path.write_text(GOOD.replace("Jörg", "Jörn"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the same time as before
    assert path.stat().st_size == stat.st_size and path.stat().st_ino == stat.st_ino
    assert read_participant(path).name == "Jörn schreibt"


def test_a_file_name_ending_in_a_newline_is_no_slug(tmp_path):
    # "$" matches before a final "\n": "anna\n.toml" passed as the slug "anna\n".
    with pytest.raises(ParticipantError, match="file name must be a slug"):
        read_participant(write(tmp_path, "anna\n.toml", GOOD))


def test_a_feed_spelt_with_its_umlaut_host_or_idna_is_one_feed(tmp_path):
    # What a contributor copies from the address bar ("müller.example") or from a feed reader
    # ("xn--mller-kva.example"), or with the port written out: fetch requests one address, and
    # two files would show every post twice.
    for slug, feed in [("a-umlaut", "https://müller.example/über/feed/"),
                       ("b-idna", "https://xn--mller-kva.example/%C3%BCber/feed/"),
                       ("c-port", "https://MÜLLER.example:443/über/feed")]:
        write(tmp_path, f"{slug}.toml", f'name = "{slug}"\nfeed = "{feed}"\nhome = "https://müller.example/"\n')
    participants, problems = load_participants(tmp_path)
    assert [p.slug for p in participants] == ["a-umlaut"]
    assert [(p.path.name, p.message.split(":")[0]) for p in problems] == [
        ("b-idna.toml", "same feed as a-umlaut.toml"), ("c-port.toml", "same feed as a-umlaut.toml")]
