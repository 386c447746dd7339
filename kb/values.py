"""What people write ("$1-12M", "upwards of $100 million", "1.8T") to Range and back. Pure.

parse() reads a value as stated; format() writes the canonical text that parse() reads back
to the same Range; humanize() writes the short form shown on the site and in tables.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable

from kb.errors import ParseError, RangeError
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
)

MAX_LENGTH = 500

SCALES = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "mm": 1e6,
    "million": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
    "t": 1e12,
    "tn": 1e12,
    "trillion": 1e12,
    "quadrillion": 1e15,
}
PLURAL_SCALES = {"thousands": 1e3, "millions": 1e6, "billions": 1e9, "trillions": 1e12}
CURRENCY_MARKS = [
    ("USD", r"\bus\s?\$|\$|\busd\b|\bus[- ]dollars?\b|\bdollars?\b"),
    ("EUR", r"€|\beur\b|\beuros?\b"),
    ("GBP", r"£|\bgbp\b|\bpounds?(?: sterling)?\b"),
]
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}
_H = r"(?:(?:gpu|accelerator|chip|tpu|[a-z]+\d+[a-z0-9]*)[- ]?){1,2}"  # "GPU", "A100 GPU", "TPUv4"
# (pattern, unit kind, multiplier to the canonical unit); first match wins.
UNIT_WORDS = [
    (r"petaflop/?s?[- ]days?|pf(?:lop)?s?[- ]days?", FLOP, 8.64e19),
    (rf"per {_H}(?:per )?hours?\b|/ ?{_H}hours?\b|per accelerator-hour", MONEY_PER_HOUR, 1.0),
    (r"(?:an|per|a|/) ?(?:hour|hr|h)\b", MONEY_PER_HOUR, 1.0),
    (rf"{_H}years?\b", GPU_HOURS, 8766.0),
    (rf"{_H}weeks?\b", GPU_HOURS, 168.0),
    (rf"{_H}days?\b", GPU_HOURS, 24.0),
    (rf"{_H}hours?\b|accelerator-hours?|{_H}h\b", GPU_HOURS, 1.0),
    (r"exaflop/s|eflop/s|eflops\b", FLOP_PER_S, 1e18),
    (r"petaflop/s|pflop/s|pflops\b|petaflops\b", FLOP_PER_S, 1e15),
    (r"teraflop/s|tflop/s|tflops\b|teraflops\b", FLOP_PER_S, 1e12),
    (r"flop/s", FLOP_PER_S, 1.0),
    (r"zetta[- ]?flops?\b|zflops?\b", FLOP, 1e21),
    (r"flops?\b|floating[- ]point operations", FLOP, 1.0),
    (r"twh\b", MWH, 1e6),
    (r"gwh\b", MWH, 1e3),
    (r"mwh\b|megawatt[- ]hours?", MWH, 1.0),
    (r"kwh\b|kilowatt[- ]hours?", MWH, 1e-3),
    (r"kw\b|kilowatts?", WATTS, 1e3),
    (r"\bw\b|watts?", WATTS, 1.0),
    (r"\bgb\b|gigabytes?", GB, 1.0),
    (r"\btb\b|terabytes?", GB, 1e3),
    (r"weeks?\b", DAYS, 7.0),
    (r"months?\b", DAYS, 30.4375),
    (r"years?\b", DAYS, 365.25),
    (r"days?\b", DAYS, 1.0),
    (r"of peak", FRACTION, 1.0),
    (r"%", FRACTION, 0.01),
    (
        r"parameters?|params?|tokens?|gpus?|accelerators?|chips?|units?|each|apiece|per (?:gpu|unit|chip|card)",
        COUNT,
        1.0,
    ),
]
LOWER_BOUND = (
    r"(?:well |far |much |considerably |significantly )?(?:more than|over|above|upwards? of|"
    r"in excess of|exceeding|north of|greater than|at least|no less than|a minimum of)|>=?|≥"
)
UPPER_BOUND = r"(?:less than|fewer than|under|below|up to|at most|no more than|a maximum of|an upper[- ]bound of)|<=?|≤"
NEARLY = r"(?:nearly|almost|just under|close to)"
HEDGE = (
    r"(?:about|around|roughly|approximately|approx\.?|circa|some|an estimated|estimated|"
    r"reportedly|~|≈|a reported|the equivalent of|equivalent of)"
)
NUMBER = r"(?:\d+(?:\.\d+)?|\.\d+)(?:e[+-]?\d+|\s*(?:x|×|\*)\s*10\s*\^\s*[+-]?\d+)?|10\s*\^\s*[+-]?\d+"
SCALE = r"(?:thousand|million|billion|trillion|quadrillion|bn|mn|mm|tn|k|m|b|t)\b"
AMOUNT = rf"({NUMBER})\s*({SCALE})?"
VAGUE = (
    r"(?:(a few|several)\s+)?(?:(tens|hundreds|dozens)\s+of\s+)?"
    r"(thousands|millions|billions|trillions)"
)


def alias_key(name: str) -> str:
    """Fold a name for lookup: "GPT-4", "gpt 4" and "GPT4" all become "gpt4"."""
    return re.sub(r"[^0-9a-z.]+", "", name.lower()).replace(".", "")


def parse(text: str, unit: str | None = None) -> Range:
    """Read a value as people write it.

    `unit` is the unit kind the caller expects (from the claim's quantity); a value that
    names another kind is an error, and a bare number takes the expected kind.

    >>> parse("$1-12M")
    Range(low=1000000.0, high=12000000.0, unit='money', currency='USD')
    >>> parse("upwards of $100 million").high is None
    True
    """
    if not isinstance(text, str):
        raise ParseError(f"expected text, got {type(text).__name__}")
    return _read(text, unit)


@functools.lru_cache(maxsize=4096)
def _read(text: str, unit: str | None) -> Range:
    """parse() of a string: pure, so each is read once (an article repeats its figures; a table
    repeats its cells)."""
    if len(text) > MAX_LENGTH:
        raise ParseError(f"value is longer than {MAX_LENGTH} characters")
    s = _normalise(text)
    if not s:
        raise ParseError("empty value")
    currency, s = _take_currency(s, text)
    found_unit, multiplier, s = _take_unit(s)
    kind = _resolve_unit(found_unit, currency, unit, text)
    if s in ("unknown", ""):
        if s == "" and found_unit is None and currency is None:
            raise ParseError(f'cannot parse "{text}"')
        if s == "":
            raise ParseError(f'no number in "{text}"')
        return Range(None, None, kind, currency if kind in (MONEY, MONEY_PER_HOUR) else None)
    low, high = _parse_core(s, text)
    low, high = _scaled(low, multiplier), _scaled(high, multiplier)
    try:
        return Range(low, high, kind, currency if kind in (MONEY, MONEY_PER_HOUR) else None)
    except RangeError as e:
        raise ParseError(f'"{text}": {e}') from None


def _scaled(x: float | None, multiplier: float) -> float | None:
    """Dividing by 100 gives 0.35 for "35%"; multiplying by 0.01 would not."""
    if x is None:
        return None
    return x / round(1 / multiplier) if multiplier < 1 else x * multiplier


def _tidy(s: str) -> str:
    s = re.sub(r"^(?:of|in)\b|[,\s]+(?:of|in)?\s*$", "", s.strip())
    return " ".join(s.split()).strip(" .,")


GERMAN_WORDS = {
    "tausend": "thousand",
    "millionen": "million",
    "mio": "million",
    "milliarden": "billion",
    "mrd": "billion",
    "billionen": "trillion",
    "us-dollar": "dollars",
}
GERMAN = re.compile(r"\b(?:tausend|millionen|mio\.?|milliarden|mrd\.?|billionen|us-dollar)(?![\w-])")
SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")


def _normalise(text: str) -> str:
    s = text.lower().replace("\u00a0", " ").replace("\u202f", " ").replace("\u2009", " ")
    s = re.sub(r"[\u2012\u2013\u2014\u2015\u2212]", "-", s)
    s = re.sub(r"10([⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+)", lambda m: "10^" + m.group(1).translate(SUPERSCRIPTS), s)  # 10²³
    if GERMAN.search(s):  # "5,576 Millionen US-Dollar": comma decimals, dot thousands, German scale words
        s = re.sub(r"(?<=\d)\.(?=\d{3}(?!\d))", "", s).replace(",", ".")
        s = GERMAN.sub(lambda m: GERMAN_WORDS[m.group().rstrip(".")], s)
    s = re.sub(r"(?<=\d)['’,](?=\d{3}(?!\d))", "", s)  # 1,234 and Swiss 1'234
    s = re.sub(r"(?<=\d),(?=\d{1,2}(?!\d))", ".", s)  # decimal comma: "€3,5 million"
    s = re.sub(r"(?<=\d) (?=\d{3}(?!\d))", "", s)  # "1 287" thin-space grouping
    s = re.sub(r"\bin\s+(?:cloud\s+)?comput(?:e|ing)\b|\bof compute\b|\bto train\b|\bworth\b", " ", s)
    s = FEW_TENS.sub(lambda m: f"{m.group(1)} tens of {PLURAL_OF[m.group(2)]}", s)
    s = re.sub(r"\b(a few|several) hundred (thousand|million|billion)s?\b", r"\1 hundreds of \2s", s)
    s = s.replace("'s", "").replace("’s", "")
    return " ".join(s.split()).strip(" .;:")


# "a few $10M's" (Amodei on Claude 3.5 Sonnet): tens of millions, as "tens of millions of dollars" reads
FEW_TENS = re.compile(r"\b(?:a few|several)\s+([$€£])\s?10\s?(k|thousand|m|mn|million|b|bn|billion)(?:['’]?s)?\b")
PLURAL_OF = {"k": "thousands", "thousand": "thousands", "m": "millions", "mn": "millions", "million": "millions"}
PLURAL_OF |= {"b": "billions", "bn": "billions", "billion": "billions"}


def _take_currency(s: str, original: str) -> tuple[str | None, str]:
    found = [code for code, pattern in CURRENCY_MARKS if re.search(pattern, s)]
    if len(found) > 1:
        raise ParseError(f'"{original}" mixes currencies ({", ".join(found)})')
    if not found:
        return None, s
    s = re.sub(CURRENCY_MARKS[[c for c, _ in CURRENCY_MARKS].index(found[0])][1], " ", s)
    return found[0], _tidy(s)


def _take_unit(s: str) -> tuple[str | None, float, str]:
    for pattern, kind, multiplier in UNIT_WORDS:
        if re.search(pattern, s):
            s = re.sub(pattern, " ", s)
            s = re.sub(UNIT_LEFTOVER, " ", s)
            return kind, multiplier, _tidy(s)
    return None, 1.0, _tidy(s)


NUMBER_WORD = (  # a figure written in words, as in "two million"
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|thirty|fifty"
    r"|hundred|thousand|million|billion|trillion|dozen)s?\b"
)
UNIT_LEFTOVER = r"\b(?:of|in|per|each|total|training|compute|time|usd)\b\s*$"


def _resolve_unit(found: str | None, currency: str | None, expected: str | None, text: str) -> str:
    if currency is not None:
        kind = MONEY_PER_HOUR if found == MONEY_PER_HOUR or expected == MONEY_PER_HOUR else MONEY
        if expected not in (None, MONEY, MONEY_PER_HOUR):
            raise ParseError(f'"{text}" is an amount of money, expected {expected}')
        return kind
    if found in (MONEY_PER_HOUR,):
        raise ParseError(f'"{text}" is a price but names no currency')
    if found is None or found == COUNT:
        if expected in (MONEY, MONEY_PER_HOUR):
            if not re.search(rf"\d|{NUMBER_WORD}", text, re.I):
                raise ParseError(f'no figure in "{text}": write one, such as "$5 million", or "unknown"')
            raise ParseError(f'"{text}" names no currency (write $, € or £)')
        return expected or COUNT
    if expected is not None and found != expected:
        raise ParseError(f'"{text}" is in {found}, expected {expected}')
    return found


def _parse_core(s: str, original: str) -> tuple[float | None, float | None]:
    """The number part, with its qualifiers: returns (low, high), either may be None. The first
    rule whose pattern matches the whole text reads it (see READINGS)."""
    for pattern, read in READINGS:
        if m := pattern.fullmatch(s):
            return read(m, original)
    raise ParseError(f'cannot parse "{original}"')


def _either(m: re.Match, original: str) -> tuple[float | None, float | None]:
    """ "$50M, if not $100M": from the first to the second."""
    low, high = _parse_core(m.group(1), original)
    low2, high2 = _parse_core(m.group(2), original)
    return low, high2 if high2 is not None else (high if low2 is None else None)


def _at_least(m: re.Match, original: str) -> tuple[float | None, float | None]:
    return _parse_core(m.group(1).strip(), original)[0], None


def _at_most(m: re.Match, original: str) -> tuple[float | None, float | None]:
    return None, _parse_core(m.group(1), original)[1]


def _nearly(m: re.Match, original: str) -> tuple[float | None, float | None]:
    """ "nearly $5M": up to it, from a tenth below."""
    low, high = _parse_core(m.group(1), original)
    return (None if low is None else low * 0.9), high


def _hedged(m: re.Match, original: str) -> tuple[float | None, float | None]:
    return _parse_core(m.group(1), original)


def _between(m: re.Match, original: str) -> tuple[float | None, float | None]:
    """ "$2-5 million": the scale written once applies to both ends."""
    a, a_scale, b, b_scale = m.groups()
    low, high = _number(a, a_scale, original), _number(b, b_scale, original)
    if a_scale is None and b_scale is not None and _number(a, None, original) < 1000:
        low = _number(a, b_scale, original)
    if low > high:
        raise ParseError(f'"{original}": low {low:g} is above high {high:g}')
    return low, high


def _amount(m: re.Match, original: str) -> tuple[float | None, float | None]:
    value = _number(m.group(1), m.group(2), original)
    return value, value


def _to(m: re.Match, original: str) -> tuple[float | None, float | None]:
    """ "$50 million to well over $100 million": each end read on its own."""
    return _parse_core(m.group(1), original)[0], _parse_core(m.group(2), original)[1]


READINGS: list[tuple[re.Pattern, Callable[[re.Match, str], tuple[float | None, float | None]]]] = [
    (re.compile(r"(.*?),?\s*(?:if not|or even|or possibly|perhaps even|maybe even)\s+(.*)", re.S), _either),
    (re.compile(r"(.*)(?:\+| or more| and up)", re.S), _at_least),
    (re.compile(rf"(?:{LOWER_BOUND})\s*(.+)"), _at_least),
    (re.compile(rf"(?:{UPPER_BOUND})\s*(.+)"), _at_most),
    (re.compile(rf"{NEARLY}\s+(.+)"), _nearly),
    (re.compile(rf"{HEDGE}\s*(.+)"), _hedged),
    (re.compile(VAGUE), lambda m, original: _vague(*m.groups())),
    (re.compile(rf"(?:anywhere\s+)?(?:between|from)?\s*{AMOUNT}\s*(?:-|to|and|through)\s*{AMOUNT}"), _between),
    (re.compile(AMOUNT), _amount),
    (re.compile(r"(?:anywhere\s+)?(?:from\s+)?(.+?)\s+to\s+(.+)"), _to),
]


def _vague(few: str | None, order: str | None, plural: str) -> tuple[float, float]:
    """ "hundreds of millions" is [1e8, 1e9]; "billions" is [1e9, 1e10]."""
    scale = PLURAL_SCALES[plural]
    unit = scale * {None: 1, "tens": 10, "dozens": 12, "hundreds": 100}[order]
    if few:
        return 2 * unit, 9 * unit
    if order == "dozens":
        return 24 * scale, 100 * scale
    return unit, 10 * unit


def _number(digits: str, scale: str | None, original: str) -> float:
    m = re.fullmatch(r"(.*?)\s*(?:x|×|\*)?\s*10\s*\^\s*([+-]?\d+)", digits)
    try:
        value = float(f"{m.group(1) or 1}e{int(m.group(2))}") if m else float(digits)
        value *= SCALES[scale] if scale else 1.0
    except (ValueError, OverflowError):
        raise ParseError(f'"{original}": {digits} is not a number') from None
    if not math.isfinite(value):
        raise ParseError(f'"{original}": {digits} is too large')
    return value


FORMAT_UNITS = {
    COUNT: "",
    FLOP: " FLOP",
    MWH: " MWh",
    GPU_HOURS: " accelerator-hours",
    DAYS: " days",
    FRACTION: " of peak",
    FLOP_PER_S: " FLOP/s",
    WATTS: " W",
    GB: " GB",
    MONEY: "",
    MONEY_PER_HOUR: " per accelerator-hour",
}


def _exact(x: float) -> str:
    """The shortest text that reads back as exactly this float."""
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def format(value: Range) -> str:  # noqa: A001 - mirrors parse()
    """Canonical text for a Range; parse(format(r)) == r.

    >>> format(parse("$1-12M"))
    '$1000000 to $12000000'
    """
    symbol = SYMBOLS.get(value.currency or "", "")

    def amount(x: float) -> str:
        return f"{symbol}{_exact(x)}"

    suffix = FORMAT_UNITS[value.unit]
    if value.low is None and value.high is None:
        return f"unknown{suffix}" if suffix else ("unknown " + symbol if symbol else "unknown")
    if value.high is None:
        assert value.low is not None
        return f"at least {amount(value.low)}{suffix}"
    if value.low is None:
        return f"up to {amount(value.high)}{suffix}"
    if value.low == value.high:
        return f"{amount(value.low)}{suffix}"
    return f"{amount(value.low)} to {amount(value.high)}{suffix}"
