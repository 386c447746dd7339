"""The JSON contract for sources, subjects and facts: each record's fields as its model in kb.records
defines them, so ORM objects never leak out and no list of fields is written twice. Claims'
records are kb.listing's."""

from __future__ import annotations

from kb import store
from kb.display import humanize
from kb.models import Fact, Source, Subject
from kb.records import FactIn, SourceIn, SubjectIn


def source_record(row: Source) -> dict:
    return SourceIn.of_row(row)


def subject_record(row: Subject, aliases: list[str]) -> dict:
    return SubjectIn.of_row(row, aliases=aliases)


def fact_record(row: Fact, subjects: dict[int, str], sources: dict[int, str]) -> dict:
    """`subjects` and `sources` give slugs by id (store.slugs), read once for any number of facts.
    A fact's value is its range (low, high, currency) or its text, and `display` as people write it."""
    return FactIn.of_row(
        row,
        subject=subjects[row.subject_id],
        source=sources[row.source_id],
        text=row.text,
        display=row.text or humanize(store.claim_range(row)),
    )
