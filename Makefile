# The two commands: `make run` (serve the app with demo data) and `make test` (the whole suite
# on a throwaway PostgreSQL and Redis). `make stack` runs the production-shaped processes.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .make
HOST ?= 127.0.0.1
# Celery workers `make stack` starts (`make stack WORKERS=2`: tasks spread across them).
WORKERS ?= 1
PORT ?= 8000
# The address in e-mails' links (README, Configuration): where `make run` serves the app.
SITE_URL ?= http://$(HOST):$(PORT)

# Debian packages: WeasyPrint's libraries and fonts for every target; servers and a browser for tests.
RUN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
TEST_PACKAGES := $(RUN_PACKAGES) postgresql redis-server chromium poppler-utils docker-compose
STACK_PACKAGES := $(RUN_PACKAGES) postgresql redis-server

.PHONY: help run test bench stack lint format lock frontend system-run system-test system-stack clean backup restore

help:
	@echo "make run    install what is needed, load reference and demo data, serve http://$(HOST):$(PORT)"
	@echo "make test   lint, then the whole test suite on a throwaway PostgreSQL and Redis"
	@echo "make stack  PostgreSQL, Redis, gunicorn, a Celery worker and beat (no Docker)"
	@echo "make bench SCALE=1x|100k|1m [CHECK=1] [REPEATS=3]   measure speed at scale (not part of make test)"
	@echo "make bench COMPARE=\"a.csv b.csv\"                    two bench runs side by side"
	@echo "make lock   recompile requirements*.lock from pyproject.toml"
	@echo "make backup                 dump DATABASE_URL and MEDIA_ROOT into BACKUP_DIR (./backups)"
	@echo "make restore BACKUP=<dir>   restore a backup into DATABASE_URL and MEDIA_ROOT"

$(STAMPS):
	@mkdir -p $(STAMPS)

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMPS)/python-run: requirements.lock | $(PY) $(STAMPS)
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	@touch $@

$(STAMPS)/python-dev: requirements-dev.lock | $(PY) $(STAMPS)
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	@touch $@ $(STAMPS)/python-run

$(STAMPS)/node: package.json package-lock.json | $(STAMPS)
	@command -v npm >/dev/null || scripts/ensure-system-packages.sh nodejs npm
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/govuk/application.css: $(STAMPS)/node static/scss/application.scss scripts/build-frontend.mjs
	npm run --silent build

frontend: static/govuk/application.css

system-run:
	@scripts/ensure-system-packages.sh $(RUN_PACKAGES)

system-test:
	@scripts/ensure-system-packages.sh $(TEST_PACKAGES)

system-stack:
	@scripts/ensure-system-packages.sh $(STACK_PACKAGES)

run: system-run $(STAMPS)/python-run frontend
	$(PY) manage.py migrate --noinput
	SITE_URL=$(SITE_URL) $(PY) manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (sign in with a demo account above; Ctrl+C stops)"
	SITE_URL=$(SITE_URL) $(PY) manage.py runserver $(HOST):$(PORT)

lint: $(STAMPS)/python-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMPS)/python-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The suite runs in TEST_WORKERS pytest-xdist processes (README, "The two commands"): `auto`
# is one per CPU, at most 8; `make test TEST_WORKERS=0` runs it in this one process.
TEST_WORKERS ?= auto
test: system-test $(STAMPS)/python-dev frontend lint
	$(PY) scripts/services.py test -- $(PY) -m pytest -n $(TEST_WORKERS) --maxprocesses 8 $(PYTEST_ARGS)

# The benchmark (README, "Performance and benchmarks"): a generated dataset on throwaway
# PostgreSQL and Redis; results in bench/results/. Not part of `make test`.
SCALE ?= 1x
REPEATS ?= 3
BENCH_ARGS ?=
bench: system-test $(STAMPS)/python-dev frontend
ifdef COMPARE
	$(PY) -m bench --compare $(COMPARE)
else
	$(PY) scripts/services.py test -- $(PY) -m bench --scale $(SCALE) --repeats $(REPEATS) \
	  $(if $(CHECK),--check) $(BENCH_ARGS)
endif

stack: system-stack $(STAMPS)/python-run frontend
	WORKERS=$(WORKERS) $(PY) scripts/services.py stack -- scripts/stack.sh

lock:
	$(PYTHON) -m pip install --quiet uv
	uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -o requirements.lock
	uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements-dev.lock

# Backup and restore (README, "Backup and restore"): PostgreSQL only; never the encryption keys.
backup:
	$(PYTHON) scripts/backup.py backup

restore:
	@test -n "$(BACKUP)" || { echo "Say which backup: make restore BACKUP=backups/backup-<time>"; exit 2; }
	$(PYTHON) scripts/backup.py restore "$(BACKUP)"

clean:
	rm -rf $(STAMPS) staticfiles static/govuk
