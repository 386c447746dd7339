"""YAML/JSON documents to validated records and back.

A document is what one file in sources/ holds: a source and the subjects, facts, claims and
global assumptions it brings. Validation names the file, the line and the field, so an editor
can fix a typo without reading a traceback. Nothing here touches the database.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from kb.errors import InvalidRecord, KBError
from kb.quantities import (
    BASES,
    CLAIM_QUANTITIES,
    CONFIDENCES,
    CURRENCIES,
    MONEY,
    MONEY_PER_HOUR,
    QUANTITIES,
    RANKS,
    SCOPES,
    SOURCE_KINDS,
    STATUSES,
    SUBJECT_KINDS,
    TEXT,
    Range,
    unit_of,
)
from kb.values import parse

# Single hyphens only: "--" is reserved for the slugs of a claim's own assumptions ("<claim>--0").
SLUG = re.compile(r"(?=.{1,100}$)[a-z0-9]+(?:-[a-z0-9]+)*")
PARTIAL_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
# also the noncharacters U+FFFE/U+FFFF and lone surrogates, which XML (the feed, the sitemap) cannot carry
BIDI_AND_CONTROL = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]")
MAX_FILE_BYTES = 5_000_000
LIMITS = {"title": 500, "quote": 2000, "notes": 10_000, "note": 10_000, "value": 500}
ASSUMPTION_NAMES = (
    "mfu",
    "gpu_hour_price_usd",
    "hardware",
    "precision",
    "parameters",
    "active_parameters",
    "training_tokens",
    "training_flop",
    "gpu_hours",
    "num_gpus",
    "training_days",
    "server_overhead",
    "pue",
    "development_multiplier",
    "hardware_price_usd",
    "year",
    "useful_life_years",
    "power_w",
    "bytes_per_parameter",
    "tokens_per_parameter",
    "cluster_overhead",
    "price_index",
)
TEXT_ASSUMPTIONS = ("hardware", "precision")
RATIO_ASSUMPTIONS = (
    "mfu",
    "server_overhead",
    "pue",
    "development_multiplier",
    "year",
    "useful_life_years",
    "bytes_per_parameter",
    "tokens_per_parameter",
    "cluster_overhead",
    "price_index",
)


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


class Where:
    """Where a record came from, for error messages: "sources/x.yaml:14: claims[2]"."""

    def __init__(self, origin: str, path: str, line: int | None):
        self.origin, self.path, self.line = origin, path, line

    def error(self, field_name: str, problem: str) -> InvalidRecord:
        location = f"{self.origin}:{self.line}" if self.line else self.origin
        dotted = f"{self.path}.{field_name}" if self.path else field_name
        return InvalidRecord(f"{location}: {dotted}: {problem}")


class _Fields:
    """Typed access to one mapping, raising InvalidRecord that names the field."""

    def __init__(self, data, where: Where, allowed: tuple[str, ...]):
        if not isinstance(data, dict):
            raise where.error("", "expected a mapping")
        self.data, self.where = data, where
        unknown = sorted(set(map(str, data)) - set(allowed))
        if unknown:
            raise self.error(unknown[0], f"unknown field (allowed: {', '.join(allowed)})")

    def error(self, name: str, problem: str) -> InvalidRecord:
        """An error on the line of the field itself when the YAML says where it is."""
        line = getattr(self.data, "lines", {}).get(name)
        where = Where(self.where.origin, self.where.path, line) if line else self.where
        return where.error(name, problem)

    def text(self, name: str, required: bool = False, limit: int = 500, multiline: bool = False):
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                raise self.error(name, "is required")
            return None
        if isinstance(value, (date, datetime)):
            value = value.isoformat()
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.error(name, "expected text")
        value = str(value)
        if len(value) > LIMITS.get(name, limit):
            raise self.error(name, f"is longer than {LIMITS.get(name, limit)} characters")
        if BIDI_AND_CONTROL.search(value) or (not multiline and "\n" in value.strip()):
            raise self.error(name, "contains control or bidirectional-override characters")
        return value.strip()

    def choice(self, name: str, choices: tuple[str, ...], default: str | None = None):
        value = self.text(name) or default
        if value is None:
            raise self.error(name, f"is required (one of: {', '.join(choices)})")
        if value not in choices:
            raise self.error(name, f'"{value}" is not one of: {", ".join(choices)}')
        return value

    def slug(self, name: str, required: bool = True, fallback: str | None = None):
        value = self.text(name) or fallback
        if value is None:
            if required:
                raise self.error(name, "is required")
            return None
        if not SLUG.fullmatch(value):
            raise self.error(name, f'"{value}" is not a slug (lower-case letters and digits, joined by single hyphens)')
        return value

    def url(self, name: str):
        value = self.text(name, limit=2000)
        if value is None:
            return None
        return check_url(value, lambda problem: self.error(name, problem))

    def partial_date(self, name: str):
        value = self.text(name)
        if value is None:
            return None
        return check_date(value, lambda problem: self.error(name, problem))

    def integer(self, name: str, low: int, high: int):
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.error(name, f"expected a whole number from {low} to {high}")
        return value

    def number(self, name: str):
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise self.error(name, f'"{value}" is not a number') from None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(name, "expected a number")
        if not math.isfinite(value) or value < 0:
            raise self.error(name, f"{value} is not a finite, non-negative number")
        return float(value)

    def strings(self, name: str) -> list[str]:
        value = self.data.get(name) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(name, "expected a list of names")
        for v in value:
            if BIDI_AND_CONTROL.search(v) or len(v) > 200 or not v.strip():
                raise self.error(name, f'"{v[:40]}" is not a usable name')
        return [v.strip() for v in value]

    def range(self, unit: str, value_field: str = "value") -> tuple[str | None, Range]:
        """The stated value and its Range: low/high when given, else the parsed value."""
        stated = self.text(value_field)
        low, high = self.number("low"), self.number("high")
        currency = self.text("currency")
        if currency is not None and currency not in CURRENCIES:
            raise self.error("currency", f'"{currency}" is not one of: {", ".join(CURRENCIES)}')
        if unit == TEXT:
            return stated, Range(None, None)
        if "low" in self.data or "high" in self.data:
            currency = (currency or "USD") if unit in (MONEY, MONEY_PER_HOUR) else None
            try:
                return stated, Range(low, high, unit, currency)
            except KBError as e:
                raise self.error("low", str(e)) from None
        if stated is None:
            raise self.error(value_field, "is required (or give low and high)")
        try:
            return stated, parse(stated, unit)
        except KBError as e:
            raise self.error(value_field, str(e)) from None


def clean_text(value: str, field_name: str, limit: int = 500) -> str:
    """Free text typed on the command line (a reason, a title), held to the rules of text in source files."""
    return _Fields({field_name: value}, Where("command line", "", None), (field_name,)).text(
        field_name, required=True, limit=limit
    )


def check_url(value: str, fail) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"\s", value):
        raise fail(f'"{value[:80]}" is not an http(s) URL')
    return parts.scheme + value[len(parts.scheme) :]  # "HTTPS://" as "https://": the same on every backend


def check_date(value: str, fail) -> str:
    if not PARTIAL_DATE.fullmatch(value):
        raise fail(f'"{value}" is not a date (YYYY-MM-DD, YYYY-MM or YYYY)')
    padded = value + "-01" * (2 - value.count("-"))
    try:
        date.fromisoformat(padded)
    except ValueError:
        raise fail(f'"{value}" is not a real date') from None
    return value


@dataclass
class SourceIn:
    slug: str
    title: str
    kind: str
    url: str | None = None
    author: str | None = None
    publisher: str | None = None
    published: str | None = None
    accessed: str | None = None
    notes: str | None = None

    FIELDS = ("slug", "title", "kind", "url", "author", "publisher", "published", "accessed", "notes")

    @classmethod
    def from_dict(cls, data, where: Where) -> SourceIn:
        f = _Fields(data, where, cls.FIELDS)
        title = f.text("title", required=True)
        return cls(
            slug=f.slug("slug", fallback=slugify(title)),
            title=title,
            kind=f.choice("kind", SOURCE_KINDS),
            url=f.url("url"),
            author=f.text("author"),
            publisher=f.text("publisher"),
            published=f.partial_date("published"),
            accessed=f.partial_date("accessed"),
            notes=f.text("notes", multiline=True),
        )


@dataclass
class SubjectIn:
    slug: str
    name: str
    kind: str
    aliases: list[str] = field(default_factory=list)
    developer: str | None = None
    year: int | None = None
    notes: str | None = None

    FIELDS = ("slug", "name", "kind", "aliases", "developer", "year", "notes")

    @classmethod
    def from_dict(cls, data, where: Where) -> SubjectIn:
        f = _Fields(data, where, cls.FIELDS)
        name = f.text("name", required=True)
        return cls(
            slug=f.slug("slug", fallback=slugify(name)),
            name=name,
            kind=f.choice("kind", SUBJECT_KINDS),
            aliases=f.strings("aliases"),
            developer=f.text("developer"),
            year=f.integer("year", 1900, 2200),
            notes=f.text("notes", multiline=True),
        )


@dataclass
class FactIn:
    slug: str
    subject: str
    quantity: str
    value: Range
    text: str | None
    basis: str
    confidence: str
    source: str
    rank: str = "normal"
    qualifier: str | None = None
    year: int | None = None
    note: str | None = None

    FIELDS = (
        "slug",
        "subject",
        "quantity",
        "value",
        "low",
        "high",
        "currency",
        "basis",
        "confidence",
        "rank",
        "qualifier",
        "year",
        "note",
        "source",
    )

    @classmethod
    def from_dict(cls, data, where: Where, default_source: str | None) -> FactIn:
        f = _Fields(data, where, cls.FIELDS)
        subject = f.text("subject", required=True)
        quantity = f.choice("quantity", tuple(QUANTITIES))
        stated, value = f.range(unit_of(quantity))
        if unit_of(quantity) == TEXT and not stated:
            raise where.error("value", "is required")
        qualifier, year = f.text("qualifier"), f.integer("year", 1900, 2200)
        source = f.slug("source", fallback=default_source)
        parts = [subject, quantity, qualifier or "", str(year or ""), source]
        return cls(
            slug=f.slug("slug", fallback=slugify("-".join(p for p in parts if p))),
            subject=subject,
            quantity=quantity,
            value=value,
            text=stated if unit_of(quantity) == TEXT else None,
            basis=f.choice("basis", BASES),
            confidence=f.choice("confidence", CONFIDENCES),
            rank=f.choice("rank", RANKS, "normal"),
            qualifier=qualifier,
            year=year,
            note=f.text("note", multiline=True),
            source=source,
        )


@dataclass
class AssumptionIn:
    slug: str | None
    name: str
    value: Range
    text: str | None
    qualifier: str | None = None
    stated: bool = True
    source: str | None = None
    note: str | None = None

    FIELDS = ("slug", "name", "qualifier", "value", "low", "high", "currency", "stated", "source", "note")

    @classmethod
    def from_dict(cls, data, where: Where, default_source: str | None, is_global: bool) -> AssumptionIn:
        f = _Fields(data, where, cls.FIELDS)
        name = f.choice("name", ASSUMPTION_NAMES)
        stated_text, value = f.range(assumption_unit(name))
        stated = data.get("stated", not is_global)
        if not isinstance(stated, bool):
            raise where.error("stated", "expected true or false")
        if value.currency not in (None, "USD"):
            raise where.error("value", "assumptions are in US dollars")
        if name == "mfu" and value.low is not None and (value.low <= 0 or (value.high or 0) > 1):
            raise where.error("value", "MFU must be in (0, 1]")
        qualifier = f.text("qualifier")
        slug = f.slug(
            "slug", required=is_global, fallback=slugify(f"{name}-{qualifier}") if is_global and qualifier else None
        )
        return cls(
            slug=slug,
            name=name,
            value=value,
            text=stated_text if name in TEXT_ASSUMPTIONS else None,
            qualifier=qualifier,
            stated=stated,
            source=f.slug("source", required=is_global, fallback=default_source),
            note=f.text("note", multiline=True),
        )


def assumption_unit(name: str) -> str:
    """Unit kind of an assumption; ratios and years are plain numbers."""
    if name in TEXT_ASSUMPTIONS:
        return TEXT
    if name in RATIO_ASSUMPTIONS:
        return "fraction" if name == "mfu" else "count"
    if name == "useful_life_years":
        return "count"
    return unit_of(name) if name in QUANTITIES else "count"


@dataclass
class ClaimIn:
    slug: str
    source: str
    subject: str
    quantity: str
    value_text: str
    value: Range
    quote: str
    scope: str
    claimant: str
    claimed_on: str | None = None
    status: str = "active"
    status_reason: str | None = None
    note: str | None = None
    assumptions: list[AssumptionIn] = field(default_factory=list)
    created_at: str | None = None
    updated_at: str | None = None
    version: int = 1

    FIELDS = (
        "slug",
        "subject",
        "quantity",
        "value",
        "low",
        "high",
        "currency",
        "quote",
        "scope",
        "claimant",
        "date",
        "status",
        "status_reason",
        "note",
        "assumptions",
        "source",
        "created_at",
        "updated_at",
        "version",
    )

    @classmethod
    def from_dict(cls, data, where: Where, default_source: str | None) -> ClaimIn:
        f = _Fields(data, where, cls.FIELDS)
        quantity = f.choice("quantity", CLAIM_QUANTITIES)
        stated, value = f.range(unit_of(quantity))
        if stated is None:
            raise where.error("value", "is required: the value as the source states it")
        subject = f.text("subject", required=True)
        source = f.slug("source", fallback=default_source)
        assumptions = data.get("assumptions") or []
        if not isinstance(assumptions, list):
            raise where.error("assumptions", "expected a list")
        return cls(
            slug=f.slug("slug", fallback=slugify(f"{subject}-{quantity}-{source}")),
            source=source,
            subject=subject,
            quantity=quantity,
            value_text=stated,
            value=value,
            quote=f.text("quote", required=True, multiline=True),
            scope=f.choice("scope", SCOPES),
            claimant=f.text("claimant", required=True),
            claimed_on=f.partial_date("date"),
            status=f.choice("status", STATUSES, "active"),
            status_reason=f.text("status_reason"),
            note=f.text("note", multiline=True),
            assumptions=[
                AssumptionIn.from_dict(a, _child(where, f"assumptions[{i}]", a), source, False)
                for i, a in enumerate(assumptions)
            ],
            created_at=f.text("created_at"),
            updated_at=f.text("updated_at"),
            version=f.integer("version", 1, 10**9) or 1,
        )


@dataclass
class Document:
    """One file's worth of records."""

    origin: str
    source: SourceIn | None
    subjects: list[SubjectIn]
    facts: list[FactIn]
    claims: list[ClaimIn]
    assumptions: list[AssumptionIn]
    keep_replaced_facts: bool = False  # a fact whose value changed keeps its old value, deprecated


def _child(where: Where, path: str, data) -> Where:
    full = f"{where.path}.{path}" if where.path else path
    return Where(where.origin, full, getattr(data, "line", None) or where.line)


def document_from_dict(data, origin: str) -> Document:
    top = Where(origin, "", getattr(data, "line", None))
    f = _Fields(data, top, ("source", "subjects", "facts", "claims", "assumptions"))
    source = SourceIn.from_dict(data["source"], _child(top, "source", data["source"])) if data.get("source") else None
    default = source.slug if source else None
    lists = {}
    for name in ("subjects", "facts", "claims", "assumptions"):
        items = data.get(name) or []
        if not isinstance(items, list):
            raise top.error(name, "expected a list")
        lists[name] = items
    if (lists["facts"] or lists["claims"]) and source is None:
        for key in ("facts", "claims"):
            for i, item in enumerate(lists[key]):
                if not (isinstance(item, dict) and item.get("source")):
                    raise _child(top, f"{key}[{i}]", item).error("source", "is required (this file has no source)")
    del f
    return Document(
        origin=origin,
        source=source,
        subjects=[SubjectIn.from_dict(d, _child(top, f"subjects[{i}]", d)) for i, d in enumerate(lists["subjects"])],
        facts=[FactIn.from_dict(d, _child(top, f"facts[{i}]", d), default) for i, d in enumerate(lists["facts"])],
        claims=[ClaimIn.from_dict(d, _child(top, f"claims[{i}]", d), default) for i, d in enumerate(lists["claims"])],
        assumptions=[
            AssumptionIn.from_dict(d, _child(top, f"assumptions[{i}]", d), default, True)
            for i, d in enumerate(lists["assumptions"])
        ],
    )


class _LineDict(dict):
    line: int | None = None
    lines: dict | None = None


class _SafeLineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe loading (libyaml's fast parser where installed) that remembers each mapping's line and
    refuses aliases: a node met twice is an alias, and aliases make YAML bombs."""

    def construct_object(self, node, deep=False):
        if node in self.constructed_objects or node in self.recursive_objects:
            raise yaml.MarkedYAMLError("while reading", None, "YAML aliases are not allowed", node.start_mark)
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as e:  # an explicit tag's value: !!timestamp 2024-13-40, !!int 1e999
            tag = node.tag.rsplit(":", 1)[-1]
            raise yaml.MarkedYAMLError("while reading", None, f"{tag}: {e}", node.start_mark) from None

    def construct_mapping(self, node, deep=False):
        mapping = _LineDict(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        mapping.lines = {k.value: k.start_mark.line + 1 for k, _ in node.value if hasattr(k, "value")}
        return mapping


_SafeLineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _SafeLineLoader.construct_mapping)
# Dates stay text, so "2024-13-40" is reported against its field instead of crashing the loader.
_SafeLineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_documents(path: Path) -> list[Document]:
    """Every document in a file (YAML, possibly multi-document, or JSON) or a folder of them."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml", ".json"))
        return [doc for p in files for doc in read_documents(p)]
    if not path.exists():
        raise InvalidRecord(f"{path}: no such file or folder")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InvalidRecord(f"{path}: larger than {MAX_FILE_BYTES // 1_000_000} MB")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        raise InvalidRecord(f"{path}: not UTF-8 text (byte {e.start})") from None
    return parse_documents(text, str(path), json_format=path.suffix == ".json")


def parse_documents(text: str, origin: str, json_format: bool = False) -> list[Document]:
    if json_format:
        try:
            data = json.loads(text, parse_constant=_reject_constant)
        except ValueError as e:
            raise InvalidRecord(f"{origin}: invalid JSON: {e}") from None
        items = data.get("documents", [data]) if isinstance(data, dict) else None
        if items is None:
            raise InvalidRecord(f"{origin}: expected a JSON object")
    else:
        try:
            items = [d for d in yaml.load_all(text, Loader=_SafeLineLoader) if d is not None]
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            line = f":{mark.line + 1}" if mark else ""
            problem = getattr(e, "problem", None) or str(e)
            raise InvalidRecord(f"{origin}{line}: invalid YAML: {problem}") from None
    return [document_from_dict(item, origin) for item in items]


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a number")


def dump_yaml(documents: list[dict]) -> str:
    return yaml.safe_dump_all(documents, sort_keys=False, allow_unicode=True, width=100)


def dump_json(documents: list[dict]) -> str:
    return json.dumps({"documents": documents}, indent=2, ensure_ascii=False) + "\n"
