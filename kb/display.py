"""Numbers as people write them, the one formatter everything shown goes through (terminal, JSON
explanations, the site): "$4.6M", "3.14×10²³ FLOP", "1,024", "35%", "$1M–$12M", "up to $2/hour",
"18×". Pure: numbers in, text out."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

from kb.quantities import (
    COUNT,
    DAYS,
    FLOP,
    FLOP_PER_S,
    FRACTION,
    GB,
    GPU_HOURS,
    MONEY,
    MONEY_PER_HOUR,
    MWH,
    WATTS,
    Range,
    unit_for,
)
from kb.values import SYMBOLS

HUMAN_UNITS = {
    COUNT: "",
    FLOP: " FLOP",
    MWH: " MWh",
    GPU_HOURS: " accelerator-hours",
    DAYS: " days",
    FRACTION: "",
    FLOP_PER_S: " FLOP/s",
    WATTS: " W",
    GB: " GB",
    MONEY: "",
    MONEY_PER_HOUR: "/hour",
}
UNIT_SUFFIXES = sorted({s for s in HUMAN_UNITS.values() if s}, key=len, reverse=True)  # " FLOP/s" before " FLOP"


POWERS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def human_number(x: float, unit: str = COUNT) -> str:
    """A number for people: 3 significant digits, M/B/T suffixes, powers of ten for FLOP.

    >>> human_number(3.14e23, FLOP), human_number(4324880, MONEY), human_number(1024)
    ('3.14×10²³', '4.32M', '1,024')
    """
    if unit == FRACTION:
        return f"{x * 100:.3g}%"
    if unit in (FLOP, FLOP_PER_S) and x >= 1e15:
        mantissa, exponent = f"{x:.3g}".split("e") if "e" in f"{x:.3g}" else (f"{x:.3g}", "0")
        return f"{mantissa}×10{str(int(exponent)).translate(POWERS)}"
    for suffix, scale in (("T", 1e12), ("B", 1e9), ("M", 1e6)):
        if x >= scale:
            return f"{x / scale:.3g}{suffix}"
    rounded = x if x == int(x) else float(f"{x:.3g}")  # whole numbers stay whole (1,024 GPUs)
    if rounded >= 1000:
        return f"{rounded:,.0f}"  # 22,900 rather than 2.29e+04
    return f"{x:.3g}"


def human_bytes(n: float) -> str:
    """An amount of memory in the unit that keeps it readable: "2.8 TB", "320 TB", "1.2 PB".

    >>> human_bytes(175e9 * 16), human_bytes(10_000 * 32e9), human_bytes(8e9)
    ('2.8 TB', '320 TB', '8 GB')
    """
    for unit, scale in (("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if n >= scale:
            value = n / scale
            return f"{value:,.0f} {unit}" if value >= 10 else f"{value:.2g} {unit}"
    return f"{n:,.0f} bytes"


def human_factor(factor: float) -> str:
    """How far apart two figures are, as people say it: "1.2×", "18×", "1,000×".

    >>> human_factor(1.234), human_factor(55.5555), human_factor(1e3), human_factor(123456)
    ('1.2×', '56×', '1,000×', '120,000×')
    """
    if math.isinf(factor):
        return "infinitely"
    if factor < 1.1:
        return f"{factor:.2f}×"
    if factor < 10:
        return f"{factor:.1f}×"
    return f"{float(f'{factor:.2g}'):,.0f}×"


def off_by(factor: float) -> str:
    """How far apart two figures are, for "off by …": a gap that rounds away reads "less than 1%",
    not "1.00×".

    >>> off_by(1.0015), off_by(1.05), off_by(3.2)
    ('less than 1%', '1.05×', '3.2×')
    """
    return "less than 1%" if factor < 1.01 else human_factor(factor)


def listed(items: list[str], conjunction: str = "and") -> str:
    """Items as a sentence lists them.

    >>> listed(["the hardware", "its MFU", "its tokens"])
    'the hardware, its MFU and its tokens'
    >>> listed(["its tokens"], "or")
    'its tokens'
    """
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def human_amount(x: float, unit: str, currency: str | None = None) -> str:
    """One number with its unit, as people write it: "$4.6M", "312T FLOP/s", "35%", "$2.1/hour"."""
    return f"{SYMBOLS.get(currency or '', '')}{human_number(x, unit)}{HUMAN_UNITS[unit]}"


def human_span(low: float | None, high: float | None, one: Callable[[float], str]) -> str:
    """Two ends as people write a range, each end written by `one`: "$1M–$12M", "100–200
    accelerator-hours" (the unit once), "at least 175B", "up to $2/hour", "no figure"."""
    if low is None and high is None:
        return "no figure"
    if high is None:
        assert low is not None
        return f"at least {one(low)}"
    if low is None:
        return f"up to {one(high)}"
    a, b = one(low), one(high)
    if a == b:
        return a
    for suffix in UNIT_SUFFIXES:
        if a.endswith(suffix) and b.endswith(suffix):
            return f"{a.removesuffix(suffix)}–{b}"
    return f"{a}–{b}"


def humanize(value: Range) -> str:
    """Short display text: "$1M–$12M", "at least $100M", "175B", "3.14×10²³ FLOP"."""
    return human_span(value.low, value.high, lambda x: human_amount(x, value.unit, value.currency))


@functools.lru_cache(maxsize=65536)
def show(name: str, value: float) -> str:
    """One number with its unit, for explanations: "$4.6M", "312T FLOP/s", "35%"."""
    unit = unit_for(name)
    if unit == "×":
        return f"{value:.3g}×"
    return human_amount(value, unit, "USD" if unit in (MONEY, MONEY_PER_HOUR) else None)


def axis_label(name: str, value: float) -> str:
    """A tick on a chart's axis: the number without its unit words, which the chart's heading names
    ("100M", "$1M"), so that the labels fit beside an axis on a phone."""
    return show(name, value).removesuffix(HUMAN_UNITS.get(unit_for(name), ""))


def show_range(name: str, low: float | None, high: float | None) -> str:
    """A range of a quantity or an input, written as humanize writes a Range."""
    return human_span(low, high, functools.partial(show, name))
