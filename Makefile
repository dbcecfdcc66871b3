# The README's two commands: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export RF_QUIET_DEV_WARNINGS ?= 1

.PHONY: run test test-fast test-live lint e2e migrate bench clean bench-scale two-nodes deploy-check

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime

migrate: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py rundemo

# pytest exits 5 when it collected nothing: that is a broken suite, not a pass.
test: $(VENV)/.dev
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	@$(PY) -m pytest $(PYTEST_ARGS); status=$$?; \
	  if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing on purpose."; exit 1; fi; \
	  exit $$status

# The provider contract against a real tenant, read-only; needs CONNECTWISE_LIVE_* (see README).
test-live: $(VENV)/.dev
	$(PY) -m pytest -p no:cacheprovider -rs psa/tests/providers/test_connectwise_live.py

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	RF_QUIET_DEV_WARNINGS=1 $(VENV)/bin/mypy psa/providers psa/services.py psa/selectors.py tickets/services.py tickets/selectors.py

bench: $(VENV)/.dev
	$(PY) scripts/bench_psa.py

# List, panel, context and queue over HTTP at 1k/10k/100k tickets (5,000 companies, 500 members).
bench-scale: $(VENV)/.dev
	$(PY) scripts/bench_scale.py

# Two gunicorn nodes, two Celery workers and a beat on local PostgreSQL and Redis, with proofs.
two-nodes: $(VENV)/.runtime
	$(PY) scripts/two_nodes.py

# deploy/: `docker compose config` and the image's gunicorn + healthcheck under DEBUG=0.
deploy-check: $(VENV)/.dev
	$(PY) deploy/check.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
