"""The records a source file holds, defined once: a source, and the subjects, facts, claims and
global assumptions it brings. Every entry path (a YAML or JSON file, an Epoch AI table, the command
line, `kb factcheck --add`) validates through these models, and export writes their fields in their
order. A refusal names the file, the line and the field, so an editor can fix a typo without
reading a traceback. Nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, ValidationError, model_validator
from pydantic import ValidationInfo as Info
from pydantic_core import PydanticCustomError

from kb.errors import InvalidRecord, KBError
from kb.fields import (
    Flag,
    Names,
    Notes,
    Number,
    PartialDate,
    Quote,
    RequiredText,
    Slug,
    Text,
    Title,
    Url,
    Year,
    choice_rule,
    problem,
    slug_rule,
    slug_text,
    slugify,
    whole_rule,
)
from kb.quantities import (
    ASSUMPTION_NAMES,
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
    TEXT_ASSUMPTIONS,
    Range,
    assumption_unit,
    unit_of,
)
from kb.values import parse


def _choice(choices: tuple[str, ...], default: str | None = None) -> BeforeValidator:
    return BeforeValidator(choice_rule(choices, default))


def _currency(value: Any) -> str | None:
    return None if value is None else choice_rule(CURRENCIES)(value)


SourceKind = Annotated[str, _choice(SOURCE_KINDS)]
SubjectKind = Annotated[str, _choice(SUBJECT_KINDS)]
Quantity = Annotated[str, _choice(tuple(QUANTITIES))]
ClaimQuantity = Annotated[str, _choice(CLAIM_QUANTITIES)]
AssumptionName = Annotated[str, _choice(ASSUMPTION_NAMES)]
Basis = Annotated[str, _choice(BASES)]
Confidence = Annotated[str, _choice(CONFIDENCES)]
Rank = Annotated[str, _choice(RANKS, "normal")]
Scope = Annotated[str, _choice(SCOPES)]
Status = Annotated[str, _choice(STATUSES, "active")]
Currency = Annotated[str | None, BeforeValidator(_currency)]
MadeSlug = Annotated[
    str, BeforeValidator(lambda v: slug_rule(v) or "")
]  # given, or made from the record's other fields
Version = Annotated[int, BeforeValidator(lambda v: whole_rule(1, 10**9)(v) or 1)]


class Where:
    """Where a record came from, for error messages: "sources/x.yaml:14: claims[2]"."""

    def __init__(self, origin: str, path: str, line: int | None):
        self.origin, self.path, self.line = origin, path, line

    def error(self, field_name: str, problem: str) -> InvalidRecord:
        location = f"{self.origin}:{self.line}" if self.line else self.origin
        dotted = f"{self.path}.{field_name}" if self.path and field_name else self.path or field_name
        return InvalidRecord(f"{location}: {dotted}: {problem}")

    def child(self, path: str, data: Any) -> Where:
        """The place of an item inside this one: "claims[2]", on the item's own line when known."""
        full = f"{self.path}{path}" if path.startswith("[") else f"{self.path}.{path}" if self.path else path
        return Where(self.origin, full, getattr(data, "line", None) or self.line)


class Record(BaseModel):
    """A record as a source file writes it. Every field is validated, even when absent, so that a
    missing one is reported in our words; rules over several fields run after them."""

    model_config = ConfigDict(extra="forbid", validate_default=True, arbitrary_types_allowed=True)

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        """The fields as a source file names them, in order: what is allowed, and what export writes."""
        return tuple(str(f.validation_alias or name) for name, f in cls.model_fields.items())

    @classmethod
    def of_row(cls, row: Any, **values: Any) -> dict[str, Any]:
        """A database row as this record: the model's fields in order, from the row's columns of the
        same name or the values given (which win), then any further values given."""
        columns = type(row).__table__.columns
        found = {k: getattr(row, k) for k in cls.field_names() if k in columns} | values
        return {k: found.pop(k) for k in cls.field_names() if k in found} | found

    @classmethod
    def from_command_line(cls, options: dict[str, Any], default_source: str | None = None) -> Any:
        """Options as given on the command line (None where not given), held to a source file's rules."""
        given = {k: v for k, v in options.items() if v is not None}
        return cls.from_dict(given, Where("command line", "", None), default_source)

    @classmethod
    def from_dict(cls, data: Any, where: Where, default_source: str | None = None, is_global: bool = False) -> Any:
        """The record, or InvalidRecord naming the file, line and field of the first problem."""
        if not isinstance(data, dict):
            raise where.error("", "expected a mapping")
        try:
            return cls.model_validate(data, context={"default_source": default_source, "is_global": is_global})
        except ValidationError as e:
            raise _refusal(e, data, where, cls) from None


def _refusal(error: ValidationError, data: dict, where: Where, model: type[Record]) -> InvalidRecord:
    """The first problem, as one line; an unknown field is reported before anything else."""
    errors = error.errors()
    unknown = sorted((e for e in errors if e["type"] == "extra_forbidden"), key=lambda e: str(e["loc"][-1]))
    first = unknown[0] if unknown else errors[0]
    context = first.get("ctx") or {}
    loc = [*first["loc"], *([context["field"]] if context.get("field") else [])]
    not_a_mapping = first["type"] in ("model_type", "model_attributes_type", "dict_type")
    node: Any = data
    for part in loc if not_a_mapping else loc[:-1]:  # into a claim's own assumptions
        where = where.child(f"[{part}]" if isinstance(part, int) else str(part), node[part])
        node = node[part]
        if isinstance(node, dict):
            model = AssumptionIn
    name = "" if not_a_mapping or not loc else str(loc[-1])
    if first["type"] == "extra_forbidden":
        message = f"unknown field (allowed: {', '.join(model.field_names())})"
    elif not_a_mapping:
        message = "expected a mapping"
    elif first["type"] == "missing":
        message = _missing(model, name)
    else:
        message = context.get("problem") or first["msg"]
    line = (getattr(node, "lines", None) or {}).get(name)
    return Where(where.origin, where.path, line or where.line).error(name, message)


def _missing(model: type[Record], key: str) -> str:
    """What a required field's own rule says of its absence: "is required (one of: …)"."""
    field = next(f for name, f in model.model_fields.items() if (f.validation_alias or name) == key)
    for rule in field.metadata:
        try:
            rule.func(None)
        except PydanticCustomError as e:
            return str((e.context or {}).get("problem", e))
    return "is required"


def _default_source(record: Record, info: Info) -> str:
    """The record's own source, else its file's; one or the other is required."""
    source = getattr(record, "source", "") or _context(info).get("default_source")
    if not source:
        raise problem("is required", "source")
    return source


def _context(info: Info) -> dict:
    return info.context or {}


def _value_range(record: Record, stated: str | None, unit: str, currency: str | None) -> Range:
    """The stated value and its Range: low/high when given, else the stated value parsed."""
    if unit == TEXT:
        return Range(None, None)
    low, high = getattr(record, "low", None), getattr(record, "high", None)
    if {"low", "high"} & record.model_fields_set:
        currency = (currency or "USD") if unit in (MONEY, MONEY_PER_HOUR) else None
        try:
            return Range(low, high, unit, currency)
        except KBError as e:
            raise problem(str(e), "low") from None
    if stated is None:
        raise problem("is required (or give low and high)", "value")
    try:
        return parse(stated, unit)
    except KBError as e:
        raise problem(str(e), "value") from None


class SourceIn(Record):
    slug: MadeSlug = ""
    title: Title
    kind: SourceKind
    url: Url = None
    author: Text = None
    publisher: Text = None
    published: PartialDate = None
    accessed: PartialDate = None
    notes: Notes = None

    @model_validator(mode="after")
    def _slug_from_title(self) -> SourceIn:
        self.slug = self.slug or slugify(self.title)
        return self


class SubjectIn(Record):
    slug: MadeSlug = ""
    name: RequiredText
    kind: SubjectKind
    aliases: Names = Field(default_factory=list)
    developer: Text = None
    year: Year = None
    notes: Notes = None

    @model_validator(mode="after")
    def _slug_from_name(self) -> SubjectIn:
        self.slug = self.slug or slugify(self.name)
        return self


class FactIn(Record):
    slug: MadeSlug = ""
    subject: RequiredText
    quantity: Quantity
    value_text: Text = Field(None, validation_alias="value")
    low: Number = None
    high: Number = None
    currency: Currency = None
    basis: Basis
    confidence: Confidence
    rank: Rank = "normal"
    qualifier: Text = None
    year: Year = None
    note: Notes = None
    source: MadeSlug = ""
    _range: Range = PrivateAttr(default_factory=lambda: Range(None, None))

    @property
    def value(self) -> Range:
        return self._range

    @property
    def text(self) -> str | None:
        """The value of a fact that is a name (a model's hardware), not a number."""
        return self.value_text if unit_of(self.quantity) == TEXT else None

    @model_validator(mode="after")
    def _whole(self, info: Info) -> FactIn:
        unit = unit_of(self.quantity)
        self._range = _value_range(self, self.value_text, unit, self.currency)
        if unit == TEXT and not self.value_text:
            raise problem("is required", "value")
        self.source = _default_source(self, info)
        parts = [self.subject, self.quantity, self.qualifier or "", str(self.year or ""), self.source]
        self.slug = self.slug or slug_text(slugify("-".join(p for p in parts if p)))
        return self


class AssumptionIn(Record):
    slug: Slug = None
    name: AssumptionName
    qualifier: Text = None
    value_text: Text = Field(None, validation_alias="value")
    low: Number = None
    high: Number = None
    currency: Currency = None
    stated: Flag = None
    source: Slug = None
    note: Notes = None
    _range: Range = PrivateAttr(default_factory=lambda: Range(None, None))

    @property
    def value(self) -> Range:
        return self._range

    @property
    def text(self) -> str | None:
        return self.value_text if self.name in TEXT_ASSUMPTIONS else None

    @model_validator(mode="after")
    def _whole(self, info: Info) -> AssumptionIn:
        is_global = bool(_context(info).get("is_global"))
        self._range = value = _value_range(self, self.value_text, assumption_unit(self.name), self.currency)
        if self.stated is None:
            self.stated = not is_global
        if value.currency not in (None, "USD"):
            raise problem("assumptions are in US dollars", "value")
        if self.name == "mfu" and value.low is not None and (value.low <= 0 or (value.high or 0) > 1):
            raise problem("MFU must be in (0, 1]", "value")
        if is_global and self.slug is None:
            if not self.qualifier:
                raise problem("is required", "slug")
            self.slug = slug_text(slugify(f"{self.name}-{self.qualifier}"))
        self.source = self.source or _context(info).get("default_source")
        if is_global and self.source is None:
            raise problem("is required", "source")
        return self


def _assumption_list(value: Any) -> Any:
    if not value:
        return []
    if not isinstance(value, list):
        raise problem("expected a list")
    return value


class ClaimIn(Record):
    slug: MadeSlug = ""
    subject: RequiredText
    quantity: ClaimQuantity
    value_text: Text = Field(None, validation_alias="value")
    low: Number = None
    high: Number = None
    currency: Currency = None
    quote: Quote
    scope: Scope
    claimant: RequiredText
    claimed_on: PartialDate = Field(None, validation_alias="date")
    status: Status = "active"
    status_reason: Text = None
    note: Notes = None
    assumptions: Annotated[list[AssumptionIn], BeforeValidator(_assumption_list)] = Field(default_factory=list)
    source: MadeSlug = ""
    created_at: Text = None
    updated_at: Text = None
    version: Version = 1

    @property
    def value(self) -> Range:
        return self._range

    _range: Range = PrivateAttr(default_factory=lambda: Range(None, None))

    @model_validator(mode="after")
    def _whole(self, info: Info) -> ClaimIn:
        self._range = _value_range(self, self.value_text, unit_of(self.quantity), self.currency)
        if self.value_text is None:
            raise problem("is required: the value as the source states it", "value")
        self.source = _default_source(self, info)
        for assumption in self.assumptions:  # a claim's own inputs come from where the claim does
            if "source" not in assumption.model_fields_set:
                assumption.source = self.source
        self.slug = self.slug or slug_text(slugify(f"{self.subject}-{self.quantity}-{self.source}"))
        return self


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


DOCUMENT_KEYS = ("source", "subjects", "facts", "claims", "assumptions")


def document_from_dict(data: Any, origin: str) -> Document:
    top = Where(origin, "", getattr(data, "line", None))
    if not isinstance(data, dict):
        raise top.error("", "expected a mapping")
    unknown = sorted(set(map(str, data)) - set(DOCUMENT_KEYS))
    if unknown:
        line = (getattr(data, "lines", None) or {}).get(unknown[0])
        raise Where(origin, "", line or top.line).error(
            unknown[0], f"unknown field (allowed: {', '.join(DOCUMENT_KEYS)})"
        )
    source = SourceIn.from_dict(data["source"], top.child("source", data["source"])) if data.get("source") else None
    default = source.slug if source else None
    lists = {}
    for name in DOCUMENT_KEYS[1:]:
        items = data.get(name) or []
        if not isinstance(items, list):
            raise top.error(name, "expected a list")
        lists[name] = items
    if source is None:
        for key in ("facts", "claims"):
            for i, item in enumerate(lists[key]):
                if not (isinstance(item, dict) and item.get("source")):
                    raise top.child(f"{key}[{i}]", item).error("source", "is required (this file has no source)")

    def each(model: type[Record], key: str, is_global: bool = False) -> list[Any]:
        return [
            model.from_dict(item, top.child(f"{key}[{i}]", item), default, is_global)
            for i, item in enumerate(lists[key])
        ]

    return Document(
        origin=origin,
        source=source,
        subjects=each(SubjectIn, "subjects"),
        facts=each(FactIn, "facts"),
        claims=each(ClaimIn, "claims"),
        assumptions=each(AssumptionIn, "assumptions", is_global=True),
    )
