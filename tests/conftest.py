"""Fixtures: one database migrated and loaded per session, copied for each test.

SQLite by default (a file copied per test). With KB_TEST_DATABASE_URL pointing at a PostgreSQL
server, the same fixtures hand out PostgreSQL databases instead, each created from a template
database and dropped at the end of the session.
"""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from kb import db
from kb.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"
POSTGRES_URL = os.environ.get("KB_TEST_DATABASE_URL")
# Pagefind's index takes seconds per build: the tests about search ask for it (--search, search=True).
os.environ["KB_SEARCH"] = "0"
# What builds keep in the user's cache (compiled templates) goes to a folder of the test run's own.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="kb-test-cache-")
atexit.register(shutil.rmtree, os.environ["XDG_CACHE_HOME"], True)


class Databases:
    """Hands out fresh databases: empty (migrated) or seeded (kb init on sources/)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.counter = itertools.count()
        self.created: list[str] = []
        self.admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT") if POSTGRES_URL else None
        self.templates = {"empty": self._template("empty", seed=False), "seeded": self._template("seeded", seed=True)}

    def _url(self, name: str) -> str:
        if self.admin is None:
            return f"sqlite:///{self.folder / name}.db"
        return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)

    def _create(self, name: str, template: str | None = None) -> str:
        if self.admin is not None:
            with self.admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                connection.exec_driver_sql(
                    f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
                )
            self.created.append(name)
        elif template is not None:
            shutil.copy(self.folder / f"{template}.db", self.folder / f"{name}.db")
        return self._url(name)

    def _template(self, kind: str, seed: bool) -> str:
        name = f"kbt_{kind}_{os.getpid()}"
        url = self._create(name)
        if seed:
            result = CliRunner().invoke(cli, ["--db", url, "--sources", str(SOURCES), "init"])
            assert result.exit_code == 0, result.output
        else:
            engine = db.make_engine(url)
            db.upgrade(engine)
            engine.dispose()
        return name

    def new(self, kind: str = "seeded") -> str:
        return self._create(f"kbt_{next(self.counter)}_{os.getpid()}", self.templates[kind])

    def close(self) -> None:
        if self.admin is not None:
            with self.admin.connect() as connection:
                for name in self.created:
                    connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self.admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    factory = Databases(tmp_path_factory.mktemp("databases"))
    yield factory
    factory.close()


def pytest_collection_modifyitems(config, items):
    """Against PostgreSQL, run only the tests that use the fixtures' databases: the others never
    touch PostgreSQL, so they already gave their answer in the SQLite run. The browser tests are
    left out too: they test what Chromium does with the built pages, and the pages built from
    PostgreSQL are tested in test_site.py."""
    if not POSTGRES_URL:
        return
    uses = {
        item: "databases" in getattr(item, "fixturenames", ()) and item.path.name != "test_browser.py" for item in items
    }
    config.hook.pytest_deselected(items=[item for item in items if not uses[item]])
    items[:] = [item for item in items if uses[item]]


@pytest.fixture
def db_url(databases) -> str:
    """A database holding the seed corpus, private to the test."""
    return databases.new("seeded")


@pytest.fixture
def empty_db_url(databases) -> str:
    return databases.new("empty")


@pytest.fixture
def kb(db_url, tmp_path):
    """Run `kb --db <test database> ARGS…`; returns click's Result."""
    runner = CliRunner()

    def invoke(*args, input=None, url=None, color=False):
        """`color=True` runs as at a terminal; by default output goes to a pipe."""
        command = ["--db", url or db_url, "--sources", str(tmp_path / "none"), *args]
        return runner.invoke(cli, command, input=input, color=color)

    return invoke


def dump(url: str) -> dict[str, list]:
    """Every row of every table, to prove a failed command changed nothing."""
    engine = db.make_engine(url)
    with engine.connect() as connection:
        tables = inspect(connection).get_table_names()
        data = {t: [tuple(r) for r in connection.execute(text(f'SELECT * FROM "{t}" ORDER BY 1'))] for t in tables}
    engine.dispose()
    return data
