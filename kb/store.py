"""Queries by slug and alias, and the digests that say whether anything changed. Takes a Session
and never writes: kb.writes does, in the caller's transaction."""

from __future__ import annotations

import collections
import hashlib
import pickle
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select

from kb.errors import NotFound
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
    subjects = session.execute(select(Subject.id, Subject.name, Subject.slug))
    return aliases_by_subject(subjects, session.execute(select(Alias.subject_id, Alias.name).order_by(col(Alias.id))))


def aliases_by_subject(subjects: Iterable, aliases: Iterable) -> dict[int, list[str]]:
    """Each subject's other names, given (id, name, slug) per subject and (subject id, name) per
    alias in the order they were added: an alias that is the subject's name or slug is no other."""
    named = {i: (name, slug) for i, name, slug in subjects}
    found: dict[int, list[str]] = {i: [] for i in named}
    for subject_id, name in aliases:
        if name not in named[subject_id]:
            found[subject_id].append(name)
    return found


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


class Snapshot:
    """Every stored row, read once, as the database driver returns it, and a digest of each
    table's rows: a build tells from the digests in a fraction of a second that nothing it would
    show has changed, and otherwise builds the site from these same rows (reading them twice was
    a fifth of a one-edit rebuild). Rows are read in key order, without type conversion (a third of
    the time), which `typed()` does for the rows a caller uses. An evaluation's details are left
    out: it is never overwritten, so its id and time stand for them (they are 3 KB a claim, nine
    tenths of the database)."""

    def __init__(self, session: Session):
        self.columns: dict[str, list[str]] = {}
        self.rows: dict[str, list[tuple]] = {}
        self.digests: dict[str, str] = {}
        self._dialect = session.get_bind().dialect
        self._driver_types: dict[str, list] = {}  # each column's type code, as the driver describes it
        driver = session.connection().connection.dbapi_connection  # in the session's transaction
        assert driver is not None  # a connection in use has one
        cursor = driver.cursor()
        try:
            for table in SQLModel.metadata.sorted_tables:
                keys = ", ".join(f'"{column.name}"' for column in table.primary_key.columns)
                names = [c.name for c in table.columns if (table.name, c.name) != ("evaluation", "details")]
                columns = ", ".join(f'"{name}"' for name in names)
                digest = hashlib.blake2b(table.name.encode(), digest_size=16)
                rows: list[tuple] = []
                cursor.execute(f'SELECT {columns} FROM "{table.name}" ORDER BY {keys}')
                self._driver_types[table.name] = [column[1] for column in cursor.description]
                while chunk := cursor.fetchmany(2000):  # tuples, as the driver makes them
                    rows.extend(chunk)
                    digest.update(pickle.dumps(chunk, protocol=5))
                self.columns[table.name], self.rows[table.name] = names, rows
                self.digests[table.name] = digest.hexdigest()
        finally:
            cursor.close()

    def digest(self, tables: Iterable[str] | None = None) -> str:
        """One digest of these tables' rows (default: every table's)."""
        chosen = self.digests if tables is None else {name: self.digests[name] for name in tables}
        return hashlib.blake2b("".join(chosen.values()).encode(), digest_size=16).hexdigest()

    def typed(self, model: type[SQLModel]) -> list:
        """A table's rows as named tuples of the values the model's columns convert them to: their
        fields read ten times faster than ORM objects', and a build reads a million of them. The
        rows are handed over once: the snapshot lets go of them, so that at 100,000 claims two
        copies are not held at once."""
        table = model.__table__  # type: ignore[attr-defined]
        names = self.columns[table.name]
        shape = collections.namedtuple(model.__name__, names)  # type: ignore[misc]
        convert = [  # what SQLAlchemy itself would do to each value
            (i, processor)
            for i, (name, code) in enumerate(zip(names, self._driver_types[table.name], strict=True))
            if (processor := table.c[name].type.dialect_impl(self._dialect).result_processor(self._dialect, code))
        ]
        rows = self.rows.pop(table.name)
        if not convert:
            return list(map(shape._make, rows))
        typed = []
        for row in rows:
            values = list(row)
            for i, processor in convert:
                values[i] = processor(values[i])
            typed.append(shape._make(values))
        return typed


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
