"""Pure compute core: ranges in, percentiles out. No database, CLI, site or file I/O.

estimate() derives a quantity (training FLOP, accelerator-hours, cost, energy, days, …) from
whatever inputs are given, by the equations in formulas.py, with seeded Monte Carlo.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from kb.compute.dist import log_params, monomial_percentiles
from kb.compute.formulas import FORMULAS, Derivation, Formula, derive, missing_inputs
from kb.montecarlo import DEFAULT_SAMPLES, DEFAULT_SEED

# Stored with every verdict. 1.1.0: a cost is judged by its scope; a single fact or list price is
# read with a band for its confidence; mixtures of experts have their own MFU prior.
MODEL_VERSION = "1.1.0"


@dataclass(frozen=True)
class Input:
    """One input: a 90% interval (a point when low == high) and where it came from."""

    low: float
    high: float
    label: str = ""
    confidence: str = "medium"

    def __post_init__(self):
        log_params(self.low, self.high)  # validates

    @property
    def median(self) -> float:
        return math.sqrt(self.low * self.high)


@dataclass
class Estimate:
    quantity: str
    p5: float
    p50: float
    p95: float
    derivation: Derivation
    constant: float
    powers: dict[str, float]
    inputs: dict[str, Input]
    sensitivity: list[tuple[str, float]] = field(default_factory=list)

    @property
    def steps(self) -> list[Formula]:
        return self.derivation.steps()


class Unverifiable(Exception):
    """The inputs do not determine the quantity; `missing` names what nobody supplied."""

    def __init__(self, quantity: str, missing: list[str]):
        super().__init__(f"{quantity} needs {', '.join(missing)}")
        self.quantity, self.missing = quantity, missing


def estimate(quantity: str, inputs: dict[str, Input], rng: np.random.Generator, n: int = DEFAULT_SAMPLES) -> Estimate:
    """p5/p50/p95 of `quantity` derived from `inputs` (never read directly from them)."""
    derivation = derive(quantity, set(inputs))
    if derivation is None:
        raise Unverifiable(quantity, missing_inputs(quantity, set(inputs)))
    constant, powers = derivation.monomial()
    terms = {name: (*log_params(inputs[name].low, inputs[name].high), e) for name, e in powers.items()}
    p5, p50, p95 = monomial_percentiles(constant, list(terms.values()), n, rng)
    variances = {name: (e * sigma) ** 2 for name, (_, sigma, e) in terms.items()}
    total = sum(variances.values())
    sensitivity = sorted(
        ((name, v / total if total else 0.0) for name, v in variances.items()),
        key=lambda item: -item[1],
    )
    return Estimate(
        quantity, p5, p50, p95, derivation, constant, powers, {name: inputs[name] for name in powers}, sensitivity
    )


def solve_for(est: Estimate, name: str, target: float) -> float:
    """The value of one input that moves the estimate's median to `target`, others held.

    Because every chain is a monomial, median ∝ x^e, so x' = x × (target / median)^(1/e).
    """
    exponent = est.powers[name]
    return est.inputs[name].median * (target / est.p50) ** (1 / exponent)


__all__ = [
    "DEFAULT_SAMPLES",
    "DEFAULT_SEED",
    "Estimate",
    "FORMULAS",
    "Formula",
    "Input",
    "MODEL_VERSION",
    "Unverifiable",
    "estimate",
    "solve_for",
]
