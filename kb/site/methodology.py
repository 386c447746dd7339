"""The methodology page: formulas, priors, accelerators and their prices, and the calibration."""

from __future__ import annotations

import hashlib
import pickle

from sqlmodel import Session

from kb import evaluate, store
from kb.compute import MODEL_VERSION
from kb.compute.formulas import FORMULAS
from kb.display import show, show_range
from kb.quantities import CLAIM_QUANTITIES, label, label_of
from kb.site.page import RATING, source_url, subject_url, verdict_view
from kb.verdict import VERDICTS


def _figure(name: str, given) -> str:
    """A fact as the table shows it: a dash where there is none, an open end where it has one."""
    return "–" if given is None else show_range(name, given.low, given.high)


def _span(quotes: list) -> tuple[float | None, float | None]:
    """The range that covers every quote; open at an end where any quote is ("up to $2 an hour")."""
    lows, highs = [g.low for g in quotes], [g.high for g in quotes]
    return (None if None in lows else min(lows)), (None if None in highs else max(highs))


def _prices_by_year(quotes: list) -> list[dict]:
    """One line per year: the span of that year's quotes per accelerator-hour, and how many."""
    years: dict[int | None, list] = {}
    for g in quotes:
        years.setdefault(g.year, []).append(g)
    return [
        {
            "value": show_range("gpu_hour_price_usd", *_span(gs)),
            "when": f"{year or 'undated'} ({len(gs)} quote{'s' if len(gs) > 1 else ''})",
            "source": "; ".join(dict.fromkeys(g.source_title or "" for g in gs)),
            "url": source_url(gs[0].source),
        }
        for year, gs in years.items()
    ]


def methodology_inputs(snapshot: store.Snapshot) -> str:
    """A digest of the rows the methodology page is computed from: the catalogue and the published
    cost estimates that calibrate it. A change elsewhere (any other claim, a verdict) leaves it as it is."""
    quantity = snapshot.columns["claim"].index("quantity")
    estimates = [row for row in snapshot.rows["claim"] if row[quantity] == "training_cost_usd"]
    catalogue = snapshot.digest(("source", "subject", "alias", "fact", "assumption"))
    return hashlib.blake2b(pickle.dumps((catalogue, estimates), protocol=5), digest_size=16).hexdigest()


def methodology(session: Session) -> dict:
    cat = evaluate.Catalogue(session)
    formulas = [{"text": f.text, "reference": f.reference} for fs in FORMULAS.values() for f in fs]
    priors = [
        {
            "name": label(name),
            "qualifier": g.qualifier or "",
            "value": show_range(name, g.low, g.high),
            "source": g.source_title,
            "source_url": source_url(g.source) if g.source else None,
            "note": g.note or "",
        }
        for name, gs in sorted(cat.priors.items())
        for g in gs
    ]
    hardware = []
    for slug, s in sorted(cat.subjects.items(), key=lambda kv: kv[1].name):
        if s.kind != "hardware":
            continue
        f = cat.facts.get(slug, {})
        peaks = {g.qualifier: g for g in f.get("peak_flop_per_s", [])}
        prices = sorted(f.get("gpu_hour_price_usd", []), key=lambda g: g.year or 0)
        hardware.append(
            {
                "name": s.name,
                "url": subject_url(slug),
                "year": s.year,
                "bf16": _figure("peak_flop_per_s", peaks.get("bf16")),
                "fp8": _figure("peak_flop_per_s", peaks.get("fp8")),
                "power": _figure("power_w", next(iter(f.get("power_w", [])), None)),
                "memory": _figure("memory_gb", next(iter(f.get("memory_gb", [])), None)),
                "prices": _prices_by_year(prices),
                "purchase": [
                    {
                        "value": show_range("hardware_price_usd", g.low, g.high),
                        "when": g.qualifier,
                        "source": g.source_title,
                        "url": source_url(g.source or ""),
                    }
                    for g in f.get("hardware_price_usd", [])
                ],
            }
        )
    rows = evaluate.calibrate(session)
    summary = evaluate.calibration_summary(rows)
    costs = evaluate.calibration_summary(evaluate.calibrate_costs(session))
    calibration = [
        {
            "name": r.name,
            "url": subject_url(r.subject),
            "hardware": r.hardware,
            "p5": show("gpu_hours", r.p5),
            "p50": show("gpu_hours", r.p50),
            "p95": show("gpu_hours", r.p95),
            "published": show("gpu_hours", r.published),
            "ratio": f"{r.ratio:.2f}",
            "inside": f"left out: {r.left_out}" if r.left_out else "yes" if r.inside else "no",
        }
        for r in rows
    ]
    return {
        "formulas": formulas,
        "priors": priors,
        "hardware": hardware,
        "calibration": calibration,
        "summary": summary,
        "costs": costs,
        "model_version": MODEL_VERSION,
        "bands": [(verdict_view(k), RATING.get(k)) for k in VERDICTS],
        "quantities": [(q, label_of(q)) for q in CLAIM_QUANTITIES],
    }
