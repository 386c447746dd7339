"""The list of every claim: static pages of PAGE_SIZE rows (the site works without JavaScript),
and one compact data file (a script that sets window.costcheckClaims) from which the browser
filters, sorts and searches all of them at once.

No page holds every claim: at 100,000 claims one page would take seconds to load and to filter.
"""

from __future__ import annotations

import sys

from kb.site.page import Page

PAGE_SIZE = 100
DATA_FILE = "claims-index.js"  # a script, not JSON: a page opened from disk (file://) may load a script but not fetch
DATA_GLOBAL = "costcheckClaims"


def listing_url(number: int) -> str:
    return "index.html" if number == 1 else f"index-{number}.html"


def listing_pages(views: list[dict], intro: dict) -> list[Page]:
    """index.html, index-2.html, …: PAGE_SIZE claims each (their briefs), with links to
    the neighbours. `intro` (counts per verdict, filter choices) is the same on every page."""
    count = max(1, -(-len(views) // PAGE_SIZE))
    pages = []
    for number in range(1, count + 1):
        rows = views[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        pages.append(
            Page(
                "index.html",
                listing_url(number),
                "Every claim" if number == 1 else f"Every claim, page {number} of {count}",
                {
                    **intro,
                    "total": len(views),
                    "claims": rows,
                    "pagination": {
                        "number": number,
                        "count": count,
                        "first": (number - 1) * PAGE_SIZE + 1,
                        "last": (number - 1) * PAGE_SIZE + len(rows),
                        "previous": listing_url(number - 1) if number > 1 else None,
                        "next": listing_url(number + 1) if number < count else None,
                    },
                },
            )
        )
    return pages


def listing_data(views: list[dict]) -> dict:
    """Every claim's row as columns, with subjects, quantities, claimants and verdicts given once
    and referred to by position. Names are listed in sort order, so a position is also a sort key."""
    subjects, subject_at = _positions([(v["subject"], v["subject_url"]) for v in views], lambda s: _by_name(s[0]))
    quantities, quantity_at = _positions([v["quantity_label"] for v in views], _by_name)
    claimants, claimant_at = _positions([v["claimant"] for v in views], _by_name)
    verdicts, verdict_at = _positions([_verdict_key(v["verdict"]) for v in views], lambda k: (k[4], k[1]))
    return {
        "subjects": [list(s) for s in subjects],
        "quantities": quantities,
        "claimants": claimants,
        "verdicts": [dict(zip(("key", "name", "icon", "meaning", "sort"), k, strict=True)) for k in verdicts],
        "slug": [v["slug"] for v in views],
        "subject": subject_at,
        "quantity": quantity_at,
        "value": [v["value"] for v in views],
        "size": [_size(v) for v in views],
        "claimant": claimant_at,
        "date": [v["date"] for v in views],
        "verdict": verdict_at,
        "factor": [_finite(v["factor"]) for v in views],
        "factor_text": [v["verdict"]["factor"] for v in views],
    }


def _positions(values: list, order) -> tuple[list, list[int]]:
    """The distinct values in sort order, and each value's position among them."""
    distinct = sorted(set(values), key=order)
    where = {value: i for i, value in enumerate(distinct)}
    return distinct, [where[value] for value in values]


def _by_name(name: str) -> tuple[str, str]:
    return name.lower(), name


def _verdict_key(verdict: dict) -> tuple:
    return verdict["key"], verdict["name"], verdict["icon"], verdict["meaning"], verdict["sort"]


def _finite(factor: float | None) -> float:
    """JSON has no infinity: "physically impossible" sorts as the largest factor there is."""
    return 0 if factor is None else min(factor, sys.float_info.max)


def _size(v: dict) -> float:
    """What the Claim column sorts by: the claim's low end, else its high end."""
    return v["low"] if v["low"] is not None else (v["high"] if v["high"] is not None else 0)
