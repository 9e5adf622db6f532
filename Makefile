# carbonctl — developer entry points. `make demo` and `make test` work on a fresh Debian machine
# with Python 3.11; both install into .venv first.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint format install bench bench-footprint bench-web bench-meters bench-import clean refdata

ASSETS := src/carbonctl/web/static/vendor/echarts/echarts.min.js

$(STAMP): pyproject.toml constraints.txt $(ASSETS)
	@scripts/ensure-python.sh $(PYTHON)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# --no-compile: Python compiles what is imported, on first import, instead of pip compiling
	# every module of every package (pyspark, mkl …) up front, ~20 s of a fresh install
	$(BIN)/python -m pip install --quiet --no-compile -c constraints.txt -e '.[all,test,bench]'
	touch $(STAMP)

install: $(STAMP)

# Front-end libraries come from the npm registry, pinned by assets/package-lock.json, and are
# served by the platform itself: no page loads anything from a CDN.
$(ASSETS): assets/package.json assets/package-lock.json
	cd assets && npm ci --no-audit --no-fund --silent
	mkdir -p $(dir $(ASSETS))
	cp assets/node_modules/echarts/dist/echarts.min.js assets/node_modules/echarts/LICENSE \
	   assets/node_modules/echarts/NOTICE $(dir $(ASSETS))

# The accounting examples, then the platform on the embedded database with the demo data
# (`carbonctl serve` starts the import worker beside the web server).
demo: $(STAMP)
	$(BIN)/carbonctl demo
	$(BIN)/carbonctl demo build --if-missing
	@echo "serving the platform on http://127.0.0.1:8000 (Ctrl-C stops it)"
	$(BIN)/carbonctl serve --host 127.0.0.1 --port 8000

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks scripts
	$(BIN)/ruff check --fix src tests benchmarks scripts

# Tests run on every core (pytest-xdist), a test file per worker so module fixtures are built once;
# files are handed out in the order of tests/conftest.py (the long ones first), not re-sorted by
# their number of tests. The browser tests run after, in one process: as transactional tests they
# empty the database when they finish, so no other test may follow them on the same worker.
PYTEST := $(BIN)/python -m pytest -n auto --dist loadfile --no-loadscope-reorder
BROWSER := tests/web/browser

# The tests start many Python processes (xdist workers, the browser and PostgreSQL runs, servers
# and commands in subprocesses): let them keep compiled bytecode, and pytest its rewritten test
# modules, even where the environment turns that off (PYTHONDONTWRITEBYTECODE=1 recompiled
# carbonctl in every process and pytest re-rewrote hypothesis and schemathesis in each).
test: export PYTHONDONTWRITEBYTECODE :=
test: lint
	scripts/ensure-system.sh
	$(PYTEST) --ignore=$(BROWSER)
	$(BIN)/python -m pytest $(BROWSER)
	@echo "--- the database tests again, on a private PostgreSQL server ---"
	scripts/with-postgres.sh $(PYTEST) tests/web --ignore=$(BROWSER) -m "not own_database and not pages and not no_database"

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_accounting.py

# the footprint engine against bw2calc 3.1 (SciPy and PARDISO) on 1k, 5k and 20k processes
bench-footprint: $(STAMP)
	$(BIN)/python benchmarks/bench_footprint.py

bench-web: $(STAMP)
	$(BIN)/python benchmarks/bench_web.py

# 100 M readings by default; BENCH_METERS="--rows 300000000 --only ibis-duckdb --also-rows
# 100000000" shows linear time and flat memory (needs about 2.5 GB in $TMPDIR).
bench-meters: $(STAMP)
	$(BIN)/python benchmarks/bench_meter_pipeline.py $(BENCH_METERS)

# Imports through the worker, CSV and XLSX, 200,000 and 1,000,000 rows, SQLite then PostgreSQL.
bench-import: $(STAMP)
	$(BIN)/python benchmarks/bench_import.py --database sqlite
	$(BIN)/python benchmarks/bench_import.py --database postgres

refdata: $(STAMP)
	$(BIN)/python scripts/build_refdata.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build src/*.egg-info \
	       assets/node_modules src/carbonctl/web/static/vendor
