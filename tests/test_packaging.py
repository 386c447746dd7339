"""The package as users install it: a wheel, not a checkout."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The wheel built from this checkout, unpacked into a folder of its own (dependencies come
    from the test environment, which has them)."""
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(folder / "dist"),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = (folder / "dist").glob("costcheck-*.whl")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(folder / "lib"), str(wheel)],
        check=True,
        capture_output=True,
    )
    return folder / "lib"


def run_kb(lib: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(lib), "XDG_DATA_HOME": str(cwd / "data"), "HOME": str(cwd)}
    env.pop("KB_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "kb", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


def test_an_installed_wheel_builds_the_full_site_from_an_empty_folder(installed, tmp_path):
    for step in (["init"], ["check"], ["build", "--search"]):  # as the README says, where no data folder exists yet
        result = run_kb(installed, tmp_path, *step)
        assert result.returncode == 0, (step, result.stderr)
    where = run_kb(installed, tmp_path, "info", "--json")
    assert where.returncode == 0, where.stderr
    assert str(tmp_path / "data" / "costcheck" / "kb.db") in where.stdout  # the user's own
    assert str(installed / "kb" / "sources") in where.stdout  # the bundled sources, not a checkout's
    site = tmp_path / "site"
    assert len(list((site / "claims").glob("*.html"))) >= 200
    assert (site / "static" / "style.css").is_file() and (site / "favicon.ico").is_file()
    assert (site / "search.html").is_file() and (site / "pagefind" / "0" / "pagefind-ui.js").is_file()  # shard 0
    assert not (tmp_path / "kb.db").exists()  # an empty folder gets no stray database
