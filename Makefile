# CCHC portal. `make run` and `make test` are the two commands a newcomer needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
# The maintainers' tools (uv for `make lock`, pip-audit), kept out of the project's virtualenv
TOOLS := .venv-tools/bin
# The development server's settings: DEBUG=1 for the targets that run the portal on this machine
# (run, demo, migrate) and nowhere else; `make test` runs with the settings' own defaults
# (tests/settings.py), as CI and production do. Production: DEBUG=0 and a SECRET_KEY (.env.example).
DEBUG ?= 1
DEV := DEBUG=$(DEBUG)
PORT ?= 8000

.PHONY: lock audit run worker test e2e screenshots documents bench loadtest lint typecheck format install messages migrate demo clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Exactly the locked versions, every file checked against its hash (requirements/, `make lock`).
$(STAMP): requirements/dev.txt | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.txt
	touch $(STAMP)

install: $(STAMP)

$(TOOLS):
	$(PYTHON) -m venv .venv-tools

## Re-resolve requirements/*.txt from pyproject.toml after changing a dependency (needs PyPI);
## versions already locked stay unless pyproject.toml excludes them. `make lock UPGRADE=1` upgrades.
lock: $(TOOLS)
	$(TOOLS)/pip install --quiet 'uv>=0.9,<1'
	for f in base dev; do \
	  extra=$$( [ $$f = dev ] && echo '--extra dev' ); \
	  $(TOOLS)/uv pip compile pyproject.toml $$extra --universal --python-version 3.11 \
	    --generate-hashes --no-header --custom-compile-command 'make lock' -q \
	    $(if $(UPGRADE),--upgrade) -o requirements/$$f.txt || exit 1; \
	done

## Check the locked dependencies against the PyPA advisory database (needs to reach
## pypi.org and osv.dev); the project's virtualenv stays exactly as locked
audit: $(TOOLS)
	$(TOOLS)/pip install --quiet 'pip-audit>=2.7,<3'
	$(TOOLS)/pip-audit --require-hashes --disable-pip -r requirements/base.txt

messages: $(STAMP)
	$(DEV) $(PY) manage.py compilemessages --ignore='.venv*' -v 0

migrate: messages
	$(DEV) $(PY) manage.py migrate --noinput -v 0

demo: migrate
	$(DEV) $(PY) manage.py load_demo

## Serve the demo on http://127.0.0.1:$(PORT) and run a worker for its background jobs, together
## (SQLite unless DATABASE_URL is set); Ctrl-C stops both. `make run PORT=8100`
run: demo
	$(DEV) $(PY) scripts/run_dev.py --port $(PORT)

## A worker alone (imports, exports, mail, the daily schedule), e.g. next to another web server
worker: migrate
	$(DEV) $(PY) manage.py worker

## The whole suite (PostgreSQL when DATABASE_URL is set, SQLite otherwise), spread over one
## process per core (pytest-xdist; each has its own test database). `make test PYTEST_WORKERS=0`
## runs it in one process.
PYTEST_WORKERS ?= auto
test: messages
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

## Browser tests only (Playwright on Debian's chromium)
e2e: messages
	$(BIN)/pytest -q -m e2e tests/e2e

## Regenerate docs/screenshots/ (linked from README); an ordinary test run writes to a temp dir
screenshots: messages
	@command -v "$${CHROMIUM:-chromium}" >/dev/null || test -x /usr/bin/chromium \
	  || { echo "make screenshots needs chromium (apt-get install chromium)" >&2; exit 1; }
	SCREENSHOTS_DIR=docs/screenshots $(BIN)/pytest -q -m e2e tests/e2e/test_screenshots.py

## Regenerate the PNGs of each printed document's first page in docs/screenshots/ (the demo's
## notice, minutes, plan, ranking report and score sheet; needs pdftoppm)
documents: messages
	DOCUMENTS_DIR=docs/screenshots $(BIN)/pytest -q tests/documents/test_demo_documents.py

## Benchmarks against the bare limits of the stack (PostgreSQL; writes docs/benchmarks.md)
bench: messages
	$(PY) tests/benchmarks/run.py $(BENCH_ARGS)

## Load test: gunicorn + demo data on PostgreSQL, wrk on loopback, <= 60 s (docs/benchmarks.md)
loadtest: messages
	$(PY) tests/benchmarks/loadtest.py $(LOADTEST_ARGS)

lint: $(STAMP) typecheck
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## mypy with django-stubs over the portal's code ([tool.mypy] in pyproject.toml); incremental,
## its cache in .mypy_cache/
typecheck: $(STAMP)
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .venv-tools .pytest_cache .ruff_cache .mypy_cache staticfiles
