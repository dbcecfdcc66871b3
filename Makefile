# The README's two commands: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export RF_QUIET_DEV_WARNINGS ?= 1
# Settings default to DEBUG off. `make run` keeps it off: it serves the way production does, with
# this checkout's own secrets (var/demo.env, written once; every manage.py command here reads it).
# `make dev`, the tests, lint and the benchmarks run with DEBUG=1 (a caller's DEBUG still wins).
DEMO_ENV := var/demo.env

.PHONY: run dev static test test-fast test-live lint e2e migrate bench load clean bench-scale two-nodes deploy-check

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

$(DEMO_ENV): | $(VENV)/bin/python
	$(PY) -m resolutionflow.local_env

migrate: $(VENV)/.runtime $(DEMO_ENV)
	$(PY) manage.py migrate --noinput

# `make run`: gunicorn (sized in resolutionflow/gunicorn.conf.py; WEB_CONCURRENCY and
# GUNICORN_THREADS override it) serving hashed, compressed static files through WhiteNoise.
# `make dev`: Django's runserver with autoreload, static files straight from static/.
static: $(VENV)/.runtime
	STATIC_HASHED=1 $(PY) manage.py collectstatic --noinput --verbosity 0

# `make run` also starts both PSA simulators: cwsim on CWSIM_PORT (8765), atsim on ATSIM_PORT (8766).
run: export DEBUG = 0
run: migrate static
	STATIC_HASHED=1 $(PY) manage.py rundemo

dev test test-fast test-live lint e2e bench load bench-scale: export DEBUG ?= 1
dev: migrate
	STATIC_HASHED=0 $(PY) manage.py rundemo --dev

# pytest exits 5 when it collected nothing: that is a broken suite, not a pass.
test: $(VENV)/.dev
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	@$(PY) -m pytest $(PYTEST_ARGS); status=$$?; \
	  if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing on purpose."; exit 1; fi; \
	  exit $$status

# The provider contract against real tenants, read-only; needs CONNECTWISE_LIVE_* and/or
# AUTOTASK_LIVE_* (see README). With neither set every module skips and pytest exits 5.
test-live: $(VENV)/.dev
	$(PY) -m pytest -p no:cacheprovider -rs psa/tests/providers/test_connectwise_live.py psa/tests/providers/test_autotask_live.py

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	RF_QUIET_DEV_WARNINGS=1 $(VENV)/bin/mypy psa/providers psa/services.py psa/selectors.py tickets/services.py tickets/selectors.py

bench: $(VENV)/.dev static
	$(PY) scripts/bench_psa.py $(BENCH_ARGS)

# 16 engineers against gunicorn + the simulator at 100 ms; writes docs/loadtest.md.
load: $(VENV)/.dev static
	$(PY) scripts/loadtest/run.py $(LOAD_ARGS)

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
