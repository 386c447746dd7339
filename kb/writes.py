"""Writes by slug: records inserted or updated, whole documents loaded, claims edited. Takes a
Session and never commits: the caller owns the transaction, so a command happens whole or not at all."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from kb.errors import Conflict, Duplicate, InvalidRecord, NotFound
from kb.fields import fitted_slug
from kb.models import Alias, Assumption, Claim, Fact, Source, Subject
from kb.records import AssumptionIn, ClaimIn, Document, FactIn, SourceIn, SubjectIn
from kb.store import claim, ident, source, subject, subject_slug
from kb.timestamps import utc_now
from kb.values import alias_key


def upsert_source(session: Session, record: SourceIn, replace: bool = True) -> Source:
    row = session.exec(select(Source).where(Source.slug == record.slug)).first()
    if row is not None and not replace:
        raise Duplicate(f'source "{record.slug}" already exists')
    row = row or Source(slug=record.slug, title=record.title, kind=record.kind)
    changed = _assign(row, vars(record), exclude=())
    if changed and row.id is not None:
        row.updated_at = utc_now()
    session.add(row)
    session.flush()
    return row


def upsert_subject(session: Session, record: SubjectIn, replace: bool = True) -> Subject:
    row = session.exec(select(Subject).where(Subject.slug == record.slug)).first()
    if row is not None and not replace:
        raise Duplicate(f'subject "{record.slug}" already exists')
    row = row or Subject(slug=record.slug, name=record.name, kind=record.kind)
    _assign(row, vars(record), exclude=("aliases",))
    session.add(row)
    session.flush()
    for name in [record.name, record.slug, *record.aliases]:
        add_alias(session, row, name)
    return row


def add_alias(session: Session, row: Subject, name: str) -> None:
    key = alias_key(name)
    if not key:
        raise InvalidRecord(f'alias "{name}" has no letters or digits')
    existing = session.exec(select(Alias).where(Alias.key == key)).first()
    if existing is None:
        session.add(Alias(subject_id=ident(row), name=name, key=key))
        session.flush()
    elif existing.subject_id != row.id:
        raise Duplicate(f'alias "{name}" already names subject "{subject_slug(session, existing.subject_id)}"')


class _Ids:
    """Subject and source ids by name, each looked up once: a bulk load asks thousands of times."""

    def __init__(self, session: Session):
        self.session = session
        self.subjects: dict[str, int | None] = {}
        self.sources: dict[str, int | None] = {}

    def subject(self, name: str) -> int | None:
        if name not in self.subjects:
            self.subjects[name] = subject(self.session, name).id
        return self.subjects[name]

    def source(self, slug: str) -> int | None:
        if slug not in self.sources:
            self.sources[slug] = source(self.session, slug).id
        return self.sources[slug]


def upsert_fact(session: Session, record: FactIn, replace: bool = True) -> Fact:
    row = session.exec(select(Fact).where(Fact.slug == record.slug)).first()
    if row is not None and not replace:
        raise Duplicate(f'fact "{record.slug}" already exists')
    row = _put_fact(session, record, row, _Ids(session))
    session.flush()
    return row


def _put_fact(session: Session, record: FactIn, row: Fact | None, ids: _Ids) -> Fact:
    values: dict[str, Any] = dict(
        subject_id=ids.subject(record.subject),
        quantity=record.quantity,
        low=record.value.low,
        high=record.value.high,
        currency=record.value.currency,
        text=record.text,
        qualifier=record.qualifier,
        year=record.year,
        basis=record.basis,
        confidence=record.confidence,
        rank=record.rank,
        source_id=ids.source(record.source),
        note=record.note,
    )
    row = row or Fact(slug=record.slug, **values)
    _assign(row, values)
    session.add(row)
    return row


def free_claim_slug(session: Session, base: str) -> str:
    """`base`, else the first of base-2, base-3, … that no claim has."""
    slug, n = base, 1
    while session.exec(select(Claim.id).where(Claim.slug == slug)).first() is not None:
        n += 1
        slug = fitted_slug(base, str(n))
    return slug


def upsert_claim(session: Session, record: ClaimIn, replace: bool = True) -> Claim:
    row = session.exec(select(Claim).where(Claim.slug == record.slug)).first()
    if row is not None and not replace:
        raise Duplicate(f'claim "{record.slug}" already exists; use kb claim edit to change it')
    values: dict[str, Any] = dict(
        source_id=source(session, record.source).id,
        subject_id=subject(session, record.subject).id,
        quantity=record.quantity,
        low=record.value.low,
        high=record.value.high,
        currency=record.value.currency,
        value=record.value_text,
        quote=record.quote,
        scope=record.scope,
        claimant=record.claimant,
        claimed_on=record.claimed_on,
        status=record.status,
        status_reason=record.status_reason,
        note=record.note,
        version=record.version,
    )
    for stamp in ("created_at", "updated_at"):
        text = getattr(record, stamp)
        if text:
            values[stamp] = _timestamp(text)
    new = row is None
    row = row or Claim(slug=record.slug, **values)
    changed = _assign(row, values)
    if not new and changed and not record.updated_at:
        row.updated_at = utc_now()
    session.add(row)
    session.flush()
    _replace_assumptions(session, row, record.assumptions)
    return row


EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)  # before anyone trained a neural network on a GPU


def _timestamp(text: str) -> datetime:
    """An imported time, in UTC: SQLite keeps no offset, so "12:00+05:00" is stored as 07:00."""
    try:
        stamp = datetime.fromisoformat(text)
        stamp = (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):
        raise InvalidRecord(f'"{text}" is not an ISO timestamp') from None
    if not EARLIEST <= stamp <= utc_now() + timedelta(days=1):
        raise InvalidRecord(f'"{text}" is not a time between 1990 and now')
    return stamp


def _replace_assumptions(session: Session, row: Claim, records: list[AssumptionIn]) -> None:
    existing = session.exec(select(Assumption).where(Assumption.claim_id == row.id).order_by(col(Assumption.id)))
    wanted = [_assumption_values(session, r) for r in records]
    current = [
        dict(
            name=a.name,
            qualifier=a.qualifier,
            low=a.low,
            high=a.high,
            text=a.text,
            stated=a.stated,
            source_id=a.source_id,
            note=a.note,
        )
        for a in existing
    ]
    if current == wanted:
        return
    for a in session.exec(select(Assumption).where(Assumption.claim_id == row.id)):
        session.delete(a)
    session.flush()
    for i, values in enumerate(wanted):
        session.add(Assumption(slug=f"{row.slug}--{i}", claim_id=row.id, **values))
    session.flush()


def _assumption_values(session: Session, record: AssumptionIn) -> dict:
    return dict(
        name=record.name,
        qualifier=record.qualifier,
        low=record.value.low,
        high=record.value.high,
        text=record.text,
        stated=record.stated,
        source_id=source(session, record.source).id if record.source else None,
        note=record.note,
    )


def upsert_global_assumption(session: Session, record: AssumptionIn) -> Assumption:
    row = session.exec(select(Assumption).where(Assumption.slug == record.slug)).first()
    values = _assumption_values(session, record)
    assert record.slug is not None  # a global prior's slug is required (records.AssumptionIn)
    row = row or Assumption(slug=record.slug, **values)
    _assign(row, values)
    session.add(row)
    session.flush()
    return row


def _assign(row, values: dict, exclude: tuple[str, ...] = ()) -> bool:
    changed = False
    for key, value in values.items():
        if key in exclude or not hasattr(row, key):
            continue
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    return changed


def _refuse_repeated_slugs(documents: list[Document]) -> None:
    """Two records with one slug in one import would silently become one: refuse instead."""
    for kind in ("source", "subjects", "facts", "claims", "assumptions"):
        seen: dict[str, str] = {}
        for doc in documents:
            records = (
                [doc.source] if kind == "source" and doc.source else getattr(doc, kind, []) if kind != "source" else []
            )
            for record in records:
                if record.slug is None:
                    continue
                if record.slug in seen:
                    raise InvalidRecord(
                        f'{doc.origin}: {kind}: slug "{record.slug}" is also used in {seen[record.slug]}; '
                        "each record needs its own"
                    )
                seen[record.slug] = doc.origin


def load_documents(session: Session, documents: list[Document]) -> dict[str, Any]:
    """Upsert every record, sources and subjects first so facts and claims can refer across files."""
    _refuse_repeated_slugs(documents)
    counts: dict[str, Any] = {"sources": 0, "subjects": 0, "facts": 0, "claims": 0, "assumptions": 0}
    for doc in documents:
        if doc.source:
            upsert_source(session, doc.source)
            counts["sources"] += 1
    for doc in documents:
        for s in doc.subjects:
            upsert_subject(session, s)
            counts["subjects"] += 1
    facts = {f.slug: f for f in session.exec(select(Fact))}
    changes = {"new": 0, "changed": 0, "unchanged": 0}
    for doc in documents:
        for record in doc.facts:
            old = facts.get(record.slug)
            value = (record.value.low, record.value.high, record.text)
            if old is None:
                changes["new"] += 1
            elif (old.low, old.high, old.text) == value:
                changes["unchanged"] += 1
            else:
                changes["changed"] += 1
                if doc.keep_replaced_facts:
                    _deprecate(session, old, facts)
                    del facts[record.slug]
    ids = _Ids(session)
    for doc in documents:
        for record in doc.facts:
            try:
                facts[record.slug] = _put_fact(session, record, facts.get(record.slug), ids)
            except NotFound as e:
                raise NotFound(f"{doc.origin}: facts: {e}") from None
            counts["facts"] += 1
    session.flush()
    for doc in documents:
        stores: tuple[tuple[str, list, Callable[[Session, Any], object]], ...] = (
            ("claims", doc.claims, upsert_claim),
            ("assumptions", doc.assumptions, upsert_global_assumption),
        )
        for key, items, upsert in stores:
            for item in items:
                try:
                    upsert(session, item)
                except (NotFound, Duplicate) as e:
                    raise type(e)(f"{doc.origin}: {key}: {e}") from None
                counts[key] += 1
    counts["fact_changes"] = changes
    return counts


def _deprecate(session: Session, row: Fact, facts: dict[str, Fact]) -> None:
    """Keep a replaced fact under a new slug, ranked deprecated, so its new value does not erase it."""
    n = 2
    while (slug := fitted_slug(row.slug, f"was-{n}")) in facts:
        n += 1
    facts[slug] = row
    row.slug, row.rank = slug, "deprecated"
    session.add(row)
    session.flush()


def edit_claim(session: Session, slug: str, changes: dict, expected_version: int | None = None) -> Claim:
    """Change fields of a claim; with expected_version, refuse if someone else changed it first."""
    row = claim(session, slug)
    if expected_version is not None and row.version != expected_version:
        raise Conflict(
            f'claim "{slug}" changed since you loaded it (version {expected_version}, now '
            f"{row.version}); reload it with kb claim show and edit again"
        )
    if "subject" in changes:
        changes["subject_id"] = subject(session, changes.pop("subject")).id
    if "source" in changes:
        changes["source_id"] = source(session, changes.pop("source")).id
    if "value" in changes and isinstance(changes["value"], tuple):
        text, value = changes.pop("value")
        changes.update(value=text, low=value.low, high=value.high, currency=value.currency)
    if _assign(row, changes):
        row.version += 1
        row.updated_at = utc_now()
    session.add(row)
    session.flush()
    return row


def edit_claim_as_given(
    session: Session, slug: str, given: dict[str, str | None], expected_version: int | None = None
) -> Claim:
    """Change a claim from text as a person gives it (value, subject, scope, quote, claimant, date,
    note; None where unchanged), held to the rules of a source file."""
    row = claim(session, slug)
    current: dict[str, Any] = {
        "slug": row.slug,
        "subject": given["subject"] or str(row.subject_id),
        "quantity": row.quantity,
        "value": given["value"] or row.value,
        "scope": given["scope"] or row.scope,
        "quote": given["quote"] or row.quote,
        "claimant": given["claimant"] or row.claimant,
        "date": given["date"] or row.claimed_on,
        "note": given["note"],
    }
    if given["value"] is None:
        current.update(low=row.low, high=row.high, currency=row.currency)
    record = ClaimIn.from_command_line(current, "placeholder")
    changes: dict[str, Any] = {
        k: v
        for k, v in {
            "scope": given["scope"],
            "quote": record.quote if given["quote"] else None,
            "claimant": given["claimant"],
            "claimed_on": record.claimed_on if given["date"] else None,
            "note": given["note"],
            "subject": given["subject"],
        }.items()
        if v is not None
    }
    if given["value"] is not None:
        changes["value"] = (record.value_text, record.value)
    return edit_claim(session, slug, changes, expected_version)


def settle_draft(session: Session, slug: str, status: str, reason: str | None) -> Claim:
    """A draft accepted (active) or rejected (kept, with the reason); anything but a draft is refused."""
    row = claim(session, slug)
    if row.status != "draft":
        raise InvalidRecord(f"{slug} is {row.status}, not a draft")
    return edit_claim(session, slug, {"status": status, "status_reason": reason})


def retract_claim(session: Session, slug: str, reason: str, status: str = "retracted") -> Claim:
    return edit_claim(session, slug, {"status": status, "status_reason": reason})
