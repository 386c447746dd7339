"""Source files read into documents and written back: YAML (possibly several documents in one
file) or JSON, a file or a folder of them. YAML is read safely, remembers the line of every
mapping and field for error messages, and refuses aliases, which make YAML bombs."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from kb.errors import InvalidRecord
from kb.records import Document, document_from_dict

MAX_FILE_BYTES = 5_000_000


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
