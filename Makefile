PYTHON ?= python3
DATA ?= data
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test test-fast lint

setup:
	$(PYTHON) -m pip install --quiet -r requirements-dev.txt

# Main job on the embedded default: archive the seed notices, index them and serve the
# web app (the URL is printed; Ctrl-C stops it).
run: setup
	$(PYTHON) -m archive ingest --data $(DATA) seeds/
	$(PYTHON) -m archive list --data $(DATA)
	$(PYTHON) -m indexer sync --data $(DATA)
	$(PYTHON) -m web --host $(HOST) --port $(PORT) --data $(DATA)

# Every test, browser tests included (what CI runs).
test: setup
	bash .ci/browser-deps
	bash .ci/system-deps
	$(PYTHON) -m pytest -q

# The fast subset (under 2 minutes): no browser, nothing marked slow (tests/conftest.py),
# spread over one pytest-xdist worker per core.
test-fast: setup
	$(PYTHON) -m pytest -q -m "not slow and not browser" -n auto

lint:
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .
