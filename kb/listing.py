"""Claims as records (the JSON contract), read with plain SQL over a DB-API connection.

Listings are what people run most, so they load no SQLAlchemy or SQLModel: on SQLite
`kb claim list` answers in about the time sqlite-utils does. The one definition of a claim's
record: `kb claim list`, `kb claim show` and `kb claim review` all read it from here.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from kb.display import humanize
from kb.errors import NotFound
from kb.quantities import Range, unit_of
from kb.timestamps import iso_utc
from kb.values import alias_key

SQLITE_BUSY_TIMEOUT_S = 30.0  # the ORM's engine waits as long for a lock

# A claim's fields as kb.records.ClaimIn names them (a test holds them to it; importing the model
# here would slow every listing's start), then its latest verdict.
CLAIMS = """
SELECT c.slug, src.slug AS source, sub.slug AS subject, c.quantity, c.low, c.high, c.currency, c.value,
       c.quote, c.scope, c.claimant, c.claimed_on AS date, c.status, c.status_reason, c.note, c.version,
       c.created_at, c.updated_at, e.verdict, e.factor, e.p5, e.p50, e.p95, e.explanation, e.model_version,
       e.created_at AS evaluated_at, c.id
FROM claim c
JOIN source src ON src.id = c.source_id
JOIN subject sub ON sub.id = c.subject_id
LEFT JOIN evaluation e ON e.id = (SELECT max(id) FROM evaluation WHERE claim_id = c.id)
"""
ASSUMPTIONS = """
SELECT name, qualifier, low, high, text, stated, note FROM assumption WHERE claim_id = ? ORDER BY id
"""


def open_sqlite(path: Path) -> sqlite3.Connection:
    """A read-only connection to a SQLite knowledge base: it can neither lock out writers nor change it."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=SQLITE_BUSY_TIMEOUT_S)


def revision(connection: Any) -> str | None:
    """The schema revision Alembic recorded; None where there is none (not a knowledge base yet)."""
    try:
        found = _rows(connection, "SELECT version_num FROM alembic_version", [])
    except sqlite3.OperationalError:  # no such table
        return None
    return found[0]["version_num"] if found else None


def claims(
    connection: Any,
    subject: str | None = None,
    quantity: str | None = None,
    source: str | None = None,
    statuses: tuple[str, ...] = (),
    verdicts: tuple[str, ...] = (),
    since: datetime | None = None,
) -> list[dict]:
    """Claims with their latest verdicts, filtered, in slug order. `subject` is a slug, name or
    alias; an unknown subject or source is refused with the closest names."""
    where: list[str] = []
    params: list[Any] = []
    if subject:
        where.append("c.subject_id = ?")
        params.append(_subject_id(connection, subject))
    if source:
        where.append("c.source_id = ?")
        params.append(_one(connection, "SELECT id FROM source WHERE slug = ?", source, "source"))
    for column, values in (("c.quantity", (quantity,) if quantity else ()), ("c.status", statuses)):
        if values:
            where.append(f"{column} IN ({', '.join('?' * len(values))})")
            params.extend(values)
    if verdicts:
        where.append(f"e.verdict IN ({', '.join('?' * len(verdicts))})")
        params.extend(verdicts)
    if since:
        where.append("c.updated_at >= ?")
        params.append(since.strftime("%Y-%m-%d %H:%M:%S") if _is_sqlite(connection) else since)
    query = CLAIMS + (f"WHERE {' AND '.join(where)}\n" if where else "") + "ORDER BY c.slug"
    return [_record(row) for row in _rows(connection, query, params)]


def claim(connection: Any, slug: str) -> dict:
    """One claim's record, with the assumptions its claimant stated or an editor overrode."""
    found = _rows(connection, CLAIMS + "WHERE c.slug = ?", [slug])
    if not found:
        raise NotFound.among("claim", slug, [row["slug"] for row in _rows(connection, "SELECT slug FROM claim", [])])
    claim_id = found[0]["id"]
    record = _record(found[0])
    record["assumptions"] = [
        row | {"stated": bool(row["stated"])} for row in _rows(connection, ASSUMPTIONS, [claim_id])
    ]
    return record


def shown(record: dict) -> str:
    """A claim's figure as people write it ("$4.6 million")."""
    return humanize(Range(record["low"], record["high"], unit_of(record["quantity"]), record["currency"]))


def _record(row: dict) -> dict:
    """The JSON contract's claim: the row as selected, times in ISO 8601, the estimate as one object."""
    record: dict[str, Any] = {}
    for key, value in row.items():
        if key == "p5":
            record["estimate"] = None if row["p50"] is None else {q: row[q] for q in ("p5", "p50", "p95")}
        elif key not in ("id", "p50", "p95"):
            record[key] = value
    record["created_at"], record["updated_at"] = iso_utc(row["created_at"]), iso_utc(row["updated_at"])
    if row["verdict"] is None:  # never checked: nothing about a verdict to report
        for key in ("model_version", "evaluated_at"):
            del record[key]
    else:
        record["evaluated_at"] = iso_utc(row["evaluated_at"])
    return record


def _subject_id(connection: Any, name: str) -> int:
    """A subject by slug, name or any alias, case- and punctuation-insensitively (as store.subject)."""
    found = _rows(connection, "SELECT id FROM subject WHERE slug = ?", [name]) or _rows(
        connection, "SELECT subject_id AS id FROM alias WHERE key = ?", [alias_key(name)]
    )
    if not found:
        raise NotFound.among("subject", name, [row["name"] for row in _rows(connection, "SELECT name FROM alias", [])])
    return found[0]["id"]


def _one(connection: Any, query: str, value: str, kind: str) -> int:
    found = _rows(connection, query, [value])
    if not found:
        raise NotFound.among(kind, value, [row["slug"] for row in _rows(connection, f"SELECT slug FROM {kind}", [])])
    return found[0]["id"]


def _is_sqlite(connection: Any) -> bool:
    return isinstance(connection, sqlite3.Connection)


def _rows(connection: Any, query: str, params: list) -> list[dict]:
    """Rows, as dicts by column name, of a query written with `?` placeholders (in the driver's own style)."""
    cursor = connection.cursor()
    try:
        cursor.execute(query if _is_sqlite(connection) else query.replace("?", "%s"), params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]
    finally:
        cursor.close()
