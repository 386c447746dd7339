"""A page of the site, the addresses of pages, and how a verdict looks: what every page type
shares."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Hashable
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
    `load` is (fetch, key): what the page also shows that is too large to hold for every page at
    once (a claim's verdict details) or too slow to compute unless needed (the calibration).
    load_pages() reads it from the database, for many pages in one call of `fetch(keys)`, only
    when the page must be rendered, into `prepared`; `context` must then hold a key that changes
    whenever what is loaded would. A `reused` page is the last build's, unchanged: only its
    template, path and title are known, and its file stands."""

    template: str
    save_as: str
    title: str
    context: dict = field(default_factory=dict)
    lazy: dict[str, Callable[[], object]] = field(default_factory=dict)
    load: tuple[Callable[[list], dict], Hashable] | None = None
    prepared: dict = field(default_factory=dict)
    reused: bool = False

    @property
    def root(self) -> str:
        return "../" * self.save_as.count("/")


def load_pages(pages: list[Page]) -> None:
    """Fills in what the pages load, one fetch per kind of load for all of them."""
    groups: dict[Callable[[list], dict], list[tuple[Page, Hashable]]] = {}
    for page in pages:
        if page.load is not None:
            fetch, key = page.load
            groups.setdefault(fetch, []).append((page, key))
    for fetch, group in groups.items():
        loaded = fetch([key for _, key in group])
        for page, key in group:
            page.prepared = loaded[key]


# ClaimReview's rating of each verdict (schema.org: worst 1, best 5), shown on the methodology page;
# "unverifiable" has none, so that nobody reads it as "half true".
RATING = {"consistent": 5, "plausible": 4, "doubtful": 2, "implausible": 1}


def verdict_view(verdict: str | None, factor: float | None = None) -> dict:
    """How a verdict looks. Claims share these dicts (100,000 copies were 60 MB): never change one."""
    shown_factor = "" if factor is None or factor <= 1.0 or math.isinf(factor) else f"{factor:.2g}×"
    return _shown(verdict or "unchecked", shown_factor)


@functools.cache
def _shown(verdict: str, shown_factor: str) -> dict:
    return VERDICT_VIEWS[verdict] | {"factor": shown_factor}


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
