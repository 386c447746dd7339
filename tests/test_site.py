"""The static site: every page renders, links resolve, HTML parses, data round-trips, and
hostile text stays inert. Builds are atomic and incremental."""

import csv
import functools
import io
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlsplit

import html5lib
import pytest
from click.testing import CliRunner
from sqlalchemy import insert
from sqlmodel import col, select, text

from kb import db, writes
from kb.cli import cli
from kb.models import Claim, Fact, Source, Subject
from kb.site import build as build_module
from kb.site import pages as pages_module
from kb.site import write as write_module
from kb.site.build import build_site
from kb.site.charts import subject_chart
from kb.site.page import verdict_view
from kb.site.render import safe_url
from kb.site.write import OutsideSite, exclusive, sanitised_join

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
NU_CHECKER = TEMPLATES.parent / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"  # make test installs it
SITEMAP_SCHEMA = TEMPLATES.parent / "node_modules" / "sitemap" / "schema" / "sitemap.xsd"  # sitemaps.org's, from npm
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAPS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def built(databases, tmp_path_factory):
    root = tmp_path_factory.mktemp("built")
    url = databases.new("seeded")
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", url, "check"]).exit_code == 0
    result = runner.invoke(
        cli, ["--db", url, "build", "--out", str(root / "site"), "--base-url", "https://costcheck.example.org/sub"]
    )
    assert result.exit_code == 0, result.output
    return root / "site", url


def html_files(site: Path):
    return sorted(site.rglob("*.html"))


def test_every_page_type_renders(built):
    site, _ = built
    for path in (
        "index.html",
        "methodology.html",
        "404.html",
        "claims/seed-gpt-3-1-to-12m.html",
        "subjects/gpt-4.html",
        "sources/seed-cost-of-training-ai-models.html",
        "claims.json",
        "claims.csv",
        "feed.xml",
        "sitemap.xml",
        "static/style.css",
        "static/app.js",
    ):
        assert (site / path).is_file(), path
    claim = (site / "claims/seed-gpt-4-100-trillion-parameters.html").read_text()
    assert "Implausible" in claim and ("What you would have to believe" in claim or "does not fit" in claim)
    assert "<svg" in claim and "<title" in claim
    subject = (site / "subjects/gpt-4.html").read_text()
    assert subject.count("<svg") >= 3  # a chart per claimed quantity
    assert '<a href="../subjects/a100-40gb.html">NVIDIA A100 40GB</a>' in subject  # its hardware, by name
    source = (site / "sources/seed-will-llms-always-take-millions.html").read_text()
    assert re.search(r"3 claims: \d+ \w+", source)


def test_the_list_of_claims_is_paged_and_its_data_file_holds_every_claim(built):
    """No page holds every claim. Without JavaScript the index and its numbered pages list each
    claim once; with it, the browser reads every claim from claims-index.js (a script, so that it
    loads from disk too)."""
    site, _ = built
    published = {c["slug"] for c in json.loads((site / "claims.json").read_text())["claims"]}
    listed = []
    page, pages = "index.html", 0
    while page:
        html = (site / page).read_text()
        rows = re.findall(r'<a href="claims/([^"]+)\.html">', html)
        assert 0 < len(rows) <= 100, page
        listed += rows
        pages += 1
        page = next(iter(re.findall(r'<a rel="next" href="([^"]+)">', html)), None)
    assert sorted(listed) == sorted(published) and pages == -(-len(published) // 100) > 1
    script = (site / "claims-index.js").read_text()
    assert script.startswith("window.costcheckClaims = ") and script.endswith(";\n")
    data = json.loads(script.removeprefix("window.costcheckClaims = ").removesuffix(";\n"))
    assert set(data["slug"]) == published
    assert all(len(data[column]) == len(published) for column in ("subject", "value", "verdict", "factor", "date"))
    by_name = functools.partial(sorted, key=lambda name: (name.lower(), name))  # positions are sort keys
    assert [s[0] for s in data["subjects"]] == by_name(s[0] for s in data["subjects"])
    assert data["claimants"] == by_name(data["claimants"])


def test_every_internal_link_and_asset_resolves(built):
    site, _ = built
    broken = []
    for page in html_files(site):
        if page.name == "404.html":  # served at any depth, so its links are absolute (tested below)
            continue
        text = page.read_text()
        for ref in re.findall(r'(?:href|src)="([^"]+)"', text):
            parts = urlsplit(ref)
            if parts.scheme or ref.startswith("#") or ref.startswith("mailto:"):
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.is_file():
                broken.append(f"{page.relative_to(site)} -> {ref}")
    assert not broken, broken[:10]


def test_html_parses_without_errors(built):
    site, _ = built
    for page in html_files(site):
        parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
        parser.parse(page.read_bytes())


@pytest.mark.skipif(not NU_CHECKER.exists() or not shutil.which("java"), reason="needs Java and npm's vnu-jar")
def test_every_page_passes_the_nu_html_checker(built):
    """The W3C's own validator (the Nu HTML checker), over every page of the built site."""
    site, _ = built
    result = subprocess.run(
        ["java", "-jar", str(NU_CHECKER), "--errors-only", "--skip-non-html", "--format", "gnu", str(site)],
        capture_output=True,
        text=True,
    )
    errors = result.stderr.splitlines()
    assert result.returncode == 0 and not errors, f"{len(errors)} errors: {errors[:5]}"


def test_claim_pages_carry_claimreview_jsonld(built):
    site, _ = built
    pages = list((site / "claims").glob("*.html"))
    assert len(pages) >= 40
    for page in pages:
        match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page.read_text(), re.S)
        data = json.loads(match.group(1))
        assert data["@type"] == "ClaimReview" and data["claimReviewed"]
        assert data["url"].startswith("https://costcheck.example.org/sub/claims/")
        assert data["itemReviewed"]["@type"] == "Claim"
        assert data["itemReviewed"]["appearance"]
        author = data["itemReviewed"].get("author")  # who published it, never a line such as "the post's author"
        assert author is None or (author["@type"] in ("Organization", "Person") and author["name"])
        assert len(data["claimReviewed"]) <= 75
        assert data["author"]["url"] == "https://costcheck.example.org/sub"
        rating = data["reviewRating"]
        if rating["alternateName"] == "Unverifiable":  # no number that reads as "half true"
            assert "ratingValue" not in rating
        else:
            assert {"ratingValue", "bestRating", "worstRating", "alternateName"} <= set(rating)
            assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["datePublished"])
    methodology = (site / "methodology.html").read_text()  # the rating scale, as published
    scale = dict(
        re.findall(r'class="badge v-\w+".*?</span> (\w+)</span></td><td>[^<]*</td><td>([^<]+)</td>', methodology)
    )
    assert scale == {"Consistent": "5 of 5", "Plausible": "4 of 5", "Doubtful": "2 of 5", "Implausible": "1 of 5"} | {
        "Unverifiable": "none"
    }
    for page in pages:
        rating = json.loads(re.search(r'ld\+json">(.*?)</script>', page.read_text(), re.S).group(1))["reviewRating"]
        assert scale[rating["alternateName"]] == (
            f"{rating['ratingValue']} of 5" if "ratingValue" in rating else "none"
        )
    authors = {page.stem: claim_author(page) for page in pages}
    assert authors["altman-gpt4-more-than-100m"] == {"@type": "Organization", "name": "Wired"}  # Sam Altman, in Wired
    assert authors["seed-gpt-3-1-to-12m"] == {"@type": "Person", "name": "Caleb Forestal"}  # the article's author
    assert authors["seed-gpt-4-thousands-of-gpus"] is None  # "the article", in a source that names no one
    assert not [a for a in authors.values() if a and re.search(r"\bthe (article|post)|unnamed", a["name"], re.I)]


def claim_author(page: Path) -> dict | None:
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page.read_text(), re.S).group(1))
    return data["itemReviewed"].get("author")


def test_downloads_round_trip(built):
    site, _ = built
    data = json.loads((site / "claims.json").read_text())
    rows = list(csv.DictReader(io.StringIO((site / "claims.csv").read_text())))
    assert list(rows[0]) == data["columns"]
    assert len(rows) == len(data["claims"])
    for row, record in zip(rows, data["claims"]):
        for key, value in record.items():
            expected = "" if value is None else str(value)
            assert row[key] == expected, (key, row[key], expected)


def test_feed_and_sitemap_use_the_base_url(built):
    site, _ = built
    import xml.etree.ElementTree as ET

    feed = ET.parse(site / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = feed.findall("a:entry", ns)
    assert entries and entries[0].find("a:link", ns).get("href").startswith("https://costcheck.example.org/sub/")
    sm = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locs = [e.text for e in ET.parse(site / "sitemap.xml").getroot().iter(f"{sm}loc")]
    assert "https://costcheck.example.org/sub/index.html" in locs
    assert all(loc.startswith("https://costcheck.example.org/sub/") for loc in locs)
    assert all(e.text and e.text.startswith("https://") for e in feed.iter("{http://www.w3.org/2005/Atom}id"))
    lastmods = [e.text for e in ET.parse(site / "sitemap.xml").getroot().iter(f"{sm}lastmod")]
    assert lastmods and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in lastmods)
    assert "Sitemap: https://costcheck.example.org/sub/sitemap.xml" in (site / "robots.txt").read_text()


def sitemap_errors(path: Path) -> list[str]:
    """What the sitemaps.org schema finds wrong with a sitemap file."""
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(SITEMAP_SCHEMA)))
    schema.validate(etree.parse(str(path)))
    return [str(error) for error in schema.error_log]


@pytest.mark.skipif(not SITEMAP_SCHEMA.exists(), reason="needs the sitemaps.org schema (npm's sitemap)")
def test_the_sitemap_passes_the_sitemaps_org_schema(built):
    site, _ = built
    assert sitemap_errors(site / "sitemap.xml") == []


def test_a_site_of_more_pages_than_one_sitemap_may_list_gets_a_sitemap_index(db_url, tmp_path, monkeypatch):
    """sitemaps.org allows 50,000 addresses a file: a larger site (100,000 claims) lists its pages
    in several sitemaps, which sitemap.xml indexes."""
    import xml.etree.ElementTree as ET

    site, base = tmp_path / "site", "https://costcheck.example.org"
    monkeypatch.setattr(build_module, "SITEMAP_URLS", 40)
    with db.transaction(db.make_engine(db_url)) as session:
        build_site(session, site, base_url=base, search=False)
    pages = {f"{base}/{p.relative_to(site)}" for p in html_files(site) if p.name != "404.html"}
    index = ET.parse(site / "sitemap.xml").getroot()
    assert index.tag == f"{SITEMAPS}sitemapindex"
    parts = [e.text for e in index.iter(f"{SITEMAPS}loc")]
    assert len(parts) == -(-len(pages) // 40) and all(e.text for e in index.iter(f"{SITEMAPS}lastmod"))
    listed = []
    for part in parts:
        path = site / part.removeprefix(base + "/")
        locs = [e.text for e in ET.parse(path).getroot().iter(f"{SITEMAPS}loc")]
        assert 0 < len(locs) <= 40
        listed += locs
        if SITEMAP_SCHEMA.exists():
            assert sitemap_errors(path) == []
    assert sorted(listed) == sorted(pages)
    monkeypatch.setattr(build_module, "SITEMAP_URLS", 50_000)
    with db.transaction(db.make_engine(db_url)) as session:  # an edit, so that the site is built again
        slug = session.exec(select(Claim.slug)).first()
        writes.edit_claim(session, slug, {"quote": "Edited."})
    with db.transaction(db.make_engine(db_url)) as session:
        build_site(session, site, base_url=base, search=False)
    assert ET.parse(site / "sitemap.xml").getroot().tag == f"{SITEMAPS}urlset"
    assert not list(site.glob("sitemap-*.xml"))  # the parts went with the index


def atom_errors(feed_path: Path) -> list[str]:
    """What RFC 4287 requires of an Atom feed, as the W3C feed validator checks it (that validator
    is not packaged where this suite can install it): ids are absolute IRIs, every date is RFC 3339,
    each entry has an id, a title, an updated time, an author (its own or the feed's), and content
    or an alternate link; no two entries share an id."""
    import xml.etree.ElementTree as ET

    feed = ET.parse(feed_path).getroot()
    date = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
    errors = []
    if feed.tag != f"{ATOM}feed":
        return [f"root is {feed.tag}"]
    for required in ("id", "title", "updated"):
        if len(feed.findall(f"{ATOM}{required}")) != 1:
            errors.append(f"feed: needs one {required}")
    ids = [e.text or "" for e in feed.iter(f"{ATOM}id")]
    errors += [f"id not an absolute IRI: {i!r}" for i in ids if not re.match(r"[a-z][a-z0-9+.-]*:\S+$", i)]
    times = [e.text or "" for tag in ("updated", "published") for e in feed.iter(f"{ATOM}{tag}")]
    errors += [f"not an RFC 3339 time: {t!r}" for t in times if not date.fullmatch(t)]
    errors += [
        f"link not absolute: {e.get('href')!r}" for e in feed.iter(f"{ATOM}link") if "://" not in e.get("href", "")
    ]
    entries = feed.findall(f"{ATOM}entry")
    feed_author = feed.find(f"{ATOM}author") is not None
    for n, entry in enumerate(entries):
        for required in ("id", "title", "updated"):
            if len(entry.findall(f"{ATOM}{required}")) != 1:
                errors.append(f"entry {n}: needs one {required}")
        if not feed_author and entry.find(f"{ATOM}author/{ATOM}name") is None:
            errors.append(f"entry {n}: no author")
        alternate = [link for link in entry.findall(f"{ATOM}link") if link.get("rel", "alternate") == "alternate"]
        if entry.find(f"{ATOM}content") is None and not alternate:
            errors.append(f"entry {n}: neither content nor an alternate link")
    entry_ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    if len(set(entry_ids)) != len(entry_ids):
        errors.append("entries share an id")
    return errors


def test_the_feed_is_valid_atom_with_and_without_a_base_url(built, db_url, tmp_path):
    site, _ = built
    assert atom_errors(site / "feed.xml") == []
    with db.transaction(db.make_engine(db_url)) as session:
        build_site(session, tmp_path / "site", search=False)
    assert atom_errors(tmp_path / "site" / "feed.xml") == []


def test_without_a_base_url_nothing_points_nowhere(db_url, tmp_path):
    result = CliRunner().invoke(cli, ["--db", db_url, "build", "--out", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert "--base-url" in result.stderr
    site = tmp_path / "site"
    assert not (site / "sitemap.xml").exists() and "Sitemap" not in (site / "robots.txt").read_text()
    import xml.etree.ElementTree as ET

    ids = [e.text for e in ET.parse(site / "feed.xml").getroot().iter("{http://www.w3.org/2005/Atom}id")]
    assert ids and all(i.startswith("tag:") for i in ids)
    page = next((site / "claims").glob("*.html")).read_text()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert "url" not in data


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org", "example.org", "https://"])
def test_a_base_url_must_be_an_http_address(db_url, tmp_path, url):
    result = CliRunner().invoke(cli, ["--db", db_url, "build", "--out", str(tmp_path / "site"), "--base-url", url])
    assert result.exit_code == 2 and "not an http(s) address" in result.output
    assert not (tmp_path / "site").exists()


def test_the_site_is_deployable_as_built(built):
    site, _ = built
    assert (site / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
    mask = os.umask(0o022)
    os.umask(mask)
    for path in [site, *site.rglob("*")]:
        if path.name.startswith("."):
            continue
        mode = path.stat().st_mode & 0o777
        assert mode == (0o777 if path.is_dir() else 0o666) & ~mask, (path, oct(mode))
    missing = site / "404.html"
    links = re.findall(r'(?:href|src)="([^"#]+)"', missing.read_text())
    internal = [link for link in links if not link.startswith(("http://", "https://"))]
    assert internal and all(link.startswith("/sub/") for link in internal)  # works at any depth
    for link in internal:
        assert (site / link.removeprefix("/sub/")).exists(), link


def test_hostile_text_renders_inert(db_url, tmp_path):
    runner = CliRunner()
    evil = '<script>alert(1)</script>"onmouseover=alert(2) '
    assert (
        runner.invoke(
            cli,
            [
                "--db",
                db_url,
                "source",
                "add",
                "--slug",
                "evil",
                "--title",
                evil + "title",
                "--kind",
                "article",
                "--url",
                'https://example.com/"onmouseover=alert(3)',
            ],
        ).exit_code
        == 0
    )
    result = runner.invoke(
        cli,
        [
            "--db",
            db_url,
            "claim",
            "add",
            "--source",
            "evil",
            "--subject",
            "GPT-3",
            "--quantity",
            "training_cost_usd",
            "--value",
            "$5M",
            "--scope",
            "unspecified",
            "--quote",
            evil + "quote",
            "--claimant",
            evil + "claimant",
        ],
    )
    assert result.exit_code == 0, result.output
    assert runner.invoke(cli, ["--db", db_url, "build", "--out", str(tmp_path / "site")]).exit_code == 0
    for page in (tmp_path / "site").rglob("*.html"):
        text = page.read_text()
        assert "<script>alert" not in text
        assert not re.search(r'(?<!\\)"onmouseover=', text)  # only inside JSON strings, escaped
        assert "javascript:" not in text
        html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(text)
    claim_page = next((tmp_path / "site" / "claims").glob("gpt-3-training-cost-usd-evil*.html")).read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in claim_page


def test_a_site_builds_where_no_cache_folder_can_be_made(db_url, tmp_path, monkeypatch):
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a-file"))
    shutil.copytree(TEMPLATES, tmp_path / "templates")  # templates no build of this process has compiled
    engine = db.make_engine(db_url)
    with db.transaction(engine) as session:
        build_site(session, tmp_path / "site", templates=tmp_path / "templates", search=False)
    engine.dispose()
    assert "Page not found" in (tmp_path / "site" / "404.html").read_text()


@pytest.mark.parametrize(
    "url,ok",
    [
        ("https://a.org/x", True),
        ("http://a.org", True),
        ("javascript:alert(1)", False),
        ("data:text/html,x", False),
        ("/relative", False),
        ("//evil.org", False),
        ("https://a.org/ x", False),
        (None, False),
    ],
)
def test_only_http_urls_become_links(url, ok):
    assert (safe_url(url) is not None) == ok


def test_templates_use_safe_only_through_safe_url():
    for path in TEMPLATES.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml"):
            assert not re.search(r"\|\s*safe\b(?!_url)", path.read_text()), path


def test_slugs_cannot_escape_the_site(tmp_path):
    with pytest.raises(OutsideSite):
        sanitised_join(tmp_path, "../outside.html")
    assert Path(sanitised_join(tmp_path, "claims/a.html")) == tmp_path / "claims/a.html"
    with pytest.raises(OutsideSite):
        sanitised_join(tmp_path, "/etc/passwd")


def snapshot(site: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(site)): (p.read_bytes(), p.stat().st_mtime_ns) for p in site.rglob("*") if p.is_file()}


def test_a_failed_build_leaves_the_previous_site(db_url, tmp_path):
    out = tmp_path / "site"
    engine = db.make_engine(db_url)
    with db.transaction(engine) as session:
        build_site(session, out, search=False)
    before = snapshot(out)
    with db.transaction(engine) as session, pytest.raises(RuntimeError, match="injected"):
        build_site(session, out, fail_after=10, search=False)
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []  # no debris


def test_incremental_rebuild_rewrites_only_what_changed(db_url, tmp_path):
    out = tmp_path / "site"
    runner = CliRunner()
    runner.invoke(cli, ["--db", db_url, "check"])
    assert runner.invoke(cli, ["--db", db_url, "build", "--out", str(out)]).exit_code == 0
    first = snapshot(out)
    again = runner.invoke(cli, ["--db", db_url, "build", "--out", str(out)])
    assert again.exit_code == 0 and "is up to date" in again.stdout
    assert snapshot(out) == first
    assert (
        runner.invoke(
            cli,
            [
                "--db",
                db_url,
                "claim",
                "edit",
                "seed-gpt-3-1-to-12m",
                "--quote",
                "training a GPT-3-like model could cost $1 to $12 million",
            ],
        ).exit_code
        == 0
    )
    assert runner.invoke(cli, ["--db", db_url, "build", "--out", str(out)]).exit_code == 0
    second = snapshot(out)
    changed = {k for k in second if first.get(k) != second[k]}
    assert "claims/seed-gpt-3-1-to-12m.html" in changed
    assert "claims.csv" in changed and "a GPT-3-like model" in (out / "claims.json").read_text()
    assert "claims/seed-gpt-4-60-to-100m.html" not in changed
    assert "subjects/h100-sxm.html" not in changed
    assert len(changed) < 0.1 * len(second)


@pytest.mark.parametrize("swapped", [False, True], ids=["few changes moved in", "many changes swapped in"])
def test_a_rebuild_publishes_the_site_a_fresh_build_would(db_url, tmp_path, monkeypatch, swapped):
    """A few changed files are moved into the live site one by one; past IN_PLACE_MAX the whole
    folder is swapped. Either way the site is what a fresh build writes, a page that went is gone
    with it, and an unchanged file is the same file (its date and inode stay)."""
    monkeypatch.setattr(write_module, "IN_PLACE_MAX", 0 if swapped else 1_000)
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    engine = db.make_engine(db_url)
    with db.transaction(engine) as session:
        build_site(session, out, search=False)
    folder, kept = out.stat().st_ino, (out / "subjects" / "h100-sxm.html").stat()
    with db.transaction(engine) as session:
        writes.edit_claim(session, "seed-gpt-3-1-to-12m", {"quote": "It may have cost $1 to $12 million."})
        session.execute(text("UPDATE claim SET status = 'draft' WHERE slug = 'seed-gpt-4-60-to-100m'"))
    with db.transaction(engine) as session:
        changed = build_site(session, out, search=False).changed
        build_site(session, fresh, search=False)
    assert "claims/seed-gpt-3-1-to-12m.html" in changed and len(changed) < 0.2 * len(snapshot(out))
    assert not (out / "claims" / "seed-gpt-4-60-to-100m.html").exists()
    site = {k: v[0] for k, v in snapshot(out).items() if k != ".manifest.json"}
    assert site == {k: v[0] for k, v in snapshot(fresh).items() if k != ".manifest.json"}
    assert (out / "subjects" / "h100-sxm.html").stat().st_ino == kept.st_ino
    assert (out.stat().st_ino != folder) == swapped
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []  # no staging left


def _move_to_another_source(session, slug):
    current = session.exec(select(Claim.source_id).where(Claim.slug == slug)).one()
    other = session.exec(select(Source.slug).where(Source.id != current).order_by(Source.slug)).first()
    writes.edit_claim(session, slug, {"source": other})


def _add_a_claim_like(session, slug):
    row = session.exec(select(Claim).where(Claim.slug == slug)).one()
    copied = {c.name: getattr(row, c.name) for c in Claim.__table__.columns if c.name != "id"}
    session.execute(insert(Claim).values(**copied | {"slug": "a-claim-added-later", "quote": "Added later."}))


EDITS = {
    "quote edited": lambda session, slug: writes.edit_claim(session, slug, {"quote": "Quoted anew."}),
    "moved to another subject": lambda session, slug: writes.edit_claim(session, slug, {"subject": "gpt-4"}),
    "moved to another source": _move_to_another_source,
    "retracted": lambda session, slug: writes.retract_claim(session, slug, "The author withdrew it."),
    "unpublished": lambda session, slug: session.execute(
        text(f"UPDATE claim SET status = 'draft' WHERE slug = '{slug}'")
    ),
    "added, never checked": _add_a_claim_like,
    "subject renamed": lambda session, slug: session.execute(
        text("UPDATE subject SET name = 'GPT 3' WHERE slug = 'gpt-3'")
    ),
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_a_rebuild_after_any_edit_is_the_site_a_fresh_build_makes(db_url, tmp_path, monkeypatch, edit):
    """After an edit to claims alone, only the pages that show a changed claim are worked out
    again (the others are known to be as they were); whatever changed, the site, its manifest
    included, is byte for byte what a fresh build makes."""
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    engine = db.make_engine(db_url)
    with db.transaction(engine) as session:
        build_site(session, out, search=False)
        edit(session, "seed-gpt-3-1-to-12m")
    fingerprinted = []
    monkeypatch.setattr(build_module, "_fingerprint", _spy(build_module._fingerprint, fingerprinted))
    with db.transaction(engine) as session:
        pages = build_site(session, out, search=False).pages
        assert (len(fingerprinted) < pages / 2) == (edit is not EDITS["subject renamed"])
        build_site(session, fresh, search=False)
    engine.dispose()
    assert {k: v[0] for k, v in snapshot(out).items()} == {k: v[0] for k, v in snapshot(fresh).items()}


def test_a_site_whose_manifest_lost_a_page_is_built_whole(db_url, tmp_path):
    """A page to be kept as the last build left it must be in its manifest; where one is not (the
    manifest was edited by hand), every page is built again rather than one left unaccounted for."""
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    engine = db.make_engine(db_url)
    with db.transaction(engine) as session:
        build_site(session, out, search=False)
        writes.edit_claim(session, "seed-gpt-3-1-to-12m", {"quote": "Quoted anew."})
    manifest = json.loads((out / ".manifest.json").read_text())
    del manifest["pages"]["subjects/h100-sxm.html"]
    (out / ".manifest.json").write_text(json.dumps(manifest))
    with db.transaction(engine) as session:
        build_site(session, out, search=False)
        build_site(session, fresh, search=False)
    engine.dispose()
    assert {k: v[0] for k, v in snapshot(out).items()} == {k: v[0] for k, v in snapshot(fresh).items()}


def _spy(function, calls: list):
    def spied(*args, **kwargs):
        calls.append(args)
        return function(*args, **kwargs)

    return spied


def test_a_template_change_rerenders_pages_and_keeps_the_downloads(db_url, tmp_path):
    """The downloads are written part by part; bytes equal to the live copy keep its file and date."""
    out, templates = tmp_path / "site", tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    engine = db.make_engine(db_url)
    with db.transaction(engine) as session:
        build_site(session, out, templates=templates, search=False)
    first = snapshot(out)
    claim = templates / "claim.html"
    claim.write_text(claim.read_text().replace("Verdict history", "History of verdicts"))
    with db.transaction(engine) as session:
        build_site(session, out, templates=templates, search=False)
    second = snapshot(out)
    assert first["claims.json"] == second["claims.json"] and first["claims.csv"] == second["claims.csv"]
    assert "History of verdicts" in (out / "claims" / "seed-gpt-3-1-to-12m.html").read_text()
    assert first["subjects/gpt-3.html"] == second["subjects/gpt-3.html"]


def test_downloads_after_an_edit_are_what_a_fresh_build_writes(db_url, tmp_path, monkeypatch):
    """A rebuild copies the runs of rows that did not change from the last build's files, and
    only bytes it can check: a run someone altered in the live file is written again."""
    monkeypatch.setattr("kb.site.downloads.RUN_ROWS", 4)
    engine = db.make_engine(db_url)
    with db.transaction(engine) as session:
        build_site(session, tmp_path / "site", search=False)
        writes.edit_claim(session, "seed-gpt-3-1-to-12m", {"quote": "an edited quote, with a comma"})
    live = tmp_path / "site" / "claims.csv"
    table = live.read_bytes()
    assert table.count(b"GPT-4") > 1
    live.write_bytes(table.replace(b"GPT-4", b"GPT-5", 1))
    with db.transaction(engine) as session:
        build_site(session, tmp_path / "site", search=False)
        build_site(session, tmp_path / "fresh", search=False)
    engine.dispose()
    for name in ("claims.csv", "claims.json"):
        assert (tmp_path / "site" / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes()
    assert b"an edited quote, with a comma" in (tmp_path / "site" / "claims.csv").read_bytes()


def test_the_search_index_covers_claims_subjects_and_sources_and_follows_edits(db_url, tmp_path, monkeypatch):
    """Pagefind indexes the claim, subject and source pages at build time, in shards; an edit
    re-indexes its page's shard alone, and the index files whose content did not change keep their
    dates; --no-search leaves the index out."""
    monkeypatch.setattr("kb.site.search.SHARD_PAGES", 1_000)
    out = tmp_path / "site"
    runner = CliRunner()
    runner.invoke(cli, ["--db", db_url, "check"])
    assert runner.invoke(cli, ["--db", db_url, "build", "--search", "--out", str(out)]).exit_code == 0
    entries = [json.loads(entry.read_text()) for entry in (out / "pagefind").glob("*/pagefind-entry.json")]
    pages = sum(language["page_count"] for entry in entries for language in entry["languages"].values())
    expected = [p for kind in ("claims", "subjects", "sources") for p in (out / kind).glob("*.html")]
    assert pages == len(expected)  # those pages, and not the index, the methodology or the 404 page
    assert "data-pagefind-body" in (out / "subjects" / "gpt-4.html").read_text()
    assert 'href="search.html"' in (out / "index.html").read_text()  # a search from any page
    before = snapshot(out)
    edited = runner.invoke(
        cli, ["--db", db_url, "claim", "edit", "seed-gpt-3-1-to-12m", "--quote", "GPT-3 could cost $1M to $12M"]
    )
    assert edited.exit_code == 0
    assert runner.invoke(cli, ["--db", db_url, "build", "--search", "--out", str(out)]).exit_code == 0
    after = snapshot(out)
    index = [k for k in after if k.startswith("pagefind/")]
    changed = [k for k in index if before.get(k) != after[k]]
    assert changed and len(changed) < 0.1 * len(index)
    assert len(entries) == 4 and len({k.split("/")[1] for k in changed}) == 1  # one shard of four
    assert runner.invoke(cli, ["--db", db_url, "build", "--no-search", "--out", str(out)]).exit_code == 0
    assert not (out / "pagefind").exists()


def test_a_failed_search_index_fails_the_build_and_leaves_the_previous_site(db_url, tmp_path, monkeypatch):
    out = tmp_path / "site"
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db_url, "build", "--out", str(out)]).exit_code == 0
    before = snapshot(out)
    monkeypatch.setattr("kb.site.search.pagefind_binary", lambda: Path(shutil.which("false") or "/bin/false"))
    result = runner.invoke(cli, ["--db", db_url, "build", "--search", "--out", str(out)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1].startswith("Error: pagefind could not index the site")
    assert "--no-search" in result.stderr  # and says how to build without it
    assert snapshot(out) == before


def test_the_methodology_page_is_worked_out_again_only_when_its_inputs_change(db_url, tmp_path, monkeypatch):
    """Its calibration takes a second; an edit to a claim it does not read must not pay for it."""
    calls = []
    original = pages_module.methodology
    monkeypatch.setattr(pages_module, "methodology", lambda session: calls.append(1) or original(session))
    out, runner = tmp_path / "site", CliRunner()

    def kb(*args):
        result = runner.invoke(cli, ["--db", db_url, *args])
        assert result.exit_code == 0, result.output

    kb("build", "--out", str(out))
    kb("claim", "edit", "seed-gpt-4-100-trillion-parameters", "--quote", "GPT-4 has 100 trillion parameters, said X")
    kb("build", "--out", str(out))
    assert len(calls) == 1 and "said X" in (out / "claims/seed-gpt-4-100-trillion-parameters.html").read_text()
    kb("fact", "add", "H100", "memory_gb", "96", "--basis", "published", "--source", "seed-cost-of-training-ai-models")
    kb("build", "--out", str(out))
    assert len(calls) == 2 and "96 GB" in (out / "methodology.html").read_text()


def test_a_subject_page_follows_the_titles_of_the_sources_its_facts_cite(db_url, tmp_path):
    """A subject page's facts are formatted only when it is rendered: renaming a source they
    cite must still render it again."""
    engine = db.make_engine(db_url)
    with db.transaction(engine) as session:
        build_site(session, tmp_path / "site", search=False)
        fact = session.exec(select(Fact).where(col(Fact.source_id).is_not(None))).first()
        source, subject = session.get(Source, fact.source_id), session.get(Subject, fact.subject_id)
        assert source.title not in ("A renamed source",)
        source.title = "A renamed source"
        session.add(source)
    with db.transaction(engine) as session:
        build_site(session, tmp_path / "site", search=False)
    engine.dispose()
    assert "A renamed source" in (tmp_path / "site" / "subjects" / f"{subject.slug}.html").read_text()


def test_an_up_to_date_site_is_rebuilt_when_anything_it_depends_on_changes(db_url, tmp_path):
    out = tmp_path / "site"
    engine = db.make_engine(db_url)

    def build(**options):
        with db.transaction(engine) as session:
            return build_site(session, out, search=False, **options)

    assert not build().up_to_date
    assert build().up_to_date
    (tmp_path / ".site.building-stale").mkdir()  # left by a killed build
    assert build().up_to_date and not (tmp_path / ".site.building-stale").exists()
    with engine.begin() as connection:  # a change made behind the tool's back is still seen
        connection.exec_driver_sql("UPDATE claim SET quote = 'Edited in SQL' WHERE slug = 'seed-gpt-3-1-to-12m'")
    result = build()
    assert result.changed and "Edited in SQL" in (out / "claims/seed-gpt-3-1-to-12m.html").read_text()
    (out / "claims/seed-gpt-3-1-to-12m.html").unlink()
    assert build().changed == ["claims/seed-gpt-3-1-to-12m.html"]
    assert len(build(base_url="https://example.org").changed) > 1
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    (templates / "404.html").write_text((templates / "404.html").read_text().replace("</", "<!-- x --></", 1))
    changed = build(base_url="https://example.org", templates=templates).changed
    assert set(changed) - {".manifest.json"} == {"404.html"}
    engine.dispose()


def test_subject_charts_shade_the_knowledge_bases_band_even_when_claimants_inputs_outnumber_it():
    def claim(slug, p5, p95, own_inputs):
        return {
            "slug": slug,
            "url": f"claims/{slug}.html",
            "quantity": "training_cost_usd",
            "value": "$5M",
            "claimant": "X",
            "date": "2023",
            "year_sort": "2023",
            "low": 5e6,
            "high": 5e6,
            "p5": p5,
            "p50": (p5 * p95) ** 0.5,
            "p95": p95,
            "own_inputs": own_inputs,
            "verdict": verdict_view("consistent"),
        }

    [chart] = subject_chart(
        [claim("kb", 4e6, 8e6, False), claim("own-1", 1e6, 2e6, True), claim("own-2", 1e6, 2e6, True)]
    )
    assert chart["band"]["label"] == "model: $4M–$8M"
    own = {m["url"]: m["own_band"] for m in chart["marks"]}
    assert own["claims/kb.html"] is None and own["claims/own-1.html"] and own["claims/own-2.html"]
    assert all("own inputs' range, $1M–$2M" in m["title"] for m in chart["marks"] if m["own_band"])


def test_a_second_build_of_the_same_site_is_refused_while_one_runs(db_url, tmp_path):
    out = tmp_path / "site"
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db_url, "build", "--out", str(out)]).exit_code == 0
    before = snapshot(out)
    (tmp_path / ".site.building-running").mkdir()  # the running build's staging folder
    with exclusive(out):
        result = runner.invoke(cli, ["--db", db_url, "build", "--out", str(out), "--base-url", "https://x.org"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: another kb build is writing {out}; run this one when it has finished"
    ]
    assert snapshot(out) == before and (tmp_path / ".site.building-running").is_dir()


def test_parallel_rendering_gives_the_same_site(db_url, tmp_path, monkeypatch):
    """Also in batches: each batch of pages loads its claims' details, forks its workers and lets go."""
    engine = db.make_engine(db_url)
    with db.transaction(engine) as session:
        one = build_site(session, tmp_path / "one", workers=1, search=False)
    monkeypatch.setattr("kb.site.build.BATCH_PAGES", 40)
    with db.transaction(engine) as session:
        two = build_site(session, tmp_path / "two", workers=2, search=False)
    engine.dispose()
    first, second = snapshot(tmp_path / "one"), snapshot(tmp_path / "two")
    assert {k: v[0] for k, v in first.items()} == {k: v[0] for k, v in second.items()}
    assert one.pages == two.pages and len(one.changed) == len(two.changed) == len(first)


def test_kb_build_writes_only_into_a_folder_it_made(db_url, tmp_path):
    project = tmp_path / "project"
    (project / "sources").mkdir(parents=True)
    (project / "kb.db").write_bytes(b"precious")
    (project / "sources" / "gpt-3.yaml").write_text("source: {}\n")
    before = snapshot(project)
    runner = CliRunner()
    for out in (project, project / "sources", project / "kb.db"):
        result = runner.invoke(cli, ["--db", db_url, "build", "--out", str(out)])
        assert result.exit_code in (1, 2)  # 2: click's own refusal of a file where a folder goes
        assert str(out) in result.stderr.splitlines()[-1]
        assert snapshot(project) == before
    assert not [p for p in tmp_path.rglob(".*building*")]
    site = project / "site"
    site.mkdir()
    (site / ".gitkeep").write_text("")  # an empty folder kept in version control is fine
    assert runner.invoke(cli, ["--db", db_url, "build", "--out", str(site)]).exit_code == 0
    (project / ".site.old-4242").mkdir()  # left by an older build killed mid-swap
    result = runner.invoke(cli, ["--db", db_url, "build", "--out", str(site), "--base-url", "https://x.org"])
    assert result.exit_code == 0 and (site / "index.html").is_file()
    assert sorted(p.name for p in project.iterdir()) == ["kb.db", "site", "sources"]
    assert snapshot(project / "sources") == {
        k[len("sources/") :]: v for k, v in before.items() if k.startswith("sources/")
    }


def test_a_downloaded_spreadsheet_runs_no_formula(kb, tmp_path):
    kb("source", "add", "--slug", "formula", "--title", '=HYPERLINK("https://evil.example")', "--kind", "article")
    added = kb(
        "claim",
        "add",
        "--source",
        "formula",
        "--subject",
        "GPT-4",
        "--quantity",
        "training_cost_usd",
        "--value",
        "$5M",
        "--scope",
        "unspecified",
        "--quote",
        "=cmd|' /C calc'!A0",
        "--claimant",
        "@evil",
    )
    assert added.exit_code == 0, added.output
    assert kb("build", "--out", str(tmp_path / "site")).exit_code == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "site" / "claims.csv").read_text())))
    row = next(r for r in rows if r["quote"].endswith("calc'!A0"))
    assert row["quote"].startswith("'=") and row["claimant"].startswith("'@")
    assert all(not value.startswith(("=", "+", "-", "@")) for r in rows for value in r.values())


def _serve(args: list[str], cwd) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kb", "serve", *args], cwd=cwd, stderr=subprocess.PIPE, text=True)


def test_kb_serve_previews_the_site_with_its_own_404_page(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>home</h1>")
    (site / "404.html").write_text("<h1>Page not found</h1>")
    (site / "claims").mkdir()
    server = _serve(["--out", str(site), "--port", "0"], tmp_path)
    try:
        line = server.stderr.readline()
        address = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert address and address.group(1) != "0", line
        base = f"http://127.0.0.1:{address.group(1)}"
        assert urllib.request.urlopen(f"{base}/index.html", timeout=10).read() == b"<h1>home</h1>"
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{base}/claims/no-such.html", timeout=10)
        assert missing.value.code == 404 and b"Page not found" in missing.value.read()
        for odd in ("/%00", "/index.html%00.txt", "/claims/", "/..%2f..%2fetc/passwd"):  # no traceback, no listing
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(base + odd, timeout=10)
            assert refused.value.code == 404 and b"Page not found" in refused.value.read(), odd
        busy = subprocess.run(
            [sys.executable, "-m", "kb", "serve", "--dir", str(site), "--port", address.group(1)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert busy.returncode == 1 and len(busy.stderr.strip().splitlines()) == 1 and "--port 0" in busy.stderr
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_feed_times_do_not_depend_on_the_builders_time_zone(kb, tmp_path, monkeypatch):
    import time
    import xml.etree.ElementTree as ET

    monkeypatch.setenv("TZ", "Asia/Kathmandu")  # +05:45: any shift would show
    time.tzset()
    try:
        assert kb("build", "--out", str(tmp_path / "site")).exit_code == 0
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entry = ET.parse(tmp_path / "site" / "feed.xml").getroot().find("a:entry", ns)
    slug = entry.find("a:id", ns).text.rsplit("/", 1)[-1].removesuffix(".html")
    shown = json.loads(kb("claim", "show", slug, "--json").stdout)
    assert entry.find("a:published", ns).text == shown["created_at"]
