"""A knowledge base with N generated claims on top of the seed corpus, for benchmarks."""

from __future__ import annotations

import os
import random
import shutil
import tempfile
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import insert
from sqlmodel import select

from kb import db
from kb.cli import cli
from kb.models import Claim, Source, Subject, utc_now

ROOT = Path(__file__).resolve().parent.parent
QUANTITIES = [
    ("training_cost_usd", "$"),
    ("gpu_hours", ""),
    ("energy_mwh", ""),
    ("parameters", ""),
    ("training_flop", ""),
    ("num_gpus", ""),
]


def seeded_database(folder: Path) -> str:
    path = folder / "kb.db"
    result = CliRunner().invoke(cli, ["--db", str(path), "--sources", str(ROOT / "sources"), "init"])
    assert result.exit_code == 0, result.output
    return f"sqlite:///{path}"


def add_claims(url: str, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    engine = db.make_engine(url)
    with db.transaction(engine) as session:
        # spread over the seed's models and sources, as articles spread them: one source with every
        # claim would make its page list them all (2.5 MB of HTML at 10,000 claims)
        models = [s.id for s in session.exec(select(Subject).where(Subject.kind == "model"))]
        sources = [s.id for s in session.exec(select(Source))]
        now = utc_now()
        rows = []
        for i in range(n):
            quantity, symbol = rng.choice(QUANTITIES)
            low = 10 ** rng.uniform(3, 24)
            high = low * rng.choice([1, 1, 2, 10])
            rows.append(
                dict(
                    slug=f"generated-{i:06d}",
                    source_id=rng.choice(sources),
                    subject_id=rng.choice(models),
                    quantity=quantity,
                    low=low,
                    high=high,
                    currency="USD" if symbol else None,
                    value=f"{symbol}{low:.3g} to {symbol}{high:.3g}",
                    quote=f"Generated claim {i}.",
                    scope="final_training_run",
                    claimant=f"Claimant {i % 97}",
                    claimed_on=f"{2018 + i % 8}-0{1 + i % 9}-1{i % 10}",
                    status="active",
                    version=1,
                    created_at=now,
                    updated_at=now,
                )
            )
        session.execute(insert(Claim), rows)
    engine.dispose()


def scratch() -> Path:
    """A working folder beside the project (where a real site is built), or in KB_BENCH_DIR
    (e.g. /dev/shm, to take a slow or erratic disk out of the figures)."""
    base = Path(os.environ.get("KB_BENCH_DIR", ROOT / "benchmarks" / ".scratch"))
    base.mkdir(exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="kb-bench-", dir=base))


def cleanup(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
