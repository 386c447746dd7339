"""Who each number in an article is about: the model its sentence names, a clear antecedent,
its table row, or a "respectively" list; otherwise nobody, and the finding is left for review."""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import replace

from kb.factcheck.extract import Span, extract
from kb.factcheck.link import SCALES, SIZE_TOLERANCE, Attribution, Mention, named_in, new_party, subject_for
from kb.factcheck.tables import TableCell
from kb.quantities import CLAIM_QUANTITIES, PRICE_QUANTITIES

UNNAMED = "an unnamed model"
UNNAMED_MODEL = re.compile(r"\b(?:a|an|the|our|their)\s+(?:[\w-]+\s+){0,3}(?:model|LLM|network)\b", re.I)
EXAMPLES = re.compile(r"\bexamples?\b|\bfor instance\b|\bhypothetical|\billustrat", re.I)  # a heading over what-ifs
COMPARED_BEFORE = re.compile(r"\b(?:than|like|as|versus|vs\.?|compared (?:to|with))\s*$", re.I)
MODEL_KINDS = ("model", "unknown", "family")  # mentions that name a model, known or not
RESPECTIVELY = re.compile(r"\brespectively\b", re.I)
# What one model's training run has; an article's rates and prices (MFU, $/GPU-hour) are often general.
ABOUT_A_RUN = frozenset(CLAIM_QUANTITIES) - {*PRICE_QUANTITIES, "mfu"}
TOPIC_MENTIONS = 2
IN_GENERAL = re.compile(  # "frontier models now cost", "most labs": about many models, not the article's one
    r"\b(?:models|LLMs|labs|companies|systems|industry|frontier|typical(?:ly)?|most|every|any)\b", re.I
)
PRONOUN_START = re.compile(r"\W*(?:it|its|it's|this model|the model)\b", re.I)


def attribute(
    text: str, spans: list[Span], mentions: list[Mention], sents, sizes: dict[str, float], topic: str | None
) -> dict[Span, Attribution]:
    """Each span's subject: named in its sentence, or the antecedent a sentence refers back to
    ("it", "the model"). A sentence that only speaks of "a model" gets UNNAMED, so that the
    article's own figures for it can be checked against each other, unless the article is about
    one model (`topic`, see article_topic) and "a 70B model" is its size (`sizes`: each sized
    model's parameter count)."""
    result: dict[Span, Attribution] = {}
    antecedent: list[Mention] = []
    spans_in: dict[int, list[Span]] = {}
    for span in spans:
        spans_in.setdefault(span.sentence, []).append(span)
    in_sentence = mentions_by_sentence(mentions, sents)
    previous_end, asked, scenario = 0, False, False
    previous_paragraph: list[Mention] = []
    for sentence in sents:
        if "\n\n" in text[previous_end : sentence.start]:  # a new paragraph: only a leading "It" reaches back
            previous_paragraph, antecedent, scenario = antecedent or previous_paragraph, [], False
        previous_end = sentence.end
        here = in_sentence.get(sentence.index, [])
        named_here = [m for m in here if m.kind != "hardware"]
        figures = spans_in.get(sentence.index, [])
        heading = sentence.text.rstrip().endswith(":")
        unnamed = UNNAMED_MODEL.search(sentence.text) if figures or heading else None
        if figures:  # asked once per sentence that has numbers, not once per number in it
            listed = _respectively(sentence, here, figures)
            sentence_models = named_in(here)
            in_general, other_party = IN_GENERAL.search(sentence.text), new_party(sentence.text)
            compared = unnamed is not None and COMPARED_BEFORE.search(sentence.text, 0, unnamed.start())
        for span in figures:
            found = listed.get(span) or subject_for(
                span.start,
                span.end,
                sentence.text,
                sentence_models,
                antecedent or (previous_paragraph if PRONOUN_START.match(sentence.text) else []),
                sentence.start,
                answers=asked,
            )
            about_the_topic = (
                topic
                and not named_here
                and span.quantity in ABOUT_A_RUN
                and not in_general
                and not other_party  # "its successor", "a rival lab": not the article's model
            )
            if unnamed and compared and _describes(unnamed, span, sentence.start):
                found = Attribution(UNNAMED, "describes")  # "larger than a 400B parameter model": a yardstick
            elif found.how == "ambiguous" and (member := _sized_member(span, found, sentence, spans_in, sizes)):
                found = Attribution(member, "named")  # "1.7M GPU-hours trained the 70B model", of Llama 2
            elif found.how != "unattributed" or span.quantity in PRICE_QUANTITIES:
                pass
            elif scenario:  # "Estimated for a 400B parameter model:", then "H100 cluster: ~$50M"
                found = Attribution(UNNAMED, "describes")
            elif about_the_topic and (not unnamed or unnamed.group().lower().startswith("the ")):
                found = Attribution(topic, "topic")  # "the final model took 34 days", in an article about one
            elif unnamed and topic and _sized_as(unnamed.group(), sizes.get(topic)):
                found = Attribution(topic, "topic")  # "a 70B model trained on 15T tokens", about Llama 3 70B
            elif unnamed and _describes(unnamed, span, sentence.start):
                found = Attribution(UNNAMED, "describes")  # "for a 400B parameter model": an input, no claim
            elif unnamed:
                found = Attribution(UNNAMED, "unnamed")
            result[span] = found
        named = [m for m in here if m.kind in MODEL_KINDS]
        if named:
            antecedent = named
        elif not antecedent and PRONOUN_START.match(sentence.text):
            antecedent = previous_paragraph  # "The model has 1.76T parameters. Training took 100 days": still it
        asked = sentence.text.rstrip().endswith("?")  # "What did GPT-3 cost? About $4.6M.": the answer is GPT-3's
        if heading:  # what follows a heading is about what the heading names
            kind = unnamed and unnamed.group().lower().startswith(("a ", "an ")) and not named_here
            scenario = bool(kind or EXAMPLES.search(sentence.text))
    return result


def _describes(unnamed: re.Match, span: Span, offset: int) -> bool:
    """Whether a parameter count only says what kind of model "a 400B parameter model" is."""
    inside = unnamed.start() <= span.start - offset < unnamed.end()
    return span.quantity == "parameters" and inside and unnamed.group().lower().startswith(("a ", "an "))


def _sized_member(span: Span, found: Attribution, sentence, spans_in: dict[int, list[Span]], sizes) -> str | None:
    """The member of an ambiguous family that "the 70B model" names, for the number of each kind
    nearest that phrase (or a parameter count: "has 70B parameters"): in "of 3.3M GPU-hours, 1.7M
    trained the 70B model" the 1.7M and not the 3.3M, which is the whole family's; the phrase
    reaches over numbers of other kinds."""
    start = sentence.start
    here = spans_in.get(sentence.index, [])
    same_kind = [s for s in here if s.quantity == span.quantity and s is not span]
    references = [
        (start + m.start(), start + m.end(), float(m.group(1)) * SCALES[m.group(2).lower()])
        for m in SIZED_REFERENCE.finditer(sentence.text)
    ] + [  # "trained on 2T tokens and has 70B parameters": the size says which member
        (s.start, s.end, s.value.low)
        for s in here
        if s.quantity == "parameters" and not s.listed and s.value.low and s.value.low == s.value.high
    ]
    for a, b, size in references:
        if b <= span.start:
            between = (b, span.start)
        elif (
            a >= span.end
            and a - span.end <= REFERENCE_REACH
            and not CLAUSE_BREAK.search(sentence.text, span.end - start, a - start)
        ):
            between = (span.end, a)
        else:
            continue
        if any(between[0] <= other.start < between[1] for other in same_kind):
            continue
        members = [m for m in found.candidates if m in sizes and math.isclose(sizes[m], size, rel_tol=SIZE_TOLERANCE)]
        if len(members) == 1:
            return members[0]
    return None


SIZED_REFERENCE = re.compile(
    r"\bthe\s+(\d+(?:\.\d+)?)\s?([BMT])(?:[- ]param(?:eter)?s?)?[- ](?:model|variant|version)\b", re.I
)
CLAUSE_BREAK = re.compile(r"[;:,.()]")  # "took 3.3M GPU-hours; the 7B model is its smallest": another clause
REFERENCE_REACH = 40  # characters from a number to "the 70B model" after it: "… were used to train the 70B model"


def carry_repeated_figures(spans: list[Span], attributions: dict[Span, Attribution], what_ifs: set[int]) -> None:
    """A figure an article repeats is the same claim: "DeepSeek-V3: the $5.6M training run" in the
    title and "a frontier model trained for $5.6 million" in the lede. The repeat that names no
    model becomes the named one's, where every occurrence that names one names the same model,
    in a sentence that states it (not in `what_ifs`, the sentences of plans and what-ifs). So
    does a price that names no accelerator ("the new chip costs $70,000"), by the accelerator."""
    owners: dict[tuple, set[str]] = {}
    for span in spans:
        found = attributions[span]
        if span.sentence in what_ifs:
            continue
        if span.quantity in PRICE_QUANTITIES and span.hardware:
            owners.setdefault(_figure(span), set()).add(span.hardware.upper().replace(" ", ""))
        elif found.subject and found.how in NAMED_HOW and span.quantity in ABOUT_A_RUN:
            owners.setdefault(_figure(span), set()).add(found.subject)
    for span in spans:
        owner = owners.get(_figure(span), set())
        unnamed = not span.hardware if span.quantity in PRICE_QUANTITIES else attributions[span].how in UNNAMED_HOW
        if unnamed and len(owner) == 1:
            attributions[span] = Attribution(owner.pop(), "repeated")


UNNAMED_HOW = ("unattributed", "unnamed")
NAMED_HOW = ("named", "antecedent", "table", "respectively")  # how a model was named for a figure


def _figure(span: Span) -> tuple:
    """What a figure states, for telling a repeat: "nearly 1.3 million" (1.17M to 1.3M) and
    "under $6M" state the number that "1.3 million" and "$6M" do; "$1M to $12M" is a range."""
    low, high = span.value.low, span.value.high
    stated = (low, high) if low is not None and high is not None and low < 0.85 * high else high or low
    return span.quantity, span.value.currency, stated


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


def table_spans(
    cells: list[TableCell], mentions: list[Mention], sents, sizes: dict[str, float], topic: str | None
) -> list[tuple[Span, Attribution]]:
    """The numbers in tables, each about the model its own cell, its row or its column names. In
    an article about one family, a row or column labelled by a size alone ("70B") is the member
    of that size (`sizes`: each sized model's parameter count, by slug); in an article about one
    model (`topic`), a table that names none ("| Total parameters | 175 billion |") is about it."""
    starts = [s.start for s in sents]
    named = [m for m in mentions if m.kind in MODEL_KINDS]
    named_starts = [m.start for m in named]
    families = {m.candidates for m in mentions if m.kind == "family"}
    members = {sizes[slug]: slug for slug in families.pop() if slug in sizes} if len(families) == 1 else {}
    found = []
    for entry in cells:
        cell, value = entry.cell, entry.cell.text
        spans = extract(f"{value} {entry.hint}")
        if not spans and (head := CELL_HEAD.match(value)):  # "72B + MoE-A2.7B": the first figure, whose
            value = head.group(1)  # model is the row's or the column's, not the one named after it
            spans = extract(f"{value} {entry.hint}")
            entry = replace(entry, subject_cells=entry.subject_cells[1:])
        for span in spans:
            if span.start >= len(value):  # a number in the hint, not in the cell
                continue
            sentence = sents[max(0, bisect.bisect_right(starts, cell.start) - 1)].index
            end = cell.start + min(span.end, len(value))
            span = replace(
                span,
                start=cell.start + span.start,
                end=end,
                sentence=sentence,
                text=cell.text[span.start : end - cell.start],
            )
            attribution = _table_subject(entry, named, named_starts, members)
            if attribution.how == "unattributed" and topic and span.quantity in ABOUT_A_RUN:
                attribution = Attribution(topic, "topic")
            found.append((span, attribution))
    return found


def _table_subject(entry: TableCell, named: list[Mention], starts: list[int], members: dict[float, str]) -> Attribution:
    for cell in entry.subject_cells:
        i = bisect.bisect_left(starts, cell.start)
        if i < len(named) and named[i].start < cell.end:
            if named[i].kind == "family":
                return Attribution(None, "ambiguous", named[i].candidates, named[i].text)
            return Attribution(named[i].subject, "table")
    for cell in entry.subject_cells[1:]:  # the row label, then the column header
        if (size := BARE_SIZE.fullmatch(cell.text)) and (
            member := members.get(float(size.group(1)) * SCALES[size.group(2).lower()])
        ):
            return Attribution(member, "table")
    return Attribution(None, "unattributed")


CELL_HEAD = re.compile(r"(.+?)\s*(?:\s\+\s|\(|,\s|;\s|\s/\s)")  # a figure, then what qualifies it
BARE_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s?([BMT])\b", re.I)  # "70B", a row or column of a family's table


def mentions_by_sentence(mentions: list[Mention], sents) -> dict[int, list[Mention]]:
    starts = [s.start for s in sents]
    grouped: dict[int, list[Mention]] = {}
    for m in mentions:
        i = bisect.bisect_right(starts, m.start) - 1
        if i >= 0 and m.start < sents[i].end:
            grouped.setdefault(sents[i].index, []).append(m)
    return grouped


def _sized_as(phrase: str, size: float | None) -> bool:
    """Whether "a 70B model" states this parameter count."""
    stated = BARE_SIZE.search(phrase)
    return (
        size is not None
        and stated is not None
        and math.isclose(float(stated.group(1)) * SCALES[stated.group(2).lower()], size, rel_tol=SIZE_TOLERANCE)
    )


def article_topic(mentions: list[Mention], sents) -> str | None:
    """The one model a whole article is about: the only one it names, and more than in passing:
    twice, or once in a sentence about its training ("GPT-4 was trained in Azure"); "every
    ChatGPT response" names a model in passing."""
    named = [m for m in mentions if m.kind in MODEL_KINDS]
    if not named or len({m.subject for m in named}) > 1 or named[0].kind == "family":
        return None  # a family ("Llama 3") is no one model
    if len(named) >= TOPIC_MENTIONS:
        return named[0].subject
    at = bisect.bisect_right([s.start for s in sents], named[0].start) - 1
    return named[0].subject if at >= 0 and ITS_TRAINING.search(sents[at].text) else None


ITS_TRAINING = re.compile(r"\b(?:was|were|been|being)\s+(?:pre-?)?trained\b", re.I)
