# The one entry point for humans and CI.
PYTHON ?= python3
# The interpreter itself, not a version manager's shim in front of it.
PYTHON_REAL := $(shell $(PYTHON) -c 'import sys; print(sys.executable)')
VENV := .venv
BIN := $(VENV)/bin
RUN := $(BIN)/python -m
CLI := $(RUN) api.cli
STAMP := $(VENV)/.installed
COUNTIES ?= 11
# Some parts of the benchmark only, e.g. ONLY=queries,history (all by default).
ONLY ?=

.PHONY: install demo test test-fast lint format neo4j neo4j-stop bench clean browser

install: $(STAMP)
	@$(CLI) neo4j install

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON_REAL) -m venv $(CURDIR)/$(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

browser:
	@bash .ci/install-browser

demo: install
	$(CLI) demo

# The whole suite: what CI runs.
test: install browser
	@bash .ci/test

# Everything but the tests marked slow: the developer's loop.
test-fast: install
	@bash .ci/test -m "not slow"

lint: $(STAMP)
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy

format: $(STAMP)
	$(RUN) ruff check --fix .
	$(RUN) ruff format .

neo4j: install
	$(CLI) neo4j start
	$(CLI) neo4j status

neo4j-stop: $(STAMP)
	$(CLI) neo4j stop

bench: install
	$(RUN) bench --counties $(COUNTIES) $(if $(ONLY),--only $(ONLY))

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
