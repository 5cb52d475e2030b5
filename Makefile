# The one entry point for humans and CI.
PYTHON ?= python3
# The interpreter itself, not a version manager's shim in front of it.
PYTHON_REAL := $(shell $(PYTHON) -c 'import sys; print(sys.executable)')
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
COUNTIES ?= 11

.PHONY: install demo test lint format neo4j neo4j-stop bench clean browser

install: $(STAMP)
	@$(BIN)/civicgraph neo4j install

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON_REAL) -m venv $(CURDIR)/$(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

browser:
	@bash .ci/install-browser

demo: install
	$(BIN)/civicgraph neo4j start
	$(BIN)/civicgraph neo4j status

test: install
	@bash .ci/test

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

neo4j: install
	$(BIN)/civicgraph neo4j start
	$(BIN)/civicgraph neo4j status

neo4j-stop: $(STAMP)
	$(BIN)/civicgraph neo4j stop

bench: install
	$(BIN)/python -m bench --counties $(COUNTIES)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
