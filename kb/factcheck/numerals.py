"""Numbers written in words ("two trillion parameters", "twenty-five thousand GPUs") as digits,
with a map back to the original offsets so that highlights still land on the words. Pure.

Only a number word that is followed by a scale or a unit becomes digits: "one of the two models"
stays as it is.
"""

from __future__ import annotations

import re

from text_to_num import text2num

WORD = (
    r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand)"
)
FOLLOWED_BY = (
    r"(?:million|billion|trillion|percent|parameters?|params|tokens|GPUs?|chips|accelerators|TPUs?|"
    r"days?|weeks?|months?|years?|hours?|dollars|[A-Z]+\d+\w*)\b"
)
# "a few hundred million" is a vague amount (values.parse reads it), not 100 million; in "3.6 thousand"
# the word is the figure's scale, which values.parse reads too
PHRASE = re.compile(
    rf"(?<!\ba few )(?<!several )(?<!\d )\b{WORD}(?:(?:[\s-]+|\s+and\s+){WORD})*(?=[\s-]+{FOLLOWED_BY})", re.I
)


def spell_out(text: str) -> tuple[str, list[int] | None]:
    """The text with number words as digits, and for each offset in it the offset in `text`
    (None when nothing changed)."""
    pieces: list[str] = []
    to_original: list[int] = []
    position = 0
    for m in PHRASE.finditer(text):
        try:
            digits = str(text2num(re.sub(r"[\s-]+", " ", m.group()).lower(), "en"))
        except ValueError:  # "hundred thousand", or words that are no single number
            continue
        pieces.append(text[position : m.start()])
        to_original.extend(range(position, m.start()))
        pieces.append(digits)
        to_original.extend([m.start()] * len(digits))
        position = m.end()
    if not pieces:
        return text, None
    pieces.append(text[position:])
    to_original.extend(range(position, len(text) + 1))
    return "".join(pieces), to_original
