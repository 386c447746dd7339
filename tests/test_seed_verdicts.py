"""Verdicts on the seed corpus that a domain expert would accept, with the arithmetic shown."""

import json

import pytest

from kb import db, store


@pytest.fixture(scope="module")
def checked(databases):
    from click.testing import CliRunner

    from kb.cli import cli

    url = databases.new("seeded")
    result = CliRunner().invoke(cli, ["--db", url, "check", "--json"])
    assert result.exit_code == 0, result.output
    return {c["slug"]: c for c in json.loads(result.stdout)["claims"]}, url


EXPECTED = {
    "seed-gpt-3-1-to-12m": {"consistent"},
    "lambda-gpt3-4-6m": {"consistent", "plausible"},
    "seed-gpt-4-60-to-100m": {"consistent", "plausible"},
    "seed-gpt-4-50m-to-well-over-100m-run": {"consistent", "plausible"},
    "seed-gpt-4-upwards-of-100m-initial": {"consistent", "plausible"},
    "ai-index-2024-gpt4": {"consistent", "plausible"},
    "seed-gpt-4-100-trillion-parameters": {"implausible"},
    "feldman-gpt4-100-trillion": {"implausible"},
    "jensen-gtc2024-gpt-moe-1-8t": {"consistent"},
    "seed-gpt-4-centuries-of-compute": {"doubtful", "implausible"},
    "seed-a100-40gb-10k-15k": {"consistent", "plausible"},
    "seed-h100-25k-40k": {"consistent"},
    # Epoch's price database holds hyperscaler on-demand H100 list prices of $10-$12.29/hour
    # (Oracle, Google Cloud, AWS, 2025): the claim's low end is a real list price.
    "seed-enterprise-gpu-10-30-per-hour": {"consistent", "plausible"},
    "seed-small-town-energy": {"unverifiable"},
    "deepseek-v3-5-576m": {"consistent"},
    "carbontracker-gpt3-energy": {"doubtful", "implausible"},
    "patterson-gpt3-energy": {"consistent", "plausible"},
}


@pytest.mark.parametrize("slug,allowed", EXPECTED.items())
def test_expert_verdicts(checked, slug, allowed):
    claims, _ = checked
    assert claims[slug]["verdict"] in allowed, claims[slug]["explanation"]


def test_billions_for_one_gpt4_run_is_doubtful_or_worse_but_judged_as_a_total_by_the_multiplier(checked, kb):
    claims, _ = checked
    from kb.verdict import compare

    run = claims["seed-gpt-4-hundreds-of-millions-if-not-billions"]
    single = compare(1e9, 1e10, run["estimate"]["p5"], run["estimate"]["p95"])
    assert single[0] in ("doubtful", "implausible")
    total = claims["seed-gpt-4-billions-cumulative"]
    assert total["estimate"]["p95"] > run["estimate"]["p95"] * 1.5  # the development multiplier widens it
    assert any("development multiplier" in step for step in total["steps"])


def test_100_trillion_shows_the_feasibility_arithmetic(checked):
    claims, _ = checked
    text = claims["seed-gpt-4-100-trillion-parameters"]["explanation"]
    assert "tokens per parameter" in text and "PB" in text and "does not fit" in text


def test_what_an_unverifiable_verdict_lacks_is_named_as_readers_know_it(checked):
    """An accelerator's figures are its own, by the name people use: not "its peak dense FLOP/s"
    (a model has none) or "a price for google-tpu-v1"."""
    claims, _ = checked
    assert claims["epoch-alphago-zero-training-cost"]["explanation"] == (
        "Not checked: the training cost (final run) of AlphaGo Zero cannot be estimated without a price per "
        "accelerator-hour for Google TPU v1 around 2017 or the peak dense FLOP/s of Google TPU v1, and the "
        "knowledge base does not hold them."
    )


def test_450m_for_gpt3_needs_an_absurd_price(kb):
    kb("source", "add", "--slug", "tall-tale", "--title", "Tall tale", "--kind", "article")
    kb(
        "claim",
        "add",
        "--source",
        "tall-tale",
        "--subject",
        "GPT-3",
        "--quantity",
        "training_cost_usd",
        "--value",
        "$450 million",
        "--scope",
        "final_training_run",
        "--quote",
        "GPT-3 cost $450M",
        "--claimant",
        "x",
    )
    out = json.loads(kb("check", "--json", "--subject", "GPT-3").stdout)
    claim = next(c for c in out["claims"] if c["source"] == "tall-tale")
    assert claim["verdict"] == "implausible"
    assert "price per accelerator-hour would have to be $" in claim["believe"]
    assert "/hour" in claim["believe"]


def test_a_claim_that_needs_more_than_peak_is_physically_impossible(kb):
    kb("source", "add", "--slug", "too-fast", "--title", "Too fast", "--kind", "article")
    kb(
        "claim",
        "add",
        "--source",
        "too-fast",
        "--subject",
        "GPT-3",
        "--quantity",
        "training_days",
        "--value",
        "1 day",
        "--scope",
        "final_training_run",
        "--quote",
        "q",
        "--claimant",
        "x",
        "--assume",
        "num_gpus=1000",
        "--assume",
        "gpu_hours=1000000",
        "--assume",
        "hardware=V100",
    )
    kb(
        "claim",
        "add",
        "--source",
        "too-fast",
        "--subject",
        "GPT-3",
        "--quantity",
        "gpu_hours",
        "--value",
        "100,000 GPU-hours",
        "--scope",
        "final_training_run",
        "--quote",
        "q",
        "--claimant",
        "x",
    )
    out = json.loads(kb("check", "--json", "--subject", "GPT-3").stdout)
    hours = next(c for c in out["claims"] if c["source"] == "too-fast" and c["quantity"] == "gpu_hours")
    assert hours["verdict"] == "implausible"
    assert "their peak (an MFU over 100%): physically impossible" in hours["explanation"]


def test_claimant_arithmetic_is_rechecked(checked):
    claims, _ = checked
    assert "reproduces" in claims["semianalysis-gpt4-cost"]["claimant_check"]
    assert "reproduces" in claims["deepseek-v3-5-576m"]["claimant_check"]


def test_unverifiable_names_the_missing_input(checked):
    claims, _ = checked
    assert (
        "has no" in claims["amodei-claude-35-sonnet"]["explanation"]
        or "hardware" in claims["amodei-claude-35-sonnet"]["explanation"]
    )


def test_the_history_records_verdicts_that_changed(kb, db_url):
    from .conftest import dump

    kb("check")
    first = len(dump(db_url)["evaluation"])
    again = kb("check")
    assert len(dump(db_url)["evaluation"]) == first > 0
    assert f"0 new or changed verdicts added to the history; {first} unchanged." in again.stderr
    assert kb("claim", "edit", "seed-gpt-3-1-to-12m", "--value", "$450 million").exit_code == 0
    kb("check")
    assert len(dump(db_url)["evaluation"]) == first + 1
    engine = db.make_engine(db_url)
    with db.transaction(engine) as session:
        history = store.evaluations_of(session, store.claim(session, "seed-gpt-3-1-to-12m"))
        assert [e.verdict for e in history] == ["consistent", "implausible"]
    engine.dispose()


def test_estimate_json_contract(kb):
    result = kb(
        "estimate",
        "--params",
        "175e9",
        "--tokens",
        "300e9",
        "--hardware",
        "V100",
        "--year",
        "2020",
        "--gpus",
        "1024",
        "--json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for key in ("training_flop", "gpu_hours", "training_days", "training_cost_usd", "energy_mwh", "inputs"):
        assert key in data
    assert set(data["training_flop"]) == {"p5", "p50", "p95"}
    assert data["training_flop"]["p50"] == pytest.approx(3.15e23, rel=0.02)


@pytest.mark.parametrize(
    "name",
    ["A100", "A100-80GB", "NVIDIA A100", "H100", "H100-SXM", "H800", "H200", "V100", "TPUv4", "TPU v4", "MI300X"],
)
def test_estimate_accepts_usual_hardware_spellings(kb, name):
    result = kb("estimate", "--params", "7e9", "--tokens", "1e12", "--hardware", name, "--json")
    assert result.exit_code == 0, result.output


def test_estimate_from_a_subject(kb):
    data = json.loads(kb("estimate", "GPT-3", "--json").stdout)
    assert data["training_cost_usd"]["p5"] < 12e6 < data["training_cost_usd"]["p95"] * 2


def test_calibration_meets_its_targets(kb):
    data = json.loads(kb("calibrate", "--json").stdout)
    summary = data["all"]
    assert summary["runs"] >= 60  # runs whose compute and hours were found independently
    assert summary["coverage"] >= 0.9
    assert summary["median_abs_log10_error"] <= 0.10
    left_out = {r["subject"]: r["left_out"] for r in data["runs"] if r["left_out"]}
    assert summary["left_out"] == len(left_out) > 0
    assert left_out["bloom"] == "compute worked out from these hours"  # Epoch: 384 A100s × 117 days × 30%


def test_cost_calibration_meets_its_targets(kb):
    data = json.loads(kb("calibrate", "--costs", "--json").stdout)
    assert data["all"]["runs"] >= 150
    assert data["all"]["coverage"] >= 0.7
    for method in ("amortised", "cloud"):
        assert 0.67 <= data["by_method"][method]["median_ratio"] <= 1.5


@pytest.mark.parametrize(
    "scope,verdict,compared_with",
    [
        ("final_training_run", "doubtful", "training cost"),  # $40M for one GPT-3 run is too much
        ("total_programme", "consistent", "total programme cost"),  # but fits the programme
        ("hardware_purchase", "unverifiable", "buying hardware"),  # not a training cost at all
    ],
)
def test_a_costs_scope_decides_which_estimate_it_meets(kb, scope, verdict, compared_with):
    kb("source", "add", "--slug", "scoped", "--title", "Scoped", "--kind", "article")
    added = kb(
        "claim", "add", "--source", "scoped", "--subject", "GPT-3", "--quantity", "training_cost_usd",
        "--value", "$40 million", "--scope", scope, "--quote", "it cost $40M", "--claimant", "x",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    out = json.loads(kb("check", "--json", "--subject", "GPT-3").stdout)
    claim = next(c for c in out["claims"] if c["source"] == "scoped")
    assert claim["verdict"] == verdict
    assert compared_with in claim["explanation"]


def test_a_mixture_of_experts_takes_its_own_mfu_prior(db_url):
    from kb import db
    from kb.evaluate.catalogue import Catalogue
    from kb.evaluate.mfu_fit import run_context

    with db.reading(db.make_engine(db_url)) as session:
        cat = Catalogue(session)
        mixture, dense = run_context(cat, "llama-4-maverick"), run_context(cat, "llama-3-1-405b")
    assert mixture.mixture and mixture.given["mfu"].qualifier == "MoE"  # 17B of 400B parameters active
    assert not dense.mixture and dense.given["mfu"].qualifier == "Hopper"


def test_costs_say_whose_dollars_they_are_and_convert_by_the_price_index(kb):
    plain = json.loads(kb("estimate", "GPT-3", "--json").stdout)
    later = json.loads(kb("estimate", "GPT-3", "--dollars", "2024", "--json").stdout)
    assert plain["dollars_of"] < 2024 == later["dollars_of"]  # the year of the price quotes, then 2024
    ratio = later["training_cost_usd"]["p50"] / plain["training_cost_usd"]["p50"]
    assert 1.0 < ratio < 1.5  # data processing and hosting prices rose a little
    assert later["training_flop"] == plain["training_flop"]  # only money changes
    claims = json.loads(kb("check", "--json", "--subject", "GPT-3").stdout)["claims"]
    assert any(f"in {plain['dollars_of']} dollars" in c["explanation"] for c in claims)
    beyond = kb("estimate", "GPT-3", "--dollars", "2099")
    assert beyond.exit_code == 1 and "price index has no figure for 2099" in beyond.stderr


def test_no_band_is_a_point(checked):
    """A published figure or a single list price is narrow but never exact: no verdict reads
    "$5.58M to $5.58M … off by a factor of 1.0"."""
    claims, _ = checked
    points = [slug for slug, c in claims.items() if c["estimate"] and c["estimate"]["p5"] >= c["estimate"]["p95"]]
    assert points == []


def test_an_overhead_prior_is_never_widened_below_one(kb):
    """A PUE of 1.05–1.3 is widened for its medium confidence, but a PUE under 1 would be a data
    centre that makes power: the band stops at 1."""
    inputs = json.loads(kb("estimate", "GPT-3", "--json").stdout)["inputs"]
    for name in ("pue", "server_overhead", "cluster_overhead", "development_multiplier"):
        assert inputs[name]["low"] >= 1.0, (name, inputs[name])
    assert inputs["pue"]["high"] / inputs["pue"]["low"] > 1.3 / 1.05  # still widened, upward
    assert inputs["mfu"]["high"] <= 1.0


@pytest.mark.parametrize("gpus, verdict", [("16,384", "consistent"), ("40,000", "plausible")])
def test_a_claim_that_repeats_the_published_figure_agrees_even_where_other_inputs_do_not(kb, gpus, verdict):
    """Llama 3.1 405B's accelerator count is published (16,384); with a training duration that does
    not fit it, the compute model puts the count elsewhere. A claim of the published count agrees,
    and says the inputs disagree; a claim of another count is still judged against the estimate."""
    kb("source", "add", "--slug", "slow-run", "--title", "Slow run", "--kind", "article")
    added = kb(
        "fact", "add", "Llama 3.1 405B", "training_days", "120", "--basis", "estimate", "--rank", "preferred",
        "--source", "slow-run",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    kb("source", "add", "--slug", "gpu-count", "--title", "GPU count", "--kind", "article")
    added = kb(
        "claim", "add", "--source", "gpu-count", "--subject", "Llama 3.1 405B", "--quantity", "num_gpus",
        "--value", gpus, "--scope", "final_training_run", "--quote", f"trained on {gpus} GPUs", "--claimant", "x",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    claims = json.loads(kb("check", "--json", "--subject", "Llama 3.1 405B").stdout)["claims"]
    claim = next(c for c in claims if c["source"] == "gpu-count")
    assert claim["verdict"] == verdict, claim["explanation"]
    assert claim["estimate"]["p95"] < 14_000  # 30.84M accelerator-hours over 120 days: about 10,700
    assert ("agrees with the published figure, 16,384" in claim["explanation"]) == (verdict == "consistent")
