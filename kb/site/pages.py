"""View-models for every page: formatted numbers, verdict labels, chart coordinates and URLs.

Templates only loop and print what is computed here. Each page knows its `save_as` path and
the relative `root` that links from it must start with, so the site works from file://.
"""

from __future__ import annotations

import collections
import functools
import json
import operator
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from kb import evaluate, store
from kb.display import humanize, show_range
from kb.models import Alias, Assumption, Claim, Evaluation, Fact, Source, Subject
from kb.quantities import PUBLISHED_STATUSES, label, label_of
from kb.site.charts import range_chart, subject_chart
from kb.site.listing import listing_data, listing_pages
from kb.site.methodology import methodology, methodology_inputs
from kb.site.page import RATING, Page, claim_url, source_url, subject_url, verdict_view
from kb.site.search import SEARCHABLE, shard_count
from kb.store import ident
from kb.verdict import VERDICTS

OTHERS_SHOWN = 8  # on a claim page; the subject page lists them all


def _summary(evaluation, live: dict | None) -> dict:
    """The latest verdict's headline figures and what identifies its details: a stored
    evaluation is never overwritten, so its id and time do (its details, 3 KB a claim, are read
    only for the pages being rendered); a verdict computed now is its own text."""
    if evaluation is not None:
        return {
            "verdict": evaluation.verdict,
            "factor": evaluation.factor,
            "explanation": evaluation.explanation,
            "p5": evaluation.p5,
            "p50": evaluation.p50,
            "p95": evaluation.p95,
            "details_key": (evaluation.id, evaluation.created_at),
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
        "details_key": json.dumps(live) if live else "",
    }


@dataclass
class SiteData:
    """Everything the pages show, read in one pass: a handful of queries however large the site.
    Rows are plain rows, read by attribute like the models they come from: building ORM objects
    was a third of the time a build spends reading."""

    sources: dict[int, Any]
    subjects: dict[int, Any]
    claims: list[Any]
    history: dict[int, list]  # a claim's evaluations, oldest first, without their details
    assumptions: dict[int, list[Any]]  # a claim's own
    facts: dict[int, list[Any]]  # a subject's
    live: dict[int, dict]  # verdicts of claims never checked, computed now and not stored
    aliases: dict[int, list[str]]


def read_site(session: Session, snapshot: store.Snapshot) -> SiteData:
    """The site's rows, from the snapshot the build took of the database."""
    claims = sorted(
        (c for c in snapshot.typed(Claim) if c.status in PUBLISHED_STATUSES), key=operator.attrgetter("slug")
    )
    history: dict[int, list] = {}
    for e in snapshot.typed(Evaluation):  # by id: each claim's oldest first
        history.setdefault(e.claim_id, []).append(e)
    assumptions: dict[int, list] = {}
    for a in snapshot.typed(Assumption):
        if a.claim_id is not None:
            assumptions.setdefault(a.claim_id, []).append(a)
    facts: dict[int, list] = {}
    for f in sorted(snapshot.typed(Fact), key=operator.attrgetter("quantity", "slug")):
        facts.setdefault(f.subject_id, []).append(f)
    live: dict[int, dict] = {}
    if any(c.id not in history and c.status == "active" for c in claims):  # a site never shows blank verdicts
        live = {
            ident(claim): verdict.as_dict()
            for claim, verdict in evaluate.check_all(session, store_results=False)
            if claim.id not in history
        }
    subjects = snapshot.typed(Subject)
    return SiteData(
        sources={s.id: s for s in snapshot.typed(Source)},
        subjects={s.id: s for s in subjects},
        claims=claims,
        history=history,
        assumptions=assumptions,
        facts=facts,
        live=live,
        aliases=store.aliases_by_subject(
            ((s.id, s.name, s.slug) for s in subjects), ((a.subject_id, a.name) for a in snapshot.typed(Alias))
        ),
    )


@dataclass
class SiteViews:
    """What the pages are made from: the rows, each published claim's brief and view (in the same
    order, by slug), when each was added and changed, and the digest of what the methodology
    page is computed from. Until complete() makes it, a claim's view is its brief: a rebuild after
    an edit makes only the views of the pages it builds (making every view was a fifth of such a
    rebuild), and view() any other one a download or the feed asks for."""

    data: SiteData
    briefs: list[dict]
    views: list[dict]
    times: list[tuple]  # each claim's (created_at, slug, updated_at): the feed's order
    methodology_inputs: str
    maker: _ClaimViews

    def complete(self, scope: set[str] | None = None) -> None:
        """Makes the views of the claims whose pages are built: every claim's without a `scope`,
        else those whose subject's page is in it (see site_pages)."""
        for i, shown in enumerate(self.briefs):
            if scope is None or shown["subject_url"] in scope:
                self.view(i)
        if scope is None:  # in the views now: their rows were 100 MB at 100,000 claims
            self.data.claims, self.data.history = [], {}

    def view(self, i: int) -> dict:
        """The view of the i-th claim, made now if it was not yet."""
        if self.views[i] is self.briefs[i]:
            self.views[i] = self.maker.view(self.data.claims[i], self.briefs[i])
        return self.views[i]


def build_pages(
    session: Session, base_url: str = "", search: bool = True, snapshot: store.Snapshot | None = None
) -> tuple[list[Page], dict]:
    """Every page of the site and the downloadable data (the SiteViews, every view made), from one
    pass over the database (or the `snapshot` of it the caller took); `search` says whether the
    site will have its search index."""
    site = site_views(session, snapshot or store.Snapshot(session))
    site.complete()
    return site_pages(session, site, base_url, search)


def site_views(session: Session, snapshot: store.Snapshot) -> SiteViews:
    """Every published claim's brief (one dict in every list that shows the claim: digested once);
    the views are made by SiteViews.complete()."""
    inputs = methodology_inputs(snapshot)  # before read_site takes the rows
    data = read_site(session, snapshot)
    maker = _ClaimViews(data)
    briefs = [maker.brief(c) for c in data.claims]
    times = [(c.created_at, c.slug, c.updated_at) for c in data.claims]
    return SiteViews(data, briefs, list(briefs), times, inputs, maker)


def site_pages(
    session: Session, site: SiteViews, base_url: str, search: bool, scope: set[str] | None = None
) -> tuple[list[Page], dict]:
    """The pages and downloads of build_pages(). Given a `scope` (the addresses of the subjects and
    sources whose pages must be built again), the pages of other subjects and sources and of their
    claims are `reused`: the last build's stand."""
    views, briefs = site.views, site.briefs
    by_subject: dict[str, list[dict]] = {}
    by_source: dict[str, list[dict]] = {}
    for shown in briefs:  # by their pages' addresses
        by_subject.setdefault(shown["subject_url"], []).append(shown)
        by_source.setdefault(shown["source_url"], []).append(shown)
    for items in by_subject.values():
        items.sort(key=lambda o: (o["date"], o["slug"]), reverse=True)
    listing = listing_data(briefs)
    pages = [
        *listing_pages(briefs, _listing_context(listing)),
        *claim_pages(views, briefs, by_subject, base_url, functools.partial(_details, session), scope),
        *subject_pages(site.data, by_subject, scope),
        *source_pages(site.data, by_source, scope),
        Page(
            "methodology.html",
            "methodology.html",
            "Methodology",
            {"inputs": site.methodology_inputs},
            load=(functools.partial(_methodology, session), "methodology"),
        ),
        Page("404.html", "404.html", "Page not found", {}),
    ]
    indexed = sum(1 for page in pages if page.template in SEARCHABLE)
    pages.append(Page("search.html", "search.html", "Search", {"shards": shard_count(indexed) if search else 0}))
    downloads = {"listing": listing, "site": site}
    return pages, downloads


class _ClaimViews:
    """Makes a published claim's brief (what lists of claims show, and where the claim belongs) and
    its view (the brief and everything its own page, the downloads and the feed show)."""

    def __init__(self, data: SiteData):
        self.data = data
        # each subject's and source's attributes read once, not once per claim
        self.subjects = {i: (s.name, s.slug, subject_url(s.slug)) for i, s in data.subjects.items()}
        self.sources = {i: (s.title, s.slug, source_url(s.slug), s.url, _author(s)) for i, s in data.sources.items()}
        self.stamp = functools.cache(lambda when: when.strftime("%Y-%m-%d %H:%M UTC"))  # a check run shares one

    def _latest(self, c) -> dict:
        history = self.data.history.get(c.id)
        return _summary(history[-1] if history else None, self.data.live.get(c.id))

    def brief(self, c) -> dict:
        """At most 21 fields: a dict of more takes twice the memory (100,000 of them are held)."""
        d = self._latest(c)
        return {
            "slug": c.slug,
            "url": claim_url(c.slug),
            "subject": self.subjects[c.subject_id][0],
            "subject_url": self.subjects[c.subject_id][2],
            "source_url": self.sources[c.source_id][2],
            "quantity": c.quantity,
            "quantity_label": label_of(c.quantity),
            "value": c.value,
            "low": c.low,
            "high": c.high,
            "claimant": c.claimant,
            "date": c.claimed_on or "",
            "year_sort": (c.claimed_on or "0000")[:4],
            "verdict": _status_verdict(c, d),
            "factor": d["factor"],
            "p5": d["p5"],
            "p50": d["p50"],
            "p95": d["p95"],
            "own_inputs": any(a.stated for a in self.data.assumptions.get(c.id, ())),
            "details_key": d["details_key"],
        }

    def view(self, c, brief: dict) -> dict:
        """The claim's view-model, shared by its page, the downloads and the feed."""
        d = self._latest(c)
        _, subject_slug, _ = self.subjects[c.subject_id]
        source_title, source_slug, _, source_link, source_author = self.sources[c.source_id]
        return {
            **brief,
            "subject_slug": subject_slug,
            "quote": c.quote,
            "scope": c.scope.replace("_", " "),
            "status": c.status,
            "status_reason": c.status_reason,
            "note": c.note,
            "source_title": source_title,
            "source_slug": source_slug,
            "source_link": source_link,
            "source_author": source_author,
            "verdict_key": d["verdict"],
            "explanation": d["explanation"],
            "created_at": c.created_at,
            "updated_at": c.updated_at,
            "history": [
                {
                    "when": self.stamp(e.created_at),
                    "model_version": e.model_version,
                    "verdict": verdict_view(e.verdict, e.factor),
                    "explanation": e.explanation,
                }
                for e in reversed(self.data.history.get(c.id, ()))
            ],
            "assumptions": [_assumption_row(a, self.data.sources) for a in self.data.assumptions.get(c.id, ())],
        }


def _status_verdict(claim, summary: dict) -> dict:
    """An active claim shows its verdict; a disputed or retracted one shows its status and why."""
    if claim.status == "active":
        return verdict_view(summary.get("verdict"), summary.get("factor"))
    return verdict_view(None) | {
        "key": "unverifiable",
        "name": claim.status.capitalize(),
        "icon": "⊘",
        "meaning": claim.status_reason or "",
    }


def _assumption_row(a: Assumption, sources: dict[int, Source]) -> dict:
    source = sources[a.source_id] if a.source_id else None
    return {
        "name": label(a.name),
        "value": a.text or show_range(a.name, a.low, a.high),
        "stated": a.stated,
        "note": a.note,
        "source": source.title if source else None,
        "source_url": source_url(source.slug) if source else None,
    }


def _listing_context(listing: dict) -> dict:
    """What every listing page shows above its rows: the claims per verdict and the filters'
    choices, from the listing data (which names each value once)."""
    counts = dict.fromkeys(VERDICTS, 0)
    for at, n in collections.Counter(listing["verdict"]).items():
        key = listing["verdicts"][at]["key"]
        if key in counts:
            counts[key] += n
    return {
        "counts": counts,
        "verdicts": [verdict_view(k) for k in VERDICTS],
        "filters": {
            "subject": sorted({name for name, _ in listing["subjects"]}),
            "quantity": sorted(listing["quantities"]),
            "claimant": sorted(listing["claimants"]),
            "year": sorted({date[:4] for date in listing["date"] if date}),
        },
    }


def claim_pages(
    views: list[dict],
    briefs: list[dict],
    by_subject: dict[str, list[dict]],
    base_url: str,
    details,
    scope: set[str] | None = None,
) -> list[Page]:
    """`briefs`: each view's, in order; `details(evaluation ids)` reads stored verdicts' details.
    A claim page lists its subject's first few other claims: for every claim not among them
    that is one list, shared, so that the build digests it once. A claim whose subject is outside
    the `scope` (see site_pages) keeps its page."""
    pages = []
    heads: dict[str, tuple[list[dict], set[int]]] = {}
    for v, shown in zip(views, briefs, strict=True):
        if scope is not None and v["subject_url"] not in scope:
            pages.append(Page("claim.html", v["url"], f"{v['subject']}: {v['value']}", reused=True))
            continue
        siblings = by_subject[v["subject_url"]]
        if v["subject_url"] not in heads:
            heads[v["subject_url"]] = (siblings[:OTHERS_SHOWN], {id(o) for o in siblings[: OTHERS_SHOWN + 1]})
        head, near = heads[v["subject_url"]]
        others = head
        if id(shown) in near:
            others = [o for o in siblings[: OTHERS_SHOWN + 1] if o is not shown][:OTHERS_SHOWN]
        chart = functools.partial(range_chart, v["quantity"], v["low"], v["high"], v["p5"], v["p50"], v["p95"])
        lazy: dict[str, Callable[[], object]] = {
            "chart": chart,
            "jsonld": functools.partial(claim_review, v, base_url),
        }
        stored = isinstance(v["details_key"], tuple)
        if not stored:
            lazy["details"] = functools.partial(_parse_details, v["details_key"])
        pages.append(
            Page(
                "claim.html",
                v["url"],
                f"{v['subject']}: {v['value']}",
                {"claim": v, "others": others, "others_total": len(siblings) - 1},
                lazy=lazy,
                load=(details, v["details_key"][0]) if stored else None,
            )
        )
    return pages


def _details(session: Session, evaluation_ids: list[int]) -> dict[int, dict]:
    """The stored details of these evaluations, parsed, as claim pages show them."""
    loaded: dict[int, dict] = {}
    for start in range(0, len(evaluation_ids), IDS_PER_QUERY):
        wanted = evaluation_ids[start : start + IDS_PER_QUERY]
        query = select(col(Evaluation.id), col(Evaluation.details)).where(col(Evaluation.id).in_(wanted))
        loaded |= {i: {"details": _parse_details(text)} for i, text in session.execute(query)}
    return loaded


IDS_PER_QUERY = 500  # well under every database's limit on bound parameters


def _methodology(session: Session, keys: list[str]) -> dict[str, dict]:
    return dict.fromkeys(keys, methodology(session))


def subject_pages(data: SiteData, by_subject: dict[str, list[dict]], scope: set[str] | None = None) -> list[Page]:
    """A subject outside the `scope` (see site_pages) keeps its page."""
    named = {s.slug: s.name for s in data.subjects.values()}
    sources = {i: (src.title, src.slug) for i, src in data.sources.items()}
    pages = []
    for s in data.subjects.values():
        if scope is not None and subject_url(s.slug) not in scope:
            pages.append(Page("subject.html", subject_url(s.slug), s.name, reused=True))
            continue
        items = by_subject.get(subject_url(s.slug), [])
        subject = {
            "name": s.name,
            "kind": s.kind,
            "developer": s.developer,
            "year": s.year,
            "notes": s.notes,
            "aliases": data.aliases[ident(s)],
        }
        facts = data.facts.get(ident(s), [])
        # The facts are formatted only if the page is rendered; what they show decides whether it is.
        shown = [(tuple(f), sources[f.source_id], named.get(f.text)) for f in facts]
        context = {"subject": subject, "facts_shown": shown, "claims": items}
        lazy: dict[str, Callable[[], object]] = {
            "facts": functools.partial(_fact_rows, facts, data.sources, named),
            "charts": functools.partial(subject_chart, items),
        }
        pages.append(Page("subject.html", subject_url(s.slug), s.name, context, lazy=lazy))
    return pages


def _fact_rows(facts: list, sources: dict[int, Source], named: dict[str, str]) -> list[dict]:
    """`named`: each subject's name by slug, as a fact that names one (its hardware) shows it."""
    return [_fact_row(f, sources, named) for f in facts]


def _fact_row(f: Fact, sources: dict[int, Source], named: dict[str, str]) -> dict:
    return {
        "quantity": label(f.quantity),
        "value": named.get(f.text, f.text) if f.text else humanize(store.claim_range(f)),
        "value_url": subject_url(f.text) if f.text in named else None,
        "qualifier": f.qualifier or "",
        "basis": f.basis,
        "confidence": f.confidence,
        "rank": f.rank,
        "source": sources[f.source_id].title,
        "source_url": source_url(sources[f.source_id].slug),
        "note": f.note or "",
    }


SOURCE_FIELDS = ("title", "kind", "author", "publisher", "published", "url", "accessed", "notes")


def source_pages(data: SiteData, by_source: dict[str, list[dict]], scope: set[str] | None = None) -> list[Page]:
    """A source outside the `scope` (see site_pages) keeps its page."""
    facts_per_source: dict[int, int] = {}
    for facts in data.facts.values():
        for f in facts:
            facts_per_source[f.source_id] = facts_per_source.get(f.source_id, 0) + 1
    pages = []
    for src in data.sources.values():
        if scope is not None and source_url(src.slug) not in scope:
            pages.append(Page("source.html", source_url(src.slug), src.title, reused=True))
            continue
        items = by_source.get(source_url(src.slug), [])
        context = {
            "source": {k: getattr(src, k) for k in SOURCE_FIELDS},
            "claims": items,
            "summary": _tally(items),
            "facts_count": facts_per_source.get(ident(src), 0),
        }
        pages.append(Page("source.html", source_url(src.slug), src.title, context))
    return pages


def _tally(items: list[dict]) -> str:
    """ "3 claims: 2 plausible, 1 doubtful"."""
    tally: dict[str, int] = {}
    for v in items:
        name = v["verdict"]["name"].lower()
        tally[name] = tally.get(name, 0) + 1
    counted = f"{len(items)} claim{'s' if len(items) != 1 else ''}"
    if not items:
        return counted
    return counted + ": " + ", ".join(f"{n} {k}" for k, n in sorted(tally.items(), key=lambda kv: -kv[1]))


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


def _author(source) -> dict | None:
    """Who published a source, as schema.org types them: its publisher, or the site its address is
    on (an Organization), else its author (a Person). A claim's claimant is a line of attribution
    ("the post's author", "Sam Altman, reported by Wired"), not a name to type as anyone."""
    address = urllib.parse.urlsplit(source.url or "")
    if source.publisher:
        return {"@type": "Organization", "name": source.publisher}
    if address.hostname:  # the database holds http(s) addresses only
        name = address.hostname.removeprefix("www.")
        return {"@type": "Organization", "name": name, "url": f"{address.scheme}://{address.hostname}/"}
    return {"@type": "Person", "name": source.author} if source.author else None


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
            **({"author": v["source_author"]} if v["source_author"] else {}),
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
