"""The JSON contract for sources, subjects and facts: one function per record type, so ORM objects
never leak out. Claims' records are kb.listing's."""

from __future__ import annotations

from kb import store
from kb.display import humanize
from kb.models import Fact, Source, Subject


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


def subject_record(row: Subject, aliases: list[str]) -> dict:
    return {
        "slug": row.slug,
        "name": row.name,
        "kind": row.kind,
        "aliases": aliases,
        "developer": row.developer,
        "year": row.year,
    }


def fact_record(row: Fact, subjects: dict[int, str], sources: dict[int, str]) -> dict:
    """`subjects` and `sources` give slugs by id (store.slugs), read once for any number of facts."""
    return {
        "slug": row.slug,
        "subject": subjects[row.subject_id],
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
        "source": sources[row.source_id],
        "note": row.note,
    }
