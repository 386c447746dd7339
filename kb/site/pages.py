"""View-models for every page: formatted numbers, verdict labels, chart coordinates and URLs.

Templates only loop and print what is computed here. Each page knows its `save_as` path and
the relative `root` that links from it must start with, so the site works from file://.
"""

from __future__ import annotations

import functools
import json
import math
from collections import Counter
from typing import Any

from sqlalchemy import inspect
from sqlmodel import Session, col, select

from kb import evaluate, store
from kb.compute import MODEL_VERSION
from kb.compute.formulas import FORMULAS
from kb.models import Assumption, Claim, Evaluation, Fact, Source, Subject
from kb.quantities import CLAIM_QUANTITIES, PUBLISHED_STATUSES, label_of
from kb.site.listing import listing_data, listing_pages
from kb.site.page import Page, brief
from kb.store import ident
from kb.values import humanize
from kb.verdict import (
    DOUBTFUL_FACTOR,
    PLAUSIBLE_FACTOR,
    VERDICTS,
    label,
    show,
    show_range,
)

VERDICT_TEXT = {
    "consistent": ("✓", "Consistent", "overlaps the model's 90% range"),
    "plausible": ("≈", "Plausible", f"outside, but within {PLAUSIBLE_FACTOR:g}×"),
    "doubtful": ("?", "Doubtful", f"outside by {PLAUSIBLE_FACTOR:g}–{DOUBTFUL_FACTOR:g}×"),
    "implausible": ("✗", "Implausible", f"outside by more than {DOUBTFUL_FACTOR:g}×, or physically impossible"),
    "unverifiable": ("–", "Unverifiable", "the model lacks an input nobody supplied"),
    "unchecked": ("·", "Not yet checked", "run kb check"),
}
# ClaimReview rating: 5 = consistent … 1 = implausible (schema.org: worst 1, best 5).
OTHERS_SHOWN = 8  # on a claim page; the subject page lists them all
RATING = {"consistent": 5, "plausible": 4, "doubtful": 2, "implausible": 1}


def verdict_view(verdict: str | None, factor: float | None = None) -> dict:
    shown_factor = "" if factor is None or factor <= 1.0 or math.isinf(factor) else f"{factor:.2g}×"
    return VERDICT_VIEWS[verdict or "unchecked"] | {"factor": shown_factor}


VERDICT_VIEWS = {
    key: {
        "key": key,
        "icon": icon,
        "name": name,
        "meaning": meaning,
        "sort": VERDICTS.index(key) if key in VERDICTS else len(VERDICTS),
    }
    for key, (icon, name, meaning) in VERDICT_TEXT.items()
}


def claim_url(slug: str) -> str:
    return f"claims/{slug}.html"


def subject_url(slug: str) -> str:
    return f"subjects/{slug}.html"


def source_url(slug: str) -> str:
    return f"sources/{slug}.html"


def log_scale(values: list[float], width: float, pad: float = 0.15):
    """A function mapping positive values to [0, width] on a log axis, and its tick values."""
    positive = [v for v in values if v and v > 0]
    if not positive:
        return None, []
    lo, hi = math.log10(min(positive)), math.log10(max(positive))
    if hi - lo < 0.5:
        lo, hi = lo - 0.5, hi + 0.5
    span = hi - lo
    lo, hi = lo - pad * span, hi + pad * span

    def x(v: float) -> float:
        return round((math.log10(v) - lo) / (hi - lo) * width, 1)

    ticks = [10.0**k for k in range(math.ceil(lo), math.floor(hi) + 1)]
    return x, ticks


def range_chart(quantity: str, low, high, p5, p50, p95) -> dict | None:
    """Claim range against the estimate band on one log axis (SVG coordinates)."""
    width = 600.0
    scale, ticks = log_scale([v for v in (low, high, p5, p95) if v], width)
    if scale is None:
        return None
    ends = [v for v in (low, high) if v]
    claim = {
        "x1": scale(low) if low else 0.0,
        "x2": scale(high) if high else width,
        "open_low": low is None,
        "open_high": high is None,
        "point": low is not None and low == high,
    }
    claim["anchor"] = "end" if claim["x1"] > width * 0.6 else "start"
    band = (
        None
        if p5 is None
        else {
            "x1": scale(p5),
            "x2": scale(p95),
            "xm": scale(p50),
            "label": f"model: {show_range(quantity, p5, p95)}",
            "anchor": "end" if scale(p5) > width * 0.6 else "start",
        }
    )
    title = (
        f"Claim {show_range(quantity, low, high)} against the model's 90% range "
        + (f"{show(quantity, p5)} to {show(quantity, p95)}" if p5 is not None else "(none)")
        + ", log scale"
    )
    return {
        "width": width,
        "claim": claim,
        "band": band,
        "title": title,
        "ends": ends,
        "ticks": [{"x": scale(t), "label": show(quantity, t)} for t in ticks],
        "claim_label": f"claim: {show_range(quantity, low, high)}",
    }


def subject_chart(claims: list[dict]) -> list[dict]:
    """One chart per quantity: each claim by date on a log value axis, against the model band."""
    charts = []
    by_quantity: dict[str, list[dict]] = {}
    for c in claims:
        if c["low"] is not None or c["high"] is not None:
            by_quantity.setdefault(c["quantity"], []).append(c)
    for quantity, items in sorted(by_quantity.items()):
        height, width = 240.0, 600.0
        values = [v for c in items for v in (c["low"], c["high"], c["p5"], c["p95"]) if v]
        scale, ticks = log_scale(values, height)
        if scale is None:
            continue
        years = sorted({c["year_sort"] for c in items})
        step = width / (len(items) + 1)
        # The shaded band is the estimate most claims share (the knowledge base's own); a claim
        # judged with inputs its claimant stated gets its own band drawn behind its mark.
        judged = [c for c in items if c["p5"]]
        estimates = Counter((c["p5"], c["p50"], c["p95"]) for c in [c for c in judged if not c["own_inputs"]] or judged)
        common = max(estimates, key=lambda e: (estimates[e], e)) if estimates else None
        marks = []
        for i, c in enumerate(sorted(items, key=lambda c: (c["year_sort"], c["slug"]))):
            y1 = height - scale(c["high"]) if c["high"] else 0.0
            y2 = height - scale(c["low"]) if c["low"] else height
            title = f"{c['value']} ({c['claimant']}, {c['date'] or 'undated'}): {c['verdict']['name']}"
            own = None
            if c["p5"] and (c["p5"], c["p50"], c["p95"]) != common:
                own = {"y1": height - scale(c["p95"]), "y2": height - scale(c["p5"])}
                title += f"; judged against its own inputs' range, {show_range(quantity, c['p5'], c['p95'])}"
            marks.append(
                {
                    "x": round(step * (i + 1), 1),
                    "y1": y1,
                    "y2": y2,
                    "verdict": c["verdict"]["key"],
                    "title": title,
                    "own_band": own,
                    "url": c["url"],
                    "label": c["date"][:4] if c["date"] else "n.d.",
                }
            )
        band = None
        if common:
            p5, p50, p95 = common
            band = {
                "y1": height - scale(p95),
                "y2": height - scale(p5),
                "ym": height - scale(p50),
                "label": f"model: {show_range(quantity, p5, p95)}",
            }
            band["label_y"] = round(band["y1"] - 5 if band["y1"] > 16 else band["y2"] + 14, 1)
        charts.append(
            {
                "quantity": quantity,
                "label": label_of(quantity),
                "width": width,
                "height": height,
                "marks": marks,
                "band": band,
                "years": years,
                "ticks": [{"y": height - scale(t), "label": show(quantity, t)} for t in ticks],
                "title": f"{label_of(quantity)} claims about this subject by date, log scale, "
                f"with the model's 90% range shaded",
            }
        )
    return charts


def _summary(evaluation, live: dict | None) -> dict:
    """The latest verdict's headline figures, without parsing its stored details."""
    if evaluation is not None:
        return {
            "verdict": evaluation.verdict,
            "factor": evaluation.factor,
            "explanation": evaluation.explanation,
            "p5": evaluation.p5,
            "p50": evaluation.p50,
            "p95": evaluation.p95,
            "details_json": evaluation.details,
        }
    live = live or {}
    est = live.get("estimate") or {}
    return {
        "verdict": live.get("verdict"),
        "factor": live.get("factor"),
        "explanation": live.get("explanation"),
        "p5": est.get("p5"),
        "p50": est.get("p50"),
        "p95": est.get("p95"),
        "details_json": json.dumps(live) if live else "",
    }


def build_pages(session: Session, base_url: str = "") -> tuple[list[Page], dict]:
    """Every page of the site and the downloadable data, from one pass over the database."""
    sources = {ident(s): s for s in session.exec(select(Source))}
    subjects = {ident(s): s for s in session.exec(select(Subject))}
    # Plain rows rather than ORM objects for the two big tables: a third of the build time otherwise.
    claims = list(
        session.execute(
            select(*inspect(Claim).local_table.columns)
            .where(col(Claim.status).in_(PUBLISHED_STATUSES))
            .order_by(Claim.slug)
        )
    )
    history: dict[int, list] = {}
    for e in session.execute(
        select(*inspect(Evaluation).local_table.columns).order_by(col(Evaluation.claim_id), col(Evaluation.id))
    ):
        history.setdefault(e.claim_id, []).append(e)
    assumptions: dict[int, list[Assumption]] = {}
    stated = select(Assumption).where(col(Assumption.claim_id).is_not(None)).order_by(col(Assumption.id))
    for a in session.exec(stated):
        assert a.claim_id is not None  # selected so
        assumptions.setdefault(a.claim_id, []).append(a)
    facts: dict[int, list[Fact]] = {}
    for f in session.exec(select(Fact).order_by(Fact.quantity, Fact.slug)):
        facts.setdefault(f.subject_id, []).append(f)
    unchecked = [c for c in claims if c.id not in history and c.status == "active"]
    live = {}
    if unchecked:  # a site is never published with blank verdicts; these are not stored
        for claim, verdict in evaluate.check_all(session, store_results=False):
            if claim.id not in history:
                live[claim.id] = verdict.as_dict()

    # read each subject's and source's attributes once, not once per claim
    subject_fields = {
        i: {"subject": s.name, "subject_slug": s.slug, "subject_url": subject_url(s.slug)} for i, s in subjects.items()
    }
    source_fields = {
        i: {"source_title": s.title, "source_slug": s.slug, "source_url": source_url(s.slug), "source_link": s.url}
        for i, s in sources.items()
    }
    facts_per_source: dict[int, int] = {}
    for fs in facts.values():
        for f in fs:
            facts_per_source[f.source_id] = facts_per_source.get(f.source_id, 0) + 1
    aliases = store.all_aliases(session)
    stamp = functools.cache(lambda when: when.strftime("%Y-%m-%d %H:%M UTC"))  # a check run shares one time
    views = []
    for c in claims:
        latest = history.get(c.id, [None])[-1]
        d = _summary(latest, live.get(c.id))
        views.append(
            {
                "slug": c.slug,
                "url": claim_url(c.slug),
                **subject_fields[c.subject_id],
                "quantity": c.quantity,
                "quantity_label": label_of(c.quantity),
                "value": c.value,
                "low": c.low,
                "high": c.high,
                "quote": c.quote,
                "claimant": c.claimant,
                "date": c.claimed_on or "",
                "year_sort": (c.claimed_on or "0000")[:4],
                "scope": c.scope.replace("_", " "),
                "status": c.status,
                "status_reason": c.status_reason,
                "note": c.note,
                **source_fields[c.source_id],
                "verdict": verdict_view(d.get("verdict") if c.status == "active" else None, d.get("factor")),
                "factor": d["factor"],
                "p5": d["p5"],
                "p50": d["p50"],
                "p95": d["p95"],
                "verdict_key": d["verdict"],
                "explanation": d["explanation"],
                "details_json": d["details_json"],
                "created_at": c.created_at,
                "updated_at": c.updated_at,
                "own_inputs": any(a.stated for a in assumptions.get(c.id, [])),
                "history": [
                    {
                        "when": stamp(e.created_at),
                        "model_version": e.model_version,
                        "verdict": verdict_view(e.verdict, e.factor),
                        "explanation": e.explanation,
                    }
                    for e in reversed(history.get(c.id, []))
                ],
                "assumptions": [
                    {
                        "name": label(a.name),
                        "value": a.text or show_range(a.name, a.low, a.high),
                        "stated": a.stated,
                        "note": a.note,
                        "source": sources[a.source_id].title if a.source_id else None,
                        "source_url": source_url(sources[a.source_id].slug) if a.source_id else None,
                    }
                    for a in assumptions.get(c.id, [])
                ],
            }
        )
    for v in views:
        if v["status"] != "active":
            v["verdict"] = verdict_view(None) | {
                "key": "unverifiable",
                "name": v["status"].capitalize(),
                "icon": "⊘",
                "meaning": v["status_reason"] or "",
            }
    by_subject: dict[str, list[dict]] = {}
    by_source: dict[str, list[dict]] = {}
    for v in views:
        shown = brief(v)  # one dict in both lists, so it is digested once
        by_subject.setdefault(v["subject_slug"], []).append(shown)
        by_source.setdefault(v["source_slug"], []).append(shown)

    pages: list[Page] = []
    pages.extend(
        listing_pages(
            views,
            {
                "counts": {k: sum(1 for v in views if v["verdict"]["key"] == k) for k in VERDICTS},
                "verdicts": [verdict_view(k) for k in VERDICTS],
                "filters": {
                    "subject": sorted({v["subject"] for v in views}),
                    "quantity": sorted({v["quantity_label"] for v in views}),
                    "claimant": sorted({v["claimant"] for v in views}),
                    "year": sorted({v["year_sort"] for v in views if v["date"]}),
                },
            },
        )
    )
    for items in by_subject.values():
        items.sort(key=lambda o: (o["date"], o["slug"]), reverse=True)
    for v in views:
        others = [o for o in by_subject[v["subject_slug"]][: OTHERS_SHOWN + 1] if o["slug"] != v["slug"]][:OTHERS_SHOWN]
        pages.append(
            Page(
                "claim.html",
                v["url"],
                f"{v['subject']}: {v['value']}",
                {
                    "claim": v,
                    "others": others,
                    "others_total": len(by_subject[v["subject_slug"]]) - 1,
                },
                lazy={
                    "details": functools.partial(_parse_details, v["details_json"]),
                    "chart": functools.partial(
                        range_chart, v["quantity"], v["low"], v["high"], v["p5"], v["p50"], v["p95"]
                    ),
                    "jsonld": functools.partial(claim_review, v, base_url),
                },
            )
        )
    for s in subjects.values():
        items = by_subject.get(s.slug, [])
        rows = [
            {
                "quantity": label(f.quantity),
                "value": f.text or humanize(store.claim_range(f)),
                "qualifier": f.qualifier or "",
                "basis": f.basis,
                "confidence": f.confidence,
                "rank": f.rank,
                "source": sources[f.source_id].title,
                "source_url": source_url(sources[f.source_id].slug),
                "note": f.note or "",
            }
            for f in facts.get(ident(s), [])
        ]
        pages.append(
            Page(
                "subject.html",
                subject_url(s.slug),
                s.name,
                {
                    "subject": {
                        "name": s.name,
                        "kind": s.kind,
                        "developer": s.developer,
                        "year": s.year,
                        "notes": s.notes,
                        "aliases": aliases[ident(s)],
                    },
                    "facts": rows,
                    "claims": items,
                },
                lazy={"charts": functools.partial(subject_chart, items)},
            )
        )
    for src in sources.values():
        items = by_source.get(src.slug, [])
        tally: dict[str, int] = {}
        for v in items:
            tally[v["verdict"]["name"].lower()] = tally.get(v["verdict"]["name"].lower(), 0) + 1
        summary = f"{len(items)} claim{'s' if len(items) != 1 else ''}" + (
            ": " + ", ".join(f"{n} {k}" for k, n in sorted(tally.items(), key=lambda kv: -kv[1])) if items else ""
        )
        facts_from = facts_per_source.get(ident(src), 0)
        pages.append(
            Page(
                "source.html",
                source_url(src.slug),
                src.title,
                {
                    "source": {
                        k: getattr(src, k)
                        for k in ("title", "kind", "author", "publisher", "published", "url", "accessed", "notes")
                    },
                    "claims": items,
                    "summary": summary,
                    "facts_count": facts_from,
                },
            )
        )
    pages.append(
        Page(
            "methodology.html",
            "methodology.html",
            "Methodology",
            {"inputs": store.content_digest(session, METHODOLOGY_INPUTS)},
            prepare=functools.partial(methodology, session),
        )
    )
    pages.append(Page("404.html", "404.html", "Page not found", {}))
    downloads = {"claims": [download_row(v) for v in views], "listing": listing_data(views), "views": views}
    return pages, downloads


DOWNLOAD_COLUMNS = (
    "slug",
    "subject",
    "quantity",
    "value",
    "low",
    "high",
    "currency",
    "scope",
    "claimant",
    "date",
    "source",
    "source_url",
    "status",
    "verdict",
    "factor",
    "p5",
    "p50",
    "p95",
    "explanation",
    "quote",
)


UNCHECKED: dict[str, Any] = {
    "explanation": None,
    "believe": None,
    "claimant_check": None,
    "confidence": None,
    "steps": [],
    "sensitivity": [],
    "inputs": [],
}  # a claim retracted before it was ever checked


def _parse_details(text: str) -> dict:
    return {**UNCHECKED, **json.loads(text)} if text else dict(UNCHECKED)


def download_row(v: dict) -> dict:
    return {
        "slug": v["slug"],
        "subject": v["subject_slug"],
        "quantity": v["quantity"],
        "value": v["value"],
        "low": v["low"],
        "high": v["high"],
        "currency": "USD" if v["quantity"].endswith("usd") else None,
        "scope": v["scope"],
        "claimant": v["claimant"],
        "date": v["date"] or None,
        "source": v["source_slug"],
        "source_url": v["source_link"],
        "status": v["status"],
        "verdict": v["verdict_key"],
        "factor": v["factor"],
        "p5": v["p5"],
        "p50": v["p50"],
        "p95": v["p95"],
        "explanation": v["explanation"],
        "quote": v["quote"],
    }


def claim_review(v: dict, base_url: str) -> dict:
    """schema.org ClaimReview for a claim page. Without a base URL there is no address to give,
    so none is given (a relative one would resolve somewhere else); an unverifiable claim gets
    its name and no number, so that nobody reads it as "half true"."""
    rating = RATING.get(v["verdict_key"])
    appearance = {"@type": "CreativeWork", "name": v["source_title"]}
    if v["source_link"]:
        appearance["url"] = v["source_link"]
    author = {"@type": "Organization", "name": "costcheck", **({"url": base_url} if base_url else {})}
    short = v["quote"] if len(v["quote"]) <= 75 else f"{v['subject']}: {v['quantity_label']} {v['value']}"
    if len(short) > 75:  # Google shows about 75 characters
        short = short[:74].rsplit(" ", 1)[0] + "…"
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        **({"url": f"{base_url.rstrip('/')}/{v['url']}"} if base_url else {}),
        "claimReviewed": short,
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": v["claimant"]},
            "appearance": appearance,
            **({"datePublished": v["date"]} if len(v["date"]) == 10 else {}),
        },
        "author": author,
        "datePublished": v["updated_at"].strftime("%Y-%m-%d"),
        "reviewRating": (
            {
                "@type": "Rating",
                "ratingValue": rating,
                "bestRating": 5,
                "worstRating": 1,
                "alternateName": v["verdict"]["name"],
            }
            if rating
            else {"@type": "Rating", "alternateName": v["verdict"]["name"]}
        ),
    }
    return review


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


# What the methodology page shows is read from these rows: the catalogue and the published cost
# estimates that calibrate it. A change elsewhere (any other claim, a verdict) leaves it as it is.
METHODOLOGY_INPUTS = {
    "source": "",
    "subject": "",
    "alias": "",
    "fact": "",
    "assumption": "",
    "claim": "quantity = 'training_cost_usd'",
}


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
        peaks = {g.qualifier: g.low for g in f.get("peak_flop_per_s", [])}
        prices = sorted(f.get("gpu_hour_price_usd", []), key=lambda g: g.year or 0)
        hardware.append(
            {
                "name": s.name,
                "url": subject_url(slug),
                "year": s.year,
                "bf16": show("peak_flop_per_s", peaks["bf16"]) if "bf16" in peaks else "–",
                "fp8": show("peak_flop_per_s", peaks["fp8"]) if "fp8" in peaks else "–",
                "power": show("power_w", f["power_w"][0].low) if f.get("power_w") else "–",
                "memory": show("memory_gb", f["memory_gb"][0].low) if f.get("memory_gb") else "–",
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
        "bands": [verdict_view(k) for k in VERDICTS],
        "quantities": [(q, label_of(q)) for q in CLAIM_QUANTITIES],
    }
