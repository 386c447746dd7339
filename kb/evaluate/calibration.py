"""How well the compute model predicts published training runs."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

import numpy as np
from sqlmodel import Session, select

from kb.compute import DEFAULT_SAMPLES, DEFAULT_SEED, Unverifiable, estimate
from kb.evaluate.catalogue import Catalogue, ClaimSpec, cost_method
from kb.evaluate.inputs import Context, build_context
from kb.evaluate.mfu_fit import implied_mfu, known_runs, run_context
from kb.models import Claim


@dataclass
class CalibrationRow:
    subject: str
    name: str
    hardware: str
    p5: float
    p50: float
    p95: float
    published: float
    source: str
    group: str = ""  # hardware generation, or a cost estimate's method
    year: int | None = None
    left_out: str | None = None  # why a run cannot test the model, if it cannot

    @property
    def ratio(self) -> float:
        return self.published / self.p50

    @property
    def inside(self) -> bool:
        return self.p5 <= self.published <= self.p95


def calibrate(session: Session, seed: int = DEFAULT_SEED, n: int = DEFAULT_SAMPLES) -> list[CalibrationRow]:
    """Predict accelerator-hours for every run whose hours are known (its developer's figure or
    Epoch AI's), from its training compute (or parameters and tokens) and hardware alone, with
    the default priors, and set the answer beside the known figure."""
    cat = Catalogue(session)
    rows = []
    for slug in known_runs(cat):
        hours = cat.fact(slug, "gpu_hours")
        assert hours is not None  # known_runs() has both ends of it
        ctx = run_context(cat, slug)
        try:
            est = estimate("gpu_hours", ctx.inputs, np.random.default_rng(seed), n)
        except Unverifiable:
            continue
        rows.append(
            CalibrationRow(
                slug,
                cat.subjects[slug].name,
                ctx.hardware_name or "",
                est.p5,
                est.p50,
                est.p95,
                hours.centre,
                hours.source_title or "",
                _generation(cat, ctx),
                ctx.year,
                _left_out(cat, slug, ctx),
            )
        )
    return rows


def _left_out(cat: Catalogue, slug: str, ctx: Context) -> str | None:
    """Why a run's hours cannot test the model: its compute was worked out from those very hours, or
    the hours imply an MFU above 100% (the compute counts work they did not do: a fine-tune's base model)."""
    if slug in cat.compute_from_hours:
        return "compute worked out from these hours"
    mfu = implied_mfu(cat, slug, ctx)
    return f"hours imply {mfu:.0%} MFU" if mfu is not None and mfu > 1 else None


COST_ROUTES = {"cloud": "training_cost_usd", "amortised": "ownership_cost_usd"}


def calibrate_costs(session: Session, seed: int = DEFAULT_SEED, n: int = DEFAULT_SAMPLES) -> list[CalibrationRow]:
    """Every published estimate of a final run's cost whose method is known (cloud rental or
    amortised ownership), beside the knowledge base's estimate by the same route."""
    cat = Catalogue(session)
    subjects = {s.id: s.slug for s in cat.subjects.values()}
    rows = []
    query = select(Claim).where(Claim.quantity == "training_cost_usd", Claim.status == "active").order_by(Claim.slug)
    for claim in session.exec(query):
        method = cost_method(claim.claimant, claim.note)
        if method is None or claim.low is None or claim.high is None or claim.currency not in (None, "USD"):
            continue
        slug = subjects[claim.subject_id]
        ctx = build_context(ClaimSpec("training_cost_usd", None, None, subject=slug), cat)
        try:
            est = estimate(COST_ROUTES[method], ctx.inputs, np.random.default_rng(seed), n)
        except Unverifiable:
            continue
        rows.append(
            CalibrationRow(
                slug,
                cat.subjects[slug].name,
                ctx.hardware_name or "",
                est.p5,
                est.p50,
                est.p95,
                math.sqrt(claim.low * claim.high),
                claim.claimant,
                method,
                ctx.year,
            )
        )
    return rows


def _generation(cat: Catalogue, ctx: Context) -> str:
    arch = cat.facts.get(ctx.hardware or "", {}).get("architecture")
    return arch[0].text or "other" if arch else "other"


def by_group(rows: list[CalibrationRow], key) -> dict[str, dict]:
    """calibration_summary() for each group of rows (by generation, year, method)."""
    groups: dict[str, list[CalibrationRow]] = {}
    for row in rows:
        groups.setdefault(str(key(row)), []).append(row)
    return {name: calibration_summary(group) for name, group in sorted(groups.items())}


def calibration_summary(rows: list[CalibrationRow]) -> dict:
    """Coverage and error over the rows that can test the model; `left_out` counts the others."""
    kept = [r for r in rows if r.left_out is None]
    left_out = len(rows) - len(kept)
    if not kept:
        return {"runs": 0, "coverage": None, "median_abs_log10_error": None, "median_ratio": None, "left_out": left_out}
    return {
        "runs": len(kept),
        "coverage": sum(r.inside for r in kept) / len(kept),
        "median_abs_log10_error": statistics.median(abs(math.log10(r.ratio)) for r in kept),
        "median_ratio": statistics.median(r.ratio for r in kept),
        "left_out": left_out,
    }
