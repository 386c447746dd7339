"""Migrations: they round-trip with data in place, and they match the models."""

from alembic import command
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from click.testing import CliRunner

from kb import db
from kb.cli import cli

from .conftest import dump


def test_the_head_revision_the_code_expects_is_the_newest_migration():
    assert db.head() == ScriptDirectory.from_config(db.alembic_config()).get_current_head()


def test_upgrade_downgrade_upgrade_keeps_the_data(db_url, tmp_path):
    engine = db.make_engine(db_url)
    before = dump(db_url)
    export_dir = tmp_path / "before"
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db_url, "export", "--out", str(export_dir)]).exit_code == 0
    # a downgrade to base drops the tables; the data comes back through export/import
    db.downgrade(engine, "base")
    assert db.current(engine) is None
    db.upgrade(engine)
    assert db.current(engine) == db.head()
    assert runner.invoke(cli, ["--db", db_url, "import", str(export_dir)]).exit_code == 0
    after = dump(db_url)
    for table in ("source", "subject", "claim", "fact", "assumption"):
        assert len(after[table]) == len(before[table]), table
    engine.dispose()


def test_downgrade_and_upgrade_through_the_cli(db_url):
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db_url, "db", "downgrade", "base"]).exit_code == 0
    result = runner.invoke(cli, ["--db", db_url, "claim", "list"])
    assert result.exit_code == 1 and "kb db upgrade" in result.stderr
    assert runner.invoke(cli, ["--db", db_url, "db", "upgrade"]).exit_code == 0
    assert runner.invoke(cli, ["--db", db_url, "db", "current"]).stdout.startswith(f"current: {db.head()}")


def test_models_and_migrations_agree(empty_db_url):
    engine = db.make_engine(empty_db_url)
    with engine.connect() as connection:
        try:
            command.check(db.alembic_config(connection))
        except CommandError as e:  # pragma: no cover - the failure message is the diff
            raise AssertionError(f"models and migrations differ: {e}") from None
    engine.dispose()
