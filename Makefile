# The two commands of the README are `make serve` and `make test`; both install
# what they need first. `.ci/run` calls `make test`.
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
FLASK  := $(VENV)/bin/flask --app app
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install install-dev browser-deps ingest serve test bench lint clean

$(VENV)/bin/python:
	python3 -m venv $(VENV)

# Python packages (pinned) and the design system from npm (not committed).
install: $(VENV)/bin/python
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt
	$(VENV)/bin/pybabel --quiet compile -d portal/web/translations  # English UI catalogue (.mo is not committed)
	npm ci --no-audit --no-fund --loglevel=error

install-dev: install
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt

ingest: install
	$(FLASK) ingest

# Production server: gunicorn with two workers (never Flask's development server).
serve: ingest
	@echo "Portalen kører på http://$(HOST):$(PORT)/"
	$(VENV)/bin/gunicorn --workers 2 --bind $(HOST):$(PORT) --timeout 30 --access-logfile - app:app

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
