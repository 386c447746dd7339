"""kb build: pages, downloads, feed and sitemap, written atomically."""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import hashlib
import heapq
import itertools
import json
import multiprocessing
import os
import pickle
import signal
import urllib.parse
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import jinja2
from sqlmodel import Session

from kb import store
from kb.errors import KBError
from kb.site.downloads import write_downloads
from kb.site.listing import DATA_FILE, DATA_GLOBAL
from kb.site.page import Page, load_pages
from kb.site.pages import SiteViews, site_pages, site_views
from kb.site.render import DEFAULT_TEMPLATES, compiled_environment
from kb.site.search import SEARCHABLE, index_site
from kb.site.write import SiteWriter, clear_debris, exclusive, files_in
from kb.timestamps import iso_utc


@dataclass
class BuildResult:
    pages: int
    files: int
    changed: list[str]
    up_to_date: bool = False  # nothing had changed since the last build, so nothing was done


def build_site(
    session: Session,
    out: Path,
    base_url: str = "",
    templates: Path | None = None,
    progress=None,
    fail_after: int | None = None,
    workers: int | None = None,
    search: bool = True,
) -> BuildResult:
    """Render everything into a staging folder and swap it in; nothing changes on failure.

    If the database, the templates, the code and the base URL are what the last build saw and
    its files are all there, the site is up to date and nothing is done. Otherwise only the pages
    that show a claim whose view changed are built again, where the last build differed only in
    claims (see _scope), else every page; each is fingerprinted and only the changed ones are
    rendered. `progress(n)` is called as pages are rendered; `fail_after` makes the build raise
    after that many pages (tests use it to
    prove a failed build leaves the old site in place). Large sites are rendered by `workers`
    forked processes (default: one per core past PARALLEL_PAGES pages). Only one build of a
    site runs at a time; a second one is refused.
    """
    refuse_foreign(Path(out))
    with exclusive(out), _collector_skips_what_is_built():
        templates = templates or DEFAULT_TEMPLATES
        arguments = (session, Path(out), base_url, templates, progress, fail_after, workers, search)
        try:
            return _build(*arguments)
        except _Stale:  # the site is not what the last build left: build every page
            return _build(*arguments, reuse_last=False)


class _Stale(Exception):
    """A page the last build made, to be kept as it is, is not in its manifest."""


@contextlib.contextmanager
def _collector_skips_what_is_built():
    """A build holds a million objects (its pages), none in cycles, and the caller may hold more:
    left to it, the cyclic collector would walk them all again and again (a fifth of a one-edit
    rebuild). Whatever exists is frozen out of its sight as the build starts, and again once the
    pages are built; forked workers then also leave the pages shared."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _build(
    session: Session,
    out: Path,
    base_url: str,
    templates: Path,
    progress,
    fail_after: int | None,
    workers: int | None,
    search: bool,
    reuse_last: bool = True,
) -> BuildResult:
    previous = _read_manifest(out)
    templates_digest = _templates_digest(templates)
    salt = templates_digest + _code_digest() + base_url + ("+search" if search else "")
    with _collector_ignores_new_objects():  # the rows (the collector ran 30 times while they were read)
        snapshot = store.Snapshot(session)
    manifest: dict = {"state": snapshot.digest() + salt}
    if fail_after is None and previous["state"] == manifest["state"] and _intact(out, previous["files"]):
        clear_debris(out)
        return BuildResult(len(previous["pages"]), len(previous["files"]), [], up_to_date=True)
    if progress:
        progress(0)  # a build is needed: let the bar appear now
    env = compiled_environment(templates, templates_digest)
    writer = SiteWriter(out)
    try:
        memo: dict[int, bytes] = {}
        with _collector_ignores_new_objects():
            tables = {name: digest for name, digest in snapshot.digests.items() if name not in CLAIM_TABLES}
            stored = _stored_claims(snapshot, (salt + json.dumps(tables, sort_keys=True)).encode())
            site = site_views(session, snapshot)
            del snapshot  # its rows are in the site's data now
            claims, digests = _digest_claims(site, stored, memo)
            manifest |= {"salt": salt, "tables": tables, "claims": claims}
            intact = reuse_last and fail_after is None and writer.live.issuperset(previous["files"])
            scope = _scope(previous, manifest) if intact else None
            site.complete(scope)
            memo |= {id(v): d for v, shown, d in zip(site.views, site.briefs, digests, strict=True) if v is not shown}
            pages, downloads = site_pages(session, site, base_url, search, scope)
        job = _Job(pages, env, salt, base_url, writer, previous["pages"], memo, digests, fail_after=fail_after)
        _render_and_publish(job, templates, downloads, manifest, previous, workers, search, progress)
    except BaseException:
        writer.abandon()
        raise
    return BuildResult(len(pages), len(writer.written), writer.changed)


def _render_and_publish(
    job: _Job,
    templates: Path,
    downloads: dict,
    manifest: dict,
    previous: dict,
    workers: int | None,
    search: bool,
    progress,
) -> None:
    """Renders the pages that changed (across `workers` processes where there are many), writes
    everything else, and publishes the site."""
    pages, writer = job.pages, job.writer
    if workers is None:
        workers = min(os.cpu_count() or 1, MAX_WORKERS) if len(pages) > PARALLEL_PAGES else 1
    parallel = workers > 1 and job.fail_after is None

    def write_the_rest():  # while the workers render the pages, when there are workers
        manifest["downloads"] = _write_files(writer, job, templates, downloads, previous.get("downloads") or {})

    results, todo = _sort_out(job, progress)
    in_processes = parallel and len(todo) > PARALLEL_PAGES  # forking a large process costs more than a few pages
    if not in_processes:
        write_the_rest()
    batches = [todo[start : start + BATCH_PAGES] for start in range(0, len(todo), BATCH_PAGES)]
    load_pages([pages[i] for i in batches[0]] if batches else [])
    for n, batch in enumerate(batches):
        following = [pages[i] for i in batches[n + 1]] if n + 1 < len(batches) else []
        read_next = functools.partial(load_pages, following)  # while this batch renders, where it can
        if in_processes:
            meanwhile = _one_after_the_other(write_the_rest, read_next) if n == 0 else read_next
            results.extend(_in_processes(job, batch, workers, meanwhile, progress))
        else:
            results.extend(_render_serially(job, batch, progress))
            read_next()
        for i in batch:
            pages[i].prepared = {}  # what was loaded for a batch goes with it
    searchable = [p.save_as for p in pages if p.template in SEARCHABLE] if search else None
    _publish(writer, results, manifest, previous, searchable)


def _one_after_the_other(*steps):
    def run() -> None:
        for step in steps:
            step()

    return run


@contextlib.contextmanager
def _collector_ignores_new_objects():
    """Building the pages allocates a million objects, none in cycles: the collector need not
    scan them, then or later (see _collector_skips_what_is_built)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


CLAIM_TABLES = ("claim", "evaluation", "assumption")  # rows a claim's view is made from


def _scope(previous: dict, manifest: dict) -> set[str] | None:
    """The addresses of the subjects and sources whose pages show a claim that changed since the
    last build (its view's digest differs, or it is new or gone), as it was then or is now: only
    their pages and their claims' are built again. None (build every page) unless the last build
    had the same code, templates and settings and the same rows outside the claims'."""
    if previous.get("salt") != manifest["salt"] or previous.get("tables") != manifest["tables"]:
        return None
    before, now = previous.get("claims") or {}, manifest["claims"]
    scope: set[str] = set()
    for slug in before.keys() | now.keys():
        if before.get(slug) != now.get(slug):
            for shown in (before.get(slug), now.get(slug)):
                if isinstance(shown, str):
                    scope.update(shown.split(PLACED)[1:])
    return scope


def _write_files(writer: SiteWriter, job: _Job, templates: Path, downloads: dict, last: dict) -> dict:
    """Everything but the pages: downloads, feeds, static files. Returns what the manifest keeps
    of the downloads, given `last`, what the last build's manifest kept."""
    site = downloads["site"]
    kept = write_downloads(writer, site.briefs, site.view, job.digests, last)
    listing = json.dumps(downloads["listing"], ensure_ascii=False, separators=(",", ":"))
    writer.write(DATA_FILE, f"window.{DATA_GLOBAL} = {listing};\n")  # the index's data
    _write_feeds(writer, job.env, job.pages, site, job.base_url)
    static = templates / "static"
    for path in sorted(static.rglob("*")):
        if path.is_file():
            writer.write(f"static/{path.relative_to(static)}", path.read_bytes())
    if (templates / "favicon.ico").is_file():  # browsers ask for /favicon.ico whatever the page says
        writer.write("favicon.ico", (templates / "favicon.ico").read_bytes())
    writer.write(".gitkeep", b"")
    return kept


def _sort_out(job: _Job, progress) -> tuple[list[tuple[str, str, bool]], list[int]]:
    """Fingerprints every page; one whose fingerprint is the last build's keeps its live file, as
    does a page reused as it is. Returns (path, fingerprint, False) for each page kept, and the
    positions of the pages to render, in order; each page's fingerprint is kept in the job."""
    job.fingerprints = []
    kept, todo = [], []
    for i, page in enumerate(job.pages):
        _count(job)
        if page.reused:
            fingerprint = job.previous.get(page.save_as)
            if fingerprint is None or not job.writer.keep(page.save_as):
                raise _Stale(page.save_as)
            job.fingerprints.append(fingerprint)
            kept.append((page.save_as, fingerprint, False))
            continue
        fingerprint = _fingerprint(job.salt, page, job.memo)
        job.fingerprints.append(fingerprint)
        if job.previous.get(page.save_as) == fingerprint and job.writer.keep(page.save_as):
            kept.append((page.save_as, fingerprint, False))
        else:
            todo.append(i)
    if progress and kept:
        progress(len(kept))
    return kept, todo


def _render_serially(job: _Job, indices: list[int], progress) -> list[tuple[str, str, bool]]:
    results = []
    for i in indices:
        _count(job)
        results.extend(_render(job, [i]))
        if progress:
            progress(1)
    return results


def _publish(
    writer: SiteWriter,
    results: list[tuple[str, str, bool]],
    manifest: dict,
    previous: dict,
    searchable: list[str] | None,
) -> None:
    """The search index of the `searchable` pages (None: no index), the manifest written last,
    then the new site swapped in for the old in one step. `previous` is the last build's manifest."""
    writer.written.update(save_as for save_as, _, _ in results)  # workers' writers were copies
    writer.changed = sorted(set(writer.changed) | {save_as for save_as, _, changed in results if changed})
    if searchable is not None:
        manifest["search"] = index_site(writer, searchable, previous)
        writer.changed.sort()
    manifest["pages"] = {save_as: fingerprint for save_as, fingerprint, _ in results}
    manifest["files"] = sorted(writer.written | {MANIFEST})
    writer.write(MANIFEST, json.dumps(manifest, sort_keys=True, separators=(",", ":")))  # indenting is 10× slower
    writer.publish(last=MANIFEST)


PARALLEL_PAGES = 2_000
MAX_WORKERS = 4
BATCH_PAGES = 4_000  # pages whose loaded parts (a claim's details) are held at once: memory stays bounded


@dataclass
class _Job:
    pages: list[Page]
    env: jinja2.Environment
    salt: str
    base_url: str
    writer: SiteWriter
    previous: dict[str, str]  # the last build's fingerprint of each page, by path
    memo: dict[int, bytes] = field(default_factory=dict)  # digests of the dicts pages share
    digests: list[bytes] = field(default_factory=list)  # each claim's view's, by slug
    fail_after: int | None = None  # tests: raise after this many pages, kept or rendered
    fingerprints: list[str] = field(default_factory=list)  # each page's, in order
    done: int = 0


def _count(job: _Job) -> None:
    """Counts a page done; raises where a test asked for a failure."""
    if job.fail_after is not None and job.done >= job.fail_after:
        raise RuntimeError(f"injected failure after {job.fail_after} pages")
    job.done += 1


def _render(job: _Job, indices) -> list[tuple[str, str, bool]]:
    """Renders and writes these pages. Returns (path, fingerprint, file changed) per page, so
    that a forked worker can report back what it did."""
    results = []
    for i in indices:
        page = job.pages[i]
        html = job.env.get_template(page.template).render(
            page=page,
            root=_root(page, job.base_url),
            base_url=job.base_url,
            **page.context,
            **page.prepared,
            **{name: compute() for name, compute in page.lazy.items()},
        )
        before = len(job.writer.changed)
        job.writer.write(page.save_as, html)
        results.append((page.save_as, job.fingerprints[i], len(job.writer.changed) > before))
    return results


_FORKED_JOB: _Job | None = None  # set just before forking; workers read it from their copy of memory


def _render_chunk(indices: list[int]) -> list[tuple[str, str, bool]]:
    assert _FORKED_JOB is not None  # set in the parent before the fork
    return _render(_FORKED_JOB, indices)


def _in_processes(job: _Job, indices: list[int], workers: int, meanwhile=None, progress=None) -> list:
    """These pages rendered across forked processes, which inherit the pages and what was loaded
    for them, and never touch the database; the parent runs `meanwhile` as they start, and reports
    each chunk done to `progress`."""
    global _FORKED_JOB
    chunks = [indices[start :: workers * 8] for start in range(workers * 8)]
    _FORKED_JOB = job
    results = []
    gc.freeze()  # what was loaded for these pages too: the workers' collector leaves it shared
    try:
        pool = multiprocessing.get_context("fork").Pool(workers, _die_with_the_parent, (os.getpid(),))
        with pool:
            parts = pool.imap_unordered(_render_chunk, chunks)
            if meanwhile:
                meanwhile()
            for part in parts:
                results.extend(part)
                if progress:
                    progress(len(part))
    finally:
        _FORKED_JOB = None
    return results


def _die_with_the_parent(parent: int) -> None:
    """A render worker must not outlive a killed build: it shares the build's lock (a flock, which
    the fork hands down), and the next build would be refused while the worker ran on."""
    prctl = getattr(ctypes.CDLL(None), "prctl", None)
    if prctl is not None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the build died before the line above
        os._exit(1)


PR_SET_PDEATHSIG = 1  # Linux prctl(2): the signal a process gets when its parent dies
MANIFEST = ".manifest.json"


class NotASite(KBError):
    """The output folder holds something kb build did not make."""


def refuse_foreign(out: Path) -> None:
    """kb build replaces its output folder as a whole, so it writes only into a folder that does
    not exist yet, is empty, or holds a site it built before (its manifest is the marker)."""
    if not out.exists() and not out.is_symlink():
        return
    if not out.is_dir() or out.is_symlink():
        raise NotASite(f"--out {out} is not a folder; give a new or empty folder, or one kb build made")
    if (out / MANIFEST).is_file():
        return
    if any(entry.name not in PLACEHOLDERS for entry in os.scandir(out)):
        raise NotASite(
            f"--out {out} holds files kb build did not make; give a new or empty folder, "
            "or one kb build made (it would be replaced as a whole)"
        )


PLACEHOLDERS = {".gitkeep"}  # an otherwise empty folder kept in version control


def _read_manifest(out: Path) -> dict:
    """What the last build recorded: its state digest, page fingerprints and files."""
    try:
        manifest = json.loads((out / MANIFEST).read_text())
        if all(isinstance(manifest.get(key), kind) for key, kind in MANIFEST_KINDS.items()):
            return manifest
    except (OSError, ValueError, AttributeError):
        pass
    return {"state": None, "pages": {}, "files": [], "claims": {}}


MANIFEST_KINDS = {"pages": dict, "files": list, "claims": dict}


def _intact(out: Path, files: list[str]) -> bool:
    """Whether every file the last build wrote is still there."""
    return bool(files) and files_in(out).issuperset(files)


@functools.cache
def _code_digest() -> str:
    """The pages are computed by the kb package and rendered by Jinja2 and MarkupSafe, so a new
    version of any of them means a new site."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{metadata.version('jinja2')} {metadata.version('markupsafe')}".encode())
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode() + path.read_bytes())
    return digest.hexdigest()


def _templates_digest(templates: Path) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(templates.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(templates)).encode() + path.read_bytes())
    return digest.hexdigest()


def _fingerprint(salt: str, page: Page, memo: dict[int, bytes]) -> str:
    """A digest of everything a page shows, so an unchanged page is not even rendered again.

    Pickle is a fast, exact serialisation of the context; a different Python that pickles
    differently only costs one full render. A claim's dict appears on many pages (its own, its
    subject's, its source's, its neighbours'), so each dict is digested once per build (`memo`)
    and a page's own digest covers those digests instead.
    """
    parts: list = [salt, page.template, page.title]
    for key, value in page.context.items():
        parts.append(key)
        if value.__class__ is dict:
            parts.append(_digest(value, memo))
        elif value.__class__ is list and value and value[0].__class__ is dict:
            parts.append(_digests(value, memo))
        else:
            parts.append(value)
    return hashlib.blake2b(pickle.dumps(parts, protocol=5), digest_size=16).hexdigest()


def _stored_claims(snapshot: store.Snapshot, context: bytes) -> dict[str, bytes]:
    """A digest of each claim's stored rows (its own, its evaluations', its assumptions'), by slug.
    A claim's view is made from these, from the other tables' rows and by code that `context`
    stands for, and, for a claim never checked, from its verdict computed now (see _digest_claims):
    digesting the rows is four times faster than digesting the views made from them."""
    columns, rows = snapshot.columns, snapshot.rows
    evaluations: dict[int, list] = {}
    assumptions: dict[int, list] = {}
    for table, grouped in (("evaluation", evaluations), ("assumption", assumptions)):
        at = columns[table].index("claim_id")
        for row in rows[table]:
            grouped.setdefault(row[at], []).append(row)
    id_at, slug_at = columns["claim"].index("id"), columns["claim"].index("slug")
    key = hashlib.blake2b(context, digest_size=32).digest()  # a keyed digest: the context, once
    return {
        row[slug_at]: hashlib.blake2b(
            pickle.dumps((row, evaluations.get(row[id_at]), assumptions.get(row[id_at])), protocol=5),
            digest_size=16,
            key=key,
        ).digest()
        for row in rows["claim"]
    }


def _digest_claims(site: SiteViews, stored: dict[str, bytes], memo: dict[int, bytes]) -> tuple[dict, list[bytes]]:
    """Each claim's view digested once for every page that shows it, and its brief by the view's
    digest: both are made from the claim's stored rows by code the salt covers, so one digest
    stands for both. A view's digest is its stored rows' (`stored`, by slug) and, for a claim never
    checked, its verdict computed now. Returns, by slug, each claim's digest and the addresses of
    its subject's and source's pages, joined by PLACED, which the next build compares with its own
    (see _scope), and the digests in the claims' order; the briefs' are put in `memo`."""
    claims, digests = {}, []
    for shown in site.briefs:
        digest = stored[shown["slug"]]
        if shown["details_key"].__class__ is str and shown["details_key"]:  # a verdict computed now
            digest = hashlib.blake2b(digest + shown["details_key"].encode(), digest_size=16).digest()
        digests.append(digest)
        memo[id(shown)] = hashlib.blake2b(b"brief" + digest, digest_size=16).digest()
        claims[shown["slug"]] = PLACED.join((digest.hex(), shown["subject_url"], shown["source_url"]))
    return claims, digests


# Joins a claim's digest and its pages' addresses in the manifest: one string a claim is read and
# written three times faster than a list, and no address holds a NUL (kb.site.write refuses it).
PLACED = "\0"


def _digest(item, memo: dict[int, bytes]) -> bytes:
    key = id(item)
    if key not in memo:
        memo[key] = hashlib.blake2b(pickle.dumps(item, protocol=5), digest_size=16).digest()
    return memo[key]


def _digests(items: list, memo: dict[int, bytes]) -> bytes:
    """The digests of a list's items, one after another; a list many pages share (a subject's
    first claims, on each of its claims' pages) is digested once."""
    key = id(items)
    if key not in memo:
        try:  # each item's digest is nearly always known: claims are digested first
            memo[key] = b"".join([memo[id(item)] for item in items])
        except KeyError:
            memo[key] = b"".join([_digest(item, memo) for item in items])
    return memo[key]


def _root(page: Page, base_url: str) -> str:
    """How links on a page start. The 404 page is served at any depth (/claims/no-such.html), so
    its links are absolute: the base URL's path, or the server's root."""
    if page.save_as != "404.html":
        return page.root
    return urllib.parse.urlsplit(base_url).path.rstrip("/") + "/" if base_url else "/"


def _absolute(base_url: str, relative: str) -> str:
    return f"{base_url.rstrip('/')}/{relative}"


def _feed_id(base_url: str, relative: str) -> str:
    """An Atom id: the page's address, or without a base URL a tag: URI that stays the same."""
    return _absolute(base_url, relative) if base_url else f"tag:costcheck.invalid,2024:{relative}"


SITEMAP_URLS = 50_000  # the most addresses one sitemap file may list (sitemaps.org)


def _write_sitemaps(writer: SiteWriter, env, urls: list[dict], base_url: str) -> None:
    """sitemap.xml lists every page; past what one sitemap may list (a site of more than 50,000
    pages), it is an index of sitemap-1.xml, sitemap-2.xml, …, each listing up to 50,000 of them."""
    if len(urls) <= SITEMAP_URLS:
        writer.write("sitemap.xml", env.get_template("sitemap.xml").render(urls=urls))
        return
    parts = []
    for n, start in enumerate(range(0, len(urls), SITEMAP_URLS), 1):
        name, part = f"sitemap-{n}.xml", urls[start : start + SITEMAP_URLS]
        writer.write(name, env.get_template("sitemap.xml").render(urls=part))
        lastmod = max((u["lastmod"] for u in part if u["lastmod"]), default=None)
        parts.append({"loc": _absolute(base_url, name), "lastmod": lastmod})
    writer.write("sitemap.xml", env.get_template("sitemap-index.xml").render(sitemaps=parts))


def _write_feeds(writer: SiteWriter, env, pages: list[Page], site: SiteViews, base_url: str) -> None:
    """The Atom feed, robots.txt and, with a base URL, the sitemap (whose addresses must be absolute)."""
    briefs, times = site.briefs, site.times
    newest = [i for _, i in heapq.nlargest(100, zip(times, itertools.count()))]  # by time added, then slug
    updated = max((updated_at for *_, updated_at in times), default=None)
    feed = env.get_template("atom.xml").render(
        entries=[
            {
                **site.view(i),
                "id": _feed_id(base_url, briefs[i]["url"]),
                "link": _absolute(base_url, briefs[i]["url"]) if base_url else None,
                "created": iso_utc(times[i][0]),
                "updated": iso_utc(times[i][2]),
            }
            for i in newest
        ],
        updated=iso_utc(updated) if updated else "1970-01-01T00:00:00+00:00",
        id=_feed_id(base_url, "feed.xml"),
        self_link=_absolute(base_url, "feed.xml") if base_url else None,
        home=_absolute(base_url, "index.html") if base_url else None,
    )
    writer.write("feed.xml", feed)
    robots = "User-agent: *\nAllow: /\n"
    if base_url:
        lastmod = {
            shown["url"]: iso_utc(updated_at)[:10] for shown, (*_, updated_at) in zip(briefs, times, strict=True)
        }
        urls = [
            {"loc": _absolute(base_url, p.save_as), "lastmod": lastmod.get(p.save_as)}
            for p in pages
            if p.save_as != "404.html"
        ]
        _write_sitemaps(writer, env, urls, base_url)
        robots += f"Sitemap: {_absolute(base_url, 'sitemap.xml')}\n"
    writer.write("robots.txt", robots)
