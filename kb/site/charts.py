"""SVG chart coordinates: a claim's range against the model's band, and a subject's claims over time."""

from __future__ import annotations

import math
from collections import Counter

from kb.display import axis_label, show, show_range
from kb.quantities import label_of


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


HEIGHT, WIDTH = 240.0, 600.0  # a subject chart's drawing area, in SVG units


def subject_chart(claims: list[dict]) -> list[dict]:
    """One chart per quantity: each claim by date on a log value axis, against the model band."""
    by_quantity: dict[str, list[dict]] = {}
    for c in claims:
        if c["low"] is not None or c["high"] is not None:
            by_quantity.setdefault(c["quantity"], []).append(c)
    charts = []
    for quantity, items in sorted(by_quantity.items()):
        scale, ticks = log_scale([v for c in items for v in (c["low"], c["high"], c["p5"], c["p95"]) if v], HEIGHT)
        if scale is None:
            continue
        common = _common_estimate(items)
        charts.append(
            {
                "quantity": quantity,
                "label": label_of(quantity),
                "width": WIDTH,
                "height": HEIGHT,
                "marks": _marks(quantity, items, scale, common),
                "band": _band(quantity, common, scale) if common else None,
                "years": sorted({c["year_sort"] for c in items}),
                "ticks": [{"y": HEIGHT - scale(t), "label": axis_label(quantity, t)} for t in ticks],
                "title": f"{label_of(quantity)} claims about this subject by date, log scale, "
                f"with the model's 90% range shaded",
            }
        )
    return charts


def _common_estimate(items: list[dict]) -> tuple | None:
    """The shaded band: the estimate most claims share (the knowledge base's own). A claim judged
    with inputs its claimant stated gets its own band drawn behind its mark."""
    judged = [c for c in items if c["p5"]]
    estimates = Counter((c["p5"], c["p50"], c["p95"]) for c in [c for c in judged if not c["own_inputs"]] or judged)
    return max(estimates, key=lambda e: (estimates[e], e)) if estimates else None


def _marks(quantity: str, items: list[dict], scale, common: tuple | None) -> list[dict]:
    step = WIDTH / (len(items) + 1)
    marks = []
    for i, c in enumerate(sorted(items, key=lambda c: (c["year_sort"], c["slug"]))):
        title = f"{c['value']} ({c['claimant']}, {c['date'] or 'undated'}): {c['verdict']['name']}"
        own = None
        if c["p5"] and (c["p5"], c["p50"], c["p95"]) != common:
            own = {"y1": HEIGHT - scale(c["p95"]), "y2": HEIGHT - scale(c["p5"])}
            title += f"; judged against its own inputs' range, {show_range(quantity, c['p5'], c['p95'])}"
        marks.append(
            {
                "x": round(step * (i + 1), 1),
                "y1": HEIGHT - scale(c["high"]) if c["high"] else 0.0,
                "y2": HEIGHT - scale(c["low"]) if c["low"] else HEIGHT,
                "verdict": c["verdict"]["key"],
                "title": title,
                "own_band": own,
                "url": c["url"],
                "label": c["date"][:4] if c["date"] else "n.d.",
            }
        )
    return marks


def _band(quantity: str, common: tuple, scale) -> dict:
    p5, p50, p95 = common
    y1, y2 = HEIGHT - scale(p95), HEIGHT - scale(p5)
    return {
        "y1": y1,
        "y2": y2,
        "ym": HEIGHT - scale(p50),
        "label": f"model: {show_range(quantity, p5, p95)}",
        "label_y": round(y1 - 5 if y1 > 16 else y2 + 14, 1),
    }
