"""How fast kb build renders the site: 1,000 and 10,000 generated claims.

Prints, for each size, a full build into an empty folder, a no-change rebuild, and a rebuild after
editing one claim's quote, each run REPEATS times (min and median: this machine's timings vary by
±20% from run to run), with pages per second and the peak memory (resident set size).
Also runs, as a floor measured in the same conditions, a plain loop that renders and writes the
same pages in one process. Targets (issue 4): a 10,000-claim build at least 5× faster than
Pelican (~71 s here) and within 1.5× of a plain Jinja2 + SQLite script (~5.7 s), a no-change
rebuild under 20% of a full build, and peak memory under 500 MB.
Run: python benchmarks/build_site.py [N ...]   (KB_BENCH_DIR=/dev/shm/x keeps the disk out of it)
"""

import resource
import shutil
import statistics
import sys
import time

from corpus import add_claims, cleanup, scratch, seeded_database

from kb import db, evaluate, store
from kb.site.build import build_site
from kb.site.pages import build_pages
from kb.site.render import environment

REPEATS = 3


def peak_mb() -> str:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return f"{own:.0f} MB (largest render worker {workers:.0f} MB, mostly pages shared with the parent)"


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
        for page in pages:
            html = env.get_template(page.template).render(
                page=page,
                root=page.root,
                base_url="",
                **page.context,
                **{name: compute() for name, compute in page.lazy.items()},
            )
            path = out / page.save_as
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(html)
        return time.perf_counter() - start


def timed_build(engine, out, edit: str | None = None):
    with db.transaction(engine) as session:
        if edit:
            store.edit_claim(session, "generated-000000", {"quote": edit})
    with db.transaction(engine) as session:
        start = time.perf_counter()
        result = build_site(session, out)
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
            engine = db.make_engine(url)
            with db.transaction(engine) as session:
                evaluate.check_all(session)
            out = folder / "site"
            runs = {"full build": [], "no-change rebuild": [], "one-edit rebuild": []}
            for _ in range(REPEATS):
                shutil.rmtree(out, ignore_errors=True)
                runs["full build"].append(timed_build(engine, out))
            for _ in range(REPEATS):
                runs["no-change rebuild"].append(timed_build(engine, out))
            for i in range(REPEATS):
                runs["one-edit rebuild"].append(timed_build(engine, out, edit=f"Edited claim, take {i}."))
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
                f"one-edit rebuild/full = {medians['one-edit rebuild'] / full:.0%}; peak RSS so far {peak_mb()}"
            )
            engine.dispose()
        finally:
            cleanup(folder)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1_000, 10_000])
