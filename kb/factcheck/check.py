"""Fact-check an article: find its claims, link them to subjects, check each with the compute
model, using the article's own stated inputs where the knowledge base has none."""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from kb.compute import DEFAULT_SEED
from kb.display import listed, off_by
from kb.evaluate import Catalogue, ClaimSpec, Given, check
from kb.factcheck.attribute import (
    UNNAMED,
    article_topic,
    attribute,
    carry_repeated_figures,
    mentions_by_sentence,
    table_spans,
)
from kb.factcheck.extract import Span, extract, sentences
from kb.factcheck.link import SIZE_TOLERANCE, Attribution, Mention, families, find_mentions, sized
from kb.factcheck.numerals import Respelled, spell_out
from kb.factcheck.patterns import EMPHASIS, says
from kb.factcheck.tables import find_aligned_tables, find_spec_sheets, find_tables
from kb.quantities import PRICE_QUANTITIES, label_of
from kb.values import alias_key
from kb.verdict import Verdict

MAX_FINDINGS = 2000  # an article with more claims than this is a data file; checking each costs milliseconds
STATED_INPUTS = (
    "parameters",
    "training_tokens",
    "training_flop",
    "gpu_hours",
    "num_gpus",
    "training_days",
    "gpu_hour_price_usd",
)
ADDRESS = re.compile(r"(?=[hw])(?:\bhttps?://[^\s)\]>\"']+|\bwww\.[^\s)\]>\"']+)")  # see starting_with
HYPOTHETICAL = re.compile(  # plans and what-ifs: "on 512 GPUs it would take six months", "the plan is to finish"
    r"\b(?:would|will) (?:(?:probably|likely|only|still|then|need to|have to) )?"
    r"(?:take|cost|need|require|use|be needed|be required|run|last|consume)\b|\bwould be\b|"
    r"\bwould have cost\b|\bif\b[^.;]{0,60}\bhad been\b|"  # "had it been trained on H100s, it would have cost"
    r"\bif (?:you|we|one|they|someone|a lab|an? \w+)\b|\bsuppose\b|\bimagine\b|\bhypothetical|\bin theory\b|"
    r"\bshould (?:have )?(?:seen|been|used|taken|cost|need)\b|\b(?:'ll|will) be (?:able to|\w+ing)\b|\bwhen we\b|"
    r"\bthe plan is\b|\bplans? to\b|\bplanned\b|\baims? to\b|\bexpects? to\b|"
    r"\bwill (?:(?:probably|likely|reportedly|soon) )?be trained\b|"
    # "If Meta trains Llama 3.1 405B on 100,000 H100s, the run could cost $1 billion"
    r"\bif\b[^;]{0,80}?\b(?:could|would|might) (?:\w+ )?(?:cost|take|need|require|use|last|consume)\b",
    re.I,
)


@dataclass
class Finding:
    """A claim found in the text. `status` says whether it was judged: checked, or left for a
    person to review because nobody is named (unattributed), several models could be meant
    (ambiguous), or the sentence states a plan or a what-if (hypothetical)."""

    span: Span
    subject: str | None
    subject_name: str | None
    verdict: Verdict
    sentence: str
    status: str = "checked"
    sentence_start: int = 0  # where the sentence (or table row) starts in the text

    def as_dict(self) -> dict:
        v = self.verdict.as_dict()
        return {
            "text": self.span.text,
            "start": self.span.start,
            "end": self.span.end,
            "subject": None if self.subject in (None, UNNAMED) else self.subject,
            "subject_name": None if self.subject == UNNAMED else self.subject_name,
            "status": self.status,
            "quantity": self.span.quantity,
            "low": self.span.value.low,
            "high": self.span.value.high,
            "currency": self.span.value.currency,
            "scope": self.span.scope,
            "verdict": v["verdict"],
            "factor": v["factor"],
            "explanation": v["explanation"],
            "believe": v["believe"],
            "estimate": v["estimate"],
            "sentence": self.sentence,
        }


@dataclass
class Report:
    text: str
    findings: list[Finding] = field(default_factory=list)
    unchecked: int = 0  # claims (and numeric table cells) beyond MAX_FINDINGS, not checked
    unread_from: int | None = None  # where reading stopped, more than MAX_FINDINGS claims in


def alias_table(cat: Catalogue) -> dict[str, tuple[str, str]]:
    return {key: (slug, cat.subjects[slug].kind) for key, slug in cat.alias.items()}


def factcheck(text: str, cat: Catalogue, seed: int = DEFAULT_SEED, aliases: dict | None = None) -> Report:
    """Every claim in the text, checked."""
    original = text
    text, to_original = spell_out(text)
    aliases = aliases if aliases is not None else alias_table(cat)
    models = {slug: s.name for slug, s in cat.subjects.items() if s.kind == "model"}
    read = ADDRESS.sub(lambda m: " " * len(m.group()), text)  # a link's address names no model and states no claim
    family = families(models)
    mentions = find_mentions(read, aliases, family, cat.spellings)
    sents = sentences(read)
    sizes = sized(models)
    sizes |= _published_sizes(cat, family, sizes)
    spans, attributions, cells, rows, read_to = _claims_in(read, mentions, sents, sizes)
    stated = _stated_inputs(
        [s for s in spans if not s.listed], {span: a.subject for span, a in attributions.items()}, mentions, sents
    )  # a size in a list is no input: "PaLM in 8B, 62B and 540B" does not make PaLM 8B
    report = Report(text)
    report.unchecked = max(0, len(spans) - MAX_FINDINGS) + max(0, cells - MAX_FINDINGS)
    if read_to is not None:
        report.unread_from = read_to if to_original is None else to_original[read_to]
    judge = Judge(cat, np.random.default_rng(seed), sizes, family, mentions)
    sentence_at = {s.index: (s.start, s.end) for s in sents}
    quoted = []  # what each finding quotes: its sentence, or a table cell's row
    for span in spans[:MAX_FINDINGS]:
        start, end = rows.get(span) or sentence_at.get(span.sentence, (span.start, span.end))
        finding = judge(span, attributions[span], text[start:end], stated)
        if finding is not None:
            finding.sentence_start = start
            report.findings.append(finding)
            quoted.append((start, end))
    if to_original is not None:  # number words were read as digits: point back at the words
        _restore(report, original, to_original, quoted)
    return report


def _claims_in(
    text: str, mentions: list[Mention], sents: list, sizes: dict[str, float]
) -> tuple[list[Span], dict[Span, Attribution], int, dict[Span, tuple[int, int]], int | None]:
    """The claims in prose and in tables, each with who it is about, how many table cells there
    were, where each table claim's row is (what it quotes), and where reading the prose stopped,
    if it stopped early: past MAX_FINDINGS claims, the text is a data file and reading on would only
    count more claims that go unchecked. `sizes` are the sized models' parameter counts, by slug."""
    tables = sorted(find_tables(text) + find_aligned_tables(text) + find_spec_sheets(text), key=lambda t: t.start)
    table_starts = [t.start for t in tables]

    def in_table(position: int) -> bool:
        i = bisect.bisect_right(table_starts, position) - 1
        return i >= 0 and position < tables[i].end

    prose = [s for s in sents if not in_table(s.start)]
    spans = [
        span
        for span in extract(text, [(m.start, m.end) for m in mentions if m.kind != "hardware"], prose, MAX_FINDINGS)
        if not in_table(span.start)
    ]
    read_to = None  # spans come in order: the last is in the last sentence read
    if len(spans) > MAX_FINDINGS and spans[-1].sentence < prose[-1].index:
        read_to = sents[spans[-1].sentence].end
    topic = article_topic(mentions, sents)
    attributions = attribute(text, spans, mentions, sents, sizes, topic)
    cells = [entry for table in tables for entry in table.cells]
    rows = {}
    for span, attribution in table_spans(cells[:MAX_FINDINGS], mentions, sents, sizes, topic):
        spans.append(span)
        attributions[span] = attribution
        end = text.find("\n", span.end)
        rows[span] = (text.rfind("\n", 0, span.start) + 1, len(text) if end < 0 else end)
    spans.sort(key=lambda s: s.start)
    with_figures = {span.sentence for span in spans}
    carry_repeated_figures(
        spans, attributions, {s.index for s in sents if s.index in with_figures and HYPOTHETICAL.search(s.text)}
    )
    return spans, attributions, len(cells), rows, read_to


def _restore(report: Report, original: str, to_original: Respelled, quoted: list[tuple[int, int]]) -> None:
    report.text = original
    for f, (start, end) in zip(report.findings, quoted, strict=True):
        a, b = to_original[f.span.start], to_original[f.span.end]
        read_as, f.span = f.span.text, replace(f.span, start=a, end=b, text=original[a:b])
        f.sentence, f.sentence_start = original[to_original[start] : to_original[end]], to_original[start]
        if read_as != f.span.text:  # the verdict quotes the claim as the article wrote it
            v = f.verdict
            v.explanation = v.explanation.replace(read_as, f.span.text)
            v.believe = v.believe and v.believe.replace(read_as, f.span.text)
            v.steps = [step.replace(read_as, f.span.text) for step in v.steps]


class Judge:
    """Gives each claim its verdict, or says why it is left for review. Every check starts from
    the same random state, so a claim's verdict does not depend on the claims before it."""

    def __init__(
        self,
        cat: Catalogue,
        rng: np.random.Generator,
        sizes: dict[str, float],
        families: dict[str, tuple[str, ...]],
        mentions: list[Mention],
    ):
        """`sizes`: the parameter count each sized model's name states, by slug (link.sized);
        `families`: the models each family name means (link.families); `mentions`: the names the
        article uses."""
        self.cat, self.rng, self.sizes = cat, rng, sizes
        # "PaLM in 8B, 62B and 540B": PaLM is PaLM 540B, and its sizes are its family's
        self.family_of = {member: members for members in families.values() for member in members}
        self.families = {alias_key(m.text): m.candidates for m in mentions if m.kind == "family"}
        self.models = {m.subject for m in mentions if m.kind == "model"}
        self.fresh = rng.bit_generator.state

    def _member_named(self, span: Span, attribution: Attribution) -> str | None:
        """ "Llama 3.1 cost $170M" in an article that names Llama 3.1 405B and no other member: that
        model, written short. Not for a parameter count, which tells the members apart."""
        if not attribution.family or span.quantity == "parameters":
            return None
        named = [m for m in attribution.candidates if m in self.models]
        return named[0] if len(named) == 1 else None

    def _fuller_family(self, written: str, listed: tuple[float, ...]) -> tuple[str, ...]:
        """ "Llama comes in 7B, 13B, 34B and 70B", after the article named Llama 2: sizes the first
        LLaMA never had, so "Llama" stands for the one family the article names whose name extends
        it and which has every size listed; none where there is no such family, or several."""
        short = alias_key(written)
        fits = [
            members
            for name, members in self.families.items()
            if name != short and name.startswith(short) and _all_members(listed, members, self.sizes)
        ]
        return fits[0] if len(fits) == 1 else ()

    def __call__(self, span: Span, attribution: Attribution, sentence: str, stated: dict) -> Finding | None:
        """The finding for a claim; None for a size in a list that is no named model's ("7B, 13B
        and 70B variants" of a family the article does not name) or that describes an unnamed
        one ("a 400B parameter model"): a bare size is no claim."""
        if attribution.how == "describes":  # "a 400B parameter model": a kind of model, no claim
            return None
        cat = self.cat
        subject = attribution.subject
        if span.quantity in PRICE_QUANTITIES:  # an accelerator's, named beside it or (repeated) elsewhere
            accelerator = span.hardware or (subject if attribution.how == "repeated" else None)
            subject = cat.resolve(accelerator) if accelerator else None
        unsized = subject is not None and subject not in self.sizes
        if span.listed and not (unsized and len(span.listed) == 1):
            # "Llama 2 comes in 7B, 13B and 70B": each size is one member's, or nobody's; but "a
            # larger model, Phi-3-medium, with 14B parameters" is that model's, whose name has no size
            named = attribution.candidates if subject is None else self.family_of.get(subject, (subject,))
            if attribution.family and not _all_members(span.listed, named, self.sizes):
                named = self._fuller_family(attribution.family, span.listed)
            member = _member_by_size(span, named, self.sizes) if _all_members(span.listed, named, self.sizes) else None
            if member is None:
                return None
            subject, attribution = member, replace(attribution, subject=member, how="named")
        elif subject is None and (
            member := _member_by_size(span, attribution.candidates, self.sizes) or self._member_named(span, attribution)
        ):
            subject, attribution = member, replace(attribution, subject=member, how="named")
        given = {k: g for k, g in stated.get(subject or "", {}).items() if k != span.quantity and g.note != span.text}
        status = _status(span, subject, attribution, sentence, given)
        if status == "checked" and subject in cat.subjects and cat.subjects[subject].kind == "hardware":
            status = (
                "checked" if span.quantity in PRICE_QUANTITIES else "unattributed"
            )  # "a DGX H100 holds 8 GPUs": a machine
        name = cat.name_of(subject) if subject else attribution.family
        spec = ClaimSpec(
            span.quantity,
            span.value.low,
            span.value.high,
            span.value.currency,
            span.scope,
            subject,
            None,
            None,
            EMPHASIS.sub("", span.text),
            {},
        )  # fmt: skip; the claim quoted without the article's **bold**
        if (
            status == "ambiguous"
            and attribution.family
            and not span.listed
            and (same := self._whole_family(spec, attribution))
        ):
            return Finding(span, subject, name, same, sentence)
        if status != "checked":
            verdict = Verdict("unverifiable", None, _why_not_judged(status, attribution, cat, span.quantity))
            return Finding(span, subject, name, verdict, sentence, status)
        verdict = self._check(spec)
        if verdict.verdict == "unverifiable" and given:  # the knowledge base lacks it: use the article's own inputs
            spec.assumptions = given
            verdict = self._check(spec)
        if subject == UNNAMED and verdict.verdict == "unverifiable":  # what the article says of it settles nothing
            verdict = Verdict("unverifiable", None, _why_not_judged("unattributed", attribution, cat, span.quantity))
            return Finding(span, subject, name, verdict, sentence, "unattributed")
        if attribution.how in TAKEN_AS:
            kind = "accelerator" if span.quantity in PRICE_QUANTITIES else "model"
            why = f"Its sentence names no {kind}, but {TAKEN_AS[attribution.how].format(name=name)}: taken as {name}'s."
            verdict = replace(verdict, explanation=f"{why} {verdict.explanation}")
        return Finding(span, subject, name, verdict, sentence)

    def _check(self, spec: ClaimSpec) -> Verdict:
        self.rng.bit_generator.state = self.fresh
        return check(spec, self.cat, self.rng)

    def _whole_family(self, spec: ClaimSpec, attribution: Attribution) -> Verdict | None:
        """The verdict on a claim about a family ("Llama 3.1 was trained on 15T tokens") where it is the
        same whichever member is meant; None where it would differ, or could not be given."""
        verdicts = [self._check(replace(spec, subject=member)) for member in attribution.candidates]
        if not verdicts or len({v.verdict for v in verdicts}) > 1 or verdicts[0].verdict == "unverifiable":
            return None
        names = listed([self.cat.subjects[c].name for c in attribution.candidates])
        worst = max(verdicts, key=lambda v: v.factor or 1.0)
        return replace(
            worst,
            explanation=f"{attribution.family} is a family ({names}); the claim is {worst.verdict} for each of them. "
            f"{worst.explanation}",
        )


def _all_members(listed: tuple[float, ...], named: tuple[str, ...], sizes: dict[str, float]) -> bool:
    """Whether every size of a list is a member's: "Llama in 7B, 13B, 34B and 70B" lists Llama 2,
    not the first LLaMA (7B, 13B, 33B, 65B), whatever "Llama" alone would mean."""
    return all(any(m in sizes and math.isclose(sizes[m], x, rel_tol=SIZE_TOLERANCE) for m in named) for x in listed)


def _published_sizes(cat: Catalogue, families: dict[str, tuple[str, ...]], named: dict[str, float]) -> dict[str, float]:
    """The published parameter count of each member of a family whose name states none
    (Phi-3-mini, 3.8B): a size the article gives then picks that member, as a size in its name would."""
    found = {}
    for members in families.values():
        for slug in members:
            given = cat.fact(slug, "parameters") if slug not in named else None
            if given and given.basis == "published" and given.low is not None and given.low == given.high:
                found[slug] = given.low
    return found


def _member_by_size(span: Span, members: tuple[str, ...], sizes: dict[str, float]) -> str | None:
    """The one member of a family whose name carries the size a claim states: "the 13 billion
    parameter Llama 2" is Llama 2 13B, and "Falcon has 180 billion parameters" Falcon-180B. A size
    no member is named for ("the 700 billion parameter Llama 3") leaves the family ambiguous, and
    so does every other quantity: "of 3.3M GPU-hours, 1.7M trained the 70B model" names the 70B
    model for one number and not the other."""
    value = span.value.low
    if span.quantity != "parameters" or value is None or value != span.value.high:
        return None
    named = [m for m in members if m in sizes and math.isclose(sizes[m], value, rel_tol=SIZE_TOLERANCE)]
    return named[0] if len(named) == 1 else None


TAKEN_AS = {  # why a figure whose sentence names no model is taken as one's
    "topic": "{name} is the only one the article names",
    "repeated": "the article gives the same figure for {name}",
}


def _status(span: Span, subject: str | None, attribution: Attribution, sentence: str, given: dict) -> str:
    if says(HYPOTHETICAL, sentence):
        return "hypothetical"
    if span.quantity in PRICE_QUANTITIES:
        return "checked" if subject else "unattributed"
    if subject is None:
        return attribution.how if attribution.how == "ambiguous" else "unattributed"
    return "unattributed" if subject == UNNAMED and not given else "checked"


def _why_not_judged(status: str, attribution: Attribution, cat: Catalogue, quantity: str) -> str:
    names = [cat.name_of(c) for c in attribution.candidates]
    if status == "hypothetical":
        return "Needs review: the sentence states a plan or a what-if, not a fact, so it is not judged."
    if quantity in PRICE_QUANTITIES:  # an accelerator's price: which model was named last says nothing
        return "Needs review: the sentence names no accelerator, so the price is not pinned on one."
    if status == "ambiguous" and attribution.family:
        return (
            f"Needs review: {attribution.family} is a family ({listed(names)}); the number could be about any of them."
        )
    if status == "ambiguous":
        return f"Needs review: the sentence names {listed(names)}, and the number could be about any of them."
    if attribution.how == "compared":
        return f"Needs review: the sentence names {names[0]} only in a comparison, so the number is not pinned on it."
    return "Needs review: the sentence names no model, so the number is not pinned on one" + (
        f" (the last one named was {names[0]})." if names else "."
    )


def _stated_inputs(spans: list[Span], subjects: dict, mentions: list[Mention], sents) -> dict[str, dict[str, Given]]:
    """What the article itself says about each subject: sizes, tokens, hardware, hours, prices."""
    stated: dict[str, dict[str, Given]] = {}
    for m in mentions:
        if m.size and m.kind in ("model", "unknown"):
            stated.setdefault(m.subject, {})["parameters"] = Given(
                m.size, m.size, note=m.text, basis="stated in the article", stated=True
            )
    sentence_subject: dict[int, str] = {}
    for span in spans:
        subject = subjects[span]
        if subject is None:
            continue
        sentence_subject.setdefault(span.sentence, subject)
        if span.quantity in STATED_INPUTS and span.value.low and span.value.high:
            stated.setdefault(subject, {})[span.quantity] = Given(
                span.value.low, span.value.high, note=span.text, basis="stated in the article", stated=True
            )
    in_sentence = mentions_by_sentence(mentions, sents)
    for s in sents:
        subject = sentence_subject.get(s.index)
        hardware = [m for m in in_sentence.get(s.index, []) if m.kind == "hardware"]
        if subject and hardware:
            stated.setdefault(subject, {}).setdefault(
                "hardware", Given(None, None, hardware[0].subject, note=hardware[0].text, stated=True)
            )
    return stated


def render_terminal(report: Report, paint: Callable[[str, str], str] = lambda text, verdict: text) -> str:
    """The report for people: each sentence with the claim marked, its verdict (through
    `paint(text, verdict)`, which the CLI uses for colour) and why."""
    lines = []
    for f in report.findings:
        s = f.sentence
        i = f.span.start - f.sentence_start  # not the first "70B" of "| Llama 2 70B | 70B |"
        i = i if s[i : i + len(f.span.text)] == f.span.text else s.find(f.span.text)
        marked = s if i < 0 else f"{s[:i]}[[{f.span.text}]]{s[i + len(f.span.text) :]}"
        factor = f.verdict.factor
        gap = f" (off by {off_by(factor)})" if factor and 1 < factor < math.inf else ""
        verdict = "NEEDS REVIEW" if f.status != "checked" else f.verdict.verdict.upper()
        nobody = "no accelerator named" if f.span.quantity in PRICE_QUANTITIES else "no model named"
        about = f"{f.subject_name or nobody} · {label_of(f.span.quantity)}"
        lines.append(f"{paint(verdict, verdict)}{gap}  {about}")
        lines.append(f"  “{marked.strip()}”")
        lines.append(f"  {f.verdict.explanation}")
        lines.append("")
    return "\n".join(lines)


def segments(report: Report) -> list[dict]:
    """The article cut into plain text and claim pieces, for the HTML report."""
    pieces: list[dict] = []
    position = 0
    for n, f in enumerate(report.findings, 1):
        if f.span.start < position:
            continue
        pieces.append({"text": report.text[position : f.span.start], "claim": None})
        pieces.append({"text": report.text[f.span.start : f.span.end], "claim": n})
        position = f.span.end
    pieces.append({"text": report.text[position:], "claim": None})
    return pieces
