"""Numbers written in words ("two trillion parameters", "twenty-five thousand GPUs") as digits,
with a map back to the original offsets so that highlights still land on the words. Pure.

Only a number word that is followed by a scale or a unit becomes digits: "one of the two models"
stays as it is.
"""

from __future__ import annotations

import bisect
import re

from text_to_num import text2num

from kb.factcheck.patterns import starting_with

WORD = (
    r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand)"
)
FIRST_LETTERS = "".join(sorted({word[0] for word in re.findall(r"[a-z]+", WORD)}))
FOLLOWED_BY = (
    r"(?:million|billion|trillion|percent|parameters?|params|tokens|GPUs?|chips|accelerators|TPUs?|"
    r"days?|weeks?|months?|years?|hours?|dollars|[A-Z]+\d+\w*)\b"
)
# "a few hundred million" is a vague amount (values.parse reads it), not 100 million; in "3.6 thousand"
# the word is the figure's scale, which values.parse reads too
PHRASE = starting_with(
    FIRST_LETTERS,
    rf"\b(?<!\ba few )(?<!several )(?<!\d ){WORD}(?:(?:[\s-]+|\s+and\s+){WORD})*(?=[\s-]+{FOLLOWED_BY})",
)


FRACTIONS = {"half": 0.5, "quarter": 0.25}
# "half a million", "a quarter of a billion", "one and a half million", "a half-million"
FRACTION = re.compile(  # sought only around PART (see _fractions)
    rf"\b(?:(?P<whole>{WORD}(?:[\s-]+{WORD})*)\s+and\s+)?(?:an?\s+)?(?P<part>half|quarter)"
    r"(?:\s+(?:of\s+)?an?\b|-)?\s*(?=(?:million|billion|trillion)\b)",
    re.I,
)
PART = re.compile(r"half|quarter", re.I)  # where a fraction can be: the rare words it needs
REACH = 120  # characters a fraction's words take before and after its "half"


def spell_out(text: str) -> tuple[str, Respelled | None]:
    """The text with number words as digits, and where each offset in it was in `text` (None when
    nothing changed)."""
    pieces: list[str] = []
    changes: list[tuple[int, int, int, int]] = []
    position, written = 0, 0  # offsets in `text` and in the new text
    for start, end, digits in _numbers(text):
        if start < position:
            continue  # inside a number already read
        pieces += [text[position:start], digits]
        written += start - position
        changes.append((written, written + len(digits), start, end))
        written += len(digits)
        position = end
    if not pieces:
        return text, None
    pieces.append(text[position:])
    return "".join(pieces), Respelled(changes)


class Respelled:
    """Where each offset of a spelled-out text was in the original: an offset inside a number's
    digits is its words' start; one after them is shifted by what the digits saved."""

    def __init__(self, changes: list[tuple[int, int, int, int]]):
        self.changes = changes  # (start, end) of the digits, and of the words they replace
        self.starts = [new_start for new_start, *_ in changes]

    def __getitem__(self, offset: int) -> int:
        i = bisect.bisect_right(self.starts, offset) - 1
        if i < 0:
            return offset
        new_start, new_end, start, end = self.changes[i]
        return start if offset < new_end else end + offset - new_end


def _numbers(text: str) -> list[tuple[int, int, str]]:
    """(start, end, digits) of each number written in words, in order."""
    found = []
    for m in _fractions(text):
        try:
            whole = text2num(re.sub(r"[\s-]+", " ", m["whole"]).lower(), "en") if m["whole"] else 0
        except ValueError:
            continue
        found.append((m.start(), m.end(), f"{whole + FRACTIONS[m['part'].lower()]:g} "))
    for m in PHRASE.finditer(text):
        try:
            found.append((m.start(), m.end(), str(text2num(re.sub(r"[\s-]+", " ", m.group()).lower(), "en"))))
        except ValueError:  # "hundred thousand", or words that are no single number
            continue
    return sorted(found)


def _fractions(text: str) -> list[re.Match]:
    """FRACTION's matches, sought only around a "half" or "quarter": searching the whole text tries
    it at every number word and every "a" (a tenth of a second a megabyte)."""
    found: dict[int, re.Match] = {}
    for part in PART.finditer(text):
        for m in FRACTION.finditer(text, max(0, part.start() - REACH), part.end() + REACH):
            if m.start() <= part.start() < m.end():
                found.setdefault(m.start(), m)
    return list(found.values())
