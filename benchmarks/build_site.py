"""How fast kb build renders the site: 1,000 and 10,000 generated claims.

Prints pages per second for a full build, a no-change rebuild and a rebuild after editing one
claim's quote, and the peak memory (resident set size) of the process. Targets (issue 4): a 10,000-claim build at least 5× faster
than Pelican (~71 s here) and within 1.5× of a plain Jinja2 + SQLite script (~5.7 s), a
no-change rebuild under 20% of a full build, and peak memory under 500 MB.
Run: python benchmarks/build_site.py [N ...]
"""

import resource
import sys
import time

from corpus import add_claims, cleanup, scratch, seeded_database

from kb import db, evaluate, store
from kb.site.build import build_site


def peak_mb() -> str:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return f"{own:.0f} MB (largest render worker {workers:.0f} MB, mostly pages shared with the parent)"


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
            timings = []
            for label in ("full build", "no-change rebuild", "one-edit rebuild"):
                with db.transaction(engine) as session:
                    if label == "one-edit rebuild":
                        store.edit_claim(session, "generated-000000", {"quote": "An edited claim."})
                    start = time.perf_counter()
                    result = build_site(session, out)
                    timings.append(time.perf_counter() - start)
                print(f"{n:>6,} claims, {label:<17}: {result.pages:,} pages ({len(result.changed):,} files "
                      f"written) in {timings[-1]:.2f} s = {result.pages / timings[-1]:,.0f} pages/s")
            print(f"{n:>6,} claims: no-change rebuild/full = {timings[1] / timings[0]:.0%}, one-edit rebuild/full = "
                  f"{timings[2] / timings[0]:.0%}; peak RSS so far {peak_mb()}")
            engine.dispose()
        finally:
            cleanup(folder)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1_000, 10_000])
