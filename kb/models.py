"""The SQLModel tables. Constraint names follow one convention so migrations can drop them by
name on SQLite and PostgreSQL alike; every CHECK is named for the same reason."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Column, DateTime, Index, Text
from sqlmodel import Field, SQLModel

from kb.quantities import BASES, CONFIDENCES, RANKS, SCOPES, STATUSES, SUBJECT_KINDS
from kb.timestamps import utc_now

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _range_checks() -> tuple[CheckConstraint, ...]:
    return (
        CheckConstraint("low IS NULL OR high IS NULL OR low <= high", name="low_le_high"),
        CheckConstraint("low IS NULL OR low >= 0", name="low_non_negative"),
        CheckConstraint("high IS NULL OR high >= 0", name="high_non_negative"),
    )


def _timestamp(**kwargs) -> Any:  # a Field, as SQLModel's own signature types it
    return Field(default_factory=utc_now, sa_column=Column(DateTime(timezone=True), nullable=False, **kwargs))


class Source(SQLModel, table=True):
    """A document that makes claims or states facts."""

    __tablename__ = "source"
    __table_args__ = (CheckConstraint("url IS NULL OR url LIKE 'http://%' OR url LIKE 'https://%'", name="url_http"),)
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True)
    title: str
    url: str | None = None
    author: str | None = None
    publisher: str | None = None
    published: str | None = None
    kind: str = Field(index=True)
    accessed: str | None = None
    notes: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class Subject(SQLModel, table=True):
    """What a claim is about: a model, an accelerator, an organization."""

    __tablename__ = "subject"
    __table_args__ = (CheckConstraint(_one_of("kind", SUBJECT_KINDS), name="kind_known"),)
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True)
    name: str
    kind: str = Field(index=True)
    developer: str | None = None
    year: int | None = None
    notes: str | None = Field(default=None, sa_column=Column(Text))


class Alias(SQLModel, table=True):
    """Another name for a subject; `key` is the folded form used for lookup ("gpt4")."""

    __tablename__ = "alias"
    id: int | None = Field(default=None, primary_key=True)
    subject_id: int = Field(foreign_key="subject.id", ondelete="CASCADE", index=True)
    name: str
    key: str = Field(unique=True, index=True)


class Fact(SQLModel, table=True):
    """What the knowledge base holds about a subject, with its basis, confidence and rank."""

    __tablename__ = "fact"
    __table_args__ = (
        *_range_checks(),
        CheckConstraint(_one_of("basis", BASES), name="basis_known"),
        CheckConstraint(_one_of("rank", RANKS), name="rank_known"),
        CheckConstraint(_one_of("confidence", CONFIDENCES), name="confidence_known"),
        Index("ix_fact_subject_quantity", "subject_id", "quantity"),
    )
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True)
    subject_id: int = Field(foreign_key="subject.id", ondelete="CASCADE")
    quantity: str
    low: float | None = None
    high: float | None = None
    currency: str | None = None
    text: str | None = None
    qualifier: str | None = None
    year: int | None = None
    basis: str
    confidence: str
    rank: str = "normal"
    source_id: int = Field(foreign_key="source.id", ondelete="RESTRICT", index=True)
    note: str | None = Field(default=None, sa_column=Column(Text))


class Claim(SQLModel, table=True):
    """A published statement being checked. Never deleted: retracted or superseded instead."""

    __tablename__ = "claim"
    __table_args__ = (
        *_range_checks(),
        CheckConstraint(_one_of("scope", SCOPES), name="scope_known"),
        CheckConstraint(_one_of("status", STATUSES), name="status_known"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_claim_subject_quantity", "subject_id", "quantity"),
    )
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True)
    source_id: int = Field(foreign_key="source.id", ondelete="RESTRICT", index=True)
    subject_id: int = Field(foreign_key="subject.id", ondelete="RESTRICT")
    quantity: str = Field(index=True)
    low: float | None = None
    high: float | None = None
    currency: str | None = None
    value: str
    quote: str = Field(sa_column=Column(Text, nullable=False))
    scope: str
    claimant: str
    claimed_on: str | None = None
    status: str = Field(default="active", index=True)
    status_reason: str | None = None
    note: str | None = Field(default=None, sa_column=Column(Text))
    version: int = 1
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class Assumption(SQLModel, table=True):
    """An input to a check: stated by a claimant (claim_id set) or a global prior (claim_id null)."""

    __tablename__ = "assumption"
    __table_args__ = (
        *_range_checks(),
        CheckConstraint("name <> 'mfu' OR (low > 0 AND high <= 1)", name="mfu_in_unit_interval"),
    )
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True)
    claim_id: int | None = Field(default=None, foreign_key="claim.id", ondelete="CASCADE", index=True)
    name: str
    qualifier: str | None = None
    low: float | None = None
    high: float | None = None
    text: str | None = None
    stated: bool = False
    source_id: int | None = Field(default=None, foreign_key="source.id", ondelete="RESTRICT")
    note: str | None = Field(default=None, sa_column=Column(Text))


class Evaluation(SQLModel, table=True):
    """A verdict computed for a claim at a point in time; history is kept, never overwritten."""

    __tablename__ = "evaluation"
    __table_args__ = (Index("ix_evaluation_claim_created", "claim_id", "created_at"),)
    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", ondelete="CASCADE")
    verdict: str
    factor: float | None = None
    p5: float | None = None
    p50: float | None = None
    p95: float | None = None
    explanation: str = Field(sa_column=Column(Text, nullable=False))
    details: str = Field(sa_column=Column(Text, nullable=False))
    model_version: str
    seed: int
    created_at: datetime = _timestamp()
