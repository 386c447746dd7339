"""The vocabulary of claims: the regular expressions that find a value and the words around it
that say what it measures, and how a whole sentence is asked for one. Pure; extract.py applies it."""

import bisect
import functools
import re

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
EDGE = (
    r"(?<![\w.$€£-])(?<!\d[,'’\u2009\u202f])"  # a number starts a token: no "100 GPUs" in "H100 GPUs" or "10,500 GPUs"
)
SIZE = r"\d+(?:\.\d+)?\s?[BMT]\b"
SIZED_THINGS = r"(?:parameters?|params|variants?|versions?|sizes?|models?)\b"
SIZE_LIST_REST = rf"(?:\s*,\s*{SIZE})*\s*,?\s*(?:and|or)\s+{SIZE}[- ]?{SIZED_THINGS}"
SIZE_LIST = re.compile(rf"{SIZE}{SIZE_LIST_REST}", re.I)
SCALED_EDGE = rf"(?:{EDGE}|(?<=\d[BMTK][-–]))"  # or ends a range: "600B-[1T parameters]", read back whole
# the first end of a range, before the number a pattern reads: "between 1e25 and", "90 to", "7B-"
RANGE_START = rf"(?:between\s+(?:{NUM})(?:\s?{SCALE})?\s+and|(?:{NUM})(?:\s?{SCALE})?\s*(?:-|–|—|to))\s*"
PERCENT = rf"(?:(?:{NUM})\s?%?\s?(?:-|–|to)\s?(?:{NUM})|(?:{NUM}))\s?%"
QUAL = (
    r"(?:(?:well |far |much )?(?:more than|over|above|upwards of|in excess of|north of|at least|nearly|almost|"
    r"about|around|roughly|approximately|some|close to|(?<!adds )(?<!add )up to|under|less than|below|just under|"
    r"an estimated|an upper[- ]bound of)\s+|~\s*|[<>≤≥]=?\s*)?"  # "adds up to $2.4M" is a sum, not a bound
)
VAGUE = (
    r"(?:(?:a few|several)\s+hundred\s+(?:thousand|million|billion)|"
    r"(?:(?:a few|several)\s+)?(?:(?:tens|hundreds|dozens)\s+of\s+)?(?:thousands|millions|billions|trillions))"
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
        rf"(?:(?:a few|several)\s+{CUR}\s?10\s?{SCALE}(?:['’]?s)?|"
        rf"between\s+{QUAL}{AMOUNT}\s+and\s+{QUAL}{AMOUNT_TAIL}|"
        # "$5M to about $10M", "$10,000-15,000", but not "$2 million - less than 3,000 GPU weeks"
        rf"(?:(?:from|anywhere from|anywhere between)\s+)?{QUAL}{AMOUNT}\+?"
        rf"(?:\s*(?:-|–|—|to)\s*(?:{QUAL}{AMOUNT}|{AMOUNT_TAIL}))?)"
        rf"(?:,?\s+(?:if not|or even)\s+{AMOUNT})?"
        rf"(?:\s*(?:per|an|a|/)\s*(?:{HW}[- ]?){{0,2}}(?:(?:per|an|a|/)\s*)?(?:hour|hr|h)\b)?",
    ),
    ("money", rf"{QUAL}{VAGUE},?\s+(?:of\s+)?(?:US\s)?dollars"),
    # "5 million dollars", "5,576 Millionen US-Dollar": the currency written after the figure
    (
        "money",
        rf"{QUAL}{EDGE}(?:{NUM})(?:\s?(?:{SCALE}|{GERMAN_SCALE}))?\s*(?:US[- ]?)?(?:dollars?|euros?|USD|EUR)\b"
        # "1 US dollar per A100 GPU per hour"
        rf"(?:\s*(?:per|an|a|/)\s*(?:{HW}[- ]?){{0,2}}(?:(?:per|an|a|/)\s*)?(?:hour|hr|h)\b)?",
    ),
    ("vague_money", rf"{QUAL}{VAGUE}"),
    (
        "flop",
        rf"{QUAL}{EDGE}(?:{NUM})(?:\s?(?:x|×)\s?10\^\d+)?(?:\s?{SCALE})?\+?\s?"
        r"(?:petaflop/s[- ]days|pf-days|petaflop[- ]days|(?:zetta[- ]?)?FLOPs?|floating[- ]point operations)",
    ),
    # "6 * 340B * 9T = 1.8E25": the standard estimate of training compute, 6 x parameters x tokens
    ("six_nd", rf"\b6\s?[*×x·]\s?{SIZE}\s?[*×x·]\s?{SIZE}\s?(?:=|≈|~)\s?(?:{NUM})(?!\s?(?:FLOP|floating))"),
    (
        "gpu_time",
        rf"{QUAL}{EDGE}(?:{NUM})(?:\s?{SCALE})?\+?\s?(?:{HW}[- ]?)?(?:(?:GPU|compute)[- ]?)?"
        r"(?:hours|years|weeks|days|(?<=\d-)h)\b(?!\s+of\s+training)",
    ),
    (  # "1.3 million hours of training time … on A100 GPUs": more hours than a run can last, so GPU-hours
        "machine_hours",
        rf"{QUAL}{EDGE}(?:{NUM})\s?(?:million|billion|thousand|[MBK])\b\s?hours\s+of\s+(?:training|compute)(?:\s+time)?\b",
    ),
    (
        "energy",
        rf"{QUAL}{EDGE}(?:{NUM})(?:\s?{SCALE})?\+?\s?(?:MWh|GWh|kWh|TWh|megawatt[- ]hours|gigawatt[- ]hours)",
    ),
    (
        "params",
        rf"{QUAL}{SCALED_EDGE}(?:{NUM})(?:\s?{SCALE})?\+?[- ]?"
        r"(?:(?:active|activated|total)\s+)?(?:parameters?|params)\b",
    ),
    ("params", rf"{QUAL}{EDGE}(?:{NUM})[\s-]?(?:[BbTtMm]|billion|trillion|million)[- ]parameters?\b"),
    (  # "480 billion total parameters but only 17 billion active per token": the unit said once
        "params",
        rf"{QUAL}{EDGE}(?:{NUM})\s?(?:[BbTtMm]|billion|trillion|million)\s+(?:active|activated)"
        r"(?=\s*(?:$|[,.;:)]|per\b|for\b|in\b|at\b|during\b|when\b))",
    ),
    (  # "a parameter count of 1.8 trillion", "(the parameter count, 540 billion)": the unit written first
        "labelled_params",
        rf"(?:parameter count|number of parameters)(?:\s+(?:of|is|was|at))?\s*[:,=]?\s*"
        rf"(?P<value>{QUAL}(?:{NUM})\s?{SCALE})(?![\w-]|\s*(?:parameters?|params|tokens|words|dollars|GPUs?|FLOP))",
    ),
    (  # "(GPT-5 rumored at ~50T)", in a sentence about parameters: the unit not written at all
        "rumored_params",
        rf"\b(?:rumou?red|reported|said|estimated|believed)\s+(?:to\s+(?:be|have)\s+|at\s+)"
        rf"(?P<value>{QUAL}(?:{NUM})\s?[BT])(?![\w-]|\s*(?:parameters?|params|tokens|words|dollars|GPUs?|FLOP))",
    ),
    (  # "366B total training tokens"
        "tokens",
        rf"{QUAL}{SCALED_EDGE}(?:{NUM})(?:\s?{SCALE})?\+?\s?(?:(?:total|training|pre-?training)\s+){{0,2}}tokens\b",
    ),
    # "in 7B, 13B, 34B, and 70B variants": each size of a list that ends in what they are sizes of
    ("sizes", rf"(?<![\w.$€£-]){SIZE}(?={SIZE_LIST_REST})|(?:(?<=\band )|(?<=\bor )){SIZE}(?=[- ]?{SIZED_THINGS})"),
    (  # "384 active GPUs", "2,048 NVIDIA H800"
        "count_hw",
        rf"{QUAL}(?:{EDGE}|(?<=\d[-–]))(?:{NUM})(?:\s?{SCALE})?[+x×]?\s+(?:(?:active|total|NVIDIA|Nvidia|AMD|Google)\s+){{0,2}}{HW}",
    ),
    (
        "mfu",
        rf"(?:\bMFU|model flops? utili[sz]ation(?:\s*\(MFU\))?)(?:\s*\([^()]{{0,40}}\))?"  # "MFU (Model FLOP…)"
        rf"(?:\s+(?:for|in|during)\s+(?:pre-?)?training)?,?\s*(?:which\s+)?"
        rf"(?:of|at|was|is|were|around|about|:|=|≈|~)?\s*"
        rf"{QUAL}{EDGE}{PERCENT}|{QUAL}{EDGE}{PERCENT}\s+(?:MFU\b|model flops? utili[sz]ation|utili[sz]ation)|"
        rf"{EDGE}0\.\d+\s+(?:MFU\b|utili[sz]ation)",
    ),
    (  # "1-2 weeks": the second number after a hyphen starts the match, and the range is read back
        "duration",
        rf"{QUAL}(?:{EDGE}|(?<=\d[-–]))(?:{NUM}|a few|several)(?:\s+(?:days?|weeks?|months?)|-(?:day|week|month))"
        r"(?:\b|(?=\d{1,2}\b))",  # "2.5 months9": a footnote's number glued on
    ),
]
COMPILED = [(kind, re.compile(p, re.IGNORECASE if kind != "count_hw" else 0)) for kind, p in PATTERNS]
RANGED = ("flop", "gpu_time", "energy", "params", "tokens", "count_hw", "duration")  # money and MFU read their own
RANGE_BEFORE = re.compile(rf"{EDGE}{RANGE_START}$", re.I)
# A pattern runs on a sentence only if the sentence holds one of its cue strings (lower case):
# a cheap `in` test that spares the regular expressions most sentences.
CUES = {
    "phrase": ("centur", "millenni", "as much"),
    "money": ("$", "€", "£", "dollar", "euro", "usd", "eur"),
    "vague_money": ("illion", "housand"),
    "flop": ("flop", "floating"),
    "six_nd": ("*", "×", "·", " x "),
    "gpu_time": ("hour", "year", "week", "day", "-h"),
    "machine_hours": ("hours of",),
    "energy": ("wh", "watt"),
    "params": ("param",),
    "labelled_params": ("parameter count", "number of parameters"),
    "rumored_params": ("param",),
    "sizes": ("b,", "b and", "b or", "t,", "t and", "m,", "m and"),  # a list: "7b, 13b and 70b"
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


@functools.lru_cache(maxsize=64)
def says(pattern: re.Pattern, sentence: str) -> bool:
    """Whether a sentence says this anywhere. It is asked for each figure in a sentence, and a
    run-on sentence holds thousands, so each sentence is searched once per pattern."""
    return pattern.search(sentence) is not None


def says_near(pattern: re.Pattern, sentence: str, a: int, b: int, reach: int) -> bool:
    """Whether one of the pattern's matches in the sentence lies within `reach` characters of
    sentence[a:b]. The sentence is searched once per pattern, however many figures ask."""
    starts, ends = _matches(pattern, sentence)
    i = bisect.bisect_left(starts, a - reach)
    return i < len(starts) and ends[i] <= b + reach


@functools.lru_cache(maxsize=64)
def _matches(pattern: re.Pattern, sentence: str) -> tuple[list[int], list[int]]:
    """Where the pattern matches in the sentence: the starts, and the ends, both in order."""
    spans = [m.span() for m in pattern.finditer(sentence)]
    return [a for a, _ in spans], [b for _, b in spans]


def starting_with(letters: str, alternatives: str) -> re.Pattern:
    """`alternatives`, matched in any case, every one of which starts with one of `letters`.
    Looking ahead for those letters lets the engine skip every other position at once instead of
    trying each alternative there: four times faster on a long sentence."""
    return re.compile(rf"(?=[{letters}])(?:{alternatives})", re.I)


DIGIT = re.compile(r"\d")

TRAINING = starting_with(
    "tpfcv",
    r"\btrain(?:ed|ing|s)?\b|\bpre-?train|\bfinal run|\btraining run|\bcompute\b|\bcost(?:s|ing)? to\b|"
    r"\btook [\d,.]+(?: \w+)? (?:[\w-]+[- ])?(?:GPU|chip|accelerator)?[- ]?hours\b|"  # "took 150,000 A100 hours"
    r"\bto (?:run|rent) [\d,]+ (?:[\w-]+ )?(?:GPUs|accelerators|chips)\b for \d|"  # "to run 1,024 GPUs for 34 days"
    r"trainingslauf|vortrain|\btrainiert",  # and the German an article may be in
)
COST_VERB = r"\bcost|\bspent|\bspend|\bprice tag|\bexpens|\bbill\b|\bpaid\b|\bpay\b|\bkost|\baus(?:zu|ge)?geben\b"
COST_VERBS = re.compile(COST_VERB, re.I)
COST_WORDS = re.compile(  # the verbs, and the words around a figure that say it is a cost
    COST_VERB + r"|\bworth of compute|\bausgaben|"
    r"\bat (?:market|cloud|on-demand|list|today's) (?:prices|rates)\b|"  # "…, or $600k at market prices"
    r"\bput (?:[\w'-]+ ){1,4}at\b|"  # "analysts put the run at $60M"
    r"\bestimat|\best\.(?!\w)|\bmedian\b|\bcomes? to\b|\bamounts? to\b|\badds? up to\b|\b(?:compute|training) budget\b|"
    # \s+: **bold** is blanked
    r"\bfor\s+(?:(?:about|around|roughly|just|only|under|less than|over)\s+)?(?:US\s?)?[$€£]",
    re.I,
)
DISTRACTOR = starting_with(
    "abcdefghilmprstvy",
    r"\brais(?:e|ed|ing)\b|\bfunding\b|\binvest|\bvaluation|\bvalued\b|\brevenue|\bsales\b|\bearn|\bprofit|"
    r"\bsalar|\bacqui|\bround\b|\bIPO\b|\bmarket cap|\bloss(?:es)?\b|\bdebt\b|\bgrant\b|\bdonat|\bsubscri|"
    r"\bfine[ds]?\b|"
    r"\bpenalt|\bbudget for (?:staff|marketing)|\bemployees?\b|\bheadcount|\bdata cent(?:er|re)s?\b|"
    r"\bsupercomputer\b|\bto build\b|\bconstruct|\b(?:cloud|annual|yearly) spend\b|\bcapex\b|\bcapital expenditure",
)
NOT_ACCELERATORS = re.compile(
    r"\b(?:RAM|memory|storage|SSDs?|NVMe|workstation|laptop|desktop|CPUs?|server processors?|"
    r"phone|subscription|licen[cs]e)\b",
    re.I,
)
RENTAL = re.compile(  # "$1 per A100 GPU per hour": the accelerator is rented by the hour, not bought
    r"\bper\s+(?:[\w-]+\s+){0,3}(?:hour|hr)\b|/\s*(?:GPU-?)?h(?:ou)?r\b|\bhourly\b|\ban hour\b", re.I
)
EACH_BEFORE = re.compile(  # "…, each costing about [$30,000]"
    r"\b(?:each|apiece)\b(?: (?:costing|priced at|selling for|at|for))?\s*(?:about|around|roughly)?\s*$", re.I
)
PER_UNIT = re.compile(
    r"\beach\b|\bapiece\b|\bper (?:gpu|unit|card|chip|accelerator)\b|\bunit price|\bsells? for\b|"
    r"\bretail|\bpurchase price|\bprice tag\b|\bpriced at\b|\bbuy|\bgoes for\b|\bcosts? (?:about|around|roughly)?\s*\$",
    re.I,
)
TOTAL = starting_with(  # a programme's cost; "a total training cost of $160k" is still one run's
    "acdeiort",
    r"\btotal\b(?!\s+(?:training|compute|GPU|cloud|rental)\b)|\bcumulative|\ball-in\b|\boverall\b|"
    r"\bincluding (?:\w+ ){0,2}(?:research|staff|experiments|salaries|development)|"
    r"\bresearch and development|\bR&D\b|\bentire (?:project|programme|program)|\bdevelopment cost",
)
# "…, a small fraction of the model's total cost": the total is what the figure is a part of
PART_OF_TOTAL = starting_with(
    "fps", r"\b(?:fraction|part|portion|share)\s+of\s+(?:the\s+|its\s+|their\s+)?(?:[\w-]+'s\s+)?total\b"
)
FINAL = starting_with(
    "cfgioprstw",
    r"\bsingle (?:training )?run|\bfinal (?:training )?run|\btraining run\b|\bthe run\b|"
    r"\bpre-?training\b|"
    r"\binitial training|\bcompute alone|\b(?:worth )?of compute\b|\bin compute\b|\braw compute\b|\bGPU time\b",
)
DURATION_CONTEXT = re.compile(
    r"\btrain|\btook\b|\btak(?:e|es|en|ing)\b|\bneed|\brequir|\bspent\b|\bran\b|\brunning\b|\bfor\b|\bover\b|\bin\b|"
    r"\bduring\b|\blasted\b|\bestimates? of\b|"
    r"\b(?:at|on|with) [\d,]+ (?:[\w-]+ )?(?:GPUs|accelerators|chips)\b",  # "at 16,384 GPUs (…): 1-2 weeks"
    re.I,
)
SIZE_CLASS = re.compile(r"\b(?:models?|LLMs|those|ones)\s+(?:with\s+|of\s+)?$", re.I)  # a class of models
BOUND = re.compile(r"(?:more than|over|above|under|less than|below|at least|fewer than)\b", re.I)
GAP_AFTER = re.compile(r"\s*(?:before|after|earlier|later|ago|prior|since|behind|ahead)\b", re.I)
RATE = re.compile(
    r"\s*(?:/|per\b|each\b|in each\b|an? (?:second|step|day|month|node|server)\b|"
    r"[^.;]{0,30}\b(?:per|in each|for each|in every) (?:node|server|pod|host|machine|rack|step|second|token|"
    r"parameter|param)\b|\s*(?:cores?|nodes?|hosts?|servers?|pods?|racks?)\b)",
    re.I,
)
OTHER_PERIOD = re.compile(r"\s*(?:/|per|a|an|each)\s*(?:month|year|week|day|annum)\b", re.I)
# "training costs top $100M per model": what models cost in general, no claim about one
PER_MODEL = re.compile(r"\s*(?:/|per|a|each|for each)\s+(?:(?:frontier|large|new|single)\s+)?(?:model|LLM)\b", re.I)
PER_USE = re.compile(  # "$0.15 per million input tokens", "$0.01 a query": what using a model costs, not training it
    r"\s*(?:/|per|a|an|for each|each)\s*(?:(?:1|one|a)?\s*(?:million|thousand|billion|[MKB])\s+)?"
    r"(?:(?:input|output|generated|prompt|completion)\s+)?(?:tokens?|quer(?:y|ies)|requests?|images?|calls?|words?)\b",
    re.I,
)
CLAUSE_BREAK = re.compile(r"[;,]|\b(?:while|whereas|but)\b", re.I)  # where one clause of a sentence ends
DENOMINATOR = re.compile(r"(?:/|\bper|\bevery|\beach)\s*$", re.I)  # "$30 per [1M tokens]": a price's unit
DURATION_LABEL = re.compile(r"\bduration\b|\btraining time\b|\bwall[- ]clock\b", re.I)
RUN = re.compile(r"\bruns?\b|\bGPUs\b|\baccelerators\b", re.I)
ACTIVE = re.compile(r"\bactive\b|\bactivated\b", re.I)
ACTIVE_AFTER = re.compile(  # "36B parameters (4 of 16 experts) are active for each token": not a rate
    r"\s*(?:\([^()]{0,40}\)\s*)?\(?(?:are |were |is )?(?:active|activated)\b", re.I
)
PART = re.compile(
    r"\b(?:per|each|every) (?:expert|layer|head)\b|\beach with\s*~?\s*$|\b\d+\s+experts?\s+(?:of|with)\s*$|"
    r"^\s*(?:are|were) used (?:solely |only |just )?(?:for|in|by)\b|"  # "55B parameters are used for attention"
    r"^\s*(?:each|apiece|per expert|per token)\b",
    re.I,
)
OPERATOR_AFTER = re.compile(r"\s*(?:\(\d+\)\s*)?[×*÷]")  # "(7)" is a footnote-style reference; "X = Y" states both
OPERATOR_BEFORE = re.compile(r"[×*÷]\s*$")
UNNAMED_CHIP_PRICE = re.compile(  # "Nvidia's new AI chip costs [$70,000]": which chip, the article says elsewhere
    r"\b(?:chip|GPU|accelerator)s?\s+(?:now\s+)?(?:costs?|sells? for|is priced at|retails? (?:at|for)|goes for)\s+"
    r"(?:about|around|roughly|some)?\s*$",
    re.I,
)
MACHINE_PRICE = re.compile(  # "Nvidia's DGX H100 server goes for [$300,000]": a machine of several chips
    r"\b(?:DGX|HGX|server|node|machine|rack|system)(?:\s+(?-i:[A-Z0-9])[\w-]*){0,2}\s+(?:now\s+)?"
    r"(?:costs?|sells? for|is priced at|retails? (?:at|for)|goes for|lists? (?:at|for))\s+"
    r"(?:about|around|roughly|some)?\s*$",
    re.I,
)
# "[$10M] to set up a cluster": what the figure buys, right after it; not "$10,000 each, so the cluster…"
WHOLE_CLUSTER = re.compile(
    r"^\s*(?:(?:to|for)\s+(?:(?:set ?up|build|buy|equip)\s+)?(?:a|an|the|its|their)\s+(?:[\w-]+\s+){0,2}"
    r"(?:cluster|fleet|supercomputer)\b|(?:to|for)\s+(?:the\s+)?set ?up\b)",
    re.I,
)
DENSE_PART = re.compile(  # "a 10B dense transformer in parallel with 128 experts": one part of a hybrid
    r"^\s*dense\b(?=.*\bexperts?\b)", re.I
)
STAGE = re.compile(  # one stage of a run, not the run
    r"\b(?:this|that|one|each|the (?:first|second|third|largest|longest|last))\s+"
    r"(?:training\s+)?(?:stage|phase)\b[^.]*$",
    re.I,
)
SMALLER_MODELS = re.compile(  # "also trained smaller versions, with 8 and 62 billion parameters": not the model
    r"\b(?:smaller|larger|other|distilled|reduced)\s+(?:\w+\s+)?(?:versions?|variants?|models?|sizes?|siblings?)\b",
    re.I,
)
INFERENCE = re.compile(r"^[^.;]*\b(?:for|during|at) inference\b|^[^.;]*\bto (?:serve|run) (?:it|the model)\b", re.I)
HOLDINGS = re.compile(
    r"\b(?:operates|owns|owned|stockpil\w*|inventory|infrastructure|purchas\w*|bought|ordered|acquir\w*|shipped|"
    r"(?:currently|now|already) (?:has|have|holds?))\b",
    re.I,
)
ONE_MACHINE_ENERGY = re.compile(
    r"\b(?:one|a single|each|per|the)\s+(?:DGX\s+|HGX\s+)?(?:server|node|machine|rack)\b", re.I
)
ONE_MACHINE = re.compile(  # "a DGX-H100 … with 8 GPUs": one server's accelerators, not a training run's;
    # but "8 GPUs per node, for 384 GPUs": the total after the machine
    r"(?<!per )(?<!each )(?<!every )\b(?:DGX|HGX|server|node|box|machine|instance|workstation|rig)\b[^.;]{0,40}$",
    re.I,
)
HOUR_PRICE = re.compile(r"(?:per|an|a|/)\s*(?:\w+[- ])?(?:hour|hr|h)\b", re.I)
VAGUE_COUNTS = {"a few": 3, "several": 4}  # number words proper are digits by now (numerals.spell_out)

EMPHASIS = re.compile(r"(?=[*_])(?:\*\*|__|(?<=\s)[*_](?=\S)|(?<=\S)[*_](?=[\s.,;:!?]))")  # see starting_with
HARDWARE_NAMES = re.compile(r"\b(A100|H100|H200|H800|B200|V100|TPU\s?v\d[a-z]?|MI\d{3}X|RTX\s?\d{4})s?\b", re.I)
