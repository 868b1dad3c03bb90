# The two commands of the README are `make serve` and `make test`; both install
# what they need first. `.ci/run` calls `make test`.
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
FLASK  := $(VENV)/bin/flask --app app
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install install-dev ingest serve test lint clean

$(VENV)/bin/python:
	python3 -m venv $(VENV)

# Python packages (pinned) and the design system from npm (not committed).
install: $(VENV)/bin/python
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt
	npm ci --no-audit --no-fund --loglevel=error

install-dev: install
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt

ingest: install
	$(FLASK) ingest

# Production server: gunicorn with two workers (never Flask's development server).
serve: ingest
	@echo "Portalen kører på http://$(HOST):$(PORT)/"
	$(VENV)/bin/gunicorn --workers 2 --bind $(HOST):$(PORT) --timeout 30 --access-logfile - app:app

test: install-dev
	$(VENV)/bin/pytest -q

clean:
	rm -rf instance/derived
