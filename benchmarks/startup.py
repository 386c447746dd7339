"""Start-up time of everyday commands, beside sqlite-utils' equivalents when it is installed.

Goal (issue 15): `kb --help` and `kb claim list` no slower than `sqlite-utils --help` and
`sqlite-utils rows`. Run: python benchmarks/startup.py [REPEATS]  (median of REPEATS runs, default 7)
"""

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from corpus import cleanup, scratch, seeded_database


def median_seconds(command: list[str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(repeats: int = 7) -> None:
    folder = scratch()
    try:
        url = seeded_database(folder)
        path = url.removeprefix("sqlite:///")
        kb = [sys.executable, "-m", "kb", "--db", url]
        commands = {
            "kb --help": [*kb, "--help"],
            "kb claim list": [*kb, "claim", "list"],
            "kb claim list --json": [*kb, "claim", "list", "--json"],
        }
        sqlite_utils = shutil.which("sqlite-utils") or str(Path(sys.executable).with_name("sqlite-utils"))
        if Path(sqlite_utils).exists():
            commands["sqlite-utils --help"] = [sqlite_utils, "--help"]
            commands["sqlite-utils rows claim"] = [sqlite_utils, "rows", path, "claim"]
        else:
            print("(sqlite-utils not found: install it to compare)")
        for name, command in commands.items():
            print(f"{name:<28} {median_seconds(command, repeats):.2f} s")
    finally:
        cleanup(folder)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
