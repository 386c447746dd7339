"""The editor's commands through the CLI, on a private copy of the seeded database."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import yaml

from kb import cli as cli_module

from .conftest import dump

ARTICLE = [
    "source",
    "add",
    "--slug",
    "my-article",
    "--title",
    "What GPT-4 cost",
    "--url",
    "https://example.com/gpt4",
    "--author",
    "A. Writer",
    "--published",
    "2024-05-01",
    "--kind",
    "article",
]
CLAIM = [
    "claim",
    "add",
    "--source",
    "my-article",
    "--subject",
    "GPT-4",
    "--quantity",
    "training_cost_usd",
    "--value",
    "$60 to $100 million",
    "--scope",
    "final_training_run",
    "--quote",
    "GPT-4 cost $60 to $100 million",
    "--claimant",
    "A. Writer",
    "--assume",
    "gpu_hour_price_usd=1-2",
    "--assume",
    "hardware=A100",
]


def test_init_prints_a_summary(kb, empty_db_url, tmp_path):
    from click.testing import CliRunner

    from kb.cli import cli

    from .conftest import SOURCES

    result = CliRunner().invoke(cli, ["--db", empty_db_url, "--sources", str(SOURCES), "init"])
    assert result.exit_code == 0, result.output
    assert re.search(r"Loaded \d+ sources, \d+ subjects, \d+ facts, \d+ claims", result.stdout)
    counts = json.loads(kb("claim", "list", "--json", url=empty_db_url).stdout)
    assert len(counts) >= 40
    again = CliRunner().invoke(cli, ["--db", empty_db_url, "--sources", str(SOURCES), "init"])
    assert again.exit_code == 0
    assert len(json.loads(kb("claim", "list", "--json", url=empty_db_url).stdout)) == len(counts)


def test_seed_articles_are_all_in_the_knowledge_base(kb):
    claims = json.loads(kb("claim", "list", "--json").stdout)
    by_source = {}
    for c in claims:
        by_source.setdefault(c["source"], []).append(c)
    assert len(by_source["seed-how-much-did-gpt-4-cost"]) >= 5
    assert len(by_source["seed-cost-of-training-ai-models"]) >= 2
    assert len(by_source["seed-will-llms-always-take-millions"]) >= 3
    assert len(by_source["seed-astronomical-costs-narrative"]) >= 6
    values = {c["value"] for c in claims}
    for stated in (
        "$1 to $12 million",
        "$60 to $100 million USD",
        "100 trillion",
        "$50 million to well over $100 million",
        "hundreds of millions, if not billions, of dollars",
        "centuries of compute time",
        "as much energy as a small town",
        "$10,000-15,000 each",
        "$25,000-40,000 each",
    ):
        assert stated in values


def test_every_listing_carries_every_field_its_record_defines(kb):
    """The JSON contract and the record models agree: what a source file may say of a claim, a
    source, a subject or a fact, its listing says back (a claim's assumptions in kb claim show)."""
    from kb.records import ClaimIn, FactIn, SourceIn, SubjectIn

    claim = json.loads(kb("claim", "list", "--json").stdout)[0]
    shown = json.loads(kb("claim", "show", claim["slug"], "--json").stdout)
    assert set(ClaimIn.field_names()) - {"assumptions"} <= set(claim) and "assumptions" in shown
    for listing, model in (("source", SourceIn), ("subject", SubjectIn), ("fact", FactIn)):
        record = json.loads(kb(listing, "list", "--json").stdout)[0]
        assert set(model.field_names()) - {"value"} <= set(record), listing  # a fact's value: low/high or text


def test_source_add_list_show(kb):
    assert kb(*ARTICLE).exit_code == 0
    listed = json.loads(kb("source", "list", "--json").stdout)
    assert any(s["slug"] == "my-article" for s in listed)
    shown = json.loads(kb("source", "show", "my-article", "--json").stdout)
    assert shown["url"] == "https://example.com/gpt4" and shown["published"] == "2024-05-01"


def test_subject_add_with_alias_resolves_case_and_punctuation(kb):
    result = kb("subject", "add", "GPT-5", "--kind", "model", "--alias", "GPT 5")
    assert result.exit_code == 0, result.output
    for spelling in ("GPT-5", "gpt 5", "GPT5", "gpt-5"):
        shown = json.loads(kb("subject", "show", spelling, "--json").stdout)
        assert shown["slug"] == "gpt-5"


def test_fact_add_and_list(kb):
    result = kb(
        "fact",
        "add",
        "GPT-3",
        "parameters",
        "175e9",
        "--basis",
        "published",
        "--source",
        "language-models-are-few-shot-learners-brown-et-al-2020",
        "--slug",
        "gpt3-params-again",
    )
    assert result.exit_code == 0, result.output
    facts = json.loads(kb("fact", "list", "--subject", "gpt3", "--json").stdout)
    assert any(f["slug"] == "gpt3-params-again" and f["low"] == 175e9 for f in facts)


def test_claim_add_list_show_edit_retract(kb):
    kb(*ARTICLE)
    result = kb(*CLAIM)
    assert result.exit_code == 0, result.output
    slug = "gpt-4-training-cost-usd-my-article"
    listed = json.loads(kb("claim", "list", "--subject", "gpt 4", "--quantity", "training_cost_usd", "--json").stdout)
    assert slug in [c["slug"] for c in listed]
    shown = json.loads(kb("claim", "show", slug, "--json").stdout)
    assert (shown["low"], shown["high"], shown["currency"]) == (60e6, 100e6, "USD")
    assert {a["name"] for a in shown["assumptions"]} == {"gpu_hour_price_usd", "hardware"}
    price = next(a for a in shown["assumptions"] if a["name"] == "gpu_hour_price_usd")
    assert (price["low"], price["high"], price["stated"]) == (1, 2, True)

    assert kb("claim", "edit", slug, "--value", "$70 to $100 million").exit_code == 0
    edited = json.loads(kb("claim", "show", slug, "--json").stdout)
    assert edited["low"] == 70e6 and edited["version"] == 2 and edited["value"] == "$70 to $100 million"

    assert kb("claim", "retract", slug, "--reason", "the author corrected it").exit_code == 0
    kept = json.loads(kb("claim", "show", slug, "--json").stdout)
    assert kept["status"] == "retracted" and kept["status_reason"] == "the author corrected it"
    active = json.loads(kb("claim", "list", "--active", "--json").stdout)
    assert slug not in [c["slug"] for c in active]


def test_a_source_may_make_several_claims_about_one_subject_and_quantity(kb, db_url):
    kb(*ARTICLE)
    assert kb(*CLAIM).exit_code == 0
    second = kb(*CLAIM[: CLAIM.index("--value") + 1], "$2 billion", *CLAIM[CLAIM.index("--value") + 2 :])
    assert second.exit_code == 0, second.output
    assert "Added claim gpt-4-training-cost-usd-my-article-2" in second.stdout
    values = {c["slug"]: c["value"] for c in json.loads(kb("claim", "list", "--source", "my-article", "--json").stdout)}
    assert values == {
        "gpt-4-training-cost-usd-my-article": "$60 to $100 million",
        "gpt-4-training-cost-usd-my-article-2": "$2 billion",
    }
    before = dump(db_url)
    named = kb(*CLAIM, "--slug", "gpt-4-training-cost-usd-my-article")  # a slug given by hand is never renamed
    assert named.exit_code == 1 and "already exists; use kb claim edit" in named.stderr
    assert dump(db_url) == before


def test_claim_list_since_shows_what_was_added_or_changed_since_then(kb):
    today = datetime.now(UTC).date()
    kb(*ARTICLE)
    kb(*CLAIM)
    recent = json.loads(kb("claim", "list", "--since", today.isoformat(), "--json").stdout)
    assert "gpt-4-training-cost-usd-my-article" in [c["slug"] for c in recent]
    assert all(c["updated_at"] >= today.isoformat() for c in recent)
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert json.loads(kb("claim", "list", "--since", tomorrow, "--json").stdout) == []


def test_verdicts_are_coloured_at_a_terminal_only(kb, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    green, red = "\x1b[32m", "\x1b[31m"
    assert green in kb("check", "--dry-run", color=True).stdout
    assert "\x1b[" not in kb("check", "--dry-run").stdout  # a pipe or a file gets plain text
    kb(*ARTICLE)
    implausible = kb(
        *CLAIM[: CLAIM.index("--value") + 1], "$90 billion", *CLAIM[CLAIM.index("--value") + 2 :], color=True
    )
    assert f"{red}" in implausible.stdout and "implausible" in implausible.stdout
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in kb("check", "--dry-run", color=True).stdout


def test_a_stale_edit_is_refused_and_changes_nothing(kb, db_url):
    kb(*ARTICLE)
    kb(*CLAIM)
    slug = "gpt-4-training-cost-usd-my-article"
    assert kb("claim", "edit", slug, "--quote", "first editor", "--expect-version", "1").exit_code == 0
    before = dump(db_url)
    late = kb("claim", "edit", slug, "--quote", "second editor", "--expect-version", "1")
    assert late.exit_code == 1
    assert "changed since you loaded it" in late.stderr
    assert dump(db_url) == before


def test_claim_add_without_a_terminal_names_the_missing_flag(kb, db_url):
    kb(*ARTICLE)
    before = dump(db_url)
    result = kb("claim", "add", "--source", "my-article", "--subject", "GPT-4")
    assert result.exit_code == 2
    assert "Missing option '--quantity'" in result.stderr
    assert dump(db_url) == before


def test_claim_add_prompts_on_a_terminal(kb, monkeypatch):
    kb(*ARTICLE)
    monkeypatch.setattr(cli_module, "stdin_is_terminal", lambda: True)
    answers = (
        "\n".join(
            [
                "GPT-4",
                "training_cost_usd",
                "$60 to $100 million",
                "final_training_run",
                "GPT-4 cost $60 to $100 million",
            ]
        )
        + "\n"
    )
    result = kb("claim", "add", "--source", "my-article", input=answers)
    assert result.exit_code == 0, result.output
    assert "Added claim" in result.stdout


def test_the_subject_prompt_takes_aliases_and_suggests_close_names(kb, monkeypatch):
    kb(*ARTICLE)
    monkeypatch.setattr(cli_module, "stdin_is_terminal", lambda: True)
    answers = ["GPT-44", "gpt 4", "training_cost_usd", "$60 to $100 million", "final_training_run", "It cost $60M"]
    result = kb("claim", "add", "--source", "my-article", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert 'unknown subject "GPT-44" (did you mean' in result.output
    assert "Added claim gpt-4-training-cost-usd-my-article" in result.stdout
    assert "GPT-3" not in result.output.split("GPT-44")[0]  # no list of every name before the question


def test_database_url_from_the_environment(db_url, monkeypatch, tmp_path):
    from click.testing import CliRunner

    from kb.cli import cli

    monkeypatch.setenv("KB_DATABASE_URL", db_url)
    result = CliRunner().invoke(cli, ["source", "show", "seed-cost-of-training-ai-models", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["author"] == "Caleb Forestal"


def test_outside_a_project_the_users_own_knowledge_base_is_used_and_named(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from kb.cli import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("KB_DATABASE_URL", raising=False)
    result = CliRunner().invoke(cli, ["claim", "list", "--subject", "GPT-4", "--json"])
    assert result.exit_code == 0, result.output
    own = tmp_path / "data" / "costcheck" / "kb.db"
    assert own.exists() and str(own) in result.stderr  # one line says where
    assert not (tmp_path / "kb.db").exists()  # never a silently empty one here
    assert len(json.loads(result.stdout)) >= 10


def test_kb_init_outside_a_project_makes_the_users_own_knowledge_base(tmp_path, monkeypatch):
    """On a fresh machine the user data folder may not exist yet: kb init makes it."""
    from click.testing import CliRunner

    from kb.cli import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("KB_DATABASE_URL", raising=False)
    result = CliRunner().invoke(cli, ["init"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "costcheck" / "kb.db").exists()


def test_a_database_named_in_a_folder_that_does_not_exist_is_refused_in_one_line(tmp_path):
    from click.testing import CliRunner

    from kb.cli import cli

    for args in (["init"], ["claim", "list"]):
        result = CliRunner().invoke(cli, ["--db", str(tmp_path / "no-such" / "kb.db"), *args])
        assert (
            result.exit_code == 1
            and result.stderr == f"Error: cannot create a database in {tmp_path / 'no-such'}/: no such folder\n"
        )
        assert not (tmp_path / "no-such").exists()


def test_a_folder_with_sources_gets_its_own_knowledge_base(tmp_path, monkeypatch):
    import shutil

    from click.testing import CliRunner

    from kb.cli import cli

    from .conftest import SOURCES

    shutil.copytree(SOURCES, tmp_path / "sources")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("KB_DATABASE_URL", raising=False)
    result = CliRunner().invoke(cli, ["info", "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert info["database"] == f"sqlite:///{tmp_path / 'kb.db'}" and info["sources_folder"] == str(tmp_path / "sources")
    assert info["holds"]["claims"] >= 40 and not (tmp_path / "data").exists()


@pytest.mark.parametrize("args", [["db", "current"]])
def test_db_current_reports_head(kb, args):
    result = kb(*args)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split()[-1] == lines[1].split()[-1]


def test_no_verdict_is_older_than_the_data_it_judged(kb, tmp_path):
    """An edit, a new claim and a new fact are judged in the same transaction: the next build
    publishes the verdict on what the claim now says, without a kb check in between."""
    slug = "seed-gpt-3-1-to-12m"
    assert json.loads(kb("claim", "show", slug, "--json").stdout)["verdict"] == "consistent"
    edited = kb("claim", "edit", slug, "--value", "$400 million")
    assert edited.exit_code == 0 and "implausible" in edited.stdout
    shown = json.loads(kb("claim", "show", slug, "--json").stdout)
    assert shown["verdict"] == "implausible" and "$400 million" in shown["explanation"]
    assert kb("build", "--out", str(tmp_path / "site")).exit_code == 0
    page = (tmp_path / "site" / "claims" / f"{slug}.html").read_text()
    assert "$400 million" in page and "Implausible" in page

    kb(*ARTICLE)
    added = kb(*CLAIM)
    assert added.exit_code == 0 and "not checked" not in added.stdout
    assert json.loads(kb("claim", "show", "gpt-4-training-cost-usd-my-article", "--json").stdout)["verdict"]

    assert kb("subject", "add", "Acme-1", "--kind", "model").exit_code == 0
    assert (
        kb(
            "claim",
            "add",
            "--source",
            "my-article",
            "--subject",
            "Acme-1",
            "--quantity",
            "parameters",
            "--value",
            "10 billion",
            "--quote",
            "Acme-1 has 10 billion parameters",
            "--slug",
            "acme-size",
            "--scope",
            "unspecified",
            "--claimant",
            "A. Writer",
        ).exit_code
        == 0
    )
    assert json.loads(kb("claim", "show", "acme-size", "--json").stdout)["verdict"] == "unverifiable"
    assert (
        kb(
            "source",
            "add",
            "--slug",
            "acme-paper",
            "--title",
            "Acme-1 technical report",
            "--kind",
            "paper",
            "--url",
            "https://example.com/acme",
        ).exit_code
        == 0
    )
    fact = kb("fact", "add", "Acme-1", "parameters", "10e9", "--basis", "published", "--source", "acme-paper")
    assert fact.exit_code == 0, fact.output
    assert json.loads(kb("claim", "show", "acme-size", "--json").stdout)["verdict"] == "consistent"


def test_a_failed_first_use_leaves_no_half_made_database(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from kb.cli import cli

    bad = tmp_path / "bad-sources"
    bad.mkdir()
    (bad / "broken.yaml").write_text("source: {slug: s, title: T, kind: article, url: 'javascript:x'}\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("KB_DATABASE_URL", raising=False)
    result = CliRunner().invoke(cli, ["--sources", str(bad), "claim", "list"])
    assert result.exit_code == 1 and "not an http(s) URL" in result.stderr
    folder = tmp_path / "data" / "costcheck"
    assert list(folder.iterdir()) == []  # neither kb.db nor a partial file: the next run starts afresh


def test_listings_and_export_take_the_same_few_queries_however_much_is_stored(kb, db_url, tmp_path, monkeypatch):
    """No query per row: a knowledge base of thousands of facts lists and exports as fast as a small one."""
    from sqlalchemy import event

    from kb import db

    executed = []
    make_engine = db.make_engine

    def counted(*args, **kwargs):
        engine = make_engine(*args, **kwargs)
        event.listen(engine, "before_cursor_execute", lambda *a, **k: executed.append(1))
        return engine

    monkeypatch.setattr(db, "make_engine", counted)
    commands = (
        ["source", "list"],
        ["subject", "list"],
        ["fact", "list"],
        ["subject", "show", "GPT-4"],
        ["export"],
        ["check"],
    )

    def queries():
        counts = []
        for args in commands:
            executed.clear()
            assert kb(*args).exit_code == 0, args
            counts.append(len(executed))
        return counts

    before = queries()
    more = {
        "source": {"slug": "more", "title": "More", "kind": "article"},
        "facts": [
            {"slug": f"more-{i}", "subject": "GPT-4", "quantity": "parameters", "value": f"{i + 1}e12"}
            | {"basis": "rumour", "confidence": "low"}
            for i in range(20)
        ],
        "claims": [
            {"slug": f"more-claim-{i}", "subject": "GPT-3", "quantity": "parameters", "value": "175B", "quote": "q"}
            | {"claimant": "c", "scope": "unspecified", "assumptions": [{"name": "mfu", "low": 0.3, "high": 0.4}]}
            for i in range(20)
        ],
    }
    (tmp_path / "more.yaml").write_text(yaml.safe_dump(more))
    imported = kb("import", str(tmp_path / "more.yaml"))
    assert imported.exit_code == 0, imported.output
    assert queries() == before and max(before) < 20
