"""Export, import into an empty database, export again: byte for byte the same."""

import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from kb.cli import cli

from .conftest import dump


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_round_trip_is_lossless(db_url, empty_db_url, tmp_path, fmt):
    runner = CliRunner()
    first = runner.invoke(cli, ["--db", db_url, "export", "--format", fmt])
    assert first.exit_code == 0, first.output
    path = tmp_path / f"kb.{fmt}"
    path.write_text(first.stdout, encoding="utf-8")
    loaded = runner.invoke(cli, ["--db", empty_db_url, "import", str(path)])
    assert loaded.exit_code == 0, loaded.output
    second = runner.invoke(cli, ["--db", empty_db_url, "export", "--format", fmt])
    assert second.stdout == first.stdout


def test_export_to_a_folder_and_import_it(db_url, empty_db_url, tmp_path):
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db_url, "export", "--out", str(tmp_path / "out")]).exit_code == 0
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert "_subjects.yaml" in files and "seed-cost-of-training-ai-models.yaml" in files
    assert runner.invoke(cli, ["--db", empty_db_url, "import", str(tmp_path / "out")]).exit_code == 0
    again = runner.invoke(cli, ["--db", empty_db_url, "export"]).stdout
    assert again == runner.invoke(cli, ["--db", db_url, "export"]).stdout


def test_import_is_idempotent_and_updates_by_slug(db_url, tmp_path):
    runner = CliRunner()
    before = dump(db_url)
    assert runner.invoke(cli, ["--db", db_url, "import", "sources"]).exit_code == 0
    assert dump(db_url) == before
    (tmp_path / "fix.yaml").write_text(
        "source: {slug: seed-cost-of-training-ai-models, title: 'The Cost of Training AI Models: A Deep Dive',"
        " kind: blog, author: Caleb Forestal, published: '2024-05-01', accessed: '2026-11-01',"
        " notes: Seed article. Our copy has no URL., url: 'https://example.com/deep-dive'}\n"
    )
    assert runner.invoke(cli, ["--db", db_url, "import", str(tmp_path / "fix.yaml")]).exit_code == 0
    after = dump(db_url)
    assert len(after["source"]) == len(before["source"])
    shown = runner.invoke(cli, ["--db", db_url, "source", "show", "seed-cost-of-training-ai-models", "--json"])
    assert '"url": "https://example.com/deep-dive"' in shown.stdout


def test_a_source_slugged_like_the_subjects_file_does_not_overwrite_it(db_url, empty_db_url, tmp_path):
    runner = CliRunner()
    added = runner.invoke(
        cli, ["--db", db_url, "source", "add", "--slug", "subjects", "--title", "Subjects", "--kind", "article"]
    )
    assert added.exit_code == 0, added.output
    assert runner.invoke(cli, ["--db", db_url, "export", "--out", str(tmp_path / "out")]).exit_code == 0
    assert runner.invoke(cli, ["--db", empty_db_url, "import", str(tmp_path / "out")]).exit_code == 0

    def subjects(url):
        return sorted(row[1:] for row in dump(url)["subject"])  # ids may differ, nothing else

    assert subjects(empty_db_url) == subjects(db_url)


@pytest.mark.parametrize(
    "stamp,problem",
    [
        ("0001-01-01T00:00:00+05:00", "0001-01-01"),
        ("0001-01-01T00:00:00", "between 1990 and now"),
        ("2999-01-01T00:00:00", "between 1990 and now"),
    ],
)
def test_an_impossible_timestamp_is_refused(kb, db_url, tmp_path, stamp, problem):
    path = tmp_path / "t.yaml"
    path.write_text(
        "source: {slug: s, title: T, kind: article}\nclaims:\n  - {slug: c, subject: GPT-3, quantity: "
        f"training_cost_usd, value: $5M, quote: q, scope: unspecified, claimant: c, created_at: '{stamp}'}}\n"
    )
    before = dump(db_url)
    result = kb("import", str(path))
    assert result.exit_code == 1 and problem in result.stderr
    assert dump(db_url) == before


def test_a_timestamp_keeps_its_moment_whatever_its_offset(kb, tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(
        "source: {slug: s, title: T, kind: article}\nclaims:\n  - {slug: c, subject: GPT-3, quantity: "
        "training_cost_usd, value: $5M, quote: q, scope: unspecified, claimant: c, "
        "created_at: '2024-01-01T12:00:00+05:00', updated_at: '2024-01-01T12:00:00+05:00'}\n"
    )
    assert kb("import", str(path)).exit_code == 0
    shown = json.loads(kb("claim", "show", "c", "--json").stdout)
    assert datetime.fromisoformat(shown["created_at"]) == datetime(2024, 1, 1, 7, tzinfo=UTC)


def test_long_default_slugs_stay_distinct(kb, tmp_path):
    """Two facts whose default slugs share their first 100 characters stay two facts."""
    name = "A model with a name long enough that a slug made from it runs past the limit " * 2
    facts = "".join(
        f"  - {{subject: {name.strip()}, quantity: parameters, value: '{n} billion', basis: published,"
        f" confidence: high, qualifier: variant {n}}}\n"
        for n in (1, 2)
    )
    (tmp_path / "long.yaml").write_text(
        "source: {slug: s, title: T, kind: article}\n"
        f"subjects:\n  - {{name: {name.strip()}, kind: model}}\nfacts:\n{facts}"
    )
    result = kb("import", str(tmp_path / "long.yaml"))
    assert result.exit_code == 0, result.output
    shown = json.loads(kb("subject", "show", name.strip(), "--json").stdout)
    slugs = {f["slug"] for f in shown["facts"]}
    assert len(slugs) == 2 and all(len(slug) <= 100 for slug in slugs)


def test_what_factcheck_add_stores_can_be_exported_and_imported(kb, db_url, tmp_path):
    """The article's own characters (a right-to-left override, a long title) go through the same
    text rules as a source file, so the backup restores."""
    article = tmp_path / "a.md"
    article.write_text("GPT-3 cost \u202e$4.6 million\x07 to train.\n", encoding="utf-8")
    title = "A very long headline about what it cost to train the model " * 3
    result = kb("factcheck", str(article), "--add", "--title", title.strip())
    assert result.exit_code == 0, result.output
    drafts = json.loads(kb("claim", "list", "--status", "draft", "--json").stdout)
    assert len(drafts) == 1 and "\u202e" not in drafts[0]["quote"] and "\x07" not in drafts[0]["quote"]
    assert kb("export", "--out", str(tmp_path / "backup")).exit_code == 0
    before = dump(db_url)
    (exported,) = (tmp_path / "backup").glob("a-very-long-headline-*.yaml")
    restored = kb("import", str(exported))  # the import's validation accepts it, and it changes nothing
    assert restored.exit_code == 0, restored.output
    assert dump(db_url) == before
