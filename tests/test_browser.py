"""A real browser (Debian's Chromium, driven by Playwright) over a local HTTP server."""

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = Path(__file__).resolve().parent / "screenshots"

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)")


@pytest.fixture
def served_site(db_url, tmp_path):
    out = tmp_path / "site"
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db_url, "check"]).exit_code == 0
    assert runner.invoke(cli, ["--db", db_url, "build", "--out", str(out)]).exit_code == 0
    handler = functools.partial(QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sub"  # served under a sub-path
    server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def translate_path(self, path):
        return super().translate_path(path.removeprefix("/sub"))

    def log_message(self, *args):
        pass


def test_search_filters_rows_and_claim_pages_open(served_site):
    sync_api = pytest.importorskip("playwright.sync_api")
    SHOTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{served_site}/index.html")
        rows = page.locator("#claims tbody tr")
        total = rows.count()
        assert total >= 40
        page.fill("#q", "GPT-4")
        visible = page.locator("#claims tbody tr:not([hidden])")
        assert 0 < visible.count() < total
        for text in visible.all_inner_texts():
            assert "gpt-4" in text.lower()
        assert f"of {total} claims" in page.inner_text("#shown")
        page.select_option("#f-verdict", "implausible")
        assert all("Implausible" in t for t in page.locator("#claims tbody tr:not([hidden])").all_inner_texts())
        page.screenshot(path=str(SHOTS / "index-filtered.png"), full_page=False)
        page.select_option("#f-verdict", "")
        page.locator("#claims thead th button", has_text="Factor").click()
        page.locator("#claims tbody tr:not([hidden]) a", has_text="100 trillion").first.click()
        page.wait_for_load_state()
        assert "GPT-4: 100 trillion" in page.inner_text("h1")
        assert "Implausible" in page.inner_text("section.verdict")
        page.screenshot(path=str(SHOTS / "claim.png"), full_page=True)
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        phone.goto(f"{served_site}/index.html")
        phone.screenshot(path=str(SHOTS / "index-phone.png"))
        browser.close()
    assert not errors
