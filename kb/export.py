"""kb export: every record as documents in the YAML shape, for a lossless round trip."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from kb.models import Assumption, Claim, Fact, Source, Subject
from kb.store import all_aliases, ident, slugs
from kb.timestamps import iso_utc


def _present(record: dict) -> dict:
    return {k: v for k, v in record.items() if v is not None}


def _compact(record: dict) -> dict:
    keep = ("low", "high")
    return {k: v for k, v in record.items() if v is not None or k in keep}


SUBJECTS_FILE_STEM = "_subjects"  # slugs start with a letter or digit, so no source's file can take this name


def _grouped(rows, key: str) -> dict[Any, list]:
    """Rows by the value of one column, each group in the rows' order."""
    groups: dict[Any, list] = {}
    for row in rows:
        groups.setdefault(getattr(row, key), []).append(row)
    return groups


def export_documents(session: Session) -> list[tuple[str, dict]]:
    """Every record as (file stem, document), in a stable order, for a lossless round trip."""
    sources, subjects = slugs(session, "source"), slugs(session, "subject")
    aliases = all_aliases(session)
    subject_docs = [
        _present(
            dict(
                slug=s.slug,
                name=s.name,
                kind=s.kind,
                aliases=aliases[ident(s)] or None,
                developer=s.developer,
                year=s.year,
                notes=s.notes,
            )
        )
        for s in session.exec(select(Subject).order_by(Subject.slug))
    ]
    documents: list[tuple[str, dict[str, Any]]] = [(SUBJECTS_FILE_STEM, {"subjects": subject_docs})]
    # each table read once (not once per source or claim), then grouped
    facts_by_source = _grouped(session.exec(select(Fact).order_by(Fact.slug)), "source_id")
    claims_by_source = _grouped(session.exec(select(Claim).order_by(Claim.slug)), "source_id")
    stated = _grouped(
        session.exec(select(Assumption).where(col(Assumption.claim_id).is_not(None)).order_by(col(Assumption.id))),
        "claim_id",
    )
    priors_by_source = _grouped(
        session.exec(select(Assumption).where(col(Assumption.claim_id).is_(None)).order_by(Assumption.slug)),
        "source_id",
    )
    for src in session.exec(select(Source).order_by(Source.slug)):
        doc: dict[str, Any] = {
            "source": _present(
                dict(
                    slug=src.slug,
                    title=src.title,
                    kind=src.kind,
                    url=src.url,
                    author=src.author,
                    publisher=src.publisher,
                    published=src.published,
                    accessed=src.accessed,
                    notes=src.notes,
                )
            )
        }
        facts = [
            _compact(
                dict(
                    slug=f.slug,
                    subject=subjects[f.subject_id],
                    quantity=f.quantity,
                    value=f.text,
                    low=f.low,
                    high=f.high,
                    currency=f.currency,
                    basis=f.basis,
                    confidence=f.confidence,
                    rank=f.rank,
                    qualifier=f.qualifier,
                    year=f.year,
                    note=f.note,
                )
            )
            for f in facts_by_source.get(ident(src), [])
        ]
        claim_docs = [
            _compact(
                dict(
                    slug=c.slug,
                    subject=subjects[c.subject_id],
                    quantity=c.quantity,
                    value=c.value,
                    low=c.low,
                    high=c.high,
                    currency=c.currency,
                    quote=c.quote,
                    scope=c.scope,
                    claimant=c.claimant,
                    date=c.claimed_on,
                    status=c.status,
                    status_reason=c.status_reason,
                    note=c.note,
                    assumptions=[_assumption_doc(a, sources, ident(src)) for a in stated.get(ident(c), [])] or None,
                    created_at=iso_utc(c.created_at),
                    updated_at=iso_utc(c.updated_at),
                    version=c.version,
                )
            )
            for c in claims_by_source.get(ident(src), [])
        ]
        priors = [
            dict(slug=a.slug, **_assumption_doc(a, sources, ident(src))) for a in priors_by_source.get(ident(src), [])
        ]
        for key, items in (("facts", facts), ("claims", claim_docs), ("assumptions", priors)):
            if items:
                doc[key] = items
        documents.append((src.slug, doc))
    return documents


def _assumption_doc(a: Assumption, sources: dict[int, str], home_source: int) -> dict:
    record = _compact(
        dict(name=a.name, qualifier=a.qualifier, value=a.text, low=a.low, high=a.high, stated=a.stated, note=a.note)
    )
    if a.source_id is not None and a.source_id != home_source:
        record["source"] = sources[a.source_id]
    return record
