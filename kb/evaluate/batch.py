"""Checking every stored claim, and recording the outcomes that changed in its history."""

from __future__ import annotations

import json
import math

import numpy as np
from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from kb import store
from kb.compute import DEFAULT_SAMPLES, DEFAULT_SEED, MODEL_VERSION
from kb.evaluate.catalogue import Catalogue, ClaimSpec, Given
from kb.evaluate.check import check
from kb.models import Assumption, Claim, Evaluation, Source
from kb.quantities import JUDGED_STATUSES
from kb.timestamps import utc_now
from kb.verdict import Verdict


def spec_for(
    claim: Claim,
    cat: Catalogue,
    subject_slug: str,
    source: Source,
    assumptions: list[Assumption],
    sources_by_id: dict[int, Source],
) -> ClaimSpec:
    year = None
    for text in (claim.claimed_on, source.published):
        if text and cat.subjects[subject_slug].kind == "hardware":
            year = int(text[:4])
            break
    given = {}
    for a in assumptions:
        src = sources_by_id.get(a.source_id) if a.source_id is not None else None
        given[a.name] = Given(
            a.low,
            a.high,
            a.text,
            src.slug if src else None,
            src.title if src else None,
            "stated by the claimant" if a.stated else "editor's override",
            "medium",
            a.qualifier,
            stated=a.stated,
            note=a.note,
        )
    return ClaimSpec(
        claim.quantity,
        claim.low,
        claim.high,
        claim.currency,
        claim.scope,
        subject_slug,
        year,
        source.slug,
        claim.value,
        given,
    )


def check_all(
    session: Session,
    subject: str | None = None,
    seed: int = DEFAULT_SEED,
    n: int = DEFAULT_SAMPLES,
    store_results: bool = True,
) -> list[tuple[Claim, Verdict]]:
    """Check every active claim (or one subject's); with store_results, record() the outcomes."""
    cat = Catalogue(session)
    sources = {store.ident(s): s for s in session.exec(select(Source))}
    subjects = {store.ident(s): s.slug for s in cat.subjects.values()}
    assumptions: dict[int, list[Assumption]] = {}
    stated = select(Assumption).where(col(Assumption.claim_id).is_not(None)).order_by(col(Assumption.id))
    for a in session.exec(stated):
        assert a.claim_id is not None  # selected so
        assumptions.setdefault(a.claim_id, []).append(a)
    rows = store.claims(session, subject_name=subject, statuses=JUDGED_STATUSES)
    results = []
    rng = np.random.default_rng(seed)
    fresh = rng.bit_generator.state
    for claim in rows:
        rng.bit_generator.state = fresh  # every claim sees the same stream: results do not depend on order
        spec = spec_for(
            claim,
            cat,
            subjects[claim.subject_id],
            sources[claim.source_id],
            assumptions.get(store.ident(claim), []),
            sources,
        )
        try:
            verdict = check(spec, cat, rng, n)
        except (ArithmeticError, ValueError) as e:  # one claim the model cannot handle must not stop the rest
            verdict = Verdict("unverifiable", None, f"Not checked: the compute model failed on this claim ({e}).")
        results.append((claim, verdict))
    if store_results:
        record(session, results, seed)
    return results


def rejudge(session: Session, subjects: set[str] | None = None, seed: int = DEFAULT_SEED) -> int:
    """Judge again, in the caller's transaction, what a change touched, so that no stored verdict
    is older than the data it rests on. `subjects` name the models whose claims or facts changed;
    None, or an accelerator (whose facts many runs share), re-judges every claim. Returns how many
    verdicts changed."""
    found = [store.find_subject(session, name) for name in subjects or ()]
    names: list[str | None] = [None]
    if subjects is not None and all(s is not None and s.kind == "model" for s in found):
        names = [*sorted({s.slug for s in found if s is not None})]
    return sum(record(session, check_all(session, name, seed, store_results=False), seed) for name in names)


OUTCOME = ("verdict", "factor", "p5", "p50", "p95", "explanation", "details", "model_version")


def record(session: Session, results: list[tuple[Claim, Verdict]], seed: int = DEFAULT_SEED) -> int:
    """Store an Evaluation for each claim whose outcome differs from its latest one, so the
    history shows how verdicts changed rather than every run. Returns how many were stored."""
    latest_ids = select(func.max(col(Evaluation.id))).group_by(col(Evaluation.claim_id))
    columns = [getattr(Evaluation, name) for name in OUTCOME]
    latest = {
        row[0]: tuple(row[1:])
        for row in session.execute(select(col(Evaluation.claim_id), *columns).where(col(Evaluation.id).in_(latest_ids)))
    }
    now = utc_now()
    evaluations = []
    for claim, verdict in results:
        outcome = dict(
            verdict=verdict.verdict,
            factor=None if verdict.factor is None or math.isinf(verdict.factor) else verdict.factor,
            p5=verdict.p5,
            p50=verdict.p50,
            p95=verdict.p95,
            explanation=verdict.explanation,
            details=json.dumps(verdict.as_dict(), ensure_ascii=False, separators=(",", ":")),
            model_version=MODEL_VERSION,
        )
        if latest.get(claim.id) != tuple(outcome[name] for name in OUTCOME):
            evaluations.append(dict(outcome, claim_id=claim.id, seed=seed, created_at=now))
    if evaluations:
        session.execute(insert(Evaluation), evaluations)
    return len(evaluations)
