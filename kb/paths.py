"""Where things are: the bundled templates and seed sources, and which knowledge base `kb` uses
when none is named.

In a wheel the templates and sources are installed inside the package (kb/templates,
kb/sources); in a checkout they are the repository's top-level folders.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

PACKAGE = Path(__file__).resolve().parent
DATABASE_FILE = "kb.db"


def bundled(name: str) -> Path:
    """The installed copy of `templates` or `sources`, or the checkout's."""
    inside = PACKAGE / name
    return inside if inside.is_dir() else PACKAGE.parent / name


def user_database() -> Path:
    """The user's own knowledge base, for folders that have none of their own."""
    return Path(platformdirs.user_data_dir("costcheck", appauthor=False)) / DATABASE_FILE


def user_cache(name: str) -> Path:
    """A folder of the user's cache (what a run keeps only to make the next one faster)."""
    return Path(platformdirs.user_cache_dir("costcheck", appauthor=False)) / name


def default_database(folder: Path) -> tuple[Path, Path]:
    """(database file, sources folder) when the command line names neither.

    A folder with a kb.db, or a sources/ folder to build one from (a clone of the repository),
    has its own knowledge base; anywhere else it is the user's own, built from the bundled sources.
    Never a silently empty one."""
    sources = folder / "sources"
    if (folder / DATABASE_FILE).exists() or sources.is_dir():
        return folder / DATABASE_FILE, sources if sources.is_dir() else bundled("sources")
    return user_database(), bundled("sources")


def normalise_url(url: str) -> str:
    """Accept a bare file path as well as a SQLAlchemy URL."""
    if "://" in url:
        return url
    return f"sqlite:///{Path(url).expanduser()}"
