# GenAI Policy Atlas. `make run` builds a release from the bundled sources; `make test` runs the tests.
# Both set up the virtual environment from the committed lock first (PyPI only).
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install lock benchmark clean

run: $(STAMP)
	$(BIN)/python -m warehouse.run

test: $(STAMP)
	$(BIN)/python -m pytest

install: $(STAMP)

# Re-install whenever the lock or the project metadata changes.
$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found: install Python 3.11" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# Regenerate the lock (needs network access to PyPI): pinned versions with hashes for Linux x86_64.
lock:
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra test --python-version 3.11 \
	    --python-platform x86_64-manylinux_2_28 --index-url https://pypi.org/simple \
	    --generate-hashes --no-header -o requirements.lock

benchmark: $(STAMP)
	$(BIN)/python benchmarks/extraction.py

clean:
	rm -rf $(VENV) .airflow .atlas
