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

POWER = r"10(?:\^|\*\*)?(?:[⁰¹²³⁴⁵⁶⁷⁸⁹]+|(?<=[\^*])\d+)"  # 10²³, 10^23, 10**23
NUM = (
    rf"\d{{1,3}}(?:[,'’\u2009\u202f]\d{{3}})+(?:\.\d+)?|"
    rf"\d+(?:[.,]\d+)?(?:e[+-]?\d+|\s?[x×*]\s?{POWER})?|{POWER}"
)
SCALE = r"(?:thousand|million|billion|trillion|mn|bn|[kKmMbBtT])\b"
GERMAN_SCALE = r"(?:Tausend|Millionen|Milliarden|Mio\.|Mrd\.|Mio\b|Mrd\b)"
CUR = r"(?:(?<![A-Za-z])US|(?<![A-Za-z]))[$€£]"  # US$ and $, not NT$ or HK$
AMOUNT = rf"{CUR}\s?(?:{NUM})(?:\s?{SCALE})?"
AMOUNT_TAIL = rf"(?:{CUR}\s?)?(?:{NUM})(?:\s?{SCALE})?"  # "$10,000-15,000": the second amount may omit the symbol
EDGE = r"(?<![\w.$€£-])"  # a number starts a token: "H100 GPUs" holds no "100 GPUs"
# the first end of a range, before the number a pattern reads: "between 1e25 and", "90 to", "7B-"
RANGE_START = rf"(?:between\s+(?:{NUM})(?:\s?{SCALE})?\s+and|(?:{NUM})(?:\s?{SCALE})?\s*(?:-|–|—|to))\s*"
PERCENT = rf"(?:(?:{NUM})\s?%?\s?(?:-|–|to)\s?(?:{NUM})|(?:{NUM}))\s?%"
QUAL = (
    r"(?:(?:well |far |much )?(?:more than|over|above|upwards of|in excess of|north of|at least|nearly|almost|"
    r"about|around|roughly|approximately|some|close to|up to|under|less than|below|just under|an estimated)\s+|~\s*)?"
)
VAGUE = (
    r"(?:(?:a few|several)\s+)?(?:(?:tens|hundreds|dozens)\s+of\s+)?(?:thousands|millions|billions|trillions)"
    r"(?:,?\s+(?:if not|or even|perhaps even|maybe even)\s+(?:(?:tens|hundreds)\s+of\s+)?"
    r"(?:thousands|millions|billions|trillions))?"
)
HW = r"(?:A100|H100|H200|H800|B200|V100|TPU\s?v\d[a-z]?|MI\d{3}X?|RTX\s?\d{4}|GPU|accelerator|chip|TPU)s?"

PATTERNS = [
    # money: ranges first, then single amounts, then vague amounts "of dollars"
    ("phrase", r"centuries of (?:compute|GPU|computing|processing) time|millennia of (?:compute|GPU) time"),
    ("phrase", r"as much (?:energy|electricity|power) as (?:a small town|a small city|a town|a city)"),
    # "and" joins a range only after "between": "$8 million and $3.2 million" are two amounts
    (
        "money",
        rf"(?:between\s+{QUAL}{AMOUNT}\s+and\s+{QUAL}{AMOUNT_TAIL}|"
        rf"(?:(?:from|anywhere from|anywhere between)\s+)?{QUAL}{AMOUNT}\+?(?:\s*(?:-|–|—|to)\s*{QUAL}{AMOUNT_TAIL})?)"
        rf"(?:,?\s+(?:if not|or even)\s+{AMOUNT})?"
        rf"(?:\s*(?:per|an|a|/)\s*(?:{HW}[- ]?)?(?:hour|hr|h)\b)?",
    ),
    ("money", rf"{QUAL}{VAGUE},?\s+(?:of\s+)?(?:US\s)?dollars"),
    # "5 million dollars", "5,576 Millionen US-Dollar": the currency written after the figure
    (
        "money",
        rf"{QUAL}{EDGE}(?:{NUM})(?:\s?(?:{SCALE}|{GERMAN_SCALE}))?\s*(?:US[- ]?)?(?:dollars?|euros?|USD|EUR)\b",
    ),
    ("vague_money", rf"{QUAL}{VAGUE}"),
    (
        "flop",
        rf"{QUAL}{EDGE}(?:{NUM})(?:\s?(?:x|×)\s?10\^\d+)?(?:\s?{SCALE})?\+?\s?"
        r"(?:petaflop/s[- ]days|pf-days|petaflop[- ]days|FLOPs?|floating[- ]point operations)",
    ),
    (
        "gpu_time",
        rf"{QUAL}{EDGE}(?:{NUM})(?:\s?{SCALE})?\+?\s?(?:{HW}[- ]?)?(?:(?:GPU|compute)[- ]?)?"
        r"(?:hours|years|days|(?<=\d-)h)\b(?!\s+of\s+training)",
    ),
    (
        "energy",
        rf"{QUAL}{EDGE}(?:{NUM})(?:\s?{SCALE})?\+?\s?(?:MWh|GWh|kWh|TWh|megawatt[- ]hours|gigawatt[- ]hours)",
    ),
    (
        "params",
        rf"{QUAL}{EDGE}(?:{NUM})(?:\s?{SCALE})?\+?[- ]?"
        r"(?:(?:active|activated|total)\s+)?(?:parameters?|params)\b",
    ),
    ("params", rf"{QUAL}{EDGE}(?:{NUM})\s?(?:[BbTtMm]|billion|trillion|million)[- ]parameter"),
    ("tokens", rf"{QUAL}{EDGE}(?:{NUM})(?:\s?{SCALE})?\+?\s?tokens\b"),
    (  # "384 active GPUs", "2,048 NVIDIA H800"
        "count_hw",
        rf"{QUAL}{EDGE}(?:{NUM})(?:\s?{SCALE})?\+?\s+(?:(?:active|total|NVIDIA|Nvidia|AMD|Google)\s+){{0,2}}{HW}",
    ),
    (
        "mfu",
        rf"(?:\bMFU|model flops? utili[sz]ation(?:\s*\(MFU\))?),?\s*(?:which\s+)?"
        rf"(?:of|at|was|is|were|around|about|:|=|≈|~)?\s*"
        rf"{QUAL}{EDGE}{PERCENT}|{QUAL}{EDGE}{PERCENT}\s+(?:MFU\b|model flops? utili[sz]ation|utili[sz]ation)|"
        rf"{EDGE}0\.\d+\s+(?:MFU\b|utili[sz]ation)",
    ),
    ("duration", rf"{QUAL}{EDGE}(?:{NUM}|a few|several)(?:\s+(?:days|weeks|months)|-(?:day|week|month))\b"),
]
COMPILED = [(kind, re.compile(p, re.IGNORECASE if kind != "count_hw" else 0)) for kind, p in PATTERNS]
RANGED = ("flop", "gpu_time", "energy", "params", "tokens", "count_hw", "duration")  # money and MFU read their own
RANGE_BEFORE = re.compile(rf"{EDGE}{RANGE_START}$", re.I)
# A pattern runs on a sentence only if the sentence holds one of its cue strings (lower case):
# a cheap `in` test that spares the regular expressions most sentences.
CUES = {
    "phrase": ("centur", "millenni", "as much"),
    "money": ("$", "€", "£"),
    "vague_money": ("illion", "housand"),
    "flop": ("flop", "floating"),
    "gpu_time": ("hour", "year", "day", "-h"),
    "energy": ("wh", "watt"),
    "params": ("param",),
    "tokens": ("token",),
    "mfu": ("mfu", "utili"),
    "duration": ("day", "week", "month"),
    "count_hw": (
        "gpu",
        "tpu",
        "chip",
        "accelerator",
        "a100",
        "h100",
        "h200",
        "h800",
        "b200",
        "v100",
        "mi2",
        "mi3",
        "rtx",
    ),
}
DOLLAR_WORDS = ("dollar", "euro", "usd", "eur")
DIGIT = re.compile(r"\d")

TRAINING = re.compile(
    r"\btrain(?:ed|ing|s)?\b|\bpre-?train|\bfinal run|\btraining run|\bcompute\b|\bcost(?:s|ing)? to\b|"
    r"trainingslauf|vortrain|\btrainiert",  # and the German an article may be in
    re.I,
)
COST_VERB = r"\bcost|\bspent|\bspend|\bprice tag|\bexpens|\bbill\b|\bpaid\b|\bpay\b|\bkost|\bausgegeben"
COST_VERBS = re.compile(COST_VERB, re.I)
COST_WORDS = re.compile(  # the verbs, and the words around a figure that say it is a cost
    COST_VERB + r"|\bworth of compute|\bausgaben|"
    r"\bestimat|\bcomes? to\b|\bamounts? to\b|"
    r"\bfor\s+(?:(?:about|around|roughly|just|only|under|less than|over)\s+)?[$€£]",  # \s+: **bold** is blanked
    re.I,
)
DISTRACTOR = re.compile(
    r"\brais(?:e|ed|ing)\b|\bfunding\b|\binvest|\bvaluation|\bvalued\b|\brevenue|\bsales\b|\bearn|\bprofit|"
    r"\bsalar|\bacqui|\bround\b|\bIPO\b|\bmarket cap|\bloss(?:es)?\b|\bdebt\b|\bgrant\b|\bdonat|\bsubscri|"
    r"\bfine[ds]?\b|"
    r"\bpenalt|\bbudget for (?:staff|marketing)|\bemployees?\b|\bheadcount|\bdata cent(?:er|re)s?\b|"
    r"\bsupercomputer\b|\bto build\b|\bconstruct",
    re.I,
)
NOT_ACCELERATORS = re.compile(
    r"\b(?:RAM|memory|storage|SSDs?|NVMe|workstation|laptop|desktop|CPUs?|server processors?|"
    r"phone|subscription|licen[cs]e)\b",
    re.I,
)
PER_UNIT = re.compile(
    r"\beach\b|\bapiece\b|\bper (?:gpu|unit|card|chip|accelerator)\b|\bunit price|\bsells? for\b|"
    r"\bretail|\bpurchase price|\bbuy|\bcosts? (?:about|around|roughly)?\s*\$",
    re.I,
)
TOTAL = re.compile(  # a programme's cost; "a total training cost of $160k" is still one run's
    r"\btotal\b(?!\s+(?:training|compute|GPU|cloud|rental)\b)|\bcumulative|\ball-in\b|\boverall\b|"
    r"\bincluding (?:\w+ ){0,2}(?:research|staff|experiments|salaries|development)|"
    r"\bresearch and development|\bR&D\b|\bentire (?:project|programme|program)|\bdevelopment cost",
    re.I,
)
FINAL = re.compile(
    r"\bsingle (?:training )?run|\bfinal (?:training )?run|\btraining run\b|\bthe run\b|\bpre-?training\b|"
    r"\binitial training|\bcompute alone|\bworth of compute|\bin compute\b|\bGPU time\b",
    re.I,
)
DURATION_CONTEXT = re.compile(
    r"\btrain|\btook\b|\bneed|\brequir|\bspent\b|\bran\b|\brunning\b|\bfor\b|\bover\b|\bin\b|\bduring\b|\blasted\b",
    re.I,
)
RATE = re.compile(
    r"\s*(?:/|per\b|each\b|in each\b|an? (?:second|step|day|month|node|server)\b|"
    r"[^.;]{0,30}\b(?:per|in each|for each|in every) (?:node|server|pod|host|machine|rack|step|second|token|"
    r"parameter|param)\b|\s*(?:cores?|nodes?|hosts?|servers?|pods?|racks?)\b)",
    re.I,
)
OTHER_PERIOD = re.compile(r"\s*(?:/|per|a|an|each)\s*(?:month|year|week|day|annum)\b", re.I)
RUN = re.compile(r"\bruns?\b|\bGPUs\b|\baccelerators\b", re.I)
ACTIVE = re.compile(r"\bactive\b|\bactivated\b", re.I)
ACTIVE_AFTER = re.compile(  # "36B parameters (4 of 16 experts) are active for each token": not a rate
    r"\s*(?:\([^()]{0,40}\)\s*)?\(?(?:are |were |is )?(?:active|activated)\b", re.I
)
PART = re.compile(
    r"\b(?:per|each|every) (?:expert|layer|head)\b|\beach with\s*~?\s*$|\b\d+\s+experts?\s+(?:of|with)\s*$|"
    r"^\s*(?:each|apiece|per expert|per token)\b",
    re.I,
)
OPERATOR_AFTER = re.compile(r"\s*(?:\(\d+\)\s*)?[×*÷]")  # "(7)" is a footnote-style reference; "X = Y" states both
OPERATOR_BEFORE = re.compile(r"[×*÷]\s*$")
WHOLE_CLUSTER = re.compile(r"\bcluster\b|\bset ?up\b|\bfleet\b", re.I)
SMALLER_MODELS = re.compile(  # "also trained smaller versions, with 8 and 62 billion parameters": not the model
    r"\b(?:smaller|larger|other|distilled|reduced)\s+(?:\w+\s+)?(?:versions?|variants?|models?|sizes?|siblings?)\b",
    re.I,
)
ONE_MACHINE = re.compile(  # "a DGX-H100 … with 8 GPUs": one server's accelerators, not a training run's
    r"\b(?:DGX|HGX|server|node|box|machine|instance|workstation|rig)\b[^.;]{0,40}$", re.I
)
HOUR_PRICE = re.compile(r"(?:per|an|a|/)\s*(?:\w+[- ])?(?:hour|hr|h)\b", re.I)
VAGUE_COUNTS = {"a few": 3, "several": 4}  # number words proper are digits by now (numerals.spell_out)


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


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z\"“(])|\n\s*\n|\n(?=\s*[-*•#|A-Z\"“(])")
CONTEXT = 300  # characters either side of a value that can say what it measures; bounds the work per value


def sentences(text: str) -> list[Sentence]:
    """Split on sentence ends and blank lines, keeping offsets into the original text."""
    found, start = [], 0
    for m in SENTENCE_END.finditer(text):
        found.append((start, m.start() + (1 if text[m.start()] in '"”’)' else 0)))
        start = m.end()
    found.append((start, len(text)))
    result: list[Sentence] = []
    for s, e in found:
        while s < e and text[s].isspace():
            s += 1
        if s < e:
            result.append(Sentence(len(result), s, e, text[s:e]))
    return result


PHRASES = {  # vague phrases with a conventional reading, stated in the explanation
    "centuries": ("gpu_hours", 100 * 8766.0, 1000 * 8766.0),
    "millennia": ("gpu_hours", 1000 * 8766.0, 10_000 * 8766.0),
    "as much": ("energy_mwh", None, None),
}


def extract(text: str, masked: Sequence[tuple[int, int]] = (), sents: list[Sentence] | None = None) -> list[Span]:
    """Every claim-like value in the text; `masked` ranges (model names) are skipped.

    `sents` are the text's sentences when the caller has them already.
    """
    spans: list[Span] = []
    original = text
    text = EMPHASIS.sub(lambda m: " " * len(m.group()), text)  # **bold** and _italics_, offsets kept
    previous = ""
    masked = sorted(masked)
    starts = [a for a, _ in masked]
    for sentence in sents if sents is not None else sentences(text):
        sentence = replace(sentence, text=text[sentence.start : sentence.end])  # emphasis-free copy
        first, last = bisect.bisect_left(starts, sentence.start), bisect.bisect_left(starts, sentence.end)
        taken = [(a - sentence.start, b - sentence.start) for a, b in masked[first:last]]
        names_a_model = bool(taken)
        lowered = sentence.text.lower()
        if not DIGIT.search(lowered) and not any(
            w in lowered for w in ("illion", "housand", "centur", "millenni", "as much")
        ):
            previous = sentence.text
            continue
        for kind, pattern in COMPILED:
            cues = CUES[kind] + (DOLLAR_WORDS if kind == "money" else ())
            if not any(cue in lowered for cue in cues):
                continue
            for m in pattern.finditer(sentence.text):
                a, b = m.span()
                a, b = _trim(sentence.text, a, b)
                if kind in RANGED and (head := RANGE_BEFORE.search(sentence.text, max(0, a - 40), a)):
                    a = head.start()  # "90 to [100 days]": the range, not its upper end
                if b <= a or any(a < y and x < b for x, y in taken):
                    continue
                span = _classify(kind, sentence, a, b, previous + (" training" if names_a_model else ""))
                if span is not None:
                    spans.append(replace(span, text=original[span.start : span.end]))
                    taken.append((a, b))
        previous = sentence.text
    return sorted(spans, key=lambda s: s.start)


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


def _classify(kind: str, sentence: Sentence, a: int, b: int, previous: str = "") -> Span | None:
    """What a matched value measures, judged from its sentence (and the one before)."""
    s = sentence.text
    raw = s[a:b]
    before, after = s[max(0, a - 80) : a], s[b : b + 80]
    context = s[max(0, a - CONTEXT) : b + CONTEXT]
    topic = previous[-CONTEXT:] + " " + context
    near = before[-50:] + " " + after[:50]

    def span(quantity: str, value: Range, scope: str = "unspecified", hardware: str | None = None) -> Span:
        return Span(sentence.start + a, sentence.start + b, raw, quantity, value, scope, sentence.index, hardware)

    if kind not in ("money", "vague_money", "phrase") and RATE.match(after) and not ACTIVE_AFTER.match(after):
        return None  # "40k tokens/$", "2 FLOPs per parameter", "8 GPUs per node": rates and parts, not totals
    if OPERATOR_AFTER.match(after) or OPERATOR_BEFORE.search(before):
        return None  # "4T tokens × 50k vocab", "… ÷ $100m": an operand of worked arithmetic
    if kind == "phrase":
        quantity, low, high = next(v for k, v in PHRASES.items() if raw.lower().startswith(k))
        unit = GPU_HOURS if quantity == "gpu_hours" else MWH
        return span(quantity, Range(low, high, unit), "final_training_run")

    if kind in ("money", "vague_money"):
        if kind == "vague_money":
            if not COST_VERBS.search(before[-40:]) or not TRAINING.search(topic):
                return None
            value = _parse(raw + " dollars")
        else:
            value = _parse(raw)
        if value is None or DISTRACTOR.search(before[-60:] + after[:30]) or NOT_ACCELERATORS.search(before[-40:]):
            return None
        if OTHER_PERIOD.match(after):  # "$33,849 / month": a rental by the month or year, not a cost
            return None
        if value.unit == MONEY_PER_HOUR or HOUR_PRICE.match(after.lstrip()):
            if value.unit != MONEY_PER_HOUR:
                value = Range(value.low, value.high, MONEY_PER_HOUR, value.currency)
            return span("gpu_hour_price_usd", value, "unspecified", _hardware_near(near))
        hardware = _hardware_near(near)
        if hardware and PER_UNIT.search(before[-50:] + raw + after[:50]) and not TRAINING.search(near):
            if WHOLE_CLUSTER.search(after[:40]):
                return None  # "each A100 at $9,900: almost $10M to set up a cluster": a purchase, not a price
            return span("hardware_price_usd", value, "hardware_purchase", hardware)
        asked = previous.rstrip().endswith("?")  # "What did it cost to train? About $2M."
        if not (
            TRAINING.search(topic)
            and (
                COST_WORDS.search(previous[-CONTEXT:] if asked else context)
                or COST_WORDS.search(context)
                or FINAL.search(context)
            )
        ):
            return None
        if DISTRACTOR.search(context) and not TRAINING.search(before[-60:] + after[:40]):
            return None
        quantity = "total_cost_usd" if TOTAL.search(context) and not FINAL.search(near) else "training_cost_usd"
        scope = (
            "total_programme"
            if quantity == "total_cost_usd"
            else "final_training_run"
            if FINAL.search(context)
            else "unspecified"
        )
        return span(quantity, value, scope)
    if kind == "flop":
        value = _parse(raw, FLOP)
        if value and raw.endswith("FLOPS") and (value.high or 0) < 1e21:  # FLOPS: per second
            return None
        return span("training_flop", value, "final_training_run") if value else None
    if kind == "gpu_time":
        if not re.search(r"gpu|accelerator|chip|tpu|a100|h100|h800|v100|compute", raw + after[:20], re.I):
            return None
        value = _parse(
            raw if re.search(r"gpu|accelerator|chip|tpu|\d-h$", raw, re.I) else re.sub(r"hours$", "GPU hours", raw),
            GPU_HOURS,
        )
        return span("gpu_hours", value, "final_training_run", _hardware_near(raw)) if value else None
    if kind == "energy":
        value = _parse(raw, MWH)
        return span("energy_mwh", value, "final_training_run") if value else None
    if kind == "params":
        value = _parse(
            re.sub(r"[- ]?(?:(?:active|activated|total)\s+)?(?:parameters?|params|parameter)$", "", raw, flags=re.I),
            COUNT,
        )
        if value is None or PART.search(before[-30:]) or PART.search(after[:30]) or SMALLER_MODELS.search(before[-80:]):
            return None
        active = ACTIVE.search(raw) or ACTIVE_AFTER.match(after)
        return span("active_parameters" if active else "parameters", value)
    if kind == "mfu":
        number = re.search(rf"{PERCENT}|0\.\d+", raw)
        value = _parse(
            number.group().replace("%", "") + "%"
            if number and "%" in number.group()
            else number.group()
            if number
            else "",
            FRACTION,
        )
        return span("mfu", value, "final_training_run") if value else None
    if kind == "tokens":
        value = _parse(raw, COUNT)
        return span("training_tokens", value, "final_training_run") if value else None
    if kind == "count_hw":
        number = re.match(rf"{QUAL}(?:{RANGE_START})?((?:{NUM})(?:\s?{SCALE})?)", raw, re.I)
        value = _parse(raw[: number.end()], COUNT) if number else None
        if (
            value is None
            or (value.low or value.high or 0) < 2
            or re.match(r"[\s-]*(?:GPU[- ]?)?(?:hours|years|days)", after, re.I)
        ):
            return None
        if PER_UNIT.search(after[:12]) or re.match(r"\s*(?:GB|TB)\b", after) or ONE_MACHINE.search(before):
            return None
        return span("num_gpus", value, "final_training_run", _hardware_near(raw))
    if kind == "duration":
        trained = TRAINING.search(context) or RUN.search(context) or HARDWARE_NAMES.search(context)
        if not (trained and DURATION_CONTEXT.search(before[-40:] + raw + after[:20])):
            return None
        text = re.sub(r"^over\s+", "", raw, flags=re.I).replace("-", " ")  # "over 21 days" spans them; "a 90-day run"
        for word, n in VAGUE_COUNTS.items():
            text = re.sub(rf"\b{word}\b", str(n), text, flags=re.I)
        value = _parse(text, DAYS)
        return span("training_days", value, "final_training_run") if value else None
    return None


EMPHASIS = re.compile(r"\*\*|__|(?<=\s)[*_](?=\S)|(?<=\S)[*_](?=[\s.,;:!?])")
HARDWARE_NAMES = re.compile(r"\b(A100|H100|H200|H800|B200|V100|TPU\s?v\d[a-z]?|MI\d{3}X|RTX\s?\d{4})s?\b", re.I)


def _hardware_near(text: str) -> str | None:
    m = HARDWARE_NAMES.search(text)
    return m.group(1) if m else None
