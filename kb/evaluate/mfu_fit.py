"""MFU priors fitted to runs whose accelerator-hours are known: the MFU each run implies
(training FLOP / (hours × peak × 3600)), grouped by hardware generation, each prior a 90% band
around its group's median. Implied MFUs above 1 are errors in some input (hours counted per
core, a sparse peak, compute that includes other stages) and are left out, as are runs whose
compute Epoch worked out from their hours (their implied MFU is the utilization it assumed)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from kb.evaluate.catalogue import Catalogue
from kb.evaluate.inputs import Context, hardware_inputs

MIN_RUNS = 8  # a generation with fewer runs takes the default prior, fitted to every run


@dataclass
class MfuFit:
    generation: str
    runs: int
    low: float
    median: float
    high: float
    left_out: int


def implied_mfus(cat: Catalogue) -> dict[str, list[float]]:
    """Each known run's implied MFU, by the architecture of its accelerator."""
    found: dict[str, list[float]] = {}
    for slug, facts in sorted(cat.facts.items()):
        if cat.subjects[slug].kind != "model" or "gpu_hours" not in facts or "hardware" not in facts:
            continue
        if slug in cat.compute_from_hours:  # its implied MFU is the utilization Epoch assumed
            continue
        ctx = Context()
        ctx.hardware = cat.resolve(cat.fact(slug, "hardware").text or "")
        ctx.precision = cat.fact(slug, "precision").text if "precision" in facts else None
        hardware_inputs(ctx, cat)
        implied = implied_mfu(cat, slug, ctx)
        if implied is None:
            continue
        arch = cat.facts.get(ctx.hardware or "", {}).get("architecture")
        found.setdefault(arch[0].text if arch and arch[0].text else "default", []).append(implied)
    return found


def implied_mfu(cat: Catalogue, slug: str, ctx: Context) -> float | None:
    """The MFU a run's published hours imply on its accelerator (ctx holds its peak): training
    FLOP / (hours × peak × 3600). Above 1 it is impossible: an input counts something else."""
    facts = cat.facts[slug]
    flop = _flop(cat, slug, facts)
    if flop is None or "peak_flop_per_s" not in ctx.inputs or "gpu_hours" not in facts:
        return None
    hours = cat.fact(slug, "gpu_hours")
    assert hours is not None and hours.low is not None and hours.high is not None
    return flop / (math.sqrt(hours.low * hours.high) * ctx.inputs["peak_flop_per_s"].median * 3600)


def _flop(cat: Catalogue, slug: str, facts: dict) -> float | None:
    if "training_flop" in facts:
        f = cat.fact(slug, "training_flop")
        return math.sqrt(f.low * f.high)
    params = cat.fact(slug, "active_parameters") or cat.fact(slug, "parameters")
    tokens = cat.fact(slug, "training_tokens")
    if params is None or tokens is None:
        return None
    return 6 * math.sqrt(params.low * params.high) * math.sqrt(tokens.low * tokens.high)


def fit(cat: Catalogue) -> list[MfuFit]:
    groups = implied_mfus(cat)
    everything = [v for values in groups.values() for v in values]
    fits = [_fit("default", everything)]
    for generation, values in sorted(groups.items()):
        if generation != "default" and len([v for v in values if v <= 1]) >= MIN_RUNS:
            fits.append(_fit(generation, values))
    return fits


def _fit(generation: str, values: list[float]) -> MfuFit:
    """A 90% band centred (in log space) on the median, as wide as the farther of the 5th and
    95th percentiles: a prior read as a lognormal has its median midway between its ends, so the
    percentiles themselves would shift it wherever the implied MFUs are skewed."""
    kept = sorted(v for v in values if 0 < v <= 1)
    last = len(kept) - 1
    p5, median, p95 = kept[round(0.05 * last)], kept[round(0.5 * last)], kept[round(0.95 * last)]
    spread = max(median / p5, p95 / median)
    return MfuFit(generation, len(kept), median / spread, median, min(1.0, median * spread), len(values) - len(kept))
