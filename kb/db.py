"""Engines, one transaction per command, and Alembic migrations run from inside the package."""

from __future__ import annotations

import time
from contextlib import contextmanager

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

import kb.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from kb.listing import SQLITE_BUSY_TIMEOUT_S
from kb.migrations import HEAD
from kb.paths import normalise_url

# Alembic is imported only by the functions that migrate: loading it costs every command
# a fifth of a second, and the revision check below needs only one query.

DEFAULT_URL = "sqlite:///kb.db"


def make_engine(url: str = DEFAULT_URL) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Autocommit at the driver level so SQLAlchemy's "begin" event below decides how a
    # transaction starts; pragmas must run outside any transaction to take effect.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
    cursor.close()


def _sqlite_begin_immediate(connection) -> None:
    # Take the write lock at the start, so two writers queue on busy_timeout instead of
    # one failing with "database is locked" when it upgrades a read lock mid-transaction.
    # A reading() transaction takes no write lock: readers never hold up writers.
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


READ_ONLY = "kb_read_only"


@contextmanager
def reading(engine: Engine):
    """A Session for commands that only read: on SQLite it takes no write lock, and whatever
    it might flush is rolled back, never committed."""
    with Session(engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False) as session:
        try:
            yield session
        finally:
            session.rollback()


@contextmanager
def transaction(engine: Engine, retries: int = 5):
    """One Session, committed on success and rolled back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def run_with_retry(engine: Engine, work, attempts: int = 8):
    """Run work(session) in a transaction, retrying when SQLite reports a lock."""
    for attempt in range(attempts):
        try:
            with transaction(engine) as session:
                return work(session)
        except OperationalError as e:
            if "locked" not in str(e) or attempt == attempts - 1:
                raise
            time.sleep(0.05 * 2**attempt)


def alembic_config(connection=None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "kb:migrations")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _with_migration_connection(engine: Engine, action) -> None:
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # batch mode recreates tables, so foreign keys must be off; on the raw driver
            # connection, because SQLite ignores the pragma inside a transaction
            driver = connection.connection.driver_connection
            assert driver is not None
            driver.execute("PRAGMA foreign_keys=OFF")
        action(alembic_config(connection))
        connection.commit()


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    _with_migration_connection(engine, lambda cfg: command.upgrade(cfg, revision))


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    _with_migration_connection(engine, lambda cfg: command.downgrade(cfg, revision))


def current(engine: Engine) -> str | None:
    """The database's revision (None for an empty database), as Alembic records it."""
    with engine.execution_options(**{READ_ONLY: True}).connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def head() -> str:
    """The newest revision in kb/migrations (a test checks it against Alembic's own reading)."""
    return HEAD
