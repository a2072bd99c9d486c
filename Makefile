# Two commands: `make run` (set up and start the demo) and `make test` (set up and test all).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app council_app

.PHONY: run test setup setup-test lint clean

## Set up, migrate, load the demo data and start the app at http://127.0.0.1:5000
run: setup
	$(FLASK) db upgrade
	$(FLASK) demo load
	@echo
	@echo "금천구의회 회기·회의록 시스템: http://$(HOST):$(PORT)/"
	@echo
	$(FLASK) run --host $(HOST) --port $(PORT)

## Set up what the tests need (Chromium included) and run the whole suite
test: setup-test lint
	$(BIN)/pytest

lint: setup-test
	$(BIN)/ruff check .

setup: $(VENV)/.installed

setup-test: $(VENV)/.installed-test
	@scripts/ensure-browser.sh
	@# Mozilla's ical.js reads the iCal feeds in the tests, as Thunderbird does.
	@if command -v npm >/dev/null && [ ! -d tests/calendars/js/node_modules ]; then \
		npm ci --prefix tests/calendars/js --no-audit --no-fund; fi

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
