"""The verdict on one claim: estimate the claimed quantity from the inputs and compare, or compare
with the subject's own fact or the price catalogue where the model derives nothing."""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from kb.compute import DEFAULT_SAMPLES, DEFAULT_SEED, Estimate, Unverifiable, estimate
from kb.display import human_bytes, human_number, listed, off_by, show, show_range
from kb.evaluate.catalogue import CONFIDENCE_ORDER, Catalogue, ClaimSpec, Given
from kb.evaluate.explain import (
    arithmetic_steps,
    claimant_check,
    input_rows,
    what_to_believe,
)
from kb.evaluate.inputs import MODEL_INPUTS, Context, build_context, honest_band
from kb.quantities import MONEY, MONEY_PER_HOUR, PRICE_QUANTITIES, label, unit_of
from kb.verdict import SUPPORTED, Verdict, compare, sentence

COSTS = ("training_cost_usd", "total_cost_usd")
SCOPED_COST = {"final_training_run": "training_cost_usd", "total_programme": "total_cost_usd"}


def check(spec: ClaimSpec, cat: Catalogue, rng: np.random.Generator | None = None, n: int = DEFAULT_SAMPLES) -> Verdict:
    """The verdict on one claim. A cost's scope says which estimate it meets: a claim about the whole
    programme is compared with the programme estimate, whatever quantity it was filed under."""
    scoped = SCOPED_COST.get(spec.scope, spec.quantity) if spec.quantity in COSTS else spec.quantity
    if spec.quantity in COSTS and spec.scope == "hardware_purchase":
        return Verdict(
            "unverifiable",
            None,
            "The claim is about buying hardware (its scope), which is not a training cost the compute model estimates.",
        )
    if scoped == spec.quantity:
        return _check(spec, cat, rng, n)
    verdict = _check(dataclasses.replace(spec, quantity=scoped), cat, rng, n)
    scope = spec.scope.replace("_", " ")
    return dataclasses.replace(
        verdict,
        explanation=f"Its scope is the {scope}, so it is compared with the {label(scoped)}. {verdict.explanation}",
    )


def _check(spec: ClaimSpec, cat: Catalogue, rng: np.random.Generator | None, n: int) -> Verdict:
    rng = rng if rng is not None else np.random.default_rng(DEFAULT_SEED)
    if spec.low is None and spec.high is None:
        return Verdict("unverifiable", None, "The claim states no figure that could be checked.")
    if unit_of(spec.quantity) in (MONEY, MONEY_PER_HOUR) and spec.currency not in (None, "USD"):
        return Verdict(
            "unverifiable", None, f"The claim is in {spec.currency}; the knowledge base holds no exchange rate."
        )
    if spec.subject is None:
        return Verdict("unverifiable", None, "The claim names no model or accelerator to check it against.")
    if spec.high is not None and spec.high <= 0:  # every ratio below would divide by it
        return Verdict(
            "implausible",
            math.inf,
            f"The claim ({spec.value_text or 'zero'}) is zero: no model is trained with no {label(spec.quantity)}.",
        )
    if spec.quantity in PRICE_QUANTITIES:
        return _check_price(spec, cat)
    ctx = build_context(spec, cat)
    if spec.quantity in ("parameters", "active_parameters") or (
        spec.quantity == "training_tokens" and ("training_flop" not in ctx.inputs or _tokens_from_a_fact(spec, cat))
    ):
        return _check_against_fact(spec, cat, ctx)
    ownership = _ownership(spec, ctx, rng, n)
    try:
        est = estimate(spec.quantity, ctx.inputs, rng, n)
    except Unverifiable as e:
        if ownership is not None:
            return _judge(spec, cat, ctx, ownership, rng, n)
        if _published(spec, cat):
            return _check_against_estimates(spec, cat, ctx, e.missing)
        if cat.fact(spec.subject, spec.quantity, exclude_source=spec.source) is not None:
            return _check_against_fact(spec, cat, ctx)  # nothing to derive it from, but a fact to compare
        return _unverifiable(spec, ctx, e.missing, cat)
    return _judge(spec, cat, ctx, est, rng, n, ownership)


def _tokens_from_a_fact(spec: ClaimSpec, cat: Catalogue) -> bool:
    """A published token count, rather than 6·N·D solved for D, where N may count every expert of a
    mixture (no active parameter count is known): Llama 4 Behemoth's 2T would give 4T tokens, not 30T."""
    assert spec.subject is not None
    return (
        cat.fact(spec.subject, "training_tokens", spec.source) is not None
        and cat.fact(spec.subject, "active_parameters") is None
    )


ROUTE_NAMES = {"cloud": "cloud rental", "amortised": "amortised ownership"}


def _published(spec: ClaimSpec, cat: Catalogue) -> list[Given]:
    """Published estimates of the same model's final-run cost, from other sources than the claim's."""
    if spec.quantity != "training_cost_usd" or spec.subject is None:
        return []
    return [g for g in cat.estimates.get(spec.subject, []) if g.source != spec.source]


def _published_sentence(estimates: list[Given]) -> str:
    shown = [
        f"{g.source_title}, {show_range('training_cost_usd', g.low, g.high)} ({ROUTE_NAMES[g.qualifier or '']})"
        for g in estimates[:4]
    ]
    more = f" and {len(estimates) - 4} more" if len(estimates) > 4 else ""
    return f"Published estimates of this run: {'; '.join(shown)}{more}."


def _check_against_estimates(spec: ClaimSpec, cat: Catalogue, ctx: Context, missing: list[str]) -> Verdict:
    """No estimate of our own (an input is missing), but others have published theirs: compare with those."""
    estimates = _published(spec, cat)
    stated = min(g.span[0] for g in estimates), max(g.span[1] for g in estimates)
    bands = [honest_band(g) for g in estimates]  # "around $500 million" is not exactly $500,000,000
    low, high = min(b[0] for b in bands), max(b[1] for b in bands)
    verdict, factor = compare(spec.low, spec.high, low, high)
    claim_text = spec.value_text or show_range(spec.quantity, spec.low, spec.high)
    lacking = listed([f"the {name}" for name in dict.fromkeys(label(m) for m in missing)])
    read_as = f", read as {show_range(spec.quantity, low, high)}" if (low, high) != stated else ""
    explanation = (
        f"The compute model cannot estimate this run (it lacks {lacking}), so the claim ({claim_text}) "
        f"is compared with published estimates, {show_range(spec.quantity, *stated)}{read_as}: "
        + ("it agrees with them." if verdict == "consistent" else f"off by {off_by(factor)}.")
        + f" {_published_sentence(estimates)}"
    )
    return Verdict(
        verdict,
        factor,
        explanation,
        low,
        math.sqrt(low * high),
        high,
        steps=[_published_sentence(estimates)],
        confidence="low",
        inputs=input_rows(ctx),
    )


def _ownership(spec: ClaimSpec, ctx: Context, rng, n) -> Estimate | None:
    """The amortised-ownership estimate of a final run's cost, beside the cloud one: labs that own
    their accelerators pay purchase price over useful life, not a rental rate. Not where the
    claimant stated their own price per hour: that assumption stays theirs."""
    if spec.quantity != "training_cost_usd" or "gpu_hour_price_usd" in spec.assumptions:
        return None
    try:
        return estimate("ownership_cost_usd", ctx.inputs, rng, n)
    except Unverifiable:
        return None


def _unverifiable(spec: ClaimSpec, ctx: Context, missing: list[str], cat: Catalogue) -> Verdict:
    assert spec.subject is not None  # check() answers a claim about nobody before this
    if not any(name in ctx.inputs for name in MODEL_INPUTS) and ctx.hardware is None:
        return Verdict(
            "unverifiable",
            None,
            f"No estimate of {label(spec.quantity)} is possible: nothing is known of {cat.name_of(spec.subject)}'s "
            f"size, training data, hardware or accelerator-hours, and the claim states none.",
            inputs=input_rows(ctx),
        )
    needs = []
    hardware = ctx.hardware_name if ctx.hardware else None
    for name in missing:
        if name in ("peak_flop_per_s", "gpu_hour_price_usd", "power_w") and hardware is None:
            needs.append("the hardware it was trained on")
        elif name == "gpu_hour_price_usd":
            needs.append(f"a price per accelerator-hour for {hardware} around {ctx.year}")
        elif name in ("peak_flop_per_s", "power_w"):  # the accelerator's, not the model's
            needs.append(f"the {label(name)} of {hardware}")
        else:
            needs.append(f"its {label(name)}")
    needs = list(dict.fromkeys(needs))
    who = cat.name_of(spec.subject)
    return Verdict(
        "unverifiable",
        None,
        f"Not checked: the {label(spec.quantity)} of {who} cannot be estimated without {listed(needs, 'or')}, "
        "and the knowledge base does not hold "
        f"{'it' if len(needs) == 1 else 'them'}.",
        inputs=input_rows(ctx),
    )


def _judge(
    spec: ClaimSpec, cat: Catalogue, ctx: Context, est: Estimate, rng, n, ownership: Estimate | None = None
) -> Verdict:
    q = spec.quantity
    p5, p50, p95 = est.p5, est.p50, est.p95
    band = f"{show(q, p5)} to {show(q, p95)} (median {show(q, p50)})"
    steps = arithmetic_steps(est)
    if ownership is not None:  # the band spans both routes: what renting costs and what owning costs
        p5, p95, p50 = min(p5, ownership.p5), max(p95, ownership.p95), math.sqrt(p50 * ownership.p50)
        band = (
            f"{show(q, p5)} to {show(q, p95)}: renting, {show_range(q, est.p5, est.p95)} (median "
            f"{show(q, est.p50)}); owning the accelerators, {show_range(q, ownership.p5, ownership.p95)} "
            f"(median {show(q, ownership.p50)})"
        )
        steps += [line for line in arithmetic_steps(ownership) if line not in steps]
    if unit_of(q) == MONEY and ctx.dollars_year:
        band += f", in {ctx.dollars_year} dollars"
    verdict, factor = compare(spec.low, spec.high, p5, p95)
    claim_text = spec.value_text or show_range(spec.quantity, spec.low, spec.high)
    explanation = sentence(verdict, spec.quantity, claim_text, band, factor)
    if verdict != "consistent" and (figure := _published_figure_agreed(spec, cat)):
        verdict, factor = "consistent", 1.0
        explanation = (
            f"The claim ({claim_text}) agrees with {figure}. From the other inputs the compute model gives "
            f"{band}, so those inputs do not quite agree with the published figure."
        )
    if estimates := _published(spec, cat):
        explanation += f" {_published_sentence(estimates)}"
    needed, impossible = what_to_believe(spec, ctx, est, claim_text)
    if impossible:
        verdict, explanation = "implausible", f"{explanation} {impossible}"
    confidence = max(
        (est.inputs[name].confidence for name in est.powers), key=CONFIDENCE_ORDER.__getitem__, default="medium"
    )
    return Verdict(
        verdict,
        factor,
        explanation,
        p5,
        p50,
        p95,
        steps=steps,
        believe=needed,
        sensitivity=[(label(name), share) for name, share in est.sensitivity if share > 0],
        confidence=confidence,
        claimant_check=claimant_check(spec, cat, rng, n),
        inputs=input_rows(ctx, est, *([ownership] if ownership else [])),
    )


def _published_figure_agreed(spec: ClaimSpec, cat: Catalogue) -> str | None:
    """The figure published or measured for this very quantity (from another source than the
    claim's), where the claim agrees with it: a claim that repeats the developer's own figure is not
    called off because other published inputs do not quite add up to it. None where there is none."""
    assert spec.subject is not None
    fact = cat.fact(spec.subject, spec.quantity, exclude_source=spec.source)
    if fact is None or fact.basis not in ("published", "measured") or fact.low is None or fact.high is None:
        return None
    if compare(spec.low, spec.high, *honest_band(fact))[0] != "consistent":
        return None
    return f"the {fact.basis} figure, {show_range(spec.quantity, fact.low, fact.high)} ({fact.source_title})"


def _check_against_fact(spec: ClaimSpec, cat: Catalogue, ctx: Context) -> Verdict:
    """Parameters and tokens: compare with the subject's own fact (from another source)."""
    assert spec.subject is not None
    fact = cat.fact(spec.subject, spec.quantity, exclude_source=spec.source)
    feasibility, impossible = _feasibility(spec, cat, ctx) if spec.quantity == "parameters" else (None, False)
    claim_text = spec.value_text or show_range(spec.quantity, spec.low, spec.high)
    rows = input_rows(ctx)
    if fact is None or fact.low is None or fact.high is None:  # an open-ended figure bounds nothing to compare
        if impossible:
            return Verdict(
                "implausible", None, f"Physically impossible: {feasibility}", steps=[feasibility or ""], inputs=rows
            )
        why = f"No independent figure for {label(spec.quantity)} of {cat.name_of(spec.subject)} to compare with."
        return Verdict(
            "unverifiable",
            None,
            f"{why} {feasibility or ''}".strip(),
            steps=[feasibility] if feasibility else [],
            inputs=rows,
        )
    low, high = honest_band(fact)
    verdict, factor = compare(spec.low, spec.high, low, high)
    figure = show_range(spec.quantity, fact.low, fact.high)
    read_as = f", read as {show_range(spec.quantity, low, high)}" if (low, high) != (fact.low, fact.high) else ""
    band = f"{figure} ({fact.basis}, {fact.source_title}; {fact.confidence} confidence{read_as})"
    explanation = f"The claim ({claim_text}) against the knowledge base's figure, {band}: " + (
        "they agree." if verdict == "consistent" else f"off by {off_by(factor)}."
    )
    steps = [f"{label(spec.quantity)}: {band}"]
    if feasibility:
        steps.append(feasibility)
        explanation += f" {feasibility}"
    if impossible:
        verdict = "implausible"
    return Verdict(
        verdict,
        factor,
        explanation,
        low,
        fact.centre,
        high,
        steps=steps,
        believe=None
        if verdict == "consistent"
        else f"For {claim_text} to hold, the {fact.basis} figure ({show_range(spec.quantity, fact.low, fact.high)}) "
        f"would have to be wrong by {off_by(factor)}.",
        confidence=fact.confidence,
        inputs=rows,
    )


def _feasibility(spec: ClaimSpec, cat: Catalogue, ctx: Context) -> tuple[str | None, bool]:
    """What a parameter count implies given the compute budget and the cluster's memory."""
    n_params = spec.high if spec.high is not None else spec.low
    parts: list[str] = []
    impossible = False
    if n_params is None:
        return None, False
    flop = ctx.given.get("training_flop")
    if flop is None and all(k in ctx.inputs for k in ("gpu_hours", "peak_flop_per_s", "mfu")):
        i = ctx.inputs
        value = i["gpu_hours"].median * i["peak_flop_per_s"].median * i["mfu"].median * 3600
        flop = Given(value, value, source_title="accelerator-hours × peak × MFU")
    optimal = cat.prior("tokens_per_parameter")
    active, total = ctx.given.get("active_parameters"), ctx.given.get("parameters")
    # a mixture of experts spends compute on the parameters each token uses, not on all of them; a
    # claim far from its known size describes another model, which has no known active count
    mixture = (
        spec.quantity == "parameters"
        and ctx.mixture
        and total is not None
        and total.bounded
        and total.span[0] / 1.5 <= n_params <= total.span[1] * 1.5
    )
    if flop is not None and flop.low and flop.high:
        budget = flop.centre
        used = active.centre if mixture and active is not None else n_params
        tokens = budget / (6 * used)
        ratio = tokens / used
        few = bool(optimal and optimal.low and ratio < optimal.low / 2)  # well short of compute-optimal
        parts.append(
            f"With a compute budget of {show('training_flop', budget)}, "
            + (
                f"{show('parameters', used)} active parameters (a mixture of experts) could be trained on "
                f"{show('training_tokens', tokens)} tokens (6·N·D)."
                if mixture
                else f"{show('parameters', n_params)} parameters could be trained on {'only ' * few}"
                f"{show('training_tokens', tokens)} tokens (6·N·D), {human_number(ratio)} tokens per parameter"
                + (
                    f", against about {optimal.low:g} for compute-optimal training ({optimal.source_title})."
                    if optimal
                    else "."
                )
            )
        )
    per_param = cat.prior("bytes_per_parameter")
    gpus = ctx.given.get("num_gpus")
    memory = cat.facts.get(ctx.hardware or "", {}).get("memory_gb")
    if per_param and per_param.low and gpus and gpus.high and memory and memory[0].low:
        state = n_params * per_param.low
        cluster = gpus.high * memory[0].low * 1e9
        parts.append(
            f"Weights and Adam state take {show('parameters', n_params)} × {per_param.low:g} bytes = "
            f"{human_bytes(state)} ({per_param.source_title}), against {human_bytes(cluster)} of memory on "
            f"{gpus.high:,.0f} × {memory[0].low:g} GB {ctx.hardware_name} accelerators."
        )
        if state > cluster:
            impossible = True
            parts.append(f"It does not fit: {state / cluster:.1f}× the whole cluster's memory.")
    return (" ".join(parts) or None), impossible


def _check_price(spec: ClaimSpec, cat: Catalogue) -> Verdict:
    assert spec.subject is not None
    known = cat.subjects.get(spec.subject)
    hardware = spec.subject if known is not None and known.kind == "hardware" else None
    if hardware is None:
        fact = cat.fact(spec.subject, "hardware")
        stated = spec.assumptions.get("hardware")
        text = fact.text if fact else (stated.text if stated else None)
        hardware = cat.resolve(text) if text else None
    if hardware is None:
        return Verdict(
            "unverifiable",
            None,
            f"{cat.name_of(spec.subject)} is not an accelerator, and no hardware is known for it, "
            "so there is no price catalogue to compare with.",
        )
    year = spec.year
    catalogue = cat.prices(hardware, spec.quantity, year)
    if catalogue is None:
        return Verdict(
            "unverifiable", None, f"The knowledge base has no {label(spec.quantity)} for {cat.name_of(hardware)}."
        )
    low, high = honest_band(catalogue)  # one list price is a point; prices paid spread around it
    verdict, factor = compare(spec.low, spec.high, low, high)
    claim_text = spec.value_text or show_range(spec.quantity, spec.low, spec.high)
    band = show_range(spec.quantity, low, high)
    when = f" around {year}" if year else ""
    explanation = (
        f"The claim ({claim_text}) against catalogue prices for {cat.subjects[hardware].name}{when}, {band}: "
        + ("they overlap." if verdict == "consistent" else f"off by {off_by(factor)}.")
    )
    centre = catalogue.centre
    return Verdict(
        verdict,
        factor,
        explanation,
        low,
        centre,
        high,
        steps=[f"catalogue: {band} ({catalogue.source_title})"],
        confidence=catalogue.confidence,
        inputs=[
            {
                "input": label(spec.quantity),
                "value": band,
                "source": catalogue.source,
                "source_title": catalogue.source_title,
                "basis": "catalogue",
                "confidence": catalogue.confidence,
                "stated": False,
            }
        ],
    )


def is_supported(verdict: str) -> bool:
    return verdict in SUPPORTED
