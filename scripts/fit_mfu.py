"""Fit the MFU priors to every run with known accelerator-hours and write them as a source file.

Run after kb init (the fit reads the knowledge base, whose hours come from the developers'
publications and Epoch AI):
    python scripts/fit_mfu.py sqlite:///kb.db sources/mfu-fitted-to-known-runs.yaml
"""

import sys

import yaml

from kb import db
from kb.evaluate.catalogue import Catalogue
from kb.evaluate.mfu_fit import fit


def main(url: str, out: str) -> None:
    with db.transaction(db.make_engine(url)) as session:
        fits = fit(Catalogue(session))
    for f in fits:
        print(
            f"{f.generation:10} {f.runs:4} runs  p5 {f.low:.3f}  median {f.median:.3f}  p95 {f.high:.3f}"
            f"  ({f.left_out} left out: implied MFU above 1)"
        )
    document = {
        "source": {
            "slug": "mfu-fitted-to-known-runs",
            "kind": "measurement",
            "title": "MFU implied by training runs with known accelerator-hours (costcheck's fit)",
            "url": "https://epoch.ai/data/ai-models",
            "publisher": "costcheck",
            "notes": "For each run in the knowledge base with known accelerator-hours, training compute and "
            "accelerator (most from Epoch AI, Data on AI Models, CC BY 4.0; the rest from the developers' "
            "papers), the MFU it implies; each prior is the 5th to 95th percentile of its hardware "
            "generation. Written by scripts/fit_mfu.py.",
        },
        "assumptions": [
            {
                "slug": f"mfu-{f.generation.lower()}",
                "name": "mfu",
                "qualifier": f.generation,
                "low": round(f.low, 3),
                "high": round(f.high, 3),
                "note": f"Fitted to {f.runs} runs on {f.generation if f.generation != 'default' else 'any'} "
                f"accelerators (median {f.median:.0%}); {f.left_out} runs implying an MFU above 1 left out.",
            }
            for f in fits
        ],
    }
    with open(out, "w", encoding="utf-8") as file:
        file.write("# Written by scripts/fit_mfu.py; rerun it after importing new runs.\n")
        yaml.safe_dump(document, file, sort_keys=False, allow_unicode=True, width=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
