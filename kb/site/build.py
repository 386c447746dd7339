"""kb build: pages, downloads, feed and sitemap, written atomically."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import pickle
from dataclasses import dataclass
from datetime import timezone
from pathlib import Path

from sqlmodel import Session

from kb.site.pages import DOWNLOAD_COLUMNS, Page, build_pages
from kb.site.render import DEFAULT_TEMPLATES, environment
from kb.site.write import SiteWriter


@dataclass
class BuildResult:
    pages: int
    files: int
    changed: list[str]


def build_site(session: Session, out: Path, base_url: str = "", templates: Path = DEFAULT_TEMPLATES,
               progress=None, fail_after: int | None = None) -> BuildResult:
    """Render everything into a staging folder and swap it in; nothing changes on failure.

    `progress(n)` is called as pages are rendered; `fail_after` makes the build raise after that
    many pages (tests use it to prove a failed build leaves the old site in place).
    """
    env = environment(templates)
    pages, downloads = build_pages(session, base_url)
    writer = SiteWriter(out)
    previous = _read_manifest(out)
    manifest, memo = {}, {}
    claims_changed = set(previous) != {p.save_as for p in pages} | {MANIFEST}
    salt = _templates_digest(templates) + base_url
    try:
        for i, page in enumerate(pages):
            if fail_after is not None and i >= fail_after:
                raise RuntimeError(f"injected failure after {fail_after} pages")
            manifest[page.save_as] = fingerprint = _fingerprint(salt, page, memo)
            if page.template == "claim.html" and previous.get(page.save_as) != fingerprint:
                claims_changed = True
            if previous.get(page.save_as) != fingerprint or not writer.reuse(page.save_as):
                html = env.get_template(page.template).render(
                    page=page, root=page.root, base_url=base_url, **page.context,
                    **{name: compute() for name, compute in page.lazy.items()})
                writer.write(page.save_as, html)
            if progress:
                progress(1)
        # The downloads hold exactly what the claim pages show: if no claim page changed, neither did they.
        if claims_changed or not all((out / name).is_file() for name in DOWNLOADS):
            _write_downloads(writer, downloads)
        else:
            for name in DOWNLOADS:
                writer.reuse(name)
        manifest[MANIFEST] = ""
        writer.write(MANIFEST, json.dumps(manifest, sort_keys=True, indent=0))
        _write_feeds(writer, env, pages, downloads["views"], base_url)
        static = templates / "static"
        for path in sorted(static.rglob("*")):
            if path.is_file():
                writer.write(f"static/{path.relative_to(static)}", path.read_bytes())
        writer.write(".gitkeep", b"")
        writer.publish()
    except BaseException:
        writer.abandon()
        raise
    return BuildResult(len(pages), len(writer.written), writer.changed)


MANIFEST = ".manifest.json"
DOWNLOADS = ("claims.json", "claims.csv")


def _read_manifest(out: Path) -> dict:
    try:
        return json.loads((out / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}


def _templates_digest(templates: Path) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(templates.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(templates)).encode() + path.read_bytes())
    return digest.hexdigest()


def _fingerprint(salt: str, page: Page, memo: dict[int, bytes]) -> str:
    """A digest of everything a page shows, so an unchanged page is not even rendered again.

    Pickle is a fast, exact serialisation of the context; a different Python that pickles
    differently only costs one full render. A claim's dict appears on many pages (its own, its
    subject's, its source's, its neighbours'), so each dict is digested once per build (`memo`).
    """
    digest = hashlib.blake2b(digest_size=16)
    digest.update(pickle.dumps((salt, page.template, page.title), protocol=5))
    for key, value in page.context.items():
        digest.update(key.encode())
        items = value if isinstance(value, list) and value and isinstance(value[0], dict) else None
        for item in items if items is not None else [value]:
            digest.update(_digest(item, memo) if isinstance(item, dict) else pickle.dumps(item, protocol=5))
    return digest.hexdigest()


def _digest(item: dict, memo: dict[int, bytes]) -> bytes:
    key = id(item)
    if key not in memo:
        memo[key] = hashlib.blake2b(pickle.dumps(item, protocol=5), digest_size=16).digest()
    return memo[key]


def _write_downloads(writer: SiteWriter, downloads: dict) -> None:
    rows = downloads["claims"]
    # No indent: the indenting encoder is pure Python and ten times slower on 10,000 claims.
    writer.write("claims.json", json.dumps({"columns": list(DOWNLOAD_COLUMNS), "claims": rows},
                                           ensure_ascii=False, separators=(",", ":")) + "\n")
    buffer = io.StringIO()
    out = csv.DictWriter(buffer, fieldnames=DOWNLOAD_COLUMNS, lineterminator="\n")
    out.writeheader()
    for row in rows:
        out.writerow({k: "" if row[k] is None else row[k] for k in DOWNLOAD_COLUMNS})
    writer.write("claims.csv", buffer.getvalue())


def _absolute(base_url: str, relative: str) -> str:
    return f"{base_url.rstrip('/')}/{relative}" if base_url else relative


def _write_feeds(writer: SiteWriter, env, pages: list[Page], views: list[dict], base_url: str) -> None:
    entries = sorted(views, key=lambda v: (v["created_at"], v["slug"]), reverse=True)[:100]
    updated = max((v["updated_at"] for v in views), default=None)
    feed = env.get_template("atom.xml").render(
        entries=[{**v, "link": _absolute(base_url, v["url"]),
                  "created": v["created_at"].astimezone(timezone.utc).isoformat(),
                  "updated": v["updated_at"].astimezone(timezone.utc).isoformat()} for v in entries],
        updated=updated.astimezone(timezone.utc).isoformat() if updated else "1970-01-01T00:00:00+00:00",
        self_link=_absolute(base_url, "feed.xml"), home=_absolute(base_url, "index.html"))
    writer.write("feed.xml", feed)
    sitemap = env.get_template("sitemap.xml").render(
        urls=[_absolute(base_url, p.save_as) for p in pages if p.save_as != "404.html"])
    writer.write("sitemap.xml", sitemap)

