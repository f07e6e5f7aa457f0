# labourwatch: the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck docs bench clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

## Main job on the embedded defaults: synthetic records -> assessment -> an explanation.
demo: $(STAMP)
	$(BIN)/labourwatch synth -n 2000 --seed 7 -o out/demo-input.csv
	$(BIN)/labourwatch assess out/demo-input.csv -o out/demo-assessed.parquet
	$(BIN)/labourwatch explain out/demo-input.csv --id SYN-000001
	$(BIN)/labourwatch explain out/demo-input.csv --id SYN-000001 --lang ru

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

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
