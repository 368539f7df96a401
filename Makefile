# `make test` works on a fresh machine: it creates .venv, installs the
# project with its pinned dev dependencies, then runs every gate CI runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test lint typecheck codegen-check pytest docs venv demo bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy

codegen-check: venv
	$(BIN)/python -m codegen --check

pytest: venv
	$(BIN)/python -m pytest -q -p no:cacheprovider

# Strict: a broken link or a missing page fails the build.
docs: venv
	$(BIN)/mkdocs build --strict --quiet

# The sdist and the wheel built from it, as a release would build them,
# then checked: metadata (twine) and contents (tests/packaging/check_dist.py).
DIST := build/dist
.PHONY: package
package: venv
	rm -rf $(DIST)
	$(BIN)/python -m build --no-isolation --outdir $(DIST) .
	$(BIN)/twine check --strict $(DIST)/*
	$(BIN)/python -m tests.packaging.check_dist $(DIST)

test: lint typecheck codegen-check pytest docs package

demo: venv
	$(BIN)/python demo/tour.py

# Benchmarks vs aiobotocore, aws-sdk-lambda (Python 3.12; left out if absent)
# and raw aiohttp; writes bench/results/ and docs/performance.md.
bench: venv
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	test -x bench/.venv312/bin/python || bash bench/setup_smithy.sh || echo "aws-sdk-lambda left out: no Python 3.12"
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis build
