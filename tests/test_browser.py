"""A real browser (Debian's Chromium, driven by Playwright) over a local HTTP server."""

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import cli
from kb.cli.publish import PreviewHandler

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = Path(__file__).resolve().parent / "screenshots"
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"  # make test installs it
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)")


@pytest.fixture
def served_site(db_url, tmp_path):
    out = tmp_path / "site"
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db_url, "check"]).exit_code == 0
    assert runner.invoke(cli, ["--db", db_url, "build", "--search", "--out", str(out)]).exit_code == 0
    handler = functools.partial(QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sub"  # served under a sub-path
    server.shutdown()


class QuietHandler(PreviewHandler):
    """kb serve's handler (the site's own 404 page for a missing file), serving under /sub."""

    def translate_path(self, path):
        return super().translate_path(path.removeprefix("/sub"))

    def log_message(self, *args):
        pass


def test_search_filters_rows_and_claim_pages_open(served_site):
    sync_api = pytest.importorskip("playwright.sync_api")
    SHOTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{served_site}/index.html")
        page.wait_for_selector("#filters:not([hidden])")  # shown once every claim's row has been read
        assert page.locator("#pages").is_hidden()  # the links to page 2, 3, … serve readers without JavaScript
        total = int(page.inner_text("#shown").split(" of ")[1].split()[0])
        rows = page.locator("#claims tbody tr")
        assert total >= 200 and rows.count() == 100  # only the first rows of the result are drawn
        page.click("#more")
        assert rows.count() == 200
        page.fill("#q", "GPT-4")
        assert 0 < rows.count() < total
        for text in rows.all_inner_texts():
            assert "gpt-4" in text.lower()
        assert f"{rows.count()} of {total} claims" == page.inner_text("#shown")
        page.select_option("#f-verdict", "implausible")
        assert all("Implausible" in t for t in rows.all_inner_texts())
        page.screenshot(path=str(SHOTS / "index-filtered.png"), full_page=False)
        page.select_option("#f-verdict", "")
        page.locator("#claims thead th button", has_text="Factor").click()
        factors = [float(t.rstrip("×") or 0) for t in page.locator("#claims tbody td:nth-child(7)").all_inner_texts()]
        assert factors == sorted(factors) and factors[-1] > 1
        page.locator("#claims tbody a", has_text="100 trillion").first.click()
        page.wait_for_load_state()
        assert "GPT-4: 100 trillion" in page.inner_text("h1")
        assert "Implausible" in page.inner_text("section.verdict")
        page.screenshot(path=str(SHOTS / "claim.png"), full_page=True)
        for width in (390, 320):  # subject, claim and verdict fit a phone's screen without scrolling
            phone = browser.new_page(viewport={"width": width, "height": 844})
            phone.goto(f"{served_site}/index.html")
            phone.wait_for_selector("#filters:not([hidden])")
            for column in ("Subject", "Claim", "Verdict"):
                box = phone.get_by_role("columnheader", name=column, exact=True).bounding_box()
                assert box and box["x"] + box["width"] <= width, (width, column)
            phone.screenshot(path=str(SHOTS / f"index-phone-{width}.png"))
        browser.close()
    assert not errors


PAGE_TYPES = [  # one of each kind: the index, a claim with its assumptions table, a subject with its chart, …
    "index.html",
    "claims/lambda-gpt3-4-6m.html",
    "subjects/gpt-4.html",
    "sources/seed-cost-of-training-ai-models.html",
    "methodology.html",
    "search.html?q=GPT-4",  # Pagefind's interface, with results
    "claims/no-such-claim.html",  # the 404 page, served at a nested path
]


# The smallest chart label as drawn on screen, in CSS pixels: its font size times the SVG's scale.
SMALLEST_CHART_LABEL = """() => {
  let least = null;
  for (const svg of document.querySelectorAll('figure.chart svg')) {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    for (const text of svg.querySelectorAll('text')) {
      const px = parseFloat(getComputedStyle(text).fontSize) * scale;
      least = least === null ? px : Math.min(least, px);
    }
  }
  return least;
}"""


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (make test runs npm install)")
def test_every_page_type_is_accessible_and_fits_a_phone(served_site):
    """axe-core finds no violation on any page type; at phone widths nothing scrolls sideways
    (wide tables and charts scroll inside their own labelled box) and chart labels stay 11 px or more."""
    sync_api = pytest.importorskip("playwright.sync_api")
    axe = AXE.read_text(encoding="utf-8")
    problems = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for width in (1280, 390, 320):
            page = browser.new_page(viewport={"width": width, "height": 800})
            for path in PAGE_TYPES:
                page.goto(f"{served_site}/{path}")
                page.add_script_tag(content=axe)
                violations = page.evaluate(
                    "async () => (await axe.run()).violations.map(v => `${v.id} (${v.impact}): ${v.nodes.length}`)"
                )
                wide = page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
                problems += [f"{width}px {path}: {v}" for v in violations]
                problems += [f"{width}px {path}: scrolls sideways"] if wide else []
                smallest = page.evaluate(SMALLEST_CHART_LABEL)
                problems += [f"{width}px {path}: chart labels {smallest:.1f} px"] if smallest and smallest < 11 else []
            page.close()
        browser.close()
    assert problems == []


def test_search_finds_a_model_from_any_page(served_site):
    """The header's Search link leads to Pagefind's search, which finds a model's page by name."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{served_site}/claims/lambda-gpt3-4-6m.html")
        page.click("header nav >> text=Search")
        page.fill(".pagefind-ui__search-input", "Chinchilla")
        page.wait_for_selector(".pagefind-ui__result-link", timeout=10_000)
        links = page.eval_on_selector_all(".pagefind-ui__result-link", "els => els.map(e => e.getAttribute('href'))")
        page.goto(f"{served_site}/search.html?q=GPT-4")  # a query in the address is searched at once
        page.wait_for_selector(".pagefind-ui__result-link", timeout=10_000)
        browser.close()
    assert "/sub/subjects/chinchilla.html" in links  # addressed within the site, served under /sub


def test_the_index_filters_when_opened_from_disk(db_url, tmp_path):
    """`make site` says to open site/index.html: from file:// the browser may load a script but not
    fetch a file, so the index's data comes as a script and its filters work there too."""
    sync_api = pytest.importorskip("playwright.sync_api")
    out = tmp_path / "site"
    assert CliRunner().invoke(cli, ["--db", db_url, "build", "--out", str(out)]).exit_code == 0
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto((out / "index.html").as_uri())
        page.wait_for_selector("#filters:not([hidden])")
        page.fill("#q", "GPT-4")
        shown, total = page.inner_text("#shown").split(" claims")[0].split(" of ")
        assert 0 < int(shown) < int(total)
        browser.close()
