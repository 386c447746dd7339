"""Alembic environment: migrates the connection the caller passes in (see kb.db)."""

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import kb.models  # noqa: F401

config = context.config
target_metadata = SQLModel.metadata


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    with create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://").connect() as connection:
        run_migrations(connection)
