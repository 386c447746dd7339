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
from kb.factcheck.article import read_article
from kb.factcheck.check import factcheck
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
        return found["subject"] is None and found["subject_name"] is None
    if found["subject"] is None:  # a family name, found and left for review ("Llama 3.1": 8B, 70B or 405B?)
        return found["subject_name"] is not None and alias_key(label) == alias_key(found["subject_name"])
    slug = cat.resolve(label)
    return (slug is not None and slug == cat.resolve(found["subject"])) or alias_key(label) == alias_key(
        found["subject"]
    )


def _expected(label) -> str:
    return {True: "supported", False: "not supported", None: "unverifiable"}[label]


def _got(verdict: str) -> str:
    return "unverifiable" if verdict == "unverifiable" else ("supported" if is_supported(verdict) else "not supported")


def _same_value(found: dict, low, high) -> bool:
    return _close(found["low"], low) and _close(found["high"], high)


def _hits_distractor(found: dict, distractor: dict) -> bool:
    value = distractor.get("value")
    return (
        found["quantity"] == distractor.get("quantity")
        and value is not None
        and (_close(found["low"], value) or _close(found["high"], value))
    )


def _match(labels: list[dict], found: list[dict], cat: Catalogue) -> tuple[list, list, list, list]:
    """Each label paired with the first finding of its quantity, value and subject: the labels
    matched and missed, the matched ones whose verdict disagrees, and the findings left over."""
    unmatched = list(range(len(found)))
    matched, misses, wrong = [], [], []
    for label in labels:
        hit = next(
            (
                i
                for i in unmatched
                if found[i]["quantity"] == label["quantity"]
                and _same_value(found[i], label.get("low"), label.get("high"))
                and _same_subject(label.get("subject"), found[i], cat)
            ),
            None,
        )
        if hit is None:
            misses.append(label)
            continue
        unmatched.remove(hit)
        matched.append(label)
        if _got(found[hit]["verdict"]) != _expected(label.get("supported")):
            wrong.append({"label": label, "verdict": found[hit]["verdict"], "why": found[hit]["explanation"]})
    return matched, misses, wrong, [found[i] for i in unmatched]


def _score_article(article: Path, cat: Catalogue) -> dict:
    labels_path = article.with_suffix(".labels.yaml")
    if not labels_path.exists():
        raise InvalidRecord(f"{article}: no {labels_path.name} beside it")
    labelled = yaml.safe_load(labels_path.read_text(encoding="utf-8")) or {}
    labels, distractors = labelled.get("claims") or [], labelled.get("distractors") or []
    found = [f.as_dict() for f in factcheck(read_article(article.read_bytes(), str(article)), cat).findings]
    matched, misses, wrong, extra = _match(labels, found, cat)
    for miss in misses:  # why it was missed: not read at all, read without a subject, or pinned on another
        same = [
            e for e in extra if e["quantity"] == miss["quantity"] and _same_value(e, miss.get("low"), miss.get("high"))
        ]
        miss["kind"] = "not found" if not same else "no subject" if same[0]["subject"] is None else "other subject"
    return {
        "article": article.name,
        "labels": len(labels),
        "found": len(found),
        "matched": len(matched),
        "verdicts_right": len(matched) - len(wrong),
        "missed": misses,
        "extra": extra,
        "wrong_verdicts": wrong,
        "false_positives": [e for e in extra if any(_hits_distractor(e, d) for d in distractors)],
        "misattributed": [m for m in misses if m["kind"] == "other subject"],
    }


def evaluate_corpus(folder: Path, cat: Catalogue) -> dict:
    """Run every labelled article in the folder and compare with its labels.

    Besides recall and precision it counts what costs credibility: findings on labelled
    distractors (false positives), labelled values pinned on another subject (misattributions)
    and verdicts that disagree with the label.
    """
    articles = sorted(p for p in Path(folder).iterdir() if p.suffix in ARTICLE_SUFFIXES)
    if not articles:
        raise InvalidRecord(f"{folder}: no .txt, .md or .html articles")
    per_article = [_score_article(article, cat) for article in articles]
    totals = {key: sum(a[key] for a in per_article) for key in ("labels", "found", "matched", "verdicts_right")}
    misses_by_kind: dict[str, int] = {}
    for a in per_article:
        for m in a["missed"]:
            misses_by_kind[m["kind"]] = misses_by_kind.get(m["kind"], 0) + 1
    return {
        "articles": len(articles),
        **totals,
        "recall": totals["matched"] / totals["labels"] if totals["labels"] else None,
        "precision": totals["matched"] / totals["found"] if totals["found"] else None,
        "verdict_accuracy": totals["verdicts_right"] / totals["matched"] if totals["matched"] else None,
        "confidently_wrong": sum(  # the worst error: a verdict, where the label says otherwise
            w["verdict"] != "unverifiable" for a in per_article for w in a["wrong_verdicts"]
        ),
        "false_positives": sum(len(a["false_positives"]) for a in per_article),
        # the ones that matter most: a distractor given a verdict, not left for review or marked hypothetical
        "false_positives_judged": sum(
            e["verdict"] != "unverifiable" for a in per_article for e in a["false_positives"]
        ),
        # a plan or a what-if, reported as one and not judged: what the issue asks for such text
        "false_positives_hypothetical": sum(
            e["status"] == "hypothetical" for a in per_article for e in a["false_positives"]
        ),
        "misattributions": sum(len(a["misattributed"]) for a in per_article),
        "misses_by_kind": misses_by_kind,
        "per_article": per_article,
    }


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _per_25(scores: dict, key: str) -> str:
    """A count per 25 articles: the unit issue 11's targets are set in, whatever the corpus's size."""
    return f"{scores[key] * 25 / scores['articles']:.1f} per 25 articles"


def describe(scores: dict) -> str:
    """The scores, then every miss, extra finding, false positive and wrong verdict, one per line."""
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(scores["misses_by_kind"].items()))
    lines = [
        f"{scores['articles']} articles, {scores['labels']} labelled claims, {scores['found']} found, "
        f"{scores['matched']} matched",
        f"recall {_ratio(scores['recall'])}  precision {_ratio(scores['precision'])}  "
        f"verdict accuracy {_ratio(scores['verdict_accuracy'])} ({scores['confidently_wrong']} confidently wrong)",
        f"false positives {scores['false_positives']} ({scores['false_positives_judged']} given a verdict, "
        f"{scores['false_positives_hypothetical']} reported as hypothetical; {_per_25(scores, 'false_positives')})  "
        f"misattributions {scores['misattributions']} ({_per_25(scores, 'misattributions')})",
        f"missed: {kinds or 'none'}",
    ]
    for a in scores["per_article"]:
        for m in a["missed"]:
            lines.append(
                f"  missed ({m['kind']})  {a['article']}: {m.get('subject')} {m['quantity']} "
                f"{m.get('low')}–{m.get('high')}"
            )
        for e in a["extra"]:
            tag = "false positive" if e in a["false_positives"] else "extra"
            tag += " (hypothetical)" if e["status"] == "hypothetical" else ""
            lines.append(f"  {tag}  {a['article']}: {e['subject']} {e['quantity']} “{e['text']}”")
        for w in a["wrong_verdicts"]:
            lines.append(
                f"  verdict {a['article']}: {w['label'].get('subject')} {w['label']['quantity']}: "
                f"got {w['verdict']}, labelled {_expected(w['label'].get('supported'))}"
            )
    return "\n".join(lines)
