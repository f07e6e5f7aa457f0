# labourwatch: the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PG_URL ?= postgresql://postgres@127.0.0.1:5432/postgres

.PHONY: demo serve test lint typecheck docs bench bench-standards bench-stats bench-web bench-selfcheck bench-startup clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

## Main job on the embedded defaults: the OSCE study reproduced on its calibrated synthetic sample,
## as an HTML report in English and Russian, and one record explained.
demo: $(STAMP)
	$(BIN)/labourwatch demo --lang en
	$(BIN)/labourwatch demo --lang ru
	$(BIN)/labourwatch explain out/demo/osce-synthetic.csv --id OSCE-SYN-0001 --law kz-labour-code-2007 \
		--pack kz-labour --pack kz-migration --pack osce-kz-2006

## The case-management web application on SQLite with demo data (http://127.0.0.1:8000/).
serve: $(STAMP)
	$(BIN)/labourwatch serve

## Lint, type-check, then the whole test suite (rule-pack YAML tests included).
test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest -n auto --dist loadfile
	@# The web application's tests again on PostgreSQL (the production database); CI requires it. The
	@# browser test runs its own server on SQLite.
	@if $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
	  DATABASE_URL=$(PG_URL) $(BIN)/pytest -n auto --dist loadfile tests/web --ignore=tests/web/test_browser.py; \
	elif [ "$$LABOURWATCH_REQUIRE_POSTGRES" = 1 ]; then \
	  echo "PostgreSQL is required (LABOURWATCH_REQUIRE_POSTGRES=1) and not reachable at $(PG_URL)" >&2; exit 1; \
	else echo "PostgreSQL not reachable at $(PG_URL): the web tests ran on SQLite only"; fi

## Regenerate the reference docs from the schema and the packs.
docs: $(STAMP)
	$(BIN)/labourwatch docs --out docs/reference

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_assess.py --sizes 100000 1000000 10000000

bench-standards: $(STAMP)
	$(BIN)/python benchmarks/bench_standards.py --sizes 100000 1000000

## The web application under load: 100,000 cases on PostgreSQL (PG_URL's server), 50 users (locust).
bench-web: $(STAMP)
	$(BIN)/python benchmarks/bench_web.py --database $(dir $(PG_URL))labourwatch_bench

bench-selfcheck: $(STAMP)
	$(BIN)/python benchmarks/bench_selfcheck.py

## How long `labourwatch --help` and `explain` of one record take, the disk cache empty and filled.
bench-startup: $(STAMP)
	$(BIN)/python benchmarks/bench_startup.py --sizes 1000 1000000 10000000

bench-stats: $(STAMP)
	$(BIN)/python benchmarks/bench_stats.py --sizes 100000 1000000 10000000 --r-max 1000000

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
