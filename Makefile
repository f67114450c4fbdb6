# Tongban — the two commands a new user needs are `make demo` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
TB := $(VENV)/bin/tongban
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: demo test test-postgres test-e2e lint bench bench-quick serve install lock audit system-deps schema clean

# Exactly the versions CI tested (requirements.lock, with hashes), then the project itself without
# resolving anything again. After changing dependencies in pyproject.toml: `make lock`, test, commit both.
$(VENV)/.installed: pyproject.toml requirements.lock
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q -r requirements.lock
	$(PY) -m pip install -q -e . --no-deps
	@touch $@

install: $(VENV)/.installed

# requirements.lock from pyproject.toml (runtime + dev extras, hashes), resolved by uv for this Python
lock:
	@test -x $(PY) || python3 -m venv $(VENV)
	@test -x $(VENV)/bin/uv || $(PY) -m pip install -q uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --python $(PY) \
		--custom-compile-command "make lock" --output-file requirements.lock

# Known vulnerabilities in the locked dependencies (pip-audit; needs the network to the vulnerability
# database). Exit 1: vulnerabilities found; 2: the database could not be reached (scripts/audit.sh says which).
audit: install
	@bash scripts/audit.sh

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
