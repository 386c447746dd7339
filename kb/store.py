"""Queries and writes by slug and alias. Takes a Session and never commits: the caller owns
the transaction, so a command either happens whole or not at all."""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select

from kb.errors import Conflict, Duplicate, InvalidRecord, NotFound
from kb.models import (
    Alias,
    Assumption,
    Claim,
    Evaluation,
    Fact,
    Source,
    Subject,
)
from kb.quantities import Range, unit_of
from kb.records import (
    AssumptionIn,
    ClaimIn,
    Document,
    FactIn,
    SourceIn,
    SubjectIn,
    fitted_slug,
)
from kb.timestamps import utc_now
from kb.values import alias_key


def source(session: Session, slug: str) -> Source:
    found = session.exec(select(Source).where(Source.slug == slug)).first()
    if found is None:
        slugs = list(session.exec(select(Source.slug)))
        raise NotFound.among("source", slug, slugs)
    return found


def subject(session: Session, name: str) -> Subject:
    """A subject by slug, name or any alias, case- and punctuation-insensitively."""
    found = session.exec(select(Subject).where(Subject.slug == name)).first()
    if found is None:
        alias = session.exec(select(Alias).where(Alias.key == alias_key(name))).first()
        found = session.get(Subject, alias.subject_id) if alias else None
    if found is None:
        names = [a.name for a in session.exec(select(Alias))]
        raise NotFound.among("subject", name, names)
    return found


def find_subject(session: Session, name: str) -> Subject | None:
    try:
        return subject(session, name)
    except NotFound:
        return None


def claim(session: Session, slug: str) -> Claim:
    found = session.exec(select(Claim).where(Claim.slug == slug)).first()
    if found is None:
        slugs = list(session.exec(select(Claim.slug)))
        raise NotFound.among("claim", slug, slugs)
    return found


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


def aliases_of(session: Session, row: Subject) -> list[str]:
    names = session.exec(select(Alias.name).where(Alias.subject_id == row.id).order_by(col(Alias.id)))
    return [n for n in names if n not in (row.name, row.slug)]


def alias_index(session: Session) -> dict[str, str]:
    """Every alias key (and slug) to its subject's slug, in one query."""
    index = {
        key: slug
        for key, slug in session.execute(
            select(Alias.key, Subject.slug).join(Subject, col(Alias.subject_id) == col(Subject.id))
        )
    }
    for slug in session.exec(select(Subject.slug)):
        index.setdefault(alias_key(slug), slug)
    return index


def all_aliases(session: Session) -> dict[int, list[str]]:
    """aliases_of() for every subject, in one query."""
    subjects = {ident(s): s for s in session.exec(select(Subject))}
    aliases: dict[int, list[str]] = {i: [] for i in subjects}
    for subject_id, name in session.execute(select(Alias.subject_id, Alias.name).order_by(col(Alias.id))):
        if name not in (subjects[subject_id].name, subjects[subject_id].slug):
            aliases[subject_id].append(name)
    return aliases


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


def settle_draft(session: Session, slug: str, status: str, reason: str | None) -> Claim:
    """A draft accepted (active) or rejected (kept, with the reason); anything but a draft is refused."""
    row = claim(session, slug)
    if row.status != "draft":
        raise InvalidRecord(f"{slug} is {row.status}, not a draft")
    return edit_claim(session, slug, {"status": status, "status_reason": reason})


def retract_claim(session: Session, slug: str, reason: str, status: str = "retracted") -> Claim:
    return edit_claim(session, slug, {"status": status, "status_reason": reason})


def claims(
    session: Session,
    subject_name: str | None = None,
    quantity: str | None = None,
    source_slug: str | None = None,
    include_inactive: bool = True,
    statuses: tuple[str, ...] | None = None,
    since: datetime | None = None,
) -> list[Claim]:
    """Claims, filtered: `include_inactive=False` keeps active ones only, `statuses` these statuses,
    `since` those added or changed at or after that time."""
    query = select(Claim)
    if subject_name:
        query = query.where(Claim.subject_id == subject(session, subject_name).id)
    if quantity:
        query = query.where(Claim.quantity == quantity)
    if source_slug:
        query = query.where(Claim.source_id == source(session, source_slug).id)
    if not include_inactive:
        query = query.where(Claim.status == "active")
    if statuses:
        query = query.where(col(Claim.status).in_(statuses))
    if since:
        query = query.where(col(Claim.updated_at) >= since)
    return list(session.exec(query.order_by(Claim.slug)))


def facts_of(session: Session, row: Subject) -> list[Fact]:
    return list(session.exec(select(Fact).where(Fact.subject_id == row.id).order_by(Fact.quantity, Fact.slug)))


def all_facts(session: Session) -> list[Fact]:
    return list(session.exec(select(Fact).order_by(Fact.slug)))


def subject_slug(session: Session, subject_id: int) -> str:
    return session.exec(select(Subject.slug).where(Subject.id == subject_id)).one()


def latest_evaluation(session: Session, claim_id: int) -> Evaluation | None:
    return session.exec(
        select(Evaluation).where(Evaluation.claim_id == claim_id).order_by(col(Evaluation.id).desc()).limit(1)
    ).first()


def latest_evaluations(session: Session) -> dict[int, Evaluation]:
    latest: dict[int, Evaluation] = {}
    for e in session.exec(select(Evaluation).order_by(col(Evaluation.claim_id), col(Evaluation.id))):
        latest[e.claim_id] = e
    return latest


def evaluations_of(session: Session, row: Claim) -> list[Evaluation]:
    return list(session.exec(select(Evaluation).where(Evaluation.claim_id == row.id).order_by(col(Evaluation.id))))


def claim_range(row: Claim | Fact) -> Range:
    return Range(row.low, row.high, unit_of(row.quantity), row.currency)


def counts(session: Session) -> dict[str, int]:
    return {
        name: session.exec(select(func.count()).select_from(model)).one()
        for name, model in (
            ("sources", Source),
            ("subjects", Subject),
            ("facts", Fact),
            ("claims", Claim),
            ("assumptions", Assumption),
            ("evaluations", Evaluation),
        )
    }


def content_digest(session: Session, tables: dict[str, str] | None = None) -> str:
    """A digest of every stored row, so that a build can tell in a fraction of a second that
    nothing it would show has changed. Rows are read in key order, through the driver (no type
    conversion: a third of the time otherwise); pickle digests whatever values it returns.
    `tables` narrows it to some tables, each with an SQL condition on its rows ("" for all)."""
    digest = hashlib.blake2b(digest_size=16)
    connection = session.connection()
    for table in SQLModel.metadata.sorted_tables:
        if tables is not None and table.name not in tables:
            continue
        keys = ", ".join(f'"{column.name}"' for column in table.primary_key.columns)
        where = f" WHERE {tables[table.name]}" if tables and tables[table.name] else ""
        digest.update(table.name.encode())
        query = f'SELECT * FROM "{table.name}"{where} ORDER BY {keys}'
        for part in connection.exec_driver_sql(query).partitions(2000):
            digest.update(pickle.dumps([tuple(row) for row in part], protocol=5))
    return digest.hexdigest()


def slugs(session: Session, kind: str) -> dict[int, str]:
    """Every source's (kind "source") or subject's ("subject") slug by id, in one query."""
    query = select(Source.id, Source.slug) if kind == "source" else select(Subject.id, Subject.slug)
    return {i: slug for i, slug in session.execute(query)}


def claim_counts(session: Session) -> dict[int, int]:
    """How many claims each source makes, by source id, in one query."""
    query = select(Claim.source_id, func.count()).group_by(col(Claim.source_id))
    return {i: n for i, n in session.execute(query)}


def ident(row: SQLModel) -> int:
    """A stored row's id: SQLModel types it optional, as it is None until the row is flushed."""
    row_id = getattr(row, "id", None)
    assert isinstance(row_id, int), row
    return row_id
