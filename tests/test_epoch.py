"""Epoch AI's data in the knowledge base: what the seed holds, and how kb import reads Epoch's CSV files."""

import csv
import json
import math
from pathlib import Path

import pytest
import sqlalchemy

from kb import db, evaluate

from .conftest import ROOT, dump

SHIPPED = ROOT / "sources" / "epoch"
FULL_DOWNLOAD = ROOT.parent / "shared" / "reference" / "epoch"


def rows(name: str, keep=lambda row: True) -> tuple[list[str], list[dict]]:
    with open(SHIPPED / name, newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        return list(reader.fieldnames or []), [r for r in reader if keep(r)]


def write(path: Path, header: list[str], data: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(data)
    return path


def test_the_seed_knows_hundreds_of_models_each_fact_sourced(db_url):
    engine = db.make_engine(db_url)
    with engine.connect() as connection:
        models = connection.exec_driver_sql(
            "SELECT COUNT(DISTINCT s.id) FROM subject s JOIN fact f ON f.subject_id = s.id WHERE s.kind = 'model'"
        ).scalar()
        orphans = connection.exec_driver_sql("SELECT COUNT(*) FROM fact WHERE source_id IS NULL").scalar()
    engine.dispose()
    assert models >= 800 and orphans == 0


@pytest.mark.parametrize(
    "name,slug",
    [
        ("Llama 3.1 405B", "llama-3-1-405b"),
        ("Llama-3.1-405B", "llama-3-1-405b"),
        ("Gemini Ultra", "gemini-ultra"),
        ("Mixtral 8x7B", "mixtral-8x7b"),
        ("PaLM 540B", "palm"),
        ("GPT-2", "gpt-2"),
        ("GPT-2 (1.5B)", "gpt-2"),  # Epoch's name for it: a size in parentheses is the same model
        ("GPT-2 (AMPS)", "gpt-2-amps"),  # a variant in parentheses is another model
    ],
)
def test_names_resolve_to_one_subject(kb, name, slug):
    shown = kb("subject", "show", name, "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["slug"] == slug


def test_tokens_trained_are_the_dataset_times_its_epochs_in_words_or_tokens(kb):
    """Epoch's dataset size is one pass over the data, in words for many language models: GPT-2
    saw its 10.7B-token dataset 20 times, Chinchilla's 1.05T words are its 1.4T tokens. Each fact
    says how it was read, and every Epoch credit carries the snapshot's date."""

    def tokens(name: str) -> dict:
        facts = json.loads(kb("subject", "show", name, "--json").stdout)["facts"]
        return next(f for f in facts if f["quantity"] == "training_tokens" and f["slug"].startswith("epoch-"))

    gpt2 = tokens("GPT-2 (1.5B)")
    assert gpt2["low"] == pytest.approx(10_666_666_667 * 20, rel=1e-6) and "20 epochs" in gpt2["note"]
    chinchilla = tokens("Chinchilla")
    assert chinchilla["low"] < 1.4e12 <= chinchilla["high"] and "words or tokens" in chinchilla["note"]
    assert "snapshot 20" in gpt2["note"] and "undated" not in gpt2["note"]


def test_a_family_name_several_models_share_resolves_to_none(kb):
    assert kb("subject", "show", "Qwen2.5 Instruct").exit_code != 0


def test_published_hours_are_used_as_published_and_no_band_is_a_point(kb):
    palm = json.loads(kb("estimate", "PaLM", "--json").stdout)
    assert palm["gpu_hours"]["p50"] == pytest.approx(8.4e6, rel=0.01)
    for subject in ("PaLM", "Gemini Ultra", "DeepSeek-V3", "GPT-3", "Llama 3.1 405B"):
        data = json.loads(kb("estimate", subject, "--json").stdout)
        for quantity in ("gpu_hours", "training_cost_usd", "ownership_cost_usd"):
            assert data[quantity]["p95"] > 1.05 * data[quantity]["p5"], (subject, quantity)


def test_a_model_known_only_by_its_compute_gets_hours_and_cost(kb):
    data = json.loads(kb("estimate", "Gemini Ultra", "--json").stdout)
    assert 1e7 < data["gpu_hours"]["p50"] < 1e9 and data["training_cost_usd"]["p50"] > 1e7


def test_epochs_cost_estimates_are_claims_checked_like_any_other(db_url):
    with db.transaction(db.make_engine(db_url)) as session:
        results = evaluate.check_all(session, store_results=False)
    epoch = [(c, v) for c, v in results if c.claimant == "Epoch AI"]
    assert len(epoch) >= 150
    assert sum(v.verdict == "consistent" for _, v in epoch) / len(epoch) >= 0.6
    gpt4 = next(v for c, v in epoch if c.slug == "epoch-gpt-4-training-cost")
    assert "owning the accelerators" in gpt4.explanation and math.isfinite(gpt4.p50)


@pytest.mark.skipif(not FULL_DOWNLOAD.is_dir(), reason="Epoch's full download is not beside the project")
def test_the_full_download_imports_as_the_shipped_copy_did(kb, db_url):
    before = dump(db_url)
    result = kb("import", str(FULL_DOWNLOAD))
    assert result.exit_code == 0, result.output
    assert "0 new, 0 changed" in result.stderr
    assert dump(db_url) == before


def test_a_changed_figure_keeps_the_old_one_deprecated(kb, db_url, tmp_path):
    header, data = rows("ai_models.csv", lambda r: r["Model"] == "PaLM (540B)")
    data[0]["Training compute (FLOP)"] = "3e24"
    result = kb("import", str(write(tmp_path / "ai_models.csv", header, data)))
    assert result.exit_code == 0, result.output
    assert "1 changed" in result.stderr
    engine = db.make_engine(db_url)
    with engine.connect() as connection:
        found = sorted(
            connection.execute(
                sqlalchemy.text(
                    "SELECT f.low, f.rank FROM fact f JOIN subject s ON s.id = f.subject_id "
                    "WHERE s.slug = 'palm' AND f.quantity = 'training_flop' AND f.slug LIKE :prefix"
                ),
                {"prefix": "epoch-%"},
            ).fetchall()
        )
    engine.dispose()
    assert [rank for _, rank in found] == ["deprecated", "normal"] and found[1][0] == 3e24
    again = kb("import", str(tmp_path / "ai_models.csv"))
    assert "0 new, 0 changed" in again.stderr


def bad_models(tmp_path: Path, how: str) -> Path:
    header, data = rows("ai_models.csv")
    data = data[:3]
    if how == "renamed":
        header = ["Parameter count" if c == "Parameters" else c for c in header]
        data = [{("Parameter count" if k == "Parameters" else k): v for k, v in r.items()} for r in data]
    if how == "not a number":
        data[1]["Hardware quantity"] = "lots"
    path = write(tmp_path / "ai_models.csv", header, data)
    if how == "truncated":
        text = path.read_text()
        path.write_text(text[: text.rindex(data[-1]["Link"])])
    return path


@pytest.mark.parametrize(
    "how,words",
    [
        ("renamed", 'row 1: column "Parameters" is missing'),
        ("not a number", 'row 3: column "Hardware quantity": "lots" is not a number'),
        ("truncated", "row 4: ends after"),
    ],
)
def test_a_bad_csv_is_refused_whole_with_one_line(kb, db_url, tmp_path, how, words):
    before = dump(db_url)
    result = kb("import", str(bad_models(tmp_path, how)))
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1 and words in result.stderr and "ai_models.csv" in result.stderr
    assert dump(db_url) == before


def test_verdicts_cite_the_published_estimates_of_the_same_run(kb):
    claims = {c["slug"]: c for c in json.loads(kb("check", "--json", "--subject", "GPT-4").stdout)["claims"]}
    explanation = claims["ai-index-2024-gpt4"]["explanation"]
    assert "Published estimates of this run: Epoch AI, Data on AI Models, $40.6M (amortised ownership)" in explanation
    assert "AI Index Report 2024" not in explanation  # not its own figure


def test_a_run_the_model_cannot_reach_is_judged_against_published_estimates(kb, tmp_path):
    (tmp_path / "x.yaml").write_text(
        "subjects: [{slug: model-x, name: Model X, kind: model}]\n"
        "---\nsource: {slug: index-x, title: Index X, kind: report}\n"
        "claims: [{subject: model-x, quantity: training_cost_usd, value: $40 million, quote: q, claimant: Index X,"
        " scope: final_training_run, note: cloud rental prices}]\n"
        "---\nsource: {slug: blog-x, title: Blog X, kind: blog}\n"
        "claims: [{subject: model-x, quantity: training_cost_usd, value: $2 billion, quote: q, claimant: Blog X,"
        " scope: final_training_run}]\n"
        "---\nsource: {slug: news-x, title: News X, kind: article}\n"
        "claims: [{subject: model-x, quantity: training_cost_usd, value: $38 million, quote: q, claimant: News X,"
        " scope: final_training_run}]\n"
    )
    assert kb("import", str(tmp_path / "x.yaml")).exit_code == 0
    claims = {c["slug"]: c for c in json.loads(kb("check", "--json", "--subject", "Model X").stdout)["claims"]}
    blog = claims["model-x-training-cost-usd-blog-x"]
    assert blog["verdict"] == "implausible" and "Index X, $40M (cloud rental)" in blog["explanation"]
    assert claims["model-x-training-cost-usd-index-x"]["verdict"] == "unverifiable"  # nothing but itself
    near = claims["model-x-training-cost-usd-news-x"]  # a published point estimate is itself approximate
    assert near["verdict"] == "consistent" and "$40M, read as $32.7M–$49M: it agrees" in near["explanation"]
