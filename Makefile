# Two commands do all the set-up on a fresh Debian/Ubuntu machine:
#   make run    install what is missing, create .venv, set up the SQLite database with the
#               checklist and demo data, serve the app on http://127.0.0.1:5000
#   make test   the same plus test dependencies, then the whole suite on SQLite and PostgreSQL
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres

RUN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-dejavu-core \
	fonts-noto-core fonts-noto-cjk
# Tests also need Redis (the job queue; .ci/run starts it) and PostgreSQL's client tools (backups).
TEST_PACKAGES := $(RUN_PACKAGES) chromium poppler-utils redis-server postgresql-client libreoffice-writer-nogui

.PHONY: run test system-run system-test install install-test translations translations-update check-questionnaires \
	lint bench clean

# One job worker runs beside the app when Redis answers (REDIS_URL, default 127.0.0.1:6379); it
# stops with the app. Without Redis the app runs its jobs in its own threads and says so.
run: system-run install translations
	$(BIN)/checklist db upgrade
	$(BIN)/checklist demo load
	@worker=; \
	if $(BIN)/checklist worker --check; then \
		$(BIN)/checklist worker & worker=$$!; \
		trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	else \
		echo "!! No Redis: no job worker started; PDF profiles are rendered in threads of the app"; \
	fi; \
	$(BIN)/checklist serve --host 127.0.0.1 --port $(PORT)

test: system-test install-test translations check-questionnaires lint
	@set -e; \
	echo "== test suite on SQLite"; \
	$(BIN)/python -m pytest $(PYTEST_ARGS); \
	if $(BIN)/python -m tests.pgcheck "$(PG_URL)"; then \
		echo "== test suite on PostgreSQL ($(PG_URL)): the tests that use the database"; \
		TEST_DATABASE_URL="$(PG_URL)" $(BIN)/python -m pytest --database-only $(PYTEST_ARGS) || { status=$$?; \
			if [ $$status -eq 5 ]; then echo "(none of these tests uses the database)"; else exit $$status; fi; }; \
	elif [ -n "$$REQUIRE_POSTGRES" ]; then \
		echo "PostgreSQL is required (REQUIRE_POSTGRES is set) but not reachable at $(PG_URL)"; exit 1; \
	else \
		echo "!! PostgreSQL not reachable at $(PG_URL): the suite ran on SQLite ONLY"; \
	fi

# -- system packages (Debian/Ubuntu): installs only what is missing --------------------------------
system-run:
	@$(MAKE) --no-print-directory apt PACKAGES="$(RUN_PACKAGES)"
system-test:
	@$(MAKE) --no-print-directory apt PACKAGES="$(TEST_PACKAGES)"
apt:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
		| grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages: $$missing"; \
		sudo=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq \
			--no-install-recommends $$missing; \
	fi

# -- Python environment ---------------------------------------------------------------------------
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install -q -c constraints.txt -e . 2>&1 | grep -v "WARNING: Location" || true
	$(BIN)/python -c "import engine, web, exports"
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install -q -c constraints.txt -e '.[test]' 2>&1 | grep -v "WARNING: Location" || true
	$(BIN)/python -c "import pytest, playwright, pypdf"
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

translations: $(VENV)/.installed
	@$(BIN)/pybabel compile -d translations 2>&1 | grep -v "^compiling catalog" || true
	@test -f translations/fr/LC_MESSAGES/messages.mo

# For developers after changing interface strings: extract them and merge into the catalogs
# (then translate the new entries; tests/web/test_translations.py fails until every one is).
translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F translations/babel.cfg -k _l -k lazy_gettext -k N_ --no-location \
		--sort-by-file -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --width 100

check-questionnaires: $(VENV)/.installed
	$(BIN)/checklist validate --strict questionnaires/*.yaml
	$(BIN)/checklist stats questionnaires/*.yaml

lint: $(VENV)/.installed-test
	$(BIN)/ruff check engine web exports tests bench
	$(BIN)/mypy

bench: system-test install-test translations
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/web.py
	$(BIN)/python bench/editor.py
	$(BIN)/python bench/load.py --database $(PG_URL)
	$(BIN)/python bench/profiles.py
	$(BIN)/python bench/batch.py
	$(BIN)/python bench/mail.py

clean:
	rm -rf $(VENV) instance/*.sqlite3 .pytest_cache
