"""claims.json and claims.csv: every published claim, one row each, written a few hundred rows at a
time, and after an edit mostly copied from the last build's files.

At 10,000 claims encoding the rows took a third of a second, most of a one-edit rebuild. The rows
are cut into runs whose ends depend on the claims alone (a run ends at a claim whose slug hashes
to a multiple of RUN_ROWS), so an edit or a new claim changes one run and leaves the others as
they were. Each run's bytes are found again in the last build's file by the digest of its claims'
views (which the pages' fingerprints digest anyway), and checked against a digest of those bytes
before they are copied; the manifest keeps both.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import operator
import zlib
from collections.abc import Callable, Iterator

from kb.records import ClaimIn
from kb.site.write import SiteWriter, sanitised_join

# The downloads' columns: a claim's own fields as its record model defines them (less the editorial
# ones: the status's reason, notes, assumptions, times and version), then its source's address and
# its verdict.
EDITORIAL = ("status_reason", "note", "assumptions", "created_at", "updated_at", "version")
DOWNLOAD_COLUMNS = (
    *(k for k in ClaimIn.field_names() if k not in EDITORIAL),
    *("source_url", "verdict", "factor", "p5", "p50", "p95", "explanation"),
)
RUN_ROWS = 500  # rows in a run, on average
MAX_RUN_ROWS = 4 * RUN_ROWS  # so that memory stays bounded whatever the slugs hash to


def download_row(v: dict) -> tuple:
    """A claim's row in claims.csv and claims.json, from its view-model, in DOWNLOAD_COLUMNS order."""
    row = list(_FROM_VIEW(v))
    row[_CURRENCY] = "USD" if v["quantity"].endswith("usd") else None
    row[_DATE] = v["date"] or None
    return tuple(row)


# The view's key for each column; the currency's place is held by the quantity, which decides it.
_VIEW_KEYS = {
    "subject": "subject_slug",
    "currency": "quantity",
    "source": "source_slug",
    "source_url": "source_link",
    "verdict": "verdict_key",
}
_FROM_VIEW = operator.itemgetter(*(_VIEW_KEYS.get(k, k) for k in DOWNLOAD_COLUMNS))
_CURRENCY, _DATE = DOWNLOAD_COLUMNS.index("currency"), DOWNLOAD_COLUMNS.index("date")


def write_downloads(
    writer: SiteWriter, briefs: list[dict], view: Callable[[int], dict], digests: list[bytes], last: dict
) -> dict:
    """Writes both files; returns what the manifest keeps of them for the next build, given
    `last`, what the last build's manifest kept. `briefs` are the claims' (in order) and `view(i)`
    makes the i-th claim's view, which its row is made from; `digests` are the views', in order:
    they stand for the rows."""
    runs = [
        (hashlib.blake2b(b"".join(digests[start:end]), digest_size=16).hexdigest(), start, end)
        for start, end in _runs(briefs)
    ]
    kept = {}
    for name, head, encode, between, tail in (
        ("claims.json", _JSON_HEAD, _json_rows, b",", b"]}\n"),
        ("claims.csv", _csv_head(), _csv_rows, b"", b""),
    ):
        earlier = _Earlier(sanitised_join(writer.target, name), last.get(name) or [])
        pieces: list[list] = []
        writer.write_parts(name, _parts(view, runs, head, encode, between, tail, earlier, pieces))
        earlier.close()
        kept[name] = pieces
    return kept


def _runs(briefs: list[dict]) -> Iterator[tuple[int, int]]:
    """(start, end) of each run of claims."""
    start = 0
    for i, shown in enumerate(briefs):
        if i + 1 - start >= MAX_RUN_ROWS or zlib.crc32(shown["slug"].encode()) % RUN_ROWS == 0 or i + 1 == len(briefs):
            yield start, i + 1
            start = i + 1


def _parts(view, runs, head: bytes, encode, between: bytes, tail: bytes, earlier, pieces: list) -> Iterator[bytes]:
    """The file's bytes, piece by piece; records in `pieces` each run's [rows digest, offset,
    length, bytes digest]."""
    offset = len(head)
    yield head
    for n, (digest, start, end) in enumerate(runs):
        if n:
            yield between
            offset += len(between)
        data, check = earlier.find(digest)
        if data is None:
            data = encode([download_row(view(i)) for i in range(start, end)])
            check = _check(data)
        pieces.append([digest, offset, len(data), check])
        offset += len(data)
        yield data
    yield tail


def _check(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class _Earlier:
    """The last build's copy of a download, and where each run's bytes lie in it."""

    def __init__(self, path: str, pieces: list):
        self.path = path
        self.where = {p[0]: p[1:] for p in pieces if isinstance(p, list) and len(p) == 4}
        self.file: io.BufferedReader | None = None

    def find(self, digest: str) -> tuple[bytes | None, str]:
        """The bytes of the run whose rows have this digest and their check, if the last build
        wrote them and they are still there unchanged."""
        if digest not in self.where:
            return None, ""
        offset, length, check = self.where[digest]
        try:
            if self.file is None:
                self.file = open(self.path, "rb")  # noqa: SIM115 (closed by close())
            self.file.seek(offset)
            data = self.file.read(length)
        except (OSError, TypeError, ValueError):
            return None, ""
        return (data, check) if _check(data) == check else (None, "")

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


_JSON_HEAD = (json.dumps({"columns": list(DOWNLOAD_COLUMNS)}, ensure_ascii=False)[:-1] + ',"claims":[').encode()


def _json_rows(rows: list[tuple]) -> bytes:
    # No indent: the indenting encoder is pure Python and ten times slower.
    objects = [dict(zip(DOWNLOAD_COLUMNS, row, strict=True)) for row in rows]
    return json.dumps(objects, ensure_ascii=False, separators=(",", ":"))[1:-1].encode()


def _csv_head() -> bytes:
    return _csv_rows([DOWNLOAD_COLUMNS])


def _csv_rows(rows: list[tuple]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([_inert(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode()


def _inert(cell):
    """A spreadsheet runs a cell that starts with = + - @ as a formula; a leading ' keeps it text.
    Numbers stay numbers; None is an empty cell."""
    return f"'{cell}" if cell.__class__ is str and cell[:1] in FORMULA_STARTS else cell


FORMULA_STARTS = frozenset("=+-@\t\r")
