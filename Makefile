# Two commands for a fresh Debian machine with Python 3.11: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
PORT ?= 8000
export PORT  # the settings build the site's address (QR codes, links) from it
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
CHROMIUM := /usr/bin/chromium
# The PostgreSQL database of `make test-postgres` (Django's tests run in test_<its name>).
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/lms

.DEFAULT_GOAL := help
.PHONY: help run setup test postgres test-postgres test-parallel fuzz browser lint format messages compilemessages plugin-check clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-16s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

# Each app's own strings, the site's, and lms/upstream_locale: Wagtail's and Django's own strings in Vietnamese.
# Each .mo is rebuilt only when its .po changed, so two test runs started together never rewrite one under the other.
PO_FILES := $(wildcard locale/*/LC_MESSAGES/*.po */locale/*/LC_MESSAGES/*.po lms/upstream_locale/*/LC_MESSAGES/*.po)

compilemessages: $(PO_FILES:.po=.mo) ## Compile the translation catalogues of the site and of each app (.po -> .mo)

%.mo: %.po | $(VENV)/.runtime-installed
	$(BIN)/pybabel compile --input-file $< --output-file $@ --statistics

setup: $(VENV)/.runtime-installed compilemessages ## Install, migrate and load the demo data
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) seed_demo

run: setup ## Serve the site with demo data at http://127.0.0.1:$(PORT) (SQLite)
	@mkdir -p var
	@echo "Serving http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/). Ctrl-C stops."
	@echo "Background task worker log: var/worker.log"
	@$(MANAGE) schedule_coverage_work
	@# The worker is started again whenever it dies (it exits 0 only when asked to stop, as by Ctrl-C).
	@( trap 'kill $$pid 2>/dev/null; exit' TERM; \
		until $(MANAGE) db_worker & pid=$$!; wait $$pid; do echo "db_worker stopped; starting it again in 5 s"; sleep 5; done \
	) >var/worker.log 2>&1 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(MANAGE) runserver 127.0.0.1:$(PORT)

browser: ## Install Debian's Chromium for the browser tests (needs root)
	@if [ ! -x $(CHROMIUM) ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
		echo "!!  $(CHROMIUM) is missing and could not be installed (not root?):      !!"; \
		echo "!!  THE BROWSER TESTS WILL BE SKIPPED. Install it: apt-get install chromium !!"; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	fi

test: $(VENV)/.dev-installed compilemessages browser ## Run every test, browser tests included (DATABASE_URL picks the database)
	$(BIN)/pytest tests --ignore=tests/e2e $(PYTEST_ARGS) $(if $(JUNIT_DIR),--junitxml=$(JUNIT_DIR)/suite.xml)
	$(BIN)/pytest tests/e2e $(PYTEST_ARGS) $(if $(JUNIT_DIR),--junitxml=$(JUNIT_DIR)/browser.xml)

postgres: ## Start the local PostgreSQL if it is down and create the database of POSTGRES_URL if it is missing
	@if ! pg_isready -q -d "$(POSTGRES_URL)"; then \
		echo "Starting the local PostgreSQL..."; \
		pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql | sort -V | tail -n 1)" main start; \
		for _ in $$(seq 30); do pg_isready -q -d "$(POSTGRES_URL)" && break; sleep 1; done; \
	fi
	@pg_isready -d "$(POSTGRES_URL)"
	@psql "$(POSTGRES_URL)" -Atc "select 1" >/dev/null 2>&1 \
		|| createdb --maintenance-db="$(dir $(POSTGRES_URL))postgres" "$(notdir $(POSTGRES_URL))"

test-postgres: postgres ## Run every test on PostgreSQL (POSTGRES_URL), the parallel-request tests included
	$(MAKE) --no-print-directory test DATABASE_URL="$(POSTGRES_URL)"

test-parallel: $(VENV)/.dev-installed compilemessages postgres ## Run only the tests of parallel requests (exactly once), on PostgreSQL
	DATABASE_URL="$(POSTGRES_URL)" $(BIN)/pytest tests --ignore=tests/e2e -k on_postgresql $(PYTEST_ARGS)

fuzz: $(VENV)/.dev-installed compilemessages ## Send 2,000 generated inputs to every write endpoint and import (about an hour; the suite sends 50)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest tests/*/test_fuzz.py -q --hypothesis-show-statistics --durations=0 $(PYTEST_ARGS)

plugin-check: $(VENV)/.runtime-installed ## Build the wheel and install it into a new Wagtail site as docs/plugin.md says
	$(BIN)/python .ci/plugin_check.py

lint: $(VENV)/.dev-installed ## Check style and common errors (ruff)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev-installed ## Reformat the code and fix what ruff can fix
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(VENV)/.runtime-installed ## Collect new strings into each app's locale/vi, and the site's (needs GNU gettext)
	$(MANAGE) makemessages --locale vi --extension html,txt,py,svg --ignore '.venv/*' --ignore 'var/*' --no-obsolete

clean: ## Remove the virtual environment and the development database
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm var .pytest_cache .ruff_cache
