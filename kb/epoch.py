"""Epoch AI's public data (CC BY 4.0) as knowledge-base documents.

Epoch publishes its model database, chip database, hardware price database and the price
index it uses for constant dollars as CSV files (https://epoch.ai/data). Each file is
recognised by its header, read row by row into the same dictionaries a YAML source holds, and
validated by records.document_from_dict like every other entry path, so an Epoch import obeys
the same rules. A newer download imports the same way; a missing column or a value that is
not a number is reported with the file, the row and the column, and nothing is imported.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kb.errors import InvalidRecord
from kb.records import Document, document_from_dict, fitted_slug, slugify
from kb.values import alias_key

LICENCE = "CC BY 4.0; credit: Epoch AI"
MODELS_URL = "https://epoch.ai/data/ai-models"
HARDWARE_URL = "https://epoch.ai/data/machine-learning-hardware"
PRICES_URL = "https://github.com/epoch-research/training-cost-trends"
WORKING_CHARACTERS = 300  # how much of Epoch's notes a fact keeps, as a short form of the working
CONFIDENCE = {"Confident": "high", "Likely": "medium", "Speculative": "low"}  # anything else: low

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
ARCHITECTURES = (  # chip name pattern: architecture, the qualifier of the MFU priors
    (r"\b(H100|H800|H200|H20|GH200)\b", "Hopper"),
    (r"\b(B100|B200|GB200)\b", "Blackwell"),
    (r"\b(A100|A800|A10G?|A30|A40|RTX A\d+|RTX 30\d\d)", "Ampere"),
    (r"\b(V100|Titan V)\b", "Volta"),
    (r"\bP100|P40|P4\b|GTX 10\d\d|TITAN Xp", "Pascal"),
    (r"\bTPU\b", "TPU"),
    (r"RTX 40\d\d|Ada", "Ada"),
    (r"\bT4\b|RTX 20\d\d|Quadro RTX", "Turing"),
    (r"\bK80|K40", "Kepler"),
    (r"MI2\d\d|MI3\d\d", "CDNA"),
)


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
        header = reader.fieldnames or []
        kind = next((k for k, cols in SIGNATURES.items() if all(c in header for c in cols)), None)
        if kind is None:
            raise InvalidRecord(
                f"{path}: not one of Epoch AI's tables (models, chips, prices, price index): "
                f"its header has none of {', '.join(c for cols in SIGNATURES.values() for c in cols)}"
            )
        missing = [c for c in KINDS[kind] if c not in header]
        if missing:
            raise InvalidRecord(f'{path}: row 1: column "{missing[0]}" is missing')
        rows = getattr(tables, kind)
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
        if short and not text.endswith("\n"):
            raise InvalidRecord(
                f"{path}: row {number_}: ends after {len(rows[-1]) - 1} of {len(header)} columns (a truncated file?)"
            )
        tables.origins[kind] = str(path)
    return tables


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
    """The newest "Last modified" date in the model table, as YYYY-MM-DD: the snapshot's date."""
    dates = []
    for row in rows:
        m = re.match(r"(\d{1,2})/(\d{1,2})/(\d{4})", row.get("Last modified", ""))
        if m:
            dates.append(f"{m.group(3)}-{int(m.group(1)):02d}-{int(m.group(2)):02d}")
    return max(dates) if dates else None


def architecture(chip_name: str) -> str | None:
    for pattern, name in ARCHITECTURES:
        if re.search(pattern, chip_name):
            return name
    return None


def name_variants(name: str) -> list[str]:
    """Ways an Epoch name may already be known: as is, without its maker, without or with its
    parenthesis ("GPT-3 175B (davinci)" → "GPT-3 175B"; "PaLM (540B)" → "PaLM 540B")."""
    bare = re.sub(r"^(NVIDIA|Google|AMD|Huawei|Intel|Amazon)\s+", "", name)
    no_paren = re.sub(r"\s*\([^)]*\)", "", bare).strip()
    joined = re.sub(r"\s*\(([^)]*)\)", r" \1", bare).strip()
    return list(dict.fromkeys(v for v in (name, bare, joined, no_paren) if v))


def short_name(name: str) -> str | None:
    """A family name without the version number ("Gemini 1.0 Ultra" → "Gemini Ultra"), or None."""
    words = name.split()
    kept = [w for w in words if not re.fullmatch(r"v?\d+(\.\d+)+", w)]
    return " ".join(kept) if len(kept) >= 2 and kept != words else None


Resolver = Callable[[str], "str | None"]


def documents(tables: Tables, resolve: Resolver) -> list[Document]:
    """Epoch's tables as documents. `resolve` maps a name to the slug of a subject the knowledge
    base already has (or None), so Epoch's facts join existing subjects instead of duplicating them."""
    date = snapshot_date(tables.models) or "undated"
    hardware = _hardware_documents(tables, resolve, date)
    chip_slugs = {name: slug for doc in hardware for name, slug in doc.pop("_slugs", {}).items()}
    for row in _known_models(tables):  # a models file alone: its chips as the knowledge base knows them
        for chip in (h.strip() for h in row["Training hardware"].split(",") if h.strip()):
            if chip not in chip_slugs and (slug := next(filter(None, map(resolve, name_variants(chip))), None)):
                chip_slugs[chip] = slug
    models = _model_documents(tables, resolve, date, chip_slugs)
    index = [_index_document(tables.index)] if tables.index else []
    found = []
    for i, data in enumerate([*hardware, *models, *index]):
        origin = data.pop("_where", f"Epoch AI document {i}")
        document = document_from_dict(data, origin)
        document.keep_replaced_facts = True  # a newer snapshot's changed figure does not erase the old one
        found.append(document)
    return found


def _index_document(rows: list[dict]) -> dict:
    """The price index Epoch AI uses for constant dollars, one yearly mean per year, as priors
    named price_index with the year as qualifier (kb.dollars converts with them)."""
    months: dict[str, list[float]] = {}
    for row in rows:
        if (value := number(row, INDEX_COLUMNS[1])) is not None:
            months.setdefault(row[INDEX_COLUMNS[0]].strip()[:4], []).append(value)
    return {
        "_where": "Epoch AI price index",
        "source": {
            "slug": "ppi-data-processing-hosting",
            "title": "Producer Price Index by Industry: Data Processing, Hosting, and Related Services "
            "(PCU518210518210)",
            "kind": "dataset",
            "url": "https://fred.stlouisfed.org/series/PCU518210518210",
            "publisher": "U.S. Bureau of Labor Statistics, via FRED",
            "notes": "The index Epoch AI uses to state training costs in constant dollars (shipped with its data, "
            f"{LICENCE}). Monthly, December 2000 = 100; kept here as yearly means.",
        },
        "assumptions": [
            {
                "slug": f"price-index-{year}",
                "name": "price_index",
                "qualifier": year,
                "value": round(sum(values) / len(values), 3),
                "note": f"Mean of {len(values)} monthly value{'s' * (len(values) != 1)}.",
            }
            for year, values in sorted(months.items())
        ],
    }


def _snapshot_source(slug: str, title: str, url: str, date: str, what: str) -> dict:
    return {
        "slug": slug,
        "title": title,
        "kind": "dataset",
        "url": url,
        "publisher": "Epoch AI",
        "published": date if date != "undated" else None,
        "notes": f"{what} Licence: {LICENCE}. Snapshot of {date}.",
    }


def _subject_for(name: str, resolve: Resolver, taken: set[str]) -> tuple[str, bool]:
    """The slug a name maps to, and whether the subject is new."""
    for variant in name_variants(name):
        if (slug := resolve(variant)) is not None:
            return slug, False
    slug = slugify(name)[:90].strip("-")
    while slug in taken or resolve(slug) is not None:
        slug = f"{slug}-epoch"
    return slug, True


def _known_models(tables: Tables) -> list[dict]:
    """The rows that become subjects: a name, and parameters or training compute."""
    return [
        r
        for r in tables.models
        if r["Model"].strip() and (r["Parameters"].strip() or r["Training compute (FLOP)"].strip())
    ]


def _hardware_documents(tables: Tables, resolve: Resolver, date: str) -> list[dict]:
    used = {h.strip() for row in _known_models(tables) for h in row["Training hardware"].split(",") if h.strip()}
    priced = {row["Hardware model"].strip() for row in tables.prices}
    subjects: list[dict] = []
    facts: list[dict] = []
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    source = "epoch-ai-machine-learning-hardware"
    counts = _alias_counts([working(row["Hardware name"]) for row in tables.chips])
    for row in tables.chips:
        name = working(row["Hardware name"])
        if name not in used and name not in priced:
            continue
        slug, new = _subject_for(name, resolve, taken)
        slugs[name] = slug
        if slug in taken:
            continue  # Epoch's "NVIDIA A100" and "NVIDIA A100 SXM4 40 GB" are one subject here: the first stands
        taken.add(slug)
        year = row["Release date"][:4] if re.match(r"\d{4}", row["Release date"]) else None
        if new:
            subjects.append(
                {
                    "slug": slug,
                    "name": name,
                    "kind": "hardware",
                    "developer": row["Manufacturer"] or None,
                    "year": int(year) if year else None,
                    "aliases": _aliases(name, resolve, counts),
                }
            )
        note = (
            f"Epoch AI chip database; datasheet: {row['Link to datasheet']}"
            if row["Link to datasheet"]
            else "Epoch AI chip database"
        )

        def fact(quantity, low, qualifier=None, text=None, fact_year=None, slug=slug, note=note):
            facts.append(
                {
                    "slug": _fact_slug(slug, quantity, qualifier),
                    "subject": slug,
                    "quantity": quantity,
                    **({"value": text} if text else {"low": low, "high": low}),
                    "basis": "published",
                    "confidence": "high",
                    "qualifier": qualifier,
                    "year": fact_year,
                    "note": note,
                }
            )

        for precision, columns in CHIP_PEAKS.items():
            peak = next((v for c in columns if (v := number(row, c))), None)
            if peak:
                fact("peak_flop_per_s", peak, precision)
        if tdp := number(row, "TDP (W)"):
            fact("power_w", tdp)
        if memory := number(row, "Memory size per board (Byte)"):
            fact("memory_gb", memory / 1e9)
        if arch := architecture(name):
            fact("architecture", None, text=arch)
        if (price := number(row, "Release price (USD)")) and year:
            fact("hardware_price_usd", price, f"release {year}", fact_year=int(year))
    chips_doc = {
        "_where": tables.origins.get("chips", "chips.csv"),
        "source": _snapshot_source(
            source,
            "Epoch AI, Data on Machine Learning Hardware",
            HARDWARE_URL,
            date,
            "Peak FLOP/s by precision, memory, TDP, release date and price of ML accelerators.",
        ),
        "subjects": subjects,
        "facts": facts,
        "_slugs": slugs,
    }
    return [chips_doc, _price_document(tables, slugs, date)]


def _price_document(tables: Tables, slugs: dict[str, str], date: str) -> dict:
    facts = []
    for row in tables.prices:
        slug = slugs.get(row["Hardware model"].strip())
        year = row["Price date"][:4]
        if slug is None or not re.fullmatch(r"\d{4}", year):
            continue
        where = ", ".join(p for p in (row["Vendor"], row["Location"]) if p) or "release price"
        note = working(
            f"{where}, {row['Price date']}; Epoch AI hardware price database; original: {row['Price source']}"
        )
        for column, kind in (*PRICE_KINDS.items(), ("Price (hardware purchase)", "purchase")):
            value = number(row, column)
            if not value:
                continue
            quantity = "hardware_price_usd" if kind == "purchase" else "gpu_hour_price_usd"
            qualifier = f"{kind} {year}"
            facts.append(
                {
                    "slug": _fact_slug(slug, quantity, f"{qualifier} {row['_where'].rsplit(' ', 1)[-1]}"),
                    "subject": slug,
                    "quantity": quantity,
                    "low": value,
                    "high": value,
                    "basis": "published",
                    "confidence": "medium",
                    "qualifier": qualifier,
                    "year": int(year),
                    "note": note,
                }
            )
    return {
        "_where": tables.origins.get("prices", "hardware_prices.csv"),
        "source": _snapshot_source(
            "epoch-ai-hardware-prices",
            "Epoch AI, ML hardware price database",
            PRICES_URL,
            date,
            "Purchase prices and cloud prices per chip-hour (on-demand, 1- and "
            "3-year committed use) by vendor and date, each with its original source.",
        ),
        "facts": facts,
    }


def _fact_slug(subject: str, quantity: str, qualifier: str | None = None) -> str:
    return fitted_slug("epoch", subject, quantity.replace("_", "-"), slugify(qualifier) if qualifier else "")


def _alias_counts(names: list[str]) -> dict[str, int]:
    """How many names each candidate alias (variants and family names) could stand for."""
    counts: dict[str, int] = {}
    for name in dict.fromkeys(names):
        for key in {alias_key(a) for a in (*name_variants(name), short_name(name) or name)}:
            counts[key] = counts.get(key, 0) + 1
    return counts


def _aliases(name: str, resolve: Resolver, counts: dict[str, int]) -> list[str]:
    """Other names for a new subject, only those that stand for it alone ("Gemini Ultra" for
    Gemini 1.0 Ultra, but no "Qwen2.5 Instruct" for the several sizes that share it)."""
    found: dict[str, str] = {}
    for alias in (*name_variants(name)[1:], short_name(name)):
        if alias and counts.get(alias_key(alias)) == 1 and resolve(alias) is None:
            found.setdefault(alias_key(alias), alias)
    found.pop(alias_key(name), None)
    return list(found.values())


def _model_documents(tables: Tables, resolve: Resolver, date: str, chip_slugs: dict[str, str]) -> list[dict]:
    rows = _known_models(tables)
    names = [working(r["Model"]) for r in rows]
    counts = _alias_counts(names)
    snapshot_doc: dict = {
        "_where": tables.origins.get("models", "ai_models.csv"),
        "source": _snapshot_source(
            "epoch-ai-data-on-ai-models",
            "Epoch AI, Data on AI Models",
            MODELS_URL,
            date,
            "Parameters, training compute, data, hardware, time and "
            "cost of notable AI models, with the working behind each.",
        ),
        "subjects": [],
        "facts": [],
        "claims": [],
    }
    by_publication: dict[str, dict] = {}
    taken: set[str] = set()
    seen_names: set[str] = set()
    for row, name in zip(rows, names):
        if alias_key(name) in seen_names:
            continue  # Epoch lists a handful of names twice; the first row stands
        seen_names.add(alias_key(name))
        slug, new = _subject_for(name, resolve, taken)
        if slug in taken and not new:
            continue  # a second row for a subject already matched: the first row stands
        taken.add(slug)
        year = row["Publication date"][:4]
        if new:
            aliases = _aliases(name, resolve, counts)
            snapshot_doc["subjects"].append(
                {
                    "slug": slug,
                    "name": name,
                    "kind": "model",
                    "developer": working(row["Organization"])[:200] or None,
                    "year": int(year) if re.fullmatch(r"\d{4}", year) else None,
                    "aliases": aliases,
                }
            )
        publication = _publication(row)
        doc = (
            snapshot_doc
            if publication is None
            else by_publication.setdefault(
                publication["url"], {"_where": row["_where"], "source": publication, "facts": []}
            )
        )
        doc["facts"].extend(_model_facts(row, slug, date, chip_slugs))
        if (cost := number(row, "Training compute cost (2023 USD)")) is not None and cost > 0:
            snapshot_doc["claims"].append(_cost_claim(row, slug, cost))
    sources = {}
    for doc in by_publication.values():  # two publications with one title get distinct slugs
        base = doc["source"]["slug"]
        slug, n = base, 2
        while slug in sources:
            slug, n = f"{base[:95]}-{n}", n + 1
        doc["source"]["slug"] = slug
        sources[slug] = doc
        for f in doc["facts"]:
            f["source"] = slug
    return [snapshot_doc, *sources.values()]


def _publication(row: dict) -> dict | None:
    """The model's own publication, as a source; None where the row links none."""
    url = next((u for u in re.split(r"[\s,]+", row["Link"]) if re.match(r"https?://\S+$", u)), None)
    title = working(row["Reference"] or "")[:490] or f"{row['Model'].strip()} (publication)"
    if url is None:
        return None
    kind = "paper" if re.search(r"arxiv\.org|doi\.org|openreview|aclanthology|proceedings", url) else "article"
    return {
        "slug": "pub-" + slugify(title)[:90].strip("-"),
        "title": title,
        "kind": kind,
        "url": url[:2000],
        "published": row["Publication date"][:10]
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["Publication date"][:10])
        else None,
        "notes": f"The model's own publication. Its facts here come from Epoch AI, 'Data on AI Models' ({LICENCE}).",
    }


def _model_facts(row: dict, subject: str, date: str, chip_slugs: dict[str, str]) -> list[dict]:
    confidence = CONFIDENCE.get(row["Confidence"].strip(), "low")
    credit = f"Epoch AI, Data on AI Models, snapshot {date} ({row['Confidence'].strip() or 'no'} confidence)"
    facts = []

    def fact(quantity, low, high=None, basis="estimate", notes="", text=None, level=confidence):
        note = working(f"{credit}: {notes}" if notes.strip() else credit)
        value = {"value": text} if text is not None else {"low": low, "high": high if high is not None else low}
        facts.append(
            {
                "slug": _fact_slug(subject, quantity),
                "subject": subject,
                "quantity": quantity,
                **value,
                "basis": basis,
                "confidence": level,
                "note": note,
            }
        )

    if (params := number(row, "Parameters")) is not None and params > 0:
        fact("parameters", params, basis="published", notes=row["Parameters notes"], level="high")
        active = re.search(
            r"(\d+(?:\.\d+)?)\s*B\s+(?:params?\w*\s+)?(?:active|activated|used)", row["Parameters notes"], re.I
        )
        if active and float(active.group(1)) * 1e9 < params:
            fact(
                "active_parameters",
                float(active.group(1)) * 1e9,
                basis="published",
                notes=row["Parameters notes"],
                level="high",
            )
    if (flop := number(row, "Training compute (FLOP)")) is not None and flop > 0:
        low = number(row, "Training compute lower bound") or flop
        high = number(row, "Training compute upper bound") or flop
        method = row["Training compute estimation method"].strip()
        fact(
            "training_flop",
            min(low, flop),
            max(high, flop),
            basis="published" if method == "Reported" else "estimate",
            notes=f"{method}: {row['Training compute notes']}" if method else row["Training compute notes"],
        )
    if "Language" in row["Domain"] and (tokens := number(row, "Training dataset size (datapoints)")):
        fact("training_tokens", tokens, notes=row["Dataset size notes"])
    chips = [h.strip() for h in row["Training hardware"].split(",") if h.strip()]
    if chips and chips[0] in chip_slugs:
        fact(
            "hardware",
            None,
            basis="published",
            text=chip_slugs[chips[0]],
            notes="first of: " + ", ".join(chips) if len(chips) > 1 else "",
        )
    if quantity := number(row, "Hardware quantity"):
        fact("num_gpus", quantity, basis="published")
    if hours := number(row, "Training time (hours)"):
        fact("training_days", hours / 24, basis="published", notes=row["Training time notes"])
    if chip_hours := number(row, "Training chip-hours"):
        fact("gpu_hours", chip_hours)
    if (mfu := number(row, "Hardware utilization (MFU)")) and 0 < mfu <= 1:
        fact("mfu", mfu)
    precision = row["Numerical format"].split(",")[0].strip().lower()
    if precision in CHIP_PEAKS:
        fact("precision", None, basis="published", text=precision)
    return facts


def _cost_claim(row: dict, subject: str, cost: float) -> dict:
    shown = f"${cost / 1e6:,.3g} million" if cost >= 1e6 else f"${cost:,.0f}"
    return {
        "slug": fitted_slug("epoch", subject, "training-cost"),
        "subject": subject,
        "quantity": "training_cost_usd",
        "value": shown,
        "low": cost,
        "high": cost,
        "quote": f"Training compute cost (2023 USD): {shown}",
        "scope": "final_training_run",
        "claimant": "Epoch AI",
        "date": row["Publication date"][:10] or None,
        "note": working(
            f"Epoch AI's estimate of the final training run's amortised hardware and energy cost "
            f"in 2023 US dollars (Cottier et al. 2024; {row['Confidence'].strip() or 'no'} "
            "confidence), Data on AI Models."
        ),
    }
