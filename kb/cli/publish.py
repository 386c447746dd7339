"""kb build and kb serve: the static website."""

from __future__ import annotations

import contextlib
import functools
import http.server
import sys
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kb.cli import KB, cli, db, lazy, pass_kb, store

if TYPE_CHECKING:
    import kb.site.build as site_build
else:
    site_build = lazy("kb.site.build")

PROGRESS_THRESHOLD = 300


def _base_url(value: str) -> str:
    """An http(s) address with a host, or nothing."""
    value = value.strip()
    if not value:
        return ""
    parts = urllib.parse.urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise click.BadParameter(f"{value!r} is not an http(s) address such as https://costcheck.example.org")
    return value.rstrip("/")


@cli.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("site"),
    show_default=True,
    help="Folder to write the site into (replaced as a whole when the build succeeds).",
)
@click.option(
    "--base-url",
    default="",
    envvar="KB_BASE_URL",
    show_envvar=True,
    callback=lambda c, p, v: _base_url(v),
    help="The https:// address the site will live at. It makes ClaimReview, feed and sitemap addresses "
    "absolute; without it there is no sitemap and feed ids are tag: URIs.",
)
@click.option(
    "--templates",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Use these templates instead of the project's.",
)
@click.option(
    "--search/--no-search",
    default=True,
    envvar="KB_SEARCH",
    show_envvar=True,
    show_default=True,
    help="Build the site-wide search index (Pagefind); --no-search (or KB_SEARCH=0) is quicker, for a preview.",
)
@pass_kb
def build(kb: KB, out, base_url, templates, search):
    """Build the static website from the knowledge base and its latest verdicts.

    The build is atomic (a failed build leaves the previous site in place) and incremental
    (pages whose content did not change keep their files and dates).

    \b
    Example:
      kb check && kb build
      kb build --out public --base-url https://costcheck.example.org
    """
    with db.reading(kb.engine()) as session, contextlib.ExitStack() as stack:
        bar = None
        totals = store.counts(session)
        expected = totals["claims"] + totals["sources"] + totals["subjects"] + 3

        def progress(n):  # the bar appears once rendering starts, and only for large sites
            nonlocal bar
            if bar is None and expected > PROGRESS_THRESHOLD:
                bar = stack.enter_context(click.progressbar(length=expected, label="Building", file=sys.stderr))
            if bar is not None:
                bar.update(n)

        result = site_build.build_site(session, out, base_url, templates, progress, search=search)
    if not base_url:
        click.echo(
            "No --base-url (or KB_BASE_URL): built without a sitemap and without page addresses in the "
            "feed and ClaimReview data. Give the site's address to add them.",
            err=True,
        )
    if result.up_to_date:
        click.echo(f"{out}/ is up to date ({result.pages:,} pages): nothing changed since it was built.")
    else:
        click.echo(f"Built {result.pages:,} pages ({result.files:,} files, {len(result.changed):,} changed) in {out}/.")


@cli.command()
@click.option(
    "--out",
    "--dir",
    "directory",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=Path("site"),
    show_default=True,
    help="The folder kb build wrote (its --out).",
)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="0 picks a free port.")
@click.option("--host", default="127.0.0.1", show_default=True)
def serve(directory, port, host):
    """Preview the built site on http://127.0.0.1:8000/ (Ctrl-C stops it).

    Missing pages get the site's own 404 page, as they would on a web server.

    \b
    Example:
      kb build && kb serve
      kb serve --port 0          # any free port; the address is printed
    """
    handler = functools.partial(PreviewHandler, directory=str(directory))
    try:
        server = http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as e:
        raise click.ClickException(f"cannot serve on {host}:{port}: {e.strerror or e}; try --port 0") from None
    with server:
        click.echo(f"Serving {directory}/ at http://{host}:{server.server_address[1]}/index.html", err=True)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """The standard file server, answering a missing page with the site's 404.html. Like a static
    host, it lists no folders; a path holding a NUL byte is a missing page, not a traceback."""

    def send_head(self):
        if "\x00" in urllib.parse.unquote(self.path):
            self.send_error(404)
            return None
        return super().send_head()

    def list_directory(self, path):
        self.send_error(404)
        return None

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return None
