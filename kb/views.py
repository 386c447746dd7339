"""The JSON contract for sources, subjects and facts: one function per record type, so ORM objects
never leak out. Claims' records are kb.listing's."""

from __future__ import annotations

from sqlmodel import Session

from kb import store
from kb.models import Fact, Source, Subject
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
        "subject": store.subject_slug(session, row.subject_id),
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
        "source": store.source_slug(session, row.source_id),
        "note": row.note,
    }
