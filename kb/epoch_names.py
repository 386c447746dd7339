"""How Epoch AI's names become ours: the subject a name already is in the knowledge base, the slug
a new one gets, the aliases that stand for it alone, and an accelerator's architecture."""

from __future__ import annotations

import re
from collections.abc import Callable

from kb.fields import fitted_slug, slugify
from kb.values import alias_key

Resolver = Callable[[str], "str | None"]  # a name to the slug of the subject it already is, if any

ARCHITECTURES = (  # chip name pattern: architecture, the qualifier of the MFU priors
    (r"\b(H100|H800|H200|H20|GH200)\b", "Hopper"),
    (r"\b(B100|B200|GB200)\b", "Blackwell"),
    (r"\b(A100|A800|A10G?|A30|A40|RTX A\d+|RTX 30\d\d)", "Ampere"),
    (r"\b(V100|Titan V)\b", "Volta"),
    (r"\bP100|P40|P4\b|GTX 10\d\d|TITAN Xp", "Pascal"),
    (r"\bTPU\b", "TPU"),
    (r"RTX 40\d\d|Ada", "Ada"),
    (r"\bT4\b|RTX 20\d\d|Quadro RTX", "Turing"),
    (r"\bK80|K40", "Kepler"),
    (r"MI2\d\d|MI3\d\d", "CDNA"),
)


def architecture(chip_name: str) -> str | None:
    for pattern, name in ARCHITECTURES:
        if re.search(pattern, chip_name):
            return name
    return None


def name_variants(name: str) -> list[str]:
    """Ways an Epoch name may already be known: as is, without its maker, without or with its
    parenthesis ("GPT-3 175B (davinci)" → "GPT-3 175B"; "PaLM (540B)" → "PaLM 540B")."""
    bare = re.sub(r"^(NVIDIA|Google|AMD|Huawei|Intel|Amazon)\s+", "", name)
    no_paren = re.sub(r"\s*\([^)]*\)", "", bare).strip()
    joined = re.sub(r"\s*\(([^)]*)\)", r" \1", bare).strip()
    return list(dict.fromkeys(v for v in (name, bare, joined, no_paren) if v))


def short_name(name: str) -> str | None:
    """A family name without the version number ("Gemini 1.0 Ultra" → "Gemini Ultra"), or None."""
    words = name.split()
    kept = [w for w in words if not re.fullmatch(r"v?\d+(\.\d+)+", w)]
    return " ".join(kept) if len(kept) >= 2 and kept != words else None


def subject_for(name: str, resolve: Resolver, taken: set[str]) -> tuple[str, bool]:
    """The slug a name maps to, and whether the subject is new. A parenthesis dropped must say
    nothing the name without it does not: a size ("PaLM (540B)" is PaLM) or another name of the
    same model ("GPT-3 175B (davinci)"), not a variant ("GPT-2 (AMPS)" is a fine-tuned GPT-2)."""
    for variant in name_variants(name):
        if (slug := resolve(variant)) is not None and _same_model(name, variant, slug, resolve):
            return slug, False
    slug = slugify(name)[:90].strip("-")
    while slug in taken or resolve(slug) is not None:
        slug = f"{slug}-epoch"
    return slug, True


def _same_model(name: str, variant: str, slug: str, resolve: Resolver) -> bool:
    dropped = [p.strip() for p in re.findall(r"\(([^)]*)\)", name) if p.strip() not in variant]
    return all(re.fullmatch(r"(?:[A-Za-z]+-)?\d+(?:\.\d+)?\s*[BMT]", part) or resolve(part) == slug for part in dropped)


def fact_slug(subject: str, quantity: str, qualifier: str | None = None) -> str:
    return fitted_slug("epoch", subject, quantity.replace("_", "-"), slugify(qualifier) if qualifier else "")


def alias_counts(names: list[str]) -> dict[str, int]:
    """How many names each candidate alias (variants and family names) could stand for."""
    counts: dict[str, int] = {}
    for name in dict.fromkeys(names):
        for key in {alias_key(a) for a in (*name_variants(name), short_name(name) or name)}:
            counts[key] = counts.get(key, 0) + 1
    return counts


def aliases_for(name: str, resolve: Resolver, counts: dict[str, int]) -> list[str]:
    """Other names for a new subject, only those that stand for it alone ("Gemini Ultra" for
    Gemini 1.0 Ultra, but no "Qwen2.5 Instruct" for the several sizes that share it)."""
    found: dict[str, str] = {}
    for alias in (*name_variants(name)[1:], short_name(name)):
        if alias and counts.get(alias_key(alias)) == 1 and resolve(alias) is None:
            found.setdefault(alias_key(alias), alias)
    found.pop(alias_key(name), None)
    return list(found.values())
