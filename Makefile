# One command each, from a fresh clone:
#   make site   install costcheck into .venv, build the knowledge base (SQLite) and the website
#   make test   install the test extras (and Debian's Chromium and axe-core for the browser tests), lint, format
#               and type checks (ruff, mypy), run the suite
#               on SQLite, then again on a throwaway PostgreSQL (scripts/postgres.sh)

PYTHON ?= python3
# the suite runs across the machine's cores (pytest-xdist), at most 4: every test has its own database
PARALLEL ?= -n auto --maxprocesses=4
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: site test install install-test browser clean

$(BIN)/kb:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip "setuptools>=77"
	$(BIN)/pip install --quiet -e .

install: $(BIN)/kb

install-test: install
	$(BIN)/pip install --quiet -e '.[test]'

site: install
	$(BIN)/kb init
	$(BIN)/kb check > /dev/null
	$(BIN)/kb build
	@echo "Open site/index.html, or run: $(BIN)/kb serve"

# The browser test drives Debian's Chromium and injects axe-core from npm, and the site test runs the
# Nu HTML checker (npm's vnu-jar, on Java) and checks the sitemaps against the sitemaps.org schema (in npm's
# sitemap); install them when we can (root, apt; npm) and they are missing.
browser:
	@command -v chromium > /dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get > /dev/null && \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null) \
		|| echo "chromium not installed: the browser test will be skipped"; }
	@[ -f node_modules/axe-core/axe.min.js ] && [ -f node_modules/vnu-jar/build/dist/vnu.jar ] && \
		[ -f node_modules/sitemap/schema/sitemap.xsd ] || \
		{ command -v npm > /dev/null && npm install --no-audit --no-fund --silent > /dev/null; } \
		|| echo "npm not available: the accessibility and HTML-checker tests will be skipped"

test: install-test browser
	$(BIN)/ruff check kb tests benchmarks scripts
	$(BIN)/ruff format --check kb tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/python -m pytest $(PARALLEL)
	scripts/postgres.sh $(BIN)/python -m pytest -p no:cacheprovider $(PARALLEL)

clean:
	rm -rf $(VENV) kb.db kb.db-wal kb.db-shm site/*.html
