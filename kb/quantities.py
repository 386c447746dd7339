"""Quantity names, their canonical units, the closed vocabularies, and Range. Pure data."""

from __future__ import annotations

import math
from dataclasses import dataclass

from kb.errors import RangeError

# Unit kinds: what a parsed value measures. Money keeps its currency beside the unit.
MONEY = "money"
MONEY_PER_HOUR = "money/accelerator-hour"
FLOP = "FLOP"
MWH = "MWh"
GPU_HOURS = "accelerator-hours"
COUNT = "count"
DAYS = "days"
FRACTION = "fraction"
FLOP_PER_S = "FLOP/s"
WATTS = "W"
GB = "GB"
YEAR = "year"
TEXT = "text"

# name -> (unit kind, label shown to people, claimable: may a Claim be about it)
QUANTITIES: dict[str, tuple[str, str, bool]] = {
    "training_cost_usd": (MONEY, "training cost (final run)", True),
    "total_cost_usd": (MONEY, "total programme cost", True),
    "parameters": (COUNT, "parameters", True),
    "active_parameters": (COUNT, "active parameters", True),
    "training_tokens": (COUNT, "training tokens", True),
    "training_flop": (FLOP, "training compute", True),
    "gpu_hours": (GPU_HOURS, "accelerator-hours", True),
    "num_gpus": (COUNT, "number of accelerators", True),
    "training_days": (DAYS, "training duration", True),
    "energy_mwh": (MWH, "training energy", True),
    "hardware_price_usd": (MONEY, "accelerator purchase price", True),
    "gpu_hour_price_usd": (MONEY_PER_HOUR, "price per accelerator-hour", True),
    "mfu": (FRACTION, "MFU", True),
    # reference facts about accelerators and runs; not claimed by articles
    "peak_flop_per_s": (FLOP_PER_S, "peak dense FLOP/s", False),
    "power_w": (WATTS, "power", False),
    "memory_gb": (GB, "memory", False),
    "hardware": (TEXT, "hardware", False),
    "precision": (TEXT, "training precision", False),
    "architecture": (TEXT, "architecture", False),
    "ownership_cost_usd": (MONEY, "training cost (amortised ownership)", False),
}

# Physical bounds by unit: no value outside them describes a real training run, and a value far
# outside them (1e270 dollars, 1e-320 of anything) would overflow the arithmetic downstream.
UPPER_BOUNDS = {
    MONEY: 1e13,
    MONEY_PER_HOUR: 1e5,
    FLOP: 1e32,
    MWH: 1e9,
    GPU_HOURS: 1e12,
    COUNT: 1e17,
    DAYS: 1e5,
    FRACTION: 1.0,
    FLOP_PER_S: 1e19,
    WATTS: 1e8,
    GB: 1e7,
    YEAR: 3000,
}
SMALLEST = 1e-9  # the smallest non-zero value any quantity takes
# Inputs bounded by what they are: every overhead multiplies by at least 1 (a PUE under 1 would
# mean a data centre that makes power), and no accelerator runs above its peak (MFU at most 1).
PHYSICAL_RANGE: dict[str, tuple[float | None, float | None]] = {
    "pue": (1.0, None),
    "server_overhead": (1.0, None),
    "cluster_overhead": (1.0, None),
    "development_multiplier": (1.0, None),
    "mfu": (None, 1.0),
}


def check_bounds(value: float, unit: str) -> None:
    """Refuse a value outside the physical bounds of its unit (RangeError names them)."""
    upper = UPPER_BOUNDS.get(unit)
    if unit == FRACTION and upper is not None and value > upper:
        raise RangeError("MFU must be in (0, 1]")
    if upper is not None and value > upper:
        raise RangeError(f"{value:g} is beyond any real training run (at most {upper:g} for {unit})")
    if 0 < value < SMALLEST:
        raise RangeError(f"{value:g} is too small to be a real figure (at least {SMALLEST:g}, or 0)")


# Prices are claims about an accelerator, not about a model's training run.
PRICE_QUANTITIES = ("hardware_price_usd", "gpu_hour_price_usd")
CLAIM_QUANTITIES = tuple(q for q, (_, _, claimable) in QUANTITIES.items() if claimable)
SCOPES = ("final_training_run", "total_programme", "hardware_purchase", "unspecified")
SOURCE_KINDS = (
    "article",
    "paper",
    "model card",
    "datasheet",
    "blog",
    "social post",
    "measurement",
    "dataset",
    "report",
    "price list",
)
SUBJECT_KINDS = ("model", "hardware", "organization", "generic")
BASES = ("published", "estimate", "leak", "rumour", "measured")
RANKS = ("preferred", "normal", "deprecated")
CONFIDENCES = ("high", "medium", "low")
STATUSES = ("active", "retracted", "superseded", "draft", "rejected")
PUBLISHED_STATUSES = ("active", "retracted", "superseded")  # drafts await review; rejected drafts are kept, unpublished
JUDGED_STATUSES = ("active", "draft")
CURRENCIES = ("USD", "EUR", "GBP")


def unit_of(quantity: str) -> str:
    """The unit kind a quantity is measured in."""
    return QUANTITIES[quantity][0]


def label_of(quantity: str) -> str:
    return QUANTITIES[quantity][1]


@dataclass(frozen=True)
class Range:
    """A value as an interval with open ends: "more than $100M" is Range(1e8, None, "money", "USD").

    A point has low == high. Both ends None means a value with no number ("billions" always
    has numbers; a bare denial does not).
    """

    low: float | None
    high: float | None
    unit: str = COUNT
    currency: str | None = None

    def __post_init__(self):
        for end in (self.low, self.high):
            if end is None:
                continue
            if not math.isfinite(end):
                raise RangeError(f"value {end!r} is not a finite number")
            if end < 0:
                raise RangeError(f"value {end:g} is negative")
            check_bounds(end, self.unit)
        if self.low is not None and self.high is not None and self.low > self.high:
            raise RangeError(f"low {self.low:g} is above high {self.high:g}")
        if self.unit == MONEY or self.unit == MONEY_PER_HOUR:
            if self.currency not in CURRENCIES:
                raise RangeError(f"money needs a currency, one of {', '.join(CURRENCIES)}")
        elif self.currency is not None:
            raise RangeError(f"a {self.unit} value has no currency")

    @property
    def is_point(self) -> bool:
        return self.low is not None and self.low == self.high

    @property
    def is_open(self) -> bool:
        return self.low is None or self.high is None


# What a claim's own inputs and the global priors may name: quantities, and the ratios and
# settings the compute model takes.
ASSUMPTION_NAMES = (
    "mfu",
    "gpu_hour_price_usd",
    "hardware",
    "precision",
    "parameters",
    "active_parameters",
    "training_tokens",
    "training_flop",
    "gpu_hours",
    "num_gpus",
    "training_days",
    "server_overhead",
    "pue",
    "development_multiplier",
    "hardware_price_usd",
    "year",
    "useful_life_years",
    "power_w",
    "bytes_per_parameter",
    "tokens_per_parameter",
    "cluster_overhead",
    "price_index",
)
TEXT_ASSUMPTIONS = ("hardware", "precision")
RATIO_ASSUMPTIONS = (
    "mfu",
    "server_overhead",
    "pue",
    "development_multiplier",
    "year",
    "useful_life_years",
    "bytes_per_parameter",
    "tokens_per_parameter",
    "cluster_overhead",
    "price_index",
)


def assumption_unit(name: str) -> str:
    """Unit kind of an assumption; ratios and years are plain numbers."""
    if name in TEXT_ASSUMPTIONS:
        return TEXT
    if name in RATIO_ASSUMPTIONS:
        return "fraction" if name == "mfu" else "count"
    return unit_of(name) if name in QUANTITIES else "count"


# Inputs of the compute model that are not claimable quantities: their units and labels.
INPUT_UNITS = {
    "mfu": FRACTION,
    "peak_flop_per_s": FLOP_PER_S,
    "power_w": WATTS,
    "memory_gb": GB,
    "server_overhead": "×",
    "pue": "×",
    "development_multiplier": "×",
    "cluster_overhead": "×",
}
INPUT_LABELS = {  # inputs that are not quantities; quantities are labelled in kb.quantities
    "peak_flop_per_s": "peak dense FLOP/s",
    "power_w": "accelerator power",
    "server_overhead": "server overhead",
    "pue": "PUE",
    "development_multiplier": "development multiplier",
    "cluster_overhead": "cluster overhead (servers, network, energy)",
    "useful_life_years": "useful life (years)",
    "bytes_per_parameter": "bytes of model state per parameter",
    "tokens_per_parameter": "compute-optimal tokens per parameter",
}


def unit_for(name: str) -> str:
    if name in INPUT_UNITS:
        return INPUT_UNITS[name]
    return QUANTITIES[name][0] if name in QUANTITIES else COUNT


def label(name: str) -> str:
    return INPUT_LABELS.get(name, QUANTITIES[name][1] if name in QUANTITIES else name)
