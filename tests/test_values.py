"""The value parser: what people write, to ranges with canonical units, and back."""

import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kb.display import human_number, humanize
from kb.errors import ParseError
from kb.quantities import (
    COUNT,
    DAYS,
    FLOP,
    FRACTION,
    GPU_HOURS,
    MONEY,
    MONEY_PER_HOUR,
    MWH,
    SMALLEST,
    UPPER_BOUNDS,
    Range,
)
from kb.values import format, parse

M, B, T = 1e6, 1e9, 1e12

CASES = [
    ("$4.6 million", 4.6 * M, 4.6 * M, MONEY),  # a point
    ("$1–12M", 1 * M, 12 * M, MONEY),  # en dash, scale applies to both ends
    ("$1 to $12 million", 1 * M, 12 * M, MONEY),  # "to", scale written once
    ("$60-100M", 60 * M, 100 * M, MONEY),
    ("between $2 million and $5 million", 2 * M, 5 * M, MONEY),
    ("upwards of $100 million", 100 * M, None, MONEY),  # open above
    ("well over $100 million", 100 * M, None, MONEY),
    ("more than $100M", 100 * M, None, MONEY),
    ("at least $5M", 5 * M, None, MONEY),
    ("under $2,000", None, 2000, MONEY),  # open below
    ("nearly $100 million", 90 * M, 100 * M, MONEY),  # just under
    ("about $12 million", 12 * M, 12 * M, MONEY),  # hedges keep the figure
    ("hundreds of millions", 100 * M, 1 * B, COUNT),
    ("billions", 1 * B, 10 * B, COUNT),
    ("tens of millions", 10 * M, 100 * M, COUNT),
    ("a few $10M's", 10 * M, 100 * M, MONEY),  # Amodei's phrase: tens of millions
    ("a few hundred million dollars", 200 * M, 900 * M, MONEY),
    ("under US$6 million", None, 6 * M, MONEY),
    ("hundreds of millions, if not billions, of dollars", 100 * M, 10 * B, MONEY),
    ("$50 million to well over $100 million", 50 * M, None, MONEY),
    ("100 trillion", 100 * T, 100 * T, COUNT),
    ("175B", 175 * B, 175 * B, COUNT),
    ("1.8T", 1.8 * T, 1.8 * T, COUNT),
    ("3.14e23 FLOPs", 3.14e23, 3.14e23, FLOP),
    ("3,640 petaflop/s-days", 3640 * 8.64e19, 3640 * 8.64e19, FLOP),  # GPT-3 paper's unit
    ("1,287 MWh", 1287, 1287, MWH),
    ("1.3 GWh", 1300, 1300, MWH),
    ("355 GPU-years", 355 * 8766, 355 * 8766, GPU_HOURS),
    ("3,000 GPU weeks", 3000 * 168, 3000 * 168, GPU_HOURS),
    ("1.7 million A100 GPU hours", 1.7 * M, 1.7 * M, GPU_HOURS),
    ("1 US dollar per A100 GPU per hour", 1, 1, MONEY_PER_HOUR),
    ("$10,000-15,000 each", 10_000, 15_000, MONEY),
    ("$500,000 to $4.6 million", 500_000, 4.6 * M, MONEY),  # no scale borrowed by a full number
    ("$2 to $4 per hour", 2, 4, MONEY_PER_HOUR),
    ("$1.48 per GPU-hour", 1.48, 1.48, MONEY_PER_HOUR),
    ("90 days", 90, 90, DAYS),
    ("35%", 0.35, 0.35, FRACTION),
    ("512+", 512, None, COUNT),
    ("€3,5 million", 3.5 * M, 3.5 * M, MONEY),  # a decimal comma
    ("5,576 Millionen US-Dollar", 5.576 * M, 5.576 * M, MONEY),  # German: comma decimals, its scale words
    ("1,6 Milliarden Dollar", 1.6e9, 1.6e9, MONEY),
    ("5,6 Mio. USD", 5.6 * M, 5.6 * M, MONEY),
]


@pytest.mark.parametrize("text,low,high,unit", CASES)
def test_parse_table(text, low, high, unit):
    r = parse(text)
    assert r.unit == unit
    assert r.low == pytest.approx(low) if low is not None else r.low is None
    assert r.high == pytest.approx(high) if high is not None else r.high is None


@pytest.mark.parametrize(
    "text,currency", [("€50 million", "EUR"), ("£3m", "GBP"), ("$3m", "USD"), ("3 million dollars", "USD")]
)
def test_currency_is_kept_not_assumed(text, currency):
    assert parse(text).currency == currency


def test_expected_unit_fills_a_bare_number_and_refuses_another_unit():
    assert parse("175e9", COUNT).low == 175e9
    assert parse("$2", MONEY_PER_HOUR) == Range(2, 2, MONEY_PER_HOUR, "USD")
    with pytest.raises(ParseError, match="names no currency"):
        parse("60 to 100", MONEY)
    with pytest.raises(ParseError, match="expected FLOP"):
        parse("$5M", FLOP)


@pytest.mark.parametrize(
    "text", ["", "   ", "lots", "$", "nan", "inf", "1e400", "-5", "$12 to $1 million", "€5 or $6", "x" * 600]
)
def test_bad_values_raise_parse_error(text):
    with pytest.raises(ParseError):
        parse(text)


def test_humanize_is_short():
    assert humanize(parse("$1-12M")) == "$1M–$12M"
    assert humanize(parse("more than $100M")) == "at least $100M"
    assert humanize(parse("3.14e23 FLOP")) == "3.14×10²³ FLOP"


@pytest.mark.parametrize(
    "value,shown",
    [
        (22878.4, "22,900"),
        (1024.0, "1,024"),
        (25000.0, "25,000"),
        (999.5, "1,000"),
        (12.345, "12.3"),
        (5.0, "5"),
        (0.25, "0.25"),
    ],
)
def test_numbers_are_shown_to_three_digits_unless_whole(value, shown):
    assert human_number(value) == shown


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
@example("$1e400")
@example("between and")
@example("10^999 FLOP")
def test_no_input_crashes_and_every_parse_is_ordered(text):
    try:
        r = parse(text)
    except ParseError:
        return
    if r.low is not None and r.high is not None:
        assert r.low <= r.high
    for end in (r.low, r.high):
        assert end is None or (math.isfinite(end) and end >= 0)


units = st.sampled_from([COUNT, FLOP, MWH, GPU_HOURS, DAYS, FRACTION, MONEY, MONEY_PER_HOUR])


@st.composite
def ranges(draw):
    unit = draw(units)
    finite = st.floats(min_value=0, max_value=UPPER_BOUNDS[unit]).filter(lambda v: v == 0 or v >= SMALLEST)
    a, b = sorted([draw(finite), draw(finite)])
    shape = draw(st.sampled_from(["both", "point", "low", "high"]))
    low, high = {"both": (a, b), "point": (a, a), "low": (a, None), "high": (None, b)}[shape]
    currency = draw(st.sampled_from(["USD", "EUR", "GBP"])) if unit in (MONEY, MONEY_PER_HOUR) else None
    return Range(low, high, unit, currency)


@settings(max_examples=300, deadline=None)
@given(ranges())
@example(Range(1e-3, 1e30, FLOP))
@example(Range(0.35, 1.0, FRACTION))
@example(Range(0.35, 0.35, FRACTION))
def test_format_then_parse_gives_the_same_range(r):
    assert parse(format(r)) == r


@pytest.mark.parametrize("text", ["a lot of money", "lots of cash", "a fortune"])
def test_an_amount_without_a_figure_is_refused_for_what_it_lacks(text):
    with pytest.raises(ParseError, match="no figure"):
        parse(text, MONEY)


def test_a_figure_without_a_currency_is_refused_for_the_currency():
    with pytest.raises(ParseError, match="names no currency"):
        parse("two million", MONEY)
