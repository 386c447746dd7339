"""The Monte Carlo settings every estimate shares, apart from numpy so `kb --help` can show them cheaply."""

DEFAULT_SAMPLES = 10_000
DEFAULT_SEED = 20240501
