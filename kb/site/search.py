"""Site-wide search with Pagefind. Its index of the claim, subject and source pages (those whose
<main> carries data-pagefind-body) is built into the site at build time by Pagefind's binary from
PyPI, so nothing is fetched when a reader searches, and is rebuilt only when a page changed."""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
from pathlib import Path

from kb.errors import KBError
from kb.site.write import SiteWriter

SEARCH_DIR = "pagefind"


def pagefind_binary() -> Path | None:
    """Pagefind's executable, where the pagefind[bin] package is installed."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return None
    return get_executable()


def index_site(writer: SiteWriter, previous_files: list[str]) -> None:
    """The search index in the staging folder: the last build's, hard-linked, where no page
    changed; else Pagefind's new one. A failed indexing fails the build, leaving the old site."""
    old = [f for f in previous_files if f.startswith(f"{SEARCH_DIR}/")]
    if not writer.changed and old and all(writer.reuse(f) for f in old):
        return
    binary = pagefind_binary()
    if binary is None:
        raise KBError("pagefind is not installed: pip install 'pagefind[bin]', or build with --no-search")
    shutil.rmtree(writer.staging / SEARCH_DIR, ignore_errors=True)
    command = [str(binary), "--site", str(writer.staging), "--output-subdir", SEARCH_DIR, "--silent"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
        raise KBError(f"pagefind could not index the site ({said[0]}); kb build --no-search builds it without search")
    for path in sorted((writer.staging / SEARCH_DIR).rglob("*")):
        if path.is_file():
            relative = path.relative_to(writer.staging).as_posix()
            if not _keep_unchanged(writer.target / relative, path):
                writer.changed.append(relative)
            writer.written.add(relative)
    writer.changed.sort()


def _keep_unchanged(live: Path, fresh: Path) -> bool:
    """A file of the new index that the live site already has, byte for byte, becomes a hard link
    to it: its date stays, so one edited claim changes a handful of the index's files, not all."""
    if live.is_file() and live.stat().st_size == fresh.stat().st_size and filecmp.cmp(live, fresh, shallow=False):
        linked = fresh.with_name(fresh.name + ".link")
        os.link(live, linked)
        os.replace(linked, fresh)
        return True
    return False
