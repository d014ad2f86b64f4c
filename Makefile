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
	$(BIN)/lint-imports

typecheck: $(VENV)/.installed
	$(BIN)/mypy

test: setup lint typecheck
	$(BIN)/pytest $(PYTEST_ARGS)

DEMO_BUNDLES := fixtures/bundles/provider-basic fixtures/bundles/supporter-basic fixtures/bundles/newco-provider

# Starts the embedded mock portal for the length of the run, files the example bundles up to 确认提交.
demo: setup
	$(BIN)/beian-agent batch --mock --report evidence/demo $(DEMO_BUNDLES)
	@echo
	@echo "Evidence: one directory per bundle under evidence/ (screenshots/, trace.zip, result.json, log.jsonl)"
	@echo "Report:   evidence/demo/report.html and evidence/demo/report.json"

bench: setup
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache test-results bench/results
