"""Who each claim is about: model and accelerator names found in the text, resolved through
the knowledge base's aliases, with names it has never heard of ("Acme-1") kept as they are.
Pure: the alias table is passed in.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

from kb.values import alias_key

WORD = re.compile(r"[A-Za-z][\w.]*(?:-[\w.]+)*|\d[\w.]*(?:-[\w.]+)*")
UNKNOWN_MODEL = re.compile(r"\b([A-Z][A-Za-z]{1,20}(?:-[A-Za-z]*\d[\w.]*)+)\b")
SIZE_SUFFIX = re.compile(r"\s*[-\s]?(\d+(?:\.\d+)?)\s?([BbMmTt])\b(?![- ]?(?:parameter|param|token|dollar|USD))")
ANAPHORA = re.compile(r"^(?:it|its|it's|this model|the model|that model|the run|this run|training it|they)\b|"
                      r"\b(?:it|its) (?:was|is|cost|took|used|has|had|needed|required|reportedly)\b", re.I)
NOT_MODELS = {"covid-19", "sars-cov-2", "mp3", "wi-fi"}
MAX_NGRAM = 4
SCALES = {"b": 1e9, "m": 1e6, "t": 1e12}


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    subject: str  # a knowledge-base slug, or the name as written for an unknown model
    kind: str  # model, hardware, generic, organization, unknown
    size: float | None = None  # "Llama 2 70B": 70e9 parameters named with the model


def find_mentions(text: str, aliases: dict[str, tuple[str, str]]) -> list[Mention]:
    """Every model or accelerator name, longest match first; aliases maps key -> (slug, kind)."""
    words = [(m.start(), m.end()) for m in WORD.finditer(text)]
    prefixes = _prefixes(tuple(aliases))
    mentions: list[Mention] = []
    i = 0
    while i < len(words):
        found = None
        if _fold(text[words[i][0]:words[i][1]]) not in prefixes:  # most words start no name
            i += 1
            continue
        for n in range(min(MAX_NGRAM, len(words) - i), 0, -1):
            start, end = words[i][0], words[i + n - 1][1]
            if "\n" in text[start:end]:
                continue
            key = alias_key(text[start:end])
            if key not in aliases and key.endswith("s") and aliases.get(key[:-1], ("", ""))[1] == "hardware":
                key = key[:-1]  # "A100s"
            if key in aliases and not key.isdigit():
                found = (n, start, end, *aliases[key])
                break
        if found:
            n, start, end, slug, kind = found
            size = None
            m = SIZE_SUFFIX.match(text, end)
            if kind == "model" and m and m.start() == end:
                size = float(m.group(1)) * SCALES[m.group(2).lower()]
                end = m.end()
            mentions.append(Mention(start, end, text[start:end], slug, kind, size))
            while i < len(words) and words[i][0] < end:
                i += 1
            continue
        i += 1
    taken_starts = [m.start for m in mentions]  # already sorted, and non-overlapping
    for m in UNKNOWN_MODEL.finditer(text):
        i = bisect.bisect_right(taken_starts, m.start()) - 1
        overlaps = (i >= 0 and mentions[i].end > m.start()) or (
            i + 1 < len(mentions) and mentions[i + 1].start < m.end())
        if overlaps or m.group(1).lower() in NOT_MODELS:
            continue
        if re.fullmatch(r"[A-Z]{1,3}-?\d+", m.group(1)):  # part numbers, not models
            continue
        end, size = m.end(), None
        s = SIZE_SUFFIX.match(text, end)
        if s and s.start() == end:
            size, end = float(s.group(1)) * SCALES[s.group(2).lower()], s.end()
        mentions.append(Mention(m.start(), end, text[m.start():end], m.group(1), "unknown", size))
    return sorted(mentions, key=lambda m: m.start)


@functools.lru_cache(maxsize=65536)
def _fold(word: str) -> str:
    return alias_key(word)


@functools.lru_cache(maxsize=8)
def _prefixes(keys: tuple[str, ...]) -> frozenset[str]:
    return frozenset(key[:i] for key in keys for i in range(1, len(key) + 1))


def subject_for(span_start: int, sentence_text: str, sentence_mentions: list[Mention], carried: str | None,
                same_paragraph: bool = False) -> str | None:
    """The model a claim at span_start is about: the nearest model named before it in its
    sentence (or after it), else the one carried from earlier sentences when this one refers
    back to it ("It was trained…") or continues its paragraph."""
    models = [m for m in sentence_mentions if m.kind in ("model", "unknown", "generic")]
    before = [m for m in models if m.start < span_start]
    if before:
        return before[-1].subject
    if models:
        return models[0].subject
    if carried and (same_paragraph or ANAPHORA.search(sentence_text)):
        return carried
    return None
