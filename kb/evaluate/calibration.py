"""How well the compute model predicts published training runs."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from sqlmodel import Session

from kb.compute import DEFAULT_SAMPLES, DEFAULT_SEED, Unverifiable, estimate
from kb.evaluate.catalogue import Catalogue
from kb.evaluate.inputs import Context, hardware_inputs


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

    @property
    def ratio(self) -> float:
        return self.published / self.p50

    @property
    def inside(self) -> bool:
        return self.p5 <= self.published <= self.p95


def calibrate(session: Session, seed: int = DEFAULT_SEED, n: int = DEFAULT_SAMPLES) -> list[CalibrationRow]:
    """Predict accelerator-hours for every run whose developer published them, from parameters,
    tokens and hardware alone (default priors, no other facts), and set the answer beside it."""
    cat = Catalogue(session)
    rows = []
    for slug, facts in sorted(cat.facts.items()):
        hours = [g for g in facts.get("gpu_hours", []) if g.basis == "published"]
        if not hours or cat.subjects[slug].kind != "model":
            continue
        if not all(k in facts for k in ("parameters", "training_tokens", "hardware")):
            continue
        ctx = Context()
        for name in ("parameters", "active_parameters", "training_tokens"):
            if name in facts:
                ctx.put(name, cat.fact(slug, name))
        if "active_parameters" not in ctx.inputs:
            ctx.put("active_parameters", ctx.given["parameters"])
        ctx.hardware = cat.resolve(cat.fact(slug, "hardware").text)
        ctx.precision = cat.fact(slug, "precision").text if "precision" in facts else None
        ctx.year = cat.subjects[slug].year
        hardware_inputs(ctx, cat)
        try:
            est = estimate("gpu_hours", ctx.inputs, np.random.default_rng(seed), n)
        except Unverifiable:
            continue
        rows.append(CalibrationRow(slug, cat.subjects[slug].name, ctx.hardware, est.p5, est.p50, est.p95,
                                   hours[0].low, hours[0].source_title))
    return rows


def calibration_summary(rows: list[CalibrationRow]) -> dict:
    errors = sorted(abs(math.log10(r.ratio)) for r in rows)
    median = errors[len(errors) // 2] if len(errors) % 2 else sum(errors[len(errors) // 2 - 1:len(errors) // 2 + 1]) / 2
    return {"runs": len(rows), "coverage": sum(r.inside for r in rows) / len(rows) if rows else None,
            "median_abs_log10_error": median if rows else None}
