# The usual commands. `make run` and `make test` do all set-up on a fresh machine.
VENV ?= .venv
PY := $(VENV)/bin/python
PH := $(VENV)/bin/plainhealth

.PHONY: install run test test-fast lint types validate train eval bench clean

install:
	@bash scripts/install.sh

run: install
	@$(PH) run

test: install
	@$(PY) -m pytest -q

# Unit tests only: no Rasa servers, no training.
test-fast: install
	@$(PY) -m pytest -q -m "not e2e"

lint: install
	@$(VENV)/bin/ruff check bot actions tests bench scripts

types: install
	@$(VENV)/bin/mypy bot actions

validate: install
	@$(PH) validate

train: install
	@$(PH) train

eval: install
	@$(PY) bench/eval_nlu.py

bench: install
	@$(PY) bench/bench_servers.py

clean:
	rm -rf .plainhealth models results
