"""Epoch AI's CSV files (CC BY 4.0), read and checked: which table each file is (by its header),
its rows as dictionaries that remember their line, and its cells as numbers. A missing column
or a cell that is not a number is reported with the file, the row and the column."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kb.errors import InvalidRecord

WORKING_CHARACTERS = 300  # how much of Epoch's notes a fact keeps, as a short form of the working

MODEL_COLUMNS = (
    "Model",
    "Domain",
    "Organization",
    "Publication date",
    "Reference",
    "Link",
    "Parameters",
    "Parameters notes",
    "Training compute (FLOP)",
    "Training compute notes",
    "Training compute lower bound",
    "Training compute upper bound",
    "Training dataset size (datapoints)",
    "Dataset size notes",
    "Epochs",
    "Training time (hours)",
    "Training time notes",
    "Training hardware",
    "Hardware quantity",
    "Hardware utilization (MFU)",
    "Training chip-hours",
    "Training compute cost (2023 USD)",
    "Numerical format",
    "Confidence",
    "Training compute estimation method",
    "Last modified",
)
CHIP_PEAKS = {  # our precision name: Epoch's column, preferred first
    "bf16": ("Tensor-FP16/BF16 performance (FLOP/s)",),
    "fp16": ("Tensor-FP16/BF16 performance (FLOP/s)", "FP16 (half precision) performance (FLOP/s)"),
    "tf32": ("TF32 (TensorFloat-32) performance (FLOP/s)",),
    "fp32": ("FP32 (single precision) performance (FLOP/s)",),
    "fp8": ("FP8 performance (FLOP/s)",),
    "int8": ("INT8 performance (OP/s)",),
}
CHIP_COLUMNS = (
    "Hardware name",
    "Manufacturer",
    "Type",
    "Release date",
    "Release price (USD)",
    "Memory size per board (Byte)",
    "TDP (W)",
    "Link to datasheet",
    *dict.fromkeys(c for cols in CHIP_PEAKS.values() for c in cols),
)
PRICE_COLUMNS = (
    "Price source",
    "Price date",
    "Hardware model",
    "Vendor",
    "Location",
    "Price per chip-hour (on-demand)",
    "Price per chip-hour (1-year CUD)",
    "Price per chip-hour (3-year CUD)",
    "Price (hardware purchase)",
    "Notes",
)
PRICE_KINDS = {  # Epoch's column: our qualifier
    "Price per chip-hour (on-demand)": "cloud_on_demand",
    "Price per chip-hour (1-year CUD)": "cloud_1yr_committed",
    "Price per chip-hour (3-year CUD)": "cloud_3yr_committed",
}
INDEX_COLUMNS = ("observation_date", "PCU518210518210")
KINDS = {"models": MODEL_COLUMNS, "chips": CHIP_COLUMNS, "prices": PRICE_COLUMNS, "index": INDEX_COLUMNS}
# Which columns identify a file: enough that a renamed column is reported as missing.
SIGNATURES = {
    "models": ("Model", "Training compute (FLOP)"),
    "chips": ("Hardware name",),
    "prices": ("Hardware model", "Price date"),
    "index": ("observation_date",),
}


@dataclass
class Tables:
    """Epoch's files, read and checked: rows as dicts, each with the line it came from."""

    models: list[dict] = field(default_factory=list)
    chips: list[dict] = field(default_factory=list)
    prices: list[dict] = field(default_factory=list)
    index: list[dict] = field(default_factory=list)
    origins: dict[str, str] = field(default_factory=dict)


def is_epoch_file(path: Path) -> bool:
    return path.suffix == ".csv"


def read_tables(paths: list[Path]) -> Tables:
    """Read each CSV, recognising which of Epoch's tables it is by its header."""
    tables = Tables()
    for path in paths:
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise InvalidRecord(f"{path}: not UTF-8 text (byte {e.start})") from None
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        kind = _kind(path, reader.fieldnames or [])
        _read_rows(path, reader, getattr(tables, kind), truncated=not text.endswith("\n"))
        tables.origins[kind] = str(path)
    return tables


def _kind(path: Path, header: Sequence[str]) -> str:
    """Which of Epoch's tables a header is, with every column we read."""
    kind = next((k for k, cols in SIGNATURES.items() if all(c in header for c in cols)), None)
    if kind is None:
        raise InvalidRecord(
            f"{path}: not one of Epoch AI's tables (models, chips, prices, price index): "
            f"its header has none of {', '.join(c for cols in SIGNATURES.values() for c in cols)}"
        )
    missing = [c for c in KINDS[kind] if c not in header]
    if missing:
        raise InvalidRecord(f'{path}: row 1: column "{missing[0]}" is missing')
    return kind


def _read_rows(path: Path, reader: csv.DictReader, rows: list[dict], truncated: bool) -> None:
    """Each row as a dict that says where it came from; a row with too many cells, or a short
    last row in a file that stops mid-line, is an error."""
    number_, short = 1, False
    try:
        for number_, row in enumerate(reader, start=2):
            if None in row:
                raise InvalidRecord(f"{path}: row {number_}: more cells than the header has columns")
            short = any(v is None for v in row.values())
            row = {k: v or "" for k, v in row.items()}  # Epoch leaves some rows short: empty cells
            row["_where"] = f"{path}: row {number_}"
            rows.append(row)
    except csv.Error as e:
        raise InvalidRecord(f"{path}: row {number_ + 1}: {e}") from None
    if short and truncated:
        columns = len(reader.fieldnames or [])
        raise InvalidRecord(
            f"{path}: row {number_}: ends after {len(rows[-1]) - 1} of {columns} columns (a truncated file?)"
        )


def number(row: dict, column: str) -> float | None:
    """A cell as a number ("$1,234.50" reads as 1234.5); empty is None; anything else an error."""
    text = row[column].strip().replace("$", "").replace(",", "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise InvalidRecord(f'{row["_where"]}: column "{column}": "{row[column][:40]}" is not a number') from None
    if not math.isfinite(value) or value < 0:
        raise InvalidRecord(
            f'{row["_where"]}: column "{column}": {row[column][:40]} is not a finite, non-negative number'
        )
    return value


COMPUTE_FROM_HOURS = "Hardware"  # Epoch's method: compute = chip-hours × peak × an assumed utilization


def compute_from_hours(note: str | None) -> bool:
    """Whether a training-compute fact imported from Epoch was worked out from the run's own
    chip-hours: then compute and hours say the same thing twice, and calibrate nothing."""
    return f"): {COMPUTE_FROM_HOURS}: " in (note or "")


def working(text: str) -> str:
    """A short form of Epoch's notes, on one line, free of characters the text rules refuse."""
    flat = re.sub(r"[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]+", " ", text)
    flat = re.sub(r"\s+", " ", flat).strip()
    return flat if len(flat) <= WORKING_CHARACTERS else flat[: WORKING_CHARACTERS - 1].rstrip() + "…"


def snapshot_date(rows: list[dict]) -> str | None:
    """The newest "Last modified" date in the model table, as YYYY-MM-DD: the snapshot's date.
    Epoch has written it "2025-06-10 16:37" and "6/10/2025"."""
    dates = []
    for row in rows:
        stamp = row.get("Last modified", "")
        if m := re.match(r"(\d{1,2})/(\d{1,2})/(\d{4})", stamp):
            dates.append(f"{m.group(3)}-{int(m.group(1)):02d}-{int(m.group(2)):02d}")
        elif m := re.match(r"\d{4}-\d{2}-\d{2}\b", stamp):
            dates.append(m.group())
    return max(dates) if dates else None
