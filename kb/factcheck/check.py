"""Fact-check an article: find its claims, link them to subjects, check each with the compute
model, using the article's own stated inputs where the knowledge base has none."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import numpy as np

from kb.compute import DEFAULT_SEED
from kb.errors import InvalidRecord
from kb.evaluate import Catalogue, ClaimSpec, Given, check
from kb.factcheck.extract import Span, extract, sentences
from kb.factcheck.link import Mention, find_mentions, subject_for
from kb.verdict import Verdict

MAX_BYTES = 10_000_000
STATED_INPUTS = ("parameters", "training_tokens", "training_flop", "gpu_hours", "num_gpus", "training_days",
                 "gpu_hour_price_usd")
UNNAMED = "an unnamed model"
DOMINANT_SHARE = 0.6
MAIN_SUBJECT_QUANTITIES = ("training_cost_usd", "total_cost_usd", "parameters", "training_tokens", "training_flop",
                           "gpu_hours", "num_gpus", "training_days", "energy_mwh")


@dataclass
class Finding:
    span: Span
    subject: str | None
    subject_name: str | None
    verdict: Verdict
    sentence: str

    def as_dict(self) -> dict:
        v = self.verdict.as_dict()
        return {
            "text": self.span.text, "start": self.span.start, "end": self.span.end,
            "subject": self.subject_name if self.subject is None or self.subject == UNNAMED else self.subject,
            "quantity": self.span.quantity, "low": self.span.value.low, "high": self.span.value.high,
            "currency": self.span.value.currency, "scope": self.span.scope, "verdict": v["verdict"],
            "factor": v["factor"], "explanation": v["explanation"], "believe": v["believe"],
            "estimate": v["estimate"], "sentence": self.sentence,
        }


@dataclass
class Report:
    text: str
    findings: list[Finding] = field(default_factory=list)


class _TextOnly(HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
              "blockquote", "header", "footer", "ul", "ol", "table"}

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
        parser = _TextOnly()
        parser.feed(text)
        text = re.sub(r"\n\s*\n(?:\s*\n)+", "\n\n", "".join(parser.parts)).strip()
        text = re.sub(r"[ \t]+", " ", text)
    return text


def alias_table(cat: Catalogue) -> dict[str, tuple[str, str]]:
    return {key: (slug, cat.subjects[slug].kind) for key, slug in cat.alias.items()}


def factcheck(text: str, cat: Catalogue, seed: int = DEFAULT_SEED, aliases: dict | None = None) -> Report:
    """Every claim in the text, checked."""
    aliases = aliases if aliases is not None else alias_table(cat)
    mentions = find_mentions(text, aliases)
    sents = sentences(text)
    spans = extract(text, [(m.start, m.end) for m in mentions if m.kind != "hardware"], sents)
    subjects = _attach_subjects(text, spans, mentions, sents)
    stated = _stated_inputs(spans, subjects, mentions, sents)
    rng = np.random.default_rng(seed)
    fresh = rng.bit_generator.state
    report = Report(text)
    sentence_text = {s.index: s.text for s in sents}
    for span in spans:
        subject = subjects[span]
        if span.quantity in ("hardware_price_usd", "gpu_hour_price_usd"):
            subject = cat.resolve(span.hardware) if span.hardware else None
        given = {k: g for k, g in stated.get(subject, {}).items() if k != span.quantity and g.note != span.text}
        if subject == UNNAMED and not given:
            subject = None
        spec = ClaimSpec(span.quantity, span.value.low, span.value.high, span.value.currency, span.scope,
                         subject, None, None, span.text, {})
        rng.bit_generator.state = fresh
        verdict = check(spec, cat, rng)
        if verdict.verdict == "unverifiable" and given:  # the knowledge base lacks it: use the article's own inputs
            spec.assumptions = given
            rng.bit_generator.state = fresh
            verdict = check(spec, cat, rng)
        name = cat.subjects[subject].name if subject in cat.subjects else subject
        report.findings.append(Finding(span, subject, name, verdict, sentence_text.get(span.sentence, "")))
    return report


def _attach_subjects(text: str, spans: list[Span], mentions: list[Mention], sents) -> dict[Span, str | None]:
    """Each span's subject: named in its sentence, carried within its paragraph or by "it", or
    the article's main model when one model has most of the mentions."""
    result: dict[Span, str | None] = {}
    carried, paragraph_end = None, -1
    models = [m.subject for m in mentions if m.kind in ("model", "unknown")]
    main = max(set(models), key=models.count) if models else None
    if main is not None and models.count(main) < DOMINANT_SHARE * len(models):
        main = None
    by_sentence: dict[int, list[Span]] = {}
    for span in spans:
        by_sentence.setdefault(span.sentence, []).append(span)
    in_sentence = _by_sentence(mentions, sents)
    for sentence in sents:
        same_paragraph = "\n\n" not in text[paragraph_end:sentence.start] if paragraph_end >= 0 else False
        paragraph_end = sentence.end
        here = in_sentence.get(sentence.index, [])
        for span in by_sentence.get(sentence.index, []):
            subject = subject_for(span.start, sentence.text, here, carried, same_paragraph)
            if subject is None and span.quantity in MAIN_SUBJECT_QUANTITIES:
                subject = main
            if subject is None and span.quantity not in ("hardware_price_usd", "gpu_hour_price_usd") and \
                    re.search(r"\b(?:a|an|the|our|their)\s+(?:[\w-]+\s+){0,3}(?:model|LLM|network)\b", sentence.text, re.I):
                subject = UNNAMED
            result[span] = subject
        named = [m for m in here if m.kind in ("model", "unknown")]
        if named:
            carried = named[-1].subject
    return result


def _stated_inputs(spans: list[Span], subjects: dict, mentions: list[Mention], sents) -> dict[str, dict[str, Given]]:
    """What the article itself says about each subject: sizes, tokens, hardware, hours, prices."""
    stated: dict[str, dict[str, Given]] = {}
    for m in mentions:
        if m.size and m.kind in ("model", "unknown"):
            stated.setdefault(m.subject, {})["parameters"] = Given(m.size, m.size, note=m.text, basis="stated in the article", stated=True)
    sentence_subject: dict[int, str] = {}
    for span in spans:
        subject = subjects[span]
        if subject is None:
            continue
        sentence_subject.setdefault(span.sentence, subject)
        if span.quantity in STATED_INPUTS and span.value.low and span.value.high:
            stated.setdefault(subject, {})[span.quantity] = Given(
                span.value.low, span.value.high, note=span.text, basis="stated in the article", stated=True)
    in_sentence = _by_sentence(mentions, sents)
    for s in sents:
        subject = sentence_subject.get(s.index)
        hardware = [m for m in in_sentence.get(s.index, []) if m.kind == "hardware"]
        if subject and hardware:
            stated.setdefault(subject, {}).setdefault(
                "hardware", Given(None, None, hardware[0].subject, note=hardware[0].text, stated=True))
    return stated


def _by_sentence(mentions: list[Mention], sents) -> dict[int, list[Mention]]:
    starts = [s.start for s in sents]
    grouped: dict[int, list[Mention]] = {}
    for m in mentions:
        i = bisect.bisect_right(starts, m.start) - 1
        if i >= 0 and m.start < sents[i].end:
            grouped.setdefault(sents[i].index, []).append(m)
    return grouped


def render_terminal(report: Report, colour: bool = False) -> str:
    """The report for people: each sentence with the claim marked, its verdict and why."""
    lines = []
    for f in report.findings:
        s = f.sentence
        i = s.find(f.span.text)
        marked = s if i < 0 else f"{s[:i]}[[{f.span.text}]]{s[i + len(f.span.text):]}"
        factor = f" ({f.verdict.factor:.2g}×)" if f.verdict.factor and f.verdict.factor > 1 else ""
        lines.append(f"{f.verdict.verdict.upper()}{factor}  {f.subject_name or 'no subject'} · {f.span.quantity}")
        lines.append(f"  “{marked.strip()}”")
        lines.append(f"  {f.verdict.explanation}")
        lines.append("")
    return "\n".join(lines)


def segments(report: Report) -> list[dict]:
    """The article cut into plain text and claim pieces, for the HTML report."""
    pieces, position = [], 0
    for n, f in enumerate(report.findings, 1):
        if f.span.start < position:
            continue
        pieces.append({"text": report.text[position:f.span.start], "claim": None})
        pieces.append({"text": report.text[f.span.start:f.span.end], "claim": n})
        position = f.span.end
    pieces.append({"text": report.text[position:], "claim": None})
    return pieces

