# Pressroom: `make run` starts the bot, `make test` runs lint, types and tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint types pytest bench spec clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	@$(BIN)/python -m bot

test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -q -n 4

bench: $(VENV)/.installed-test
	$(BIN)/python -m bench.summaries
	$(BIN)/python -m bench.broadcast
	$(BIN)/python -m bench.digest
	$(BIN)/python -m bench.imports
	$(BIN)/python -m bench.sources
	$(BIN)/python -m bench.storm
	$(BIN)/python -m bench.press_cpu
	$(BIN)/python -m bench.channels

spec: $(VENV)/.installed-test
	$(BIN)/python -m tests.emulator.make_spec ../shared/botapi/api.json

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
