# beian-agent: `make demo` files the example bundles into the mock portal; `make test` runs every check.
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: setup browser lint typecheck test demo bench clean

setup: $(VENV)/.installed browser

$(VENV)/.installed: pyproject.toml scripts/setup.sh
	bash scripts/setup.sh python

browser: $(VENV)/.installed
	bash scripts/setup.sh browser

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check agent flows fixtures tests bench

typecheck: $(VENV)/.installed
	$(BIN)/mypy

test: setup lint typecheck
	$(BIN)/pytest $(PYTEST_ARGS)

demo: setup
	$(BIN)/python -m agent.demo

bench: setup
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache test-results bench/results
