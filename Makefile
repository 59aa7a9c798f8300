# kcz: one task runner. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# test processes: one per core (pytest-xdist; a test file stays in one process, and the session
# builds are made once for all of them, tests/support/once.py). TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto

.DEFAULT_GOAL := help
.PHONY: help setup git-filter reports test test-fast lint typecheck format validate lab bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

setup: $(STAMP) ## create ./.venv, install kczlib with its dependencies (no root), set up git-filter
	@$(MAKE) --no-print-directory git-filter

# nbstripout as a git filter: what `git add` stores of a notebook has no outputs and no
# execution counts, whatever was saved (cell ids are kept, so diffs stay small). It also drops
# `metadata.language_info`, which JupyterLab rewrites on every save from the running Python
# (version, mimetype, ...): an open + save leaves `git status` clean. The stored kernelspec is
# the one JupyterLab writes ("Python 3 (ipykernel)", tests/integration/test_lab_setup.py).
# Outside a git clone (an unpacked archive) there is nothing to set up.
NBSTRIPOUT_KEYS = --extra-keys metadata.language_info
git-filter: ## in a git clone: commit notebooks without outputs (nbstripout filter)
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
	  $(BIN)/nbstripout --install --attributes .gitattributes && \
	  git config filter.nbstripout.clean '"$(abspath $(BIN))/python" -m nbstripout --keep-id $(NBSTRIPOUT_KEYS)' && \
	  echo "git: notebooks are stored without outputs (nbstripout filter)"; \
	else \
	  echo "not a git clone: nbstripout filter not set up"; \
	fi

reports: setup ## set up, then build every report into reports/<timestamp>/ (reports/latest)
	$(BIN)/kcz build

# The tests marked `serial` (JupyterLab in a browser) run alone after the others; both parts
# always run, and the target fails if either does.
test: setup ## set up, then run the whole test suite (unit, integration, e2e)
	status=0; \
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile -m "not serial" || status=1; \
	$(BIN)/python -m pytest -m serial || status=1; \
	exit $$status

test-fast: setup ## the unit tier only: no kernel, no browser, under a minute
	$(BIN)/python -m pytest tests/unit -q -n $(TEST_WORKERS) --dist loadfile

lint: setup ## ruff: errors, style, imports, complexity, docstrings (rules in pyproject.toml)
	$(BIN)/ruff check .

typecheck: setup ## mypy (strict on kczlib.data and kczlib.analysis; pyproject.toml)
	$(BIN)/mypy kczlib

format: setup ## apply ruff's safe fixes (import order, modern syntax)
	$(BIN)/ruff check --fix .

validate: setup ## check the case data: schema, evidence, coverage; and the word files
	$(BIN)/python -m kczlib validate

# Opens at the project root (data/, README.md and kczlib/words/ are in the file
# browser), showing notebooks/. Options pass through: make lab LAB_ARGS="--allow-root --port 8899"
# a saved notebook whose stripped form is the committed one is not listed by git status (kczlib/lab.py)
lab: setup ## open JupyterLab on the project's environment (options: LAB_ARGS=...)
	$(BIN)/jupyter lab --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks --ContentsManager.post_save_hook=kczlib.lab.refresh_git_after_save $(LAB_ARGS)

bench: setup ## measure build speed (prints ratios; not a test)
	$(BIN)/python benchmarks/bench_build.py

clean: ## remove the environment and generated reports
	rm -rf $(VENV) reports/[0-9]* reports/latest
