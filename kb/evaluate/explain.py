"""A verdict's explanation: the arithmetic step by step, what you would have to believe, whether
the claimant's own inputs reproduce their number, and the inputs table."""

from __future__ import annotations

import math

import numpy as np

from kb.compute import Estimate, Input, Unverifiable, estimate, solve_for
from kb.compute.dist import Z95, log_params
from kb.compute.formulas import Derivation, Formula
from kb.display import human_factor, show, show_range
from kb.evaluate.catalogue import Catalogue, ClaimSpec
from kb.evaluate.inputs import SCENARIO, Context, build_context
from kb.quantities import label
from kb.verdict import claim_centre

BELIEVE_ORDER = (
    "gpu_hour_price_usd",
    "mfu",
    "development_multiplier",
    "gpu_hours",
    "training_flop",
    "training_tokens",
    "num_gpus",
    "training_days",
    "power_w",
)


def _band(derivation: Derivation, inputs: dict[str, Input]) -> tuple[float, float]:
    """Exact 90% band of an intermediate step (a product of lognormals is lognormal)."""
    constant, powers = derivation.monomial()
    mean, var = math.log(constant), 0.0
    for name, e in powers.items():
        mu, sigma = log_params(inputs[name].low, inputs[name].high)
        mean += e * mu
        var += (e * sigma) ** 2
    sd = math.sqrt(var)
    return math.exp(mean - Z95 * sd), math.exp(mean + Z95 * sd)


def arithmetic_steps(est: Estimate) -> list[str]:
    lines = []
    for name in est.powers:
        given = est.inputs[name]
        lines.append(f"{label(name)}: {show_range(name, given.low, given.high)} ({given.label})")
    for node, formula in _nodes(est.derivation):
        top, bottom = [], []
        if formula.constant > 1:
            top.append(f"{formula.constant:g}")
        elif formula.constant < 1:
            bottom.append(f"{1 / formula.constant:g}".replace("1e+06", "10⁶"))
        for part, (name, e) in zip(node.parts, formula.powers):
            low, high = _band(part, est.inputs)
            (top if e > 0 else bottom).append(show_range(name, low, high))
        low, high = _band(node, est.inputs)
        arithmetic = " × ".join(top) + (f" / ({' × '.join(bottom)})" if bottom else "")
        lines.append(f"{formula.text}: {arithmetic} = {show_range(node.quantity, low, high)}")
    return lines


def _nodes(d: Derivation) -> list[tuple[Derivation, Formula]]:
    """The derived steps, innermost first, each with its formula."""
    found = []
    for part in d.parts:
        found.extend(_nodes(part))
    if d.formula is not None:
        found.append((d, d.formula))
    return found


def what_to_believe(spec: ClaimSpec, ctx: Context, est: Estimate, claim_text: str) -> tuple[str | None, str | None]:
    """What you would have to believe, and a physical-impossibility note if MFU would exceed 1."""
    target = claim_centre(spec.low, spec.high)
    impossible = None
    via_mfu = est if est.powers.get("mfu", 0) < 0 else _via_mfu(spec, ctx)
    if spec.high is not None and via_mfu is not None:
        needed = _mfu_needed(via_mfu, spec.high)
        if needed > 1:
            impossible = (
                f"Even at its upper end, and with every other input at the favourable end of its "
                f"range, it needs the accelerators to run at {human_factor(needed)} their peak "
                f"(an MFU over 100%): physically impossible."
            )
    uncertain = [name for name, share in est.sensitivity if share > 0]
    choices = [n for n in BELIEVE_ORDER if n in est.powers]
    name = uncertain[0] if uncertain else (choices[0] if choices else None)
    if name is None or target is None or target <= 0:
        return None, impossible
    needed = solve_for(est, name, target)
    given = est.inputs[name]
    text = (
        f"For {claim_text} to be the median estimate, {label(name)} would have to be "
        f"{show(name, needed)}, against {show_range(name, given.low, given.high)} ({given.label})."
    )
    if name == "mfu" and needed > 1:
        text += f" That is {human_factor(needed)} the accelerator's peak."
    return text, impossible


def _via_mfu(spec: ClaimSpec, ctx: Context) -> Estimate | None:
    """For a claim of accelerator-hours judged from accelerators × days: the same hours from
    training FLOP, peak and MFU, so a claim that needs more than the peak is still caught."""
    if spec.quantity != "gpu_hours":
        return None
    inputs = {k: v for k, v in ctx.inputs.items() if k not in ("num_gpus", "training_days")}
    try:
        est = estimate("gpu_hours", inputs, np.random.default_rng(0), 1000)
    except Unverifiable:
        return None
    return est if est.powers.get("mfu", 0) < 0 else None


def _mfu_needed(est: Estimate, claimed: float) -> float:
    """MFU needed to reach a claimed figure with every other input at its most favourable end."""
    log_favourable = math.log(est.constant)
    for name, e in est.powers.items():
        mu, sigma = log_params(est.inputs[name].low, est.inputs[name].high)
        log_favourable += e * mu - (0 if name == "mfu" else abs(e) * Z95 * sigma)
    favourable = math.exp(log_favourable)
    if claimed <= 0:  # no hours at all: no utilization could do it
        return math.inf
    return est.inputs["mfu"].median * (favourable / claimed) ** (-1 / est.powers["mfu"])


def claimant_check(spec: ClaimSpec, cat: Catalogue, rng, n) -> str | None:
    stated = {k: g for k, g in spec.assumptions.items() if g.stated}
    numeric = {k: g for k, g in stated.items() if k not in SCENARIO}
    if not numeric:
        return None
    ctx = build_context(spec, cat, use_stated="all")
    try:
        est = estimate(spec.quantity, ctx.inputs, rng, n)
    except Unverifiable:
        return "The claimant's stated inputs do not determine the figure on their own."
    target = claim_centre(spec.low, spec.high)
    ratio = target / est.p50
    used = ", ".join(f"{label(k)} {show_range(k, g.low, g.high)}" for k, g in numeric.items() if g.low)
    if 1 / 1.5 <= ratio <= 1.5:
        return (
            f"Their stated inputs ({used}) give {show(spec.quantity, est.p50)}, which reproduces "
            f"their {show(spec.quantity, target)}."
        )
    return (
        f"Their stated inputs ({used}) give {show(spec.quantity, est.p50)}, not "
        f"{show(spec.quantity, target)} (off by {max(ratio, 1 / ratio):.1f}×): their arithmetic "
        f"does not reproduce their number."
    )


def input_rows(ctx: Context, *estimates: Estimate) -> list[dict]:
    names = list(dict.fromkeys(n for est in estimates for n in est.powers)) if estimates else list(ctx.inputs)
    rows = []
    for name in names:
        g = ctx.given.get(name)
        if g is None:
            continue
        rows.append(
            {
                "input": label(name),
                "value": show_range(name, g.low, g.high),
                "source": g.source,
                "source_title": g.source_title,
                "basis": g.basis,
                "confidence": g.confidence,
                "stated": g.stated,
            }
        )
    if ctx.hardware:
        rows.insert(
            0,
            {
                "input": "hardware",
                "value": f"{ctx.hardware_name} ({ctx.precision or 'default precision'})",
                "source": None,
                "source_title": None,
                "basis": "scenario",
                "confidence": None,
                "stated": False,
            },
        )
    return rows
