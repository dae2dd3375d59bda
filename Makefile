# Two commands do everything on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv
PYTHON := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export DBT_PROFILES_DIR := $(CURDIR)
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

# dim_customers publishes keyed hashes of contact details; the key is a secret
# and comes only from the environment. Without one, a random key is made for
# this make run alone (hashes then differ from run to run): set your own to
# keep them stable.
ifndef C360_HASH_KEY
C360_HASH_KEY := $(shell python3 -c 'import secrets; print(secrets.token_hex(16))')
endif
export C360_HASH_KEY

DEMO_CUSTOMERS ?= 10000
DEMO_SEED ?= 42
# Day 0 is the initial extract; later days are daily increments (new versions, late rows, duplicates).
# The demo builds a month of history (days 0..30). A day costs 16 to 34 s at 10,000 customers
# on a quiet 2-core machine (dbt's work per node more than the data): 12 to 15 minutes in all;
# `make demo DEMO_LAST_DAY=2` gives a first look in about 2.
DEMO_LAST_DAY ?= 30
DEMO_DATA := data/demo

.PHONY: setup demo test lint pytest benchmark clean

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

# The pipeline replays day 0 and days 1..DEMO_LAST_DAY one at a time (generate, load, build,
# snapshot, test), so history gets one recorded day per replayed day. A killed demo resumes with
# `$(BIN)/c360 pipeline` and the same arguments (see docs/pipeline.md).
demo: setup
	rm -rf $(DEMO_DATA) warehouse/customer360.duckdb warehouse/customer360.duckdb.wal warehouse/customer360.pipeline
	$(BIN)/c360 pipeline --customers $(DEMO_CUSTOMERS) --seed $(DEMO_SEED) --days 0..$(DEMO_LAST_DAY) --data $(DEMO_DATA) --target dev
	$(BIN)/dbt docs generate --target dev
	@echo
	@echo "Warehouse: $(CURDIR)/warehouse/customer360.duckdb"
	@echo "Run log:   $(CURDIR)/warehouse/customer360.pipeline/run_log.jsonl"
	@echo "Docs:      $(CURDIR)/target/index.html  (serve with: $(BIN)/dbt docs serve)"

lint: setup
	$(BIN)/pre-commit run --all-files

pytest: setup
	$(BIN)/pytest -n 2 --dist loadfile --no-loadscope-reorder

test: setup lint pytest

benchmark: setup
	$(BIN)/c360 benchmark

clean:
	rm -rf target logs warehouse data .pytest_cache
