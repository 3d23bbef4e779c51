# Follow-up Radar. `make run` and `make test` work on a fresh clone with only Python 3.11 installed.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The Spark environment of `make test-spark`: dbt-spark and pyspark (built from its source distribution, ~2 min).
SPARK_VENV := .venv-spark
SPARK_STAMP := $(SPARK_VENV)/.installed
SPARK_REQUIREMENTS := "dbt-core>=1.11,<1.12" "dbt-spark[session]>=1.11,<1.12" "pyspark==4.0.1"
LANDING ?= data/landing
DASHBOARD_PORT ?= 8501
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export GX_ANALYTICS_ENABLED := false
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: setup run test test-spark ui dashboard lint

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	$(BIN)/python -c "from orchestration.settings import prepare_dagster_home; prepare_dagster_home()"
	touch $(STAMP)

run: setup
	$(BIN)/radar demo --out $(LANDING) --if-empty
	$(BIN)/radar run --landing $(LANDING) --as-of "$$(cat $(LANDING)/.demo-end 2>/dev/null)"

# Three workers on two cores: the end-to-end tests wait on dbt, the daemon and other processes (measured here:
# the whole suite in 18.7 min with three, 22.8 with two). A file's tests stay on one worker (module fixtures).
test: setup
	$(BIN)/ruff check .
	$(BIN)/pytest -n 3 --dist loadfile

$(SPARK_STAMP): Makefile
	test -x $(SPARK_VENV)/bin/python || $(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_VENV)/bin/pip install --quiet --upgrade pip
	$(SPARK_VENV)/bin/pip install --quiet $(SPARK_REQUIREMENTS)
	touch $(SPARK_STAMP)

# The dbt project on Spark (local mode, Java 17), compared with the DuckDB build mart by mart.
test-spark: setup $(SPARK_STAMP)
	RADAR_SPARK_PYTHON=$(CURDIR)/$(SPARK_VENV)/bin/python $(BIN)/pytest -m spark -s tests/spark

ui: setup
	VIRTUAL_ENV=$(CURDIR)/.venv $(BIN)/dg dev --host 127.0.0.1 --port 3000

dashboard: setup
	$(BIN)/radar dashboard --host 127.0.0.1 --port $(DASHBOARD_PORT)

lint: setup
	$(BIN)/ruff check .
