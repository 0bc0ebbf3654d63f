"""Parade files: reading, validation with file and line, the window in the site's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import markdown
import pytest

from aggregator.parades.files import (
    Parade,
    ParadeError,
    days_left,
    find_parade,
    load_parades,
    local_today,
    read_metadata,
    read_parade,
    state,
)

BERLIN = "Europe/Berlin"
CALL = "https://hafenkante.example/blogparade-wie-arbeiten-wir-remote/"

GOOD = f"""Title: Wie arbeiten wir remote?
Call: {CALL}
Start: 2026-11-01
End: 2026-11-30
Tag: #BlogparadeRemote
Include: https://a.example/one/, https://a.example/two/
Exclude:
    https://b.example/not-this/
    https://b.example/nor-this/,https://b.example/comma,in,path/

Hafenkante Digital lädt zur Blogparade ein: *Wie arbeiten wir remote?*
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ParadeError) as caught:
        read_parade(path, BERLIN)
    return [str(p) for p in caught.value.problems]


def test_a_parade_file_is_read_with_all_its_fields(tmp_path):
    path = write(tmp_path, "remote-arbeiten.md", GOOD)
    parade = read_parade(path, BERLIN)
    assert parade == Parade(
        slug="remote-arbeiten",
        title="Wie arbeiten wir remote?",
        call_url=CALL,
        start=date(2026, 11, 1),
        end=date(2026, 11, 30),
        tag="BlogparadeRemote",  # without its "#"
        include=("https://a.example/one/", "https://a.example/two/"),
        exclude=("https://b.example/not-this/", "https://b.example/nor-this/",
                 "https://b.example/comma,in,path/"),
        path=path,
        timezone=BERLIN,
    )


def test_we_read_the_metadata_python_markdown_reads():
    """Pelican reads the page with Python-Markdown's meta extension: same keys, same values."""
    md = markdown.Markdown(extensions=["meta"])
    md.convert(GOOD)
    assert read_metadata(GOOD).values == md.Meta
    yaml_style = "---\nTitle: X\nStart: 2026-01-01\n---\nBody: not metadata\n"
    md.reset().convert(yaml_style)
    assert read_metadata(yaml_style).values == md.Meta == {"title": ["X"], "start": ["2026-01-01"]}


def test_the_slug_metadata_wins_over_the_file_name(tmp_path):
    path = write(tmp_path, "entwurf.md", GOOD.replace("Tag:", "Slug: remote\nTag:"))
    assert read_parade(path).slug == "remote"


def test_optional_fields_may_be_missing(tmp_path):
    text = f"Title: T\nCall: {CALL}\nStart: 2026-01-01\nEnd: 2026-01-01\n\nText"
    parade = read_parade(write(tmp_path, "t.md", text))
    assert (parade.tag, parade.include, parade.exclude, parade.timezone) == (None, (), (), "UTC")


def test_missing_fields_are_named(tmp_path):
    path = write(tmp_path, "leer.md", "Title: Nur ein Titel\n\nText")
    assert problems_of(path) == [f"{path}: missing 'Call'", f"{path}: missing 'Start'",
                                 f"{path}: missing 'End'"]


def test_a_file_without_metadata_says_so(tmp_path):
    path = write(tmp_path, "nix.md", "Nur Text, keine Metadaten.\n")
    assert problems_of(path) == [f"{path}:1: no metadata: a parade page starts with lines like "
                                 "'Title: …', 'Call: …'"]


def test_bad_values_are_reported_with_their_lines(tmp_path):
    text = ("Title: Kaputt\nCall: javascript:alert(1)\nStart: 1.11.2026\nEnd: 2026-02-30\n"
            "Include: https://ok.example/, ftp://files.example/x\nExclude: nicht eine URL\n\nText")
    path = write(tmp_path, "kaputt.md", text)
    assert problems_of(path) == [
        f"{path}:2: 'Call' must be an http(s) URL, not 'javascript:alert(1)'",
        f"{path}:3: 'Start' must be a date like 2026-11-01, not '1.11.2026'",
        f"{path}:4: 'End' must be a date like 2026-11-01, not '2026-02-30'",
        f"{path}:5: 'Include' holds 'ftp://files.example/x', which is not an http(s) URL",
        f"{path}:6: 'Exclude' holds 'nicht', which is not an http(s) URL",
        f"{path}:6: 'Exclude' holds 'eine', which is not an http(s) URL",
        f"{path}:6: 'Exclude' holds 'URL', which is not an http(s) URL",
    ]


def test_end_before_start(tmp_path):
    path = write(tmp_path, "rueckwaerts.md", GOOD.replace("End: 2026-11-30", "End: 2026-10-31"))
    assert problems_of(path) == [f"{path}:4: 'End' (2026-10-31) is before 'Start' (2026-11-01)"]


def test_a_datetime_is_not_a_date(tmp_path):
    path = write(tmp_path, "zeit.md", GOOD.replace("Start: 2026-11-01", "Start: 2026-11-01 10:00"))
    assert problems_of(path) == [
        f"{path}:3: 'Start' must be a date like 2026-11-01, not '2026-11-01 10:00'"
    ]


def test_unindented_url_lines_are_explained(tmp_path):
    """An unindented URL line reads as a key "https": the list above it would silently end."""
    text = GOOD.replace("    https://b.example/not-this/", "https://b.example/not-this/")
    path = write(tmp_path, "eingerueckt.md", text)
    problems = problems_of(path)
    assert len(problems) == 1 and problems[0].startswith(f"{path}:8: line starts with 'https:'")
    assert "indented by four spaces" in problems[0]


def test_included_and_excluded_at_once(tmp_path):
    text = GOOD.replace("https://a.example/two/", "http://www.b.example/not-this")
    path = write(tmp_path, "beides.md", text)
    assert problems_of(path) == [f"{path}:6: http://www.b.example/not-this is both included and excluded"]


def test_empty_title_tag_and_bad_slug(tmp_path):
    text = GOOD.replace("Title: Wie arbeiten wir remote?", "Title:").replace(
        "Tag: #BlogparadeRemote", "Tag: #")
    path = write(tmp_path, "Gross Und Klein.md", text)
    assert problems_of(path) == [
        f"{path}:1: 'Title' is empty",
        f"{path}: the file name must be a slug: lower-case letters, digits and dashes, "
        "not 'Gross Und Klein'",
        f"{path}:5: 'Tag' is empty: leave it out, or name the tag",
    ]


def test_a_file_name_ending_in_a_newline_is_no_slug(tmp_path):
    path = write(tmp_path, "remote\n.md", GOOD)
    assert problems_of(path) == [f"{path}: the file name must be a slug: lower-case letters, digits and "
                                 "dashes, not 'remote\\n'"]


def test_unreadable_file(tmp_path):
    path = tmp_path / "latin1.md"
    path.write_bytes(GOOD.replace("lädt", "l\xe4dt").encode("latin-1"))
    [problem] = problems_of(path)
    assert problem.startswith(f"{path}: cannot read:")


def test_load_collects_good_parades_and_every_problem(tmp_path):
    folder = tmp_path / "parades"
    write(folder, "a.md", GOOD)
    write(folder, "b.md", GOOD.replace("Tag:", "Slug: a\nTag:"))  # a's slug
    write(folder, "c.md", GOOD.replace(CALL, CALL.replace("https://", "http://www.")))  # a's call
    write(folder, "d.md", "Title: Ohne alles\n")
    write(folder, "e.markdown", GOOD.replace(CALL, "https://other.example/call/"))
    write(folder, "notes.txt", "not a page")
    parades, problems = load_parades(folder, BERLIN)
    assert [p.slug for p in parades] == ["a", "e"]
    assert [str(p) for p in problems] == [
        f"{folder / 'b.md'}: same slug 'a' as a.md",
        f"{folder / 'c.md'}: same call as a.md: {CALL.replace('https://', 'http://www.')}",
        f"{folder / 'd.md'}: missing 'Call'",
        f"{folder / 'd.md'}: missing 'Start'",
        f"{folder / 'd.md'}: missing 'End'",
    ]
    assert find_parade(parades, "e").call_url == "https://other.example/call/"
    assert find_parade(parades, "zzz") is None


def test_no_folder_no_parades(tmp_path):
    assert load_parades(tmp_path / "missing") == ([], [])


def test_an_unknown_time_zone_is_a_problem(tmp_path):
    parades, problems = load_parades(tmp_path, "Mars/Olympus_Mons")
    assert parades == [] and "unknown time zone 'Mars/Olympus_Mons'" in str(problems[0])


# --- the window ---------------------------------------------------------------------------------

def parade(start=date(2026, 11, 1), end=date(2026, 11, 30), timezone=BERLIN) -> Parade:
    return Parade("p", "P", CALL, start, end, timezone=timezone)


def test_the_window_runs_from_local_midnight_to_local_midnight():
    p = parade()
    assert p.window_start == datetime(2026, 10, 31, 23, 0, tzinfo=UTC)  # CET is UTC+1
    assert p.window_end == datetime(2026, 11, 30, 23, 0, tzinfo=UTC)


def test_window_edges_in_berlin():
    p = parade()
    berlin = p.zone
    assert p.contains(datetime(2026, 11, 1, 0, 15, tzinfo=berlin))  # still 31 October in UTC
    assert p.contains(datetime(2026, 11, 30, 23, 59, 59, tzinfo=berlin))
    assert not p.contains(datetime(2026, 12, 1, 0, 0, 30, tzinfo=berlin))
    assert not p.contains(datetime(2026, 10, 31, 23, 59, 59, tzinfo=berlin))
    assert p.contains(p.window_start) and not p.contains(p.window_end)


def test_a_window_across_the_change_to_summer_time():
    p = parade(date(2026, 3, 28), date(2026, 3, 29))  # clocks go forward on 29 March
    assert p.window_start == datetime(2026, 3, 27, 23, 0, tzinfo=UTC)
    assert p.window_end == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)  # CEST: UTC+2
    assert p.window_end - p.window_start == timedelta(hours=47)


def test_state_and_days_left():
    p = parade()
    assert (state(p, date(2026, 10, 31)), days_left(p, date(2026, 10, 31))) == ("upcoming", 30)
    assert (state(p, date(2026, 11, 1)), days_left(p, date(2026, 11, 1))) == ("open", 30)
    assert (state(p, date(2026, 11, 30)), days_left(p, date(2026, 11, 30))) == ("open", 1)
    assert (state(p, date(2026, 12, 1)), days_left(p, date(2026, 12, 1))) == ("closed", 0)


def test_local_today_is_the_date_in_the_site_time_zone():
    late = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # already 1 December in Berlin
    assert local_today(BERLIN, late) == date(2026, 12, 1)
    assert local_today("UTC", late) == date(2026, 11, 30)
    assert state(parade(), local_today(BERLIN, late)) == "closed"


# --- channels and late contributions (issue 10) -------------------------------------------------

CHANNELS = f"""Title: Offen für alle
Call: {CALL}
Start: 2026-11-01
End: 2026-11-30
Mentions: https://webmention.io/api/mentions.jf2?target={CALL}
Comments: {CALL}feed/
Late: yes
"""


def test_mentions_comments_and_late_are_read(tmp_path):
    parade = read_parade(write(tmp_path, "offen.md", CHANNELS), BERLIN)
    assert parade.mentions == f"https://webmention.io/api/mentions.jf2?target={CALL}"
    assert parade.comments == f"{CALL}feed/"
    assert parade.late is True
    assert read_parade(write(tmp_path, "ohne.md", GOOD), BERLIN).late is False


@pytest.mark.parametrize("value, late", [("yes", True), ("Ja", True), ("true", True), ("no", False),
                                         ("nein", False)])  # fmt: skip
def test_late_takes_yes_or_no_in_either_language(tmp_path, value, late):
    text = CHANNELS.replace("Late: yes", f"Late: {value}")
    assert read_parade(write(tmp_path, "offen.md", text), BERLIN).late is late


def test_bad_channel_values_are_problems_with_their_line(tmp_path):
    text = (CHANNELS.replace("Late: yes", "Late: vielleicht")
            .replace(f"Comments: {CALL}feed/", "Comments: ftp://x.example/feed/")
            .replace(f"Mentions: https://webmention.io/api/mentions.jf2?target={CALL}",
                     "Mentions: https://a.example/1.jf2 https://b.example/2.jf2"))  # fmt: skip
    path = write(tmp_path, "offen.md", text)
    assert problems_of(path) == [
        f"{path}:5: 'Mentions' takes one URL, not 2",
        f"{path}:6: 'Comments' must be an http(s) URL, not 'ftp://x.example/feed/'",
        f"{path}:7: 'Late' is 'yes' or 'no', not 'vielleicht'",
    ]


def test_late_contributions_are_admitted_after_the_end_until_the_roundup():
    from dataclasses import replace

    p = replace(parade(), late=True)
    after = datetime(2026, 12, 3, 12, tzinfo=UTC)
    before = datetime(2026, 10, 30, 12, tzinfo=UTC)
    assert p.admits(after) and p.is_late(after)
    assert not p.admits(before)
    assert not parade().admits(after)  # without Late: the window only
    assert replace(p, roundup_date=date(2026, 12, 5)).admits(after)
    assert not replace(p, roundup_date=date(2026, 12, 2)).admits(after)
    inside = datetime(2026, 11, 15, tzinfo=UTC)
    assert p.admits(inside) and not p.is_late(inside)
