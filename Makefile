# The usual commands. `make run` and `make test` do all set-up on a fresh machine.
VENV ?= .venv
PY := $(VENV)/bin/python
PH := $(VENV)/bin/plainhealth

.PHONY: install run test test-fast test-production bench-load lint types validate content-check content-report train eval eval-pipelines bench bench-content bench-safety bench-hostile clean

install:
	@bash scripts/install.sh

run: install
	@$(PH) run

test: install
	@bash scripts/install-browser.sh
	@bash scripts/install-services.sh
	@$(PY) -m pytest -q

# The whole end-to-end suite again on the production profile (PostgreSQL, Redis), plus the two-server and
# fault tests (tests/test_e2e_production.py, which `make test` runs too).
test-production: install
	@bash scripts/install-browser.sh
	@bash scripts/install-services.sh
	@PLAINHEALTH_TEST_PROFILE=production $(PY) -m pytest -q -m e2e

# Unit tests only: no Rasa servers, no training.
test-fast: install
	@$(PY) -m pytest -q -m "not e2e and not model"

lint: install
	@$(VENV)/bin/ruff check bot actions tests bench scripts
	@$(VENV)/bin/ruff format --check bot actions tests bench scripts

types: install
	@$(VENV)/bin/mypy bot actions

validate: install
	@$(PH) validate

# Reading level and plain language of every patient-facing text (fails on any error).
content-check: install
	@$(PH) content check

content-report: install
	@$(PH) content check --format html --output reports/content-check.html || true

train: install
	@$(PH) train

# NLU quality on the held-out test set and its typo twin; dated report in reports/. EVAL_ARGS=--cross-validation
eval: install
	@$(PH) eval $(EVAL_ARGS)
	@$(PY) -m bot.answers.evaluate
	@$(PY) -m bot.answers.chat_eval

# Train and score every candidate pipeline in bench/pipelines/ (about 8 minutes).
eval-pipelines: install
	@$(PY) bench/compare_pipelines.py

bench: install
	@$(PY) bench/bench_servers.py
	@$(PY) bench/bench_content_check.py
	@$(PY) bench/bench_safety.py
	@$(PY) bench/bench_hostile.py

# Recall and false alarms of the safety net on tests/data/safety_eval*.yml (rules, classifier, both).
bench-safety: install
	@$(PY) bench/bench_safety.py

bench-content: install
	@$(PY) bench/bench_content_check.py

# Thousands of hostile inputs over REST and socket.io while two patients chat; 5xx, crossings, latency (~4 min).
bench-hostile: install
	@$(PY) bench/bench_hostile.py

# Simulated patients in real flows at a rising arrival rate, on each profile and with one and two Rasa
# servers; throughput, latency, errors, memory, and the webhook-to-NLU ratio (~15 minutes).
bench-load: install
	@bash scripts/install-services.sh
	@$(PY) bench/bench_load.py

clean:
	rm -rf .plainhealth models results
