"""Score the fact-checker on labelled articles: recall, precision and verdict accuracy.

A labelled article is NAME.txt (or .md, .html) beside NAME.labels.yaml:

    claims:
      - subject: GPT-4        # as the knowledge base names it, or the unknown model's name; null if none
        quantity: training_cost_usd
        low: 60000000
        high: 100000000       # null for an open end
        supported: true       # true: consistent/plausible; false: doubtful/implausible; null: unverifiable
"""

from __future__ import annotations

from pathlib import Path

import yaml

from kb.errors import InvalidRecord
from kb.evaluate import Catalogue, is_supported
from kb.factcheck.check import factcheck, read_article
from kb.values import alias_key

ARTICLE_SUFFIXES = (".txt", ".md", ".html")
TOLERANCE = 0.02


def _close(a: float | None, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    b = float(b)  # YAML 1.1 reads "3.14e23" as text
    return abs(a - b) <= TOLERANCE * max(abs(a), abs(b))


def _same_subject(label: str | None, found: dict, cat: Catalogue) -> bool:
    if label is None:
        return found["subject"] is None
    if found["subject"] is None:
        return False
    slug = cat.resolve(label)
    return (slug is not None and slug == cat.resolve(found["subject"])) or alias_key(label) == alias_key(found["subject"])


def _expected(label) -> str:
    return {True: "supported", False: "not supported", None: "unverifiable"}[label]


def _got(verdict: str) -> str:
    return "unverifiable" if verdict == "unverifiable" else ("supported" if is_supported(verdict) else "not supported")


def evaluate_corpus(folder: Path, cat: Catalogue) -> dict:
    """Run every labelled article in the folder and compare with its labels."""
    articles = sorted(p for p in Path(folder).iterdir() if p.suffix in ARTICLE_SUFFIXES)
    if not articles:
        raise InvalidRecord(f"{folder}: no .txt, .md or .html articles")
    totals = {"labels": 0, "found": 0, "matched": 0, "verdicts_right": 0}
    per_article = []
    for article in articles:
        labels_path = article.with_suffix(".labels.yaml")
        if not labels_path.exists():
            raise InvalidRecord(f"{article}: no {labels_path.name} beside it")
        labels = (yaml.safe_load(labels_path.read_text(encoding="utf-8")) or {}).get("claims") or []
        found = [f.as_dict() for f in factcheck(read_article(article.read_bytes(), str(article)), cat).findings]
        unmatched = list(range(len(found)))
        matched = right = 0
        misses, wrong = [], []
        for label in labels:
            hit = next((i for i in unmatched if found[i]["quantity"] == label["quantity"]
                        and _close(found[i]["low"], label.get("low")) and _close(found[i]["high"], label.get("high"))
                        and _same_subject(label.get("subject"), found[i], cat)), None)
            if hit is None:
                misses.append(label)
                continue
            unmatched.remove(hit)
            matched += 1
            if _got(found[hit]["verdict"]) == _expected(label.get("supported")):
                right += 1
            else:
                wrong.append({"label": label, "verdict": found[hit]["verdict"], "why": found[hit]["explanation"]})
        per_article.append({"article": article.name, "labels": len(labels), "found": len(found), "matched": matched,
                            "missed": misses, "extra": [found[i] for i in unmatched], "wrong_verdicts": wrong})
        totals["labels"] += len(labels)
        totals["found"] += len(found)
        totals["matched"] += matched
        totals["verdicts_right"] += right
    return {
        "articles": len(articles), **totals,
        "recall": totals["matched"] / totals["labels"] if totals["labels"] else None,
        "precision": totals["matched"] / totals["found"] if totals["found"] else None,
        "verdict_accuracy": totals["verdicts_right"] / totals["matched"] if totals["matched"] else None,
        "per_article": per_article,
    }


def describe(scores: dict) -> str:
    lines = [f"{scores['articles']} articles, {scores['labels']} labelled claims, {scores['found']} found, "
             f"{scores['matched']} matched",
             f"recall {scores['recall']:.3f}  precision {scores['precision']:.3f}  "
             f"verdict accuracy {scores['verdict_accuracy']:.3f}"]
    for a in scores["per_article"]:
        for m in a["missed"]:
            lines.append(f"  missed  {a['article']}: {m.get('subject')} {m['quantity']} {m.get('low')}–{m.get('high')}")
        for e in a["extra"]:
            lines.append(f"  extra   {a['article']}: {e['subject']} {e['quantity']} “{e['text']}”")
        for w in a["wrong_verdicts"]:
            lines.append(f"  verdict {a['article']}: {w['label'].get('subject')} {w['label']['quantity']}: "
                         f"got {w['verdict']}, labelled {_expected(w['label'].get('supported'))}")
    return "\n".join(lines)
