# Folio: `make run` serves the app with a demo book; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run install test test-install lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

test-install: $(VENV)/.installed-test

run: install
	$(BIN)/folio db upgrade
	$(BIN)/folio demo --first-run
	$(BIN)/folio serve --host $(HOST) --port $(PORT)

test: test-install
	$(BIN)/python -m pytest -n auto --dist loadfile $(PYTEST_ARGS)

lint: test-install
	$(BIN)/ruff check folio tests bench
	$(BIN)/mypy

format: test-install
	$(BIN)/ruff check --fix folio tests bench

bench: test-install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
