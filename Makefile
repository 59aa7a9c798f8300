# kcz: one task runner. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help setup reports test validate lab bench clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP) ## create ./.venv and install kczlib with its dependencies (no root)

reports: setup ## set up, then build every report into reports/<timestamp>/ (reports/latest)
	$(BIN)/kcz build

test: setup ## set up, then run the whole test suite
	$(BIN)/python -m pytest

validate: setup ## check the case data: schema, evidence, coverage
	$(BIN)/python -m kczlib validate

lab: setup ## open JupyterLab on the project's environment
	$(BIN)/jupyter lab notebooks/

bench: setup ## measure build speed (prints ratios; not a test)
	$(BIN)/python benchmarks/bench_build.py

clean: ## remove the environment and generated reports
	rm -rf $(VENV) reports/[0-9]* reports/latest
