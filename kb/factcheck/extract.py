"""Find quantitative claims about AI training in plain text. Pure: text in, spans out.

A span is a value as written ("between $2 million and $5 million", "1.7 million A100 GPU
hours", "25,000 A100s") with the quantity the surrounding words make it: training cost,
parameters, tokens, FLOP, accelerator-hours, accelerators, days, energy, purchase price or
price per hour. Money about funding, revenue or valuations, years, headcounts and the digits
in model names ("Llama 2 70B") are not claims.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from kb.errors import ParseError
from kb.factcheck.patterns import (
    ACTIVE,
    ACTIVE_AFTER,
    BOUND,
    CLAUSE_BREAK,
    COMPILED,
    COST_VERBS,
    COST_WORDS,
    CUES,
    DENOMINATOR,
    DENSE_PART,
    DIGIT,
    DISTRACTOR,
    DURATION_CONTEXT,
    DURATION_LABEL,
    EACH_BEFORE,
    EMPHASIS,
    FINAL,
    GAP_AFTER,
    HARDWARE_NAMES,
    HOLDINGS,
    HOUR_PRICE,
    INFERENCE,
    MACHINE_PRICE,
    NOT_ACCELERATORS,
    NUM,
    ONE_MACHINE,
    ONE_MACHINE_ENERGY,
    OPERATOR_AFTER,
    OPERATOR_BEFORE,
    OTHER_PERIOD,
    PART,
    PART_OF_TOTAL,
    PER_MODEL,
    PER_UNIT,
    PER_USE,
    PERCENT,
    QUAL,
    RANGE_BEFORE,
    RANGE_START,
    RANGED,
    RATE,
    RENTAL,
    RUN,
    SCALE,
    SIZE,
    SIZE_CLASS,
    SIZE_LIST,
    SMALLER_MODELS,
    STAGE,
    TOTAL,
    TRAINING,
    UNNAMED_CHIP_PRICE,
    VAGUE_COUNTS,
    WHOLE_CLUSTER,
    says,
    says_near,
)
from kb.quantities import (
    COUNT,
    DAYS,
    FLOP,
    FRACTION,
    GPU_HOURS,
    MONEY_PER_HOUR,
    MWH,
    Range,
)
from kb.values import parse


@dataclass(frozen=True)
class Span:
    """A value found in the text, with the quantity it measures."""

    start: int
    end: int
    text: str
    quantity: str
    value: Range
    scope: str
    sentence: int
    hardware: str | None = None
    listed: tuple[float, ...] = ()  # the sizes of the list ("7B, 13B and 70B variants") this one is in


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


# A line that ends a sentence ends it whatever comes next ("… $3 billion.\nxAI's …"), and so does a
# full stop before a bullet run into the same line ("… bills. - Stanford's work …").
# Each way starts with a quote or a space: looking ahead for one skips every other position at once.
SENTENCE_END = re.compile(
    r"(?=[\"”’)\s])(?:(?<=[.!?])[\"”’)]?\s+(?=[A-Z\"“(]|[-•*]\s+[A-Z])|(?<=[.!?])[\"”’)]?[ \t]*\n\s*|"
    r"\n\s*\n|\n(?=\s*[-*•#|A-Z\"“(]))"
)
CONTEXT = 300  # characters either side of a value that can say what it measures; bounds the work per value


def sentences(text: str) -> list[Sentence]:
    """Split on sentence ends and blank lines, keeping offsets into the original text; a run-on
    longer than MAX_SENTENCE is read in pieces (see _pieces)."""
    found, start = [], 0
    for m in SENTENCE_END.finditer(text):
        found.extend(_pieces(text, start, m.start() + (1 if text[m.start()] in '"”’)' else 0)))
        start = m.end()
    found.extend(_pieces(text, start, len(text)))
    result: list[Sentence] = []
    for s, e in found:
        while s < e and text[s].isspace():
            s += 1
        if s < e:
            result.append(Sentence(len(result), s, e, text[s:e]))
    return result


MAX_SENTENCE = 2_000  # characters; the longest sentence of the labelled articles has 480


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """text[start:end] cut after a comma or semicolon (else a space) into pieces no longer than
    MAX_SENTENCE: what a figure means is said within CONTEXT characters of it, and a sentence a
    megabyte long would make every figure in it look at all the others."""
    pieces = []
    while end - start > MAX_SENTENCE:
        limit = start + MAX_SENTENCE
        cut = max(text.rfind(", ", start, limit), text.rfind("; ", start, limit))
        if cut <= start:
            cut = text.rfind(" ", start, limit)
        cut = cut + 1 if cut > start else limit
        pieces.append((start, cut))
        start = cut
    return [*pieces, (start, end)]


PHRASES = {  # vague phrases with a conventional reading, stated in the explanation
    "centuries": ("gpu_hours", 100 * 8766.0, 1000 * 8766.0),
    "millennia": ("gpu_hours", 1000 * 8766.0, 10_000 * 8766.0),
    "as much": ("energy_mwh", None, None),
}


def extract(
    text: str, masked: Sequence[tuple[int, int]] = (), sents: list[Sentence] | None = None, enough: int | None = None
) -> list[Span]:
    """Every claim-like value in the text; `masked` ranges (model names) are skipped.

    `sents` are the text's sentences when the caller has them already. Given `enough`, reading
    stops after the sentence in which more than that many values were found.
    """
    spans: list[Span] = []
    blanked = EMPHASIS.sub(lambda m: " " * len(m.group()), text)  # **bold** and _italics_, offsets kept
    masked = sorted(masked)
    starts = [a for a, _ in masked]
    previous = ""
    for sentence in sents if sents is not None else sentences(blanked):
        words = blanked[sentence.start : sentence.end]
        if _states_a_number(words):
            first, last = bisect.bisect_left(starts, sentence.start), bisect.bisect_left(starts, sentence.end)
            taken = [(a - sentence.start, b - sentence.start) for a, b in masked[first:last]]
            found = _sentence_spans(replace(sentence, text=words), taken, previous + (" training" if taken else ""))
            spans.extend(replace(span, text=text[span.start : span.end]) for span in found)
            if enough is not None and len(spans) > enough:
                break
        previous = words
    return sorted(spans, key=lambda s: s.start)


def _states_a_number(words: str) -> bool:
    """Whether a sentence holds a digit or a number word: most hold neither, and are read no further."""
    if DIGIT.search(words):
        return True
    lowered = words.lower()
    return any(word in lowered for word in NUMBERS_WITHOUT_DIGITS)


class Taken:
    """The ranges of a sentence already read (names, figures), and whether a new one overlaps
    them, in time that does not grow with their number: a run-on sentence holds thousands."""

    def __init__(self, length: int, ranges: list[tuple[int, int]]):
        self.mask = bytearray(length)
        for a, b in ranges:
            self.add(a, b)

    def add(self, a: int, b: int) -> None:
        b = min(b, len(self.mask))
        self.mask[a:b] = bytes([1]) * max(0, b - a)

    def overlaps(self, a: int, b: int) -> bool:
        return self.mask.find(1, a, b) >= 0


NUMBERS_WITHOUT_DIGITS = ("illion", "housand", "centur", "millenni", "as much")


def _sentence_spans(sentence: Sentence, names: list[tuple[int, int]], previous: str) -> list[Span]:
    """The values in one sentence, leftmost pattern first; the `names` spans, and values found, are skipped."""
    lowered = sentence.text.lower()
    spans: list[Span] = []
    taken = Taken(len(sentence.text), names)
    cued: dict[tuple[str, ...], bool] = {}  # kinds share cues: each asked once
    for kind, pattern in COMPILED:
        cues = CUES[kind]
        if cues not in cued:
            cued[cues] = any(cue in lowered for cue in cues)
        if not cued[cues]:
            continue
        for m in pattern.finditer(sentence.text):
            a, b = _trim(sentence.text, *m.span("value" if "value" in pattern.groupindex else 0))
            if kind in RANGED and (head := RANGE_BEFORE.search(sentence.text, max(0, a - 40), a)):
                a = head.start()  # "90 to [100 days]": the range, not its upper end
            if b <= a or taken.overlaps(a, b):
                continue
            span = _classify(kind, sentence, a, b, previous)
            if span is not None:
                spans.extend(
                    [*_coordinated_size(span, sentence, a), *_coordinated_figure(span, sentence, a, taken), span]
                )
                taken.add(a, b)
    return spans + _elliptic_figures(spans, sentence, names, taken)


def _elliptic_figures(spans: list[Span], sentence: Sentence, names: list[tuple[int, int]], taken: Taken) -> list[Span]:
    """A figure whose unit is left out after another model's name is a figure of the same kind:
    "Grok 2 was trained on 20,000 H100 GPUs, and Grok 3 on [100,000]"."""
    found = []
    by_end = sorted(spans, key=lambda s: s.end)
    i = 0
    for name_start, name_end in sorted(names):
        while i < len(by_end) and by_end[i].end - sentence.start <= name_start:
            i += 1
        span = by_end[i - 1] if i else None  # the figure the name follows
        if span is None or span.quantity not in ELLIPTIC_QUANTITIES:
            continue
        if not ELLIPSIS_LINK.fullmatch(sentence.text, span.end - sentence.start, name_start):
            continue
        m = ELLIPTIC_FIGURE.match(sentence.text, name_end)
        value = _parse(m.group(1)) if m else None
        if m is None or value is None or not value.low or taken.overlaps(m.start(1), m.end(1)):
            continue
        if not 0.01 <= value.low / (span.value.low or span.value.high or value.low) <= 100:
            continue  # parallel figures are of a size: "$4.6 million, and GPT-4 cost 100" is no $100
        found.append(_like(span, sentence.start + m.start(1), m.group(1), value))
    return found


def _like(span: Span, start: int, text: str, value) -> Span:
    """A figure of the same kind, unit and scope as `span`, written `text` at `start`."""
    return replace(
        span, start=start, end=start + len(text), text=text, value=replace(span.value, low=value.low, high=value.high)
    )


def _coordinated_figure(span: Span, sentence: Sentence, a: int, taken: Taken) -> list[Span]:
    """A figure with its own scale but no unit, coordinated before one that has both: "[300
    billion] and 13 trillion tokens" are two token counts ("respectively" then says whose)."""
    other = SCALED_BEFORE.search(sentence.text, max(0, a - 40), a)
    if other is None or taken.overlaps(other.start(1), other.end(1)):
        return []
    value = _parse(other.group(1))
    if value is None or value.low is None:
        return []
    taken.add(other.start(1), other.end(1))
    return [_like(span, sentence.start + other.start(1), other.group(1), value)]


def _coordinated_size(span: Span, sentence: Sentence, a: int) -> list[Span]:
    """The size written before a member's and coordinated with it ("with [8] and 62 billion
    parameters"), as a finding of its own."""
    if len(span.listed) != 2 or span.value.low != span.listed[1]:
        return []
    other = COORDINATED_NUMBER.search(sentence.text, max(0, a - 80), a)
    if other is None:
        return []
    start = sentence.start + other.start(1)
    size = replace(span.value, low=span.listed[0], high=span.listed[0])
    return [replace(span, start=start, end=start + len(other.group(1)), value=size)]


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a] in " ,;":
        a += 1
    while b > a and text[b - 1] in " ,;.":
        b -= 1
    return a, b


def _parse(text: str, unit: str | None = None) -> Range | None:
    try:
        r = parse(text, unit)
    except ParseError:
        return None
    return None if r.low is None and r.high is None else r


@dataclass(frozen=True)
class Found:
    """A matched value and the words around it, which say what it measures."""

    sentence: Sentence
    a: int
    b: int
    previous: str  # the sentence before, which may have asked the question this one answers

    @property
    def raw(self) -> str:
        return self.sentence.text[self.a : self.b]

    @property
    def before(self) -> str:
        return self.sentence.text[max(0, self.a - 80) : self.a]

    @property
    def after(self) -> str:
        return self.sentence.text[self.b : self.b + 80]

    def in_context(self, pattern: re.Pattern) -> bool:
        """Whether the words within CONTEXT characters of the figure say this."""
        return says_near(pattern, self.sentence.text, self.a, self.b, CONTEXT)

    def in_topic(self, pattern: re.Pattern) -> bool:
        """Whether its context, or the end of the sentence before, says this."""
        return says(pattern, self.previous[-CONTEXT:]) or self.in_context(pattern)

    @property
    def near(self) -> str:
        return self.before[-50:] + " " + self.after[:50]

    @property
    def clause(self) -> str:
        """The figure's own clause: "the A100 costs $1.10 an hour" in "…, while an H100 rents for $2"."""
        return CLAUSE_BREAK.split(self.before[-50:])[-1] + self.raw + CLAUSE_BREAK.split(self.after[:50])[0]

    def span(self, quantity: str, value: Range, scope: str = "unspecified", hardware: str | None = None) -> Span:
        start = self.sentence.start
        return Span(start + self.a, start + self.b, self.raw, quantity, value, scope, self.sentence.index, hardware)


def _classify(kind: str, sentence: Sentence, a: int, b: int, previous: str = "") -> Span | None:
    """What a matched value measures, judged from its sentence (and the one before)."""
    found = Found(sentence, a, b, previous)
    after = found.after
    active = ACTIVE_AFTER.match(after) or (kind == "params" and (ACTIVE.search(found.raw) or _used_per_token(found)))
    if kind not in ("money", "vague_money", "phrase") and RATE.match(after) and not active:
        return None  # "40k tokens/$", "2 FLOPs per parameter", "8 GPUs per node": rates and parts, not totals
    if kind != "mfu" and (OPERATOR_AFTER.match(found.after) or OPERATOR_BEFORE.search(found.before)):
        return None  # "4T tokens × 50k vocab", "… ÷ $100m": an operand; "× 0.40 utilization =" is the run's MFU
    return READERS[kind](found)


def _phrase(found: Found) -> Span:
    quantity, low, high = next(v for k, v in PHRASES.items() if found.raw.lower().startswith(k))
    return found.span(quantity, Range(low, high, GPU_HOURS if quantity == "gpu_hours" else MWH), "final_training_run")


def _stated_money(found: Found) -> Span | None:
    return _money(found, _parse(found.raw))


def _vague_money(found: Found) -> Span | None:
    """ "Millions of dollars" only where it is spent on training: alone it is too vague to be anything."""
    if not COST_VERBS.search(found.before[-40:]) or not found.in_topic(TRAINING):
        return None
    return _money(found, _parse(found.raw + " dollars"))


def _money(found: Found, value: Range | None) -> Span | None:
    """An amount of money as a price per hour, an accelerator's price, or a training cost."""
    before, after = found.before, found.after
    if value is None or DISTRACTOR.search(before[-60:] + after[:30]) or NOT_ACCELERATORS.search(before[-40:]):
        return None
    if OTHER_PERIOD.match(after) or PER_MODEL.match(after) or PER_USE.match(after):  # "$33,849 / month": a rental
        return None
    if value.unit == MONEY_PER_HOUR or HOUR_PRICE.match(after.lstrip()):
        hourly = Range(value.low, value.high, MONEY_PER_HOUR, value.currency)
        hardware = _only_hardware(found.clause) or _only_hardware(found.near) or _only_hardware(found.sentence.text)
        return found.span("gpu_hour_price_usd", hourly, "unspecified", hardware)
    if MACHINE_PRICE.search(before[-40:]):
        return None  # "a DGX H100 server sells for $300,000": one machine's price, neither a chip's nor a run's
    hardware = _only_hardware(found.clause) or _only_hardware(found.near)
    purchase = (
        PER_UNIT.search(before[-50:] + found.raw + after[:50])
        and not RENTAL.search(found.near)
        and (value.low or value.high or 0) < MAX_UNIT_PRICE
    )
    # "trained on 24,000 H100s, each costing $30,000": a unit price, whatever the sentence trained
    if hardware and (EACH_BEFORE.search(before[-30:]) or (purchase and not TRAINING.search(found.near))):
        if WHOLE_CLUSTER.search(after[:40]):
            return None  # "each A100 at $9,900: almost $10M to set up a cluster": a purchase, not a price
        return found.span("hardware_price_usd", value, "hardware_purchase", hardware)
    if hardware is None and UNNAMED_CHIP_PRICE.search(before[-40:]) and not TRAINING.search(found.near):
        return found.span("hardware_price_usd", value, "hardware_purchase")
    return _training_cost(found, value)


def _training_cost(found: Found, value: Range) -> Span | None:
    asked = found.previous.rstrip().endswith("?")  # "What did it cost to train? About $2M."
    costed = (asked and says(COST_WORDS, found.previous[-CONTEXT:])) or found.in_context(COST_WORDS)
    if not (found.in_topic(TRAINING) and (costed or found.in_context(FINAL))):
        return None
    if found.in_context(DISTRACTOR) and not TRAINING.search(found.before[-60:] + found.after[:40]):
        return None
    if found.in_context(TOTAL) and not FINAL.search(found.near) and not found.in_context(PART_OF_TOTAL):
        return found.span("total_cost_usd", value, "total_programme")
    final = found.in_context(FINAL)
    return found.span("training_cost_usd", value, "final_training_run" if final else "unspecified")


def _flop(found: Found) -> Span | None:
    value = _parse(found.raw, FLOP)
    if value and found.raw.endswith("FLOPS") and (value.high or 0) < 1e21:  # FLOPS: per second
        return None
    return found.span("training_flop", value, "final_training_run") if value else None


def _six_nd(found: Found) -> Span | None:
    """The result of 6 x N x D, written without its unit: FLOP."""
    value = _parse(re.split(r"[=≈~]", found.raw)[-1].strip(), FLOP)
    return found.span("training_flop", value, "final_training_run") if value else None


def _gpu_time(found: Found) -> Span | None:
    raw = found.raw
    if not re.search(r"gpu|accelerator|chip|tpu|a100|h100|h800|v100|compute", raw + found.after[:20], re.I):
        return None
    named = re.search(r"gpu|accelerator|chip|tpu|\d-h$", raw, re.I)
    value = _parse(raw if named else re.sub(r"hours$", "GPU hours", raw), GPU_HOURS)
    return found.span("gpu_hours", value, "final_training_run", _only_hardware(raw)) if value else None


def _machine_hours(found: Found) -> Span | None:
    """Hours of training time that no run lasts (over LONGEST_RUN_HOURS) on accelerators its
    sentence names: accelerator-hours, however written."""
    value = _parse(re.sub(r"\s+of\s+.*$", "", found.raw, flags=re.I).replace("hours", "GPU hours"), GPU_HOURS)
    if value is None or (value.low or 0) < LONGEST_RUN_HOURS or not says(HARDWARE_NAMES, found.sentence.text):
        return None
    return found.span("gpu_hours", value, "final_training_run", _only_hardware(found.sentence.text))


LONGEST_RUN_HOURS = 100_000  # eleven years


def _energy(found: Found) -> Span | None:
    value = _parse(found.raw, MWH)
    if value is None or ONE_MACHINE_ENERGY.search(found.before[-80:]):  # "one server … will consume 6.5 kWh"
        return None
    return found.span("energy_mwh", value, "final_training_run")


def _params(found: Found) -> Span | None:
    unit = r"[- ]?(?:(?:active|activated|total)\s+)?(?:parameters?|params|parameter)$|\s+(?:active|activated)$"
    bare = re.sub(r"(?<=\d)-(?=[a-z])", " ", re.sub(unit, "", found.raw, flags=re.I), flags=re.I)  # "27-billion"
    value = _parse(bare, COUNT)
    before, after = found.before, found.after
    active = ACTIVE.search(found.raw) or ACTIVE_AFTER.match(after) or _used_per_token(found)
    rest = PER_TOKEN.sub("", after, count=1) if active else after  # active parameters are per token by definition
    if value is None or PART.search(before[-30:]) or PART.search(rest[:30]):
        return None
    if SMALLER_MODELS.search(before[-80:]):
        # "also trained smaller versions, with 8 and 62 billion parameters": each size is a member's, or no claim
        if value.low is None or value.low != value.high:
            return None
        return replace(found.span("parameters", value), listed=_with_coordinated(value.low, bare, before))
    if DENSE_PART.match(after):
        return None
    # "models with over 100 billion parameters", "models with 100T+ parameters": a class of models
    if SIZE_CLASS.search(before[-40:]) and (BOUND.match(found.raw) or "+" in found.raw):
        return None
    return found.span("active_parameters" if active else "parameters", value)


MAX_UNIT_PRICE = 10e6  # dollars: no accelerator sells for more; "… H100s, the run could cost $1 billion" is a run's
PER_TOKEN = re.compile(r"^\s*per token\b")
USES = re.compile(r"\b(?:uses?|using|activates?|activating|engages?)\s+(?:(?:only|just|about|roughly)\s+)?$", re.I)


def _used_per_token(found: Found) -> bool:
    """ "uses only 12.9B parameters per token": a mixture of experts' active parameters, not a rate."""
    return bool(PER_TOKEN.match(found.after) and USES.search(found.before[-30:]))


def _mfu(found: Found) -> Span | None:
    number = re.search(rf"{PERCENT}|0\.\d+", found.raw)
    if number is None:
        return None
    written = number.group()
    value = _parse(written.replace("%", "") + "%" if "%" in written else written, FRACTION)
    return found.span("mfu", value, "final_training_run") if value else None


def _tokens(found: Found) -> Span | None:
    value = _parse(re.sub(r"\s(?:total|training|pre-?training)\b", "", found.raw, flags=re.I), COUNT)
    if value is None or STAGE.search(found.before[-60:]):  # "this stage involved 7.6T tokens": a part of the run
        return None
    if DENOMINATOR.search(found.before[-12:]):  # "$30 per 1M tokens": what a token costs, not how many trained it
        return None
    return found.span("training_tokens", value, "final_training_run")


PRODUCT_BEFORE = re.compile(r"\b[a-z]+[A-Z]\w*\s$")  # "iPhone ", "eBay ": a product name right before a number
MACHINE_SIZE = 64  # accelerators: "8x A100", "16x H100" are one machine's or one pod's


def _accelerators(found: Found) -> Span | None:
    raw, after = found.raw, found.after
    number = re.match(rf"{QUAL}(?:{RANGE_START})?((?:{NUM})(?:\s?{SCALE})?)", raw, re.I)
    value = _parse(raw[: number.end()], COUNT) if number else None
    if value is None or (value.low or value.high or 0) < 2:
        return None
    if number and re.match(r"[x×]", raw[number.end() :]) and (value.low or 0) < MACHINE_SIZE:
        return None  # "8x A100": one server's configuration; "1,024x A100" is a cluster
    if PRODUCT_BEFORE.search(found.before):
        return None  # "27,000 iPhone 15 chips": a product's version, not a count
    if re.match(r"[\s-]*(?:GPU[- ]?)?(?:hours|years|days)", after, re.I) or re.match(r"\s*(?:GB|TB)\b", after):
        return None  # accelerator-hours, and memory
    if PER_UNIT.search(after[:12]) or ONE_MACHINE.search(found.before) or INFERENCE.search(after[:60]):
        return None
    if says(HOLDINGS, found.sentence.text) and not TRAINING.search(found.near):
        return None  # "the company operates 50,000 GPUs, including 10,000 H800s": what it has, not a run
    return found.span("num_gpus", value, "final_training_run", _only_hardware(raw))


def _duration(found: Found) -> Span | None:
    trained = found.in_context(TRAINING) or found.in_context(RUN) or found.in_context(HARDWARE_NAMES)
    said = DURATION_CONTEXT.search(found.before[-40:] + found.raw + found.after[:20]) or found.in_context(
        DURATION_LABEL
    )  # "| Duration | ~34 days (on 1,024 GPUs) |": the table's label says what the number is
    if not (trained and said):
        return None
    if GAP_AFTER.match(found.after):  # "developed 9-12 months before its rival": a gap, not a run
        return None
    text = re.sub(r"^over\s+", "", found.raw, flags=re.I)  # "over 21 days" spans them
    text = re.sub(r"-(?=[a-z])", " ", text, flags=re.I)  # "a 90-day run", but "1-2 weeks" is a range
    for word, n in VAGUE_COUNTS.items():
        text = re.sub(rf"\b{word}\b", str(n), text, flags=re.I)
    value = _parse(text, DAYS)
    return found.span("training_days", value, "final_training_run") if value else None


def _with_coordinated(size: float, written: str, before: str) -> tuple[float, ...]:
    """A size and the one coordinated before it, on its scale: "8 and 62 billion" is 8e9 and 62e9."""
    number = re.match(r"\s*([\d.]+)", written.replace(",", ""))
    other = COORDINATED_NUMBER.search(before)
    if not (number and other and float(number.group(1))):
        return (size,)
    return (float(other.group(1)) * size / float(number.group(1)), size)


COORDINATED_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*(?:,|,?\s*and|,?\s*or)\s*$")
ELLIPTIC_QUANTITIES = ("num_gpus", "gpu_hours", "training_tokens", "parameters", "training_cost_usd", "training_flop")
ELLIPSIS_LINK = re.compile(r"(?:[^\W\d]|[\s-]){0,20}?(?:,?\s+(?:and|while|whereas|but)|,)\s+(?:the\s+)?", re.I)
ELLIPTIC_FIGURE = re.compile(  # after the name: "… and Grok 3 on [100,000]", "… Llama 3 70B consumed [6.4 million]"
    r"(?:'s)?\s+(?:(?:used|took|needed|consumed|required|on|with|had|has|cost)\s+){1,2}"
    r"(?:(?:about|around|roughly|some|nearly|almost)\s+)?"
    r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?\s(?:thousand|million|billion|trillion)|\d+)(?=\s*(?:[.,;)]|$))",
    re.I,
)
SCALED_BEFORE = re.compile(
    r"(?<![\d.,$€£])(\d+(?:\.\d+)?\s(?:thousand|million|billion|trillion))\s*(?:,|,?\s*and|,?\s*or)\s*$", re.I
)


def _size(found: Found) -> Span | None:
    """One size of a list of a family's sizes: a parameter count, judged only for the one member
    of that size (check.py), never for the family or a model of another size."""
    value = _parse(found.raw, COUNT)
    text = found.sentence.text
    whole = next((m for m in SIZE_LIST.finditer(text) if m.start() <= found.a < m.end()), None)
    sizes = [_parse(size, COUNT) for size in re.findall(SIZE, whole.group() if whole else found.raw)]
    listed = tuple(size.low for size in sizes if size is not None and size.low is not None)
    return replace(found.span("parameters", value), listed=listed) if value and listed else None


def _labelled_params(found: Found) -> Span | None:
    value = _parse(found.raw, COUNT)
    return found.span("parameters", value) if value else None


READERS = {
    "phrase": _phrase,
    "money": _stated_money,
    "vague_money": _vague_money,
    "flop": _flop,
    "six_nd": _six_nd,
    "gpu_time": _gpu_time,
    "machine_hours": _machine_hours,
    "energy": _energy,
    "params": _params,
    "labelled_params": _labelled_params,
    "rumored_params": _labelled_params,
    "sizes": _size,
    "tokens": _tokens,
    "count_hw": _accelerators,
    "mfu": _mfu,
    "duration": _duration,
}


def _only_hardware(text: str) -> str | None:
    """The accelerator a text names, where it names exactly one: "rent A100s … at $2.93 per hour" is
    the A100's price, "H100s and A100s at $2.50 per hour" could be either's."""
    named = {m.group(1).upper().replace(" ", ""): m.group(1) for m in HARDWARE_NAMES.finditer(text)}
    return next(iter(named.values())) if len(named) == 1 else None
