"""The editor's commands for what claims rest on: kb source, kb subject and kb fact."""

from __future__ import annotations

import click

from kb.cli import (
    KB,
    cli,
    db,
    echo_json,
    echo_table,
    evaluate,
    pass_kb,
    records,
    store,
    views,
    writes,
)
from kb.quantities import (
    BASES,
    CONFIDENCES,
    QUANTITIES,
    RANKS,
    SOURCE_KINDS,
    SUBJECT_KINDS,
)

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")


def existing_slug(engine, find):
    """The slug of an existing record named by any alias. A miss names the closest names, and a
    prompt asks again, instead of listing every name up front."""

    def read(text: str) -> str:
        with db.reading(engine) as session:
            return find(session, text.strip()).slug

    return read


# ---------------------------------------------------------------------------------- sources


@cli.group()
def source():
    """Add, list and show sources: the documents claims come from."""


@source.command(name="add")
@click.option("--slug", help="Identifier (default: made from the title).")
@click.option("--title", required=True)
@click.option("--url", help="http(s) address of the document.")
@click.option("--author")
@click.option("--publisher")
@click.option("--published", help="Publication date: YYYY-MM-DD, YYYY-MM or YYYY.")
@click.option("--accessed", help="When you read it: YYYY-MM-DD.")
@click.option("--kind", type=click.Choice(SOURCE_KINDS), required=True)
@click.option("--notes")
@pass_kb
def source_add(kb: KB, **options):
    """Add a source.

    \b
    Example:
      kb source add --title "GPT-4 cost" --url https://example.com/gpt4 \\
          --author "A. Writer" --published 2024-05-01 --kind article
    """
    record = records.SourceIn.from_command_line(options)
    with db.transaction(kb.engine()) as session:
        row = writes.upsert_source(session, record, replace=False)
    click.echo(f"Added source {row.slug}.")


@source.command(name="list")
@json_option
@pass_kb
def source_list(kb: KB, as_json):
    """List every source with how many claims it makes."""
    with db.reading(kb.engine()) as session:
        counts = store.claim_counts(session)
        rows = [(s, counts.get(store.ident(s), 0)) for s in _all(session, "Source")]
        if as_json:
            echo_json([views.source_record(s) | {"claims": n} for s, n in rows])
            return
        echo_table(
            [[s.slug, s.kind, s.published or "", f"{n:,}", s.title[:60]] for s, n in rows],
            ["slug", "kind", "published", "claims", "title"],
        )


@source.command(name="show")
@click.argument("slug")
@json_option
@pass_kb
def source_show(kb: KB, slug, as_json):
    """Show a source and the claims it makes."""
    with db.reading(kb.engine()) as session:
        row = store.source(session, slug)
        claim_rows = store.claims(session, source_slug=slug)
        record = views.source_record(row) | {"claims": [c.slug for c in claim_rows]}
    if as_json:
        echo_json(record)
        return
    for key, value in record.items():
        if key != "claims" and value:
            click.echo(f"{key:>10}: {value}")
    click.echo(f"{'claims':>10}: {', '.join(record['claims']) or '(none)'}")


def _all(session, model_name: str):
    from sqlmodel import select

    from kb import models

    model = getattr(models, model_name)
    return list(session.exec(select(model).order_by(model.slug)))


# --------------------------------------------------------------------------------- subjects


@cli.group()
def subject():
    """Add, list and show subjects: models, accelerators, organizations."""


@subject.command(name="add")
@click.argument("name")
@click.option("--slug", help="Identifier (default: made from the name).")
@click.option("--kind", type=click.Choice(SUBJECT_KINDS), required=True)
@click.option("--alias", "aliases", multiple=True, help="Another name; repeat for several.")
@click.option("--developer")
@click.option("--year", type=click.IntRange(1900, 2200))
@pass_kb
def subject_add(kb: KB, name, aliases, **options):
    """Add a subject, with the other names it goes by.

    \b
    Example:
      kb subject add GPT-5 --kind model --alias "GPT 5" --developer OpenAI --year 2025
    """
    record = records.SubjectIn.from_command_line({"name": name, "aliases": list(aliases), **options})
    with db.transaction(kb.engine()) as session:
        row = writes.upsert_subject(session, record, replace=False)
    click.echo(f"Added subject {row.slug}.")


@subject.command(name="list")
@click.option("--kind", type=click.Choice(SUBJECT_KINDS))
@json_option
@pass_kb
def subject_list(kb: KB, kind, as_json):
    """List subjects and their aliases."""
    with db.reading(kb.engine()) as session:
        rows = [s for s in _all(session, "Subject") if kind in (None, s.kind)]
        aliases = store.all_aliases(session)
        data = [views.subject_record(s, aliases[store.ident(s)]) for s in rows]
    if as_json:
        echo_json(data)
        return
    echo_table(
        [[d["slug"], d["kind"], d["name"], ", ".join(d["aliases"])[:60]] for d in data],
        ["slug", "kind", "name", "aliases"],
    )


@subject.command(name="show")
@click.argument("name")
@json_option
@pass_kb
def subject_show(kb: KB, name, as_json):
    """Show a subject (by name or any alias) with its facts."""
    with db.reading(kb.engine()) as session:
        row = store.subject(session, name)
        record = views.subject_record(row, store.aliases_of(session, row))
        subjects, sources = store.slugs(session, "subject"), store.slugs(session, "source")
        record["facts"] = [views.fact_record(f, subjects, sources) for f in store.facts_of(session, row)]
    if as_json:
        echo_json(record)
        return
    click.echo(f"{record['name']} ({record['kind']}); aliases: {', '.join(record['aliases']) or '-'}")
    echo_table(
        [
            [f["quantity"], f["display"], f["qualifier"] or "", f["basis"], f["confidence"], f["rank"], f["source"]]
            for f in record["facts"]
        ],
        ["quantity", "value", "qualifier", "basis", "confidence", "rank", "source"],
    )


# ------------------------------------------------------------------------------------ facts


@cli.group()
def fact():
    """Add and list the reference facts the checks rest on."""


@fact.command(name="add")
@click.argument("subject_name", metavar="SUBJECT")
@click.argument("quantity", type=click.Choice(tuple(QUANTITIES)))
@click.argument("value")
@click.option("--basis", type=click.Choice(BASES), required=True)
@click.option("--confidence", type=click.Choice(CONFIDENCES), default="medium", show_default=True)
@click.option("--rank", type=click.Choice(RANKS), default="normal", show_default=True)
@click.option("--source", "source_slug", required=True, help="Slug of the source that states it.")
@click.option("--qualifier", help="E.g. the precision of a peak FLOP/s figure (bf16).")
@click.option("--year", type=click.IntRange(1900, 2200))
@click.option("--note")
@click.option("--slug")
@pass_kb
def fact_add(kb: KB, subject_name, quantity, value, source_slug, **options):
    """Add a fact about a subject, with its source.

    \b
    Example:
      kb fact add GPT-3 parameters 175e9 --basis published --source gpt3-paper
      kb fact add A100 peak_flop_per_s "312 TFLOP/s" --qualifier bf16 --basis published \\
          --source nvidia-a100-datasheet
    """
    data = {"subject": subject_name, "quantity": quantity, "value": value, "source": source_slug, **options}
    record = records.FactIn.from_command_line(data, source_slug)
    with db.transaction(kb.engine()) as session:
        row = writes.upsert_fact(session, record, replace=False)
        changed = evaluate.rejudge(session, {subject_name})
    click.echo(f"Added fact {row.slug}; {changed:,} verdicts changed.")


@fact.command(name="list")
@click.option("--subject", "subject_name")
@json_option
@pass_kb
def fact_list(kb: KB, subject_name, as_json):
    """List facts, optionally for one subject."""
    with db.reading(kb.engine()) as session:
        rows = (
            store.facts_of(session, store.subject(session, subject_name)) if subject_name else store.all_facts(session)
        )
        subjects, sources = store.slugs(session, "subject"), store.slugs(session, "source")
        data = [views.fact_record(f, subjects, sources) for f in rows]
    if as_json:
        echo_json(data)
        return
    echo_table(
        [
            [d["subject"], d["quantity"], d["display"], d["qualifier"] or "", d["basis"], d["confidence"], d["source"]]
            for d in data
        ],
        ["subject", "quantity", "value", "qualifier", "basis", "confidence", "source"],
    )
