"""The one Jinja environment: autoescaping on, undefined names fail the build."""

from __future__ import annotations

import contextlib
import functools
import re
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.bccache import Bucket

from kb.paths import bundled, user_cache
from kb.site.search import SEARCHABLE

WHITESPACE = re.compile(r"\s")
DEFAULT_TEMPLATES = bundled("templates")


def safe_url(value: str | None) -> str | None:
    """Only http(s) URLs become links; anything else (javascript:, data:, relative) is not a URL."""
    if not value:
        return None
    text = str(value).strip()
    parts = urlsplit(text)
    if parts.scheme in ("http", "https") and parts.netloc and not WHITESPACE.search(text):
        return text
    return None


class SiteEnvironment(Environment):
    """Reads `claim.value` from a dict by key first: the default tries an attribute, fails, and
    only then looks up the key, and that failed lookup dominated render time."""

    def getattr(self, obj, attribute):
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


class CompiledTemplates(FileSystemBytecodeCache):
    """Templates compiled by an earlier run, kept in the user's cache: compiling them again was a
    fifth of a `kb build` after one edit. A cache that cannot be written is only slower."""

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _compiled_templates() -> CompiledTemplates | None:
    folder = user_cache("templates")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return CompiledTemplates(str(folder))


def environment(templates: Path = DEFAULT_TEMPLATES) -> Environment:
    env = SiteEnvironment(
        bytecode_cache=_compiled_templates(),
        loader=FileSystemLoader(str(templates)),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # a build never edits templates; checking each one's mtime per page is slow
    )
    env.filters["safe_url"] = safe_url
    env.globals["searchable"] = SEARCHABLE  # the templates whose pages' <main> the search index reads
    return env


@functools.lru_cache(maxsize=4)
def compiled_environment(templates: Path, version: str) -> Environment:
    """environment(), kept while the templates stay as they are (`version`: a digest of them), so
    that a process that builds again compiles no template twice (compiling is a tenth of a second)."""
    return environment(templates)
