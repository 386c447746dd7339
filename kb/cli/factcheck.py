"""kb factcheck: every quantitative training claim in an article, checked."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import click

from kb.cli import KB, cli, db, echo_json, evaluate, fields, paint, pass_kb
from kb.errors import KBError


@cli.command()
@click.argument("path", type=click.Path(dir_okay=True, allow_dash=True, path_type=Path), required=False)
@click.option("--json", "as_json", is_flag=True, help='Print {"claims": [...]} as JSON.')
@click.option(
    "--html",
    "html_out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the article as a page with every claim highlighted in its verdict's colour.",
)
@click.option("--add", is_flag=True, help="Store the article as a source, with its claims (needs --title).")
@click.option("--title", help="Title of the article, for --add.")
@click.option("--url", help="Address of the article, for --add.")
@click.option(
    "--eval",
    "eval_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Score the fact-checker on a folder of labelled articles (see tests/factcheck_corpus).",
)
@pass_kb
def factcheck(kb: KB, path, as_json, html_out, add, title, url, eval_dir):
    """Find and check every quantitative claim about AI training in an article.

    Reads plain text, Markdown or HTML (a file, or - for standard input). Each claim is linked
    to the model or accelerator it is about and checked like a stored claim; numbers the
    article itself states (parameters, tokens, hardware, hours, prices) are used where the
    knowledge base has none, so an article that contradicts itself is caught.

    \b
    Example:
      kb factcheck article.md
      curl -s https://example.com/story.html | kb factcheck - --json
      kb factcheck article.html --html report.html
      kb factcheck article.md --add --title "What GPT-4 cost" --url https://example.com/gpt4
      kb factcheck --eval tests/factcheck_corpus
    """
    from kb.factcheck import article, check, evaluation

    if eval_dir is not None:
        with db.reading(kb.engine()) as session:
            scores = evaluation.evaluate_corpus(eval_dir, _catalogue(session))
        echo_json(scores) if as_json else click.echo(evaluation.describe(scores))
        return
    if path is None:
        raise click.UsageError("Give an article's PATH, or - to read standard input.")
    if add and not title:
        raise click.UsageError("--add needs --title (and preferably --url).")
    stdin = str(path) == "-"
    text = article.read_article(_read_stdin() if stdin else _read(path), "stdin" if stdin else str(path))
    with (db.transaction if add else db.reading)(kb.engine()) as session:
        report = check.factcheck(text, _catalogue(session))
        if add and report.findings:
            _add(session, report, title, url)
    if html_out is not None:
        from kb.site.factcheck_page import write_report

        write_report(report, html_out, title or ("Article" if stdin else path.name))
        click.echo(f"Wrote {html_out}.", err=True)
    if as_json:
        echo_json({"claims": [f.as_dict() for f in report.findings]})
    elif not report.findings:
        click.echo("no claims found")
    else:
        click.echo(check.render_terminal(report, paint))
        click.echo(_tally(report))
    if stopped := _stopped(report):
        click.echo(stopped, err=True)


def _stopped(report) -> str | None:
    """What was left unread or unchecked, if anything: a data dump holds more claims than are checked."""
    checked = f"Stopped after {len(report.findings):,} claims"
    if report.unread_from is not None:
        at, text = report.unread_from, report.text
        line, lines = text.count("\n", 0, at) + 1, len(text.splitlines())
        return (
            f"{checked}, at line {line:,} of {lines:,}, {at / len(text):.0%} of the text: the rest was not read. "
            "Split the text to check it."
        )
    if report.unchecked:
        return f"{checked}; {report.unchecked:,} more were not checked. Split the text to check them."
    return None


def _catalogue(session) -> evaluate.Catalogue:
    """The knowledge base, loaded once and kept out of the garbage collector's sight: it lives until
    the command exits, and walking its objects on every full collection took a fifth of the time
    of checking a long article."""
    cat = evaluate.Catalogue(session)
    gc.freeze()
    return cat


def _tally(report) -> str:
    """ "12 claims: 3 consistent, 1 needs review, …"."""
    counts: dict[str, int] = {}
    for f in report.findings:
        shown = f.verdict.verdict if f.status == "checked" else "need review"
        counts[shown] = counts.get(shown, 0) + 1
    n = len(report.findings)
    parts = [f"{k:,} {'needs review' if v == 'need review' and k == 1 else v}" for v, k in sorted(counts.items())]
    return f"{n:,} claim{'s' * (n != 1)}: " + ", ".join(parts)


def _add(session, report, title: str, url: str | None) -> None:
    from kb.factcheck import drafts

    added = drafts.store_drafts(session, report, title, url)
    evaluate.rejudge(session, {f.subject for f in report.findings if f.status == "checked" and f.subject})
    click.echo(
        f"Stored {added} drafts under source {fields.slugify(title)}: they are not published until "
        "accepted (kb claim review, or kb claim accept / reject).",
        err=True,
    )


def _read_stdin() -> bytes:
    """At most one byte more than the size limit: the limit applies while reading."""
    from kb.factcheck.article import MAX_BYTES

    return sys.stdin.buffer.read(MAX_BYTES + 1)


def _read(path: Path) -> bytes:
    """At most one byte more than the size limit: /dev/zero or a growing file is not read forever."""
    from kb.factcheck.article import MAX_BYTES

    if path.is_dir():
        raise KBError(f"{path} is a folder; give an article file (or use --eval for a labelled folder)")
    try:
        with path.open("rb") as f:
            return f.read(MAX_BYTES + 1)
    except OSError as e:
        raise KBError(f"cannot read {path}: {e.strerror}") from None
