"""What a pull request changes, judged before anything of it runs (`blogparade check --base REF`).

A contributor sends one small file, `content/participants/<slug>.toml`, and CI checks it
unattended.  Everything else a pull request can change is the editors' to review, and some of it
runs: `pelicanconf.py` and `publishconf.py` are Python that every command executes (`check`
included), `tasks.py`, plugins and the theme's Jinja templates run in the build, CI files on the
runner.  So `check --base` asks git what the request changes before it reads the site: a change
outside `content/` stops it there, with nothing of the request run; inside `content/`, whatever
is not a participant file (pages, parades, articles, published as written) needs an editor's
review too, and says so.  A participant file that is a symbolic link is refused by every command
(participants.py): git keeps links, and one could make `check` read a file of the runner's.
"""

from __future__ import annotations

import subprocess
from collections.abc import Collection
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from ..models import Participant
from .participants import LOOKALIKES, Problem, same_blog

CONTENT = "content"


class Change(NamedTuple):
    """A file a pull request changes: git's status letter (A added, M changed, D deleted, T
    turned into a link or back) and its path (see changed_paths); `link`: it is a symbolic
    link after the change."""

    status: str
    path: str
    link: bool = False


class ReviewError(Exception):
    """git could not say what the pull request changes (not a checkout, an unknown REF)."""


def changes(root: Path, base: str) -> list[Change]:
    """The files the commits since `base` change (added, changed, deleted, both names of a
    rename), relative to the site's folder; those outside it (where the site is a folder of a
    larger repository) from the repository's top, after a "/"."""
    if base.startswith("-"):
        raise ReviewError(f"not a git revision: {base!r}")
    try:
        top = _git(root, "rev-parse", "--show-toplevel").strip()
    except FileNotFoundError:
        raise ReviewError("git is not installed, and it says what a pull request changes") from None
    except ReviewError as error:
        raise ReviewError(f"git cannot say what changed since {base}: {error}") from None
    try:
        _git(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    except ReviewError:
        raise ReviewError(f"git knows no revision {base} here: fetch it first (a CI checkout "
                          "often has the pull request's branch alone)") from None  # fmt: skip
    try:
        listed = _git(root, "diff", "--raw", "-z", "--no-renames", "--no-abbrev", f"{base}...HEAD", "--")
    except ReviewError as error:
        raise ReviewError(f"git cannot say what changed since {base} ({error}): where the checkout "
                          "is shallow, fetch the history back to where the branch began") from None  # fmt: skip
    site = PurePosixPath(root.resolve().relative_to(Path(top).resolve()).as_posix())
    fields = listed.split("\0")
    found = []
    # --raw: ":<old mode> <new mode> <old blob> <new blob> <status>", then the path.
    for raw, path in zip(fields[0::2], fields[1::2]):
        _, mode, _, _, status = raw.split(" ", 4)
        inside, link = PurePosixPath(path), mode == _LINK_MODE
        if site.parts == () or inside.parts[: len(site.parts)] == site.parts:
            found.append(Change(status[:1], inside.relative_to(site).as_posix(), link))
        else:  # outside the site's folder: named from the repository's top
            found.append(Change(status[:1], f"/{path}", link))
    return sorted(found, key=lambda change: change.path)


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                          encoding="utf-8", errors="replace", check=False)  # fmt: skip
    if done.returncode != 0:
        raise ReviewError((done.stderr.strip().splitlines() or ["git failed"])[-1].removeprefix("fatal: "))
    return done.stdout


_LINK_MODE = "120000"  # git's mode of a symbolic link


def links(found: list[Change]) -> list[str]:
    """The symbolic links the pull request makes: git keeps them, and a link where a file or a
    folder of the site belongs (content/participants -> a folder of the runner's) would have
    `check` read the machine's files and quote them into the CI log."""
    return [change.path for change in found if change.link]


def outside_content(found: list[Change]) -> list[str]:
    """The changed files outside `content/`: settings, code, the theme, CI; the build runs or
    reads them, so a pull request changing one is not checked by running it."""
    return [change.path for change in found if PurePosixPath(change.path).parts[:1] != (CONTENT,)]


def for_an_editor(found: list[Change], participants: Path, root: Path,
                  logins: Collection[str] = ()) -> list[tuple[str, str]]:  # fmt: skip
    """The changes in `content/` that a pull request does not make unattended, each with why:
    files that are not participant files (in `participants`, the folder the site's settings
    name; `root` is the site's folder), participant files it did not add (a contributor
    adds a blog; changing or removing one is its owner's, which an editor confirms), and added
    ones with a login (`logins`: the slugs of the participants that have one): the nightly job
    sends a secret of its machine to the feed such a file names."""
    try:
        folder = PurePosixPath(participants.resolve().relative_to(root.resolve()).as_posix())
    except ValueError:  # kept outside the site's folder: no change of the request is one
        folder = None
    reviewed = []
    for change in found:
        path = PurePosixPath(change.path)
        if path.suffix.lower() == ".toml" and path.parent != folder and change.status != "D":
            where = f"{folder}/" if folder is not None else "the participants folder"
            reviewed.append((change.path, f"a participant file is read only in {where}: move it there "
                                          f"({where}{path.stem.lower()}.toml)"))  # fmt: skip
        elif path.parent == folder and path.suffix != ".toml" and path.suffix.lower() in LOOKALIKES:
            continue  # a participant file misnamed (anna.yaml, anna.TOML): check names it, ignored
        elif path.parent != folder or path.suffix != ".toml":
            reviewed.append((change.path, "not a participant file: published as written, so an editor "
                                          "reviews this pull request"))  # fmt: skip
        elif change.status != "A":
            what = "removes" if change.status == "D" else "changes"
            reviewed.append((change.path, f"the pull request {what} a participant file it did not add: "
                                          "an editor confirms it is that blog's own"))  # fmt: skip
        elif path.stem in logins:
            reviewed.append((change.path, "the pull request adds a participant file with a login: the "
                                          "nightly job would send a secret of its machine to the feed it "
                                          "names, so an editor reviews it"))  # fmt: skip
    return reviewed


def blogs_joined_twice(found: list[Change], participants: Path, root: Path,
                       joined: Collection[Participant]) -> list[tuple[str, str]]:  # fmt: skip
    """The participant files a pull request adds for a blog the site has already (same_blog:
    its home page, however spelt, whatever feed of it the file names), each with why: `join`
    refuses such a blog, and a second file showed its posts twice."""
    added = {(root / change.path).resolve(): change.path for change in found if change.status == "A"}
    twice = []
    for participant in joined:
        path = added.get((participants / f"{participant.slug}.toml").resolve())
        if path is None:
            continue
        other = same_blog(participant.feed, participant.home, [p for p in joined if p.slug != participant.slug])
        if other is not None:
            twice.append((path, f"its blog, {participant.home}, is on the site already as {other.slug} "
                                f"({other.name}, {other.feed}): a second file would show its posts "
                                "twice (an author's or a category's own feed may join beside it)"))  # fmt: skip
    return twice


def split_problems(problems: list[Problem], found: list[Change], root: Path) -> tuple[list[Problem], list[Problem]]:
    """`problems` the pull request brings, and those its base had already: in a file it does not
    touch, and not with one it does (two files for one feed).  One bad file merged onto the base
    failed every later contributor's check, naming files none of them had touched."""
    touched = {(root / change.path).resolve() for change in found}

    def brought(problem: Problem) -> bool:
        return any(path.resolve() in touched for path in (problem.path, *problem.others))

    return [p for p in problems if brought(p)], [p for p in problems if not brought(p)]
