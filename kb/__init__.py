"""costcheck: published claims about AI training costs, checked against a compute model."""

__version__ = "0.1.0"
