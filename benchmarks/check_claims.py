"""How fast kb check evaluates claims: 10,000 generated claims, 10,000 samples each.

Target (issue 3): all 10,000 in under 5 seconds on a 2-core machine.
Run: python benchmarks/check_claims.py [N]
"""

import sys
import time

from corpus import add_claims, cleanup, scratch, seeded_database

from kb import db, evaluate
from kb.compute import DEFAULT_SAMPLES


def main(n: int = 10_000) -> None:
    folder = scratch()
    try:
        url = seeded_database(folder)
        add_claims(url, n)
        engine = db.make_engine(url)
        with db.transaction(engine) as session:
            start = time.perf_counter()
            results = evaluate.check_all(session, n=DEFAULT_SAMPLES)
            elapsed = time.perf_counter() - start
        verdicts = {}
        for _, v in results:
            verdicts[v.verdict] = verdicts.get(v.verdict, 0) + 1
        print(
            f"checked {len(results):,} claims ({n:,} generated + seed corpus) with {DEFAULT_SAMPLES:,} samples "
            f"each in {elapsed:.2f} s: {len(results) / elapsed:,.0f} claims/s, stored as evaluations"
        )
        print("verdicts:", ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items())))
        engine.dispose()
    finally:
        cleanup(folder)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
