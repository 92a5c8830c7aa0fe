# CCHC portal. `make run` and `make test` are the two commands a newcomer needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
# Development defaults; production sets DEBUG=0 and a real SECRET_KEY (see .env.example).
export DEBUG ?= 1

.PHONY: run test e2e bench loadtest lint format install messages migrate demo clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

messages: $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv -v 0

migrate: messages
	$(PY) manage.py migrate --noinput -v 0

demo: migrate
	$(PY) manage.py load_demo

## Serve the demo on http://127.0.0.1:8000 (SQLite unless DATABASE_URL is set)
run: demo
	$(PY) manage.py runserver 127.0.0.1:8000

## The whole suite (PostgreSQL when DATABASE_URL is set, SQLite otherwise)
test: messages
	$(BIN)/pytest -q $(PYTEST_ARGS)

## Browser tests only (Playwright on Debian's chromium)
e2e: messages
	$(BIN)/pytest -q -m e2e tests/e2e

## Benchmarks against the bare limits of the stack (PostgreSQL; writes docs/benchmarks.md)
bench: messages
	$(PY) tests/benchmarks/run.py $(BENCH_ARGS)

## Load test: gunicorn + demo data on PostgreSQL, wrk on loopback, <= 60 s (docs/benchmarks.md)
loadtest: messages
	$(PY) tests/benchmarks/loadtest.py $(LOADTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
