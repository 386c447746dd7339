"""A page of the site, and the fields of a claim that lists of claims show."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Page:
    """A page: its template, path and context. `lazy` parts are computed only if the page is
    rendered; they must be functions of the context, which alone decides whether it changed.
    `prepare` gives more of the context from the database, so it runs in the building process, and
    only when the page must be rendered: its `context` is then a key that changes with its inputs."""

    template: str
    save_as: str
    title: str
    context: dict = field(default_factory=dict)
    lazy: dict[str, Callable[[], object]] = field(default_factory=dict)
    prepare: Callable[[], dict] | None = None

    @property
    def root(self) -> str:
        return "../" * self.save_as.count("/")


def brief(v: dict) -> dict:
    """What lists of claims show (other pages' fingerprints depend on these fields only)."""
    return {k: v[k] for k in BRIEF_FIELDS}


BRIEF_FIELDS = (
    "slug",
    "url",
    "subject",
    "quantity",
    "quantity_label",
    "value",
    "claimant",
    "date",
    "year_sort",
    "verdict",
    "low",
    "high",
    "p5",
    "p50",
    "p95",
    "own_inputs",
)
