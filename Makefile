# carbonctl — developer entry points. `make demo` and `make test` work on a fresh Debian machine
# with Python 3.11; both install into .venv first.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint format install bench clean refdata

$(STAMP): pyproject.toml constraints.txt
	@scripts/ensure-python.sh $(PYTHON)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/carbonctl demo

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks scripts
	$(BIN)/ruff check --fix src tests benchmarks scripts

test: lint
	$(BIN)/python -m pytest
	@echo "--- the database tests again, on a private PostgreSQL server ---"
	scripts/with-postgres.sh $(BIN)/python -m pytest tests/web

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_accounting.py

refdata: $(STAMP)
	$(BIN)/python scripts/build_refdata.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build src/*.egg-info
