"""A page of the site, the fields of a claim that lists of claims show, the addresses of pages,
and how a verdict looks: what every page type shares."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from kb.verdict import DOUBTFUL_FACTOR, PLAUSIBLE_FACTOR, VERDICTS

VERDICT_TEXT = {
    "consistent": ("✓", "Consistent", "overlaps the model's 90% range"),
    "plausible": ("≈", "Plausible", f"outside, but within {PLAUSIBLE_FACTOR:g}×"),
    "doubtful": ("?", "Doubtful", f"outside by {PLAUSIBLE_FACTOR:g}–{DOUBTFUL_FACTOR:g}×"),
    "implausible": ("✗", "Implausible", f"outside by more than {DOUBTFUL_FACTOR:g}×, or physically impossible"),
    "unverifiable": ("–", "Unverifiable", "the model lacks an input nobody supplied"),
    "unchecked": ("·", "Not yet checked", "run kb check"),
}


@dataclass
class Page:
    """A page: its template, path and context. `lazy` parts are computed only if the page is
    rendered; they must be functions of the context, which alone decides whether it changed.
    `prepare` gives more of the context from the database, so it runs in the building process, and
    only when the page must be rendered: its `context` is then a key that changes with its inputs,
    and what it gives is kept in `prepared`."""

    template: str
    save_as: str
    title: str
    context: dict = field(default_factory=dict)
    lazy: dict[str, Callable[[], object]] = field(default_factory=dict)
    prepare: Callable[[], dict] | None = None
    prepared: dict = field(default_factory=dict)

    @property
    def root(self) -> str:
        return "../" * self.save_as.count("/")


def brief(v: dict) -> dict:
    """What lists of claims show (other pages' fingerprints depend on these fields only)."""
    return {k: v[k] for k in BRIEF_FIELDS}


BRIEF_FIELDS = (
    "slug",
    "url",
    "subject",
    "quantity",
    "quantity_label",
    "value",
    "claimant",
    "date",
    "year_sort",
    "verdict",
    "low",
    "high",
    "p5",
    "p50",
    "p95",
    "own_inputs",
)


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
