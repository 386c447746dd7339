"""The JSON contract: one function per record type, so ORM objects never leak out."""

from __future__ import annotations

from sqlmodel import Session, col, select

from kb import store
from kb.models import Claim, Evaluation, Fact, Source, Subject
from kb.values import humanize


def source_record(row: Source) -> dict:
    return {
        "slug": row.slug,
        "title": row.title,
        "kind": row.kind,
        "url": row.url,
        "author": row.author,
        "publisher": row.publisher,
        "published": row.published,
        "accessed": row.accessed,
        "notes": row.notes,
    }


def subject_record(session: Session, row: Subject) -> dict:
    return {
        "slug": row.slug,
        "name": row.name,
        "kind": row.kind,
        "aliases": store.aliases_of(session, row),
        "developer": row.developer,
        "year": row.year,
    }


def fact_record(session: Session, row: Fact) -> dict:
    return {
        "slug": row.slug,
        "subject": session.get(Subject, row.subject_id).slug,
        "quantity": row.quantity,
        "low": row.low,
        "high": row.high,
        "currency": row.currency,
        "text": row.text,
        "display": row.text or humanize(store.claim_range(row)),
        "qualifier": row.qualifier,
        "year": row.year,
        "basis": row.basis,
        "confidence": row.confidence,
        "rank": row.rank,
        "source": session.get(Source, row.source_id).slug,
        "note": row.note,
    }


def evaluation_record(row: Evaluation | None) -> dict:
    if row is None:
        return {"verdict": None, "factor": None, "estimate": None, "explanation": None}
    return {
        "verdict": row.verdict,
        "factor": row.factor,
        "estimate": None if row.p50 is None else {"p5": row.p5, "p50": row.p50, "p95": row.p95},
        "explanation": row.explanation,
        "model_version": row.model_version,
        "evaluated_at": store.iso_utc(row.created_at),
    }


def claim_records(session: Session, rows: list[Claim], latest: dict[int, Evaluation]) -> list[dict]:
    """Records for a listing. Its subjects and sources are read in two queries and held, so each
    claim's lookups hit the session's (weak) identity map instead of costing two queries per claim."""
    _held = [
        *session.exec(select(Subject).where(col(Subject.id).in_({c.subject_id for c in rows}))),
        *session.exec(select(Source).where(col(Source.id).in_({c.source_id for c in rows}))),
    ]
    return [claim_record(session, c, latest.get(c.id)) for c in rows]


def claim_record(
    session: Session, row: Claim, evaluation: Evaluation | None = None, with_assumptions: bool = False
) -> dict:
    record = {
        "slug": row.slug,
        "source": session.get(Source, row.source_id).slug,
        "subject": session.get(Subject, row.subject_id).slug,
        "quantity": row.quantity,
        "low": row.low,
        "high": row.high,
        "currency": row.currency,
        "value": row.value,
        "quote": row.quote,
        "scope": row.scope,
        "claimant": row.claimant,
        "date": row.claimed_on,
        "status": row.status,
        "status_reason": row.status_reason,
        "version": row.version,
        "created_at": store.iso_utc(row.created_at),
        "updated_at": store.iso_utc(row.updated_at),
    }
    if with_assumptions:
        record["assumptions"] = [
            {
                "name": a.name,
                "qualifier": a.qualifier,
                "low": a.low,
                "high": a.high,
                "text": a.text,
                "stated": a.stated,
                "note": a.note,
            }
            for a in store.assumptions_of(session, row)
        ]
    if evaluation is not None:
        record.update(evaluation_record(evaluation))
    return record
