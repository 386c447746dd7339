"""The inputs of an estimate: the subject's facts, the claimant's stated assumptions, the
accelerator's peak, power and prices, and the global priors, each with where it came from."""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass, field

import numpy as np

from kb.compute import DEFAULT_SAMPLES, Estimate, Input, Unverifiable, estimate
from kb.evaluate.catalogue import Catalogue, ClaimSpec, Given
from kb.quantities import PHYSICAL_RANGE

MODEL_INPUTS = (
    "parameters",
    "active_parameters",
    "training_tokens",
    "training_flop",
    "gpu_hours",
    "num_gpus",
    "training_days",
    "mfu",
)
SCENARIO = ("hardware", "precision", "year")
MIXTURE = "MoE"  # the MFU prior's qualifier for mixture-of-experts runs
HARDWARE_BOUND = ("gpu_hours", "num_gpus", "training_days", "mfu")


@dataclass
class Context:
    inputs: dict[str, Input] = field(default_factory=dict)
    given: dict[str, Given] = field(default_factory=dict)
    hardware: str | None = None
    precision: str | None = None
    year: int | None = None
    hardware_name: str | None = None

    @property
    def dollars_year(self) -> int | None:
        """Whose dollars its costs are in: the year of the price quotes it used (else its own)."""
        for name in ("gpu_hour_price_usd", "hardware_price_usd"):
            if name in self.given and self.given[name].year:
                return self.given[name].year
        return self.year

    @property
    def mixture(self) -> bool:
        """A mixture of experts: fewer parameters active than it has (each token sees a few experts)."""
        active, total = self.given.get("active_parameters"), self.given.get("parameters")
        return bool(active and total and active.high and total.low and active.high < 0.9 * total.low)

    def put(self, name: str, given: Given | None) -> None:
        """An input from a figure with both ends above zero; anything else is not an input."""
        if given is None or given.low is None or given.high is None or given.low <= 0:
            return
        self.given[name] = given
        low, high = honest_band(given, name)
        self.inputs[name] = Input(low, high, given.describe(), given.confidence)


# The narrowest 90% band an input may have, as high/low: a published figure is narrow but never a
# point (it is rounded, and the run it describes is rarely exactly the one claimed), and the
# band widens as confidence falls. A claimant's own stated figure stays theirs, nearly as stated.
MIN_WIDTH = {"high": 1.2, "medium": 1.5, "low": 2.0}
STATED_WIDTH = 1.1


def honest_band(given: Given, name: str | None = None) -> tuple[float, float]:
    """The input's range, widened about its centre to at least the width its confidence allows,
    but never past what the input can physically be (a PUE of 1.05–1.3 does not widen below 1)."""
    low, high = given.span
    width = STATED_WIDTH if given.stated else MIN_WIDTH.get(given.confidence, MIN_WIDTH["medium"])
    if high / low >= width:
        return low, high
    centre = given.centre
    wide_low, wide_high = centre / math.sqrt(width), centre * math.sqrt(width)
    floor, ceiling = PHYSICAL_RANGE.get(name or "", (None, None))
    if floor is not None:  # the given range itself is never cut
        wide_low = max(wide_low, min(floor, low))
    if ceiling is not None:
        wide_high = min(wide_high, max(ceiling, high))
    return wide_low, wide_high


def build_context(spec: ClaimSpec, cat: Catalogue, use_stated: str = "fill") -> Context:
    """Inputs for a check. use_stated: "fill" (claimant's inputs fill gaps), "all" (they win).

    Claims without assumptions share their subject's context, built once per catalogue.
    """
    if spec.assumptions:
        return _build_context(spec, cat, use_stated)
    key = (spec.subject, spec.year)
    if key not in cat.contexts:
        cat.contexts[key] = _build_context(spec, cat, use_stated)
    return cat.contexts[key]


def _build_context(spec: ClaimSpec, cat: Catalogue, use_stated: str) -> Context:
    """The subject's facts, then the scenario's inputs, the hardware's figures, the claimant's own
    inputs where nothing else gives one, and the priors last."""
    ctx = _subject_context(spec, cat)
    scenario_hardware = spec.assumptions.get("hardware")
    if scenario_hardware is not None and cat.resolve(scenario_hardware.text or "") != ctx.hardware:
        for name in HARDWARE_BOUND:  # a re-run on other hardware keeps the model, not the run
            ctx.inputs.pop(name, None)
            ctx.given.pop(name, None)
        ctx.precision = None
    stated_later = {}
    for name, given in spec.assumptions.items():
        if name in SCENARIO or not given.stated or use_stated == "all":
            _apply(ctx, cat, name, given)
        else:
            stated_later[name] = given
    _derive(ctx, cat)
    for name, given in stated_later.items():  # the claimant's own inputs fill what nothing else gives
        if name not in ctx.inputs:
            _apply(ctx, cat, name, given)
    _derive(ctx, cat)
    for name in ("server_overhead", "pue", "development_multiplier", "cluster_overhead", "useful_life_years"):
        if name not in ctx.inputs and (prior := cat.prior(name)):
            ctx.put(name, prior)
    return ctx


def _subject_context(spec: ClaimSpec, cat: Catalogue) -> Context:
    """What the knowledge base holds about the claim's subject: a model's facts, or an accelerator."""
    ctx = Context()
    subject = spec.subject
    known = cat.subjects.get(subject) if subject else None
    if subject:
        for name in MODEL_INPUTS:
            ctx.put(name, cat.fact(subject, name))
        if text := cat.text(subject, "hardware"):
            ctx.hardware = cat.resolve(text) or text
        ctx.precision = cat.text(subject, "precision")
    if known is not None and known.kind == "hardware":
        ctx.hardware = subject
    ctx.year = spec.year or (known.year if known else None)
    return ctx


def _derive(ctx: Context, cat: Catalogue) -> None:
    """A dense model's active parameters are all of them; the hardware's figures fill their inputs."""
    if "active_parameters" not in ctx.inputs and "parameters" in ctx.inputs:
        ctx.put("active_parameters", ctx.given["parameters"])
    hardware_inputs(ctx, cat)


def _apply(ctx: Context, cat: Catalogue, name: str, given: Given) -> None:
    if name == "hardware":
        ctx.hardware = cat.resolve(given.text or "") or ctx.hardware
    elif name == "precision":
        ctx.precision = given.text
    elif name == "year" and given.low:
        ctx.year = int(given.low)
    else:
        ctx.put(name, given)


def hardware_inputs(ctx: Context, cat: Catalogue) -> None:
    if ctx.hardware is None:
        return
    ctx.hardware_name = cat.name_of(ctx.hardware)
    facts = cat.facts.get(ctx.hardware, {})
    peaks = {g.qualifier: g for g in facts.get("peak_flop_per_s", [])}
    precision = ctx.precision or ("bf16" if "bf16" in peaks else "fp16")
    if "peak_flop_per_s" not in ctx.inputs and precision in peaks:
        ctx.put("peak_flop_per_s", peaks[precision])
        ctx.precision = precision
    if "power_w" not in ctx.inputs and facts.get("power_w"):
        ctx.put("power_w", facts["power_w"][0])
    if "mfu" not in ctx.inputs:
        arch = facts.get("architecture", [Given(None, None, "default")])[0].text
        if (prior := cat.prior("mfu", *([MIXTURE] if ctx.mixture else []), arch)) is not None:
            ctx.put("mfu", prior)
    for name in ("gpu_hour_price_usd", "hardware_price_usd"):  # the cloud route and the ownership route
        if name not in ctx.inputs and (price := cat.prices(ctx.hardware, name, ctx.year)) is not None:
            ctx.put(name, price)


ESTIMATED = (
    "training_flop",
    "gpu_hours",
    "training_days",
    "training_cost_usd",
    "ownership_cost_usd",
    "total_cost_usd",
    "energy_mwh",
)


def estimate_all(ctx: Context, rng: np.random.Generator, n: int = DEFAULT_SAMPLES) -> dict[str, Estimate | Input]:
    """Every quantity the inputs determine: a known figure as it is (PaLM's published hours are
    its hours), the rest derived where possible."""
    results: dict[str, Estimate | Input] = {}
    for quantity in ESTIMATED:
        if quantity in ctx.inputs:
            results[quantity] = ctx.inputs[quantity]
            continue
        with contextlib.suppress(Unverifiable):
            results[quantity] = estimate(quantity, ctx.inputs, rng, n)
    return results
