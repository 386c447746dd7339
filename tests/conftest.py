"""Fixtures: one database migrated and loaded per session, copied for each test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect, text

from kb import db
from kb.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="Rewrite tests/golden files.")


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "seeded.db"
    result = CliRunner().invoke(cli, ["--db", str(path), "--sources", str(SOURCES), "init"])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "empty.db"
    engine = db.make_engine(str(path))
    db.upgrade(engine)
    engine.dispose()
    return path


def _copy(template: Path, target: Path) -> str:
    shutil.copy(template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def db_url(seeded_template, tmp_path) -> str:
    """A database holding the seed corpus, private to the test."""
    return _copy(seeded_template, tmp_path / "kb.db")


@pytest.fixture
def empty_db_url(empty_template, tmp_path) -> str:
    return _copy(empty_template, tmp_path / "empty.db")


@pytest.fixture
def kb(db_url, tmp_path):
    """Run `kb --db <test database> ARGS…`; returns click's Result."""
    runner = CliRunner()

    def invoke(*args, input=None, url=None):
        return runner.invoke(cli, ["--db", url or db_url, "--sources", str(tmp_path / "none"), *args],
                             input=input)

    return invoke


def dump(url: str) -> dict[str, list]:
    """Every row of every table, to prove a failed command changed nothing."""
    engine = db.make_engine(url)
    with engine.connect() as connection:
        tables = inspect(connection).get_table_names()
        data = {t: [tuple(r) for r in connection.execute(text(f'SELECT * FROM "{t}" ORDER BY 1'))] for t in tables}
    engine.dispose()
    return data
