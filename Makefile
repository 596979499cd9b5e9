PYTHON ?= python3
DATA ?= data

.PHONY: setup run test lint

setup:
	$(PYTHON) -m pip install --quiet -r requirements-dev.txt

# Main job on the embedded default: archive the seed notices and show what was stored.
run: setup
	$(PYTHON) -m archive ingest --data $(DATA) seeds/
	$(PYTHON) -m archive list --data $(DATA)

test: setup
	$(PYTHON) -m pytest -q

lint:
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .
