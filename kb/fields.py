"""What a valid field is, whatever path a record comes in by: text, a choice, a slug, an http(s)
URL, a date, a whole number, a list of names. Each rule is a pydantic validator that says what is
wrong in words an editor can act on; records.py turns the first problem into one line,
`file:line: field: problem`."""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from kb.errors import InvalidRecord

# Single hyphens only: "--" is reserved for the slugs of a claim's own assumptions ("<claim>--0").
SLUG = re.compile(r"(?=.{1,100}$)[a-z0-9]+(?:-[a-z0-9]+)*")
PARTIAL_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
# also the noncharacters U+FFFE/U+FFFF and lone surrogates, which XML (the feed, the sitemap) cannot carry
BIDI_AND_CONTROL = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]")
LIMITS = {"title": 500, "quote": 2000, "notes": 10_000, "note": 10_000, "value": 500, "url": 2000}


def problem(text: str, field: str | None = None) -> PydanticCustomError:
    """A validation problem in our words; `field` names it when a rule over the whole record finds it."""
    return PydanticCustomError("kb", "{problem}", {"problem": text, "field": field})


def fitted_slug(*parts: str) -> str:
    """Parts joined into a slug; one too long for a slug keeps a digest of the whole, so two long
    names never shorten to the same slug."""
    slug = "-".join(p for p in parts if p)
    if len(slug) <= 100:
        return slug
    return f"{slug[:91].rstrip('-')}-{hashlib.blake2b(slug.encode(), digest_size=4).hexdigest()}"


def slugify(text: str) -> str:
    """A file-name-safe slug: lower case ASCII letters, digits and single hyphens; a long text
    keeps a digest of the whole (fitted_slug), so two long titles never become one slug."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return fitted_slug(slug) if slug else "item"


def text_rule(required: bool = False, limit: int = 500, multiline: bool = False) -> Callable[[Any], str | None]:
    """Text on one line (or several, for notes), within its length, free of control characters;
    numbers and dates YAML read as such are taken as written. Empty is absent."""

    def read(value: Any) -> str | None:
        if value is None or value == "":
            if required:
                raise problem("is required")
            return None
        if isinstance(value, (date, datetime)):
            value = value.isoformat()
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise problem("expected text")
        value = str(value)
        if len(value) > limit:
            raise problem(f"is longer than {limit} characters")
        if BIDI_AND_CONTROL.search(value) or (not multiline and "\n" in value.strip()):
            raise problem("contains control or bidirectional-override characters")
        return value.strip()

    return read


def choice_rule(choices: tuple[str, ...], default: str | None = None) -> Callable[[Any], str]:
    def read(value: Any) -> str:
        chosen = text_rule()(value) or default
        if chosen is None:
            raise problem(f"is required (one of: {', '.join(choices)})")
        if chosen not in choices:
            raise problem(f'"{chosen}" is not one of: {", ".join(choices)}')
        return chosen

    return read


def slug_text(value: str) -> str:
    if not SLUG.fullmatch(value):
        raise problem(f'"{value}" is not a slug (lower-case letters and digits, joined by single hyphens)')
    return value


def slug_rule(value: Any) -> str | None:
    """A slug, or None where the record makes one from its other fields."""
    text = text_rule()(value)
    return None if text is None else slug_text(text)


def check_url(value: str, fail: Callable[[str], Exception]) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"\s", value):
        raise fail(f'"{value[:80]}" is not an http(s) URL')
    return parts.scheme + value[len(parts.scheme) :]  # "HTTPS://" as "https://": the same on every backend


def check_date(value: str, fail: Callable[[str], Exception]) -> str:
    if not PARTIAL_DATE.fullmatch(value):
        raise fail(f'"{value}" is not a date (YYYY-MM-DD, YYYY-MM or YYYY)')
    padded = value + "-01" * (2 - value.count("-"))
    try:
        date.fromisoformat(padded)
    except ValueError:
        raise fail(f'"{value}" is not a real date') from None
    return value


def _url(value: Any) -> str | None:
    text = text_rule(limit=LIMITS["url"])(value)
    return None if text is None else check_url(text, problem)


def _partial_date(value: Any) -> str | None:
    text = text_rule()(value)
    return None if text is None else check_date(text, problem)


def whole_rule(low: int, high: int) -> Callable[[Any], int | None]:
    def read(value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise problem(f"expected a whole number from {low} to {high}")
        return value

    return read


def _number(value: Any) -> float | None:
    """A finite, non-negative number; "1e9" written as text is a number too."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise problem(f'"{value}" is not a number') from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise problem("expected a number")
    if not math.isfinite(value) or value < 0:
        raise problem(f"{value} is not a finite, non-negative number")
    return float(value)


def _names(value: Any) -> list[str]:
    value = value or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise problem("expected a list of names")
    for v in value:
        if BIDI_AND_CONTROL.search(v) or len(v) > 200 or not v.strip():
            raise problem(f'"{v[:40]}" is not a usable name')
    return [v.strip() for v in value]


def _flag(value: Any) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise problem("expected true or false")
    return value


Text = Annotated[str | None, BeforeValidator(text_rule())]
RequiredText = Annotated[str, BeforeValidator(text_rule(required=True))]
Notes = Annotated[str | None, BeforeValidator(text_rule(limit=LIMITS["notes"], multiline=True))]
Title = Annotated[str, BeforeValidator(text_rule(required=True, limit=LIMITS["title"]))]
Quote = Annotated[str, BeforeValidator(text_rule(required=True, limit=LIMITS["quote"], multiline=True))]
Slug = Annotated[str | None, BeforeValidator(slug_rule)]
Url = Annotated[str | None, BeforeValidator(_url)]
PartialDate = Annotated[str | None, BeforeValidator(_partial_date)]
Year = Annotated[int | None, BeforeValidator(whole_rule(1900, 2200))]
Number = Annotated[float | None, BeforeValidator(_number)]
Names = Annotated[list[str], BeforeValidator(_names)]
Flag = Annotated[bool | None, BeforeValidator(_flag)]


def clean_text(value: str, field_name: str, limit: int = 500) -> str:
    """Free text typed on the command line (a reason, a title), held to the rules of text in source files."""
    try:
        return text_rule(required=True, limit=LIMITS.get(field_name, limit))(value) or ""
    except PydanticCustomError as e:
        raise InvalidRecord(f"command line: {field_name}: {e.context['problem'] if e.context else e}") from None
