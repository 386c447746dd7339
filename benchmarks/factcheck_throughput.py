"""Fact-checking throughput: megabytes of article text per second, start-up excluded.

Target (issue 5): at least 1 MB/s. Two texts are timed: the labelled corpus interleaved with
plain prose to about one claim per 1.2 KB (the density of the four seed articles, which hold
15 claims in about 18 KB), and the labelled corpus alone (a claim every 20 bytes or so, far
denser than any article), whose figure is dominated by checking claims rather than reading.
Then the worst inputs we know of, each about 1 MB (goal: under 10 s each, time linear in size):
spaces after a currency sign, one long Markdown cost table, a claim repeated without end (reading
stops past MAX_FINDINGS claims), run-on sentences of claims (of GPUs, and of costs, whose every
figure has the widest context to read), a model name repeated, pipes and digits without sentences.
Run: python benchmarks/factcheck_throughput.py [MB]
"""

import gc
import sys
import tempfile
import time
from pathlib import Path

from corpus import seeded_database

from kb import db, evaluate
from kb.factcheck.article import read_article
from kb.factcheck.check import alias_table, factcheck

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "factcheck_corpus"
PROSE = (
    "Large language models have become the most visible part of artificial intelligence. Their makers "
    "describe them in glowing terms, while critics worry about who can afford to build them and what "
    "happens to the people whose writing they learn from. Journalists who cover the field are asked to "
    "explain technical choices to readers who have never seen a data centre, and they rely on company "
    "statements, leaks and the occasional research paper. That makes careful sourcing essential. A figure "
    "repeated often enough starts to feel true, even when nobody remembers where it came from. Readers "
    "deserve to know which numbers were published by the developers themselves, which were estimated by "
    "outsiders, and which were simply guessed. Good reporting separates the cost of a single training "
    "run from the cost of an entire research programme, and it says which year's prices it assumes. "
)


def main(megabytes: float = 2.0) -> None:
    articles = [
        read_article(p.read_bytes(), p.name) for p in sorted(CORPUS.iterdir()) if p.suffix in (".txt", ".md", ".html")
    ]
    dense = "\n\n".join(articles) + "\n\n"
    realistic = "".join(a + "\n\n" + PROSE * 6 + "\n\n" for a in articles)
    url = seeded_database(Path(tempfile.mkdtemp(prefix="kb-bench-")))
    engine = db.make_engine(url)
    with db.transaction(engine) as session:
        cat = evaluate.Catalogue(session)
        aliases = alias_table(cat)
        gc.freeze()  # as kb factcheck does once the knowledge base is loaded
        for label, block, size in (("article-like", realistic, megabytes), ("dense corpus", dense, megabytes / 10)):
            text = block * max(1, int(size * 1_000_000 / len(block)))
            start = time.perf_counter()
            report = factcheck(text, cat, aliases=aliases)
            elapsed = time.perf_counter() - start
            mb = len(text.encode()) / 1_000_000
            print(
                f"{label}: {mb:.2f} MB, {len(report.findings):,} claims found and checked "
                f"(one per {len(text) / max(1, len(report.findings)) / 1000:.1f} KB), {elapsed:.2f} s: "
                f"{mb / elapsed:.2f} MB/s"
            )
        for label, text in pathological():
            start = time.perf_counter()
            report = factcheck(text, cat, aliases=aliases)
            elapsed = time.perf_counter() - start
            read = len(text) if report.unread_from is None else report.unread_from
            print(
                f"worst case, {label}: {len(text.encode()) / 1_000_000:.2f} MB, {len(report.findings):,} claims "
                f"checked, {report.unchecked:,} not, {read / len(text):.0%} of it read, {elapsed:.2f} s"
            )


def pathological(size: int = 1_000_000) -> list[tuple[str, str]]:
    row = "| GPT-4 | $63M | 25,000 A100 | 57M GPU hours | 1.8T parameters |\n"
    return [
        ("spaces after $", "$" + " " * size + "5 million"),
        (
            "one Markdown cost table",
            "| Model | Cost | GPUs | Hours | Size |\n|---|---|---|---|---|\n" + row * (size // len(row)),
        ),
        ("one aligned text table", "Model  Cost  GPUs\n" + "GPT-4  $63M  25,000 A100\n" * (size // 25)),
        ("aligned lines under no header", "1x  2y\n" * (size // 7)),
        ("a claim repeated", "GPT-4 cost $63 million to train. " * (size // 33)),
        ("one run-on sentence of claims", "GPT-3 used 5,000 GPUs, and GPT-4 used 6,000, " * (size // 45)),
        ("one run-on sentence of costs", "GPT-4 cost $63 million, " * (size // 24)),  # each with the widest context
        ("a model name repeated", "GPT-4 " * (size // 6)),
        ("pipes", "|" * size),
        ("digits and commas", "1," * (size // 2)),
        ("qualifiers before an amount", "about " * (size // 6) + "$5M"),
    ]


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 2.0)
