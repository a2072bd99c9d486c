# Two commands: `make run` (set up and start the demo) and `make test` (set up and test all).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app council_app

.PHONY: run test test-fast test-clock setup setup-test lint clean translations messages

## Set up, migrate, load the demo data and start the app at http://127.0.0.1:5000
run: setup
	$(FLASK) db upgrade
	$(FLASK) demo load
	@echo
	@echo "금천구의회 회기·회의록 시스템: http://$(HOST):$(PORT)/"
	@echo
	$(FLASK) run --host $(HOST) --port $(PORT)

## Set up what the tests need (Chromium included) and run the whole suite on both cores
test: setup-test lint
	$(BIN)/pytest -n 2 --durations=15

## The inner loop (under 2 minutes): SQLite only; no browser, no child processes (gunicorn,
## index builders, the sandbox), no sweeps over every route; `make test` runs them all
test-fast: setup-test
	COUNCIL_TEST_BACKENDS=sqlite $(BIN)/pytest -n 2 -m "not browser and not slow and not sweep"

## The tests that depend on the day, at instants where Seoul's day and UTC's differ
CLOCK_TESTS := tests/minutes tests/sessions tests/home tests/calendars tests/demo tests/agenda
# Reading files (extraction, parsing, bounds, guards on a file's own text) never asks the day;
# they run once in `make test`, not four times more here.
CLOCK_IGNORE := tests/minutes/test_bounds.py tests/minutes/test_extract.py \
	tests/minutes/test_parse.py tests/minutes/test_pdf_columns.py tests/minutes/test_guards.py
CLOCK_INSTANTS := 2026-12-04T08:59+09:00 2026-12-03T23:59+09:00 2026-03-03T00:30+09:00 \
	2026-12-31T23:59+09:00
test-clock: setup-test
	@echo "== the clock at $(CLOCK_INSTANTS)"
	COUNCIL_TEST_INSTANTS="$(CLOCK_INSTANTS)" COUNCIL_TEST_BACKENDS=sqlite \
		$(BIN)/pytest -n 2 -q -m "not browser and not slow" \
		$(addprefix --ignore=,$(CLOCK_IGNORE)) $(CLOCK_TESTS)

lint: setup-test
	$(BIN)/ruff check .

setup: $(VENV)/.installed translations

## Compile the message catalogues (.po → .mo); the .mo files are build output, never committed
translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d council_app/translations --statistics

## After changing user-facing text: extract the Korean msgids and merge them into each catalogue
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ --no-location --sort-output \
		--project council-app -o council_app/translations/messages.pot .
	$(BIN)/pybabel update -i council_app/translations/messages.pot -d council_app/translations \
		--width 100 --ignore-obsolete

setup-test: $(VENV)/.installed-test translations
	@scripts/ensure-browser.sh
	@# Mozilla's ical.js reads the iCal feeds in the tests, as Thunderbird does; axe-core
	@# checks every page for accessibility.
	@if command -v npm >/dev/null; then for dir in tests/calendars/js tests/a11y/js; do \
		[ -d $$dir/node_modules ] || npm ci --prefix $$dir --no-audit --no-fund; done; fi

$(VENV)/.installed: pyproject.toml
	@scripts/check-python.sh $(PYTHON)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
