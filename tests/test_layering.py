"""The one-way import rule: the compute core knows nothing of the database, the CLI or the site."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

KB = Path(__file__).resolve().parent.parent / "kb"

FORBIDDEN = {
    # module prefix: imports it must not make
    "kb.errors": ("kb.", "numpy", "sqlmodel", "sqlalchemy", "click", "jinja2", "yaml"),
    "kb.quantities": ("kb.values", "kb.compute", "kb.store", "kb.db", "kb.cli", "kb.site", "sqlmodel", "click"),
    "kb.values": ("kb.compute", "kb.store", "kb.db", "kb.models", "kb.cli", "kb.site", "sqlmodel", "click", "numpy"),
    "kb.compute": (
        "kb.store",
        "kb.db",
        "kb.models",
        "kb.records",
        "kb.evaluate",
        "kb.cli",
        "kb.site",
        "sqlmodel",
        "sqlalchemy",
        "click",
        "jinja2",
        "yaml",
        "pathlib",
        "open",
    ),
    "kb.display": ("kb.verdict", "kb.compute", "kb.store", "kb.db", "kb.models", "kb.cli", "kb.site", "sqlmodel"),
    "kb.verdict": ("kb.store", "kb.db", "kb.models", "kb.cli", "kb.site", "sqlmodel", "click", "jinja2"),
    "kb.factcheck.extract": ("kb.store", "kb.db", "kb.models", "kb.cli", "kb.site", "sqlmodel", "click"),
    "kb.factcheck.link": ("kb.store", "kb.db", "kb.models", "kb.cli", "kb.site", "sqlmodel", "click"),
    "kb.factcheck.patterns": ("kb.", "sqlmodel", "click"),
    "kb.factcheck.attribute": ("kb.store", "kb.db", "kb.models", "kb.cli", "kb.site", "sqlmodel", "click"),
    "kb.models": ("kb.store", "kb.cli", "kb.site", "kb.compute", "click"),
    "kb.store": ("kb.writes", "kb.cli", "kb.site", "click", "jinja2"),  # queries only
    "kb.writes": ("kb.cli", "kb.site", "click", "jinja2"),
    "kb.epoch": ("kb.cli", "kb.site", "kb.store", "kb.db", "click", "sqlmodel"),
    "kb.epoch_files": ("kb.cli", "kb.site", "kb.store", "kb.db", "kb.records", "click", "sqlmodel"),
    "kb.epoch_names": ("kb.cli", "kb.site", "kb.store", "kb.db", "click", "sqlmodel"),
    "kb.records": ("kb.cli", "kb.site", "kb.store", "kb.db", "click", "jinja2", "sqlmodel"),
    "kb.evaluate": ("kb.cli", "kb.site", "click", "jinja2"),
    "kb.site": ("kb.cli", "click"),
}


def modules():
    for path in sorted(KB.rglob("*.py")):
        parts = path.relative_to(KB.parent).with_suffix("").parts
        name = ".".join(p for p in parts if p != "__init__")
        yield name, path


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("name,path", list(modules()), ids=[n for n, _ in modules()])
def test_import_rule(name, path):
    imported = imports_of(path)
    for prefix, forbidden in FORBIDDEN.items():
        if name == prefix or name.startswith(prefix + "."):
            bad = sorted(
                i
                for i in imported
                if any(i == f.rstrip(".") or i.startswith(f) for f in forbidden) and not i.startswith(prefix)
            )
            assert not bad, f"{name} must not import {bad}"


def test_only_the_cli_imports_click():
    for name, path in modules():
        if not name.startswith("kb.cli"):
            assert "click" not in imports_of(path), name


@pytest.mark.parametrize("args", [["--help"], ["claim", "--help"], ["build", "--help"], ["estimate", "--help"]])
def test_help_loads_no_heavy_module(args):
    """`kb --help` and a command's help start quickly: no database, numerics or template library is loaded."""
    assert _heavy_modules_after(args).stderr.strip() == "[]"


def _heavy_modules_after(args: list[str]) -> subprocess.CompletedProcess:
    """Run `kb ARGS` in a fresh interpreter; its stderr lists the heavy libraries it loaded."""
    script = (
        "import sys\nfrom kb.cli import cli\n"
        f"cli.main({args!r}, standalone_mode=False)\n"
        "heavy = ('sqlalchemy', 'sqlmodel', 'numpy', 'jinja2', 'alembic', 'yaml')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)), file=sys.stderr)\n"
    )
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)


@pytest.mark.parametrize(
    "args",
    [["claim", "list"], ["claim", "list", "--subject", "GPT 3", "--json"], ["claim", "show", "lambda-gpt3-4-6m"]],
)
def test_reading_claims_loads_no_orm(databases, args):
    """The commands people run most read SQLite through the standard library: no SQLAlchemy to load."""
    url = databases.new("seeded")
    if not url.startswith("sqlite"):
        pytest.skip("other databases are read through SQLAlchemy's engine")
    done = _heavy_modules_after(["--db", url, *args])
    assert done.stderr.strip() == "[]"
    assert "lambda-gpt3-4-6m" in done.stdout
