"""What a path holds, as documents: YAML and JSON sources, and Epoch AI's CSV tables.

Epoch's rows are matched to the subjects the knowledge base (and the files loaded beside them)
already know, so its facts join "GPT-3" instead of creating a second GPT-3.
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from kb import epoch, epoch_files, records, source_files, store
from kb.errors import InvalidRecord
from kb.values import alias_key

EPOCH_FOLDER = "epoch"  # inside a sources folder: Epoch AI's tables, loaded after the YAML files


def read_path(path: Path, session: Session) -> list[records.Document]:
    """Every document at a path: a YAML/JSON file, an Epoch CSV, or a folder of them (and its epoch/)."""
    path = Path(path)
    if path.is_dir():
        documents = source_files.read_documents(path)
        tables = sorted(path.glob("*.csv")) + sorted((path / EPOCH_FOLDER).glob("*.csv"))
    elif path.suffix == ".csv":
        documents, tables = [], [path]
    elif path.exists():
        return source_files.read_documents(path)
    else:
        raise InvalidRecord(f"{path}: no such file or folder")
    if tables:
        known = store.alias_index(session)
        for doc in documents:
            for subject in doc.subjects:
                for name in (subject.slug, subject.name, *subject.aliases):
                    known.setdefault(alias_key(name), subject.slug)
        documents += epoch.documents(epoch_files.read_tables(tables), lambda name: known.get(alias_key(name)))
    return documents
