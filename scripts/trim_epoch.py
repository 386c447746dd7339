"""Write the copy of Epoch AI's tables that ships in sources/epoch/: the same files and column
names as Epoch's download, with only the rows and columns kb reads and its notes already in the
short form kb keeps, so importing the copy and importing the full download give the same facts.

Run: python scripts/trim_epoch.py ../shared/reference/epoch sources/epoch
"""

import csv
import sys
from pathlib import Path

from kb import epoch_files

NOTES = {"Parameters notes", "Training compute notes", "Dataset size notes", "Training time notes", "Reference"}
FILES = {
    "ai_models.csv": epoch_files.MODEL_COLUMNS,
    "chips.csv": epoch_files.CHIP_COLUMNS,
    "hardware_prices.csv": epoch_files.PRICE_COLUMNS,
    "price_index_PCU518210518210.csv": epoch_files.INDEX_COLUMNS,
}


def main(source: Path, target: Path) -> None:
    tables = epoch_files.read_tables([source / name for name in FILES])
    models = [r for r in tables.models if r["Parameters"].strip() or r["Training compute (FLOP)"].strip()]
    used = {h.strip() for r in models for h in r["Training hardware"].split(",")}
    used |= {r["Hardware model"].strip() for r in tables.prices}
    chips = [r for r in tables.chips if r["Hardware name"].strip() in used]
    target.mkdir(parents=True, exist_ok=True)
    for (name, columns), rows in zip(FILES.items(), (models, chips, tables.prices, tables.index)):
        with open(target / name, "w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow({k: epoch_files.working(v) if k in NOTES else v for k, v in row.items()})
        print(f"{target / name}: {len(rows)} rows")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
