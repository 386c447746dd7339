"""kb init, kb db …, kb import and kb export."""

from __future__ import annotations

from pathlib import Path

import click

from kb.cli import KB, cli, db, echo_json, evaluate, loading, pass_kb, source_files, store, writes


def initialise(kb: KB, quiet: bool = False) -> dict[str, int]:
    """Migrate to head, then load every file in the sources folder in one transaction."""
    engine = kb.engine(migrate=False)
    db.upgrade(engine)
    loaded = {}
    if kb.sources.is_dir():
        with db.transaction(engine) as session:
            loaded = writes.load_documents(session, loading.read_path(kb.sources, session))
            evaluate.rejudge(session)  # no verdict older than the data it rests on
    elif not quiet:
        click.echo(f"No {kb.sources}/ folder here; created an empty knowledge base.", err=True)
    return loaded


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@pass_kb
def init(kb: KB, as_json):
    """Create or upgrade the database and load every file in sources/.

    Safe to run again: records are updated by slug, nothing is duplicated.

    \b
    Example:
      kb init
      kb --db team.db --sources ~/costcheck/sources init
    """
    loaded = initialise(kb)
    with db.reading(kb.engine()) as session:
        totals = store.counts(session)
    if as_json:
        echo_json({"loaded": loaded, "totals": totals})
        return
    click.echo(
        f"Loaded {loaded.get('sources', 0)} sources, {loaded.get('subjects', 0)} subjects, "
        f"{loaded.get('facts', 0)} facts, {loaded.get('claims', 0)} claims and "
        f"{loaded.get('assumptions', 0)} priors into {kb.url}."
    )
    click.echo(
        f"The knowledge base holds {totals['sources']} sources, {totals['subjects']} subjects, "
        f"{totals['facts']} facts and {totals['claims']} claims."
    )


@cli.group(name="db")
def db_group():
    """Run the database migrations (Alembic, shipped inside kb)."""


@db_group.command()
@click.argument("revision", default="head")
@pass_kb
def upgrade(kb: KB, revision):
    """Upgrade the database schema to REVISION (default: the newest)."""
    db.upgrade(kb.engine(migrate=False), revision)
    click.echo(f"Database at revision {db.current(kb.engine(migrate=False))}.")


@db_group.command()
@click.argument("revision")
@pass_kb
def downgrade(kb: KB, revision):
    """Downgrade the database schema to REVISION ("base" removes every table)."""
    db.downgrade(kb.engine(migrate=False), revision)
    click.echo(f"Database at revision {db.current(kb.engine(migrate=False)) or 'base'}.")


@db_group.command()
@pass_kb
def current(kb: KB):
    """Print the database's revision and the newest one the code knows."""
    click.echo(f"current: {db.current(kb.engine(migrate=False)) or 'base'}")
    click.echo(f"head:    {db.head()}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print it as JSON.")
@pass_kb
def info(kb: KB, as_json):
    """Which knowledge base and which sources kb is using, and what the knowledge base holds."""
    engine = kb.engine()
    revision = db.current(engine)
    with db.reading(engine) as session:
        totals = store.counts(session)
    document = {"database": kb.url, "sources_folder": str(kb.sources), "revision": revision, "holds": totals}
    if as_json:
        echo_json(document)
        return
    click.echo(f"database: {kb.url} (revision {revision})")
    click.echo(f"sources:  {kb.sources}")
    click.echo(
        f"holds:    {totals['sources']:,} sources, {totals['subjects']:,} subjects, {totals['facts']:,} facts, "
        f"{totals['claims']:,} claims"
    )


@cli.command(name="import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@pass_kb
def import_(kb: KB, path):
    """Import a YAML or JSON file (or a folder of them), updating records by slug.

    All or nothing: one bad record and nothing is imported. Running it twice changes nothing.

    \b
    Example:
      kb import sources/
      kb import export/claims.json
    """
    with db.transaction(kb.engine()) as session:
        loaded = writes.load_documents(session, loading.read_path(path, session))
        evaluate.rejudge(session)
    changes = loaded.pop("fact_changes")
    kept = " (their old values kept, ranked deprecated)" if changes["changed"] else ""
    click.echo(
        f"Imported from {path}: " + ", ".join(f"{n:,} {k}" for k, n in loaded.items()) + ". Facts: "
        f"{changes['new']:,} new, {changes['changed']:,} changed{kept}, {changes['unchanged']:,} unchanged.",
        err=True,
    )


@cli.command(name="export")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write one file per source into this folder instead of stdout.",
)
@pass_kb
def export(kb: KB, fmt, out):
    """Export the whole knowledge base; kb import reads it back unchanged.

    \b
    Example:
      kb export --format json > kb.json
      kb export --out backup/
    """
    from kb.export import export_documents  # here, so that kb --help does not load the ORM

    with db.reading(kb.engine()) as session:
        documents = export_documents(session)
    dump = source_files.dump_yaml if fmt == "yaml" else source_files.dump_json
    if out is None:
        click.echo(dump([doc for _, doc in documents]), nl=False)
        return
    out.mkdir(parents=True, exist_ok=True)
    for stem, doc in documents:
        (out / f"{stem}.{fmt}").write_text(dump([doc]), encoding="utf-8")
    click.echo(f"Wrote {len(documents)} files to {out}/.", err=True)
