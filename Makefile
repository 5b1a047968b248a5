# GenAI Policy Atlas. `make run` builds a release from the bundled sources; `make test` runs the linter and the tests.
# Both set up the virtual environment from the committed lock first (PyPI only), with tools/install_lock.py:
# exactly the locked files (hash-checked, no dependency resolution), then a check that the lock is closed.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# A DuckDB 1.1 client in its own environment: tests/test_compat.py opens a fresh release database with it.
COMPAT       := .venv-duckdb1.1
COMPAT_LOCK  := tests/compat/duckdb-1.1.lock
COMPAT_STAMP := $(COMPAT)/.installed
# The release-building tests run a second time with the clock at another date (tests/conftest.py: --clock).
CLOCK_A := 2026-11-21T12:00:00+00:00
CLOCK_B := 2030-12-31T12:00:00+00:00

# Debian packages the tests use: docker-compose checks the deployment file (tests/test_compose.py);
# chromium and a CJK font render the release page (tests/test_page.py). Installed when missing.
DEBIAN_PACKAGES := docker-compose chromium fonts-noto-cjk
# Debian packages of the deployment smoke test (tests/test_deploy.py, deploy/cluster.py): the metadata DB and the
# Celery broker, started by hand as processes on 127.0.0.1, never as system services.
DEPLOY_DEBIAN_PACKAGES := postgresql redis-server

.PHONY: run test lint install debian-packages deploy-debian-packages deploy-smoke lock benchmark clean

run: $(STAMP)
	$(BIN)/python -m warehouse.run

test: $(STAMP) $(COMPAT_STAMP) debian-packages lint
	$(BIN)/python -m pytest -m "not deploy" --clock=$(CLOCK_A)
	$(BIN)/python -m pytest -m "release and not deploy" --clock=$(CLOCK_B)

# The production deployment, run for real on this machine (issue 13): Postgres, Redis, the Airflow api-server,
# scheduler, dag-processor, triggerer and two Celery workers; prints the figures (-s). About 10 minutes.
deploy-smoke: $(STAMP) deploy-debian-packages
	$(BIN)/python -m pytest -m deploy -s tests/test_deploy.py

lint: $(STAMP)
	$(BIN)/ruff check .

install: $(STAMP)

deploy-debian-packages:
	@$(MAKE) --no-print-directory debian-packages DEBIAN_PACKAGES="$(DEPLOY_DEBIAN_PACKAGES)"

debian-packages:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  sudo=""; [ "$$(id -u)" -ne 0 ] && sudo=sudo; \
	  echo "installing Debian packages:" $$missing; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null; \
	fi

# Re-install whenever the lock, the installer or the project metadata changes.
$(STAMP): requirements.lock pyproject.toml tools/install_lock.py
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found: install Python 3.11" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python tools/install_lock.py requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

$(COMPAT_STAMP): $(COMPAT_LOCK) tools/install_lock.py
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found: install Python 3.11" >&2; exit 1; }
	test -x $(COMPAT)/bin/python || $(PYTHON) -m venv $(COMPAT)
	$(COMPAT)/bin/python tools/install_lock.py $(COMPAT_LOCK)
	touch $(COMPAT_STAMP)

# Regenerate the locks with the locked uv (needs PyPI). Existing pins are kept unless UPGRADE=1.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml tools/lock-tools.in -c tools/lock-keep.txt --extra test --extra deploy \
	    --python-version 3.11 --python-platform x86_64-manylinux_2_28 --generate-hashes $(if $(UPGRADE),--upgrade) -o requirements.lock
	$(BIN)/uv pip compile tests/compat/duckdb-1.1.in --python-version 3.11 \
	    --python-platform x86_64-manylinux_2_28 --generate-hashes -o $(COMPAT_LOCK)

benchmark: $(STAMP)
	$(BIN)/python benchmarks/extraction.py
	$(BIN)/python benchmarks/dag_overhead.py
	$(BIN)/python benchmarks/fail_fast.py

clean:
	rm -rf $(VENV) $(COMPAT) .airflow .atlas
