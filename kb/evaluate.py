"""From the knowledge base to verdicts: facts and priors become compute inputs, the compute
model gives a band, verdict.compare() judges the claim, and the result is explained.

check() works on a ClaimSpec, so stored claims and claims found in an article are checked
the same way; check_all() stores an Evaluation for each claim whose outcome changed.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import func, insert
from sqlmodel import Session, select

from kb import store
from kb.compute import (
    DEFAULT_SAMPLES, DEFAULT_SEED, MODEL_VERSION, Estimate, Input, Unverifiable, estimate, solve_for,
)
from kb.compute.dist import Z95, log_params
from kb.compute.formulas import Derivation
from kb.models import Alias, Assumption, Claim, Evaluation, Fact, Source, Subject, utc_now
from kb.quantities import MONEY, MONEY_PER_HOUR, unit_of
from kb.verdict import (
    SUPPORTED, Verdict, claim_centre, compare, label, sentence, show, show_range,
)

MODEL_INPUTS = (
    "parameters", "active_parameters", "training_tokens", "training_flop", "gpu_hours",
    "num_gpus", "training_days", "mfu",
)
SCENARIO = ("hardware", "precision", "year")
HARDWARE_BOUND = ("gpu_hours", "num_gpus", "training_days", "mfu")
CONFIDENCE_ORDER = {"high": 0, "medium": 1, "low": 2}
BELIEVE_ORDER = ("gpu_hour_price_usd", "mfu", "development_multiplier", "gpu_hours", "training_flop",
                 "training_tokens", "num_gpus", "training_days", "power_w")


@dataclass
class Given:
    """A number that feeds a check, with where it came from."""

    low: float | None
    high: float | None
    text: str | None = None
    source: str | None = None
    source_title: str | None = None
    basis: str = "published"
    confidence: str = "medium"
    qualifier: str | None = None
    year: int | None = None
    stated: bool = False
    note: str | None = None

    def describe(self) -> str:
        origin = self.source_title or self.source
        if not origin:
            return self.basis or "no source"
        return f"{self.basis}, {origin}" if self.basis else origin


@dataclass
class ClaimSpec:
    """What is checked: a quantity and range about a subject, with any inputs the claimant gave."""

    quantity: str
    low: float | None
    high: float | None
    currency: str | None = None
    scope: str = "unspecified"
    subject: str | None = None
    year: int | None = None
    source: str | None = None
    value_text: str | None = None
    assumptions: dict[str, Given] = field(default_factory=dict)


class Catalogue:
    """Everything checks read, loaded once, so checking 10,000 claims makes no per-claim queries."""

    def __init__(self, session: Session):
        sources = {s.id: s for s in session.exec(select(Source))}
        self.subjects = {s.slug: s for s in session.exec(select(Subject))}
        by_id = {s.id: s.slug for s in self.subjects.values()}
        self.alias = {a.key: by_id[a.subject_id] for a in session.exec(select(Alias))}
        self.facts: dict[str, dict[str, list[Given]]] = {}
        for f in session.exec(select(Fact).where(Fact.rank != "deprecated").order_by(Fact.slug)):
            src = sources[f.source_id]
            given = Given(f.low, f.high, f.text, src.slug, src.title, f.basis, f.confidence,
                          f.qualifier, f.year, note=f.rank)
            self.facts.setdefault(by_id[f.subject_id], {}).setdefault(f.quantity, []).append(given)
        self.contexts: dict[tuple, Context] = {}
        self.priors: dict[str, list[Given]] = {}
        for a in session.exec(select(Assumption).where(Assumption.claim_id.is_(None)).order_by(Assumption.slug)):
            src = sources.get(a.source_id)
            self.priors.setdefault(a.name, []).append(Given(
                a.low, a.high, a.text, src.slug if src else None, src.title if src else None,
                "prior", "medium", a.qualifier, note=a.note))

    def resolve(self, name: str) -> str | None:
        """A subject slug from a slug, name or alias."""
        if name in self.subjects:
            return name
        return self.alias.get(store.alias_key(name))

    def fact(self, subject: str, quantity: str, exclude_source: str | None = None) -> Given | None:
        """The subject's fact for a quantity: preferred rank first; several merge into one range."""
        found = [g for g in self.facts.get(subject, {}).get(quantity, []) if g.source != exclude_source]
        preferred = [g for g in found if g.note == "preferred"] or found
        if not preferred:
            return None
        if len(preferred) == 1 or preferred[0].text is not None:
            return preferred[0]
        lows = [g.low for g in preferred if g.low is not None]
        highs = [g.high for g in preferred if g.high is not None]
        first = preferred[0]
        return Given(min(lows), max(highs), None, first.source,
                     "; ".join(dict.fromkeys(g.source_title for g in preferred)), first.basis,
                     max((g.confidence for g in preferred), key=CONFIDENCE_ORDER.get))

    def prior(self, name: str, qualifier: str | None = None) -> Given | None:
        options = self.priors.get(name, [])
        for g in options:
            if g.qualifier == qualifier:
                return g
        for g in options:
            if g.qualifier in (None, "default"):
                return g
        return None

    def prices(self, hardware: str, quantity: str, year: int | None) -> Given | None:
        """Catalogue prices for an accelerator nearest the year: the span of the closest quotes."""
        quotes = self.facts.get(hardware, {}).get(quantity, [])
        if not quotes:
            return None
        if year is None:
            chosen = quotes
        else:
            distance = [_year_distance(g, year) for g in quotes]
            best = min(distance)
            chosen = [g for g, d in zip(quotes, distance) if d <= best + 1]
        low, high = min(g.low for g in chosen), max(g.high for g in chosen)
        titles = "; ".join(dict.fromkeys(f"{g.source_title} ({g.qualifier})" for g in chosen))
        return Given(low, high, None, chosen[0].source, titles, "catalogue",
                     max((g.confidence for g in chosen), key=CONFIDENCE_ORDER.get))


def _year_distance(g: Given, year: int) -> int:
    m = re.search(r"(\d{4})(?:-(\d{4}))?$", g.qualifier or "")
    start = int(m.group(1)) if m else (g.year or year)
    end = int(m.group(2)) if m and m.group(2) else start
    return 0 if start <= year <= end else min(abs(year - start), abs(year - end))


@dataclass
class Context:
    inputs: dict[str, Input] = field(default_factory=dict)
    given: dict[str, Given] = field(default_factory=dict)
    hardware: str | None = None
    precision: str | None = None
    year: int | None = None
    hardware_name: str | None = None

    def put(self, name: str, given: Given) -> None:
        if given.low is None or given.high is None or given.low <= 0:
            return
        self.given[name] = given
        self.inputs[name] = Input(given.low, given.high, given.describe(), given.confidence)


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
    ctx = Context()
    subject = spec.subject
    facts = cat.facts.get(subject, {}) if subject else {}
    for name in MODEL_INPUTS:
        if name in facts:
            ctx.put(name, cat.fact(subject, name))
    if "hardware" in facts:
        text = cat.fact(subject, "hardware").text
        ctx.hardware = cat.resolve(text) or text
    if "precision" in facts:
        ctx.precision = cat.fact(subject, "precision").text
    known = cat.subjects.get(subject) if subject else None
    if known is not None and known.kind == "hardware":
        ctx.hardware = subject
    ctx.year = spec.year or (known.year if known else None)
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
    if "active_parameters" not in ctx.inputs and "parameters" in ctx.inputs:
        ctx.put("active_parameters", ctx.given["parameters"])
    _hardware_inputs(ctx, cat)
    for name, given in stated_later.items():  # the claimant's own inputs fill what nothing else gives
        if name not in ctx.inputs:
            _apply(ctx, cat, name, given)
    if "active_parameters" not in ctx.inputs and "parameters" in ctx.inputs:
        ctx.put("active_parameters", ctx.given["parameters"])
    _hardware_inputs(ctx, cat)
    for name in ("server_overhead", "pue", "development_multiplier"):
        if name not in ctx.inputs and (prior := cat.prior(name)):
            ctx.put(name, prior)
    return ctx


def _apply(ctx: Context, cat: Catalogue, name: str, given: Given) -> None:
    if name == "hardware":
        ctx.hardware = cat.resolve(given.text or "") or ctx.hardware
    elif name == "precision":
        ctx.precision = given.text
    elif name == "year" and given.low:
        ctx.year = int(given.low)
    else:
        ctx.put(name, given)


def _hardware_inputs(ctx: Context, cat: Catalogue) -> None:
    if ctx.hardware is None:
        return
    ctx.hardware_name = cat.subjects[ctx.hardware].name if ctx.hardware in cat.subjects else ctx.hardware
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
        if (prior := cat.prior("mfu", arch)) is not None:
            ctx.put("mfu", prior)
    if "gpu_hour_price_usd" not in ctx.inputs:
        if (price := cat.prices(ctx.hardware, "gpu_hour_price_usd", ctx.year)) is not None:
            ctx.put("gpu_hour_price_usd", price)


def check(spec: ClaimSpec, cat: Catalogue, rng: np.random.Generator | None = None,
          n: int = DEFAULT_SAMPLES) -> Verdict:
    """The verdict on one claim."""
    rng = rng if rng is not None else np.random.default_rng(DEFAULT_SEED)
    if spec.low is None and spec.high is None:
        return Verdict("unverifiable", None, "The claim states no figure that could be checked.")
    if unit_of(spec.quantity) in (MONEY, MONEY_PER_HOUR) and spec.currency not in (None, "USD"):
        return Verdict("unverifiable", None,
                       f"The claim is in {spec.currency}; the knowledge base holds no exchange rate.")
    if spec.subject is None:
        return Verdict("unverifiable", None, "The claim names no model or accelerator to check it against.")
    if spec.quantity in ("hardware_price_usd", "gpu_hour_price_usd"):
        return _check_price(spec, cat)
    ctx = build_context(spec, cat)
    if spec.quantity in ("parameters", "active_parameters") or (
        spec.quantity == "training_tokens" and "training_flop" not in ctx.inputs
    ):
        return _check_against_fact(spec, cat, ctx)
    try:
        est = estimate(spec.quantity, ctx.inputs, rng, n)
    except Unverifiable as e:
        if cat.fact(spec.subject, spec.quantity, exclude_source=spec.source) is not None:
            return _check_against_fact(spec, cat, ctx)  # nothing to derive it from, but a fact to compare
        return _unverifiable(spec, ctx, e.missing, cat)
    return _judge(spec, cat, ctx, est, rng, n)


def _unverifiable(spec: ClaimSpec, ctx: Context, missing: list[str], cat: Catalogue) -> Verdict:
    if not any(name in ctx.inputs for name in MODEL_INPUTS) and ctx.hardware is None:
        known = cat.subjects.get(spec.subject)
        return Verdict("unverifiable", None,
                       f"No estimate of {label(spec.quantity)} is possible: nothing is known of "
                       f"{known.name if known else spec.subject}'s "
                       f"size, training data, hardware or accelerator-hours, and the claim states none.",
                       inputs=_input_rows(ctx))
    needs = []
    for name in missing:
        if name in ("peak_flop_per_s", "gpu_hour_price_usd", "power_w") and ctx.hardware is None:
            needs.append("the hardware it was trained on")
        elif name == "gpu_hour_price_usd":
            needs.append(f"a price per accelerator-hour for {ctx.hardware} around {ctx.year}")
        else:
            needs.append(label(name))
    needs = list(dict.fromkeys(needs))
    return Verdict("unverifiable", None,
                   f"No estimate of {label(spec.quantity)} is possible: nobody supplied "
                   f"{', '.join(needs)}.", inputs=_input_rows(ctx))


def _judge(spec: ClaimSpec, cat: Catalogue, ctx: Context, est: Estimate, rng, n) -> Verdict:
    verdict, factor = compare(spec.low, spec.high, est.p5, est.p95)
    claim_text = spec.value_text or show_range(spec.quantity, spec.low, spec.high)
    band = f"{show(spec.quantity, est.p5)} to {show(spec.quantity, est.p95)} (median {show(spec.quantity, est.p50)})"
    explanation = sentence(verdict, spec.quantity, claim_text, band, factor)
    believe, impossible = _believe(spec, ctx, est, claim_text)
    if impossible:
        verdict, explanation = "implausible", f"{explanation} {impossible}"
    confidence = max((est.inputs[name].confidence for name in est.powers), key=CONFIDENCE_ORDER.get, default="medium")
    return Verdict(
        verdict, factor, explanation, est.p5, est.p50, est.p95, steps=_steps(est),
        believe=believe, sensitivity=[(label(name), share) for name, share in est.sensitivity if share > 0],
        confidence=confidence, claimant_check=_claimant_check(spec, cat, rng, n),
        inputs=_input_rows(ctx, est),
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


def _steps(est: Estimate) -> list[str]:
    lines = []
    for name in est.powers:
        given = est.inputs[name]
        lines.append(f"{label(name)}: {show_range(name, given.low, given.high)} ({given.label})")
    nodes = _nodes(est.derivation)
    for node in nodes:
        formula = node.formula
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


def _nodes(d: Derivation) -> list[Derivation]:
    found = []
    for part in d.parts:
        found.extend(_nodes(part))
    if d.formula is not None:
        found.append(d)
    return found


def _believe(spec: ClaimSpec, ctx: Context, est: Estimate, claim_text: str) -> tuple[str | None, str | None]:
    """What you would have to believe, and a physical-impossibility note if MFU would exceed 1."""
    target = claim_centre(spec.low, spec.high)
    impossible = None
    if spec.high is not None and est.powers.get("mfu", 0) < 0:
        needed = _mfu_needed(est, spec.high)
        if needed > 1:
            impossible = (f"Even at its upper end, and with every other input at the favourable end of its "
                          f"range, it needs an MFU of {needed:.2g}, i.e. {needed:.1f}× the accelerator's "
                          f"peak: physically impossible.")
    uncertain = [name for name, share in est.sensitivity if share > 0]
    choices = [n for n in BELIEVE_ORDER if n in est.powers]
    name = uncertain[0] if uncertain else (choices[0] if choices else None)
    if name is None or target is None or target <= 0:
        return None, impossible
    needed = solve_for(est, name, target)
    given = est.inputs[name]
    text = (f"For {claim_text} to be the median estimate, {label(name)} would have to be "
            f"{show(name, needed)}, against {show_range(name, given.low, given.high)} ({given.label}).")
    if name == "mfu" and needed > 1:
        text += f" That is {needed:.1f}× the accelerator's peak."
    return text, impossible


def _mfu_needed(est: Estimate, claimed: float) -> float:
    """MFU needed to reach a claimed figure with every other input at its most favourable end."""
    log_favourable = math.log(est.constant)
    for name, e in est.powers.items():
        mu, sigma = log_params(est.inputs[name].low, est.inputs[name].high)
        log_favourable += e * mu - (0 if name == "mfu" else abs(e) * Z95 * sigma)
    favourable = math.exp(log_favourable)
    return est.inputs["mfu"].median * (favourable / claimed) ** (-1 / est.powers["mfu"])


def _claimant_check(spec: ClaimSpec, cat: Catalogue, rng, n) -> str | None:
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
        return (f"Their stated inputs ({used}) give {show(spec.quantity, est.p50)}, which reproduces "
                f"their {show(spec.quantity, target)}.")
    return (f"Their stated inputs ({used}) give {show(spec.quantity, est.p50)}, not "
            f"{show(spec.quantity, target)} (off by {max(ratio, 1 / ratio):.1f}×): their arithmetic "
            f"does not reproduce their number.")


def _input_rows(ctx: Context, est: Estimate | None = None) -> list[dict]:
    names = list(est.powers) if est else list(ctx.inputs)
    rows = []
    for name in names:
        g = ctx.given.get(name)
        if g is None:
            continue
        rows.append({"input": label(name), "value": show_range(name, g.low, g.high),
                     "source": g.source, "source_title": g.source_title, "basis": g.basis,
                     "confidence": g.confidence, "stated": g.stated})
    if ctx.hardware:
        rows.insert(0, {"input": "hardware", "value": f"{ctx.hardware_name} ({ctx.precision or 'default precision'})",
                        "source": None, "source_title": None, "basis": "scenario", "confidence": None,
                        "stated": False})
    return rows


def _check_against_fact(spec: ClaimSpec, cat: Catalogue, ctx: Context) -> Verdict:
    """Parameters and tokens: compare with the subject's own fact (from another source)."""
    fact = cat.fact(spec.subject, spec.quantity, exclude_source=spec.source)
    feasibility, impossible = (_feasibility(spec, cat, ctx) if spec.quantity == "parameters" else (None, False))
    claim_text = spec.value_text or show_range(spec.quantity, spec.low, spec.high)
    rows = _input_rows(ctx)
    if fact is None or fact.low is None:
        if impossible:
            return Verdict("implausible", None, f"Physically impossible: {feasibility}", steps=[feasibility], inputs=rows)
        why = f"No independent figure for {label(spec.quantity)} of {spec.subject} to compare with."
        return Verdict("unverifiable", None, f"{why} {feasibility or ''}".strip(),
                       steps=[feasibility] if feasibility else [], inputs=rows)
    verdict, factor = compare(spec.low, spec.high, fact.low, fact.high)
    band = f"{show_range(spec.quantity, fact.low, fact.high)} ({fact.basis}, {fact.source_title}; {fact.confidence} confidence)"
    explanation = (f"The claim ({claim_text}) against the knowledge base's figure, {band}: "
                   + ("they agree." if verdict == "consistent" else f"off by a factor of {factor:.1f}."))
    steps = [f"{label(spec.quantity)}: {band}"]
    if feasibility:
        steps.append(feasibility)
        explanation += f" {feasibility}"
    if impossible:
        verdict = "implausible"
    centre = math.sqrt(fact.low * fact.high)
    return Verdict(verdict, factor, explanation, fact.low, centre, fact.high, steps=steps,
                   believe=None if verdict == "consistent" else
                   f"For {claim_text} to hold, the {fact.basis} figure ({show_range(spec.quantity, fact.low, fact.high)}) "
                   f"would have to be wrong by a factor of {factor:.0f}.",
                   confidence=fact.confidence, inputs=rows)


def _feasibility(spec: ClaimSpec, cat: Catalogue, ctx: Context) -> tuple[str | None, bool]:
    """What a parameter count implies given the compute budget and the cluster's memory."""
    n_params = spec.high if spec.high is not None else spec.low
    parts, impossible = [], False
    flop = ctx.given.get("training_flop")
    if flop is None and all(k in ctx.inputs for k in ("gpu_hours", "peak_flop_per_s", "mfu")):
        i = ctx.inputs
        value = i["gpu_hours"].median * i["peak_flop_per_s"].median * i["mfu"].median * 3600
        flop = Given(value, value, source_title="accelerator-hours × peak × MFU")
    optimal = cat.prior("tokens_per_parameter")
    if flop is not None and flop.low:
        budget = math.sqrt(flop.low * flop.high)
        tokens = budget / (6 * n_params)
        ratio = tokens / n_params
        parts.append(
            f"With a compute budget of {show('training_flop', budget)}, {show('parameters', n_params)} parameters "
            f"could be trained on only {show('training_tokens', tokens)} tokens (6·N·D), {ratio:.2g} tokens per "
            f"parameter" + (f", against about {optimal.low:g} for compute-optimal training ({optimal.source_title})"
                            if optimal else "") + ".")
    per_param = cat.prior("bytes_per_parameter")
    gpus = ctx.given.get("num_gpus")
    memory = cat.facts.get(ctx.hardware or "", {}).get("memory_gb")
    if per_param and gpus and memory and gpus.high:
        state = n_params * per_param.low
        cluster = gpus.high * memory[0].low * 1e9
        parts.append(
            f"Weights and Adam state take {show('parameters', n_params)} × {per_param.low:g} bytes = "
            f"{state / 1e15:.2g} PB ({per_param.source_title}), against {cluster / 1e15:.2g} PB of memory on "
            f"{gpus.high:,.0f} × {memory[0].low:g} GB {ctx.hardware_name} accelerators.")
        if state > cluster:
            impossible = True
            parts.append(f"It does not fit: {state / cluster:.1f}× the whole cluster's memory.")
    return (" ".join(parts) or None), impossible


def _check_price(spec: ClaimSpec, cat: Catalogue) -> Verdict:
    known = cat.subjects.get(spec.subject)
    hardware = spec.subject if known is not None and known.kind == "hardware" else None
    if hardware is None:
        fact = cat.fact(spec.subject, "hardware")
        stated = spec.assumptions.get("hardware")
        text = fact.text if fact else (stated.text if stated else None)
        hardware = cat.resolve(text) if text else None
    if hardware is None:
        return Verdict("unverifiable", None, f"{spec.subject} is not an accelerator, and no hardware is known for it, "
                       "so there is no price catalogue to compare with.")
    year = spec.year
    catalogue = cat.prices(hardware, spec.quantity, year)
    if catalogue is None:
        return Verdict("unverifiable", None, f"The knowledge base has no {label(spec.quantity)} for {hardware}.")
    verdict, factor = compare(spec.low, spec.high, catalogue.low, catalogue.high)
    claim_text = spec.value_text or show_range(spec.quantity, spec.low, spec.high)
    band = show_range(spec.quantity, catalogue.low, catalogue.high)
    when = f" around {year}" if year else ""
    explanation = (f"The claim ({claim_text}) against catalogue prices for {cat.subjects[hardware].name}{when}, {band}: "
                   + ("they overlap." if verdict == "consistent" else f"off by a factor of {factor:.1f}."))
    centre = math.sqrt(catalogue.low * catalogue.high)
    return Verdict(verdict, factor, explanation, catalogue.low, centre, catalogue.high,
                   steps=[f"catalogue: {band} ({catalogue.source_title})"], confidence=catalogue.confidence,
                   inputs=[{"input": label(spec.quantity), "value": band, "source": catalogue.source,
                            "source_title": catalogue.source_title, "basis": "catalogue",
                            "confidence": catalogue.confidence, "stated": False}])


def spec_for(claim: Claim, cat: Catalogue, subject_slug: str, source: Source,
             assumptions: list[Assumption], sources_by_id: dict[int, Source]) -> ClaimSpec:
    year = None
    for text in (claim.claimed_on, source.published):
        if text and cat.subjects[subject_slug].kind == "hardware":
            year = int(text[:4])
            break
    given = {}
    for a in assumptions:
        src = sources_by_id.get(a.source_id)
        given[a.name] = Given(a.low, a.high, a.text, src.slug if src else None, src.title if src else None,
                              "stated by the claimant" if a.stated else "editor's override", "medium",
                              a.qualifier, stated=a.stated, note=a.note)
    return ClaimSpec(claim.quantity, claim.low, claim.high, claim.currency, claim.scope, subject_slug, year,
                     source.slug, claim.value, given)


def check_all(session: Session, subject: str | None = None, seed: int = DEFAULT_SEED,
              n: int = DEFAULT_SAMPLES, store_results: bool = True) -> list[tuple[Claim, Verdict]]:
    """Check every active claim (or one subject's); with store_results, record() the outcomes."""
    cat = Catalogue(session)
    sources = {s.id: s for s in session.exec(select(Source))}
    subjects = {s.id: s.slug for s in cat.subjects.values()}
    assumptions: dict[int, list[Assumption]] = {}
    for a in session.exec(select(Assumption).where(Assumption.claim_id.is_not(None)).order_by(Assumption.id)):
        assumptions.setdefault(a.claim_id, []).append(a)
    rows = store.claims(session, subject_name=subject, include_inactive=False)
    results = []
    rng = np.random.default_rng(seed)
    fresh = rng.bit_generator.state
    for claim in rows:
        rng.bit_generator.state = fresh  # every claim sees the same stream: results do not depend on order
        spec = spec_for(claim, cat, subjects[claim.subject_id], sources[claim.source_id],
                        assumptions.get(claim.id, []), sources)
        results.append((claim, check(spec, cat, rng, n)))
    if store_results:
        record(session, results, seed)
    return results


OUTCOME = ("verdict", "factor", "p5", "p50", "p95", "explanation", "details", "model_version")


def record(session: Session, results: list[tuple[Claim, Verdict]], seed: int = DEFAULT_SEED) -> int:
    """Store an Evaluation for each claim whose outcome differs from its latest one, so the
    history shows how verdicts changed rather than every run. Returns how many were stored."""
    latest_ids = select(func.max(Evaluation.id)).group_by(Evaluation.claim_id)
    columns = [getattr(Evaluation, name) for name in OUTCOME]
    latest = {row[0]: tuple(row[1:]) for row in
              session.execute(select(Evaluation.claim_id, *columns).where(Evaluation.id.in_(latest_ids)))}
    now = utc_now()
    evaluations = []
    for claim, verdict in results:
        outcome = dict(
            verdict=verdict.verdict,
            factor=None if verdict.factor is None or math.isinf(verdict.factor) else verdict.factor,
            p5=verdict.p5, p50=verdict.p50, p95=verdict.p95, explanation=verdict.explanation,
            details=json.dumps(verdict.as_dict(), ensure_ascii=False, separators=(",", ":")),
            model_version=MODEL_VERSION,
        )
        if latest.get(claim.id) != tuple(outcome[name] for name in OUTCOME):
            evaluations.append(dict(outcome, claim_id=claim.id, seed=seed, created_at=now))
    if evaluations:
        session.execute(insert(Evaluation), evaluations)
    return len(evaluations)


def is_supported(verdict: str) -> bool:
    return verdict in SUPPORTED


ESTIMATED = ("training_flop", "gpu_hours", "training_days", "training_cost_usd", "total_cost_usd", "energy_mwh")


def estimate_all(ctx: Context, rng: np.random.Generator, n: int = DEFAULT_SAMPLES) -> dict[str, Estimate | Input]:
    """Every quantity the inputs determine: derived where possible, else the input itself."""
    results: dict[str, Estimate | Input] = {}
    for quantity in ESTIMATED:
        try:
            results[quantity] = estimate(quantity, ctx.inputs, rng, n)
        except Unverifiable:
            if quantity in ctx.inputs:
                results[quantity] = ctx.inputs[quantity]
    return results


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
        _hardware_inputs(ctx, cat)
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
