"""How fast kb build renders the site, and how fast the built index is in a browser: 10,000 and
100,000 generated claims by default.

Prints, for each size, a full build into an empty folder, a no-change rebuild, and a rebuild after
editing one claim's quote, without the search index and then with it (Pagefind, kb build's
default), each run KB_BENCH_REPEATS times (default 3; min and median: this machine's timings vary
by ±20% from run to run), with pages per second. Also runs, as a floor measured in the same
conditions, a plain loop that renders and writes the same pages in one process. Then the peak
memory (resident set size) of `kb build` run as a user runs it, in a process of its own. Then
opens the index in headless Chromium (where Debian's chromium and Playwright are installed) and
prints its first paint, when every claim is searchable, and the time of a search, a filter and a
sort, each until the next frame.
Targets (issue 13): full build within 1.5× of the plain loop, peak memory under 1 GB, a one-edit
rebuild at 10,000 claims under 1 s; index first paint under 1 s and each search, filter or sort
under 100 ms.
Run: python benchmarks/build_site.py [N ...]   (KB_BENCH_DIR=/dev/shm/x keeps the disk out of it)
"""

import functools
import http.server
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time

from corpus import add_claims, cleanup, scratch, seeded_database

from kb import db, writes
from kb.site.build import build_site
from kb.site.listing import DATA_FILE
from kb.site.page import load_pages
from kb.site.pages import build_pages
from kb.site.render import environment

REPEATS = int(os.environ.get("KB_BENCH_REPEATS", "3"))
CHROMIUM = shutil.which("chromium")
KB = os.path.join(os.path.dirname(sys.executable), "kb")  # the command, as installed beside this Python


def check_in_a_process_of_its_own(url: str) -> None:
    """`kb check`, as a user runs it before kb build: the builds timed here then run in a process
    that holds what a build holds, not what checking every claim left behind (with it, one-edit
    rebuilds at 10,000 claims took up to 0.3 s longer)."""
    subprocess.run([KB, "--db", url, "check"], capture_output=True, check=True)


def build_peak_mb(url: str, out, search: bool) -> tuple[float, float]:
    """Seconds and peak memory of `kb build` as a user runs it, in a process of its own: this
    process also holds what its own builds left, and its peak. The peak is the largest resident
    set of the build or of any process it started (render workers, Pagefind), as wait4 reports it;
    forked workers share most of their pages with the build. A small Python process starts the
    build and reads its peak, since a process started straight from this one would inherit this
    one's peak (Linux keeps it across exec)."""
    command = [KB, "--db", url, "build", "--out", str(out), "--search" if search else "--no-search"]
    start = time.perf_counter()
    measured = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True)
    return time.perf_counter() - start, float(measured.stdout) / 1024


MEASURE = """import os, subprocess, sys
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(process.pid, 0)
sys.exit(os.waitstatus_to_exitcode(status)) if status else print(usage.ru_maxrss)
"""


def file_creation_baseline(folder, count: int) -> float:
    """Seconds a bare loop takes to create `count` 10 KB files here: the floor any build pays for
    writing its pages, and on this machine's disk the noisiest part of the figures."""
    target = folder / "baseline"
    target.mkdir()
    data = b"x" * 10_000
    start = time.perf_counter()
    for i in range(count):
        with open(target / f"{i}.html", "wb") as file:
            file.write(data)
    elapsed = time.perf_counter() - start
    shutil.rmtree(target)
    return elapsed


def plain_render(engine, out) -> float:
    """The floor to compare with: the same pages rendered and written by a plain loop in one
    process (no fingerprints, manifest, staging folder, downloads or workers)."""
    env = environment()
    with db.transaction(engine) as session:
        start = time.perf_counter()
        pages, _ = build_pages(session)
        for first in range(0, len(pages), 1_000):  # what pages load (a claim's details), read 1,000 at a time
            batch = pages[first : first + 1_000]
            load_pages(batch)
            for page in batch:
                html = env.get_template(page.template).render(
                    page=page,
                    root=page.root,
                    base_url="",
                    **page.context,
                    **page.prepared,
                    **{name: compute() for name, compute in page.lazy.items()},
                )
                path = out / page.save_as
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(html)
                page.prepared = {}
        return time.perf_counter() - start


def timed_build(engine, out, edit: str | None = None, search: bool = False):
    with db.transaction(engine) as session:
        if edit:
            writes.edit_claim(session, "generated-000000", {"quote": edit})
    with db.transaction(engine) as session:
        start = time.perf_counter()
        result = build_site(session, out, search=search)
        return time.perf_counter() - start, result


def report(n: int, label: str, timings: list[float], result) -> float:
    best, median = min(timings), statistics.median(timings)
    print(
        f"{n:>6,} claims, {label:<17}: {result.pages:,} pages, {len(result.changed):,} files written; "
        f"min {best:.2f} s, median {median:.2f} s ({result.pages / median:,.0f} pages/s)"
    )
    return median


def main(sizes: list[int]) -> None:
    for n in sizes:
        folder = scratch()
        try:
            url = seeded_database(folder)
            add_claims(url, n)
            check_in_a_process_of_its_own(url)
            engine = db.make_engine(url)
            out, searchable = folder / "site", folder / "site-with-search"
            runs: dict[str, list] = {"full build": [], "no-change rebuild": [], "one-edit rebuild": []}
            runs |= {"full + search": [], "one-edit + search": []}
            for _ in range(REPEATS):
                shutil.rmtree(out, ignore_errors=True)
                runs["full build"].append(timed_build(engine, out))
            for _ in range(REPEATS):
                runs["no-change rebuild"].append(timed_build(engine, out))
            for i in range(REPEATS):
                runs["one-edit rebuild"].append(timed_build(engine, out, edit=f"Edited claim, take {i}."))
            for _ in range(REPEATS):  # the same builds with Pagefind's index (kb build's default)
                shutil.rmtree(searchable, ignore_errors=True)
                runs["full + search"].append(timed_build(engine, searchable, search=True))
            for i in range(REPEATS):
                edit = f"Edited again, take {i}."
                runs["one-edit + search"].append(timed_build(engine, searchable, edit=edit, search=True))
            medians = {label: report(n, label, [t for t, _ in done], done[-1][1]) for label, done in runs.items()}
            plain = []
            for _ in range(REPEATS):
                shutil.rmtree(folder / "plain", ignore_errors=True)
                plain.append(plain_render(engine, folder / "plain"))
            print(
                f"{n:>6,} claims, plain render loop: min {min(plain):.2f} s, median {statistics.median(plain):.2f} s; "
                f"full build / plain loop = {medians['full build'] / statistics.median(plain):.2f}"
            )
            print(
                f"{n:>6,} claims: for scale, a bare loop creating {n:,} files of 10 KB in the same folder takes "
                f"{file_creation_baseline(folder, n):.2f} s"
            )
            full = medians["full build"]
            print(
                f"{n:>6,} claims: no-change rebuild/full = {medians['no-change rebuild'] / full:.0%}, "
                f"one-edit rebuild/full = {medians['one-edit rebuild'] / full:.0%}"
            )
            for search in (False, True):
                seconds, peak = build_peak_mb(url, folder / "site-fresh-process", search)
                print(
                    f"{n:>6,} claims: kb build{' --no-search' * (not search)} in a fresh process, into an empty "
                    f"folder: {seconds:.1f} s, peak memory {peak:,.0f} MB"
                )
                with db.transaction(engine) as session:
                    writes.edit_claim(session, "generated-000000", {"quote": f"Edited by hand, search {search}."})
                seconds, _ = build_peak_mb(url, folder / "site-fresh-process", search)
                print(
                    f"{n:>6,} claims: the same after one edit, as a user runs it (Python's start and imports "
                    f"included): {seconds:.2f} s"
                )
                shutil.rmtree(folder / "site-fresh-process")
            engine.dispose()
            browser_timings(n, out)
        finally:
            cleanup(folder)


# Runs in the page: does one thing to the index and waits for the frame that shows it.
TIMED = """async (action) => {
  const q = document.getElementById("q"), verdict = document.getElementById("f-verdict");
  const start = performance.now();
  const changed = (field) => field.dispatchEvent(new Event("input", {bubbles: true}));
  if (action === "search") { q.value = q.value === "gpt" ? "claimant 4" : "gpt"; changed(q); }
  if (action === "filter") { verdict.value = verdict.value ? "" : "implausible"; changed(verdict); }
  if (action === "sort") { document.querySelectorAll("#claims thead button")[6].click(); }
  await new Promise((done) => requestAnimationFrame(() => setTimeout(done)));
  return performance.now() - start;
}"""


def browser_timings(n: int, site) -> None:
    """The built index in headless Chromium, served over HTTP as a reader would get it."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if not CHROMIUM or sync_playwright is None:
        print(f"{n:>6,} claims: no browser timings (needs Debian's chromium and playwright: make install-test)")
        return
    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html")
            page.wait_for_selector("#filters:not([hidden])", timeout=120_000)
            paint = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
            ready = page.evaluate("performance.now()")
            size = (site / "index.html").stat().st_size / 1e3
            data = (site / DATA_FILE).stat().st_size / 1e6
            print(
                f"{n:>6,} claims, browser: index.html {size:,.0f} kB, first paint {paint:,.0f} ms; "
                f"every claim searchable after {ready:,.0f} ms ({DATA_FILE} {data:,.1f} MB)"
            )
            first_sort = page.evaluate(TIMED, "sort")
            actions = ("search", "filter", "sort")
            times = {action: [page.evaluate(TIMED, action) for _ in range(6)] for action in actions}
            print(
                f"{n:>6,} claims, browser: first sort {first_sort:,.0f} ms; then median "
                + ", ".join(f"{action} {statistics.median(t):,.0f} ms" for action, t in times.items())
                + " (each until the next frame)"
            )
            browser.close()
    finally:
        server.shutdown()


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
