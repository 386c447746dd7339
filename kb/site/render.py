"""The one Jinja environment: autoescaping on, undefined names fail the build."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

WHITESPACE = re.compile(r"\s")
DEFAULT_TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"


def safe_url(value: str | None) -> str | None:
    """Only http(s) URLs become links; anything else (javascript:, data:, relative) is not a URL."""
    if not value:
        return None
    text = str(value).strip()
    parts = urlsplit(text)
    if parts.scheme in ("http", "https") and parts.netloc and not WHITESPACE.search(text):
        return text
    return None


def attributes(value, memo: dict[int, object]):
    """Dicts as attribute objects, recursively: Jinja reads `claim.value` from an object directly,
    but from a dict only after a failed attribute lookup, which dominates render time. `memo`
    (keyed by id, for one build) converts a dict shared by many pages only once."""
    if isinstance(value, dict):
        key = id(value)
        if key not in memo:
            memo[key] = SimpleNamespace(**{k: attributes(v, memo) for k, v in value.items()})
        return memo[key]
    if isinstance(value, list):
        return [attributes(v, memo) for v in value]
    return value


def environment(templates: Path = DEFAULT_TEMPLATES) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["safe_url"] = safe_url
    return env
