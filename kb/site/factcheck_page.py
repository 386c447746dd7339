"""The HTML report of kb factcheck: the article, its Markdown rendered, with each claim highlighted
in its verdict's colour."""

from __future__ import annotations

import re
from pathlib import Path

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from kb.factcheck.check import Report, segments
from kb.quantities import label
from kb.site.page import verdict_view
from kb.site.render import DEFAULT_TEMPLATES, environment

# Private-use characters put around each claim while the Markdown renders, then made into <mark>s:
# OPEN, the claim's number, NUMBERED, its text, CLOSE.
OPEN, NUMBERED, CLOSE = "\ue000", "\ue001", "\ue002"
MARKED = re.compile(f"{OPEN}(\\d+){NUMBERED}(.*?){CLOSE}", re.S)
SENTINELS = {ord(c): "\ufffd" for c in (OPEN, NUMBERED, CLOSE)}


def write_report(report: Report, out: Path, title: str, templates: Path = DEFAULT_TEMPLATES) -> None:
    env = environment(templates)
    findings = [
        {
            "n": n,
            "verdict": verdict_view(f.verdict.verdict, f.verdict.factor),
            "subject": f.subject_name,
            "quantity": label(f.span.quantity),
            "text": f.span.text,
            "explanation": f.verdict.explanation,
            "believe": f.verdict.believe,
        }
        for n, f in enumerate(report.findings, 1)
    ]
    by_n = {f["n"]: f for f in findings}
    pieces = [{"text": p["text"], "claim": by_n.get(p["claim"])} for p in segments(report)]
    # The stylesheet is the project's own file, inlined so the report stands alone.
    css = Markup((templates / "static" / "style.css").read_text(encoding="utf-8"))
    markdown = rendered(pieces)
    article = markdown or Markup("").join(
        _mark(p["claim"], escape(p["text"])) if p["claim"] else p["text"] for p in pieces
    )
    html = env.get_template("factcheck.html").render(
        title=title, article=article, markdown=markdown is not None, findings=findings, css=css
    )
    out.write_text(html, encoding="utf-8")


def _markdown() -> MarkdownIt:
    """CommonMark with tables, a line break where the text has one (plain text reads as written),
    no raw HTML, no images (a report loads nothing) and links only to http(s) addresses."""
    md = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable("table").disable("image")
    md.validateLink = lambda url: url.lower().startswith(("http://", "https://"))  # type: ignore[method-assign]
    return md


def rendered(pieces: list[dict]) -> Markup | None:
    """The article's Markdown as HTML, each claim in a <mark>; None where a claim's highlight would
    cross the Markdown's own markup (a figure split by emphasis), and the report shows the text as
    it is instead."""
    marked = "".join(
        f"{OPEN}{p['claim']['n']}{NUMBERED}{p['text'].translate(SENTINELS)}{CLOSE}"
        if p["claim"]
        else p["text"].translate(SENTINELS)
        for p in pieces
    )
    claims = {p["claim"]["n"]: p["claim"] for p in pieces if p["claim"]}
    html = _markdown().render(marked)
    found = [(int(m.group(1)), m.group(2)) for m in MARKED.finditer(html)]
    if sorted(n for n, _ in found) != sorted(claims) or any("<" in text for _, text in found):
        return None
    if any(c in MARKED.sub("", html) for c in (OPEN, NUMBERED, CLOSE)):
        return None

    # markdown-it escaped the article's text; _mark() escapes ours
    return Markup(MARKED.sub(lambda m: _mark(claims[int(m.group(1))], Markup(m.group(2))), html))


def _mark(claim: dict, text: Markup) -> Markup:
    """A claim's highlight: its verdict's colour, the verdict and why on hover or focus, its number."""
    tip = f"{claim['verdict']['name']}: {claim['explanation']}"
    return Markup(
        f'<mark class="v-{escape(claim["verdict"]["key"])}" tabindex="0" title="{escape(tip)}" '
        f'aria-describedby="claim-{claim["n"]}">{text}<sup>{claim["n"]}</sup></mark>'
    )
