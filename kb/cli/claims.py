"""The editor's commands for claims: kb claim add, list, show, edit, review and retract."""

from __future__ import annotations

from datetime import UTC

import click

from kb.cli import (
    KB,
    cli,
    db,
    echo_json,
    echo_table,
    evaluate,
    fields,
    listing,
    paint,
    pass_kb,
    records,
    require,
    stdin_is_terminal,
    store,
    writes,
)
from kb.cli.edit import existing_slug, json_option
from kb.display import off_by
from kb.errors import InvalidRecord
from kb.quantities import (
    CLAIM_QUANTITIES,
    SCOPES,
    STATUSES,
    TEXT_ASSUMPTIONS,
    label_of,
)
from kb.verdict import VERDICTS


@cli.group()
def claim():
    """Add, list, show, edit and retract claims."""


def _assumptions(pairs: tuple[str, ...]) -> list[dict]:
    result = []
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not value.strip():
            raise InvalidRecord(f'--assume "{pair}": expected NAME=VALUE, e.g. gpu_hour_price_usd=1-2')
        value = value.strip()
        entry = {"name": name.strip(), "value": value}
        if name.strip() in TEXT_ASSUMPTIONS:
            result.append(entry)
            continue
        if "$" not in value and name.strip().endswith("_usd"):
            entry["value"] = f"${value}" + (" per hour" if name.strip() == "gpu_hour_price_usd" else "")
        result.append(entry)
    return result


@claim.command(name="add")
@click.option("--slug", help="Identifier (default: subject-quantity-source, then -2, -3 … for further claims like it).")
@click.option("--source", "source_slug", help="Slug of the source that makes the claim.")
@click.option("--subject", "subject_name", help="Model or accelerator, by name or alias.")
@click.option("--quantity", type=click.Choice(CLAIM_QUANTITIES))
@click.option("--value", help='As stated: "$60 to $100 million", "100 trillion".')
@click.option("--scope", type=click.Choice(SCOPES))
@click.option("--quote", help="The sentence that makes the claim (a short quote).")
@click.option("--claimant", help="Who says it (default: the source's author).")
@click.option("--date", "claimed_on", help="When it was said: YYYY-MM-DD (default: the source's date).")
@click.option(
    "--assume",
    "assume",
    multiple=True,
    metavar="NAME=VALUE",
    help="An assumption the claimant states, e.g. gpu_hour_price_usd=1-2 or hardware=A100.",
)
@click.option("--note")
@pass_kb
def claim_add(
    kb: KB, slug, source_slug, subject_name, quantity, value, scope, quote, claimant, claimed_on, assume, note
):
    """Add a claim. Missing options are asked for on a terminal.

    \b
    Example:
      kb claim add --source my-article --subject GPT-4 --quantity training_cost_usd \\
          --value "$60 to $100 million" --scope final_training_run \\
          --quote "GPT-4 cost $60 to $100 million to train" --claimant "A. Writer" \\
          --assume gpu_hour_price_usd=1-2 --assume hardware=A100
    """
    engine = kb.engine()
    source_slug = require(source_slug, "--source", "Source", value_proc=existing_slug(engine, store.source))
    subject_name = require(subject_name, "--subject", "Subject", value_proc=existing_slug(engine, store.subject))
    quantity = require(quantity, "--quantity", "Quantity", type=click.Choice(CLAIM_QUANTITIES))
    value = require(value, "--value", "Value as stated")
    scope = require(scope, "--scope", "Scope", type=click.Choice(SCOPES), default="unspecified")
    quote = require(quote, "--quote", "Quote")
    with db.transaction(engine) as session:
        src = store.source(session, source_slug)
        data = {
            "slug": slug,
            "subject": subject_name,
            "quantity": quantity,
            "value": value,
            "scope": scope,
            "quote": quote,
            "claimant": claimant or src.author,
            "date": claimed_on or src.published,
            "note": note,
            "assumptions": _assumptions(assume),
        }
        data["claimant"] = data["claimant"] or require(None, "--claimant", "Claimant")
        record = records.ClaimIn.from_command_line(data, source_slug)
        if slug is None:  # a source may make several claims about one subject and quantity
            record = record.model_copy(update={"slug": writes.free_claim_slug(session, record.slug)})
        row = writes.upsert_claim(session, record, replace=False)
        evaluate.rejudge(session, {subject_name})
        verdict = _verdict_line(store.latest_evaluation(session, store.ident(row)))
    click.echo(f"Added claim {row.slug}: {verdict}")


@claim.command(name="list")
@click.option("--subject", "subject_name", help="Only claims about this subject (name or alias).")
@click.option("--quantity", type=click.Choice(CLAIM_QUANTITIES))
@click.option("--source", "source_slug")
@click.option(
    "--active", is_flag=True, help="Only active claims: no drafts, retracted or superseded ones (as --status active)."
)
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(STATUSES),
    help="Only claims with this status (repeatable), e.g. draft for fact-check findings awaiting review.",
)
@click.option(
    "--verdict", "verdicts", multiple=True, type=click.Choice(VERDICTS), help="Only claims with this verdict."
)
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M"]),
    help="Only claims added or changed at or after this UTC date or time (2026-12-01, 2026-12-01T09:30).",
)
@json_option
@pass_kb
def claim_list(kb: KB, subject_name, quantity, source_slug, active, statuses, verdicts, since, as_json):
    """List claims with their latest verdict.

    \b
    Example:
      kb claim list --subject GPT-4 --quantity training_cost_usd
      kb claim list --status draft
      kb claim list --verdict implausible --verdict doubtful
      kb claim list --since 2026-12-01
    """
    with kb.reader() as connection:
        data = listing.claims(
            connection,
            subject_name,
            quantity,
            source_slug,
            statuses=(*statuses, "active") if active else statuses,
            verdicts=verdicts,
            since=since and since.replace(tzinfo=UTC),
        )
    if as_json:
        echo_json(data)
        return
    echo_table(
        [
            [d["slug"][:40], d["subject"], d["quantity"], listing.shown(d), d["status"], d["verdict"] or "-"]
            for d in data
        ],
        ["slug", "subject", "quantity", "value", "status", "verdict"],
        verdict_column=5,
    )


@claim.command(name="show")
@click.argument("slug")
@json_option
@pass_kb
def claim_show(kb: KB, slug, as_json):
    """Show a claim with its assumptions and latest verdict."""
    with kb.reader() as connection:
        record = listing.claim(connection, slug)
    if as_json:
        echo_json(record)
        return
    record["range"] = listing.shown(record)
    factor = record.pop("factor")
    record["off by"] = off_by(factor) if factor is not None and factor > 1 else None
    for key in (
        "slug",
        "subject",
        "quantity",
        "value",
        "range",
        "scope",
        "claimant",
        "date",
        "source",
        "status",
        "status_reason",
        "verdict",
        "off by",
        "explanation",
    ):
        if record.get(key) is not None:
            value = paint(record[key], record[key]) if key == "verdict" else record[key]
            click.echo(f"{key:>13}: {value}")
    click.echo(f"{'quote':>13}: “{record['quote']}”")
    for a in record["assumptions"]:
        shown = a["text"] or f"{a['low']:g}–{a['high']:g}"
        click.echo(f"{'assumes':>13}: {a['name']} = {shown}{' (stated)' if a['stated'] else ''}")


@claim.command(name="edit")
@click.argument("slug")
@click.option("--value", help="New value as stated.")
@click.option("--subject", "subject_name")
@click.option("--scope", type=click.Choice(SCOPES))
@click.option("--quote")
@click.option("--claimant")
@click.option("--date", "claimed_on")
@click.option("--note")
@click.option(
    "--expect-version",
    type=int,
    help="Refuse the edit if the claim's version is no longer this (see kb claim show --json).",
)
@pass_kb
def claim_edit(kb: KB, slug, value, subject_name, scope, quote, claimant, claimed_on, note, expect_version):
    """Change a claim. Each change bumps its version; a stale --expect-version is refused.

    \b
    Example:
      kb claim edit gpt-4-training-cost-usd-my-article --value "$70 to $100 million"
    """
    given = {"subject": subject_name, "value": value, "scope": scope, "quote": quote}
    given |= {"claimant": claimant, "date": claimed_on, "note": note}
    if all(v is None for v in given.values()):
        raise click.UsageError("Nothing to change: give at least one option.")
    with db.transaction(kb.engine()) as session:
        before = store.claim(session, slug).subject_id
        row = writes.edit_claim_as_given(session, slug, given, expect_version)
        evaluate.rejudge(session, {store.subject_slug(session, before), store.subject_slug(session, row.subject_id)})
        verdict = _verdict_line(store.latest_evaluation(session, store.ident(row)))
    click.echo(f"Updated claim {row.slug} (version {row.version}): {verdict}")


def _verdict_line(evaluation) -> str:
    if evaluation is None:
        return "not checked."
    return f"{paint(evaluation.verdict, evaluation.verdict)}. {evaluation.explanation}"


def _drafts_to(kb: KB, slugs: tuple[str, ...], status: str, reason: str | None) -> None:
    with db.transaction(kb.engine()) as session:
        rows = [writes.settle_draft(session, slug, status, reason) for slug in slugs]
        if status == "active":
            evaluate.rejudge(session, {store.subject_slug(session, r.subject_id) for r in rows})
    click.echo(f"{'Accepted' if status == 'active' else 'Rejected'} {len(rows):,} draft{'s' * (len(rows) != 1)}.")


@claim.command(name="accept")
@click.argument("slugs", nargs=-1, required=True)
@pass_kb
def claim_accept(kb: KB, slugs):
    """Publish drafts: kb factcheck --add stores what it reads as drafts, never published until accepted.

    \b
    Example:
      kb claim list --status draft
      kb claim accept my-article-1-training-cost-usd my-article-2-parameters
    """
    _drafts_to(kb, slugs, "active", None)


@claim.command(name="reject")
@click.argument("slugs", nargs=-1, required=True)
@click.option("--reason", required=True, help="What is wrong with the reading; kept with the rejected draft.")
@pass_kb
def claim_reject(kb: KB, slugs, reason):
    """Reject drafts that misread their article. They are kept (with the reason), never published.

    \b
    Example:
      kb claim reject my-article-3-gpu-hours --reason "per-node figure, not the run"
    """
    _drafts_to(kb, slugs, "rejected", fields.clean_text(reason, "--reason"))


@claim.command(name="review")
@pass_kb
def claim_review(kb: KB):
    """Walk through the drafts at a terminal: accept, edit the value, reject with a reason, or skip.

    \b
    Example:
      kb factcheck article.md --add --title "What GPT-4 cost" && kb claim review
    """
    if not stdin_is_terminal():
        raise click.UsageError(
            "kb claim review asks questions at a terminal; in scripts use kb claim accept "
            "SLUG… or kb claim reject SLUG… --reason TEXT."
        )
    with kb.reader() as connection:
        shown = listing.claims(connection, statuses=("draft",))
    if not shown:
        click.echo("No drafts to review.")
        return
    for n, d in enumerate(shown, 1):
        click.echo(
            f"\n[{n}/{len(shown)}] {d['slug']}\n  “{d['quote']}”\n  read as: {d['subject']} · "
            f"{label_of(d['quantity'])} · {d['value']}\n  verdict: {d.get('verdict') or 'not checked'}. "
            f"{d.get('explanation') or ''}"
        )
        choice = click.prompt(
            "  [a]ccept, [e]dit the value, [r]eject, [s]kip, [q]uit",
            type=click.Choice(["a", "e", "r", "s", "q"]),
            show_choices=False,
            default="s",
        )
        if choice == "q":
            break
        if choice == "e":
            value = click.prompt("  value as stated", default=d["value"])
            with db.transaction(kb.engine()) as session:
                kept = ("slug", "subject", "quantity", "quote", "scope", "claimant", "date", "status")
                record = records.ClaimIn.from_command_line({**{k: d[k] for k in kept}, "value": value}, d["source"])
                writes.edit_claim(session, d["slug"], {"value": (record.value_text, record.value)})
            choice = "a"
        if choice == "a":
            _drafts_to(kb, (d["slug"],), "active", None)
        elif choice == "r":
            _drafts_to(kb, (d["slug"],), "rejected", fields.clean_text(click.prompt("  why"), "reason"))


@claim.command(name="retract")
@click.argument("slug")
@click.option("--reason", required=True, help="Why: shown beside the claim on the site.")
@click.option("--superseded", is_flag=True, help="Mark superseded (a newer claim replaces it) rather than retracted.")
@pass_kb
def claim_retract(kb: KB, slug, reason, superseded):
    """Mark a claim retracted. It is kept, with the reason, never deleted."""
    with db.transaction(kb.engine()) as session:
        row = writes.retract_claim(
            session, slug, fields.clean_text(reason, "--reason"), "superseded" if superseded else "retracted"
        )
    click.echo(f"Claim {row.slug} is now {row.status}.")
