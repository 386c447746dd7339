"""The one Jinja environment: autoescaping on, undefined names fail the build."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

DEFAULT_TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"


def safe_url(value: str | None) -> str | None:
    """Only http(s) URLs become links; anything else (javascript:, data:, relative) is not a URL."""
    if not value:
        return None
    parts = urlsplit(str(value).strip())
    if parts.scheme in ("http", "https") and parts.netloc and not any(c.isspace() for c in str(value)):
        return str(value).strip()
    return None


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
