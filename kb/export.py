"""kb export: every record as documents in the YAML shape, for a lossless round trip."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from kb.models import Assumption, Claim, Fact, Source, Subject
from kb.records import AssumptionIn, ClaimIn, FactIn, Record, SourceIn, SubjectIn
from kb.store import all_aliases, ident, slugs
from kb.timestamps import iso_utc


def _written(model: type[Record], row: Any, **values: Any) -> dict:
    """A row as a source file writes its record: a field with no value is left out, but an open end."""
    return {k: v for k, v in model.of_row(row, **values).items() if v is not None or k in ("low", "high")}


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
        _written(SubjectIn, s, aliases=aliases[ident(s)] or None)
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
        doc: dict[str, Any] = {"source": _written(SourceIn, src)}
        facts = [
            _written(FactIn, f, subject=subjects[f.subject_id], value=f.text)
            for f in facts_by_source.get(ident(src), [])
        ]
        claim_docs = [
            _written(
                ClaimIn,
                c,
                subject=subjects[c.subject_id],
                date=c.claimed_on,
                assumptions=[_assumption_doc(a, sources, ident(src)) for a in stated.get(ident(c), [])] or None,
                created_at=iso_utc(c.created_at),
                updated_at=iso_utc(c.updated_at),
            )
            for c in claims_by_source.get(ident(src), [])
        ]
        priors = [_assumption_doc(a, sources, ident(src), a.slug) for a in priors_by_source.get(ident(src), [])]
        for key, items in (("facts", facts), ("claims", claim_docs), ("assumptions", priors)):
            if items:
                doc[key] = items
        documents.append((src.slug, doc))
    return documents


def _assumption_doc(a: Assumption, sources: dict[int, str], home_source: int, slug: str | None = None) -> dict:
    """An assumption, naming its source only where it is not the document's own; a claim's own
    assumptions are slugged after the claim, so their slugs are not written."""
    source = sources[a.source_id] if a.source_id is not None and a.source_id != home_source else None
    return _written(AssumptionIn, a, slug=slug, value=a.text, currency=None, source=source)
