"""Site-wide search with Pagefind. The claim, subject and source pages are indexed at build time by
Pagefind's binary from PyPI, so nothing is fetched when a reader searches.

Pagefind holds about 100 KB per page in memory while it indexes (18 GB for a site of 100,000
claims in one run), so the pages are split into shards of at most SHARD_PAGES, each indexed on
its own into pagefind/<shard>/ and merged by the search page in the browser. A page's shard is a
hash of its path, so one edited or added claim re-indexes its shard alone; the shard count is a
power of two, so it changes (and everything is re-indexed) only when the site doubles.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import zlib
from pathlib import Path

from kb.errors import KBError
from kb.site.write import SiteWriter

SEARCH_DIR = "pagefind"
SEARCHABLE = ("claim.html", "subject.html", "source.html")  # templates of the pages indexed
SHARD_PAGES = 2_500
PARALLEL_RUNS = 4  # Pagefind runs at once (each on one core), at most one per core


def shard_count(pages: int) -> int:
    """The fewest shards, a power of two, that keep each under SHARD_PAGES."""
    count = 1
    while count * SHARD_PAGES < pages:
        count *= 2
    return count


def pagefind_binary() -> Path | None:
    """Pagefind's executable, where the pagefind[bin] package is installed."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return None
    return get_executable()


def index_site(writer: SiteWriter, pages: list[str], previous: dict) -> dict[str, str]:
    """The search index of `pages` (paths in the staging folder): each shard's from the last build,
    hard-linked, where none of its pages changed, else Pagefind's new one. Returns each shard's
    digest of its page list, for the next build; `previous` is the last build's. A failed
    indexing fails the build, leaving the old site."""
    count = shard_count(len(pages))
    shards: dict[str, list[str]] = {str(k): [] for k in range(count)}
    for path in pages:
        shards[str(zlib.crc32(path.encode()) % count)].append(path)
    digests = {k: _digest(sorted(paths)) for k, paths in shards.items()}
    old_files: dict[str, list[str]] = {}  # the last build's index files, by shard
    for f in previous.get("files", []):
        if f.startswith(f"{SEARCH_DIR}/"):
            old_files.setdefault(f.split("/")[1], []).append(f)
    changed = set(writer.changed)
    stale = [
        k
        for k, paths in shards.items()
        if previous.get("search", {}).get(k) != digests[k]
        or changed.intersection(paths)
        or not _reuse_shard(writer, old_files.get(k, []))
    ]
    if stale:
        _run_pagefind(writer, {k: shards[k] for k in stale})
    return digests


def _digest(paths: list[str]) -> str:
    return hashlib.blake2b("\n".join(paths).encode(), digest_size=16).hexdigest()


def _reuse_shard(writer: SiteWriter, files: list[str]) -> bool:
    """Keep a shard's files in the live site; if one is missing, none counts as written."""
    if files and all(writer.keep(f) for f in files):
        return True
    writer.written.difference_update(files)
    return False


def _run_pagefind(writer: SiteWriter, shards: dict[str, list[str]]) -> None:
    """Index each shard from a folder of hard links to its pages (so that addresses are the
    site's), at most PARALLEL_RUNS at a time."""
    binary = pagefind_binary()
    if binary is None:
        raise KBError("pagefind is not installed: pip install 'pagefind[bin]', or build with --no-search")
    running: list[tuple[str, subprocess.Popen]] = []
    parallel = max(1, min(PARALLEL_RUNS, os.cpu_count() or 1))
    try:
        for shard, paths in shards.items():
            source = writer.staging / f".{SEARCH_DIR}-{shard}"
            for path in paths:
                (source / path).parent.mkdir(parents=True, exist_ok=True)
                os.link(writer.current(path), source / path)
            output = writer.staging / SEARCH_DIR / shard
            shutil.rmtree(output, ignore_errors=True)  # a shard half reused
            command = [str(binary), "--site", str(source), "--output-path", str(output), "--silent"]
            running.append((shard, subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)))
            if len(running) >= parallel:
                _finish(writer, *running.pop(0))
        while running:
            _finish(writer, *running.pop(0))
    finally:
        for _, process in running:
            process.kill()
            process.wait()
        for shard in shards:
            shutil.rmtree(writer.staging / f".{SEARCH_DIR}-{shard}", ignore_errors=True)


def _finish(writer: SiteWriter, shard: str, process: subprocess.Popen) -> None:
    said, _ = process.communicate()
    if process.returncode != 0:
        last = said.decode(errors="replace").strip().splitlines()[-1:] or [f"exit status {process.returncode}"]
        raise KBError(f"pagefind could not index the site ({last[0]}); kb build --no-search builds it without search")
    output = writer.staging / SEARCH_DIR / shard
    for path in sorted(output.rglob("*")):
        if path.is_file():
            writer.adopt(path.relative_to(writer.staging).as_posix())  # an unchanged file keeps its date
