"""The compute model's equations, as data.

Every equation here is a monomial: a constant times a product of inputs raised to powers
(FLOP = 6·N·D; accelerator-hours = FLOP / (peak × MFU × 3600); …). Writing them as data lets
one engine sample any chain of them, rank inputs by their share of the uncertainty, and solve
any single input backwards, and lets the site print the same equations it computes.
Pure: no I/O.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass


@dataclass(frozen=True)
class Formula:
    """quantity = constant × Π input^exponent."""

    quantity: str
    constant: float
    powers: tuple[tuple[str, int], ...]
    text: str
    reference: str

    @functools.cached_property
    def inputs(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.powers)


SECONDS_PER_HOUR = 3600.0
HOURS_PER_DAY = 24.0
W_HOURS_PER_MWH = 1e6
HOURS_PER_YEAR = 8760.0

# For each quantity, the ways to derive it, in order of preference.
FORMULAS: dict[str, tuple[Formula, ...]] = {
    "training_flop": (
        Formula(
            "training_flop",
            6.0,
            (("active_parameters", 1), ("training_tokens", 1)),
            "training FLOP = 6 × active parameters × tokens",
            "Kaplan et al. 2020, 'Scaling Laws for Neural Language Models' (C ≈ 6ND)",
        ),
    ),
    "gpu_hours": (  # a published run (accelerators × days) before the FLOP route through an MFU prior
        Formula(
            "gpu_hours",
            HOURS_PER_DAY,
            (("num_gpus", 1), ("training_days", 1)),
            "accelerator-hours = accelerators × days × 24",
            "definition",
        ),
        Formula(
            "gpu_hours",
            1 / SECONDS_PER_HOUR,
            (("training_flop", 1), ("peak_flop_per_s", -1), ("mfu", -1)),
            "accelerator-hours = training FLOP / (peak dense FLOP/s × MFU × 3600)",
            "Chowdhery et al. 2022 (PaLM), definition of model FLOP utilization",
        ),
    ),
    "training_cost_usd": (
        Formula(
            "training_cost_usd",
            1.0,
            (("gpu_hours", 1), ("gpu_hour_price_usd", 1)),
            "final-run cost = accelerator-hours × price per accelerator-hour",
            "definition",
        ),
    ),
    "ownership_cost_usd": (
        Formula(
            "ownership_cost_usd",
            1 / HOURS_PER_YEAR,
            (("gpu_hours", 1), ("hardware_price_usd", 1), ("cluster_overhead", 1), ("useful_life_years", -1)),
            "amortised ownership cost = accelerator-hours × purchase price × cluster overhead "
            "/ (useful life in years × 8,760)",
            "Cottier et al. 2024, 'The rising costs of training frontier AI models' (amortised hardware)",
        ),
    ),
    "total_cost_usd": (
        Formula(
            "total_cost_usd",
            1.0,
            (("training_cost_usd", 1), ("development_multiplier", 1)),
            "total programme cost = final-run cost × development multiplier",
            "Cottier 2022 (final run vs total compute)",
        ),
    ),
    "energy_mwh": (
        Formula(
            "energy_mwh",
            1 / W_HOURS_PER_MWH,
            (("gpu_hours", 1), ("power_w", 1), ("server_overhead", 1), ("pue", 1)),
            "energy (MWh) = accelerator-hours × power (W) × server overhead × PUE / 10⁶",
            "Patterson et al. 2021, 'Carbon Emissions and Large Neural Network Training'",
        ),
    ),
    "training_days": (
        Formula(
            "training_days",
            1 / HOURS_PER_DAY,
            (("gpu_hours", 1), ("num_gpus", -1)),
            "training days = accelerator-hours / accelerators / 24",
            "definition",
        ),
    ),
    "num_gpus": (
        Formula(
            "num_gpus",
            1 / HOURS_PER_DAY,
            (("gpu_hours", 1), ("training_days", -1)),
            "accelerators = accelerator-hours / (days × 24)",
            "definition",
        ),
    ),
    "training_tokens": (
        Formula(
            "training_tokens",
            1 / 6.0,
            (("training_flop", 1), ("active_parameters", -1)),
            "tokens = training FLOP / (6 × active parameters)",
            "Kaplan et al. 2020 (C ≈ 6ND)",
        ),
    ),
    "mfu": (
        Formula(
            "mfu",
            1 / SECONDS_PER_HOUR,
            (("training_flop", 1), ("gpu_hours", -1), ("peak_flop_per_s", -1)),
            "MFU = training FLOP / (accelerator-hours × peak dense FLOP/s × 3600)",
            "Chowdhery et al. 2022 (PaLM)",
        ),
    ),
}


@dataclass(frozen=True)
class Derivation:
    """How a quantity was obtained: from an input, or by a formula over sub-derivations."""

    quantity: str
    formula: Formula | None = None
    parts: tuple[Derivation, ...] = ()

    def monomial(self) -> tuple[float, dict[str, float]]:
        """Flatten to constant × Π leaf^exponent (memoised: derivations repeat across claims)."""
        return _monomial(self)

    def _flatten(self) -> tuple[float, dict[str, float]]:
        if self.formula is None:
            return 1.0, {self.quantity: 1.0}
        constant, powers = self.formula.constant, dict[str, float]()
        for part, (_, exponent) in zip(self.parts, self.formula.powers):
            c, p = part.monomial()
            constant *= c**exponent
            for leaf, e in p.items():
                powers[leaf] = powers.get(leaf, 0.0) + e * exponent
        return constant, {k: v for k, v in powers.items() if v != 0}

    def steps(self) -> list[Formula]:
        """The formulas used, innermost first, each once."""
        found: list[Formula] = []
        for part in self.parts:
            for f in part.steps():
                if f not in found:
                    found.append(f)
        if self.formula is not None and self.formula not in found:
            found.append(self.formula)
        return found


@functools.lru_cache(maxsize=4096)
def _monomial(derivation: Derivation) -> tuple[float, dict[str, float]]:
    return derivation._flatten()


def derive(target: str, available: set[str], _excluded: frozenset[str] = frozenset()) -> Derivation | None:
    """The preferred way to get `target` from the available inputs, or None.

    `target` itself is never taken as given (that would check a claim against itself);
    an intermediate quantity is taken as given when available.

    >>> derive("training_flop", {"active_parameters", "training_tokens"}).monomial()
    (6.0, {'active_parameters': 1.0, 'training_tokens': 1.0})
    """
    return _derive(target, frozenset(available), _excluded)


@functools.lru_cache(maxsize=4096)
def _derive(target: str, available: frozenset[str], _excluded: frozenset[str]) -> Derivation | None:
    excluded = _excluded | {target}
    for formula in FORMULAS.get(target, ()):
        parts = []
        for name in formula.inputs:
            if name in excluded:
                break
            if name in available:
                parts.append(Derivation(name))
                continue
            sub = _derive(name, available, excluded)
            if sub is None:
                break
            parts.append(sub)
        else:
            return Derivation(target, formula, tuple(parts))
    return None


# Quantities that can be derived but, when missing, are best reported as inputs to supply.
REPORTED_AS_INPUTS = frozenset({"mfu", "num_gpus", "training_days", "training_tokens"})


def missing_inputs(target: str, available: set[str], _excluded: frozenset[str] = frozenset()) -> list[str]:
    """The inputs that the simplest derivation of `target` still lacks (for "unverifiable"). A
    route through what is being derived goes in a circle ("days from accelerator-hours, and those
    from days") and is not one; where every route does, `target` itself is what is lacking."""
    excluded = _excluded | {target}
    best: tuple[int, int, list[str]] | None = None
    for formula in FORMULAS.get(target, ()):
        if any(name in excluded and name not in available for name in formula.inputs):
            continue
        lacking: list[str] = []
        present = 0
        for name in formula.inputs:
            if name in available:
                present += 1
                continue
            derived = name in FORMULAS and name not in REPORTED_AS_INPUTS
            sub = missing_inputs(name, available, excluded) if derived else [name]
            present += not sub
            lacking.extend(sub)
        rank = (len(set(lacking)), -present, lacking)  # fewest missing; on a tie, the route already begun
        if best is None or rank[:2] < best[:2]:
            best = rank
    return sorted(set(best[2])) if best is not None else [target]
