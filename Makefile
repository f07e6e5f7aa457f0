# labourwatch: the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck docs bench bench-standards bench-stats clean

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

## Lint, type-check, then the whole test suite (rule-pack YAML tests included).
test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest

## Regenerate the reference docs from the schema and the packs.
docs: $(STAMP)
	$(BIN)/labourwatch docs --out docs/reference

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_assess.py --sizes 100000 1000000 10000000

bench-standards: $(STAMP)
	$(BIN)/python benchmarks/bench_standards.py --sizes 100000 1000000

bench-stats: $(STAMP)
	$(BIN)/python benchmarks/bench_stats.py --sizes 100000 1000000 10000000 --r-max 1000000

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
