"""output/: each build writes a tree beside it, which replaces it by renames on success.

A web server serves output/ while Pelican works for minutes: it must see yesterday's whole site
until the new one is whole, never a mix, never a truncated page.  So Pelican writes into
`.output.building-<pid>-<token>` beside output/ (the same filesystem, so renames are possible),
and only a build that succeeded swaps the two: atomically with Linux's renameat2(RENAME_EXCHANGE),
elsewhere with two renames.  What a killed build leaves behind, the next build cleans up.

The tree a build replaced is not removed but kept as `.output.spare`, and the next build writes
over it (`recycled_tree`): its folders stay, and so do its pages that the new build would write
the same (plugin/incremental.py keeps them; `clear_tree` removes every other file first).  Making
a folder is the dearest thing a build does to the disk (20,000 of them took 10 s of system time
on ext4 here), and a fresh tree needs one per post.  The spare is never served, so writing over
it is safe; a file in it may be a hard link into output/, so nothing is ever written through a
file that is there: it is removed, then written anew.  A build that publishes erased comments
(retention) keeps of the replaced tree only the files output/ shares with it (`scrub`): the
others are what changed, such as the pages that showed those comments, which must not outlive it.

A small stamp file in the tree says which settings file built it, so that a development build
cannot silently replace a published site.  It lives in the tree, not in the store, because it
must describe exactly the tree being served: it is swapped in with it, is gone when output/ is
removed, and stays right when the store is replaced or restored.
"""

from __future__ import annotations

import ctypes
import errno
import io
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Container, Iterable
from functools import cache
from pathlib import Path

STAMP = ".blogparade-build.json"
BUILDING = "building"  # a tree being written, or the old tree after an atomic swap
PREVIOUS = "previous"  # the old tree between the two renames where no swap is available
SPARE = "spare"  # the tree output/ replaced, for the next build to write over


def real_output(path: str | Path) -> Path:
    """The folder to replace: an output/ that is a symbolic link is replaced where it points."""
    return Path(os.path.realpath(path))


def leftover_pattern(output: Path) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(output.name)}\.({BUILDING}|{PREVIOUS})-(\d+)-[0-9a-f]+")


def building_name(output: Path) -> Path:
    return output.with_name(f".{output.name}.{BUILDING}-{os.getpid()}-{secrets.token_hex(4)}")


def spare_tree(output: Path) -> Path:
    return output.with_name(f".{output.name}.{SPARE}")


def new_tree(output: Path) -> Path:
    """An empty folder beside `output`, with `output`'s permissions (a web server reads it)."""
    tree = building_name(output)
    tree.mkdir()  # not mkdtemp: its 0700 would lock the web server out once it is output/
    if output.is_dir():
        shutil.copymode(output, tree)
    return tree


def recycled_tree(output: Path) -> Path | None:
    """The spare tree, renamed to be this build's (a killed build leaves it as a leftover, which
    the next build removes); None where there is none."""
    spare = spare_tree(output)
    if spare.is_symlink() or not spare.is_dir():
        return None
    tree = building_name(output)
    try:
        os.rename(spare, tree)
    except OSError:
        return None
    return tree


PR_SET_PDEATHSIG = 1  # linux/prctl.h


@cache
def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    return getattr(ctypes.CDLL(None, use_errno=True), "prctl", None)


def ends_with_build() -> Callable[[], None] | None:
    """A preexec_fn for a helper that writes into a build's tree (find's listing, mkdir, Pagefind):
    the helper is killed when the thread that started it ends, however it ends.  A SIGKILLed
    build's Pagefind went on writing into its tree after the next build had removed it as a
    leftover, and made it again.  None where the system cannot (the helper outlives a killed
    build; the build after next removes what it wrote)."""
    prctl = _prctl()
    if prctl is None:
        return None
    parent = os.getpid()

    def tie() -> None:  # in the child, between fork and exec: no locks, no imports
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the build died before the tie was made
            os._exit(1)

    return tie


class Listing:
    """The files of a tree (relative names), listed by a process of its own (GNU find) on the
    other core while this one exports the posts: walking the spare tree's 20,000 folders here
    took 0.44 s of a build after one new post.  Nothing may change the tree meanwhile (the
    site's lock keeps other builds out)."""

    def __init__(self, tree: Path) -> None:
        self.identity = _identity(tree)  # the tree listed, whatever it is named later
        self.process: subprocess.Popen[bytes] | None = None
        try:
            self.output = tempfile.TemporaryFile()  # not a pipe: find would wait for its reader
        except OSError:  # no usable temporary folder: the tree is walked (list_files)
            self.output = io.BytesIO()
            return
        try:
            self.process = subprocess.Popen(
                ["find", ".", "-mindepth", "1", "!", "-type", "d", "-printf", "%P\\0"], cwd=tree,
                stdin=subprocess.DEVNULL, stdout=self.output, stderr=subprocess.DEVNULL,
                preexec_fn=ends_with_build())  # fmt: skip
        except OSError:  # no find: the tree is walked (list_files)
            pass

    def wait(self) -> None:
        if self.process is not None:
            self.process.wait()

    def names(self, tree: Path) -> list[str] | None:
        """Every file and link in the tree listed (not the folders), now at `tree`; None where
        find could not tell, or `tree` is another.  Waits for find; once."""
        try:
            if self.process is None or self.process.wait() != 0 or _identity(tree) != self.identity:
                return None
            self.output.seek(0)
            return [os.fsdecode(name) for name in self.output.read().split(b"\0") if name]
        finally:
            self.output.close()

    def cancel(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.output.close()


def spare_listing(output: str | Path) -> Listing | None:
    """A Listing of output/'s spare tree, where there is one."""
    spare = spare_tree(real_output(output))
    return Listing(spare) if spare.is_dir() and not spare.is_symlink() else None


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def list_files(tree: Path) -> list[str]:
    """Every file and link of a tree (relative names; not its folders), walked here: what a
    Listing gives where find could not tell."""
    names = []
    todo = [("", str(tree))]
    while todo:
        relative, path = todo.pop()
        with os.scandir(path) as entries:  # the entries' types come with them: no stat each
            for entry in entries:
                name = f"{relative}/{entry.name}" if relative else entry.name
                if entry.is_dir(follow_symlinks=False):
                    todo.append((name, entry.path))
                else:  # a file, or a link (to a file or a folder)
                    names.append(name)
    return names


def clear_tree(
    tree: Path, keep: Container[str], keep_folders: Iterable[str], listed: Iterable[str]
) -> list[str]:
    """Remove every file of a recycled tree but those named in `keep` and those in the folders
    `keep_folders` (relative names); its folders stay.  Returns the folders files were removed
    from (relative), for `remove_empty` once the build has written what it writes.  `listed`:
    the tree's files (a Listing's, or list_files)."""
    kept_folders = {folder.strip("/") for folder in keep_folders}
    within = tuple(folder + "/" for folder in kept_folders)
    emptied = set()
    for name in listed:
        if name in keep or (within and name.startswith(within)):
            continue
        try:
            os.unlink(os.path.join(tree, name))
        except FileNotFoundError:
            continue
        emptied.add(os.path.dirname(name))
    return sorted(emptied)


def remove_files(tree: Path, names: Iterable[str]) -> list[str]:
    """Remove the files `names` (relative) from the tree; the folders they were in."""
    folders = []
    for name in names:
        try:
            os.unlink(os.path.join(tree, name))
        except FileNotFoundError:
            continue
        folders.append(os.path.dirname(name))
    return folders


def remove_empty(tree: Path, folders: Iterable[str]) -> None:
    """Remove the folders (relative) that are empty, and their parents that become so."""
    for folder in sorted(set(folders), key=len, reverse=True):  # the deepest first
        while folder:
            try:
                os.rmdir(os.path.join(tree, folder))
            except OSError:  # not empty (or gone)
                break
            folder = os.path.dirname(folder)


def remove_spare(output: Path) -> None:
    """Remove the spare tree (after a take-down it holds the pages as they were; a build without
    a spare replaces it); the next build writes a new tree."""
    real = real_output(output)
    spare = spare_tree(real)
    if spare.is_symlink():  # never one of ours: the link goes, not what it points to
        spare.unlink()
    elif spare.is_dir():
        doomed = building_name(real)
        os.rename(spare, doomed)
        remove_old(doomed, REMOVE_INLINE_BELOW)


def scrub(old: Path, new: Path, keep: Container[str]) -> bool:
    """Remove from the replaced tree `old` every file that is not also the new tree's (the same
    file, hard-linked: unchanged), but those named in `keep` (relative); its folders stay.
    False where that failed: the tree is to be removed, not kept."""
    try:
        for name in list_files(old):
            path = os.path.join(old, name)
            if name in keep or same_file(path, os.path.join(new, name)):
                continue
            os.unlink(path)
    except OSError:
        return False
    return True


def same_file(first: str, second: str) -> bool:
    try:
        return os.path.samestat(os.lstat(first), os.lstat(second))
    except FileNotFoundError:
        return False


def keep_as_spare(old: Path, output: Path) -> None:
    """The tree output/ replaced, kept for the next build to write over."""
    try:
        remove_spare(output)
        os.rename(old, spare_tree(output))
    except OSError:
        remove_old(old, REMOVE_INLINE_BELOW)


def remove_leftovers(output: Path) -> None:
    """Remove the trees of builds whose process is gone (killed, or the machine went down).

    A PREVIOUS tree while output/ is missing is the old site of a build killed between its two
    renames: it is whole, and becomes output/ again.
    """
    pattern = leftover_pattern(output)
    if not output.parent.is_dir():
        return
    for path in output.parent.iterdir():
        match = pattern.fullmatch(path.name)
        if not match or process_alive(int(match[2])):
            continue
        if match[1] == PREVIOUS and not output.exists():
            os.rename(path, output)
        else:
            shutil.rmtree(path, ignore_errors=True)


# Removing a tree costs a file system call per file and folder (20,000 posts: some 45,000, tens
# of seconds on a busy disk); above this many files the old tree is removed by a process of its
# own, after the build has returned.  Should it be killed, the next build removes the rest.
REMOVE_INLINE_BELOW = 5000


def remove_old(old: Path, files: int) -> None:
    """Remove the previous tree (of about `files` files) once the new one is served: here when
    small, else in a detached process (a leftover, should it fail: the next build's)."""
    if files >= REMOVE_INLINE_BELOW:
        try:
            subprocess.Popen(
                [sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)",
                 str(old)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True,
            )  # fmt: skip
            return
        except OSError:
            pass
    shutil.rmtree(old, ignore_errors=True)


class Folders:
    """The folders a build will write into, made beforehand by a process of its own (`mkdir -p`
    through xargs) while Pelican reads the posts on the other core: making 20,000 folders costs
    seconds of system calls on a busy disk, and the writer would make them one by one, waiting.
    `names` are outputs this build is likely to write (relative paths: the previous build's,
    the exported posts' pages): a folder that this build did not need after all is removed
    again by `tidy`."""

    def __init__(self, tree: Path, names: Iterable[str]) -> None:
        self.tree = tree
        self.folders = sorted({os.path.dirname(name) for name in names} - {""})
        self.process: subprocess.Popen[bytes] | None = None
        if not self.folders:
            return
        listing = tree / ".folders"  # removed once read; no output is named so
        listing.write_bytes(b"\0".join(os.fsencode(folder) for folder in self.folders))
        try:
            self.process = subprocess.Popen(
                ["xargs", "-0", "-a", str(listing), "mkdir", "-p", "--"], cwd=tree,
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                preexec_fn=ends_with_build())  # fmt: skip
        except OSError:  # no xargs: the writer makes them
            listing.unlink()

    def tidy(self, used: Iterable[str]) -> None:
        """Wait for the folders, then remove those no output of `used` (relative paths) is in,
        if empty."""
        if self.process is None:
            return
        self.process.wait()
        (self.tree / ".folders").unlink(missing_ok=True)
        needed = set()
        for name in used:
            folder = os.path.dirname(name)
            while folder and folder not in needed:
                needed.add(folder)
                folder = os.path.dirname(folder)
        for folder in reversed(self.folders):  # the deepest first
            while folder and folder not in needed:
                try:
                    os.rmdir(self.tree / folder)
                except OSError:  # not empty: something else was written there
                    break
                needed.add(folder)  # tried: not again
                folder = os.path.dirname(folder)


def process_alive(pid: int) -> bool:
    """Whether a process `pid` exists (a reused pid keeps a leftover until that process ends)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def carry_over(old: Path, new: Path, names: Iterable[str]) -> None:
    """Top-level files and folders named in OUTPUT_RETENTION (.git, CNAME...) from the old
    output into the new tree, as hard links where possible: cheap for a big .git, and the old
    tree stays whole until the swap.  What the build itself wrote wins."""
    for name in names:
        source, target = old / name, new / name
        if not (source.exists() or source.is_symlink()) or target.exists() or target.is_symlink():
            continue
        if source.is_dir() and not source.is_symlink():
            shutil.copytree(source, target, symlinks=True, copy_function=link_or_copy)
        else:
            link_or_copy(source, target)


def link_or_copy(source: str | Path, target: str | Path) -> None:
    if os.path.islink(source):
        os.symlink(os.readlink(source), target)
        return
    try:
        os.link(source, target)
    except OSError:  # a filesystem without hard links
        shutil.copy2(source, target)


def replace_output(tree: Path, output: Path) -> Path | None:
    """Make `tree` the output; returns where the old output now is (for removal), if any."""
    if not output.exists() and not output.is_symlink():
        os.rename(tree, output)
        return None
    if exchange(tree, output):
        return tree  # the names swapped: the old site is now where the new one was built
    previous = tree.with_name(tree.name.replace(f".{BUILDING}-", f".{PREVIOUS}-", 1))
    os.rename(output, previous)
    try:
        os.rename(tree, output)
    except BaseException:
        os.rename(previous, output)
        raise
    return previous


AT_FDCWD = -100
RENAME_EXCHANGE = 2


def exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically; False where the system or the filesystem cannot."""
    if not sys.platform.startswith("linux"):
        return False
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)  # glibc 2.28+
    if renameat2 is None:
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p] * 2 + [ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    if renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):  # old kernel, or e.g. NFS
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def write_stamp(tree: Path, settings_file: str) -> None:
    (tree / STAMP).write_text(json.dumps({"settings": settings_file}) + "\n", encoding="utf-8")


def built_with(output: Path) -> str | None:
    """The name of the settings file that built `output`, if a blogparade build did."""
    try:
        return str(json.loads((output / STAMP).read_text(encoding="utf-8"))["settings"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
