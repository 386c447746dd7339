"""Fact-check an article: find its claims, link them to subjects, check each with the compute
model, using the article's own stated inputs where the knowledge base has none."""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser

import numpy as np

from kb.compute import DEFAULT_SEED
from kb.errors import InvalidRecord
from kb.evaluate import Catalogue, ClaimSpec, Given, check
from kb.factcheck.extract import Span, extract, sentences
from kb.factcheck.link import Attribution, Mention, families, find_mentions, subject_for
from kb.factcheck.numerals import spell_out
from kb.factcheck.tables import TableCell, find_tables
from kb.quantities import label_of
from kb.values import human_factor
from kb.verdict import Verdict

MAX_BYTES = 10_000_000
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
UNNAMED = "an unnamed model"
UNNAMED_MODEL = re.compile(r"\b(?:a|an|the|our|their)\s+(?:[\w-]+\s+){0,3}(?:model|LLM|network)\b", re.I)
RESPECTIVELY = re.compile(r"\brespectively\b", re.I)
PRONOUN_START = re.compile(r"\W*(?:it|its|it's|this model|the model)\b", re.I)
HYPOTHETICAL = re.compile(  # plans and what-ifs: "on 512 GPUs it would take six months", "the plan is to finish"
    r"\b(?:would|will) (?:(?:probably|likely|only|still|then|need to|have to) )?"
    r"(?:take|cost|need|require|use|be needed|be required|run|last|consume)\b|"
    r"\bif (?:you|we|one|they|someone|a lab|an? \w+)\b|\bsuppose\b|\bimagine\b|\bhypothetical|\bin theory\b|"
    r"\bshould (?:have )?(?:seen|been|used|taken|cost|need)\b|\b(?:'ll|will) be able to\b|\bwhen we\b|"
    r"\bthe plan is\b|\bplans? to\b|\bplanned\b|\baims? to\b|\bexpects? to\b|\bwill be trained\b",
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


class _TextOnly(HTMLParser):
    BLOCKS = {
        "p",
        "div",
        "br",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "section",
        "article",
        "blockquote",
        "header",
        "footer",
        "ul",
        "ol",
        "table",
    }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "noscript", "template"):
            self.skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "noscript", "template"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def read_article(data: bytes, name: str = "input") -> str:
    """Text from plain text, Markdown or HTML bytes; refuses empty, binary and oversized input."""
    if len(data) > MAX_BYTES:
        raise InvalidRecord(f"{name}: larger than {MAX_BYTES // 1_000_000} MB; split the article")
    if not data.strip():
        raise InvalidRecord(f"{name}: empty")
    if b"\x00" in data[:8192]:
        raise InvalidRecord(f"{name}: looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidRecord(f"{name}: not UTF-8 text") from None
    if re.search(r"<(?:html|body|p|div|article)\b", text[:5000], re.I):
        text = _article_text(text)
    return text


def _article_text(html: str) -> str:
    """A web page's article, as Markdown: trafilatura drops navigation, comments, related links
    and footers, and keeps headings and tables; a fragment too small for it is read whole."""
    import trafilatura  # here: it takes a seventh of a second to load, and only web pages need it

    article = trafilatura.extract(
        html, output_format="markdown", include_tables=True, include_comments=False, include_links=False,
        include_images=False,
    )  # fmt: skip
    if article and article.strip():
        return article.strip()
    parser = _TextOnly()
    parser.feed(html)
    parser.close()  # hands over text after the last tag, which the parser holds back until then
    text = re.sub(r"\n\s*\n(?:\s*\n)+", "\n\n", "".join(parser.parts)).strip()
    return re.sub(r"[ \t]+", " ", text)


def alias_table(cat: Catalogue) -> dict[str, tuple[str, str]]:
    return {key: (slug, cat.subjects[slug].kind) for key, slug in cat.alias.items()}


def factcheck(text: str, cat: Catalogue, seed: int = DEFAULT_SEED, aliases: dict | None = None) -> Report:
    """Every claim in the text, checked."""
    original = text
    text, to_original = spell_out(text)
    aliases = aliases if aliases is not None else alias_table(cat)
    mentions = find_mentions(
        text, aliases, families({slug: s.name for slug, s in cat.subjects.items() if s.kind == "model"}), cat.spellings
    )
    sents = sentences(text)
    tables = find_tables(text)
    table_starts = [t.start for t in tables]

    def in_table(position: int) -> bool:
        i = bisect.bisect_right(table_starts, position) - 1
        return i >= 0 and position < tables[i].end

    prose = [s for s in sents if not in_table(s.start)]
    spans = [
        span
        for span in extract(text, [(m.start, m.end) for m in mentions if m.kind != "hardware"], prose)
        if not in_table(span.start)
    ]
    attributions = _attribute(text, spans, mentions, sents)
    cells = [entry for table in tables for entry in table.cells]
    for span, attribution in _table_spans(cells[:MAX_FINDINGS], mentions, sents):
        spans.append(span)
        attributions[span] = attribution
    spans.sort(key=lambda s: s.start)
    subjects = {span: a.subject for span, a in attributions.items()}
    stated = _stated_inputs(spans, subjects, mentions, sents)
    rng = np.random.default_rng(seed)
    fresh = rng.bit_generator.state
    report = Report(text)
    sentence_text = {s.index: s.text for s in sents}
    report.unchecked = max(0, len(spans) - MAX_FINDINGS) + max(0, len(cells) - MAX_FINDINGS)
    for span in spans[:MAX_FINDINGS]:
        subject, attribution = subjects[span], attributions[span]
        sentence = sentence_text.get(span.sentence, "")
        if span.quantity in ("hardware_price_usd", "gpu_hour_price_usd"):
            subject = cat.resolve(span.hardware) if span.hardware else None
        given = {k: g for k, g in stated.get(subject or "", {}).items() if k != span.quantity and g.note != span.text}
        status = _status(span, subject, attribution, sentence, given)
        if (
            status == "checked"
            and subject in cat.subjects
            and cat.subjects[subject].kind == "hardware"
            and span.quantity not in ("hardware_price_usd", "gpu_hour_price_usd")
        ):
            status = "unattributed"  # "a DGX H100 holds 8 GPUs" is about a machine, not a training run
        name = cat.subjects[subject].name if subject in cat.subjects else subject or attribution.family
        spec = ClaimSpec(
            span.quantity, span.value.low, span.value.high, span.value.currency, span.scope, subject, None, None,
            span.text, {},
        )  # fmt: skip
        if status == "ambiguous" and attribution.family and (same := _whole_family(spec, attribution, cat, rng)):
            report.findings.append(Finding(span, subject, name, same, sentence))
            continue
        if status != "checked":
            verdict = Verdict("unverifiable", None, _why_not_judged(status, attribution, cat))
            report.findings.append(Finding(span, subject, name, verdict, sentence, status))
            continue
        rng.bit_generator.state = fresh
        verdict = check(spec, cat, rng)
        if verdict.verdict == "unverifiable" and given:  # the knowledge base lacks it: use the article's own inputs
            spec.assumptions = given
            rng.bit_generator.state = fresh
            verdict = check(spec, cat, rng)
        report.findings.append(Finding(span, subject, name, verdict, sentence))
    if to_original is not None:  # number words were read as digits: point back at the words
        _restore(report, original, to_original, {s.index: s for s in sents})
    return report


def _restore(report: Report, original: str, to_original: list[int], by_index: dict) -> None:
    report.text = original
    for f in report.findings:
        start, end = to_original[f.span.start], to_original[f.span.end]
        f.span = replace(f.span, start=start, end=end, text=original[start:end])
        sentence = by_index.get(f.span.sentence)
        if sentence is not None:
            f.sentence = original[to_original[sentence.start] : to_original[sentence.end]]


def _table_spans(cells: list[TableCell], mentions: list[Mention], sents) -> list[tuple[Span, Attribution]]:
    """The numbers in tables, each about the model its own cell, its row or its column names."""
    starts = [s.start for s in sents]
    named = [m for m in mentions if m.kind in ("model", "unknown", "family")]
    named_starts = [m.start for m in named]
    found = []
    for entry in cells:
        cell = entry.cell
        for span in extract(f"{cell.text} {entry.hint}"):
            if span.start >= len(cell.text):  # a number in the hint, not in the cell
                continue
            sentence = sents[max(0, bisect.bisect_right(starts, cell.start) - 1)].index
            end = cell.start + min(span.end, len(cell.text))
            span = replace(
                span,
                start=cell.start + span.start,
                end=end,
                sentence=sentence,
                text=cell.text[span.start : end - cell.start],
            )
            found.append((span, _table_subject(entry, named, named_starts)))
    return found


def _table_subject(entry: TableCell, named: list[Mention], starts: list[int]) -> Attribution:
    for cell in entry.subject_cells:
        i = bisect.bisect_left(starts, cell.start)
        if i < len(named) and named[i].start < cell.end:
            if named[i].kind == "family":
                return Attribution(None, "ambiguous", named[i].candidates, named[i].text)
            return Attribution(named[i].subject, "table")
    return Attribution(None, "unattributed")


def _whole_family(spec: ClaimSpec, attribution: Attribution, cat: Catalogue, rng) -> Verdict | None:
    """The verdict on a claim about a family ("Llama 3.1 was trained on 15T tokens") where it is the
    same whichever member is meant; None where it would differ, or could not be given."""
    fresh = rng.bit_generator.state
    verdicts = []
    for member in attribution.candidates:
        rng.bit_generator.state = fresh
        verdicts.append(check(replace(spec, subject=member), cat, rng))
    if not verdicts or len({v.verdict for v in verdicts}) > 1 or verdicts[0].verdict == "unverifiable":
        return None
    names = _listed([cat.subjects[c].name for c in attribution.candidates])
    worst = max(verdicts, key=lambda v: v.factor or 1.0)
    return replace(
        worst,
        explanation=f"{attribution.family} is a family ({names}); the claim is {worst.verdict} for each of them. "
        f"{worst.explanation}",
    )


def _status(span: Span, subject: str | None, attribution: Attribution, sentence: str, given: dict) -> str:
    if HYPOTHETICAL.search(sentence):
        return "hypothetical"
    if span.quantity in ("hardware_price_usd", "gpu_hour_price_usd"):
        return "checked" if subject else "unattributed"
    if subject is None:
        return attribution.how if attribution.how == "ambiguous" else "unattributed"
    return "unattributed" if subject == UNNAMED and not given else "checked"


def _why_not_judged(status: str, attribution: Attribution, cat: Catalogue) -> str:
    names = [cat.subjects[c].name if c in cat.subjects else c for c in attribution.candidates]
    if status == "hypothetical":
        return "Needs review: the sentence states a plan or a what-if, not a fact, so it is not judged."
    if status == "ambiguous":
        return f"Needs review: the sentence names {_listed(names)}, and the number could be about any of them."
    if attribution.how == "compared":
        return f"Needs review: the sentence names {names[0]} only in a comparison, so the number is not pinned on it."
    return "Needs review: the sentence names no model, so the number is not pinned on one" + (
        f" (the last one named was {names[0]})." if names else "."
    )


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _attribute(text: str, spans: list[Span], mentions: list[Mention], sents) -> dict[Span, Attribution]:
    """Each span's subject: named in its sentence, or the antecedent a sentence refers back to
    ("it", "the model"). A sentence that only speaks of "a model" gets UNNAMED, so that the
    article's own figures for it can be checked against each other."""
    result: dict[Span, Attribution] = {}
    antecedent: list[Mention] = []
    by_sentence: dict[int, list[Span]] = {}
    for span in spans:
        by_sentence.setdefault(span.sentence, []).append(span)
    in_sentence = _by_sentence(mentions, sents)
    previous_end, asked = 0, False
    previous_paragraph: list[Mention] = []
    for sentence in sents:
        if "\n\n" in text[previous_end : sentence.start]:  # a new paragraph: only a leading "It" reaches back
            previous_paragraph, antecedent = antecedent or previous_paragraph, []
        previous_end = sentence.end
        here = in_sentence.get(sentence.index, [])
        listed = _respectively(sentence, here, by_sentence.get(sentence.index, []))
        for span in by_sentence.get(sentence.index, []):
            found = listed.get(span) or subject_for(
                span.start,
                span.end,
                sentence.text,
                here,
                antecedent or (previous_paragraph if PRONOUN_START.match(sentence.text) else []),
                sentence.start,
                answers=asked,
            )
            if (
                found.how == "unattributed"
                and span.quantity not in ("hardware_price_usd", "gpu_hour_price_usd")
                and UNNAMED_MODEL.search(sentence.text)
            ):
                found = Attribution(UNNAMED, "unnamed")
            result[span] = found
        named = [m for m in here if m.kind in ("model", "unknown", "family")]
        if named:
            antecedent = named
        asked = sentence.text.rstrip().endswith("?")  # "What did GPT-3 cost? About $4.6M.": the answer is GPT-3's
    return result


def _respectively(sentence, mentions: list[Mention], spans: list[Span]) -> dict[Span, Attribution]:
    """ "GPT-3 and GPT-4 cost $4.6M and $63M, respectively": the n-th figure is the n-th model's."""
    if not RESPECTIVELY.search(sentence.text):
        return {}
    models = list(dict.fromkeys(m.subject for m in mentions if m.kind in ("model", "unknown")))
    found = {}
    for quantity in dict.fromkeys(s.quantity for s in spans):
        figures = [s for s in spans if s.quantity == quantity]
        if len(figures) == len(models) > 1:
            found.update({span: Attribution(model, "respectively") for span, model in zip(figures, models)})
    return found


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
    in_sentence = _by_sentence(mentions, sents)
    for s in sents:
        subject = sentence_subject.get(s.index)
        hardware = [m for m in in_sentence.get(s.index, []) if m.kind == "hardware"]
        if subject and hardware:
            stated.setdefault(subject, {}).setdefault(
                "hardware", Given(None, None, hardware[0].subject, note=hardware[0].text, stated=True)
            )
    return stated


def _by_sentence(mentions: list[Mention], sents) -> dict[int, list[Mention]]:
    starts = [s.start for s in sents]
    grouped: dict[int, list[Mention]] = {}
    for m in mentions:
        i = bisect.bisect_right(starts, m.start) - 1
        if i >= 0 and m.start < sents[i].end:
            grouped.setdefault(sents[i].index, []).append(m)
    return grouped


def render_terminal(report: Report, paint: Callable[[str, str], str] = lambda text, verdict: text) -> str:
    """The report for people: each sentence with the claim marked, its verdict (through
    `paint(text, verdict)`, which the CLI uses for colour) and why."""
    lines = []
    for f in report.findings:
        s = f.sentence
        i = s.find(f.span.text)
        marked = s if i < 0 else f"{s[:i]}[[{f.span.text}]]{s[i + len(f.span.text) :]}"
        factor = f.verdict.factor
        off_by = f" (off by {human_factor(factor)})" if factor and 1 < factor < math.inf else ""
        verdict = "NEEDS REVIEW" if f.status != "checked" else f.verdict.verdict.upper()
        about = f"{f.subject_name or 'no model named'} · {label_of(f.span.quantity)}"
        lines.append(f"{paint(verdict, verdict)}{off_by}  {about}")
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
