"""Dollars of one year in dollars of another, by a price index (Epoch AI's: the US producer price
index for data processing and hosting). Pure: the index is passed in, year -> yearly mean."""

from __future__ import annotations

from collections.abc import Mapping

from kb.errors import NotFound


def convert(amount: float, from_year: int, to_year: int, index: Mapping[int, float]) -> float:
    """`amount` in `from_year` dollars, in `to_year` dollars.

    >>> convert(100.0, 2020, 2023, {2020: 104.0, 2023: 117.0})
    112.5
    """
    for year in (from_year, to_year):
        if year not in index:
            known = f"{min(index)}–{max(index)}" if index else "none"
            raise NotFound(f"the price index has no figure for {year} (it covers {known})")
    return amount * index[to_year] / index[from_year]
