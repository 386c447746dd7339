"""Epoch AI's public data (CC BY 4.0) as knowledge-base documents.

Epoch publishes its model database, chip database, hardware price database and the price
index it uses for constant dollars as CSV files (https://epoch.ai/data). Each file is
recognised by its header, read row by row into the same dictionaries a YAML source holds, and
validated by records.document_from_dict like every other entry path, so an Epoch import obeys
the same rules. A newer download imports the same way; a missing column or a value that is
not a number is reported with the file, the row and the column, and nothing is imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.epoch_files import CHIP_PEAKS, INDEX_COLUMNS, PRICE_KINDS, Tables, number, snapshot_date, working
from kb.epoch_names import (
    Resolver,
    alias_counts,
    aliases_for,
    architecture,
    fact_slug,
    name_variants,
    subject_for,
)
from kb.fields import fitted_slug, slugify
from kb.records import Document, document_from_dict
from kb.values import alias_key

LICENCE = "CC BY 4.0; credit: Epoch AI"
MODELS_URL = "https://epoch.ai/data/ai-models"
HARDWARE_URL = "https://epoch.ai/data/machine-learning-hardware"
PRICES_URL = "https://github.com/epoch-research/training-cost-trends"
CONFIDENCE = {"Confident": "high", "Likely": "medium", "Speculative": "low"}  # anything else: low


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
    counts = alias_counts([working(row["Hardware name"]) for row in tables.chips])
    for row in tables.chips:
        name = working(row["Hardware name"])
        if name not in used and name not in priced:
            continue
        slug, new = subject_for(name, resolve, taken)
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
                    "aliases": aliases_for(name, resolve, counts),
                }
            )
        facts.extend(_chip_facts(row, name, slug, year))
    chips_doc = {
        "_where": tables.origins.get("chips", "chips.csv"),
        "source": _snapshot_source(
            "epoch-ai-machine-learning-hardware",
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


def _chip_facts(row: dict, name: str, slug: str, year: str | None) -> list[dict]:
    """An accelerator's peak FLOP/s by precision, power, memory, architecture and release price."""
    link = row["Link to datasheet"]
    note = f"Epoch AI chip database; datasheet: {link}" if link else "Epoch AI chip database"
    found = []

    def fact(quantity, low, qualifier=None, text=None, fact_year=None):
        found.append(
            {
                "slug": fact_slug(slug, quantity, qualifier),
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
    return found


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
                    "slug": fact_slug(slug, quantity, f"{qualifier} {row['_where'].rsplit(' ', 1)[-1]}"),
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


def _model_documents(tables: Tables, resolve: Resolver, date: str, chip_slugs: dict[str, str]) -> list[dict]:
    rows = _known_models(tables)
    names = [working(r["Model"]) for r in rows]
    counts = alias_counts(names)
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
        slug, new = subject_for(name, resolve, taken)
        if slug in taken and not new:
            continue  # a second row for a subject already matched: the first row stands
        taken.add(slug)
        year = row["Publication date"][:4]
        if new:
            aliases = aliases_for(name, resolve, counts)
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


@dataclass
class _ModelFacts:
    """One model's facts from its row, each crediting Epoch AI with its snapshot and confidence."""

    subject: str
    credit: str
    confidence: str
    found: list[dict] = field(default_factory=list)

    def add(self, quantity, low, high=None, basis="estimate", notes="", text=None, level=None) -> None:
        note = working(f"{self.credit}: {notes}" if notes.strip() else self.credit)
        value = {"value": text} if text is not None else {"low": low, "high": high if high is not None else low}
        self.found.append(
            {
                "slug": fact_slug(self.subject, quantity),
                "subject": self.subject,
                "quantity": quantity,
                **value,
                "basis": basis,
                "confidence": level or self.confidence,
                "note": note,
            }
        )


def _model_facts(row: dict, subject: str, date: str, chip_slugs: dict[str, str]) -> list[dict]:
    credit = f"Epoch AI, Data on AI Models, snapshot {date} ({row['Confidence'].strip() or 'no'} confidence)"
    facts = _ModelFacts(subject, credit, CONFIDENCE.get(row["Confidence"].strip(), "low"))
    _size_facts(row, facts)
    _run_facts(row, facts, chip_slugs)
    return facts.found


def _size_facts(row: dict, facts: _ModelFacts) -> None:
    """Parameters (and the active ones a mixture of experts names in its notes), compute and tokens."""
    if (params := number(row, "Parameters")) is not None and params > 0:
        notes = row["Parameters notes"]
        facts.add("parameters", params, basis="published", notes=notes, level="high")
        active = re.search(r"(\d+(?:\.\d+)?)\s*B\s+(?:params?\w*\s+)?(?:active|activated|used)", notes, re.I)
        if active and float(active.group(1)) * 1e9 < params:
            facts.add("active_parameters", float(active.group(1)) * 1e9, basis="published", notes=notes, level="high")
    if (flop := number(row, "Training compute (FLOP)")) is not None and flop > 0:
        low = number(row, "Training compute lower bound") or flop
        high = number(row, "Training compute upper bound") or flop
        method = row["Training compute estimation method"].strip()
        facts.add(
            "training_flop",
            min(low, flop),
            max(high, flop),
            basis="published" if method == "Reported" else "estimate",
            notes=f"{method}: {row['Training compute notes']}" if method else row["Training compute notes"],
        )
    if "Language" in row["Domain"] and (size := number(row, "Training dataset size (datapoints)")):
        facts.add("training_tokens", *_tokens_trained(size, number(row, "Epochs"), row["Dataset size notes"]))


WORDS_PER_TOKEN = 0.75  # English text; Epoch's own conversion, stated in its notes


def _tokens_trained(size: float, epochs: float | None, notes: str) -> tuple[float, float, str, str]:
    """(low, high, basis, notes) of the tokens a language model was trained on: its dataset's size
    times the passes over it. Epoch counts some datasets in words (its notes then say so), some in
    tokens, so a size whose notes speak of words (in the short form kept, which the shipped copy
    holds) is read as either."""
    trained = size * (epochs or 1.0)
    words = re.search(r"\bwords?\b", working(notes), re.I) is not None
    how = f"{size:,.0f} datapoints" + (f" × {epochs:g} epochs" if epochs else "")
    how += f", read as words or tokens (a token is about {WORDS_PER_TOKEN:g} words)" if words else ""
    return trained, trained / WORDS_PER_TOKEN if words else trained, "estimate", f"{how}. {notes}"


def _run_facts(row: dict, facts: _ModelFacts, chip_slugs: dict[str, str]) -> None:
    """The training run: its hardware, how many, how long, chip-hours, utilization and precision."""
    chips = [h.strip() for h in row["Training hardware"].split(",") if h.strip()]
    if chips and chips[0] in chip_slugs:
        notes = "first of: " + ", ".join(chips) if len(chips) > 1 else ""
        facts.add("hardware", None, basis="published", text=chip_slugs[chips[0]], notes=notes)
    if quantity := number(row, "Hardware quantity"):
        facts.add("num_gpus", quantity, basis="published")
    if hours := number(row, "Training time (hours)"):
        facts.add("training_days", hours / 24, basis="published", notes=row["Training time notes"])
    if chip_hours := number(row, "Training chip-hours"):
        facts.add("gpu_hours", chip_hours)
    if (mfu := number(row, "Hardware utilization (MFU)")) and 0 < mfu <= 1:
        facts.add("mfu", mfu)
    precision = row["Numerical format"].split(",")[0].strip().lower()
    if precision in CHIP_PEAKS:
        facts.add("precision", None, basis="published", text=precision)


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
