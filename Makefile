# Engagement Explorer. Two commands do everything on a fresh machine: `make run` and `make test`.
# `make check` is the fast loop for every edit: lint and every test that needs no browser, no server and no
# AppTest page run and costs under half a CPU-second (tests/slow_tests.txt lists the heavier ones, measured by
# `python -m bench.test_costs`); `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8501

.PHONY: run test check demo-data chromium java lint bench clean

# Tests run in parallel (pytest-xdist), one worker per core; a worker that runs out of tests takes some of
# another's (worksteal), so neither waits idle at the end.
WORKERS ?= auto
XDIST = -n $(WORKERS) --dist worksteal
# Tests keep compiled modules (.pyc, gitignored) even where the environment says not to write them: without them
# every test process compiles the project again and pytest rewrites every test module's asserts again (~2 s each).
PYTEST = env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest

run: $(VENV)/.runtime demo-data
	$(PY) -m streamlit run serve.py --server.address $(HOST) --server.port $(PORT)

test: $(VENV)/.dev chromium java
	$(PYTEST) $(XDIST)

check: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PYTEST) $(XDIST) -q -m "not browser and not server and not apptest and not slow"

demo-data: $(VENV)/.runtime
	$(PY) -m analysis build --demo --if-missing

lint: $(VENV)/.dev
	$(PY) -m ruff check .

bench: $(VENV)/.dev
	$(PY) -m bench

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version 2>&1))."; exit 1; }
	$(PYTHON) -m venv $(VENV) || { echo "Could not create $(VENV). On Debian: apt-get install python3-venv"; exit 1; }
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

# Browser tests and image export use Debian's Chromium (no browser downloads).
chromium:
	@if command -v chromium >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Debian's chromium (browser tests and image export need it)..."; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	else \
	  echo "Chromium is missing. Install Debian's package as root: apt-get install chromium"; \
	  echo "(browser tests and chart image export need /usr/bin/chromium)"; exit 1; \
	fi

# The Spark path of the count tables (tests/test_count_tables.py, pyspark in local mode) needs Java 17 or newer.
java:
	@if command -v java >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Debian's Java runtime (the Spark test needs it)..."; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q openjdk-17-jre-headless; \
	else \
	  echo "Java is missing; the Spark test will be skipped. Install as root: apt-get install openjdk-17-jre-headless"; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
