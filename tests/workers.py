"""Processes that write to one database at the same time (load and fault tests)."""

from __future__ import annotations

import sys

from kb import db, records, writes


def claim_record(worker: int, i: int) -> records.ClaimIn:
    data = {
        "slug": f"load-{worker}-{i}",
        "subject": "GPT-4",
        "quantity": "training_cost_usd",
        "value": f"${1 + i % 90} million",
        "quote": f"Load test claim {i} from worker {worker}.",
        "scope": "unspecified",
        "claimant": f"worker {worker}",
        "assumptions": [{"name": "gpu_hour_price_usd", "value": "$1 to $2 per hour"}],
    }
    return records.ClaimIn.from_dict(data, records.Where("load", "", None), "seed-cost-of-training-ai-models")


def add_claims(url: str, worker: int, n: int) -> int:
    """Add n claims, one transaction each, retrying when the database is busy."""
    engine = db.make_engine(url)
    for i in range(n):
        record = claim_record(worker, i)
        db.run_with_retry(engine, lambda session, record=record: writes.upsert_claim(session, record, replace=False))
    engine.dispose()
    return n


if __name__ == "__main__":
    add_claims(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
