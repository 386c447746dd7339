"""The HTML report of kb factcheck: the article with each claim highlighted in its verdict's colour."""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from kb.factcheck.check import Report, segments
from kb.site.page import verdict_view
from kb.site.render import DEFAULT_TEMPLATES, environment


def write_report(report: Report, out: Path, title: str, templates: Path = DEFAULT_TEMPLATES) -> None:
    env = environment(templates)
    findings = [
        {
            "n": n,
            "verdict": verdict_view(f.verdict.verdict, f.verdict.factor),
            "subject": f.subject_name,
            "quantity": f.span.quantity.replace("_", " "),
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
    html = env.get_template("factcheck.html").render(title=title, pieces=pieces, findings=findings, css=css)
    out.write_text(html, encoding="utf-8")
