"""A claim's range against an estimate's 90% band: the verdict, its factor, and the words and
arithmetic that explain it. Pure: numbers in, text out.

| verdict      | rule                                                   |
| consistent   | the claim's range and the band [p5, p95] overlap       |
| plausible    | outside, but within a factor of 3                      |
| doubtful     | outside by a factor of 3 to 10                         |
| implausible  | outside by more than 10×, or physically impossible     |
| unverifiable | the model lacks an input nobody supplied               |
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from kb.display import off_by
from kb.quantities import label

VERDICTS = ("consistent", "plausible", "doubtful", "implausible", "unverifiable")
PLAUSIBLE_FACTOR = 3.0
DOUBTFUL_FACTOR = 10.0
SUPPORTED = ("consistent", "plausible")
TOLERANCE = 1e-9  # rounding in the arithmetic must not turn an exact match into "plausible"


def compare(low: float | None, high: float | None, p5: float, p95: float) -> tuple[str, float]:
    """Verdict and factor for a claim [low, high] (either may be open) against [p5, p95].

    The factor is 1 when the ranges overlap, else the ratio across the gap (always >= 1).

    >>> compare(1e6, 12e6, 3e6, 11e6)
    ('consistent', 1.0)
    >>> compare(450e6, 450e6, 3e6, 11e6)[0]
    'implausible'
    """
    if low is None and high is None:
        raise ValueError("a claim with no figure cannot be compared")
    if high is not None and high < p5 * (1 - TOLERANCE):
        factor = p5 / high if high > 0 else math.inf
    elif low is not None and low > p95 * (1 + TOLERANCE):
        factor = low / p95
    else:
        return "consistent", 1.0
    if factor <= PLAUSIBLE_FACTOR:
        return "plausible", factor
    if factor <= DOUBTFUL_FACTOR:
        return "doubtful", factor
    return "implausible", factor


def claim_centre(low: float | None, high: float | None) -> float:
    """The single figure a claim stands for: the geometric middle, or its one bound."""
    if low is not None and high is not None:
        return math.sqrt(low * high) if low > 0 else high
    if low is not None:
        return low
    assert high is not None, "a claim with no figure has no centre"
    return high


@dataclass
class Verdict:
    """Everything a reader needs to follow a verdict."""

    verdict: str
    factor: float | None
    explanation: str
    p5: float | None = None
    p50: float | None = None
    p95: float | None = None
    steps: list[str] = field(default_factory=list)
    believe: str | None = None
    sensitivity: list[tuple[str, float]] = field(default_factory=list)
    confidence: str | None = None
    claimant_check: str | None = None
    inputs: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "factor": None if self.factor is None or math.isinf(self.factor) else round(self.factor, 4),
            "estimate": None if self.p50 is None else {"p5": self.p5, "p50": self.p50, "p95": self.p95},
            "explanation": self.explanation,
            "steps": self.steps,
            "believe": self.believe,
            "sensitivity": [{"input": n, "share": round(s, 4)} for n, s in self.sensitivity],
            "confidence": self.confidence,
            "claimant_check": self.claimant_check,
            "inputs": self.inputs,
        }


def sentence(verdict: str, quantity: str, claim_text: str, band: str, factor: float) -> str:
    """The one-line why."""
    what = label(quantity)
    if verdict == "consistent":
        return f"The claim ({claim_text}) overlaps the model's 90% range for {what}, {band}."
    return f"The claim ({claim_text}) is outside the model's 90% range for {what}, {band}: off by {off_by(factor)}."
