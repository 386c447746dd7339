"""Write a site atomically and incrementally.

A build writes only the files whose bytes changed, into a staging folder beside the target. A few
changed files (an edit) are then moved into the live site one by one, each replacing its old copy
in one step, and the files the site no longer has are removed; many (a new template) are joined by
hard links to the unchanged live files and the whole folder is swapped in at once. Either way a
build that fails before publishing leaves the previous site untouched.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import filecmp
import functools
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from kb.errors import KBError


class OutsideSite(KBError):
    """A path would escape the output folder."""


def sanitised_join(root: str | Path, relative: str) -> str:
    """root/relative, refusing anything that would land outside root (no file-system calls).
    Plain strings: a build joins tens of thousands of paths, and pathlib triples the cost."""
    return os.path.join(root, _inside(relative, root))


def _inside(relative: str, root: str | Path) -> str:
    """The relative path, normalised; refused if it would lead out of `root`."""
    normal = os.path.normpath(relative)
    if os.path.isabs(relative) or normal == ".." or normal.startswith(".." + os.sep) or "\0" in relative:
        raise OutsideSite(f"refusing to write {relative!r}: outside {root}")
    return normal


class BuildInProgress(KBError):
    """Another build is writing the same site."""


@contextlib.contextmanager
def exclusive(target: Path):
    """Hold a lock on the folder the site lives in for a whole build, so that two builds never
    clear or swap each other's staging folders. The lock goes with the process."""
    parent = Path(target).parent
    parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildInProgress(f"another kb build is writing {target}; run this one when it has finished") from None
        except OSError:  # a file system without locks (some network mounts): build unguarded
            pass
        yield
    finally:
        os.close(fd)


def clear_debris(target: Path) -> None:
    """Remove staging folders and old copies that a killed build left beside the target
    (".old-" is what builds before the atomic exchange named them)."""
    name = Path(target).name
    for pattern in (f".{name}.building-*", f".{name}.old-*"):
        for debris in Path(target).parent.glob(pattern):
            shutil.rmtree(debris, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 with RENAME_EXCHANGE); False where unsupported."""
    renameat2 = getattr(_libc(), "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@functools.cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


class SiteWriter:
    """Collects the files that changed in a staging folder, then publishes them with publish()."""

    def __init__(self, target: Path):
        self.target = Path(target)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        clear_debris(self.target)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.building-", dir=self.target.parent))
        os.chmod(
            self.staging, 0o777 & ~_umask()
        )  # mkdtemp makes it 0700: a web server running as another user could not read it
        self.live = files_in(self.target)  # the live site's files, by relative path
        self.written: set[str] = set()  # the new site's files
        self.changed: list[str] = []  # those of them whose bytes are new, in the staging folder
        self.folders: set[str] = set()

    def write(self, relative: str, content: str | bytes) -> None:
        normal = self._claim(relative)
        data = content.encode("utf-8") if isinstance(content, str) else content
        if relative in self.live:
            live = f"{self.target}/{normal}"
            try:
                if os.stat(live).st_size == len(data):
                    with open(live, "rb") as file:
                        if file.read() == data:
                            return
            except OSError:  # gone since the build started (or not a file): write it
                pass
        with open(self._staged(normal), "wb") as file:
            file.write(data)
        self.changed.append(relative)

    def write_parts(self, relative: str, parts: Iterable[bytes]) -> None:
        """write() for a file too large to hold at once (claims.json at 100,000 claims is 80 MB):
        written part by part, then dropped if the live copy's bytes are the same."""
        path = self._staged(self._claim(relative))
        with open(path, "wb") as file:
            file.writelines(parts)
        self.adopt(relative)

    def adopt(self, relative: str) -> None:
        """Take a file something else (Pagefind) wrote into the staging folder as the site's: kept
        only if the live copy differs, so that an unchanged file keeps its date."""
        self.written.add(relative)
        path = f"{self.staging}/{_inside(relative, self.staging)}"
        if relative in self.live and filecmp.cmp(f"{self.target}/{relative}", path, shallow=False):
            os.unlink(path)
        else:
            self.changed.append(relative)

    def keep(self, relative: str) -> bool:
        """Keep the live copy of a file known to be unchanged; False if there is none."""
        if relative not in self.live:
            return False
        self.written.add(relative)
        return True

    def current(self, relative: str) -> str:
        """Where a file of the new site is now: in the staging folder if it changed, else live."""
        normal = _inside(relative, self.staging)
        staged = f"{self.staging}/{normal}"
        return staged if os.path.exists(staged) else f"{self.target}/{normal}"

    def _claim(self, relative: str) -> str:
        """The normalised path of a file about to be written; each file once."""
        if relative in self.written:
            raise KBError(f"two pages want to be written as {relative}")
        normal = _inside(relative, self.staging)
        self.written.add(relative)
        return normal

    def _staged(self, normal: str) -> str:
        path = f"{self.staging}/{normal}"
        self._folder(os.path.dirname(path))
        return path

    def _folder(self, folder: str) -> None:
        if folder not in self.folders:
            os.makedirs(folder, exist_ok=True)
            self.folders.add(folder)

    def publish(self, last: str | None = None) -> None:
        """Publish the new site; `last`, if given, is the file moved in last (the manifest, which
        says what the site holds). A few changed files are moved in one by one, before the files
        the site no longer has are removed, so that no page links to one that is gone. Otherwise
        the staging folder, completed with links to the unchanged files, is swapped in: where the
        OS can exchange two folders in one step there is never a moment without a site; the old one
        is left under the staging name, which the next build clears if this one is killed first."""
        if not self.target.exists():
            os.rename(self.staging, self.target)
            return
        if len(self.changed) <= IN_PLACE_MAX:
            for relative in sorted(self.changed, key=lambda r: r == last):
                live = f"{self.target}/{relative}"
                os.makedirs(os.path.dirname(live), exist_ok=True)
                os.replace(f"{self.staging}/{relative}", live)
            self._remove(self.live - self.written)
            shutil.rmtree(self.staging, ignore_errors=True)
            return
        for relative in self.written.difference(self.changed):
            os.link(f"{self.target}/{relative}", self._staged(relative))
        if _exchange(self.staging, self.target):
            shutil.rmtree(self.staging, ignore_errors=True)
            return
        old = self.target.with_name(f".{self.target.name}.building-old-{os.getpid()}")
        os.rename(self.target, old)
        os.rename(self.staging, self.target)
        shutil.rmtree(old, ignore_errors=True)

    def _remove(self, gone: set[str]) -> None:
        """Remove files from the live site, and the folders that leaves empty."""
        folders = set()
        for relative in gone:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{self.target}/{relative}")
            while "/" in relative:
                relative = relative.rsplit("/", 1)[0]
                folders.add(relative)
        for folder in sorted(folders, key=lambda f: -f.count("/")):  # the deepest first
            with contextlib.suppress(OSError):  # not empty
                os.rmdir(f"{self.target}/{folder}")

    def abandon(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


IN_PLACE_MAX = 1_000  # changed files moved into the live site one by one; more, and the folder is swapped


def files_in(folder: Path) -> set[str]:
    """Every file under a folder, by relative path (one directory listing per folder); none if the
    folder is missing."""
    present = set()
    folders = [""]
    while folders:
        relative = folders.pop()
        try:
            entries = list(os.scandir(os.path.join(folder, relative)))
        except OSError:
            continue
        for entry in entries:
            name = f"{relative}/{entry.name}" if relative else entry.name
            if entry.is_dir(follow_symlinks=False):
                folders.append(name)
            elif entry.is_file(follow_symlinks=False):
                present.add(name)
    return present
