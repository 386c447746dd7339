"""MFU priors fitted to runs whose accelerator-hours are known: the MFU each run implies
(training FLOP / (hours × peak × 3600)), grouped by hardware generation, each prior a 90% band
around its group's median. Implied MFUs above 1 are errors in some input (hours counted per
core, a sparse peak, compute that includes other stages) and are left out, as are runs whose
compute Epoch worked out from their hours (their implied MFU is the utilization it assumed)."""

from __future__ import annotations

from dataclasses import dataclass

from kb.evaluate.catalogue import Catalogue
from kb.evaluate.inputs import MIXTURE, Context, hardware_inputs

MIN_RUNS = 5  # a group with fewer runs takes the default prior, fitted to every run


@dataclass
class MfuFit:
    generation: str
    runs: int
    low: float
    median: float
    high: float
    left_out: int


def known_runs(cat: Catalogue) -> list[str]:
    """Models whose accelerator-hours (both ends) and accelerator are known."""
    return [
        slug
        for slug in sorted(cat.facts)
        if cat.subjects[slug].kind == "model"
        and (hours := cat.fact(slug, "gpu_hours")) is not None
        and hours.bounded
        and cat.text(slug, "hardware")
    ]


def run_context(cat: Catalogue, slug: str) -> Context:
    """What a known run is, without its hours: compute (or size and data), accelerator, precision,
    year, and the default priors for that hardware."""
    ctx = Context()
    for name in ("training_flop", "parameters", "active_parameters", "training_tokens"):
        ctx.put(name, cat.fact(slug, name))
    if "active_parameters" not in ctx.inputs and "parameters" in ctx.inputs:
        ctx.put("active_parameters", ctx.given["parameters"])
    ctx.hardware = cat.resolve(cat.text(slug, "hardware") or "")
    ctx.precision = cat.text(slug, "precision")
    ctx.year = cat.subjects[slug].year
    hardware_inputs(ctx, cat)
    return ctx


def implied_mfus(cat: Catalogue) -> dict[str, list[float]]:
    """Each known run's implied MFU: mixtures of experts as one group, the rest by the
    architecture of their accelerator."""
    found: dict[str, list[float]] = {}
    for slug in known_runs(cat):
        if slug in cat.compute_from_hours:  # its implied MFU is the utilization Epoch assumed
            continue
        ctx = run_context(cat, slug)
        implied = implied_mfu(cat, slug, ctx)
        if implied is None:
            continue
        arch = cat.facts.get(ctx.hardware or "", {}).get("architecture")
        group = MIXTURE if ctx.mixture else arch[0].text if arch and arch[0].text else "default"
        found.setdefault(group, []).append(implied)
    return found


def implied_mfu(cat: Catalogue, slug: str, ctx: Context) -> float | None:
    """The MFU a run's published hours imply on its accelerator (ctx holds its peak): training
    FLOP / (hours × peak × 3600). Above 1 it is impossible: an input counts something else."""
    flop, hours = _flop(cat, slug), cat.fact(slug, "gpu_hours")
    if flop is None or "peak_flop_per_s" not in ctx.inputs or hours is None or not hours.bounded:
        return None
    return flop / (hours.centre * ctx.inputs["peak_flop_per_s"].median * 3600)


def _flop(cat: Catalogue, slug: str) -> float | None:
    """A run's training compute: its own figure, else 6 × active parameters × tokens."""
    flop = cat.fact(slug, "training_flop")
    if flop is not None and flop.bounded:
        return flop.centre
    params = cat.fact(slug, "active_parameters") or cat.fact(slug, "parameters")
    tokens = cat.fact(slug, "training_tokens")
    if params is None or tokens is None or not (params.bounded and tokens.bounded):
        return None
    return 6 * params.centre * tokens.centre


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
