# The one place that says how to install, run, test, lint, format and benchmark.
# Needs only make, git and a Python 3.13 (pyenv reads .python-version); uv is bootstrapped into .venv.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1:8000
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: install run migrate demo test lint fmt pytest test-clocks bench smoke clean

# Re-installs only when the dependency files change, so a second `make run` is fast.
$(VENV)/.installed: pyproject.toml uv.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(UV) || $(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==0.13.8"
	$(UV) sync --frozen --python $(BIN)/python
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) load_demo

# Links in the emails it prints lead to where it serves, unless DJANGO_SITE_URL says otherwise.
run: export DJANGO_SITE_URL ?= http://$(HOST)
run: demo
	@echo "Serving http://$(HOST)/ (staff admin at http://$(HOST)/admin/). Ctrl-C stops it."
	$(MANAGE) runserver $(HOST)

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint
	$(BIN)/djlint templates --check
	$(BIN)/python -m config.template_lint templates
	$(MANAGE) makemigrations --check --dry-run

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	@# --reformat exits 1 when it changed a file; what counts is that the result then passes.
	@$(BIN)/djlint templates --reformat --quiet || $(BIN)/djlint templates --check

# The suite runs on every core (pytest-xdist, a test database per worker). Tests take from
# milliseconds to the browser journeys' seconds, so an idle worker takes work queued for a busy one
# (worksteal). PYTEST_WORKERS=0 runs it all in one process.
PYTEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal

pytest: install
	$(PYTEST) $(PYTEST_ARGS)

test: lint pytest

# The suite at three awkward clinic times (the coming Monday 08:00, Friday 17:45 and Saturday
# 23:30 in Toronto, the test clinic's zone), through tests/conftest.py's TEST_CLOCK: nothing may
# depend on when it runs. CI runs it too.
CLOCKS := "monday 08:00" "friday 17:45" "saturday 23:30"
test-clocks: install
	@for spec in $(CLOCKS); do \
	  moment=$$(TZ=America/Toronto date -d "$$spec" --iso-8601=seconds) || exit 1; \
	  echo "== the suite at $$spec clinic time ($$moment)"; \
	  TEST_CLOCK=$$moment $(PYTEST) -q $(PYTEST_ARGS) || exit 1; \
	done

# The production stack end to end on this machine (needs PostgreSQL running and Caddy).
smoke: install
	$(BIN)/python deploy/smoke/run.py

bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) bench/.peer-venv staticfiles .pytest_cache .ruff_cache .hypothesis
