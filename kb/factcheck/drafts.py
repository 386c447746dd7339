"""`kb factcheck --add`: an article stored as a source, and its checked claims as drafts that a
person accepts or rejects (kb claim review). Findings left for review are not stored."""

from __future__ import annotations

from sqlmodel import Session

from kb.factcheck.attribute import UNNAMED
from kb.factcheck.check import Report
from kb.fields import BIDI_AND_CONTROL, LIMITS, slugify
from kb.records import ClaimIn, SourceIn, SubjectIn, Where
from kb.store import find_subject
from kb.writes import upsert_claim, upsert_source, upsert_subject


def store_drafts(session: Session, report: Report, title: str, url: str | None) -> int:
    """The article as a Source and its claims, in the caller's transaction (all or nothing). Every
    record goes through the same validation as a source file, so what is stored can be exported and
    imported again; characters the text rules refuse are dropped from the article's sentences."""
    where = Where("kb factcheck --add", "", None)
    source = SourceIn.from_dict({"title": title, "url": url, "kind": "article"}, where)
    upsert_source(session, source, replace=False)
    added = 0
    for n, f in enumerate(report.findings, 1):
        if f.status != "checked" or f.subject is None or f.subject == UNNAMED:
            continue  # findings left for review are not stored as claims
        if find_subject(session, f.subject) is None:
            subject = {"name": _printable(f.subject), "kind": "model"}
            upsert_subject(session, SubjectIn.from_dict(subject, where))
        value = f.span.value
        claim = {
            "slug": slugify(f"{source.slug}-{n}-{f.span.quantity}"),
            "subject": _printable(f.subject),
            "quantity": f.span.quantity,
            "value": _printable(f.span.text),
            "low": value.low,
            "high": value.high,
            "currency": value.currency,
            "quote": _printable(f.sentence)[: LIMITS["quote"]],
            "scope": f.span.scope,
            "claimant": title,
            "status": "draft",
            "status_reason": "found by kb factcheck; kb claim review to accept or reject it",
        }
        upsert_claim(session, ClaimIn.from_dict(claim, where, source.slug), replace=False)
        added += 1
    return added


def _printable(text: str) -> str:
    return " ".join(BIDI_AND_CONTROL.sub(" ", text).split())
