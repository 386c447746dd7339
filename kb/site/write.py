"""Write a site atomically and incrementally.

Pages go into a temporary folder beside the target; a page whose bytes equal the live copy is
hard-linked from it (so its mtime does not change); then the folders are swapped. A build that
fails at any point leaves the previous site untouched.
"""

from __future__ import annotations

import ctypes
import fcntl
import filecmp
import functools
import os
import shutil
import tempfile
from collections.abc import Iterable
from contextlib import contextmanager
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


@contextmanager
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
    """Collects files in a staging folder, then swaps it in with publish()."""

    def __init__(self, target: Path):
        self.target = Path(target)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        clear_debris(self.target)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.building-", dir=self.target.parent))
        os.chmod(
            self.staging, 0o777 & ~_umask()
        )  # mkdtemp makes it 0700: a web server running as another user could not read it
        self.has_live = self.target.is_dir()  # a first build need not look for live copies
        self.written: set[str] = set()
        self.changed: list[str] = []
        self.folders: set[str] = set()

    def write(self, relative: str, content: str | bytes) -> None:
        path = self._claim(relative)
        data = content.encode("utf-8") if isinstance(content, str) else content
        if self.has_live:
            live = sanitised_join(self.target, relative)
            try:
                if os.stat(live).st_size == len(data):
                    with open(live, "rb") as file:
                        if file.read() == data:
                            os.link(live, path)
                            return
            except OSError:  # no live copy (or not a file): write it
                pass
        with open(path, "wb") as file:
            file.write(data)
        self.changed.append(relative)

    def write_parts(self, relative: str, parts: Iterable[bytes]) -> None:
        """write() for a file too large to hold at once (claims.json at 100,000 claims is 80 MB):
        written part by part, then replaced by a link to the live copy if its bytes are the same."""
        path = self._claim(relative)
        with open(path, "wb") as file:
            file.writelines(parts)
        live = sanitised_join(self.target, relative)
        if self.has_live and os.path.isfile(live) and filecmp.cmp(live, path, shallow=False):
            os.unlink(path)
            os.link(live, path)
            return
        self.changed.append(relative)

    def _claim(self, relative: str) -> str:
        """The staging path of a file about to be written, its folder made; each file once."""
        if relative in self.written:
            raise KBError(f"two pages want to be written as {relative}")
        path = sanitised_join(self.staging, relative)
        self.written.add(relative)
        self._folder(os.path.dirname(path))
        return path

    def reuse(self, relative: str) -> bool:
        """Hard-link the live copy of a page known to be unchanged; False if there is none."""
        normal = _inside(relative, self.staging)
        path = f"{self.staging}/{normal}"
        try:
            self._folder(os.path.dirname(path))
            os.link(f"{self.target}/{normal}", path)
        except OSError:
            return False
        self.written.add(relative)
        return True

    def _folder(self, folder: str) -> None:
        if folder not in self.folders:
            os.makedirs(folder, exist_ok=True)
            self.folders.add(folder)

    def publish(self) -> None:
        """Swap the staging folder in. Where the OS can exchange two folders in one step there is
        never a moment without a site; the old one is left under the staging name, which the
        next build clears if this one is killed before removing it."""
        if self.target.exists() and _exchange(self.staging, self.target):
            shutil.rmtree(self.staging, ignore_errors=True)
            return
        old = None
        if self.target.exists():
            old = self.target.with_name(f".{self.target.name}.building-old-{os.getpid()}")
            os.rename(self.target, old)
        os.rename(self.staging, self.target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def abandon(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
