"""What the knowledge base knows, loaded once per run: subjects and aliases, facts by subject and
quantity, global priors and price quotes. Checking 10,000 claims makes no per-claim queries."""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from kb import store
from kb.epoch_files import compute_from_hours
from kb.models import Alias, Assumption, Claim, Fact, Source, Subject

if TYPE_CHECKING:
    from kb.evaluate.inputs import Context


CONFIDENCE_ORDER = {"high": 0, "medium": 1, "low": 2}


@dataclass
class Given:
    """A number that feeds a check, with where it came from."""

    low: float | None
    high: float | None
    text: str | None = None
    source: str | None = None
    source_title: str | None = None
    basis: str = "published"
    confidence: str = "medium"
    qualifier: str | None = None
    year: int | None = None
    stated: bool = False
    note: str | None = None

    @property
    def bounded(self) -> bool:
        """Whether it has both ends ("up to $2 per hour" has one)."""
        return self.low is not None and self.high is not None

    @property
    def span(self) -> tuple[float, float]:
        """(low, high), for a figure known to have both ends."""
        assert self.low is not None and self.high is not None, self
        return self.low, self.high

    @property
    def centre(self) -> float:
        """The geometric middle of the span: the median of the lognormal it is read as."""
        low, high = self.span
        return math.sqrt(low * high)

    def describe(self) -> str:
        origin = self.source_title or self.source
        if not origin:
            return self.basis or "no source"
        return f"{self.basis}, {origin}" if self.basis else origin


@dataclass
class ClaimSpec:
    """What is checked: a quantity and range about a subject, with any inputs the claimant gave."""

    quantity: str
    low: float | None
    high: float | None
    currency: str | None = None
    scope: str = "unspecified"
    subject: str | None = None
    year: int | None = None
    source: str | None = None
    value_text: str | None = None
    assumptions: dict[str, Given] = field(default_factory=dict)


def cost_method(claimant: str, note: str | None) -> str | None:
    """Which route a published cost estimate took (cloud rental or amortised ownership), from what
    it says of its basis; None for a figure that does not say."""
    text = f"{claimant} {note or ''}".lower()
    if "cloud" in text or "rental" in text:
        return "cloud"
    if "amortis" in text or "amortiz" in text:
        return "amortised"
    return None


class Catalogue:
    """Everything checks read, loaded once, so checking 10,000 claims makes no per-claim queries."""

    def __init__(self, session: Session):
        sources = {s.id: s for s in session.exec(select(Source))}
        self.subjects = {s.slug: s for s in session.exec(select(Subject))}
        by_id = {s.id: s.slug for s in self.subjects.values()}
        aliases = list(session.exec(select(Alias)))
        self.alias = {a.key: by_id[a.subject_id] for a in aliases}
        self.spellings: dict[str, set[str]] = {}  # folded key -> names as written: "CoRe", "PaLM" (of "PaLM 540B")
        for name in [a.name for a in aliases] + [s.name for s in self.subjects.values()]:
            for written in (name, re.sub(r"(?:\s+\S*\d\S*)+$", "", name)):  # "PaLM 540B" is written "PaLM" too
                if written != written.lower():  # slugs ("palm") say nothing about how a name is written
                    self.spellings.setdefault(store.alias_key(written), set()).add(written)
        self.facts: dict[str, dict[str, list[Given]]] = {}
        self.compute_from_hours: set[str] = set()  # models whose training compute was worked out from their hours
        for f in session.exec(select(Fact).where(Fact.rank != "deprecated").order_by(Fact.slug)):
            src = sources[f.source_id]
            if f.quantity == "training_flop" and compute_from_hours(f.note):
                self.compute_from_hours.add(by_id[f.subject_id])
            given = Given(
                f.low, f.high, f.text, src.slug, src.title, f.basis, f.confidence, f.qualifier, f.year, note=f.rank
            )
            self.facts.setdefault(by_id[f.subject_id], {}).setdefault(f.quantity, []).append(given)
        self.estimates: dict[str, list[Given]] = {}  # published cost estimates by subject (AI Index, Epoch…)
        costs = (
            select(Claim)
            .where(
                Claim.quantity == "training_cost_usd",
                Claim.status == "active",
                col(Claim.low).is_not(None),
                col(Claim.high).is_not(None),
            )
            .order_by(Claim.slug)
        )
        for c in session.exec(costs):
            if (method := cost_method(c.claimant, c.note)) and c.currency in (None, "USD"):
                src = sources[c.source_id]
                self.estimates.setdefault(by_id[c.subject_id], []).append(
                    Given(c.low, c.high, c.value, src.slug, src.title, "estimate", qualifier=method, note=c.slug)
                )
        self.contexts: dict[tuple, Context] = {}  # inputs.build_context's cache
        self.quoted: dict[tuple, Given | None] = {}  # prices' cache: an article asks the same again and again
        self.priors: dict[str, list[Given]] = {}
        for a in session.exec(select(Assumption).where(col(Assumption.claim_id).is_(None)).order_by(Assumption.slug)):
            prior_source = sources.get(a.source_id) if a.source_id is not None else None
            self.priors.setdefault(a.name, []).append(
                Given(
                    a.low,
                    a.high,
                    a.text,
                    prior_source.slug if prior_source else None,
                    prior_source.title if prior_source else None,
                    "prior",
                    "medium",
                    a.qualifier,
                    note=a.note,
                )
            )

    @functools.cached_property
    def price_index(self) -> dict[int, float]:
        """Year -> the price index's yearly mean, for kb.dollars."""
        return {
            int(g.qualifier): g.low
            for g in self.priors.get("price_index", [])
            if g.qualifier and g.qualifier.isdigit() and g.low is not None
        }

    def name_of(self, subject: str) -> str:
        """A subject as readers know it ("Mistral 7B", not its slug "mistral-7b"); one it does not
        hold, as given."""
        return self.subjects[subject].name if subject in self.subjects else subject

    def resolve(self, name: str) -> str | None:
        """A subject slug from a slug, name or alias."""
        if name in self.subjects:
            return name
        return self.alias.get(store.alias_key(name))

    def fact(self, subject: str, quantity: str, exclude_source: str | None = None) -> Given | None:
        """The subject's fact for a quantity: preferred rank first; several merge into one range."""
        found = [g for g in self.facts.get(subject, {}).get(quantity, []) if g.source != exclude_source]
        preferred = [g for g in found if g.note == "preferred"] or found
        if not preferred:
            return None
        if len(preferred) == 1 or preferred[0].text is not None:
            return preferred[0]
        lows = [g.low for g in preferred if g.low is not None]
        highs = [g.high for g in preferred if g.high is not None]
        first = preferred[0]
        return Given(
            min(lows),
            max(highs),
            None,
            first.source,
            "; ".join(dict.fromkeys(g.source_title or "" for g in preferred)),
            first.basis,
            max((g.confidence for g in preferred), key=CONFIDENCE_ORDER.__getitem__),
        )

    def text(self, subject: str, quantity: str) -> str | None:
        """A text fact's value ("H100" for hardware), or None."""
        fact = self.fact(subject, quantity)
        return fact.text if fact else None

    def prior(self, name: str, *qualifiers: str | None) -> Given | None:
        """The prior for the first qualifier that has one (a mixture of experts, then a hardware
        generation, say), else the default."""
        options = self.priors.get(name, [])
        for qualifier in qualifiers:
            for g in options:
                if g.qualifier == qualifier:
                    return g
        for g in options:
            if g.qualifier in (None, "default"):
                return g
        return None

    def prices(self, hardware: str, quantity: str, year: int | None) -> Given | None:
        """Catalogue prices for an accelerator nearest the year: the span of the closest quotes (an
        open end, "up to $2 per hour", counts by the end it states)."""
        asked = (hardware, quantity, year)
        if asked not in self.quoted:
            self.quoted[asked] = self._prices(hardware, quantity, year)
        return self.quoted[asked]

    def _prices(self, hardware: str, quantity: str, year: int | None) -> Given | None:
        quotes = [g for g in self.facts.get(hardware, {}).get(quantity, []) if g.low is not None or g.high is not None]
        if not quotes:
            return None
        chosen = _nearest_quotes(quotes, year)
        low, high = quote_band(sorted(v for g in chosen for v in (g.low, g.high) if v is not None))
        years = sorted(y for g in chosen if (span := _quote_years(g)) for y in span)
        return Given(
            low,
            high,
            None,
            chosen[0].source,
            _quoted_from(chosen),
            "catalogue",
            max((g.confidence for g in chosen), key=CONFIDENCE_ORDER.__getitem__),
            year=years[len(years) // 2] if years else None,  # whose dollars they are
        )


def _nearest_quotes(quotes: list[Given], year: int | None) -> list[Given]:
    """The quotes for the year, or the nearest year (and the one after it); all where no year is asked."""
    if year is None:
        return quotes
    distance = [_year_distance(g, year) for g in quotes]
    best = min(distance)
    return [g for g, d in zip(quotes, distance) if d <= best + 1]


def _quoted_from(chosen: list[Given]) -> str:
    """ "Epoch AI hardware prices (3 quotes: purchase, list)": each source with what it quotes."""
    by_title: dict[str, list[str]] = {}
    for g in chosen:
        by_title.setdefault(g.source_title or g.source or "", []).append((g.qualifier or "").split(" ")[0])
    return "; ".join(f"{title} ({_quotes(kinds)})" for title, kinds in by_title.items())


def quote_band(values: list[float]) -> tuple[float, float]:
    """The 10th to 90th percentile of price quotes (nearest rank): one list price far from the
    rest does not set the band; with fewer than five quotes, their whole span."""
    if len(values) < 5:
        return values[0], values[-1]
    last = len(values) - 1
    return values[round(0.1 * last)], values[round(0.9 * last)]


def _quotes(kinds: list[str]) -> str:
    names = ", ".join(k.replace("_", " ") for k in dict.fromkeys(kinds) if k)
    count = f"{len(kinds)} quotes" if len(kinds) > 1 else "1 quote"
    return f"{count}: {names}" if names else count


def _quote_years(g: Given) -> tuple[int, int] | None:
    """The years a price quote covers ("on-demand 2021-2023"), or None where it does not say."""
    m = re.search(r"(\d{4})(?:-(\d{4}))?$", g.qualifier or "")
    if m:
        return int(m.group(1)), int(m.group(2) or m.group(1))
    return (g.year, g.year) if g.year else None


def _year_distance(g: Given, year: int) -> int:
    start, end = _quote_years(g) or (year, year)
    return 0 if start <= year <= end else min(abs(year - start), abs(year - end))
