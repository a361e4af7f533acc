# Everything runs in a local virtual environment (.venv), created on first use.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB := $(CURDIR)/demo-data/demo.sqlite3
DEMO_URL := sqlite:///$(DEMO_DB)
PYTEST_ARGS ?=

.PHONY: demo run test lint format translations schema-doc bench bench-large build build-check clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

## demo: install, build a fresh demo database and open the application on it
demo: $(STAMP)
	mkdir -p $(dir $(DEMO_DB))
	$(BIN)/backoffice --database $(DEMO_URL) demo --reset --members $${MEMBERS:-400}
	$(BIN)/backoffice --database $(DEMO_URL)

## run: open the application on the configured database
run: $(STAMP)
	$(BIN)/backoffice

## test: install and run the whole test suite (SQLite and PostgreSQL)
test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check backoffice tests tools bench
	$(BIN)/ruff format --check backoffice tests tools bench

format: $(STAMP)
	$(BIN)/ruff format backoffice tests tools bench
	$(BIN)/ruff check --fix backoffice tests tools bench

translations: $(STAMP)
	$(BIN)/python tools/translations.py update
	$(BIN)/python tools/translations.py check

schema-doc: $(STAMP)
	$(BIN)/python tools/schema_doc.py

## bench: benchmarks on a generated database (not part of the test suite)
bench: $(STAMP)
	$(BIN)/python -m bench $${BENCH_ARGS:-}

bench-large: $(STAMP)
	$(BIN)/python -m bench --members 50000 $${BENCH_ARGS:-}

## build: a one-folder application with PyInstaller, then its smoke check
build: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[build]'
	$(BIN)/pyinstaller --noconfirm --clean build.spec

build-check: build
	QT_QPA_PLATFORM=offscreen dist/backoffice/backoffice --self-check

clean:
	rm -rf $(VENV) build dist demo-data .pytest_cache .ruff_cache
