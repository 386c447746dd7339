"""The verdict table, at its edges."""

import pytest

from kb.verdict import compare

BAND = (10.0, 20.0)  # p5, p95


@pytest.mark.parametrize(
    "low,high,verdict,factor",
    [
        (15, 15, "consistent", 1.0),  # inside
        (5, 10, "consistent", 1.0),  # touching the bottom edge
        (20, 40, "consistent", 1.0),  # touching the top edge
        (None, 12, "consistent", 1.0),  # open below, reaching into the band
        (100, None, "doubtful", 5.0),  # open above, starting above it
        (60, 60, "plausible", 3.0),  # exactly 3× above: still plausible
        (60.001, 61, "doubtful", 3.00005),  # just past 3×
        (200, 200, "doubtful", 10.0),  # exactly 10×: still doubtful
        (200.01, 300, "implausible", 10.0005),
        (1, 1, "doubtful", 10.0),  # 10× below
        (0.99, 0.99, "implausible", 10.10101),
        (None, 3.3, "doubtful", 3.0303),  # "under 3.3" against 10–20
    ],
)
def test_bands(low, high, verdict, factor):
    got, f = compare(low, high, *BAND)
    assert got == verdict
    assert f == pytest.approx(factor, rel=1e-4)


def test_exact_match_despite_rounding_is_consistent():
    assert compare(5.576e6, 5.576e6, 5.576000000001e6, 5.576000000001e6)[0] == "consistent"


def test_a_claim_with_no_figure_cannot_be_compared():
    with pytest.raises(ValueError):
        compare(None, None, *BAND)
