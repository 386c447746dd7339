"""Numbers written in words ("two trillion parameters", "twenty-five thousand GPUs") as digits,
with a map back to the original offsets so that highlights still land on the words. Pure.

Only a number word that is followed by a scale or a unit becomes digits: "one of the two models"
stays as it is.
"""

from __future__ import annotations

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
    rf"(?<!\ba few )(?<!several )(?<!\d )\b{WORD}(?:(?:[\s-]+|\s+and\s+){WORD})*(?=[\s-]+{FOLLOWED_BY})",
)


FRACTIONS = {"half": 0.5, "quarter": 0.25}
# "half a million", "a quarter of a billion", "one and a half million", "a half-million"
FRACTION = starting_with(
    FIRST_LETTERS + "aq",
    rf"\b(?:(?P<whole>{WORD}(?:[\s-]+{WORD})*)\s+and\s+)?(?:an?\s+)?(?P<part>half|quarter)"
    r"(?:\s+(?:of\s+)?an?\b|-)?\s*(?=(?:million|billion|trillion)\b)",
)
PART = re.compile(r"half|quarter", re.I)  # where a fraction can be: the rare words it needs
REACH = 120  # characters a fraction's words take before and after its "half"


def spell_out(text: str) -> tuple[str, list[int] | None]:
    """The text with number words as digits, and for each offset in it the offset in `text`
    (None when nothing changed)."""
    pieces: list[str] = []
    to_original: list[int] = []
    position = 0
    for start, end, digits in _numbers(text):
        if start < position:
            continue  # inside a number already read
        pieces.append(text[position:start])
        to_original.extend(range(position, start))
        pieces.append(digits)
        to_original.extend([start] * len(digits))
        position = end
    if not pieces:
        return text, None
    pieces.append(text[position:])
    to_original.extend(range(position, len(text) + 1))
    return "".join(pieces), to_original


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
