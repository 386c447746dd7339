"""The compute model's arithmetic on hand-checked cases, its backwards solves and its seed."""

import math

import numpy as np
import pytest

from kb.compute import Input, Unverifiable, estimate, solve_for
from kb.compute.dist import log_params, monomial_percentiles
from kb.errors import RangeError


def point(x):
    return Input(x, x)


GPT3 = {  # GPT-3 paper: 175B parameters, 300B tokens; Lambda's V100 assumptions
    "active_parameters": point(175e9),
    "training_tokens": point(300e9),
    "peak_flop_per_s": point(125e12),
    "mfu": point(28 / 125),
    "gpu_hour_price_usd": point(1.48),
}


def rng():
    return np.random.default_rng(7)


def test_gpt3_training_flop_is_6nd():
    est = estimate("training_flop", GPT3, rng())
    assert est.p50 == pytest.approx(3.15e23)  # 6 × 175e9 × 300e9; the paper rounds to 3.14e23
    assert est.p5 == est.p50 == est.p95


def test_gpt3_v100_hours_and_cost_under_lambdas_inputs():
    hours = estimate("gpu_hours", GPT3, rng()).p50
    assert hours == pytest.approx(3.15e23 / (28e12 * 3600))  # 3.125M V100-hours
    assert hours / 8766 == pytest.approx(356, abs=1)  # Lambda: "355 GPU-years"
    cost = estimate("training_cost_usd", GPT3, rng()).p50
    assert cost == pytest.approx(4.6e6, rel=0.01)  # Lambda: "$4.6M"


def test_days_energy_and_total_cost():
    inputs = {
        **GPT3,
        "num_gpus": point(10_000),
        "power_w": point(300),
        "server_overhead": point(1.1),
        "pue": point(1.1),
        "development_multiplier": point(4),
    }
    hours = 3.15e23 / (28e12 * 3600)
    assert estimate("training_days", inputs, rng()).p50 == pytest.approx(hours / 10_000 / 24)
    assert estimate("energy_mwh", inputs, rng()).p50 == pytest.approx(hours * 300 * 1.1 * 1.1 / 1e6)
    assert estimate("total_cost_usd", inputs, rng()).p50 == pytest.approx(hours * 1.48 * 4)


def test_mixture_of_experts_uses_active_parameters():
    inputs = {"active_parameters": point(37e9), "training_tokens": point(14.8e12)}  # DeepSeek-V3
    assert estimate("training_flop", inputs, rng()).p50 == pytest.approx(6 * 37e9 * 14.8e12)


def test_backwards_solves():
    cost = estimate("training_cost_usd", GPT3, rng())
    # "GPT-3 at $450M" needs a V100-hour price of $450M / 3.125M hours = $144
    assert solve_for(cost, "gpu_hour_price_usd", 450e6) == pytest.approx(450e6 / (3.15e23 / (28e12 * 3600)))
    # implied MFU for a claimed number of hours: MFU scales inversely
    hours = estimate("gpu_hours", GPT3, rng())
    assert solve_for(hours, "mfu", hours.p50 / 2) == pytest.approx(2 * 28 / 125)
    # implied number of GPUs for 14.8 days
    inputs = {"gpu_hours": point(3.552e6), "training_days": point(14.8)}
    assert estimate("num_gpus", inputs, rng()).p50 == pytest.approx(10_000)
    # implied accelerator-hours from a cost and a price
    implied = {"training_cost_usd": point(5.576e6), "gpu_hour_price_usd": point(2)}
    with pytest.raises(Unverifiable):  # cost is not an input to hours; solve instead
        estimate("gpu_hours", implied, rng())
    dsv3 = estimate("training_cost_usd", {"gpu_hours": point(2.788e6), "gpu_hour_price_usd": point(2)}, rng())
    assert solve_for(dsv3, "gpu_hours", 5.576e6) == pytest.approx(2.788e6)


def test_ranges_are_lognormal_90_percent_intervals():
    mu, sigma = log_params(5, 10)
    p5, p50, p95 = monomial_percentiles(1.0, [(mu, sigma, 1.0)], 200_000, rng())
    assert p5 == pytest.approx(5, rel=0.02) and p95 == pytest.approx(10, rel=0.02)
    assert p50 == pytest.approx(math.sqrt(50), rel=0.01)


def test_each_estimate_draws_on_from_where_the_last_left_the_generator():
    terms = [(*log_params(5, 10), 1.0)]
    shared = rng()
    first, second = (monomial_percentiles(1.0, terms, 10_000, shared) for _ in range(2))
    again = rng()  # the same draws as the first: the generator must still move past them
    assert monomial_percentiles(1.0, terms, 10_000, again) == first != second
    drawn = rng()
    drawn.standard_normal(10_000, dtype=np.float32)
    assert again.standard_normal() == drawn.standard_normal()


def test_same_seed_same_numbers_and_a_different_seed_differs():
    inputs = {**GPT3, "mfu": Input(0.15, 0.35), "gpu_hour_price_usd": Input(1.5, 3)}
    a = estimate("training_cost_usd", inputs, np.random.default_rng(1))
    b = estimate("training_cost_usd", inputs, np.random.default_rng(1))
    c = estimate("training_cost_usd", inputs, np.random.default_rng(2))
    assert (a.p5, a.p50, a.p95) == (b.p5, b.p50, b.p95)
    assert a.p50 != c.p50


def test_sensitivity_ranks_the_widest_input_first():
    inputs = {**GPT3, "mfu": Input(0.3, 0.33), "gpu_hour_price_usd": Input(1, 4)}
    est = estimate("training_cost_usd", inputs, rng())
    assert est.sensitivity[0][0] == "gpu_hour_price_usd"
    assert sum(share for _, share in est.sensitivity) == pytest.approx(1)


def test_missing_inputs_are_named():
    with pytest.raises(Unverifiable) as caught:
        estimate("training_cost_usd", {"active_parameters": point(1e9), "training_tokens": point(1e10)}, rng())
    assert {"gpu_hour_price_usd", "mfu", "peak_flop_per_s"} <= set(caught.value.missing)


def test_what_is_missing_never_includes_what_is_being_estimated():
    """Saying that a training duration cannot be estimated without its training duration says
    nothing: a route from days to accelerator-hours and back to days is not a route."""
    from kb.compute.formulas import FORMULAS, missing_inputs

    for target in FORMULAS:
        for known in [set(), *({name} for formula in FORMULAS[target] for name in formula.inputs)]:
            assert target not in missing_inputs(target, known - {target}), (target, known)
    assert missing_inputs("training_days", {"gpu_hours"}) == ["num_gpus"]


@pytest.mark.parametrize("low,high", [(0, 1), (2, 1), (math.nan, 1), (1, math.inf), (-1, 1)])
def test_invalid_inputs_are_refused(low, high):
    with pytest.raises(RangeError):
        Input(low, high)
