"""8 processes add 250 claims each at the same time; count what landed.

Prints claims per second and lost/duplicated counts for SQLite (WAL, busy timeout, BEGIN
IMMEDIATE, retry on "locked") and, when KB_TEST_DATABASE_URL points at PostgreSQL (for example
under scripts/postgres.sh), for PostgreSQL too.
Run: python benchmarks/concurrent_writers.py [PROCESSES] [CLAIMS_EACH]
"""

import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from corpus import cleanup, scratch, seeded_database
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from kb import db  # noqa: E402
from tests.workers import add_claims  # noqa: E402


def run(url: str, processes: int, each: int) -> None:
    engine = db.make_engine(url)
    with engine.connect() as c:
        before = c.execute(text("SELECT count(*) FROM claim")).scalar()
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=processes) as pool:
        list(pool.map(add_claims, [url] * processes, range(processes), [each] * processes))
    elapsed = time.perf_counter() - start
    with engine.connect() as c:
        slugs = [r[0] for r in c.execute(text("SELECT slug FROM claim WHERE slug LIKE 'load-%'"))]
    engine.dispose()
    expected = {f"load-{w}-{i}" for w in range(processes) for i in range(each)}
    lost = len(expected - set(slugs))
    duplicated = len(slugs) - len(set(slugs))
    print(
        f"{make_url(url).get_backend_name():>10}: {processes} processes × {each} claims = {len(expected):,} in "
        f"{elapsed:.2f} s: {len(expected) / elapsed:,.0f} claims/s; landed {len(set(slugs)):,}, lost {lost}, "
        f"duplicated {duplicated} (table had {before} claims before)"
    )


def main(processes: int = 8, each: int = 250) -> None:
    folder = scratch()
    try:
        run(seeded_database(folder), processes, each)
        pg = os.environ.get("KB_TEST_DATABASE_URL")
        if pg:
            admin = create_engine(pg, isolation_level="AUTOCOMMIT")
            with admin.connect() as c:
                c.exec_driver_sql('DROP DATABASE IF EXISTS "kb_load" WITH (FORCE)')
                c.exec_driver_sql('CREATE DATABASE "kb_load"')
            url = make_url(pg).set(database="kb_load").render_as_string(hide_password=False)
            from click.testing import CliRunner

            from kb.cli import cli

            root = Path(__file__).resolve().parent.parent
            assert CliRunner().invoke(cli, ["--db", url, "--sources", str(root / "sources"), "init"]).exit_code == 0
            run(url, processes, each)
            with admin.connect() as c:
                c.exec_driver_sql('DROP DATABASE IF EXISTS "kb_load" WITH (FORCE)')
            admin.dispose()
    finally:
        cleanup(folder)


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(*args)
