# Tongban — the two commands a new user needs are `make demo` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
TB := $(VENV)/bin/tongban
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: demo test test-postgres test-e2e lint bench bench-quick serve install system-deps schema clean

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

system-deps:
	@bash scripts/system-deps.sh

# The demo is the only mode with demo data, the demo accounts' codes on the log-in page, the SMS
# outbox page and the 演示环境 banner: TONGBAN_DEMO=true, here and nowhere by default.
demo: install
	TONGBAN_DEMO=true $(TB) migrate --noinput -v0
	TONGBAN_DEMO=true $(TB) demo
	TONGBAN_DEMO=true $(TB) serve --host 127.0.0.1 --port $(PORT)

serve: install
	$(TB) migrate --noinput -v0
	$(TB) serve --host 127.0.0.1 --port $(PORT)

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy src
	TONGBAN_DATA_DIR=$$(mktemp -d) $(TB) makemigrations --check --dry-run -v0

test: install system-deps lint
	TONGBAN_DATA_DIR=$$(mktemp -d) $(VENV)/bin/pytest -p no:cacheprovider; status=$$?; \
		echo "browser screenshots: $${TONGBAN_E2E_SCREENSHOTS:-tests/e2e/screenshots}/"; exit $$status

test-postgres: install system-deps
	TONGBAN_DATA_DIR=$$(mktemp -d) TONGBAN_DATABASE_URL=$(PG_URL) TONGBAN_REDIS_URL=$(REDIS_URL) \
		$(VENV)/bin/pytest -p no:cacheprovider; status=$$?; \
		echo "browser screenshots: $${TONGBAN_E2E_SCREENSHOTS:-tests/e2e/screenshots}/"; exit $$status

test-e2e: install system-deps
	TONGBAN_DATA_DIR=$$(mktemp -d) $(VENV)/bin/pytest -p no:cacheprovider -m e2e

bench: install
	$(PY) bench/run_all.py

bench-quick: install
	$(PY) bench/run_all.py --quick

schema: install
	TONGBAN_DATA_DIR=$$(mktemp -d) $(TB) export_openapi docs/api/openapi.json

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
