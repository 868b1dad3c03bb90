# The two commands of the README are `make serve` and `make test`; both install
# what they need first. `.ci/run` calls `make lint` and `make test`.
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
FLASK  := $(VENV)/bin/flask --app app
# Where `make serve` listens: `make serve PORT=8080`, `make serve HOST=0.0.0.0` (all interfaces).
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Each install step runs again only when its inputs changed: pip leaves a stamp in the
# virtualenv per requirements file, npm one in node_modules (both go when the folder
# goes), and the compiled catalogue is its own stamp.
STAMP  := $(VENV)/.stamp
MO     := portal/web/translations/en/LC_MESSAGES/messages.mo

.PHONY: install install-dev browser-deps ingest serve test bench lint clean

$(VENV)/bin/python:
	python3 -m venv $(VENV)

# Python packages (pinned) and the design system from npm (not committed).
install: $(STAMP)-requirements $(MO) node_modules/.stamp-npm

$(STAMP)-requirements: requirements.txt | $(VENV)/bin/python
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

# English UI catalogue (.mo is not committed)
$(MO): $(MO:.mo=.po) $(STAMP)-requirements
	$(VENV)/bin/pybabel --quiet compile -d portal/web/translations
	@touch $@

node_modules/.stamp-npm: package-lock.json package.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install-dev: install $(STAMP)-requirements-dev

$(STAMP)-requirements-dev: requirements-dev.txt requirements.txt $(STAMP)-requirements
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

ingest: install
	$(FLASK) ingest

# Production server: gunicorn's master with two workers, each reading whole requests
# with waitress before the app sees them (portal/web/serving.py says why). It says
# where it listens once it does, and explains a taken port instead of retrying.
serve: ingest
	@$(PY) -m portal.web.serving --host $(HOST) --port $(PORT)

# The browser tests need Debian's chromium (Playwright drives it; browsers cannot be
# downloaded) and Java for the HTML checker: installed with apt-get when missing.
browser-deps:
	@if [ -x /usr/bin/chromium ] && command -v java >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium default-jre-headless; \
	else \
	  echo "browser-deps: chromium or java is missing and this is not root: skipping the install;"; \
	  echo "  run 'sudo apt-get install chromium default-jre-headless' (the browser tests skip locally, fail under CI)"; \
	fi

test: install-dev browser-deps
	$(VENV)/bin/pytest -q

# The benchmark of issue 7 (docs/performance.md): 1k and 10k, both engines, HTTP.
# Everything it writes goes to bench/out/ (git-ignored). More sizes and flags:
#   make bench BENCH_ARGS="--sizes 1k,10k,100k --http --engines tantivy"
BENCH_ARGS ?= --sizes 1k,10k --http --engines whoosh,tantivy
bench: install
	$(PY) -m bench.run $(BENCH_ARGS)

# Lint and format check of the whole tree (ruff, configured in pyproject.toml); .ci/run runs it.
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf instance/derived
