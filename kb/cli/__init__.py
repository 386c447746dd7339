"""The `kb` command line: a thin layer over the library. Only this package imports click."""

from __future__ import annotations

import contextlib
import functools
import gc
import importlib.util
import json
import os
import sys
import types
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kb import listing, paths
from kb.errors import KBError
from kb.migrations import HEAD


def lazy(name: str) -> types.ModuleType:
    """The module `name`, loaded on first use, so `kb --help` does not pay for SQLAlchemy, numpy or Jinja."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.loader is not None, name
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    setattr(sys.modules[parent], child, module)
    return module


# The library modules commands use, loaded when a command first touches them.
if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from kb import db, evaluate, fields, loading, records, source_files, store, views, writes
else:
    db, evaluate, fields, loading, records, source_files, store, views, writes = (
        lazy(f"kb.{name}")
        for name in ("db", "evaluate", "fields", "loading", "records", "source_files", "store", "views", "writes")
    )

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class KB:
    """What every command needs: the database URL and the sources folder. Opens lazily."""

    def __init__(self, url: str | None, sources: Path | None):
        self._ours = url is None  # its folder is ours to make (the user data folder may not exist yet)
        if url is None:  # neither --db nor KB_DATABASE_URL: this folder's knowledge base, or the user's own
            path, found = paths.default_database(Path.cwd())
            url, sources = f"sqlite:///{path}", sources or found
        self._given_url = url
        self.sources = sources or (Path("sources") if Path("sources").is_dir() else paths.bundled("sources"))
        self._engine: Engine | None = None

    @functools.cached_property
    def url(self) -> str:
        return paths.normalise_url(self._given_url)

    @property
    def is_new_sqlite(self) -> bool:
        if not self.url.startswith("sqlite:///"):
            return False
        path = self.url.removeprefix("sqlite:///")
        return path not in ("", ":memory:") and not Path(path).exists()

    def engine(self, migrate: bool = True) -> Engine:
        if self._engine is None:
            fresh = self.is_new_sqlite
            if fresh:
                self._make_folder(Path(self.url.removeprefix("sqlite:///")).parent)
            if fresh and migrate:
                self._create()
            engine = self._engine = db.make_engine(self.url)
            if migrate and not fresh:
                _require_head(db.current(engine))
        return self._engine

    @contextlib.contextmanager
    def reader(self):
        """A DB-API connection for listings, which need no ORM. SQLite's is the standard library's,
        opened read-only, so no SQLAlchemy loads and no lock is taken; other databases' is the engine's."""
        if self.url.startswith("sqlite:///"):
            if self.is_new_sqlite:
                self.engine()  # first use: create it from the sources
            connection = listing.open_sqlite(Path(self.url.removeprefix("sqlite:///")))
            _require_head(listing.revision(connection))
        else:
            connection = self.engine().raw_connection()
        try:
            yield connection
        finally:
            connection.close()

    def _make_folder(self, folder: Path) -> None:
        """The default database's folder is made; a folder named with --db must already exist."""
        if self._ours:
            folder.mkdir(parents=True, exist_ok=True)
        elif not folder.is_dir():
            raise click.ClickException(f"cannot create a database in {folder}/: no such folder")

    def _create(self) -> None:
        """First use: make the database beside its final name and move it there once loaded, so a
        killed first run leaves no half-made (silently empty) knowledge base behind."""
        from kb.cli.data import initialise

        path = Path(self.url.removeprefix("sqlite:///"))
        click.echo(f"Creating {self.url} and loading {self.sources}/ …", err=True)
        partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
        making = KB(f"sqlite:///{partial}", self.sources)
        try:
            initialise(making, quiet=True)
            making.dispose()
            os.replace(partial, path)
        finally:
            making.dispose()
            for leftover in (
                partial,
                partial.with_name(partial.name + "-wal"),
                partial.with_name(partial.name + "-shm"),
            ):
                leftover.unlink(missing_ok=True)

    def dispose(self):
        if self._engine is not None:
            self._engine.dispose()


def _require_head(current: str | None) -> None:
    if current != HEAD:
        raise click.ClickException(
            f"database is at revision {current or 'none'}, the code expects {HEAD}; run kb db upgrade"
        )


pass_kb = click.make_pass_decorator(KB)


class KBGroup(click.Group):
    """Turns the library's errors into one `Error: …` line and exit 1."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KBError as e:
            raise click.ClickException(str(e)) from None
        except RecursionError:
            raise click.ClickException("the input is nested too deeply to read") from None
        except UnicodeError as e:
            raise click.ClickException(f"text that is not valid Unicode: {e.reason}") from None
        except BrokenPipeError:  # the reader went away (`kb claim list | head`): stop quietly, as Unix tools do
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python's recipe: no error at exit
            sys.exit(1)
        except OSError as e:  # a full disk, a read-only folder, a vanished file
            where = f" ({e.filename})" if e.filename else ""
            raise click.ClickException(f"{e.strerror or e}{where}") from None
        except Exception as e:
            message = _database_error(e)
            if message is None:
                raise
            raise click.ClickException(message) from None


def _database_error(e: Exception) -> str | None:
    """One line for a database error, or None: one SQLAlchemy raised (only loaded once a command
    uses it) or a DB-API driver's, by PEP 249's classes."""
    if "sqlalchemy" in sys.modules:
        from sqlalchemy.exc import DBAPIError

        if isinstance(e, DBAPIError):
            e = e.orig if isinstance(e.orig, Exception) else e
    drivers = [sys.modules[name] for name in ("sqlite3", "psycopg") if name in sys.modules]
    driver = next((d for d in drivers if isinstance(e, d.Error)), None)
    if driver is None:
        return None
    reason = str(e).splitlines()[0]
    if isinstance(e, driver.IntegrityError):
        return f"the database refused the change: {reason}"
    if isinstance(e, driver.OperationalError):
        if "no such table" in reason or "does not exist" in reason:
            reason = "the database has no tables; run kb init"
        return f"database error: {reason}"
    return f"cannot use the database: {reason}"  # "file is not a database", a truncated file


@click.group(cls=KBGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="costcheck")
@click.option(
    "--db",
    "url",
    default=None,
    envvar="KB_DATABASE_URL",
    show_envvar=True,
    help="Database URL (sqlite:///file.db, postgresql+psycopg://…) or a file path. Default: ./kb.db where this "
    "folder has one (or a sources/ folder to make it from), else your own in the user data folder "
    "(kb info says which).",
)
@click.option(
    "--sources",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    envvar="KB_SOURCES",
    show_envvar=True,
    help="Folder of source YAML files that kb init loads. Default: ./sources, else the bundled ones.",
)
@click.pass_context
def cli(ctx, url, sources):
    """Check published claims about what it costs to train AI models.

    The knowledge base lives in a database: ./kb.db in a folder that has one (or a sources/
    folder, as in a clone of the repository), else your own in the user data folder, created
    and filled from the bundled sources on first use. kb info says which. Every listing has --json.

    \b
    Start here:
      kb init                      create the database and load sources/
      kb claim list                every claim
      kb check                     a verdict for every claim
      kb estimate GPT-3            what the compute model says
      kb build && kb serve         the website
    """
    ctx.obj = KB(url, sources)
    ctx.call_on_close(ctx.obj.dispose)


def main() -> None:
    """The kb command. As Python exits, its garbage collector goes over every object left: 0.2 to
    0.4 s of every command that loaded SQLAlchemy. The process is ending and the database was let
    go as the command closed (KB.dispose), so what is left is first frozen out of the collector's
    sight (tests call cli() instead: their process goes on)."""
    try:
        cli(prog_name="kb")
    finally:
        gc.freeze()


def echo_json(document) -> None:
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


VERDICT_COLOURS = {
    "consistent": "green",
    "plausible": "green",
    "doubtful": "yellow",
    "implausible": "red",
    "needs review": "magenta",
}


def paint(text: str, verdict: str) -> str:
    """`text` in the colour of `verdict` on a terminal. click.echo drops colour in pipes and files;
    NO_COLOR (https://no-color.org) turns it off everywhere."""
    colour = VERDICT_COLOURS.get(verdict.lower())
    if colour is None or os.environ.get("NO_COLOR"):
        return text
    return click.style(text, fg=colour, bold=verdict.lower() == "implausible")


def echo_table(rows: list[list[str]], headers: list[str], verdict_column: int | None = None) -> None:
    """An aligned plain-text table for people; the verdict column, if any, in colour."""
    if not rows:
        click.echo("(none)")
        return
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(r: list, colour: bool = True) -> str:
        cells = [str(c).ljust(w) for c, w in zip(r, widths)]
        if colour and verdict_column is not None:
            cells[verdict_column] = paint(cells[verdict_column], str(r[verdict_column]))
        return "  ".join(cells).rstrip()

    click.echo(line(headers, colour=False))
    click.echo(line(["-" * w for w in widths], colour=False))
    for r in rows:
        click.echo(line(r))


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def _asking_again(read):
    def read_or_ask_again(text: str):
        try:
            return read(text)
        except KBError as e:
            raise click.UsageError(str(e)) from None  # click.prompt prints it and asks again

    return read_or_ask_again


def require(value, flag: str, prompt: str, **prompt_options):
    """A missing option: prompt on a terminal, else its default, else fail naming the flag (exit 2).
    A `value_proc` reads the flag's value too, so a typo in a flag is refused before any question."""
    if value is not None:
        return prompt_options["value_proc"](value) if "value_proc" in prompt_options else value
    if stdin_is_terminal():
        if "value_proc" in prompt_options:  # an answer the library refuses is asked for again, with the reason
            prompt_options["value_proc"] = _asking_again(prompt_options["value_proc"])
        return click.prompt(prompt, **prompt_options)
    if "default" in prompt_options:  # an option with a default is only asked for at a terminal
        return prompt_options["default"]
    raise click.UsageError(f"Missing option '{flag}'.")


from kb.cli import analysis, claims, data, edit, factcheck, publish  # noqa: E402,F401  (registers commands)
