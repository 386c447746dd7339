"""Alembic migrations for the knowledge base, run from inside the package (kb:migrations)."""

HEAD = "0002"  # the newest revision: update it with every new migration (tests/test_migrations.py checks)
