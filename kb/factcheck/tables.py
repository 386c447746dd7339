"""Tables read as tables: a number in a cell is about the model its row (or column) names, and
measures what its column header (or row label) says. Markdown tables, rows of text aligned in
columns, and the spec sheets of model pages (a label on one line, its value on the next). Pure:
text in, cells out.

    | Metric      | DeepSeek-V3 | GPT-4 (est.) |
    |-------------|-------------|--------------|
    | GPU Hours   | 2.788M H800 | ~30M+ H100   |

gives "2.788M H800" with the hint "GPU hours", in the column headed by DeepSeek-V3.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.factcheck.patterns import DIGIT

ROW = re.compile(r"^[^\n|]*\|.*$", re.M)  # a line with a cell border; "8B | 1.46M" may omit the outer ones
FRAMED = re.compile(r"^[ \t]*(?:(?:\d+[.)]|[-*+])[ \t]+)?\|.*\|[ \t]*$")
LIST_MARKER = re.compile(r"[ \t]*(?:\d+[.)]|[-*+])[ \t]+(?=\|)")  # "3. | Cloud TPU type |": a table in a list
SEPARATOR = re.compile(r"^[\s|:\-—–]+$")
CELL = re.compile(r"[^|]+")
UNIT_PRICE = "each"  # followed by the labels, so that the accelerator a column names is the one priced
# What a header or row label says a number measures, as the words the extractor reads beside it.
HINTS = [
    (
        re.compile(
            r"per[- ]token|per[- ]second|/s\b|inference|memory|ram\b|vram|bandwidth|context|vocab|transistor|"
            r"release|date|price per|tdp|power|node|server|dimension|hidden|layers?\b|heads?\b|"
            # "Max cluster size": what a product allows, not what a run used
            r"\bexperts?\b(?!\s+param)|\bmax(?:imum)?\b",
            re.I,
        ),
        None,
    ),
    (re.compile(r"active", re.I), "active parameters"),
    (re.compile(r"param|size", re.I), "parameters"),
    (re.compile(r"token", re.I), "tokens"),
    (re.compile(r"(?:gpu|chip|accelerator|compute|tpu)[- ]?(?:hours|hrs)|\bhours\b", re.I), "GPU hours"),
    (re.compile(r"\b(?:list |unit |retail |purchase )?price\b|\bmsrp\b", re.I), UNIT_PRICE),
    (re.compile(r"cost|spend|budget", re.I), "training cost"),  # before FLOP: "Compute cost" is money
    (re.compile(r"\bflops?\b|compute", re.I), "FLOP"),
    (re.compile(r"mfu|utili[sz]ation", re.I), "MFU"),
    (re.compile(r"\b[gt]pus\b|accelerators|chips|cluster", re.I), "GPUs"),
    (re.compile(r"duration|days|time|weeks", re.I), "training time"),
]


CHIP_COUNT = re.compile(r"\d{1,6}")
PRICE_LIST = re.compile(r"\bprice|\bpricing\b|commitment|on-demand|per (?:hour|month)", re.I)


@dataclass(frozen=True)
class Cell:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class TableCell:
    """A number in a table, with where to look for its model and what it measures."""

    cell: Cell
    hint: str  # words that say what the number measures ("GPU hours"), read after the cell's text
    subject_cells: tuple[Cell, ...]  # the cell itself, its row label, its column header: first model wins


@dataclass(frozen=True)
class Table:
    start: int
    end: int
    cells: tuple[TableCell, ...]


def _cells(text: str, start: int, end: int) -> list[Cell]:
    if marker := LIST_MARKER.match(text, start, end):
        start = marker.end()
    line = text[start:end]
    found = []
    for m in CELL.finditer(line):
        a, b = m.span()
        while a < b and line[a].isspace():
            a += 1
        while b > a and line[b - 1].isspace():
            b -= 1
        found.append(Cell(start + a, start + b, line[a:b]))
    return found


def _hint(*labels: str) -> str | None:
    for label in labels:
        for pattern, hint in HINTS:
            if pattern.search(label):
                return hint
    return ""


def find_tables(text: str) -> list[Table]:
    """Every Markdown table: a header row, a |---| line if the writer put one, then rows. Rows
    without the outer borders ("8B | 1.46M") make a table only under a |---| line, as in GFM."""
    lines = [m.span() for m in ROW.finditer(text)]
    tables, i = [], 0
    while i < len(lines):
        j = i
        while j + 1 < len(lines) and text[lines[j][1] : lines[j + 1][0]].strip() == "":
            j += 1
        block = lines[i : j + 1]
        i = j + 1
        separated = len(block) > 1 and SEPARATOR.fullmatch(text[block[1][0] : block[1][1]]) is not None
        if separated:
            block = block[:1] + block[2:]
        framed = all(FRAMED.match(text[a:b]) for a, b in block)
        if len(block) >= 2 and (framed or separated):
            tables.append(Table(block[0][0], block[-1][1], tuple(_numbers(text, block))))
    return tables


def _numbers(text: str, block: list[tuple[int, int]]) -> list[TableCell]:
    """The cells of one Markdown table that hold a number, with what their header and row label say."""
    return _numbered(_cells(text, *block[0]), [_cells(text, *span) for span in block[1:]])


def _numbered(header: list[Cell], rows: list[list[Cell]]) -> list[TableCell]:
    """The cells of a table, given as its header's cells and its rows', that hold a number."""
    price_list = any(PRICE_LIST.search(c.text) for c in header)
    cells = []
    for cell in header[1:]:  # "| Cost category | DeepSeek-V3 $5.5M |"
        hint = _hint(header[0].text)
        if hint is not None and any(c.isdigit() for c in cell.text):
            cells.append(TableCell(cell, hint, (cell,)))
    chips = [n for n, c in enumerate(header) if price_list and _hint(c.text) == "GPUs"]
    for row in rows:
        # a configuration of several chips ("| v5p-16 | 8 chips | $33.60 / hour |"): its price is not one chip's
        several = any(n < len(row) and CHIP_COUNT.fullmatch(row[n].text) and int(row[n].text) > 1 for n in chips)
        for n, cell in enumerate(row[1:], 1):
            column = header[n] if n < len(header) else None
            labels = [c.text for c in (column, row[0]) if c is not None]
            hint = _hint(*labels)
            if hint == UNIT_PRICE and several:
                continue
            if hint == UNIT_PRICE:  # "| List price | $25,000 |" under "H100": the price of each one
                hint = " ".join([hint, *labels])
            if price_list and hint == "GPUs":  # the chips of a configuration it prices, not a training cluster
                continue
            if hint is not None and any(c.isdigit() for c in cell.text):
                cells.append(TableCell(cell, hint, tuple(c for c in (cell, row[0], column) if c is not None)))
    return cells


def find_aligned_tables(text: str) -> list[Table]:
    """Rows of plain text aligned in columns (two or more spaces, or tabs, between cells), as a
    forum post or a code block sets out a table:

        Model        Tokens   GPU-hours
        BLOOM        366B     1,082,990

    read as a Markdown table: a header of words, then rows of as many cells that hold numbers."""
    lines = [m.span() for m in re.finditer(r"[^\n]+", text)]
    tables, i = [], 0
    while i < len(lines):
        header = _aligned_cells(text, *lines[i])
        rows, j = [], i + 1
        words = all(c.text[0].isalpha() and c.text[-1] not in ".!?" for c in header)  # no sentences
        while header and words and j < len(lines) and lines[j][0] == lines[j - 1][1] + 1:
            row = _aligned_cells(text, *lines[j])
            if len(row) != len(header) or not any(DIGIT.search(c.text) for c in row[1:]):
                break
            rows.append(row)
            j += 1
        if rows:
            tables.append(Table(lines[i][0], lines[j - 1][1], tuple(_numbered(header, rows))))
        i = j if rows else i + 1
    return tables


def _aligned_cells(text: str, start: int, end: int) -> list[Cell]:
    """A line's cells where it is set out in columns; none for prose, a Markdown row or a long line."""
    line = text[start:end]
    if "|" in line or len(line) > ALIGNED_LINE_MAX:
        return []
    cells = [Cell(start + m.start(), start + m.end(), m.group()) for m in ALIGNED_CELL.finditer(line)]
    return cells if len(cells) >= 2 and all(len(c.text) <= ALIGNED_CELL_MAX for c in cells) else []


ALIGNED_CELL = re.compile(r"\S+(?: \S+)*")  # words with single spaces between them
ALIGNED_LINE_MAX, ALIGNED_CELL_MAX = 120, 40


SPEC_LABEL = re.compile(r"[A-Z][A-Za-z ()/&'-]{2,40}")  # "Active Parameters": words, no digits, no full stop
SPEC_VALUE = re.compile(  # "2T", "288.0B", "16", "16,384 H100"
    r"[~≈<>]?\s?\d[\d.,]*\s?(?:[A-Z]{1,3}\d{2,4}[A-Za-z]{0,3}s?|[A-Za-z%+]{0,12})"
)
SHEET_GAP = 20  # lines: label/value pairs this close belong to one sheet
MIN_PAIRS = 2


def find_spec_sheets(text: str) -> list[Table]:
    """Spec sheets read as tables of one column: a model page's (label on one line, value on the
    next) and a worked estimate's label = value lines (see _inline_pairs)."""
    lines = [m.span() for m in re.finditer(r"[^\n]+", text)]
    return _two_line_sheets(text, lines) + _inline_pairs(text, lines)


def _two_line_sheets(text: str, lines: list[tuple[int, int]]) -> list[Table]:
    """A model page's spec sheet:

        Llama 4 Behemoth
        Active Parameters
        2T

    gives "2T" with the hint "active parameters", about the model the headings above it name."""
    pairs = [
        i
        for i in range(len(lines) - 1)
        if lines[i + 1][0] == lines[i][1] + 1
        and SPEC_LABEL.fullmatch(text[slice(*lines[i])].strip())
        and SPEC_VALUE.fullmatch(text[slice(*lines[i + 1])].strip())
    ]
    sheets: list[list[int]] = []
    for i in pairs:
        if sheets and i - sheets[-1][-1] <= SHEET_GAP:
            sheets[-1].append(i)
        else:
            sheets.append([i])
    return [_sheet(text, lines, sheet) for sheet in sheets if len(sheet) >= MIN_PAIRS]


def _inline_pairs(text: str, lines: list[tuple[int, int]]) -> list[Table]:
    """Lines that give a label and its value, as a worked estimate lists them:

        2. Time (T) = 100 days = 100*24 hrs = 2400 hrs
        3. Number of GPUs (N) = 25000

    give "100 days" (training time) and "25000" (GPUs). Each line is a table of its own, so that
    the prose between two of them is still read as prose; a lone line is not a sheet."""
    pairs = [(i, m) for i, (a, b) in enumerate(lines) if (m := INLINE_PAIR.fullmatch(text, a, b))]
    tables = []
    for n, (i, m) in enumerate(pairs):
        near = [j for j, _ in pairs[max(0, n - 1) : n + 2] if j != i and abs(j - i) <= SHEET_GAP]
        label, value = (Cell(m.start(g), m.end(g), m.group(g)) for g in ("label", "value"))
        hint = _hint(label.text)
        if near and hint is not None:
            first = min(i, *near)
            cells = (TableCell(value, hint, (value, label, *_headings(text, lines, first))),)
            tables.append(Table(lines[i][0], lines[i][1], cells))
    return tables


INLINE_PAIR = re.compile(
    rf"[ \t]*(?:\d+[.)][ \t]+|[-*•][ \t]+)?(?P<label>{SPEC_LABEL.pattern}?)[ \t]*[=:][ \t]*"
    rf"(?P<value>{SPEC_VALUE.pattern}?)[ \t]*(?:(?:[=;]|,(?!\d)).*)?"  # "16,384" is one number, not "16" and more
)


def _headings(text: str, lines: list[tuple[int, int]], first: int) -> list[Cell]:
    """The short lines just above a sheet, nearest first: its title, which may name the model."""
    return [
        Cell(a, b, text[a:b])
        for a, b in reversed(lines[max(0, first - 6) : first])
        if b - a <= 60 and text[b - 1] not in ".:!?"
    ]


def _sheet(text: str, lines: list[tuple[int, int]], pairs: list[int]) -> Table:
    headings = _headings(text, lines, pairs[0])
    cells = []
    for i in pairs:
        label, value = (Cell(a, b, text[a:b]) for a, b in lines[i : i + 2])
        hint = _hint(label.text)
        if hint is not None:
            cells.append(TableCell(value, hint, (value, label, *headings)))
    return Table(lines[pairs[0]][0], lines[pairs[-1] + 1][1], tuple(cells))
