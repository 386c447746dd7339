"""Who each claim is about: model and accelerator names found in the text, resolved through
the knowledge base's aliases, with names it has never heard of ("Acme-1") kept as they are.
Pure: the alias table is passed in.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from dataclasses import dataclass

from kb.factcheck.patterns import DIGIT, says
from kb.values import alias_key

WORDS = re.compile(r"([A-Za-z][\w.]*(?:-[\w.]+)*|\d[\w.]*(?:-[\w.]+)*)")  # captured: split keeps each
UNKNOWN_MODEL = re.compile(
    r"\b([A-Z][A-Za-z]{1,20}(?:-[A-Za-z]*\d[\w.]*)+"
    r"(?:-(?:mini|small|medium|large|base|chat|instruct|pro|ultra|turbo|preview))?)\b"
)
SIZE_SUFFIX = re.compile(r"\s*[-\s]?(\d+(?:\.\d+)?)\s?([BbMmTt])\b(?![- ]?(?:parameter|param|token|dollar|USD))")
ANAPHORA = re.compile(  # words that refer back to the model named in an earlier sentence
    r"^\W*(?:its|their|they|trained|pre-?trained|fine-?tuned)\b|\bthis architecture\b|"
    r"^\W*(?:this|it) is (?:a|an|the|his|her|its|their|our)\b[^.]{0,40}\bmodel\b|"  # "This is its new model with…"
    r"^\W*(?:that|this) (?:yields|gives|makes|means|adds up to|comes to)\b|"  # "That yields 480B parameters"
    r"\b(?:it|this model|the (?:final |trained )?model|that model|the (?:whole |full |final |entire |same )?"
    r"(?:training )?run|this (?:training )?run|the (?:final |pre-?)?training|"
    r"training (?:took|lasted|ran|used|required|needed)|training was (?:done|run|carried out|performed|conducted)|"
    r"the \d+(?:\.\d+)?[BT] (?:model|version|run))\b",
    re.I,
)
PLURAL_ANAPHORA = re.compile(r"\b(?:these|those|both) models\b|\bthis family\b", re.I)  # a family, or the models named
# "A rival lab says its model…": a new party in the sentence, so "its" is not the model named before
NEW_PARTY = re.compile(  # but "it is a mixture-of-experts model" describes the model named before
    r"(?<!\bis )(?<!\bwas )\b(?:a|an|another|one|other|some)\s+(?:[\w-]+\s+){0,2}"
    r"(?:lab|company|startup|firm|rival|competitor|model|team|group|LLM)s?\b|"
    # "Its successor was trained on 30T tokens": another model than the one named before
    r"\b(?:its|their|the|\w+'s)\s+(?:predecessors?|successors?|siblings?|rivals?|competitors?|(?:next|previous|older|"
    r"newer|earlier|later|bigger|smaller|larger)\s+(?:models?|versions?|generations?|siblings?))\b",
    re.I,
)
# "DeepSeek reported $5.6M for the final run": a party named as the sentence's subject, speaking of
# its own work, unless a pronoun points back ("Sam Altman said training it cost…")
SPEAKER = re.compile(
    r"^\W*(?-i:[A-Z][\w.-]*)(?:\s+(?-i:[A-Z][\w.-]*))?\s+(?:reported|reports|said|says|claimed|claims|"
    r"announced|announces|disclosed|discloses|spent|spends|paid|pays)\b(?!.*\bit\b)",
    re.I,
)


def new_party(sentence: str) -> bool:
    """Whether a sentence brings in another model or party, so that it is not about the model named before."""
    return says(NEW_PARTY, sentence) or says(SPEAKER, sentence)


VERSION_AFTER = re.compile(  # a version written after a known name: "v2", " 2", "-3.5", but not "3 GPUs"
    r"[ -](?:v\d+(?:\.\d+)*|\d(?:\.\d+)?)(?=[\s,;:)]|$)(?!\s*(?:billion|million|trillion|thousand|hundred|"
    r"[BMTK]\b|%|percent|times|x\b|×|[A-Z]?\d|GPUs?|days?|months?|years?|weeks?|hours?|and\b|or\b|to\b))",
    re.I,
)
MACHINE = re.compile(r"(?:DGX|HGX|NVL|SXM|PCIe|GB\d|EFA|IB)\b", re.I)
VERSION_SUFFIX = re.compile(r"(?:-(?:v\d+(?:\.\d+)*|instruct|chat|base|hf|\d{4}))+$", re.I)
NOT_MODELS = {"covid-19", "sars-cov-2", "mp3", "wi-fi"}
MULTIWORD_VERSION = re.compile(r"^([A-Za-z]+(?:\s[A-Za-z]+)+)\s+v?\d+(?:\.\d+)?\b")
EXPERTS_SIZE = re.compile(r"^(.*?[A-Za-z])[\s-]+\d+x\d+(?:\.\d+)?[BMT]$", re.I)  # "Mixtral 8x22B"
DERIVATIVE = re.compile(r"\+")  # Epoch names a method applied to a model "model+method"
FAMILY_SIZE = re.compile(r"^(.*?\w)[\s-]+(\d+(?:\.\d+)?)([BMT])$")
MAX_NGRAM = 4
SCALES = {"b": 1e9, "m": 1e6, "t": 1e12}


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    subject: str  # a knowledge-base slug, or the name as written for an unknown model
    kind: str  # model, hardware, generic, organization, unknown, family
    size: float | None = None  # "Llama 2 70B": 70e9 parameters named with the model
    candidates: tuple[str, ...] = ()  # a family name ("Llama 2"): the models it could mean


def find_mentions(
    text: str,
    aliases: dict[str, tuple[str, str]],
    family: dict[str, tuple[str, ...]] | None = None,
    spellings: dict[str, set[str]] | None = None,
) -> list[Mention]:
    """Every model or accelerator name, longest match first; aliases maps key -> (slug, kind),
    `family` a family name to the models it could mean (see families()). A name made of letters
    only must be written as the knowledge base writes it (`spellings`): "CoRe" is a model, the
    "Core" of "Tensor Core" is not."""
    names = Names(aliases, {key: slugs for key, slugs in (family or {}).items() if key not in aliases}, spellings)
    known = _known_mentions(text, names)
    return sorted(known + _unknown_mentions(text, aliases, known), key=lambda m: m.start)


@dataclass(frozen=True)
class Names:
    """What the knowledge base calls its models and accelerators, folded for lookup."""

    aliases: dict[str, tuple[str, str]]
    family: dict[str, tuple[str, ...]]
    spellings: dict[str, set[str]] | None

    @functools.cached_property
    def keys(self) -> frozenset[str]:
        """Every folded name lookup can resolve, accelerators in the plural ("a100s") included."""
        plurals = {key + "s" for key, (_, kind) in self.aliases.items() if kind == "hardware"}
        return frozenset(self.aliases) | frozenset(self.family) | plurals

    @functools.cached_property
    def prefixes(self) -> frozenset[str]:
        """What a name's folded words can begin with, for telling quickly that a word starts none."""
        return frozenset(key[:i] for key in (*self.aliases, *self.family) for i in range(1, len(key) + 1))

    def lookup(self, written: str, key: str | None = None) -> tuple[str, str] | None:
        """(slug, kind) for a name as written (`key`: folded, where the caller has it), or None; a
        family's kind is "family"."""
        written = written.rstrip(".")  # a name that ends a sentence: "released BloombergGPT."
        key = _fold(written) if key is None else key
        if key not in self.keys:
            return None
        if key not in self.aliases and key.endswith("s") and self.aliases.get(key[:-1], ("", ""))[1] == "hardware":
            key = key[:-1]  # "A100s"
        if key.isdigit() or len(key) < 3 or not _written_as_a_name(written):
            return None
        spellings = self.spellings
        if key in self.aliases and not (
            spellings and key.isalpha() and key in spellings and written not in spellings[key]
        ):
            return self.aliases[key]
        if key in self.family:
            return self.family[key][-1], "family"
        return None


def _known_mentions(text: str, names: Names) -> list[Mention]:
    """The names the knowledge base knows, the longest first at each word."""
    parts = WORDS.split(text)  # separators and words by turns, so offsets add up without a match object each
    ends = list(itertools.accumulate(map(len, parts)))  # word j is text[ends[2j]:ends[2j + 1]]
    folded = list(map(_fold, parts[1::2]))
    starts = ends[:-1:2]
    prefixes, limit = names.prefixes, len(folded)
    mentions: list[Mention] = []
    free = 0  # the first word after the last name found
    for i in [i for i, key in enumerate(folded) if key in prefixes]:  # most words start no name
        if i < free:
            continue
        found = None
        keys = [folded[i]]  # the first n words folded, while they still start a name, and one more
        while len(keys) < MAX_NGRAM and i + len(keys) < limit and keys[-1] in prefixes:  # "Llama 2" + "-Chat"
            j = i + len(keys)
            keys.append(keys[-1] + _fold(parts[2 * j]) + folded[j])
        for n in range(len(keys), 0, -1):
            start, end = ends[2 * i], ends[2 * (i + n) - 1]
            written = text[start:end]  # "Chinchilla (70B" is no name: the "(70B params" after it is a claim
            if keys[n - 1] not in names.keys or "\n" in written or written.count("(") != written.count(")"):
                named = None
            else:
                named = names.lookup(written, keys[n - 1])
            if named is None and n > 1 and "-" in written and VERSION_SUFFIX.search(written.rstrip(".")):
                written = VERSION_SUFFIX.sub("", written.rstrip("."))  # "Llama 2-Chat" is Llama 2's
                named, end = names.lookup(written), start + len(written)
            if named:
                found = _sized(text, start, end, *named, names.family)
                break
        if found is not None:
            mentions.append(found)
            free = bisect.bisect_left(starts, found.end)
    return mentions


def _sized(text: str, start: int, end: int, slug: str, kind: str, family: dict[str, tuple[str, ...]]) -> Mention:
    """A known name with the size or version written after it: "Llama 2 70B" names a size; "Falcon
    11B", a size the knowledge base lacks, and "Stable Diffusion v2" are models it does not know."""
    candidates = family[alias_key(text[start:end])] if kind == "family" else ()
    size = None
    m = SIZE_SUFFIX.match(text, end)
    if kind in ("model", "family") and m and m.start() == end:
        size = float(m.group(1)) * SCALES[m.group(2).lower()]
        end = m.end()
    if kind == "family" and size is not None:
        kind, slug = "unknown", text[start:end]
    version = VERSION_AFTER.match(text, end) if kind == "model" and size is None else None
    if version:
        kind, end = "unknown", version.end()
        slug = text[start:end]
    return Mention(start, end, text[start:end], slug, kind, size, candidates)


def _unknown_mentions(text: str, aliases: dict[str, tuple[str, str]], known: list[Mention]) -> list[Mention]:
    """Names shaped like a model's ("Acme-1", "Mistral-7B-v0.2") where no known name was found."""
    known_starts = [m.start for m in known]  # already sorted, and non-overlapping
    mentions = []
    for m in UNKNOWN_MODEL.finditer(text):
        i = bisect.bisect_right(known_starts, m.start()) - 1
        overlaps = (i >= 0 and known[i].end > m.start()) or (i + 1 < len(known) and known[i + 1].start < m.end())
        if overlaps or m.group(1).lower() in NOT_MODELS or _part_number(m.group(1), aliases):
            continue
        end, size = m.end(), None
        s = SIZE_SUFFIX.match(text, end)
        if s and s.start() == end:
            size, end = float(s.group(1)) * SCALES[s.group(2).lower()], s.end()
        # "DeepSeek-V3" (in "DeepSeek-V3-Bericht") is a name; "Mistral-7B-v0.2" is Mistral 7B
        release = aliases.get(alias_key(m.group(1))) or aliases.get(alias_key(VERSION_SUFFIX.sub("", m.group(1))))
        if release is not None and release[1] == "model":
            mentions.append(Mention(m.start(), end, text[m.start() : end], release[0], "model", size))
        else:
            mentions.append(Mention(m.start(), end, text[m.start() : end], m.group(1), "unknown", size))
    return mentions


def _part_number(name: str, aliases: dict[str, tuple[str, str]]) -> bool:
    """Servers, and part numbers unless a known model's stem comes first ("GPT-5" is a model)."""
    if MACHINE.match(name):
        return True
    return bool(re.fullmatch(r"[A-Z]{1,3}-?\d+", name)) and _stem(name) not in _model_stems(tuple(aliases.items()))


def _stem(name: str) -> str:
    """The letters a model name starts with: "gpt" for "GPT-5" and "gpt4"."""
    return re.sub(r"[^a-z].*", "", alias_key(name))


@functools.lru_cache(maxsize=8)
def _model_stems(aliases: tuple[tuple[str, tuple[str, str]], ...]) -> frozenset[str]:
    """Stems of known models named letters-then-digits ("gpt" from "gpt4"): a new number after one
    ("GPT-5") is a model the knowledge base does not know yet, not a part number."""
    return frozenset(
        _stem(key) for key, (_, kind) in aliases if kind == "model" and re.fullmatch(r"[a-z]{1,3}\d.*", key)
    )


def _written_as_a_name(words: str) -> bool:
    """ "Transformer" or "GPT-4" name a model; "transformer" in running text is a common noun."""
    return words != words.lower() or DIGIT.search(words) is not None


@functools.lru_cache(maxsize=65536)
def _fold(word: str) -> str:
    return alias_key(word)


def _named_sizes(names: dict[str, str]) -> dict[str, tuple[str, float]]:
    """The family and parameter count a model's name states ("Llama 2 70B": "Llama 2", 70e9), by
    slug, for those that state one."""
    found = {slug: FAMILY_SIZE.match(name) for slug, name in names.items()}
    return {slug: (m.group(1), float(m.group(2)) * SCALES[m.group(3).lower()]) for slug, m in found.items() if m}


SIZE_TOLERANCE = 0.05  # "the 34 billion parameter Llama 1" is LLaMA-33B (32.5B): writers round sizes


def sized(names: dict[str, str]) -> dict[str, float]:
    """The parameter count a model's name states ("Llama 2 70B": 70e9), by slug."""
    return {slug: size for slug, (_, size) in _named_sizes(names).items()}


def families(names: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """Names that several sized models share: "Llama 2" means Llama 2 7B, 13B, 34B or 70B.

    `names` maps model slugs to their names; the result maps a folded family name to its models.
    A family name that is also an alias ("GPT-3" for GPT-3 175B) means that model. A name only one
    sized model has is a family too where later versions carry it ("Qwen-72B" beside Qwen1.5 and
    Qwen2): "Qwen" is a line of models, not necessarily that one."""
    members: dict[str, dict[str, float]] = {}
    for slug, (family, size) in _named_sizes(names).items():
        members.setdefault(alias_key(family), {})[slug] = size
    versions = _numbered_versions(names)
    sized_families = {
        key: tuple(sorted(sizes, key=sizes.__getitem__))
        for key, sizes in members.items()
        if len(sizes) > 1 or versions.get(key, set()) - sizes.keys()
    }
    return _lines(names) | sized_families


def _lines(names: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """Versions named by variant rather than size: "Phi-3" means Phi-3-mini, Phi-3-small or
    Phi-3-medium. A name with a version number is a line where two or more models' names extend
    it by a word, and so is a name of two words or more that they extend by a version ("Stable
    Diffusion": v1, 2, 3 or 3.5), or mixtures of experts by experts × size ("Mixtral": 8x7B or 8x22B)."""
    lines: dict[str, set[str]] = {}
    for slug, name in names.items():
        if DERIVATIVE.search(name):
            continue  # "GPT-2-Medium+Pixelfly": a study built on a model, not a version of it
        for separator in re.finditer(r"[\s-]+(?=[A-Za-z])", name):
            stem = name[: separator.start()]
            if re.search(r"\d", stem):
                lines.setdefault(alias_key(stem), set()).add(slug)
        if versioned := MULTIWORD_VERSION.match(name):  # "Stable Diffusion 3": a product of two words or more
            lines.setdefault(alias_key(versioned.group(1)), set()).add(slug)
        if experts := EXPERTS_SIZE.match(name):  # "Mixtral 8x7B": its name states no total size (46.7B)
            lines.setdefault(alias_key(experts.group(1)), set()).add(slug)
    return {key: tuple(sorted(slugs)) for key, slugs in lines.items() if len(slugs) > 1}


def _numbered_versions(names: dict[str, str]) -> dict[str, set[str]]:
    """The models each folded stem has numbered versions among ("qwen" has "qwen2...")."""
    versions: dict[str, set[str]] = {}
    for slug, name in names.items():
        key = alias_key(name)
        for i in range(1, len(key)):
            if key[i].isdigit():
                versions.setdefault(key[:i], set()).add(slug)
    return versions


COMPARED = re.compile(
    r"(?:^|\b)(?:like|unlike|than|such as|compared (?:to|with)|versus|vs\.?|"
    r"rival(?:s|ing)?|beats?|outperforms?|surpass(?:es)?)\b[^.]{0,36}$",
    re.I,
)
FOLLOWING = re.compile(r"[\s-]*(?:the\s+)?")  # "175 billion parameter GPT-3": the number modifies the name
# "200 million GPU-hours dedicated to training Grok 3": the model the figure went into
TRAINING_OF = re.compile(r",?\s+(?:\w+\s+){0,2}(?:to|for|in)\s+(?:pre-?)?train(?:ing)?\s+(?:the\s+)?", re.I)
# "$100 million on GPT-4", "$191 million spent on Gemini Ultra": what the money went into
SPENT_ON = re.compile(
    r",?\s+(?:(?:was |were )?(?:spent|paid|used|needed)\s+)?(?:on|for|into)\s+(?:(?:training|developing|the)\s+){0,2}",
    re.I,
)
RELATIVE = re.compile(r"\s*[,(]\s*(?:which|whose)\b[^,;()]*", re.I)  # a relative clause on the name before it
COORDINATED = re.compile(r"\s*(?:,|and|or|&|,\s*and|,\s*or)\s*")
NEAR = 80  # characters: a model named this close before a number is the one it is about


@dataclass(frozen=True)
class Attribution:
    """Who a number is about, and how sure we are: `subject` is None when nobody is named
    clearly enough; `candidates` then lists the models the sentence or its antecedent names."""

    subject: str | None
    how: str  # named, antecedent, table, ambiguous, compared, unattributed
    candidates: tuple[str, ...] = ()
    family: str | None = None  # the family name as written, when that is what made it ambiguous


@dataclass(frozen=True)
class Named:
    """The models a sentence names (not its hardware), in order, with their starts to bisect, each
    model once, and the first few models it names: made once per sentence, so that no number in
    a run-on sentence of thousands of names passes over them all."""

    models: tuple[Mention, ...]
    starts: tuple[int, ...]
    distinct: tuple[str, ...]
    first: tuple[tuple[int, str], ...]  # (position, model) where each of the first three non-family models appears


def named_in(sentence_mentions: list[Mention]) -> Named:
    models = tuple(m for m in sentence_mentions if m.kind in ("model", "unknown", "generic", "family"))
    first: dict[str, int] = {}
    for i, m in enumerate(models):
        if len(first) == 3:
            break
        if m.kind != "family":
            first.setdefault(m.subject, i)
    return Named(
        models,
        tuple(m.start for m in models),
        tuple(dict.fromkeys(m.subject for m in models)),
        tuple((i, subject) for subject, i in first.items()),
    )


def subject_for(
    span_start: int,
    span_end: int,
    sentence_text: str,
    named: Named,
    antecedent: list[Mention],
    sentence_start: int = 0,
    answers: bool = False,
) -> Attribution:
    """The model a claim at span_start is about; `named`: the models its sentence names.

    The model named in its sentence: the only one, or the nearest one just before the number.
    A sentence with several models and none just before the number is ambiguous. A sentence
    that names none but clearly refers back ("It was trained…", "the model") takes the subject
    of the last sentence that named one, as does the answer to a question that named one.
    Nothing else: a number in a sentence that names no model is left unattributed rather than
    pinned on a model named nearby. A number that
    modifies the name after it ("the 175 billion parameter GPT-3") is about that model, and a
    model named in a comparison ("like the one behind ChatGPT") is not the sentence's subject."""
    if named.models:
        return _in_sentence(span_start, span_end, named, Between(sentence_text, sentence_start))
    plural = says(PLURAL_ANAPHORA, sentence_text)
    if antecedent and (answers or plural or says(ANAPHORA, sentence_text)) and not new_party(sentence_text):
        if antecedent[0].kind == "family":  # judged for the family only where every member gets the same verdict
            return Attribution(None, "ambiguous", antecedent[0].candidates, antecedent[0].text)
        subjects = tuple(dict.fromkeys(m.subject for m in antecedent))
        if plural and len(subjects) > 1:  # "GPT-4 and Claude 3 … these models": which one?
            return Attribution(None, "ambiguous", subjects)
        return Attribution(antecedent[0].subject, "antecedent")
    return Attribution(None, "unattributed", tuple(dict.fromkeys(m.subject for m in antecedent)))


@dataclass(frozen=True)
class Between:
    """A sentence's text between two offsets in the whole text."""

    text: str
    start: int

    def __call__(self, start: int, end: int) -> str:
        return self.text[max(0, start - self.start) : end - self.start]


def _in_sentence(span_start: int, span_end: int, named: Named, between: Between) -> Attribution:
    """The model its sentence names for a number: see subject_for. Models named before the number
    are models[:k]; those that start just after it are found by bisecting, not by a pass over all."""
    models, distinct = named.models, named.distinct
    k = bisect.bisect_left(named.starts, span_start)
    after = models[bisect.bisect_left(named.starts, span_end) : bisect.bisect_right(named.starts, span_end + 45)]
    following = [m for m in after if m.start - span_end <= 12 and FOLLOWING.fullmatch(between(span_end, m.start))]
    trained = [
        m
        for m in after
        if TRAINING_OF.fullmatch(between(span_end, m.start)) or SPENT_ON.fullmatch(between(span_end, m.start))
    ]
    last = models[k - 1] if k else None
    if following or trained:
        nearest: Mention | None = (following or trained)[0]
    elif last and RELATIVE.fullmatch(between(last.end, span_start)):
        nearest = last  # "Unlike GPT-4, which reportedly cost $100M, …": the clause is GPT-4's
    elif last and (other := _not_the_subject(span_start, named, k, between)):
        return other
    elif last and span_start - last.end <= NEAR:
        nearest = last
    else:
        nearest = models[0] if len(distinct) == 1 else None
    if nearest is None:
        return Attribution(None, "ambiguous", distinct)
    if nearest.kind == "family":
        return Attribution(None, "ambiguous", nearest.candidates, nearest.text)
    return Attribution(nearest.subject, "named")


def _not_the_subject(span_start: int, named: Named, k: int, between: Between) -> Attribution | None:
    """A model named in a comparison, or one of a coordinated pair, is not what a number is about;
    named.models[:k] are those named before the number."""
    models, last = named.models, named.models[k - 1]
    if span_start - last.end > 5 and COMPARED.search(between(last.start - 40, last.start)):
        # "…like the one used by ChatGPT is reported to…", "Compared with GPT-4, the cost was…": the
        # model in the comparison is not what the number is about ("than GPT-3's $4.6M" would be);
        # the one model named before it is ("Training GPT-3, like the one behind ChatGPT, takes…")
        earlier = [subject for i, subject in named.first if i < k - 1 and subject != last.subject]
        if len(earlier) == 1 and not COMPARED.search(between(models[0].start - 40, models[0].start)):
            return Attribution(earlier[0], "named")
        return Attribution(None, "compared", (last.subject,))
    pair = models[k - 2] if k > 1 else None
    if pair and pair.subject != last.subject and COORDINATED.fullmatch(between(pair.end, last.start)):
        return Attribution(None, "ambiguous", named.distinct)  # "GPT-3 and GPT-4 cost $8M and $100M": which is which?
    return None
